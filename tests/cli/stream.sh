#!/usr/bin/env bash
# btsync stream on the host (no Bluetooth here): settings and input are
# checked before any radio is touched, and refused with the reason; valid
# ones get as far as needing an adapter (exit 69).
. "$(dirname "$0")/lib.bash"
TOOL=$(dirname "$BTSYNC")/tests/stream-tool
dir=$CLI_TMP
P=00:11:22:33:44:55

"$TOOL" gen sine 44100 2 0.1 "$dir/st.wav" && "$TOOL" gen sine 22050 2 0.1 "$dir/22k.wav" &&
	"$TOOL" gen sine 48000 1 0.1 "$dir/mono48.wav" || { echo "FAIL: stream-tool"; exit 1; }
printf 'not a wav at all, just some text\n' >"$dir/junk.wav"

# Valid: on this host they stop at "no Bluetooth" (69), after the checks.
check "defaults accepted" 69 "Bluetooth" "$BTSYNC" stream --psm 0x1001 "$P" "$dir/st.wav"
check "mono WAV: mono mode by default" 69 "" "$BTSYNC" stream --psm 0x1001 "$P" "$dir/mono48.wav"
check "raw PCM from stdin" 69 "" "$BTSYNC" stream --psm 0x1001 --format s16le -r 16000 -c 1 "$P" -
check "bitpool 250 joint: allowed, with a note" 69 "above the 512 kb/s A2DP" \
	"$BTSYNC" stream --psm 0x1001 -b 250 "$P" "$dir/st.wav"

# Refused with the reason.
check "bitpool above the mono limit" 64 "bitpool 65 is above 64, the most mono with 4 subbands" \
	"$BTSYNC" stream --psm 0x1001 --subbands 4 -b 65 "$P" "$dir/mono48.wav"
check "bitpool 251" 64 "expected a number from 2 to 250" "$BTSYNC" stream --psm 0x1001 -b 251 "$P" "$dir/st.wav"
check "blocks 10" 64 "blocks must be 4, 8, 12 or 16" "$BTSYNC" stream --psm 0x1001 --blocks 10 "$P" "$dir/st.wav"
check "subbands 6" 64 "subbands must be 4 or 8" "$BTSYNC" stream --psm 0x1001 --subbands 6 "$P" "$dir/st.wav"
check "raw rate 22050" 64 "16000, 32000, 44100 and 48000" \
	"$BTSYNC" stream --psm 0x1001 --format s16le -r 22050 "$P" -
check "WAV at 22050 Hz" 65 "22050 Hz" "$BTSYNC" stream --psm 0x1001 "$P" "$dir/22k.wav"
check "WAV rate contradicts --rate" 65 "is 44100 Hz but --rate 48000" \
	"$BTSYNC" stream --psm 0x1001 -r 48000 "$P" "$dir/st.wav"
check "WAV channels contradict --channels" 65 "has 2 channels but --channels 1" \
	"$BTSYNC" stream --psm 0x1001 -c 1 "$P" "$dir/st.wav"
check "stereo WAV as mono" 65 "mono needs 1 channel but the input has 2" \
	"$BTSYNC" stream --psm 0x1001 -m mono "$P" "$dir/st.wav"
check "not a WAV" 65 "is not a WAV file" "$BTSYNC" stream --psm 0x1001 "$P" "$dir/junk.wav"
check "missing file" 66 "cannot open" "$BTSYNC" stream --psm 0x1001 "$P" "$dir/nope.wav"
check "bad mode" 64 "expected mono, dual, stereo or joint" "$BTSYNC" stream -m quad "$P" "$dir/st.wav"
check "even PSM" 64 "invalid PSM" "$BTSYNC" stream --psm 0x1002 "$P" "$dir/st.wav"
check "no operands" 64 "missing PEER and FILE" "$BTSYNC" stream
check "listen with operands" 64 "takes no operands" "$BTSYNC" stream --listen "$P"
check "listen with encoder settings" 64 "sending side" "$BTSYNC" stream --listen -b 30 -o "$dir/x.wav"
check "--raw with --wav" 64 "exclude each other" "$BTSYNC" stream --listen --raw --wav -o "$dir/x.wav"
check "latency range" 64 "from 0 to 2000" "$BTSYNC" stream --listen --latency 5000 -o "$dir/x.wav"
check "sender-only options on the sink side" 64 "for --listen" \
	"$BTSYNC" stream --psm 0x1001 -o "$dir/x.wav" "$P" "$dir/st.wav"

finish stream
