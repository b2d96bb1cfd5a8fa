#!/bin/bash
# lab-timeout: 120
#
# The project's first promise: 'btsync scan' with no options scans from the
# first adapter (hci0) and lists the other controller, btlab-1, by address
# and name, as scripts/try shows a newcomer.
set -euo pipefail
# shellcheck source=../../lib.sh source-path=SCRIPTDIR
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync

assert_ok timeout 60 "$BTSYNC" scan --duration 4
printf '%s\n' "$RUN_OUT"
assert_match "$RUN_OUT" "^ADDRESS +TYPE +RSSI +CLASS +NAME" "table header"
assert_match "$RUN_OUT" "${BTLAB_ADDR1} .* btlab-1" "btlab-1 listed with its address"
assert_not_contains "$RUN_OUT" "$BTLAB_ADDR0" "scan from hci0 lists hci0 itself"
