#!/bin/bash
# lab-timeout: 60
#
# A kernel with Bluetooth but no adapter: every command that needs one says
# so in one line and exits 69 (Bluetooth unavailable).
set -euo pipefail
# shellcheck source=../../lib.sh source-path=SCRIPTDIR
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync

assert_status 69 "$BTSYNC" scan
assert_eq "btsync: scan: no Bluetooth adapter found" "$RUN_OUT" "scan without adapter"
assert_status 69 "$BTSYNC" -i hci0 scan
assert_eq "btsync: scan: adapter 'hci0': no Bluetooth adapter found" "$RUN_OUT" "scan -i hci0"
