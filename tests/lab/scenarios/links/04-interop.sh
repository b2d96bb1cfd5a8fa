#!/bin/bash
# lab-timeout: 180
#
# Interoperability: PyBluez and rctest clients talking to btsync serve,
# btsync connect talking to a PyBluez server (found by its UUID over SDP)
# and to rctest's receiver.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/links-lib.sh"
need_btsync
need_controllers 2
lab_pair
PYB=$LAB_SRC/tests/lab/links-pybluez.py

note "PyBluez client (find_service + RFCOMM) to btsync serve"
serve_start echo --max 2
assert_ok timeout 60 "$LAB_PYTHON" "$PYB" echo "$SERVE_UUID" "$A0"
assert_contains "$RUN_OUT" "OK RFCOMM $SERVE_PORT" "PyBluez echo client"

note "rctest client to btsync serve"
assert_ok timeout 60 rctest -i hci1 -s -P "$SERVE_PORT" -N 3 -b 1000 "$A0"
wait_for -t 20 test "$(serve_events echo closed | wc -l)" -ge 2
assert_contains "$(serve_events echo closed | tail -n1)" '"bytes_in":3000' "serve log for rctest"
bg_stop echo

note "PyBluez client (find_service + L2CAP) to btsync serve --l2cap"
serve_start echo2 --l2cap
assert_ok timeout 60 "$LAB_PYTHON" "$PYB" echo "$SERVE_UUID" "$A0"
assert_contains "$RUN_OUT" "OK L2CAP $SERVE_PORT" "PyBluez echo client"
bg_stop echo2

note "btsync connect to a PyBluez server, found by --service"
uuid=5b0f6d52-3c1e-4a8e-9c55-0d7a2f3e9b11
bg_start pyserv "$LAB_PYTHON" "$PYB" server "$uuid"
wait_for -t 30 grep -q '^[0-9]' "$(bg_log pyserv)"
bconnect --service "$uuid" --linger 5 "$A0" < <(echo "hello pybluez")
assert_eq 0 "$CONNECT_STATUS" "connect status ($(cat "$LAB_TMP/err"))"
assert_eq "HELLO PYBLUEZ" "$(cat "$LAB_TMP/out")" "PyBluez server's answer"

note "btsync connect to rctest's receiver"
head -c 50000 /dev/urandom >"$LAB_TMP/data"
bg_start rc rctest -i hci0 -d -P 17
sleep 2
bconnect --linger 1 "$A0:17" <"$LAB_TMP/data"
assert_eq 0 "$CONNECT_STATUS" "connect status ($(cat "$LAB_TMP/err"))"
rc_total() {
	sed -n 's/.*Received \([0-9]*\) bytes.*/\1/p' "$(bg_log rc)" | awk '{ n += $1 } END { print n + 0 }'
}
wait_for -t 20 test "$(rc_total)" = 50000
