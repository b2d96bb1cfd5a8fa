#!/bin/bash
# lab-timeout: 240
# Configuration negotiation, btsync to btsync over A2DP: a btsync sink on
# hci1 that offers less than everything, a btsync source on hci0.
#   * the sink offers bitpool 2-35 only (btsync's default 53 is outside):
#     the source picks 35, and the 2 s sine decodes whole on the sink
#     (length within one SBC frame plus 0.1 s, SNR at least 45 dB);
#   * the sink offers mono only, or 48 kHz only: a 44.1 kHz stereo WAV
#     is refused before any audio, exit 5, and the message lists what the
#     sink offered.
# (bluez-alsa's sink always offers everything, even with its
# --a2dp-force-mono, so it cannot stand in for a limited sink.)
set -u
# shellcheck source=../../lib.sh
. "$LAB_SRC/tests/lab/lib.sh"
# shellcheck source=../../a2dp-lib.sh
. "$LAB_SRC/tests/lab/a2dp-lib.sh"
need_btsync
need_controllers 2

a2dp_pair
a2dp_direction forward
"$A2DP_TOOL" gen sine 44100 2 2 "$LAB_TMP/in.wav" || fail "gen"

# sink NAME OPTIONS...: a btsync A2DP sink on hci1, waiting.
sink() {
	local name=$1
	shift
	bg_start "$name" timeout 120 "$BTSYNC" stream --a2dp --listen -i hci1 --json \
		-o "$LAB_TMP/$name.wav" "$@"
	wait_for -t 20 grep -q "waiting for an A2DP source" "$(bg_log "$name")"
}

sink low --bitpool 35
run timeout 90 "$BTSYNC" stream --a2dp --timeout 60 --json -i hci0 "$A1" "$LAB_TMP/in.wav"
note "to a sink offering bitpool 2-35 ($RUN_STATUS): $RUN_OUT"
assert_eq 0 "$RUN_STATUS" "exit status"
assert_eq 35 "$(echo "$RUN_OUT" | grep '^{' | sed -n 's/.*"bitpool":\([0-9]*\).*/\1/p')" "bitpool"
rc=0
bg_wait low 30 || rc=$?
note "sink: $(cat "$(bg_log low)")"
assert_eq 0 "$rc" "the sink's exit status"
res=$("$A2DP_TOOL" compare "$LAB_TMP/in.wav" "$LAB_TMP/low.wav") || fail "compare: $res"
note "bitpool 35: $res"
ref=$(echo "$res" | sed 's/.*ref_frames=\([0-9]*\).*/\1/')
out=$(echo "$res" | sed 's/.*test_frames=\([0-9]*\).*/\1/')
snr=$(echo "$res" | sed 's/.*snr_db=\([-0-9.]*\).*/\1/')
[ "$out" -ge "$ref" ] && [ "$out" -lt $((ref + 128 + 4410)) ] || fail "decoded $out frames, sent $ref"
awk -v s="$snr" 'BEGIN { exit !(s >= 45) }' || fail "SNR $snr dB below 45 dB"

refused() { # name why sink-options...
	local name=$1 why=$2
	shift 2
	# A fresh bluetoothd: within one session (and from its cache) hci0
	# would keep the previous sink's capabilities.
	a2dp_direction forward
	sink "$name" "$@"
	run timeout 90 "$BTSYNC" stream --a2dp --timeout 60 -i hci0 "$A1" "$LAB_TMP/in.wav"
	note "to a sink offering $* ($RUN_STATUS): $RUN_OUT"
	assert_eq 5 "$RUN_STATUS" "exit status"
	assert_contains "$RUN_OUT" "$why" "refusal message"
	assert_contains "$RUN_OUT" "it offers" "refusal message"
	bg_stop "$name"
}
refused mono "no common channel mode" --channels 1
refused r48k "no common sampling rate" --rate 48000
note "a2dp negotiate: ok"
