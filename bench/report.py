#!/usr/bin/python3
"""Format bench/guest.sh's raw results (KEY VALUE lines) as one table
against issue 8's targets, and write the same as JSON.

  bench/report.py RAW.txt [--json FILE]
"""
import json
import re
import sys

MIB = 1048576


ROUND = re.compile(r"^(.+)\.r(\d+)\.([a-z_]+)$")


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def load(path):
    raw = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            key, _, val = line.partition(" ")
            raw[key] = val  # the last one wins
    merge_rounds(raw)
    return raw


def merge_rounds(raw):
    """Bulk workloads run in rounds (keys ROW.TOOL.rN.METRIC): give each
    ROW.TOOL the medians of its successful rounds, per metric: throughput
    (bytes / wall), and CPU seconds per byte on each side, as if from one
    transfer of the median round's size. A tool with no successful round
    keeps the first failure as its status."""
    groups = {}
    for k, v in raw.items():
        m = ROUND.match(k)
        if m:
            groups.setdefault(m.group(1), {}).setdefault(int(m.group(2)), {})[m.group(3)] = v
    for base, rounds in groups.items():
        ok = []
        for _, r in sorted(rounds.items()):
            try:
                b, w = float(r["bytes"]), float(r["wall"])
                tx, rx = float(r["tx_cpu"]), float(r["rx_cpu"])
            except (KeyError, ValueError):
                continue
            if r.get("status") == "ok" and b > 0 and w > 0:
                ok.append((b, w, tx, rx, r))
        raw["%s.rounds_ok" % base] = "%d of %d" % (len(ok), len(rounds))
        if not ok:
            first = [r.get("status", "FAILED") for _, r in sorted(rounds.items())]
            raw["%s.status" % base] = next((x for x in first if x != "ok"), "FAILED")
            continue
        thr = [b / w for b, w, _, _, _ in ok]
        b = median([x[0] for x in ok])
        raw["%s.status" % base] = "ok"
        raw["%s.bytes" % base] = "%d" % b
        raw["%s.wall" % base] = "%.6f" % (b / median(thr))
        raw["%s.tx_cpu" % base] = "%.6f" % (b * median([x[2] / x[0] for x in ok]))
        raw["%s.rx_cpu" % base] = "%.6f" % (b * median([x[3] / x[0] for x in ok]))
        raw["%s.thr_range" % base] = "%.0f-%.0f" % (min(thr) / 1024, max(thr) / 1024)
        seen = [float(x[4]["rx_seen"]) for x in ok if "rx_seen" in x[4]]
        if seen:
            raw["%s.rx_seen" % base] = "%d" % min(seen)
        lost = [float(x[4]["lost_packets"]) for x in ok if "lost_packets" in x[4]]
        if lost:
            raw["%s.lost_packets" % base] = "%d" % max(lost)


def num(raw, key):
    v = raw.get(key)
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def status(raw, row, tool):
    """ok, or why the measurement is missing."""
    s = raw.get("%s.%s.status" % (row, tool))
    if s is None:
        for w in (row.split("-")[0], row):
            ws = raw.get("%s.status" % w)
            if ws:
                return ws
        return "not run"
    return s


class Table:
    def __init__(self):
        self.rows = []
        self.prefix = None  # the raw keys' prefix of the workload being added

    def add(self, workload, metric, unit, better, values, ratio=None, ref=None,
            target=None, verdict=None, note=None):
        self.rows.append({
            "workload": workload, "metric": metric, "unit": unit,
            "better": better, "values": values, "ratio": ratio,
            "ratio_against": ref, "target": target, "verdict": verdict,
            "note": note, "prefix": self.prefix,
        })

    def mark_not_run(self, raw):
        """Workloads with no results at all were not asked for (--only)."""
        for r in self.rows:
            p = r.pop("prefix")
            if p and not any(k.startswith(p) for k in raw):
                r["values"] = {k: "not run" for k in r["values"]}
                r["ratio"], r["verdict"], r["note"] = None, "not run", None


def fmt(v, unit):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if unit in ("KiB/s",):
        return "%.1f" % v
    if unit in ("KiB", "bytes", "Ir/s", "Ir"):
        return "%d" % round(v)
    if abs(v) >= 100:
        return "%.1f" % v
    if abs(v) >= 1:
        return "%.3g" % v if abs(v) < 10 else "%.2f" % v
    return "%.4f" % v


def verdict(ok):
    if ok is None:
        return "FAILED"
    return "PASS" if ok else "MISS"


def bulk(t, raw, row, label, tools, thr_targets, cpu_targets):
    """Throughput and CPU/MiB rows of one bulk workload; the targets are
    [(subject, reference, limit or None)]."""
    t.prefix = row.split("-")[0]
    thr, txc, rxc, notes = {}, {}, {}, {}
    for tool in tools:
        st = status(raw, row, tool)
        if st != "ok":
            thr[tool] = txc[tool] = rxc[tool] = "FAILED"
            notes[tool] = st
            continue
        b = num(raw, "%s.%s.bytes" % (row, tool))
        w = num(raw, "%s.%s.wall" % (row, tool))
        tc = num(raw, "%s.%s.tx_cpu" % (row, tool))
        rc = num(raw, "%s.%s.rx_cpu" % (row, tool))
        thr[tool] = b / 1024 / w if b and w else None
        txc[tool] = tc / (b / MIB) if b and tc is not None else None
        rxc[tool] = rc / (b / MIB) if b and rc is not None else None
    for tool in tools:
        seen = num(raw, "%s.%s.rx_seen" % (row, tool))
        b = num(raw, "%s.%s.bytes" % (row, tool))
        chunk = 1000000 if tool == "rctest" else 65536
        if seen is not None and b and status(raw, row, tool) == "ok" and seen < b - chunk:
            notes[tool] = "its receiver reported only %d of %d bytes" % (seen, b)
        lost = num(raw, "%s.%s.lost_packets" % (row, tool))
        if lost:
            notes[tool] = ("lost %d packets (basic mode: no flow control); throughput counts "
                           "what arrived" % lost)
    rounds = raw.get("%s.rounds" % row)
    if rounds:
        spread = ", ".join("%s %s" % (tool, raw["%s.%s.thr_range" % (row, tool)])
                           for tool in tools if "%s.%s.thr_range" % (row, tool) in raw)
        notes["medians of %s rounds" % rounds] = "throughput range %s KiB/s" % spread
        for tool in tools:
            k = raw.get("%s.%s.rounds_ok" % (row, tool))
            if k and not k.startswith(rounds + " "):
                notes.setdefault(tool, "%s rounds succeeded" % k)
    note = "; ".join("%s: %s" % (k, v) for k, v in notes.items()) or None

    def ratio(vals, a, b):
        x, y = vals.get(a), vals.get(b)
        if isinstance(x, float) and isinstance(y, float) and y > 0:
            return x / y
        return None

    for subject, ref, need in thr_targets:
        r = ratio(thr, subject, ref)
        t.add(label, "throughput %s vs %s" % (subject, ref), "KiB/s", "higher", dict(thr),
              r, ref, ">= %.2fx" % need if need else None,
              (verdict(r >= need) if r is not None else "FAILED") if need else None, note)
        t.rows[-1]["subject"] = subject
        note = None
    for subject, ref, need in cpu_targets:
        for side, vals in (("sender", txc), ("receiver", rxc)):
            r = ratio(vals, subject, ref)
            t.add(label, "CPU s/MiB, %s: %s vs %s" % (side, subject, ref), "s/MiB", "lower",
                  dict(vals), r, ref, "<= %.2fx" % need if need else None,
                  (verdict(r <= need) if r is not None else "FAILED") if need else None)
            t.rows[-1]["subject"] = subject


def main():
    args = sys.argv[1:]
    out = "bench/results.json"
    if "--json" in args:
        i = args.index("--json")
        out = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    raw = load(args[0])
    t = Table()

    bulk(t, raw, "rfcomm", "RFCOMM bulk %s MiB" % raw.get("meta.size_mib", "?"),
         ("btsync", "btsync-raw", "rctest", "pybluez"),
         [("btsync", "rctest", 0.95), ("btsync", "pybluez", 1.0), ("btsync-raw", "rctest", 0.98)],
         [("btsync", "rctest", 1.5), ("btsync-raw", "rctest", None)])
    for row in ("l2cap-672", "l2cap-max"):
        mtu = raw.get("%s.mtu" % row, "?" if row == "l2cap-max" else "672")
        bulk(t, raw, row, "L2CAP bulk %s MiB, MTU %s" % (raw.get("meta.size_mib", "?"), mtu),
             ("btsync", "btsync-basic", "l2test", "python"),
             # issue 8's RFCOMM targets, applied like for like: ERTM
             # against Python (ERTM), basic mode against l2test (basic)
             [("btsync", "python", 1.0), ("btsync-basic", "l2test", 0.95)],
             [("btsync-basic", "l2test", 1.5), ("btsync", "python", 1.5)])

    # memory
    t.prefix = "mem."
    lab = "Memory (L2CAP, MTU %s)" % raw.get("mem.mtu", "?")
    rss = {}
    for key, size in (("small", "1 MiB"), ("big", "%s MiB" % raw.get("meta.big_mib", "?"))):
        st = status(raw, "mem", key)
        for side in ("tx", "rx"):
            name = "%s %s" % ("send" if side == "tx" else "recv", size)
            rss[name] = num(raw, "mem.%s.%s_rss_kib" % (key, side)) if st == "ok" else "FAILED"
    for side in ("send", "recv"):
        small = [v for k, v in rss.items() if k.startswith(side) and k.endswith(" 1 MiB")][0]
        big = [v for k, v in rss.items() if k.startswith(side) and not k.endswith(" 1 MiB")][0]
        vals = {k: v for k, v in rss.items() if k.startswith(side)}
        ok = None
        r = None
        if isinstance(small, float) and isinstance(big, float):
            r = big / small
            ok = big <= 8192 and small <= 8192 and abs(r - 1) <= 0.10
        t.add(lab, "peak RSS of %s, big vs 1 MiB" % side, "KiB", "lower", vals, r, "1 MiB",
              "<= 8 MiB, within 10%", verdict(ok))

    # sync
    t.prefix = "sync."
    st = status(raw, "sync", "btsync")
    if st == "ok":
        tb = num(raw, "sync.btsync.tree_bytes")
        wb = num(raw, "sync.btsync.wire_bytes")
        vals = {"btsync wire bytes": wb, "tree bytes": tb,
                "seconds": num(raw, "sync.btsync.wall")}
        r = wb / tb if wb is not None and tb else None
        t.add("Sync: resend of an unchanged %s-file tree" % raw.get("sync.btsync.files", "?"),
              "bytes on the wire / tree bytes", "bytes", "lower", vals, r, "tree",
              "< 0.01x", verdict(r < 0.01) if r is not None else "FAILED")
    else:
        t.add("Sync: resend of an unchanged tree", "bytes on the wire / tree bytes", "bytes",
              "lower", {"btsync wire bytes": "FAILED"}, None, None, "< 0.01x", "FAILED", st)

    # scan
    t.prefix = "scan."
    sb, sh = status(raw, "scan", "btsync"), status(raw, "scan", "hcitool")
    vb = num(raw, "scan.btsync.first") if sb == "ok" else "FAILED"
    vh = num(raw, "scan.hcitool.first") if sh == "ok" else "FAILED"
    r = vb / vh if isinstance(vb, float) and isinstance(vh, float) and vh else None
    t.add("Scan", "start to the first device printed", "s", "lower",
          {"btsync": vb, "hcitool": vh}, r, "hcitool", None, None,
          None if sb == "ok" and sh == "ok" else "; ".join(x for x in (sb, sh) if x != "ok"))
    ev = num(raw, "scan.btsync.event_to_print") if sb == "ok" else None
    t.add("Scan", "HCI Inquiry Result event to btsync's line", "s",
          "lower", {"btsync": ev if ev is not None else "FAILED"}, None, None, "<= 2 s",
          verdict(ev <= 2) if ev is not None else "FAILED",
          "event time: btmon's kernel timestamp; print time: when the line reached the pipe")

    # stream
    t.prefix = "stream."
    st = status(raw, "stream", "ir")
    secs = num(raw, "stream.ir.audio_seconds")
    if st == "ok" and secs:
        bt = num(raw, "stream.ir.btsync_total")
        sb_ = num(raw, "stream.ir.sbcenc_total")
        be = num(raw, "stream.ir.btsync_encode")
        vals = {"btsync": bt / secs if bt else None, "sbcenc": sb_ / secs if sb_ else None}
        r = vals["btsync"] / vals["sbcenc"] if vals["btsync"] and vals["sbcenc"] else None
        t.add("Stream: %g s WAV, callgrind" % secs, "Ir per audio second, whole program",
              "Ir/s", "lower", vals, r, "sbcenc", "<= 1.05x",
              verdict(r <= 1.05) if r is not None else "FAILED")
        bs = num(raw, "stream.ir.btsync_sbc_encode")
        vals = {"btsync": be / secs if be else None, "sbc_encode": bs / secs if bs else None}
        r = be / bs if be and bs else None
        t.add("Stream: %g s WAV, callgrind" % secs,
              "btsync encode path vs its sbc_encode calls",
              "Ir/s", "lower", vals, r, "sbc_encode", None, None,
              "encode path = bts_source_next inclusive (read PCM, encode, packetize); the difference is what btsync adds to libsbc")
    else:
        t.add("Stream, callgrind", "instructions per audio second", "Ir/s", "lower",
              {"btsync": "FAILED", "sbcenc": "FAILED"}, None, None, "<= 1.05x", "FAILED", st)
    st = status(raw, "stream", "pace")
    lab = "Stream: real-time pacing, %s s" % raw.get("meta.audio_seconds", "?")
    if st == "ok":
        p50, p99 = num(raw, "stream.pace.pace_p50_ms"), num(raw, "stream.pace.pace_p99_ms")
        mx = num(raw, "stream.pace.pace_max_ms")
        t.add(lab, "btsync send-time error p50 / p99 / max", "ms", "lower",
              {"p50": p50, "p99": p99, "max": mx}, None, None, "p99 <= 2 ms",
              verdict(p99 <= 2) if p99 is not None else "FAILED",
              "btsync paced %s real-time scheduling" % (
                  "with" if raw.get("stream.pace.realtime") == "true" else "WITHOUT"))
        for tool, what in (("floor", "floor: bare sleep loop (bench/sleeptest)"),
                           ("floor-rt", "floor: the same under SCHED_FIFO 10")):
            if status(raw, "stream", tool) == "ok":
                t.add(lab, what, "ms",
                      "lower", {"p50": num(raw, "stream.%s.p50_ms" % tool),
                                "p99": num(raw, "stream.%s.p99_ms" % tool),
                                "max": num(raw, "stream.%s.max_ms" % tool)},
                      None, None, None, None)
        paced, audio = num(raw, "stream.pace.paced_seconds"), num(raw, "stream.pace.seconds")
        frames, rate = num(raw, "stream.pace.frames"), num(raw, "stream.pace.rate")
        if frames and rate:  # exact: 16 blocks x 8 subbands per frame (the defaults)
            audio = frames * 128 / rate
        drift = (paced / audio - 1) if paced and audio else None
        t.add(lab, "paced duration vs audio duration", "s", "closer",
              {"paced": paced, "audio": audio}, drift, "drift (paced/audio - 1)",
              "|drift| <= 0.001", verdict(abs(drift) <= 0.001) if drift is not None else "FAILED")
    else:
        t.add(lab, "send-time error p50 / p99", "ms", "lower", {"p50": "FAILED"}, None, None,
              "p99 <= 2 ms", "FAILED", st)

    t.mark_not_run(raw)
    with open(out, "w") as f:
        json.dump({"meta": {k[5:]: v for k, v in raw.items() if k.startswith("meta.")},
                   "rows": t.rows, "raw": raw}, f, indent=1)
        f.write("\n")
    print_table(t, raw)
    print("\n(JSON: %s)" % out)


def ratio_text(r):
    if r["ratio"] is None:
        return "-"
    if r["ratio_against"] == "drift (paced/audio - 1)":
        return "drift %+.3f%%" % (100 * r["ratio"])
    subject = "btsync" if r["ratio_against"] not in ("1 MiB", "tree") else \
        ("big" if r["ratio_against"] == "1 MiB" else "wire")
    subject = r.get("subject", subject)
    return "%s/%s %.3fx" % (subject, r["ratio_against"], r["ratio"])


def print_table(t, raw):
    """One table, in sections: each workload's header names its columns
    (btsync first, then the peers)."""
    print("btsync benchmark: one lab boot, %s to %s; bulk %s MiB, big %s MiB"
          % (raw.get("meta.start", "?"), raw.get("meta.end", "(unfinished)"),
             raw.get("meta.size_mib", "?"), raw.get("meta.big_mib", "?")))
    groups = []
    for r in t.rows:
        if not groups or groups[-1][0] != r["workload"]:
            groups.append((r["workload"], []))
        groups[-1][1].append(r)
    out = []
    for name, rows in groups:
        cols = []
        for r in rows:
            for k in r["values"]:
                if k not in cols:
                    cols.append(k)
        out.append(None)
        out.append([name] + cols + ["RATIO", "TARGET", "VERDICT"])
        for r in rows:
            better = {"higher": "higher better", "lower": "lower better",
                      "closer": "0 best"}[r["better"]]
            metric = "  %s [%s; %s]" % (r["metric"], r["unit"], better)
            cells = [fmt(r["values"].get(c), r["unit"]) if c in r["values"] else "" for c in cols]
            out.append([metric] + cells + [ratio_text(r), r["target"] or "-", r["verdict"] or "-"])
            if r["note"]:
                out.append(["    note: " + r["note"]])
    mw = max([len(l[0]) for l in out if l and len(l) > 1] + [20])
    for line in out:
        if line is None:
            print()
            continue
        if len(line) == 1:
            print(line[0])
            continue
        first = line[0].ljust(mw)
        vals = "".join(c.rjust(max(12, len(c) + 2)) for c in line[1:-3])
        print("%s%s  %-28s %-21s %s" % (first, vals, line[-3], line[-2], line[-1]))


if __name__ == "__main__":
    main()
