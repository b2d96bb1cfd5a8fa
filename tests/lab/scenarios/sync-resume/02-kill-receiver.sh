#!/bin/bash
# lab-timeout: 120
#
# The receiver killed halfway: the sender exits non-zero (4, link lost)
# with a clear message, and no file exists under the final name.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
need_btsync
need_controllers 2
lab_pair

size=2097152
random_file "$LAB_TMP/big.bin" $size
out=$LAB_TMP/out
recv_start r1 -o "$out" --no-advertise
bg_start s1 timeout 100 "$BTSYNC" -i hci0 send "$R_ADDR:$RECV_PORT" "$LAB_TMP/big.bin"
wait_for -t 60 -i 0.5 sh -c "[ \$(stat -c %s '$out/.btsync-big.bin.part' 2>/dev/null || echo 0) -ge 300000 ]"
bg_stop r1 KILL
rc=0
bg_wait s1 60 || rc=$?
note "sender: $(tail -n 2 "$(bg_log s1)" | tr '\n' ' ')"
assert_eq 4 "$rc" "sender exit status"
assert_match "$(cat "$(bg_log s1)")" "btsync: send: 'big.bin': .*(link lost|reset|not connected)" "sender message"
[ ! -e "$out/big.bin" ] || fail "a file exists under the final name"
