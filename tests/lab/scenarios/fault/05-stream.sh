#!/bin/bash
# lab-timeout: 150
#
# Streams cut short (8 s sines, real time, cut about 2 s in; the sink on
# hci1, the source on hci0):
#   * the sink SIGKILLed: the source exits 4 (link lost) within 10 s,
#     with a message; the sink's temporary file is not under the final
#     name;
#   * the source SIGKILLed: the sink takes it as the end of the stream
#     (exit 0, documented) and completes its WAV file;
#   * SIGINT to the source: exit 130 at once; the sink exits 0 with a
#     complete WAV file;
#   * SIGTERM to the sink: exit 130 within 5 s, its WAV file completed
#     with what arrived (the header's sizes match the file), its SDP
#     record withdrawn; the source exits 4.
# In every case nothing is left of either process (no child, no
# temporary file), and a rerun streams the whole file.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2
# shellcheck source=../../stream-lib.sh
. "$LAB_SRC/tests/lab/stream-lib.sh"
lab_pair

"$STREAM_TOOL" gen sine 44100 2 8 "$LAB_TMP/in.wav" >/dev/null || fail "cannot make the input"

# sink NAME PSM ARGS...; source NAME PSM
sink() {
	local name=$1 psm=$2
	shift 2
	bg_start "$name" "$BTSYNC" -v -i hci1 stream --listen --psm "$psm" -o "$LAB_TMP/$name.wav" "$@"
	wait_for -t 30 grep -q "listening on" "$(bg_log "$name")"
}
source_start() {
	bg_start "$1" "$BTSYNC" -i hci0 stream --psm "$2" "$R_ADDR" "$LAB_TMP/in.wav"
	wait_for -t 30 grep -q "connected from" "$(bg_log "${1/src/sink}")"
	sleep 2
}
# wav_ok FILE: a complete WAV file: data size in the header = file size - 44.
wav_ok() {
	local size data
	size=$(f_size "$1")
	data=$(od -An -tu4 -j40 -N4 "$1" | tr -d ' ')
	[ "$size" -gt 44 ] || fail "$1: $size bytes"
	assert_eq $((size - 44)) "$data" "data size in the header of $1"
}
tmp_files() { find "$LAB_TMP" -maxdepth 1 -name '*.btsync-*'; }

note "the sink SIGKILLed"
sink sink1 0x1003 --no-advertise
source_start src1 0x1003
bg_stop sink1 KILL
f_wait src1 15
note "source: status $F_RC after ${F_SECS}s: $(cat "$(bg_log src1)")"
assert_eq 4 "$F_RC" "source status"
assert_match "$(cat "$(bg_log src1)")" "btsync: stream: sending to $R_ADDR: " "source message"
[ "$F_SECS" -le 10 ] || fail "the source took ${F_SECS}s to notice"
[ ! -e "$LAB_TMP/sink1.wav" ] || fail "the killed sink's file is under its final name"
rm -f "$LAB_TMP"/sink1.wav.btsync-*

note "the source SIGKILLed"
sink sink2 0x1005 --no-advertise
source_start src2 0x1005
bg_stop src2 KILL
f_wait sink2 15
note "sink: status $F_RC after ${F_SECS}s: $(tail -n 3 "$(bg_log sink2)" | tr '\n' ' ')"
assert_eq 0 "$F_RC" "sink status"
wav_ok "$LAB_TMP/sink2.wav"

note "SIGINT to the source"
sink sink3 0x1007 --no-advertise
source_start src3 0x1007
kill -INT "$(bg_pid src3)"
f_wait src3 5
assert_eq 130 "$F_RC" "source status after SIGINT ($(cat "$(bg_log src3)"))"
f_wait sink3 15
assert_eq 0 "$F_RC" "sink status after the source's SIGINT"
wav_ok "$LAB_TMP/sink3.wav"

note "SIGTERM to the sink"
sink sink4 0x1009
assert_contains "$(f_sdp_local)" "Service Name: btsync stream" "sdptool browse local while the sink listens"
source_start src4 0x1009
kill -TERM "$(bg_pid sink4)"
f_wait sink4 5
note "sink: status $F_RC after ${F_SECS}s: $(tail -n 3 "$(bg_log sink4)" | tr '\n' ' ')"
assert_eq 130 "$F_RC" "sink status after SIGTERM"
wav_ok "$LAB_TMP/sink4.wav"
f_wait src4 15
note "source: status $F_RC: $(cat "$(bg_log src4)")"
assert_eq 4 "$F_RC" "source status after the sink stopped"
assert_not_contains "$(f_sdp_local)" "Service Name: btsync stream" "sdptool browse local after the sink"

for n in sink1 src1 sink2 src2 sink3 src3 sink4 src4; do f_session_gone "$n"; done
assert_eq "" "$(tmp_files)" "temporary files"

note "a rerun streams the whole file"
sink sink5 0x100b --no-advertise
run timeout 60 "$BTSYNC" -i hci0 stream --fast --psm 0x100b "$R_ADDR" "$LAB_TMP/in.wav"
assert_eq 0 "$RUN_STATUS" "rerun source ($RUN_OUT)"
f_wait sink5 30
assert_eq 0 "$F_RC" "rerun sink"
res=$("$STREAM_TOOL" compare "$LAB_TMP/in.wav" "$LAB_TMP/sink5.wav") || fail "compare: $res"
note "rerun: $res"
