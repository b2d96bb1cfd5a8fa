#!/bin/bash
# lab-timeout: 200
#
# The sender SIGKILLed halfway through a large file: nothing under the
# final name; the next send resumes (fewer bytes on the wire than the
# file) and the result is identical.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
need_btsync
need_controllers 2
lab_pair

size=3145728
random_file "$LAB_TMP/big.bin" $size
out=$LAB_TMP/out
recv_start r1 -o "$out" --keep-open --no-advertise
bg_start s1 "$BTSYNC" -i hci0 send "$R_ADDR:$RECV_PORT" "$LAB_TMP/big.bin"
part=$out/.btsync-big.bin.part
wait_for -t 120 -i 0.5 sh -c "[ \$(stat -c %s '$part' 2>/dev/null || echo 0) -ge $((size / 3)) ]"
bg_stop s1 KILL
note "sender killed with $(stat -c %s "$part") bytes in the partial file"
[ ! -e "$out/big.bin" ] || fail "a file exists under the final name after the kill"
wait_for -t 30 grep -q "partial file is kept" "$(bg_log r1)"

bsend --json "$R_ADDR:$RECV_PORT" "$LAB_TMP/big.bin"
assert_eq 0 "$SEND_STATUS" "resumed send ($(cat "$LAB_TMP/send.err"))"
assert_eq 1 "$(json_num resumed "$LAB_TMP/send.out")" "files resumed"
wire=$(json_num wire_bytes "$LAB_TMP/send.out")
note "resume moved $wire bytes on the wire for a $size-byte file"
[ "$wire" -lt "$size" ] || fail "resume moved $wire bytes, not fewer than $size"
assert_eq "$(sum_of "$LAB_TMP/big.bin")" "$(sum_of "$out/big.bin")" "sha256 after resume"
[ ! -e "$part" ] || fail "partial file left after the resume"
bg_stop r1
