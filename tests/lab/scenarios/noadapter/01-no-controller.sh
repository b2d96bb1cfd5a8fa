#!/bin/bash
# lab-timeout: 60
#
# The zero-controller lab: the kernel has Bluetooth but no adapter, and no
# bluetoothd runs.
set -euo pipefail
# shellcheck source=../../lib.sh source-path=SCRIPTDIR
. "$LAB_SRC/tests/lab/lib.sh"

assert_eq 0 "$BTLAB_N" "BTLAB_N"
[ -z "${BTLAB_ADDR0:-}" ] || fail "BTLAB_ADDR0 is set: '$BTLAB_ADDR0'"
[ -d /sys/class/bluetooth ] || fail "the kernel has no Bluetooth"
assert_ok hcitool dev
assert_not_contains "$RUN_OUT" "hci0" "hcitool dev"
assert_ok hciconfig
assert_eq "" "$RUN_OUT" "hciconfig output"
assert_fails hciconfig hci0
if pidof bluetoothd >/dev/null; then
	fail "bluetoothd runs"
fi
