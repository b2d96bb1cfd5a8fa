#!/bin/bash
# lab-timeout: 90
#
# SIGINT to recv mid-transfer: it stops within 5 s with status 130 (it
# must not wait for the transfer to end), its SDP record is withdrawn,
# the partial file is kept on purpose (documented: the next send resumes
# it) and nothing is under the final name; the sender exits 4 ("the peer
# was stopped"); a rerun resumes and completes. Also SIGINT to a recv
# that waits for its first sender: status 130 at once.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2
lab_pair

size=1572864
random_file "$LAB_TMP/big.bin" $size
out=$LAB_TMP/out
part=$out/.btsync-big.bin.part

note "SIGINT to recv waiting for a sender"
f_recv r0 -o "$out"
kill -INT "$(bg_pid r0)"
f_wait r0 5
assert_eq 130 "$F_RC" "recv status after SIGINT while waiting ($(cat "$(bg_log r0)"))"
assert_not_contains "$(f_sdp_local)" "Service Name: btsync recv" "sdptool browse local after recv"

note "SIGINT to recv mid-transfer"
f_recv r1 -o "$out"
assert_contains "$(f_sdp_local)" "Service Name: btsync recv" "sdptool browse local while recv listens"
bg_start s1 "$BTSYNC" -i hci0 send "$R_ADDR" "$LAB_TMP/big.bin"
f_wait_size "$part" 300000 60
kill -INT "$(bg_pid r1)"
f_wait r1 5
note "recv: status $F_RC after ${F_SECS}s: $(tr '\n' ' ' <"$(bg_log r1)")"
assert_eq 130 "$F_RC" "recv status after SIGINT"
f_wait s1 30
note "send: status $F_RC after ${F_SECS}s: $(tr '\n' ' ' <"$(bg_log s1)")"
assert_eq 4 "$F_RC" "send status after the receiver was interrupted"
assert_contains "$(cat "$(bg_log s1)")" "btsync: send: 'big.bin': the peer was stopped (send again to resume)" "send message"
[ ! -e "$out/big.bin" ] || fail "a file exists under the final name"
[ -e "$part" ] || fail "the partial file was not kept for a resume"
assert_not_contains "$(f_sdp_local)" "Service Name: btsync recv" "sdptool browse local after recv"
f_session_gone r1

note "the rerun resumes and completes"
f_recv r2 -o "$out" --no-advertise
bsend --json "$R_ADDR:$F_PORT" "$LAB_TMP/big.bin"
assert_eq 0 "$SEND_STATUS" "rerun ($(cat "$LAB_TMP/send.err"))"
assert_eq 1 "$(json_num resumed "$LAB_TMP/send.out")" "files resumed"
[ "$(json_num wire_bytes "$LAB_TMP/send.out")" -lt "$size" ] || fail "the rerun did not resume"
assert_eq "$(sum_of "$LAB_TMP/big.bin")" "$(sum_of "$out/big.bin")" "sha256 after the rerun"
[ ! -e "$part" ] || fail "partial file left after the rerun"
f_wait r2 20
assert_eq 0 "$F_RC" "recv status of the rerun"
