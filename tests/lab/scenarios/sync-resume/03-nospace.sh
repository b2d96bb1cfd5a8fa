#!/bin/bash
# lab-timeout: 120
#
# A tiny filesystem on the receiver: a clear "no space" error on both
# sides (exit 73), nothing half-written under a final name. Once for a
# file of known size (refused before any data moves) and once for a
# stream (the disk fills up mid-transfer).
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
need_btsync
need_controllers 2
lab_pair

small=$LAB_TMP/small
mkdir -p "$small"
mount -t tmpfs -o size=256k tmpfs "$small"
at_exit "umount '$small' 2>/dev/null"
random_file "$LAB_TMP/big.bin" 600000

recv_start r1 -o "$small" --keep-open --no-advertise
bsend "$R_ADDR:$RECV_PORT" "$LAB_TMP/big.bin"
assert_eq 73 "$SEND_STATUS" "send of a file larger than the free space"
assert_contains "$(cat "$LAB_TMP/send.err")" "no space left"
assert_eq "" "$(ls -A "$small")" "files on the tiny filesystem"

note "a stream that fills the disk"
SEND_STATUS=0
timeout 100 "$BTSYNC" -i hci0 send --name fill.bin "$R_ADDR:$RECV_PORT" - <"$LAB_TMP/big.bin" \
	>"$LAB_TMP/send.out" 2>"$LAB_TMP/send.err" || SEND_STATUS=$?
note "sender: $(cat "$LAB_TMP/send.err")"
assert_ne 0 "$SEND_STATUS" "send of a stream that does not fit"
[ ! -e "$small/fill.bin" ] || fail "fill.bin exists under its final name"
assert_eq "" "$(ls -A "$small")" "files left on the tiny filesystem"
wait_for -t 20 grep -q "no space left" "$(bg_log r1)"
bg_running r1 || fail "recv --keep-open died"
bg_stop r1
