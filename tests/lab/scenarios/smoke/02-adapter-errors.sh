#!/bin/bash
# lab-timeout: 120
#
# The adapter the user names is missing, down, or blocked by rfkill: one
# clear line that says how to fix it, exit 69, and no hang.
set -euo pipefail
# shellcheck source=../../lib.sh source-path=SCRIPTDIR
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync

note "missing adapter"
assert_status 69 timeout 30 "$BTSYNC" -i hci7 scan
assert_eq "btsync: scan: adapter 'hci7': no Bluetooth adapter found" "$RUN_OUT" "scan -i hci7"
assert_status 69 timeout 30 "$BTSYNC" -i 00:11:22:33:44:55 scan
assert_contains "$RUN_OUT" "no Bluetooth adapter found" "scan -i ADDR"

note "adapter down"
at_exit "hciconfig hci1 up; btmgmt -i hci1 connectable on >/dev/null 2>&1 || true"
assert_ok hciconfig hci1 down
assert_status 69 timeout 30 "$BTSYNC" -i hci1 scan
assert_eq "btsync: scan: adapter 'hci1' is down (bring it up with 'bluetoothctl power on' or 'hciconfig hci1 up')" \
	"$RUN_OUT" "scan on a down adapter"
# Addressed by its address, the message still names the adapter.
assert_status 69 timeout 30 "$BTSYNC" -i "$BTLAB_ADDR1" scan
assert_contains "$RUN_OUT" "adapter 'hci1' is down" "scan -i ADDR on a down adapter"
assert_ok hciconfig hci1 up

note "adapter blocked by rfkill"
idx=$(cat /sys/class/bluetooth/hci1/rfkill*/index 2>/dev/null | head -n 1)
if ! command -v rfkill >/dev/null || [ -z "$idx" ]; then
	skip "no rfkill tool or no rfkill switch for the virtual controllers"
fi
# Block hci1 alone; hci0 stays usable.
at_exit "rfkill unblock $idx"
assert_ok rfkill block "$idx"
assert_status 69 timeout 30 "$BTSYNC" -i hci1 scan
assert_eq "btsync: scan: adapter 'hci1' is blocked by rfkill (unblock it with 'rfkill unblock bluetooth')" \
	"$RUN_OUT" "scan on a blocked adapter"
assert_ok rfkill unblock "$idx"
