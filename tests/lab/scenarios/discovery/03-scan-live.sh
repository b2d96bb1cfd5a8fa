#!/bin/bash
# lab-timeout: 120
# Results stream: with a 20 s inquiry the first device prints long before
# the end, and Ctrl-C ends the scan at once, cleanly, keeping what was
# printed. --continuous reports a device that stops being discoverable as
# gone, and exits 0 on Ctrl-C.
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 3
. "$LAB_SRC/tests/lab/scenarios/discovery/lib-discovery.sh"

bg_start long "$BTSYNC" -i hci0 scan --duration 20
wait_for -t 15 grep -q btlab-1 "$(bg_log long)"
note "first result printed while the inquiry runs"
t0=$(date +%s)
kill -INT "$(bg_pid long)"
bg_wait long 8 || fail "scan interrupted by SIGINT exited $?"
t1=$(date +%s)
[ $((t1 - t0)) -le 6 ] || fail "scan took $((t1 - t0)) s to stop after SIGINT"
cat "$(bg_log long)"
assert_contains "$(cat "$(bg_log long)")" btlab-2 "results kept after Ctrl-C"

bg_start cont "$BTSYNC" -i hci0 --json scan --continuous --duration 1 --no-names
wait_for -t 20 grep -q "\"appeared\".*\"$BTLAB_ADDR2\"" "$(bg_log cont)"
# the virtual controllers answer inquiries while page scan is on (btdev
# tests the wrong scan bit): make hci2 non-connectable to hide it
mgmt -i hci2 connectable off
at_exit 'mgmt -i hci2 connectable on >/dev/null 2>&1; mgmt -i hci2 discov on >/dev/null 2>&1 || true'
wait_for -t 40 grep -q "\"gone\".*\"$BTLAB_ADDR2\"" "$(bg_log cont)"
kill -INT "$(bg_pid cont)"
bg_wait cont 8 || fail "continuous scan exited $? after SIGINT"
cat "$(bg_log cont)"
out=$(cat "$(bg_log cont)")
assert_eq 1 "$(grep -c "\"appeared\".*\"$BTLAB_ADDR1\"" <<<"$out")" "btlab-1 reported once"
assert_not_contains "$out" "\"gone\",\"address\":\"$BTLAB_ADDR1\"" "btlab-1 stays"
mgmt -i hci2 connectable on >/dev/null
mgmt -i hci2 discov on >/dev/null
