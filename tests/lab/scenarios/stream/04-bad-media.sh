#!/bin/bash
# lab-timeout: 120
# Bad media into the sink: an independent Python sender (no btsync code)
# mixes wrong RTP versions, a 3-byte packet, garbage, a frame count that
# lies, a truncated packet, a lost packet, a duplicate and a frame count
# of 0 into a valid SBC stream (frames from BlueZ's sbcenc). The sink
# counts each kind, never stops, exits 0, and its output keeps the
# stream's full length: the lost packet and the broken frame become
# silence of exactly their duration.
set -u
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 2
# shellcheck source=../../stream-lib.sh
. "$LAB_SRC/tests/lab/stream-lib.sh"
lab_pair

"$STREAM_TOOL" gen multi 44100 2 1 "$LAB_TMP/in.au" || fail "gen"
sbcenc -j -b 53 "$LAB_TMP/in.au" >"$LAB_TMP/in.sbc" || fail "sbcenc"
stream_sink bad 0x1009 --latency 0 --no-advertise --json -o "$LAB_TMP/out.wav"
timeout 60 "$LAB_PYTHON" "$LAB_SRC/tests/lab/stream-bad-sender.py" "$BTLAB_ADDR0" "$BTLAB_ADDR1" \
	0x1009 "$LAB_TMP/in.sbc" >"$LAB_TMP/sender.out" 2>&1 ||
	{ cat "$LAB_TMP/sender.out" "$(bg_log bad)" >&2; fail "python sender failed"; }
stream_wait_sink bad
cat "$LAB_TMP/sender.out"
tail -n 1 "$(bg_log bad)"
log=$(bg_log bad)
frames=$(sed -n 's/.*frames=\([0-9]*\).*/\1/p' "$LAB_TMP/sender.out")
assert_eq 4 "$(json_field "$log" bad)" "bad packets (version 0, 3 bytes, version 1, count 0)"
assert_eq 2 "$(json_field "$log" mismatched)" "mismatched packets (count lies, truncated)"
assert_eq 1 "$(json_field "$log" lost)" "lost packets"
assert_eq 1 "$(json_field "$log" late)" "late packets (the duplicate)"
# Lost: 5 frames of 128 samples; truncated: 1 frame. Both become silence.
assert_eq $((frames * 128)) "$(json_field "$log" samples)" "samples (full length)"
assert_eq $((frames - 6)) "$(json_field "$log" frames)" "decoded frames"
silence=$(json_field "$log" silence_s)
assert_eq "$(awk -v s=$((6 * 128)) 'BEGIN { printf "%.3f", s / 44100 }')" "$silence" "silence"
echo "bad media: ok"
