#!/bin/bash
# lab-timeout: 120
#
# The lab itself works: two controllers up, inquiry with names, SDP through
# bluetoothd's legacy socket, L2CAP echo (l2ping) from hci0 to hci1.
set -euo pipefail
# shellcheck source=../../lib.sh source-path=SCRIPTDIR
. "$LAB_SRC/tests/lab/lib.sh"

assert_eq 2 "$BTLAB_N" "BTLAB_N"
assert_match "$BTLAB_ADDR0" '^([0-9A-F]{2}:){5}[0-9A-F]{2}$' "BTLAB_ADDR0"
assert_match "$BTLAB_ADDR1" '^([0-9A-F]{2}:){5}[0-9A-F]{2}$' "BTLAB_ADDR1"
assert_ne "$BTLAB_ADDR0" "$BTLAB_ADDR1" "the two addresses"

note "controllers"
assert_ok hcitool dev
assert_contains "$RUN_OUT" "hci0	$BTLAB_ADDR0" "hcitool dev"
assert_contains "$RUN_OUT" "hci1	$BTLAB_ADDR1" "hcitool dev"
for i in 0 1; do
	assert_ok hciconfig -a "hci$i"
	assert_contains "$RUN_OUT" "UP RUNNING PSCAN ISCAN" "hciconfig hci$i"
	assert_contains "$RUN_OUT" "Name: 'btlab-$i'" "hciconfig hci$i"
done

note "inquiry from hci0"
assert_ok timeout 60 hcitool -i hci0 scan --length=3
printf '%s\n' "$RUN_OUT"
assert_match "$RUN_OUT" "${BTLAB_ADDR1}[[:space:]]+btlab-1" "hcitool scan"

note "SDP (bluetoothd -C, /run/sdp)"
[ -S /run/sdp ] || fail "no /run/sdp socket"
assert_ok timeout 30 sdptool browse local
assert_contains "$RUN_OUT" "Service Name" "sdptool browse local"

note "l2ping hci0 -> hci1"
assert_ok timeout 30 l2ping -i hci0 -c 1 "$BTLAB_ADDR1"
printf '%s\n' "$RUN_OUT"
assert_contains "$RUN_OUT" "1 sent, 1 received" "l2ping"
note "lab is up"
