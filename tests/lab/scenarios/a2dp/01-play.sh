#!/bin/bash
# lab-timeout: 240
# btsync stream --a2dp plays to a standard A2DP sink: bluez-alsa's
# daemon on hci1 with the a2dp-sink profile, recorded from the moment its
# PCM appears by bluealsa-aplay into raw PCM (20 ms periods).
#   * a 1 kHz sine and a multi-tone (440/1000/3150/7000 Hz), 3 s each at
#     44.1 kHz stereo, arrive whole: the recording holds every encoded
#     frame (the input rounded up to 128 samples), less at most one 20 ms
#     capture period;
#   * their SNR against the input, aligned by the codec delay, clears the
#     thresholds of btsync-stream(1): at bitpool 53 this path measured
#     66.5 dB (sine) and 46.0 dB (multi-tone); we ask 55 and 38;
#   * the negotiated configuration is the A2DP high-quality one, and the
#     stream left in real time (3 s of audio took at least 2.9 s).
set -u
# shellcheck source=../../lib.sh
. "$LAB_SRC/tests/lab/lib.sh"
# shellcheck source=../../a2dp-lib.sh
. "$LAB_SRC/tests/lab/a2dp-lib.sh"
need_btsync
need_controllers 2

a2dp_pair
a2dp_direction forward
bluealsa_start a2dp-sink

play() { # name kind min_snr
	local name=$1 kind=$2 min=$3 res ref out snr enc elapsed
	"$A2DP_TOOL" gen "$kind" 44100 2 3 "$LAB_TMP/$name.wav" || fail "gen $name"
	recorder_start "rec-$name" "$LAB_TMP/$name.raw"
	run timeout 120 "$BTSYNC" stream --a2dp --timeout 60 -i hci0 --json "$A1" "$LAB_TMP/$name.wav"
	[ "$RUN_STATUS" = 0 ] || { cat "$LAB_TMP/bluetoothd.log" >&2; fail "$name: btsync stream --a2dp exited $RUN_STATUS: $RUN_OUT"; }
	echo "$RUN_OUT" >"$LAB_TMP/$name.json"
	recorder_settle "$LAB_TMP/$name.raw" # the sink plays out its buffer
	bg_stop "rec-$name"
	[ -s "$LAB_TMP/$name.raw" ] || fail "$name: the sink recorded nothing"
	raw_to_wav "$LAB_TMP/$name.raw" 44100 2 "$LAB_TMP/$name-rec.wav" || fail "$name: raw_to_wav"
	res=$("$A2DP_TOOL" compare "$LAB_TMP/$name.wav" "$LAB_TMP/$name-rec.wav") ||
		fail "$name: compare: $res"
	note "$name: $res"
	ref=$(echo "$res" | sed 's/.*ref_frames=\([0-9]*\).*/\1/')
	out=$(echo "$res" | sed 's/.*test_frames=\([0-9]*\).*/\1/')
	snr=$(echo "$res" | sed 's/.*snr_db=\([-0-9.]*\).*/\1/')
	enc=$(((ref + 127) / 128 * 128))
	[ "$out" -le "$enc" ] && [ "$out" -gt $((enc - 882)) ] ||
		fail "$name: recorded $out frames, sent $enc (want at most one 20 ms period less)"
	awk -v s="$snr" -v m="$min" 'BEGIN { exit !(s >= m) }' ||
		fail "$name: SNR $snr dB below $min dB"
	assert_eq 53 "$(json_get "$LAB_TMP/$name.json" bitpool)" "$name: bitpool"
	assert_eq joint "$(json_get "$LAB_TMP/$name.json" mode)" "$name: channel mode"
	assert_eq true "$(json_get "$LAB_TMP/$name.json" complete)" "$name: complete"
	elapsed=$(json_get "$LAB_TMP/$name.json" elapsed)
	awk -v e="$elapsed" 'BEGIN { exit !(e >= 2.9) }' || fail "$name: 3 s sent in $elapsed s"
}

play sine sine 55
play multi multi 38
bg_stop bluealsa
note "a2dp play: ok"
