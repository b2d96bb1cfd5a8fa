#!/bin/bash
# lab-timeout: 120
#
# The receiving adapter taken down mid-transfer (hciconfig hci1 down under
# a running recv): recv exits at once, 69, saying its own adapter went
# down; the sender exits 4 with a clear message within its --timeout
# (5 s here) plus a few seconds: the emulated controller hci0 is never
# told that its peer went away (a real one drops the link after its
# supervision timeout), so the sender's own timeout is what ends it,
# counted from the last time the link took its data (not restarted by
# every partial write: that made it 2-3 times the timeout). Nothing appears
# under the final name, the partial file is kept; once the adapter is up
# again a rerun completes, resuming from the part (fewer bytes on the
# wire than the file), and the file is identical.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2
lab_pair
at_exit 'hciconfig hci1 up 2>/dev/null'

size=2097152
random_file "$LAB_TMP/big.bin" $size
out=$LAB_TMP/out
part=$out/.btsync-big.bin.part
f_recv r1 -o "$out" --no-advertise
bg_start s1 "$BTSYNC" -i hci0 send -t 5 "$R_ADDR:$F_PORT" "$LAB_TMP/big.bin"
f_wait_size "$part" 400000 60
hciconfig hci1 down
note "hci1 down with $(f_size "$part") bytes in the partial file"

f_wait r1 15
note "recv: status $F_RC after ${F_SECS}s: $(tr '\n' ' ' <"$(bg_log r1)")"
r_rc=$F_RC
f_wait s1 30
note "send: status $F_RC after ${F_SECS}s more: $(tr '\n' ' ' <"$(bg_log s1)")"
assert_eq 4 "$F_RC" "send status"
# 5 s of silence, one 1 s write tick, the time the send buffer took to
# fill after hci1 went (the link still took data), and the lab's pace.
[ "$F_SECS" -le 10 ] || fail "send took ${F_SECS}s to give up with --timeout 5"
assert_contains "$(cat "$(bg_log s1)")" "btsync: send: 'big.bin': timed out: nothing from the peer for --timeout seconds" "send message"
F_RC=$r_rc
assert_eq 69 "$F_RC" "recv status"
assert_contains "$(cat "$(bg_log r1)")" "btsync: recv: $BTLAB_ADDR0: 'big.bin': link lost: this machine's Bluetooth adapter went down" "recv message"
assert_contains "$(cat "$(bg_log r1)")" "the partial file is kept" "recv message"
[ ! -e "$out/big.bin" ] || fail "a file exists under the final name"
[ -e "$part" ] || fail "the partial file is gone"
f_session_gone r1
f_session_gone s1

# hci0 still has its ACL link to the vanished peer; once the sender has
# closed its socket the kernel drops it (a real controller would have
# dropped it after the supervision timeout already).
if ! timeout 10 sh -c "while hcitool -i hci0 con | grep -q '$R_ADDR'; do sleep 1; done"; then
	note "hci0 still has a link to $R_ADDR after 10 s: disconnecting it"
	hcitool -i hci0 dc "$R_ADDR" 2>/dev/null || true
fi

note "adapter back up: the rerun resumes"
hciconfig hci1 up
mgmt -i hci1 connectable on >/dev/null
wait_for -t 20 sh -c "hciconfig hci1 | grep -q 'UP RUNNING PSCAN'"
f_recv r2 -o "$out" --no-advertise
bsend --json "$R_ADDR:$F_PORT" "$LAB_TMP/big.bin"
assert_eq 0 "$SEND_STATUS" "resumed send ($(cat "$LAB_TMP/send.err"))"
assert_eq 1 "$(json_num resumed "$LAB_TMP/send.out")" "files resumed"
wire=$(json_num wire_bytes "$LAB_TMP/send.out")
note "the rerun moved $wire bytes on the wire for a $size-byte file"
[ "$wire" -lt "$size" ] || fail "the rerun moved $wire bytes, not fewer than $size"
f_wait r2 20
assert_eq 0 "$F_RC" "recv status of the rerun"
assert_eq "$(sum_of "$LAB_TMP/big.bin")" "$(sum_of "$out/big.bin")" "sha256 after the rerun"
[ ! -e "$part" ] || fail "partial file left after the rerun"
