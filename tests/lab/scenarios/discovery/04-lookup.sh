#!/bin/bash
# lab-timeout: 180
# lookup: address -> name and class, name -> address (exact, then ignoring
# case), ambiguous names (exit 2, every candidate listed), missing devices
# and names (exit 1, bounded time), --cache answering for a device that
# no longer answers inquiries, --info (remote version and features).
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 3
. "$LAB_SRC/tests/lab/scenarios/discovery/lib-discovery.sh"

assert_ok timeout 60 "$BTSYNC" -i hci0 --json lookup "$BTLAB_ADDR1"
echo "$RUN_OUT"
assert_match "$RUN_OUT" "\"address\":\"$BTLAB_ADDR1\".*\"name\":\"btlab-1\".*\"class_hex\":\"0x[0-9a-f]{6}\"" \
	"address -> name and class"

assert_ok timeout 60 "$BTSYNC" -i hci0 lookup -t 2 btlab-2
echo "$RUN_OUT"
assert_line "$RUN_OUT" "^$BTLAB_ADDR2 +bredr .* btlab-2\$" "name -> address"
assert_ok timeout 60 "$BTSYNC" -i hci0 lookup -t 2 BTLAB-2
assert_line "$RUN_OUT" "^$BTLAB_ADDR2 " "case-insensitive match"

# hci1 renamed "BTLAB-2": "btlab-2" still matches hci2 exactly, "Btlab-2"
# matches both ignoring case; hci1 renamed "btlab-2": ambiguous
mgmt -i hci1 name BTLAB-2 >/dev/null
at_exit 'mgmt -i hci1 name btlab-1 >/dev/null 2>&1 || true'
assert_ok timeout 60 "$BTSYNC" -i hci0 lookup -t 2 btlab-2
assert_eq 1 "$(grep -c bredr <<<"$RUN_OUT")" "exact match wins"
assert_status 2 timeout 60 "$BTSYNC" -i hci0 lookup -t 2 Btlab-2
echo "$RUN_OUT"
assert_contains "$RUN_OUT" "$BTLAB_ADDR1" "candidate 1"
assert_contains "$RUN_OUT" "$BTLAB_ADDR2" "candidate 2"
assert_contains "$RUN_OUT" "btsync: lookup: name 'Btlab-2' matches 2 devices" "ambiguity message"
mgmt -i hci1 name btlab-2 >/dev/null
assert_status 2 timeout 60 "$BTSYNC" -i hci0 lookup -t 2 btlab-2
mgmt -i hci1 name btlab-1 >/dev/null

# missing: bounded time, clear message, exit 1
t0=$SECONDS
assert_status 1 timeout 60 "$BTSYNC" -i hci0 lookup -t 2 nosuchdevice
assert_contains "$RUN_OUT" "btsync: lookup: no device named 'nosuchdevice' nearby"
assert_status 1 timeout 60 "$BTSYNC" -i hci0 lookup -t 2 00:11:22:33:44:55
echo "$RUN_OUT"
assert_contains "$RUN_OUT" "btsync: lookup: device '00:11:22:33:44:55' did not answer"
((SECONDS - t0 <= 40)) || fail "missing devices took $((SECONDS - t0)) s"

# the cache: fill it, make hci2 invisible to inquiries, still resolved
assert_ok timeout 60 "$BTSYNC" -i hci0 scan --duration 2
mgmt -i hci2 connectable off >/dev/null
at_exit 'mgmt -i hci2 connectable on >/dev/null 2>&1; mgmt -i hci2 discov on >/dev/null 2>&1 || true'
assert_ok timeout 60 "$BTSYNC" -i hci0 lookup --cache -t 2 btlab-2
assert_line "$RUN_OUT" "^$BTLAB_ADDR2 " "resolved from the cache"
assert_status 1 timeout 60 "$BTSYNC" -i hci0 lookup -t 2 btlab-2
mgmt -i hci2 connectable on >/dev/null
mgmt -i hci2 discov on >/dev/null

assert_ok timeout 60 "$BTSYNC" -i hci0 --json lookup --info "$BTLAB_ADDR1"
echo "$RUN_OUT"
assert_match "$RUN_OUT" "\"lmp_version\":\"[0-9.]+ \(0x[0-9a-f]+\)\".*\"features\":\"0x[0-9a-f]{16}\"" "--info"
