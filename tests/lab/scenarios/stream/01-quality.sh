#!/bin/bash
# lab-timeout: 240
# Quality: a 1 kHz sine and a multi-tone (440/1000/3150/7000 Hz) streamed
# with --fast at the default settings (44.1 kHz joint stereo, bitpool 53)
# and decoded by the sink: the output is as long as the input (within one
# SBC frame, 128 samples) and its SNR against the input, aligned by the
# codec delay, clears the threshold documented in btsync-stream(1):
# libsbc gives 66.6 dB (sine) and 45.2 dB (multi-tone); we ask 55 and 38.
# The frames saved with --save-sbc decode with BlueZ's sbcdec to the same.
# The sine goes to a WAV file (header fixed up at the end), the multi-tone
# to standard output through a pipe with --wav (maximum sizes).
set -u
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 2
# shellcheck source=../../stream-lib.sh
. "$LAB_SRC/tests/lab/stream-lib.sh"
lab_pair

check() { # name signal threshold
	local name=$1 kind=$2 min=$3 psm=$4 res ref out snr lag
	"$STREAM_TOOL" gen "$kind" 44100 2 1 "$LAB_TMP/$name.wav" || fail "gen $name"
	if [ "$name" = multi ]; then
		# Standard output into a pipe: a WAV header with maximum sizes.
		stream_sink_pipe "$name-sink" "$psm" "$LAB_TMP/$name-out.wav" -v --wav \
			--no-advertise --json --save-sbc "$LAB_TMP/$name.sbc"
	else
		stream_sink "$name-sink" "$psm" -v --no-advertise --json -o "$LAB_TMP/$name-out.wav" \
			--save-sbc "$LAB_TMP/$name.sbc"
	fi
	timeout 90 "$BTSYNC" -v -i "$BTLAB_ADDR0" stream --json --fast --psm "$psm" "$BTLAB_ADDR1" \
		"$LAB_TMP/$name.wav" >"$LAB_TMP/$name-src.json" 2>"$LAB_TMP/$name-src.err" ||
		{ cat "$LAB_TMP/$name-src.err" >&2; fail "$name: source failed"; }
	stream_wait_sink "$name-sink"
	res=$("$STREAM_TOOL" compare "$LAB_TMP/$name.wav" "$LAB_TMP/$name-out.wav") ||
		fail "$name: compare: $res"
	echo "$name: $res"
	tail -n 1 "$(bg_log "$name-sink")"
	ref=$(echo "$res" | sed 's/.*ref_frames=\([0-9]*\).*/\1/')
	out=$(echo "$res" | sed 's/.*test_frames=\([0-9]*\).*/\1/')
	snr=$(echo "$res" | sed 's/.*snr_db=\([-0-9.]*\).*/\1/')
	lag=$(echo "$res" | sed 's/.*lag=\([0-9]*\).*/\1/')
	[ "$out" -ge "$ref" ] && [ "$out" -lt $((ref + 128)) ] || {
		cat "$(bg_log "$name-sink")" "$LAB_TMP/$name-src.err" >&2
		fail "$name: output has $out frames, input $ref (want within one SBC frame)"
	}
	[ "$lag" = 73 ] || fail "$name: codec delay $lag samples, expected 73"
	datasize=$(od -An -tu4 -j40 -N4 "$LAB_TMP/$name-out.wav" | tr -d ' ')
	if [ "$name" = multi ]; then
		assert_eq 4294967295 "$datasize" "$name: data size in a piped WAV header"
	else
		assert_eq $(($(stat -c %s "$LAB_TMP/$name-out.wav") - 44)) "$datasize" \
			"$name: data size in the WAV header"
	fi
	snr_ok "$snr" "$min" ||
		fail "$name: SNR $snr dB below $min dB"
	[ "$(json_field "$(bg_log "$name-sink")" lost)" = 0 ] || fail "$name: sink lost packets"
	[ "$(json_field "$(bg_log "$name-sink")" bad)" = 0 ] || fail "$name: sink saw bad packets"
	# Interop: BlueZ's own decoder reads the saved frames (as .au, big-endian).
	timeout 60 sbcdec -f "$LAB_TMP/$name.au" "$LAB_TMP/$name.sbc" || fail "$name: sbcdec failed"
	res=$("$STREAM_TOOL" compare "$LAB_TMP/$name.wav" "$LAB_TMP/$name.au") ||
		fail "$name: compare sbcdec: $res"
	echo "$name (sbcdec): $res"
	snr=$(echo "$res" | sed 's/.*snr_db=\([-0-9.]*\).*/\1/')
	snr_ok "$snr" "$min" ||
		fail "$name: sbcdec's decoding has SNR $snr dB, below $min dB"
}

check sine sine 55 0x1001
check multi multi 38 0x1003
echo "quality: ok"
