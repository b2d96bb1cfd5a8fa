#!/bin/bash
# lab-timeout: 120
# Real-time pacing: 10 s of audio takes 10 s, within 2 % by the sender's
# clock (first packet to last) and within 5 % by an independent clock,
# the sink's packet arrival times (the emulated link adds a delivery delay
# that varies with the VM's load). Mono at A2DP's high-quality mono
# bitpool (31, 193 kb/s) leaves the slow emulated link some headroom: the
# test is about the clock, not the bit rate. The sender's
# own jitter and late-packet counts are printed (the VM runs ~25x slower
# than real hardware, so they are large there) but not asserted.
set -u
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 2
# shellcheck source=../../stream-lib.sh
. "$LAB_SRC/tests/lab/stream-lib.sh"
lab_pair

"$STREAM_TOOL" gen sine 44100 1 10 "$LAB_TMP/ten.wav" || fail "gen ten"
stream_sink pace 0x1007 --no-advertise --json -o "$LAB_TMP/ten-out.wav"
start=$(date +%s.%N)
timeout 60 "$BTSYNC" -i "$BTLAB_ADDR0" stream --json -b 31 --psm 0x1007 "$BTLAB_ADDR1" \
	"$LAB_TMP/ten.wav" >"$LAB_TMP/ten-src.json" 2>"$LAB_TMP/ten-src.err" ||
	{ cat "$LAB_TMP/ten-src.err" "$(bg_log pace)" >&2; fail "real-time source failed"; }
end=$(date +%s.%N)
stream_wait_sink pace
cat "$LAB_TMP/ten-src.json" "$(bg_log pace)"
span=$(json_field "$(bg_log pace)" arrival_span)
elapsed=$(json_field "$LAB_TMP/ten-src.json" elapsed)
echo "pacing: sender took $elapsed s, sink saw packets over $span s, command ran $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') s"
# The sender's clock: first packet at 0, the last (382 x 9 x 128 samples
# in) due at 9.978 s; 2 % either way.
awk -v s="$elapsed" 'BEGIN { exit !(s >= 9.8 && s <= 10.2) }' ||
	fail "the sender took $elapsed s for 10 s of audio (want 9.8-10.2)"
# An independent clock, the sink's: the emulated link's delivery delay
# varies with the VM's load, so allow 5 % there.
awk -v s="$span" 'BEGIN { exit !(s >= 9.5 && s <= 10.5) }' ||
	fail "10 s of audio arrived over $span s (want 9.5-10.5)"
[ "$(json_field "$(bg_log pace)" lost)" = 0 ] || fail "pacing: packets lost"
echo "pacing: ok"
