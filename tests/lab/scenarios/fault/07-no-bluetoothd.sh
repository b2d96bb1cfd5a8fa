#!/bin/bash
# lab-timeout: 120
#
# bluetoothd gone (SIGKILLed: the adapters stay up, as after a crash; the
# no-adapter, no-bluetoothd lab is the noadapter group's, bluetoothd
# absent for A2DP is a2dp/03-errors'):
#   * recv cannot advertise: one warning that names the channel senders
#     must give, and it still receives from a sender that gives it;
#   * send by address alone finds no SDP server on the peer: exits within
#     30 s with a message that says to give the port;
#   * serve cannot advertise: a warning, and it still serves.
# bluetoothd is started again afterwards with its command line.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2
lab_pair

pid=$(pgrep -xo bluetoothd) || skip "bluetoothd is not running"
mapfile -d '' -t btd <"/proc/$pid/cmdline"
kill -KILL "$pid"
wait_for -t 10 eval "! kill -0 $pid"
restart_btd() {
	pgrep -x bluetoothd >/dev/null && return 0
	setsid "${btd[@]}" </dev/null >>"$LAB_TMP/bluetoothd.log" 2>&1 &
	wait_for -t 30 -i 0.5 sh -c "hciconfig hci0 | grep -q 'UP RUNNING' && hciconfig hci1 | grep -q 'UP RUNNING'"
	note "bluetoothd restarted"
}
at_exit restart_btd
assert_contains "$(hciconfig hci1)" "UP RUNNING" "hci1 after bluetoothd died"

note "recv without bluetoothd"
f_recv r1 -o "$LAB_TMP/out"
assert_match "$(cat "$(bg_log r1)")" "btsync: recv: cannot advertise over SDP \(.*\): senders must give the channel: btsync send $R_ADDR:$F_PORT" "recv warning"
random_file "$LAB_TMP/a.bin" 20000

note "send by address alone: no SDP server on the peer"
t0=$SECONDS
bsend -t 20 "$R_ADDR" "$LAB_TMP/a.bin"
note "send: status $SEND_STATUS after $((SECONDS - t0))s: $(cat "$LAB_TMP/send.err")"
[ $((SECONDS - t0)) -le 30 ] || fail "send took $((SECONDS - t0))s to give up"
assert_ne 0 "$SEND_STATUS" "send status"
assert_contains "$(cat "$LAB_TMP/send.err")" "btsync: send: " "send message"
assert_contains "$(cat "$LAB_TMP/send.err")" "$R_ADDR:N" "send message (how to give the port)"

bsend -t 20 "$R_ADDR:$F_PORT" "$LAB_TMP/a.bin"
assert_eq 0 "$SEND_STATUS" "send with the port ($(cat "$LAB_TMP/send.err"))"
f_wait r1 20
assert_eq 0 "$F_RC" "recv status"
assert_eq "$(sum_of "$LAB_TMP/a.bin")" "$(sum_of "$LAB_TMP/out/a.bin")" "received file"

note "serve without bluetoothd"
bg_start srv "$BTSYNC" -i hci1 serve --count 1
wait_for -t 30 grep -q "cannot advertise" "$(bg_log srv)"
port=$(sed -n 's/.*btsync connect [0-9A-F:]*:\([0-9]*\).*/\1/p' "$(bg_log srv)" | head -n1)
[ -n "$port" ] || fail "serve's warning names no channel: $(cat "$(bg_log srv)")"
run timeout 60 "$BTSYNC" -i hci0 connect --linger 3 "$R_ADDR:$port" < <(echo still serving)
assert_eq "still serving" "$RUN_OUT" "echo without bluetoothd"
f_wait srv 20
assert_eq 0 "$F_RC" "serve --count 1 status"
