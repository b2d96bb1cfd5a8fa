#!/bin/bash
# lab-timeout: 60
#
# The output directory cannot be written (a read-only mount: root ignores
# permission bits): recv says so in one line and exits 73 before it
# listens, so no sender's data is ever taken; a directory that cannot be
# created says so too. --raw -o FILE in a read-only directory is refused
# the same way, before listening. Then a writable directory works.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2

ro=$LAB_TMP/ro
mkdir -p "$ro"
mount -t tmpfs -o size=64k,ro tmpfs "$ro"
at_exit "umount '$ro' 2>/dev/null"

note "recv -o into a read-only directory"
assert_status 73 timeout 20 "$BTSYNC" -i hci1 recv -o "$ro" --no-advertise
assert_eq "btsync: recv: output directory '$ro': read-only file system" "$RUN_OUT" "message"

note "recv -o a directory that cannot be created there"
assert_status 73 timeout 20 "$BTSYNC" -i hci1 recv -o "$ro/inbox" --no-advertise
assert_eq "btsync: recv: output directory '$ro/inbox': read-only file system" "$RUN_OUT" "message"

note "recv --raw -o FILE in a read-only directory"
assert_status 73 timeout 20 "$BTSYNC" -i hci1 recv --raw -o "$ro/data.bin" --no-advertise
assert_not_contains "$RUN_OUT" "listening on" "recv --raw output"
assert_contains "$RUN_OUT" "btsync: recv: " "recv --raw message"
assert_contains "$RUN_OUT" "read-only file system" "recv --raw message"
assert_eq "" "$(ls -A "$ro")" "files in the read-only directory"

note "a writable directory still works"
lab_pair
random_file "$LAB_TMP/ok.bin" 20000
f_recv r1 -o "$LAB_TMP/inbox" --no-advertise
bsend "$R_ADDR:$F_PORT" "$LAB_TMP/ok.bin"
assert_eq 0 "$SEND_STATUS" "send ($(cat "$LAB_TMP/send.err"))"
f_wait r1 20
assert_eq 0 "$F_RC" "recv status"
assert_eq "$(sum_of "$LAB_TMP/ok.bin")" "$(sum_of "$LAB_TMP/inbox/ok.bin")" "received file"
