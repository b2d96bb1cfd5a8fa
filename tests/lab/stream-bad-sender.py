#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Send an A2DP-style SBC stream with damage mixed in (for the stream lab).

Reads SBC frames (as sbcenc writes them) and sends them over L2CAP in
packets of 5 frames (RTP v2, PT 96), built here without btsync's code,
plus, in this order:
  after packet 1: 50 zero bytes (RTP version 0), a 3-byte packet,
                  packet 2 with RTP version 1 (then the real packet 2)
  packet 3 with a frame count of 9 (it holds 5)
  packet 4 cut 10 bytes short (4 whole frames, one broken)
  packet 6 never sent (lost)
  packet 7 sent twice (the copy is late)
  after packet 8: a packet with a frame count of 0
Prints "sent=N frames=N" (packets sent, frames in the stream).
Usage: stream-bad-sender.py SRC_ADDR DST_ADDR PSM FILE.sbc
"""
import socket
import struct
import sys
import time

RATES = (16000, 32000, 44100, 48000)
BLOCKS = (4, 8, 12, 16)


def frame_len(b):
    mode = (b[1] >> 2) & 3
    blocks = BLOCKS[(b[1] >> 4) & 3]
    subbands = 8 if b[1] & 1 else 4
    ch = 1 if mode == 0 else 2
    bits = blocks * ch * b[2] if mode < 2 else (subbands if mode == 3 else 0) + blocks * b[2]
    return 4 + (4 * subbands * ch) // 8 + (bits + 7) // 8, blocks * subbands


def main():
    src, dst, psm, path = sys.argv[1], sys.argv[2], int(sys.argv[3], 0), sys.argv[4]
    data = open(path, "rb").read()
    frames, pos = [], 0
    while pos + 4 <= len(data) and data[pos] == 0x9C:
        n, spf = frame_len(data[pos:pos + 3])
        frames.append(data[pos:pos + n])
        pos += n
    packets, ts = [], 1000
    for i in range(0, len(frames) - len(frames) % 5, 5):
        payload = b"".join(frames[i:i + 5])
        packets.append(struct.pack(">BBHII", 0x80, 96, len(packets) & 0xFFFF, ts, 0x5EED)
                       + bytes([5]) + payload)
        ts += 5 * spf
    s = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_SEQPACKET, socket.BTPROTO_L2CAP)
    s.bind((src, 0))
    s.connect((dst, psm))
    sent = 0

    def send(p):
        nonlocal sent
        s.send(p)
        sent += 1
        time.sleep(0.003)  # basic mode has no flow control: do not flood

    for n, p in enumerate(packets):
        if n == 2:
            send(b"\x00" * 50)
            send(b"\x80\x60\x00")
            send(bytes([0x40]) + p[1:])
        if n == 3:
            p = p[:12] + bytes([9]) + p[13:]
        if n == 4:
            p = p[:-10]
        if n == 6:
            continue
        send(p)
        if n == 7:
            send(p)
        if n == 8:
            send(p[:12] + bytes([0]) + p[13:])
    time.sleep(0.5)
    s.close()
    print("sent=%d frames=%d" % (sent, len(packets) * 5))


if __name__ == "__main__":
    main()
