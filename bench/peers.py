#!/usr/bin/python3
"""Reference peers and helpers for bench/guest.sh (Debian's python3).

  rfcomm-server ADDR CH              PyBluez RFCOMM server: accept one client,
                                     read until it hangs up, print "received N"
  rfcomm-client SRC DST CH FILE      PyBluez client: FILE in 8000-byte sendall()s
  l2cap-server ADDR PSM MTU          socket(AF_BLUETOOTH, SOCK_SEQPACKET) server,
                                     ERTM, incoming MTU MTU; prints "received N"
  l2cap-client SRC DST PSM FILE MTU  the client: FILE in MTU-sized packets, ERTM
  mktree DIR N                       N small files (1-6000 bytes, random) in
                                     10 subdirectories; prints their total bytes

Every server prints "listening" once it accepts connections.
"""
import os
import random
import socket
import struct
import sys

SOL_L2CAP = 6
L2CAP_OPTIONS = 1
L2CAP_MODE_ERTM = 3
# struct l2cap_options: omtu, imtu, flush_to (u16), mode, fcs, max_tx (u8),
# padding, txwin_size (u16)
L2OPT = "=HHHBBBxH"


def l2cap_set(sock, imtu=None):
    o = list(struct.unpack(L2OPT, sock.getsockopt(SOL_L2CAP, L2CAP_OPTIONS, 12)))
    if imtu:
        o[1] = imtu
    o[3] = L2CAP_MODE_ERTM
    sock.setsockopt(SOL_L2CAP, L2CAP_OPTIONS, struct.pack(L2OPT, *o))


def drain(conn, size):
    total = 0
    while True:
        try:
            b = conn.recv(size)
        except OSError:  # ECONNRESET: the peer hung up
            break
        if not b:
            break
        total += len(b)
    return total


def rfcomm_server(addr, ch):
    import bluetooth
    sock = bluetooth.BluetoothSocket(bluetooth.RFCOMM)
    sock.bind((addr, int(ch)))
    sock.listen(1)
    print("listening", flush=True)
    conn, _ = sock.accept()
    print("received", drain(conn, 65536), flush=True)


def rfcomm_client(src, dst, ch, path):
    import bluetooth
    sock = bluetooth.BluetoothSocket(bluetooth.RFCOMM)
    sock.bind((src, 0))
    sock.connect((dst, int(ch)))
    with open(path, "rb") as f:
        while True:
            b = f.read(8000)
            if not b:
                break
            sock.sendall(b)
    sock.close()


def l2cap_server(addr, psm, mtu):
    sock = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_SEQPACKET, socket.BTPROTO_L2CAP)
    l2cap_set(sock, int(mtu))
    sock.bind((addr, int(psm, 0)))
    sock.listen(1)
    print("listening", flush=True)
    conn, _ = sock.accept()
    print("received", drain(conn, int(mtu) + 1), flush=True)


def l2cap_client(src, dst, psm, path, mtu):
    sock = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_SEQPACKET, socket.BTPROTO_L2CAP)
    l2cap_set(sock)
    sock.bind((src, 0))
    sock.connect((dst, int(psm, 0)))
    omtu = struct.unpack(L2OPT, sock.getsockopt(SOL_L2CAP, L2CAP_OPTIONS, 12))[0]
    size = min(int(mtu), omtu)
    with open(path, "rb") as f:
        while True:
            b = f.read(size)
            if not b:
                break
            sock.send(b)
    # ERTM: shutdown waits until every packet is acknowledged.
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def mktree(top, n):
    rnd = random.Random(8)
    total = 0
    for i in range(int(n)):
        d = os.path.join(top, "d%02d" % (i % 10))
        os.makedirs(d, exist_ok=True)
        size = rnd.randint(1, 6000)
        with open(os.path.join(d, "f%04d.bin" % i), "wb") as f:
            f.write(rnd.randbytes(size))
        total += size
    print(total)


if __name__ == "__main__":
    cmds = {
        "rfcomm-server": rfcomm_server, "rfcomm-client": rfcomm_client,
        "l2cap-server": l2cap_server, "l2cap-client": l2cap_client,
        "mktree": mktree,
    }
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
