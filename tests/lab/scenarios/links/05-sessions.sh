#!/bin/bash
# lab-timeout: 180
#
# Several sessions at once (--max 3), --allow refusing other peers
# before the command starts, --pty, the link dropping mid-session, and
# SIGTERM with a session running: record withdrawn, adapter mode put
# back, the session given its grace period.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/links-lib.sh"
need_btsync
need_controllers 2
lab_pair

note "--max 3: three clients at once (L2CAP: RFCOMM allows one link per"
note "channel between two devices, and the lab's clients share hci1)"
# (the command waits a second after answering: see the note in the report
# about an L2CAP close overtaking the last packet when the ACL carries
# other channels)
serve_start multi --l2cap --max 3 -- sh -c 'read -r line; sleep 3; echo "got $line"; sleep 1'
start=$SECONDS
pids=()
for i in 1 2 3; do
	( set +e; timeout 60 "$BTSYNC" -v -i hci1 connect --linger forever --psm "$SERVE_PORT" "$A0" \
		< <(echo "client$i") >"$LAB_TMP/out$i" 2>"$LAB_TMP/err$i"; echo $? >"$LAB_TMP/rc$i" ) &
	pids+=($!)
done
wait "${pids[@]}"
for i in 1 2 3; do
	assert_eq 0 "$(cat "$LAB_TMP/rc$i")" "client $i status ($(cat "$LAB_TMP/err$i"))"
	assert_eq "got client$i" "$(cat "$LAB_TMP/out$i")" "client $i answer ($(cat "$LAB_TMP/err$i"))"
done
# All three were connected before the first one ended.
events=$(grep -o '"event":"[a-z]*"' "$(bg_log multi)" | tr '\n' ' ')
assert_contains "$events" '"event":"connected" "event":"connected" "event":"connected" "event":"closed"' "session order"
note "three sessions took $((SECONDS - start)) s"
bg_stop multi

note "--allow refuses others before the command runs"
serve_start allow --allow 00:11:22:33:44:55 -- sh -c "touch $LAB_TMP/ran; cat"
bconnect --linger 3 "$A0:$SERVE_PORT" < <(echo hi)
assert_eq "" "$(cat "$LAB_TMP/out")" "data from a refusing server"
wait_for -t 10 grep -q '"event":"refused"' "$(bg_log allow)"
[ ! -e "$LAB_TMP/ran" ] || fail "the command ran for a refused peer"
bg_stop allow

note "--pty: the command has a terminal"
serve_start pty --pty --count 1 -- sh -c 'if [ -t 0 ] && [ -t 1 ]; then echo TTY; else echo NOTTY; fi'
bconnect --linger forever "$A0:$SERVE_PORT" </dev/null
assert_eq 0 "$CONNECT_STATUS" "connect status ($(cat "$LAB_TMP/err"))"
assert_eq TTY "$(tr -d '\r' <"$LAB_TMP/out")" "isatty in the command"
bg_wait pty 20 || fail "serve exited with status $?"

note "a command still running after its peer left gets SIGHUP"
serve_start hup --grace 1 -- sleep 60
bconnect --linger 0 "$A0:$SERVE_PORT" </dev/null
wait_for -t 20 grep -q '"event":"closed"' "$(bg_log hup)"
assert_contains "$(serve_events hup closed)" '"signal":1' "session log"
bg_stop hup

note "the link drops: connect exits 4"
serve_start drop -- sh -c 'cat >/dev/null'
bg_start cl "$BTSYNC" -i hci1 connect --linger forever "$A0:$SERVE_PORT" </dev/null
wait_for -t 20 grep -q '"event":"connected"' "$(bg_log drop)"
# Drop the ACL link under both ends with an error. (A plain "hcitool dc"
# sends reason 0x13, "remote user terminated", which both ends rightly
# take as the peer closing: the lab's controllers report it on both sides.)
assert_ok hcitool -i hci1 dc "$A0" 5
set +e
bg_wait cl 20
rc=$?
set -e
assert_eq 4 "$rc" "connect status after the link dropped ($(cat "$(bg_log cl)"))"
bg_stop drop

note "SIGTERM: record withdrawn, mode restored, session given its grace"
mgmt -i hci0 discov off >/dev/null
serve_start term --discoverable --grace 2 --name "Links Term" -- sh -c 'sleep 30'
assert_contains "$(hciconfig hci0)" "ISCAN" "hciconfig while serving --discoverable"
assert_contains "$(sdp_browse)" "Links Term" "sdptool browse while serving"
bg_start cl2 "$BTSYNC" -i hci1 connect --linger forever "$A0:$SERVE_PORT" </dev/null
wait_for -t 20 grep -q '"event":"connected"' "$(bg_log term)"
kill -TERM "$(bg_pid term)"
sdp_gone "Links Term"
set +e
bg_wait term 20
rc=$?
set -e
assert_eq 0 "$rc" "serve status after SIGTERM"
assert_contains "$(serve_events term closed)" '"signal":15' "the session was stopped after the grace period"
assert_not_contains "$(hciconfig hci0)" "ISCAN" "hciconfig after serve"
assert_contains "$(hciconfig hci0)" "PSCAN" "hciconfig after serve"
