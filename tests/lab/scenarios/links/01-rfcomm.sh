#!/bin/bash
# lab-timeout: 150
#
# RFCOMM round trips through btsync serve: binary data through the echo
# service (peer found by address alone, over SDP), a command that sees
# end of input when the link closes, and a 0-byte session.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/links-lib.sh"
need_btsync
need_controllers 2
lab_pair

head -c 200000 /dev/urandom >"$LAB_TMP/data"
# Every byte value, so that nothing gets translated on the way.
for i in $(seq 0 255); do printf "\\$(printf %03o "$i")"; done >>"$LAB_TMP/data"

note "echo service, peer given by address only"
serve_start echo --max 2
bconnect --linger 3 "$A0" <"$LAB_TMP/data"
assert_eq 0 "$CONNECT_STATUS" "connect status ($(cat "$LAB_TMP/err"))"
assert_eq "$(sum_of "$LAB_TMP/data")" "$(sum_of "$LAB_TMP/out")" "echoed data"

note "0-byte session"
bconnect --linger 1 "$A0:$SERVE_PORT" </dev/null
assert_eq 0 "$CONNECT_STATUS" "connect status ($(cat "$LAB_TMP/err"))"
assert_eq 0 "$(stat -c %s "$LAB_TMP/out")" "bytes received"
wait_for -t 20 test "$(serve_events echo closed | wc -l)" -ge 2
assert_contains "$(serve_events echo closed | tail -n1)" '"bytes_in":0,"bytes_out":0' "0-byte session log"
assert_contains "$(serve_events echo closed | head -n1)" '"bytes_in":200256,"bytes_out":200256' "binary session log"
bg_stop echo

note "a command that answers after end of input"
serve_start sum --count 1 -- sh -c 'head -c 200256 | sha256sum | cut -d" " -f1; echo "$BTSYNC_PEER_ADDR $BTSYNC_CHANNEL $BTSYNC_PEER_NAME"'
bconnect --linger forever "$A0" <"$LAB_TMP/data"
assert_eq 0 "$CONNECT_STATUS" "connect status ($(cat "$LAB_TMP/err"))"
assert_eq "$(sum_of "$LAB_TMP/data")" "$(head -n1 "$LAB_TMP/out")" "checksum computed by the command"
assert_eq "$A1 $SERVE_PORT btlab-1" "$(sed -n 2p "$LAB_TMP/out")" "environment of the command"
bg_wait sum 20 || fail "serve --count 1 exited with status $?"
assert_contains "$(serve_events sum closed)" '"exit_status":0' "session log"
