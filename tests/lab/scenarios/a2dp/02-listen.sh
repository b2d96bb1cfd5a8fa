#!/bin/bash
# lab-timeout: 180
# btsync stream --a2dp --listen is a standard A2DP sink: bluez-alsa's
# daemon on hci1 with the a2dp-source profile connects to it and aplay
# plays a 3 s 1 kHz sine through bluealsa's ALSA PCM; btsync decodes it
# into a WAV file holding the sine (SNR at least 55 dB, as in 01-play;
# measured 66.2 dB) and exits 0 by itself when the source suspends the
# stream. The output is at least as long as the input and at most 0.25 s
# longer: bluealsa's source keeps sending silence (about 0.12 s) until
# the PCM is drained and closed.
set -u
# shellcheck source=../../lib.sh
. "$LAB_SRC/tests/lab/lib.sh"
# shellcheck source=../../a2dp-lib.sh
. "$LAB_SRC/tests/lab/a2dp-lib.sh"
need_btsync
need_controllers 2

a2dp_pair
a2dp_direction reverse
"$A2DP_TOOL" gen sine 44100 2 3 "$LAB_TMP/in.wav" || fail "gen"

bg_start listen timeout 150 "$BTSYNC" stream --a2dp --listen -i hci0 --json -o "$LAB_TMP/out.wav"
wait_for -t 20 grep -q "waiting for an A2DP source" "$(bg_log listen)"
# 44.1 kHz, the WAV's rate: bluealsa would otherwise pick 48 kHz and
# ALSA would resample on the way in.
bluealsa_start a2dp-source --a2dp-force-audio-cd
run bus_call "$(dev_path hci1 "$A0")" org.bluez.Device1.ConnectProfile "string:$A2DP_SINK_UUID"
[ "$RUN_STATUS" = 0 ] || { cat "$(bg_log listen)" "$LAB_TMP/bluetoothd.log" >&2; fail "bluealsa's side cannot connect to btsync's sink: $RUN_OUT"; }
assert_ok timeout 60 aplay -q -D "bluealsa:DEV=$A0,PROFILE=a2dp" "$LAB_TMP/in.wav"
rc=0
bg_wait listen 30 || rc=$?
cat "$(bg_log listen)"
bg_stop bluealsa
assert_eq 0 "$rc" "btsync --listen's exit status"
res=$("$A2DP_TOOL" compare "$LAB_TMP/in.wav" "$LAB_TMP/out.wav") || fail "compare: $res"
note "listen: $res"
ref=$(echo "$res" | sed 's/.*ref_frames=\([0-9]*\).*/\1/')
out=$(echo "$res" | sed 's/.*test_frames=\([0-9]*\).*/\1/')
snr=$(echo "$res" | sed 's/.*snr_db=\([-0-9.]*\).*/\1/')
[ "$out" -ge "$ref" ] && [ "$out" -lt $((ref + 11025)) ] ||
	fail "decoded $out frames, sent $ref"
awk -v s="$snr" 'BEGIN { exit !(s >= 55) }' || fail "SNR $snr dB below 55 dB"
assert_eq true "$(json_get "$(bg_log listen)" complete)" "complete"
note "a2dp listen: ok"
