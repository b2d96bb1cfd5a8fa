#!/bin/bash
# lab-timeout: 240
# The failures a user meets, each with a clear message and its exit status:
#   * a device bluetoothd has never paired: exit 3, says how to pair;
#   * Ctrl-C while playing: exit 130 within 10 s, and btsync released the
#     transport and unregistered its endpoint (bluetoothd's log says so);
#   * the sink drops the link mid-stream (like headphones switched off):
#     exit 4 within 10 s;
#   * no bluetoothd on the bus: exit 69, says to start it.
set -u
# shellcheck source=../../lib.sh
. "$LAB_SRC/tests/lab/lib.sh"
# shellcheck source=../../a2dp-lib.sh
. "$LAB_SRC/tests/lab/a2dp-lib.sh"
need_btsync
need_controllers 2

a2dp_pair
a2dp_direction forward
bluealsa_start a2dp-sink
"$A2DP_TOOL" gen sine 44100 2 20 "$LAB_TMP/long.wav" || fail "gen"

assert_status 3 timeout 60 "$BTSYNC" stream --a2dp --timeout 60 -i hci0 00:11:22:33:44:55 "$LAB_TMP/long.wav"
assert_contains "$RUN_OUT" "bluetoothctl pair 00:11:22:33:44:55" "unpaired device's message"
note "unpaired: $RUN_OUT"

# start_long NAME: play the 20 s sine in the background until it plays.
start_long() {
	bg_start "$1" timeout 120 "$BTSYNC" stream --a2dp --timeout 60 -i hci0 "$A1" "$LAB_TMP/long.wav"
	wait_for -t 60 grep -q "playing to" "$(bg_log "$1")"
	_lab_nap 2
}

start_long sigint
kill -INT "$(bg_pid sigint)"
rc=0
bg_wait sigint 10 || rc=$?
note "Ctrl-C: $(cat "$(bg_log sigint)")"
assert_eq 130 "$rc" "exit status after Ctrl-C"
grep -q "Endpoint unregistered: .*path=/org/btsync/a2dp/source" "$LAB_TMP/bluetoothd.log" ||
	fail "Ctrl-C: bluetoothd did not see the endpoint unregistered"

start_long lost
assert_ok bus_call "$(dev_path hci1 "$A0")" org.bluez.Device1.Disconnect
rc=0
bg_wait lost 10 || rc=$?
note "link lost: $(cat "$(bg_log lost)")"
assert_eq 4 "$rc" "exit status after the sink disconnected"
bg_stop bluealsa

pid=$(pgrep -xo bluetoothd)
mapfile -d '' -t btd <"/proc/$pid/cmdline"
kill "$pid"
wait_for -t 10 eval "! kill -0 $pid"
run timeout 30 "$BTSYNC" stream --a2dp --timeout 60 -i hci0 "$A1" "$LAB_TMP/long.wav"
setsid "${btd[@]}" </dev/null >>"$LAB_TMP/bluetoothd.log" 2>&1 &
note "no bluetoothd: $RUN_OUT"
assert_eq 69 "$RUN_STATUS" "exit status without bluetoothd"
assert_contains "$RUN_OUT" "bluetoothd is not running" "message without bluetoothd"
wait_for -t 30 -i 0.5 adapters_powered
note "a2dp errors: ok"
