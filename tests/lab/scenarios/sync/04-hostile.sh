#!/bin/bash
# lab-timeout: 150
#
# A hostile sender (traversal names, symlinks out of the tree, a size lie,
# an impossible size, a truncated frame, unknown frames, garbage) cannot
# make recv write outside its output directory, leave a file under a final
# name, or crash it: a --keep-open receiver survives every attempt.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
need_btsync
need_controllers 2
lab_pair

box=$LAB_TMP/box
out=$box/inbox
mkdir -p "$out"
recv_start r1 -o "$out" --keep-open --no-advertise
for c in names symlinks liar huge truncated unknown garbage; do
	run timeout 60 "$LAB_PYTHON" "$LAB_SRC/tests/lab/sync-hostile.py" "$BTLAB_ADDR0" "$R_ADDR" "$RECV_PORT" "$c"
	note "$c: $(tr '\n' ';' <<<"$RUN_OUT")"
	assert_eq 0 "$RUN_STATUS" "hostile case $c: $RUN_OUT"
	bg_running r1 || fail "recv died during case $c"
done
# Every session was refused; the receiver is still there and still works.
random_file "$LAB_TMP/good.bin" 5000
bsend "$R_ADDR:$RECV_PORT" "$LAB_TMP/good.bin"
assert_eq 0 "$SEND_STATUS" "an honest send after the attacks ($(cat "$LAB_TMP/send.err"))"
assert_eq "$(sum_of "$LAB_TMP/good.bin")" "$(sum_of "$out/good.bin")" "honest file"
bg_stop r1
# Nothing outside the inbox, nothing under a final name but the honest
# file and the accepted in-tree symlink; a truncated file only as .part.
assert_eq "inbox" "$(find "$box" -mindepth 1 -maxdepth 1 -printf '%f\n')" "entries next to the output directory"
assert_eq "$(printf '%s\n' .btsync-cut.bin.part good.bin here)" "$(find "$out" -mindepth 1 -printf '%f\n' | sort)" "output directory"
[ ! -e /tmp/abs ] || fail "/tmp/abs was created"
[ -z "$(find "$LAB_TMP" /tmp -name escape 2>/dev/null | head -n1)" ] || fail "an 'escape' file exists"
