#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent check of btsync's A2DP media packets (for the stream lab).

Listens on L2CAP (Python's own socket module, no btsync code), accepts
one connection and reads packets until the peer hangs up. Every packet
must be RTP version 2 with payload type 96, one SSRC, sequence numbers
+1 each (mod 2^16), timestamps advancing by the samples of the previous
packet; the SBC payload header's frame count must match the whole SBC
frames that follow (syncword 0x9C, length from the frame header), with
nothing left over, and the packet must fit the MTU. Prints one line:
packets=N frames=N samples=N rate=N channels=N max_len=N errors=N
and the first few errors. Usage: stream-rtp-check.py ADAPTER_ADDR PSM
"""
import socket
import struct
import sys

RATES = (16000, 32000, 44100, 48000)
BLOCKS = (4, 8, 12, 16)


def sbc_frame(buf, pos):
    """(length, samples per channel, rate, channels) of the SBC frame at pos."""
    if len(buf) - pos < 4 or buf[pos] != 0x9C:
        raise ValueError("no SBC syncword at payload offset %d" % pos)
    b = buf[pos + 1]
    rate = RATES[b >> 6]
    blocks = BLOCKS[(b >> 4) & 3]
    mode = (b >> 2) & 3
    subbands = 8 if b & 1 else 4
    bitpool = buf[pos + 2]
    channels = 1 if mode == 0 else 2
    if mode in (0, 1):
        bits = blocks * channels * bitpool
    else:
        bits = (subbands if mode == 3 else 0) + blocks * bitpool
    length = 4 + (4 * subbands * channels) // 8 + (bits + 7) // 8
    return length, blocks * subbands, rate, channels


def main():
    addr, psm = sys.argv[1], int(sys.argv[2], 0)
    srv = socket.socket(socket.AF_BLUETOOTH, socket.SOCK_SEQPACKET, socket.BTPROTO_L2CAP)
    srv.bind((addr, psm))
    srv.listen(1)
    print("listening", flush=True)
    conn, _ = srv.accept()
    # L2CAP basic mode has no flow control: a full receive buffer drops
    # packets. Python in the slow VM reads slowly, so make room (forced:
    # SO_RCVBUFFORCE, 33 on Linux, as root; else as much as allowed).
    for opt in (33, socket.SO_RCVBUF):
        try:
            conn.setsockopt(socket.SOL_SOCKET, opt, 4 << 20)
            break
        except OSError:
            pass
    errors = []
    packets = frames = samples = max_len = 0
    ssrc = seq = ts = None
    rate = channels = 0
    while True:
        pkt = conn.recv(4096)
        if not pkt:
            break
        packets += 1
        max_len = max(max_len, len(pkt))
        try:
            if len(pkt) < 13:
                raise ValueError("packet of %d bytes" % len(pkt))
            v_p_x_cc, m_pt, p_seq, p_ts, p_ssrc = struct.unpack(">BBHII", pkt[:12])
            if v_p_x_cc >> 6 != 2:
                raise ValueError("RTP version %d" % (v_p_x_cc >> 6))
            if v_p_x_cc & 0x3F:
                raise ValueError("padding/extension/CSRC set: 0x%02x" % v_p_x_cc)
            if m_pt & 0x7F != 96:
                raise ValueError("payload type %d" % (m_pt & 0x7F))
            if ssrc is None:
                ssrc = p_ssrc
            elif p_ssrc != ssrc:
                raise ValueError("SSRC changed")
            if seq is not None and p_seq != (seq + 1) & 0xFFFF:
                raise ValueError("sequence %d after %d" % (p_seq, seq))
            if ts is not None and p_ts != ts:
                raise ValueError("timestamp %d, expected %d" % (p_ts, ts))
            count = pkt[12] & 0x0F
            if pkt[12] & 0xF0:
                raise ValueError("fragmentation bits set: 0x%02x" % pkt[12])
            pos, n, pkt_samples = 13, 0, 0
            while pos < len(pkt):
                length, spf, rate, channels = sbc_frame(pkt, pos)
                if pos + length > len(pkt):
                    raise ValueError("frame %d cut short" % n)
                pos += length
                n += 1
                pkt_samples += spf
            if n != count:
                raise ValueError("header says %d frames, packet holds %d" % (count, n))
            seq, ts = p_seq, (p_ts + pkt_samples) & 0xFFFFFFFF
            frames += n
            samples += pkt_samples
        except (ValueError, IndexError) as e:
            errors.append("packet %d: %s" % (packets, e))
    print("packets=%d frames=%d samples=%d rate=%d channels=%d max_len=%d errors=%d"
          % (packets, frames, samples, rate, channels, max_len, len(errors)))
    for e in errors[:5]:
        print(e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
