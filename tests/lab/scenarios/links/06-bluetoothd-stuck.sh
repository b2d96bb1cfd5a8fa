#!/bin/bash
# lab-timeout: 120
#
# bluetoothd frozen (SIGSTOP): serve cannot advertise, so it says so and
# listens anyway within the advertising time limit (8 s on D-Bus; the
# legacy socket is not tried again after a D-Bus timeout), and clients
# that name the channel are served. Then bluetoothd resumes and
# advertising works again.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/links-lib.sh"
need_btsync
need_controllers 2

pid=$(pgrep -x bluetoothd | head -n1)
[ -n "$pid" ] || fail "bluetoothd is not running"
kill -STOP "$pid"
at_exit "kill -CONT $pid"

for how in auto legacy; do
	t0=$SECONDS
	serve_start "stuck-$how" --sdp "$how" --name "Stuck $how" cat
	elapsed=$((SECONDS - t0))
	note "serve --sdp $how listening after ${elapsed}s, advertised: '$SERVE_ADV'"
	[ "$elapsed" -le 25 ] || fail "serve --sdp $how took ${elapsed}s to listen"
	assert_eq null "$SERVE_ADV" "advertised (bluetoothd is frozen)"
	assert_contains "$(cat "$(bg_log "stuck-$how")")" "cannot advertise over SDP: timed out" \
		"serve's warning"
	# A client that names the channel is served all the same.
	bconnect --linger 2 "$A0:$SERVE_PORT" <<<"ping-$how"
	assert_eq 0 "$CONNECT_STATUS" "connect status"
	assert_contains "$(cat "$LAB_TMP/out")" "ping-$how" "echo through cat"
	bg_stop "stuck-$how" TERM
done

kill -CONT "$pid"
serve_start thawed --name "Thawed" cat
assert_eq dbus "$SERVE_ADV" "advertising path after bluetoothd resumed"
bg_stop thawed TERM
