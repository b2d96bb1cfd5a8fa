#!/bin/bash
# lab-timeout: 150
#
# L2CAP round trips: binary data through the echo service, packet
# boundaries kept end to end (each read of stdin becomes one packet), and
# an explicit PSM.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/links-lib.sh"
need_btsync
need_controllers 2
lab_pair

head -c 100000 /dev/urandom >"$LAB_TMP/data"

note "L2CAP echo, PSM found over SDP"
serve_start echo --l2cap
bconnect --l2cap --linger 3 "$A0" <"$LAB_TMP/data"
assert_eq 0 "$CONNECT_STATUS" "connect status ($(cat "$LAB_TMP/err"))"
assert_eq "$(sum_of "$LAB_TMP/data")" "$(sum_of "$LAB_TMP/out")" "echoed data"
bg_stop echo

note "l2test receives our packets whole"
# l2test -r checks each packet's embedded sequence number and length:
# packets merged or split by btsync would show as "size mismatch".
# (each packet is one write into the pipe, so one read for btsync)
for s in 0 1 2; do
	{ printf '%b' "\\x0$s\\x00\\x00\\x00\\xc8\\x00"; head -c 194 /dev/zero | tr '\0' '\177'; } >"$LAB_TMP/pkt$s"
done
bg_start l2r l2test -i hci0 -r -P 4115 -b 600
sleep 2
# Write the packets only once connected, a second apart, so that each is
# still alone in the pipe when btsync reads it.
packets() {
	for _ in $(seq 100); do grep -q "connected to" "$LAB_TMP/err" 2>/dev/null && break; sleep 0.2; done
	for s in 0 1 2; do cat "$LAB_TMP/pkt$s"; sleep 1; done
}
rm -f "$LAB_TMP/err"
bconnect -v --psm 0x1013 --linger 1 "$A0" < <(packets)
assert_eq 0 "$CONNECT_STATUS" "connect status ($(cat "$LAB_TMP/err"))"
wait_for -t 15 grep -q "600 bytes in" "$(bg_log l2r)"
assert_not_contains "$(cat "$(bg_log l2r)")" "mismatch" "l2test receive log"

note "l2test client to btsync serve --l2cap"
serve_start l2s --l2cap --count 1 -- sh -c 'cat >/dev/null'
assert_ok timeout 60 l2test -i hci1 -s -P "$SERVE_PORT" -N 4 -b 300 -g 2000 "$A0"
bg_wait l2s 30 || fail "serve exited with status $?"
assert_contains "$(serve_events l2s closed)" '"bytes_in":1200' "serve log"
