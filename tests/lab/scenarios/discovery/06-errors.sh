#!/bin/bash
# lab-timeout: 60
# A missing adapter and one that is down give the foundation's messages
# and exit 69; scanning when nothing answers exits 1. Runs last: it takes
# hci2 down.
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 3
. "$LAB_SRC/tests/lab/scenarios/discovery/lib-discovery.sh"

assert_status 69 timeout 30 "$BTSYNC" -i hci9 scan
assert_contains "$RUN_OUT" "btsync: scan: "
assert_contains "$RUN_OUT" "hci9"
assert_status 69 timeout 30 "$BTSYNC" -i hci9 lookup "$BTLAB_ADDR1"

mgmt -i hci2 power off >/dev/null
assert_status 69 timeout 30 "$BTSYNC" -i hci2 scan
echo "$RUN_OUT"
assert_contains "$RUN_OUT" "btsync: scan: adapter 'hci2' is down"

# hci1 and hci2 invisible: nothing to find
mgmt -i hci1 discov off >/dev/null
mgmt -i hci1 connectable off >/dev/null
at_exit 'mgmt -i hci1 connectable on >/dev/null 2>&1; mgmt -i hci1 discov on >/dev/null 2>&1 || true'
assert_status 1 timeout 30 "$BTSYNC" -i hci0 scan --duration 1
assert_contains "$RUN_OUT" "btsync: scan: no devices found"
assert_status 64 "$BTSYNC" -i hci0 scan --duration 0
assert_status 64 "$BTSYNC" -i hci0 scan --duration 5x
