#!/usr/bin/python3
# A sender that speaks the btsync protocol (docs/protocol.md) badly, to
# check that 'btsync recv' refuses it without writing outside its output
# directory or crashing. Usage: sync-hostile.py LOCAL_ADDR PEER_ADDR CHANNEL CASE
# Prints one line per check: "ok WHAT" or "bad WHAT: why"; exits 0 if the
# receiver behaved.
import socket
import struct
import sys

local, peer, chan, case = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
HELLO, OFFER, REPLY, START, DATA, END, RESULT, BYE, ERROR = range(1, 10)
bad = 0


def frame(t, payload=b""):
    return struct.pack(">BBH", t, 0, len(payload)) + payload


def offer(path, kind=1, size=0, target=b""):
    p = path if isinstance(path, bytes) else path.encode()
    return frame(OFFER, struct.pack(">BBHIQqIH", kind, 0, len(p), 0o644, size, 0, 0,
                                    len(target)) + p + target)


def connect():
    s = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_STREAM, socket.BTPROTO_RFCOMM)
    s.bind((local, 0))
    s.settimeout(30)
    s.connect((peer, chan))
    return s


def recv_frame(s):
    hdr = b""
    while len(hdr) < 4:
        c = s.recv(4 - len(hdr))
        if not c:
            return None, None
        hdr += c
    t, _, n = struct.unpack(">BBH", hdr)
    body = b""
    while len(body) < n:
        c = s.recv(n - len(body))
        if not c:
            return None, None
        body += c
    return t, body


def check(ok, what):
    global bad
    print(("ok " if ok else "bad ") + what, flush=True)
    if not ok:
        bad += 1


def hello(s):
    s.sendall(frame(HELLO, struct.pack(">IHHII", 0x42545359, 1, 0, 15, 8000)))
    t, _ = recv_frame(s)
    check(t == HELLO, "handshake")


def expect_refuse(s, what):
    t, body = recv_frame(s)
    check(t == REPLY and body[0] == 3, "refused " + what)


s = connect()
if case == "names":
    hello(s)
    for name in [b"../escape", b"/tmp/abs", b"a/../../escape", b"ok/../../../escape",
                 b"a//b", b"back\\slash", b".btsync-x.part", b"nul\x00byte"]:
        s.sendall(offer(name, size=1))
        if b"\x00" in name:
            # A NUL inside the name breaks the frame: ERROR and close.
            t, _ = recv_frame(s)
            check(t == ERROR, "NUL in a name ends the session")
            break
        expect_refuse(s, repr(name))
elif case == "symlinks":
    hello(s)
    s.sendall(offer(b"up", kind=3, target=b"../../etc"))
    expect_refuse(s, "symlink out of the tree")
    s.sendall(offer(b"abs", kind=3, target=b"/etc"))
    expect_refuse(s, "absolute symlink")
    s.sendall(offer(b"here", kind=3, target=b"."))
    t, body = recv_frame(s)
    check(t == REPLY and body[0] == 2, "symlink inside the tree accepted")
    s.sendall(offer(b"here/through", size=1))
    expect_refuse(s, "a path through a received symlink")
elif case == "liar":
    hello(s)
    s.sendall(offer(b"liar.bin", size=10))
    t, body = recv_frame(s)
    check(t == REPLY and body[0] == 0, "asked for the data")
    s.sendall(frame(START, bytes(12)))
    s.sendall(frame(DATA, b"x" * 100))
    t, _ = recv_frame(s)
    check(t == ERROR, "more data than announced is refused")
elif case == "huge":
    hello(s)
    s.sendall(offer(b"huge.bin", size=1 << 62))
    expect_refuse(s, "a size larger than the disk")
elif case == "truncated":
    hello(s)
    s.sendall(offer(b"cut.bin", size=1000))
    recv_frame(s)
    s.sendall(frame(START, bytes(12)))
    s.sendall(struct.pack(">BBH", DATA, 0, 500) + b"y" * 100)  # then hang up
elif case == "unknown":
    hello(s)
    s.sendall(frame(42, b"?"))
    t, _ = recv_frame(s)
    check(t == ERROR, "unknown frame type")
elif case == "garbage":
    s.sendall(b"GET / HTTP/1.0\r\n\r\n" + b"\xff" * 100)
    t, _ = recv_frame(s)
    check(t in (ERROR, None), "garbage instead of a handshake")
s.close()
sys.exit(1 if bad else 0)
