#!/bin/bash
# lab-timeout: 120
# Interop: an independent Python parser (tests/lab/stream-rtp-check.py, on a
#    plain Python L2CAP socket) reads the media packets of a 1 s mono
#    48 kHz stream (real time: Python in the VM could not keep up with
#    --fast, and L2CAP basic mode drops what a full receive buffer cannot
#    take) with 4 frames per packet forced by --mtu: RTP v2, PT 96,
#    one SSRC, consecutive sequence numbers, timestamps in samples, frame
#    counts that match the frames, packets within the MTU.
set -u
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 2
# shellcheck source=../../stream-lib.sh
. "$LAB_SRC/tests/lab/stream-lib.sh"
lab_pair

"$STREAM_TOOL" gen sine 48000 1 1 "$LAB_TMP/mono.wav" || fail "gen mono"
bg_start py timeout 120 "$LAB_PYTHON" "$LAB_SRC/tests/lab/stream-rtp-check.py" "$BTLAB_ADDR1" 0x1005
py_listening() { grep -q '^listening' "$(bg_log py)"; }
wait_for -t 30 py_listening
# Mono, 8 subbands, 16 blocks, bitpool 31: 4 + 4 + 62 = 70-byte frames;
# MTU 300 carries (300 - 13) / 70 = 4 of them.
timeout 60 "$BTSYNC" -i "$BTLAB_ADDR0" stream -q --psm 0x1005 --mtu 300 -b 31 \
	"$BTLAB_ADDR1" "$LAB_TMP/mono.wav" 2>"$LAB_TMP/py-src.err" ||
	{ cat "$LAB_TMP/py-src.err" >&2; fail "source to python failed"; }
bg_wait py 60 || { cat "$(bg_log py)" >&2; fail "python parser failed"; }
cat "$(bg_log py)"
line=$(grep '^packets=' "$(bg_log py)")
# 48000 samples = 375 frames of 128 = 94 packets (93 x 4 + 1 x 3).
[ "$line" = "packets=94 frames=375 samples=48000 rate=48000 channels=1 max_len=293 errors=0" ] ||
	fail "python parser: $line"

echo "interop: ok"
