#!/usr/bin/python3
"""Turn btmon traces of the virtual lab into seeds for the fuzz targets.

Usage: tests/fuzz/extract.py [--clean] [--out CORPUS] [-v] [CAPTURE...]

CAPTURE is a btsnoop file (btmon -w: the monitor format with every
controller; also the H4 and unencapsulated formats) or a directory, taken
as its *.btsnoop files plus what tests/fuzz/capture-guest.sh leaves beside
them (scan-cache, *.wav-head); the default is tests/fuzz/out/capture,
where tests/fuzz/capture puts them. The seeds go to CORPUS/TARGET/cap-*
(CORPUS defaults to tests/fuzz/corpus), each in the input format of
tests/fuzz/fuzz-TARGET.c; --clean first removes the cap-* seeds already
there (the hand-made seeds are left alone). Prints the count per target;
-v adds what was decoded, and anything odd in the trace is reported.

The decoding: ACL fragments are reassembled into L2CAP frames per
controller, link and direction; L2CAP signalling maps channels to PSMs
(basic mode, or ERTM/streaming I-frames with SAR and FCS); PSM 1 is SDP
(ServiceSearchAttributeResponses joined over continuations), PSM 3 is
RFCOMM (UIH payloads, credit bytes and FCS checked, joined per DLCI and
direction into byte streams), other PSMs carry btsync frames (one per
packet) or RTP media packets. Byte streams that start with a btsync HELLO
are split into frames. Every controller's view is decoded; identical seeds
are written once. Standard library only.
"""

import argparse
import collections
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# --- btsnoop -------------------------------------------------------------------

CMD, EVT, ACL = "cmd", "evt", "acl"


def read_btsnoop(path):
    """Yield (index, kind, rx, data) for HCI commands, events and ACL data."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 16 or blob[:8] != b"btsnoop\0":
        raise ValueError("%s: not a btsnoop file" % path)
    version, link = struct.unpack(">II", blob[8:16])
    if version != 1 or link not in (1001, 1002, 2001):
        raise ValueError("%s: btsnoop version %d, datalink %d not supported" % (path, version, link))
    pos = 16
    while pos + 24 <= len(blob):
        _orig, incl, flags, _drops, _ts = struct.unpack(">IIIIq", blob[pos:pos + 24])
        data = blob[pos + 24:pos + 24 + incl]
        pos += 24 + incl
        if len(data) < incl:
            break  # truncated at the end (btmon killed mid-write)
        if link == 2001:  # Linux monitor: flags = index << 16 | opcode
            index, op = flags >> 16, flags & 0xFFFF
            kind = {2: (CMD, False), 3: (EVT, True), 4: (ACL, False), 5: (ACL, True)}.get(op)
            if kind:
                yield index, kind[0], kind[1], data
        elif link == 1002:  # H4: a packet-type byte first
            if not data:
                continue
            kind = {1: CMD, 2: ACL, 4: EVT}.get(data[0])
            if kind:
                yield 0, kind, bool(flags & 1), data[1:]
        else:  # 1001, unencapsulated: flags bit 1 = command/event
            kind = (EVT if flags & 1 else CMD) if flags & 2 else ACL
            yield 0, kind, bool(flags & 1), data


# --- checksums -----------------------------------------------------------------

def _table(poly, bits):
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        t.append(c & ((1 << bits) - 1))
    return t


_CRC8 = _table(0xE0, 8)      # RFCOMM FCS (GSM 07.10, reversed x^8+x^2+x+1)
_CRC16 = _table(0xA001, 16)  # L2CAP FCS (reversed x^16+x^15+x^2+1)


def rfcomm_fcs(data):
    c = 0xFF
    for b in data:
        c = _CRC8[c ^ b]
    return 0xFF - c


def l2cap_crc16(data):
    c = 0
    for b in data:
        c = (c >> 8) ^ _CRC16[(c ^ b) & 0xFF]
    return c


# --- the decoder -------------------------------------------------------------------

class Channel:
    """One L2CAP connection-oriented channel, seen from one controller."""

    def __init__(self, psm, key):
        self.psm = psm
        self.key = key          # unique id of this channel instance
        self.mode = 0           # 0 basic, 3 ERTM, 4 streaming
        self.ext_ctrl = False   # extended (32-bit) control field
        self.next_seq = {}      # direction -> expected TxSeq (ERTM)
        self.sar = {}           # direction -> SDU being reassembled
        self.rfcomm_cfc = False
        self.link = None        # (index, handle)
        self.to_peer = False


class Decoder:
    def __init__(self):
        self.acl_buf = {}        # (idx, handle, rx) -> bytearray
        self.chan = {}           # (idx, handle, rx, cid) -> Channel
        self.pending = {}        # (idx, handle, rx, ident) -> (psm, scid)
        self.nchan = 0
        self.damaged = set()     # (channel, rx) with data missing
        self.bad = collections.Counter()
        # results
        self.events = []         # HCI events (code, params)
        self.commands = []       # HCI commands (opcode, params)
        self.sdp_rsp = []        # joined AttributeLists
        self.sdp_part = {}       # (chan, rx) -> bytearray
        self.streams = collections.OrderedDict()  # (chan, rx, dlci) -> bytearray
        self.packets = collections.OrderedDict()  # (chan, rx) -> [SDU]
        self.dlc_gen = {}        # (chan, dlci) -> SABMs seen
        self.psms = set()
        self.peers = set()       # bdaddr bytes (little-endian)
        self.link_peer = {}      # (idx, handle) -> the peer's bdaddr
        self.servers = set()     # (bdaddr, "0x1001" PSM or "1" RFCOMM channel)

    def note(self, what):
        self.bad[what] += 1

    # HCI ------------------------------------------------------------------
    def feed(self, idx, kind, rx, data):
        if kind == EVT:
            if len(data) >= 2:
                self.on_event(idx, data[0], data[2:2 + data[1]])
        elif kind == CMD:
            if len(data) >= 3:
                self.commands.append((struct.unpack_from("<H", data)[0], data[3:3 + data[2]]))
        elif len(data) >= 4:
            self.on_acl(idx, rx, data)

    def on_event(self, idx, code, p):
        self.events.append((code, p))
        if code == 0x03 and len(p) >= 11 and p[0] == 0:  # Connection Complete
            handle = struct.unpack_from("<H", p, 1)[0] & 0x0FFF
            self.peers.add(bytes(p[3:9]))
            self.drop_link(idx, handle)
            self.link_peer[(idx, handle)] = bytes(p[3:9])
        elif code == 0x05 and len(p) >= 3 and p[0] == 0:  # Disconnection Complete
            self.drop_link(idx, struct.unpack_from("<H", p, 1)[0] & 0x0FFF)

    def drop_link(self, idx, handle):
        for table in (self.acl_buf, self.chan, self.pending):
            for k in [k for k in table if k[0] == idx and k[1] == handle]:
                del table[k]

    def on_acl(self, idx, rx, data):
        hv, dlen = struct.unpack_from("<HH", data)
        handle, pb = hv & 0x0FFF, (hv >> 12) & 3
        frag = data[4:4 + dlen]
        key = (idx, handle, rx)
        if pb != 1:  # a start (flushable or not)
            if self.acl_buf.get(key):
                self.lost(idx, handle, rx, self.acl_buf[key])
            self.acl_buf[key] = bytearray(frag)
        elif key in self.acl_buf:
            self.acl_buf[key] += frag
        else:
            self.lost(idx, handle, rx, b"")
            return
        buf = self.acl_buf[key]
        if len(buf) >= 4 and len(buf) >= 4 + struct.unpack_from("<H", buf)[0]:
            ln, cid = struct.unpack_from("<HH", buf)
            del self.acl_buf[key]
            self.on_l2cap(idx, handle, rx, cid, bytes(buf[:4 + ln]))

    def lost(self, idx, handle, rx, partial):
        """The trace misses ACL fragments (btmon fell behind): the channel
        they belong to (every channel of the link when unknown) is damaged
        in this direction, and its data is not used."""
        self.note("ACL fragments missing from the trace")
        cid = struct.unpack_from("<H", partial, 2)[0] if len(partial) >= 4 else None
        for (i, h, r, c), ch in self.chan.items():
            if (i, h, r) == (idx, handle, rx) and cid in (None, c):
                self.damaged.add((ch.key, rx))

    # L2CAP ----------------------------------------------------------------
    def on_l2cap(self, idx, handle, rx, cid, frame):
        payload = frame[4:]
        if cid == 1:
            self.on_signal(idx, handle, rx, payload)
            return
        ch = self.chan.get((idx, handle, rx, cid))
        if ch is None:
            return  # fixed channels (ATT, SMP...) and unknown ones
        sdu = self.l2cap_sdu(ch, rx, frame) if ch.mode in (3, 4) else payload
        if sdu is None:
            return
        if ch.psm == 1:
            self.on_sdp(ch, rx, sdu)
        elif ch.psm == 3:
            self.on_rfcomm(ch, rx, sdu)
        else:
            self.packets.setdefault((ch.key, rx), []).append(sdu)

    def l2cap_sdu(self, ch, rx, frame):
        """ERTM or streaming mode: one I-frame in, a complete SDU out (or None)."""
        clen = 4 if ch.ext_ctrl else 2
        if len(frame) < 4 + clen:
            self.note("short ERTM frame")
            return None
        body = frame[4:]
        # The FCS (CRC-16, default on) covers header, control and payload.
        if len(body) >= clen + 2 and l2cap_crc16(frame[:-2]) == struct.unpack_from("<H", frame, len(frame) - 2)[0]:
            body = body[:-2]
        ctrl = int.from_bytes(body[:clen], "little")
        if ctrl & 1:
            return None  # S-frame: acknowledgements, no data
        if ch.ext_ctrl:
            txseq, sar = (ctrl >> 18) & 0x3FFF, (ctrl >> 16) & 3
        else:
            txseq, sar = (ctrl >> 1) & 0x3F, (ctrl >> 14) & 3
        if ch.mode == 3:  # retransmissions repeat a TxSeq: keep the first
            want = ch.next_seq.get(rx, txseq)
            if txseq != want:
                self.note("ERTM I-frame out of sequence (retransmission?)")
                return None
            ch.next_seq[rx] = (txseq + 1) % (0x4000 if ch.ext_ctrl else 0x40)
        data = body[clen:]
        if sar == 0:
            return data
        if sar == 1:  # start: SDU length, then the first segment
            ch.sar[rx] = (struct.unpack_from("<H", data)[0], bytearray(data[2:]))
            return None
        if rx not in ch.sar:
            self.note("SAR segment without a start")
            return None
        want_len, buf = ch.sar[rx]
        buf += data
        if sar == 3:
            return None
        del ch.sar[rx]
        if len(buf) != want_len:
            self.note("SAR SDU length mismatch")
            return None
        return bytes(buf)

    def on_signal(self, idx, handle, rx, p):
        pos = 0
        while pos + 4 <= len(p):
            code, ident, ln = struct.unpack_from("<BBH", p, pos)
            d = p[pos + 4:pos + 4 + ln]
            pos += 4 + ln
            if code == 0x02 and len(d) >= 4:  # Connection Request
                psm, scid = struct.unpack_from("<HH", d)
                self.pending[(idx, handle, rx, ident)] = (psm, scid)
            elif code == 0x03 and len(d) >= 8:  # Connection Response
                dcid, scid, result = struct.unpack_from("<HHH", d)
                req = self.pending.get((idx, handle, not rx, ident))
                if not req or result == 1:  # unknown, or pending: wait
                    continue
                del self.pending[(idx, handle, not rx, ident)]
                if result != 0:
                    continue
                self.nchan += 1
                ch = Channel(req[0], self.nchan)
                ch.link = (idx, handle)
                ch.to_peer = rx  # the response came in: this controller connected
                if ch.to_peer and req[0] not in (1, 3) and (idx, handle) in self.link_peer:
                    self.servers.add((self.link_peer[(idx, handle)], "0x%04x" % req[0]))
                self.psms.add(req[0])
                # The requester's frames go to the responder's CID (dcid)
                # and the responder's to the requester's (scid).
                self.chan[(idx, handle, not rx, dcid)] = ch
                self.chan[(idx, handle, rx, scid)] = ch
            elif code == 0x04 and len(d) >= 4:  # Configuration Request
                dcid = struct.unpack_from("<H", d)[0]
                ch = self.chan.get((idx, handle, rx, dcid))
                if ch:
                    self.on_config(ch, d[4:])
            elif code == 0x06 and len(d) >= 4:  # Disconnection Request
                dcid, scid = struct.unpack_from("<HH", d)
                self.chan.pop((idx, handle, rx, dcid), None)
                self.chan.pop((idx, handle, not rx, scid), None)

    @staticmethod
    def on_config(ch, opts):
        pos = 0
        while pos + 2 <= len(opts):
            t, ln = opts[pos] & 0x7F, opts[pos + 1]
            v = opts[pos + 2:pos + 2 + ln]
            pos += 2 + ln
            if t == 0x04 and v:  # Retransmission and Flow Control
                ch.mode = v[0]
            elif t == 0x07:      # Extended Window Size: 32-bit control
                ch.ext_ctrl = True

    # SDP ------------------------------------------------------------------
    def on_sdp(self, ch, rx, pdu):
        if len(pdu) < 5 or pdu[0] != 0x07:  # ServiceSearchAttributeResponse
            return
        plen = struct.unpack_from(">H", pdu, 3)[0]
        p = pdu[5:5 + plen]
        if len(p) < 3:
            self.note("short SDP response")
            return
        n = struct.unpack_from(">H", p)[0]
        lists, cont = p[2:2 + n], p[2 + n:]
        if len(lists) != n or not cont or len(cont) < 1 + cont[0]:
            self.note("malformed SDP response")
            return
        key = (ch.key, rx)
        self.sdp_part.setdefault(key, bytearray()).extend(lists)
        if cont[0] == 0:  # no continuation state: the response is whole
            whole = bytes(self.sdp_part.pop(key))
            if (ch.key, rx) in self.damaged:
                return
            # one data element sequence, exactly as long as its header says
            hl = {0x35: 2, 0x36: 3, 0x37: 5}.get(whole[0] if whole else 0)
            if not hl or len(whole) < hl or \
                    hl + int.from_bytes(whole[1:hl], "big") != len(whole):
                self.note("SDP AttributeLists not one whole sequence")
                return
            self.sdp_rsp.append(whole)

    # RFCOMM ---------------------------------------------------------------
    def on_rfcomm(self, ch, rx, f):
        if len(f) < 4:
            self.note("short RFCOMM frame")
            return
        addr, ctrl = f[0], f[1]
        dlci, ftype, pf = addr >> 2, ctrl & ~0x10, bool(ctrl & 0x10)
        if f[2] & 1:
            ln, hl = f[2] >> 1, 3
        else:
            ln, hl = (f[2] >> 1) | (f[3] << 7), 4
        if ftype == 0xEF:  # UIH: the FCS covers address and control only
            fcs_ok = rfcomm_fcs(f[:2]) == f[-1]
        else:
            fcs_ok = rfcomm_fcs(f[:hl]) == f[-1]
        if not fcs_ok:
            self.note("RFCOMM FCS mismatch")
            return
        if ftype == 0x2F and dlci:  # SABM: a new DLC, a new byte stream
            self.dlc_gen[(ch.key, dlci)] = self.dlc_gen.get((ch.key, dlci), 0) + 1
            if not rx and ch.link in self.link_peer:  # we open a DLC on the peer
                self.servers.add((self.link_peer[ch.link], str(dlci >> 1)))
            return
        if ftype != 0xEF:
            return
        credit = 1 if (pf and dlci and ch.rfcomm_cfc) else 0
        info = f[hl + credit:-1]
        if len(info) != ln:
            self.note("RFCOMM length mismatch")
            return
        if dlci == 0:
            self.on_mcc(ch, info)
        elif info:
            key = ((ch.key, self.dlc_gen.get((ch.key, dlci), 0)), rx, dlci)
            self.streams.setdefault(key, bytearray()).extend(info)

    def on_mcc(self, ch, m):
        # Multiplexer control: type (EA, C/R, 6-bit type), length, value.
        if len(m) >= 2 and (m[0] >> 2) == 0x20:  # PN: parameter negotiation
            ln_hdr = 1 if m[1] & 1 else 2
            v = m[1 + ln_hdr:]
            if len(v) >= 2 and (v[1] >> 4) in (0xE, 0xF):
                ch.rfcomm_cfc = True  # credit-based flow control


# --- the fuzz targets' input formats --------------------------------------------------

FRAME_NAMES = {1: "hello", 2: "offer", 3: "reply", 4: "start", 5: "data", 6: "end",
               7: "result", 8: "bye", 9: "error", 10: "digest"}
# fuzz-frame.c: the first byte picks the decoder
FRAME_SELECTOR = {1: 1, 2: 2, 3: 3, 4: 4, 6: 4, 10: 4, 7: 5, 9: 6}
HELLO = b"\x01\x00\x00\x10BTSY"
DATA_CAP = 256  # payload bytes kept of a DATA frame (header fixed up)


def split_frames(stream):
    """A btsync byte stream -> [(type, payload)], up to the first bad header."""
    out, pos = [], 0
    while pos + 4 <= len(stream):
        t, fl, ln = stream[pos], stream[pos + 1], struct.unpack_from(">H", stream, pos + 2)[0]
        if not 1 <= t <= 10 or fl or pos + 4 + ln > len(stream):
            break
        out.append((t, bytes(stream[pos + 4:pos + 4 + ln])))
        pos += 4 + ln
    return out


def frame_bytes(t, payload):
    return struct.pack(">BBH", t, 0, len(payload)) + payload


class Seeds:
    def __init__(self):
        self.by_target = collections.OrderedDict()
        self.seen = set()

    def add(self, target, name, data, limit=40):
        data = bytes(data)
        lst = self.by_target.setdefault(target, [])
        if (target, data) in self.seen or len(lst) >= limit:
            return
        self.seen.add((target, data))
        lst.append(("cap-%s-%s" % (name, hashlib.sha256(data).hexdigest()[:8]), data))


def seed_frames(seeds, sessions):
    """sessions: [(sender frames, receiver frames)] of one btsync session each."""
    kinds = set()
    for snd, rcv in sessions:
        for t, p in snd + rcv:
            # Selector 0 (header check): one whole frame of each type, a
            # DATA frame cut to DATA_CAP bytes (its length fixed up).
            if t not in kinds:
                kinds.add(t)
                seeds.add("frame", "hdr-" + FRAME_NAMES[t], b"\x00" + frame_bytes(t, p[:DATA_CAP]))
    for snd, rcv in sessions:
        for t, p in snd + rcv:
            sel = FRAME_SELECTOR.get(t)
            if sel is not None:
                seeds.add("frame", FRAME_NAMES[t], bytes([sel]) + p, limit=60)
            if t == 2 and len(p) >= 30:  # the names in an OFFER: path check
                plen, tlen = struct.unpack_from(">H", p, 2)[0], struct.unpack_from(">H", p, 28)[0]
                seeds.add("frame", "path", b"\x07" + p[30:30 + plen], limit=60)
                if tlen:
                    seeds.add("frame", "target", b"\x07" + p[30 + plen:30 + plen + tlen], limit=60)
        seed_manifest(seeds, snd, rcv)


def seed_manifest(seeds, snd, rcv):
    """fuzz-manifest.c: offered size (8), state flags (1), final size (8),
    part size (8), then the REPLY payload, from each OFFER or DIGEST with
    the REPLY that answered it and what the sender did next."""
    replies = [p for t, p in rcv if t == 3]
    ri = 0
    offer = None
    for i, (t, p) in enumerate(snd):
        if t == 2 and len(p) >= 30:
            offer = p
        elif t != 10 or offer is None:
            continue
        if ri >= len(replies):
            break
        r = replies[ri]
        ri += 1
        if len(r) != 48:
            continue
        o_flags, size = offer[1], struct.unpack_from(">Q", offer, 8)[0]
        action, rflags, offset = r[0], r[1], struct.unpack_from(">Q", r, 8)[0]
        fl, final_size, part_size = 0, 0, 0
        if o_flags & 1:
            fl |= 16                      # a stream
        if o_flags & 2 or rflags & 2:
            fl |= 32                      # may replace
        if action == 1 and rflags & 1:    # have, under the final name
            fl |= 1 | 2
            final_size = offset
        elif action == 1:                 # have, a .part
            fl |= 8
            part_size = offset
        elif action == 2 and rflags & 4:  # done: the directory existed
            fl |= 1 | 4
        elif action == 3:                 # refused: something in the way
            fl |= 1 | 2
        # prefix_ok: the sender went on at the receiver's offset
        nxt = next((q for u, q in snd[i + 1:] if u in (2, 4, 10)), None)
        if action == 1 and nxt is not None and len(nxt) == 12 and not nxt[0] & 1 and \
                struct.unpack_from(">Q", nxt, 4)[0] == offset:
            fl |= 64
        name = {0: "need", 1: "have", 2: "done", 3: "refuse"}.get(action, "reply")
        if t == 10:
            name = "digest-" + name
        seeds.add("manifest", name,
                  struct.pack(">QBQQ", size, fl, final_size, part_size) + r)


def seed_media(seeds, pkts):
    """fuzz-media.c: packets, each a 2-byte big-endian length then its bytes.
    Three runs of a stream: its start, middle and end, of 3, 4 and 5
    packets (the input's size modulo 3 picks the sink's jitter buffer)."""
    def run(ps):
        return b"".join(struct.pack(">H", len(q)) + q for q in ps)
    n = len(pkts)
    for name, start, count in (("first", 0, 3), ("mid", max(0, n // 2 - 2), 4),
                               ("last", max(0, n - 5), 5)):
        seeds.add("media", name, run(pkts[start:start + count]))


def is_media(p):
    return len(p) >= 13 and p[0] >> 6 == 2 and p[12] & 0x0F and len(p) <= 1099


def eir_fields(data):
    pos = 0
    while pos < len(data) and data[pos]:
        ln = data[pos]
        yield data[pos + 1], data[pos + 2:pos + 1 + ln]
        pos += 1 + ln


def seed_hci(seeds, dec):
    names = []
    for code, p in dec.events:
        if code in (0x02, 0x22, 0x2F):  # inquiry results
            seeds.add("eir", {0x02: "inq-result", 0x22: "inq-rssi", 0x2F: "inq-ext"}[code],
                      b"\x01" + bytes([code, len(p)]) + p)
            if code == 0x2F and len(p) >= 15:
                eir = p[15:].rstrip(b"\0")
                seeds.add("eir", "eir", b"\x00" + eir)
                names += [v for t, v in eir_fields(eir) if t in (8, 9)]
        elif code == 0x3E and p and p[0] in (0x02, 0x0D):  # LE advertising reports
            seeds.add("eir", "le-adv", b"\x01" + bytes([code, len(p)]) + p)
            ad = b""
            if p[0] == 0x02 and len(p) >= 11 and p[1] == 1:  # legacy, one report
                ad = p[11:11 + p[10]]
            elif p[0] == 0x0D and len(p) >= 26 and p[1] == 1:  # extended, one report
                ad = p[26:26 + p[25]]
            if ad:
                seeds.add("eir", "adv-data", b"\x00" + ad)
                names += [v for t, v in eir_fields(ad) if t in (8, 9)]
        elif code == 0x07 and len(p) >= 7 and p[0] == 0:  # Remote Name Request Complete
            names.append(p[7:].split(b"\0")[0])
        elif code == 0x0E and len(p) >= 4 and struct.unpack_from("<H", p, 1)[0] == 0x0C14 and p[3] == 0:
            names.append(p[4:].split(b"\0")[0])  # Read Local Name
    for op, p in dec.commands:
        if op == 0x0C13:  # Write Local Name
            names.append(p.split(b"\0")[0])
    for n in names:
        if n:
            seeds.add("eir", "name", b"\x02" + n)


def sdp_uuids(data, out):
    """Collect the UUIDs of SDP data elements (recursing into sequences)."""
    pos = 0
    while pos < len(data):
        t, sz = data[pos] >> 3, data[pos] & 7
        pos += 1
        if sz < 5:
            ln = 0 if t == 0 else (1, 2, 4, 8, 16)[sz]
        else:
            nb = (1, 2, 4)[sz - 5]
            if pos + nb > len(data):
                return
            ln = int.from_bytes(data[pos:pos + nb], "big")
            pos += nb
        v = data[pos:pos + ln]
        pos += ln
        if len(v) != ln:
            return
        if t == 3 and ln == 2:
            out.add("0x%04x" % struct.unpack(">H", v)[0])
        elif t == 3 and ln == 16:
            h = v.hex()
            out.add("%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:]))
        elif t in (6, 7):
            sdp_uuids(v, out)


def seed_args(seeds, dec, cache_lines):
    def addr(b):
        return ":".join("%02X" % x for x in reversed(b))
    for line in cache_lines:
        seeds.add("args", "cache-line", line)
    for a in sorted(dec.peers):
        seeds.add("args", "addr", addr(a).encode())
    # PEER:PORT for the RFCOMM channels and PSMs connected to, and the PSMs
    for a, port in sorted(dec.servers):
        seeds.add("args", "peer-port", ("%s:%s" % (addr(a), port)).encode())
        if port.startswith("0x"):
            seeds.add("args", "psm", port.encode())
    uuids = set()
    for r in dec.sdp_rsp:
        sdp_uuids(r, uuids)
    # 128-bit UUIDs (e.g. btsync's own service) first, then a few 16-bit ones
    for u in sorted(uuids, key=lambda u: (len(u) < 10, u))[:6]:
        seeds.add("args", "uuid", u.encode())


# --- main ---------------------------------------------------------------------------

def gather(paths):
    traces, cache, wavs = [], [], []
    for p in paths:
        if os.path.isdir(p):
            for f in sorted(os.listdir(p)):
                full = os.path.join(p, f)
                if f.endswith(".btsnoop"):
                    traces.append(full)
                elif f == "scan-cache":
                    cache.append(full)
                elif f.endswith(".wav-head"):
                    wavs.append(full)
        else:
            traces.append(p)
    return traces, cache, wavs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("capture", nargs="*", default=[os.path.join(HERE, "out", "capture")],
                    help="btsnoop file or capture directory (default: tests/fuzz/out/capture)")
    ap.add_argument("--out", default=os.path.join(HERE, "corpus"), help="corpus root")
    ap.add_argument("--clean", action="store_true", help="remove old cap-* seeds first")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    traces, cache_files, wavs = gather(a.capture)
    if not traces:
        sys.exit("extract: no btsnoop trace in %s" % " ".join(a.capture))

    seeds = Seeds()
    dec = Decoder()
    for t in traces:
        for rec in read_btsnoop(t):
            dec.feed(*rec)

    seed_hci(seeds, dec)
    for r in dec.sdp_rsp:
        seeds.add("sdp", "attr-lists", r)

    # btsync byte streams: RFCOMM DLCIs, and L2CAP channels of btsync frames
    # (a view of a channel the trace misses data of is left out: the other
    # controller's view of the same traffic is normally whole)
    streams = {}
    for (ck, rx, dlci), data in dec.streams.items():
        streams[(ck, dlci, rx)] = bytes(data)
    media = []
    for (ck, rx), pkts in dec.packets.items():
        if (ck, rx) in dec.damaged:
            continue
        if pkts and pkts[0].startswith(HELLO):
            streams[((ck, 0), 0, rx)] = b"".join(pkts)
        elif pkts and all(is_media(p) for p in pkts):
            media.append(pkts)
    sessions = []
    for (ck, dlci, rx), data in streams.items():
        if rx or not data.startswith(HELLO) or \
                (ck[0], False) in dec.damaged or (ck[0], True) in dec.damaged:
            continue
        other = streams.get((ck, dlci, True), b"")
        a_fr, b_fr = split_frames(data), split_frames(other)
        # the sender is the side that OFFERs
        if any(t == 2 for t, _ in b_fr):
            a_fr, b_fr = b_fr, a_fr
        sessions.append((a_fr, b_fr))
    # one controller's view of each session is enough; the other is identical
    uniq = []
    for s in sessions:
        if s not in uniq:
            uniq.append(s)
    seed_frames(seeds, uniq)
    for pk in media:
        seed_media(seeds, pk)

    lines = []
    for c in cache_files:
        with open(c, "rb") as f:
            lines += [ln for ln in f.read().splitlines(True) if ln.strip()]
    seed_args(seeds, dec, lines)
    for w in wavs:
        with open(w, "rb") as f:
            data = f.read()
        if data.startswith(b"RIFF"):
            seeds.add("wav", os.path.basename(w)[:-len(".wav-head")], data)
    for tgt, lst in seeds.by_target.items():
        if tgt == "wav":
            seeds.by_target[tgt] = [(n + ".wav", d) for n, d in lst]

    targets = sorted(os.path.basename(f)[5:-2] for f in os.listdir(HERE)
                     if f.startswith("fuzz-") and f.endswith(".c"))
    if a.clean:
        for tgt in targets:
            d = os.path.join(a.out, tgt)
            if os.path.isdir(d):
                for f in os.listdir(d):
                    if f.startswith("cap-"):
                        os.unlink(os.path.join(d, f))
    for tgt in targets:
        lst = seeds.by_target.get(tgt, [])
        if lst:
            os.makedirs(os.path.join(a.out, tgt), exist_ok=True)
        for name, data in lst:
            with open(os.path.join(a.out, tgt, name), "wb") as f:
                f.write(data)
        print("%-10s %3d captured seeds, %6d bytes" % (tgt, len(lst), sum(len(d) for _, d in lst)))
    if a.verbose:
        print("sessions %d, media streams %d, SDP responses %d, channels %d"
              % (len(uniq), len(media), len(dec.sdp_rsp), dec.nchan), file=sys.stderr)
    for what, n in sorted(dec.bad.items()):
        print("extract: note: %s (%d times)" % (what, n), file=sys.stderr)


if __name__ == "__main__":
    main()
