#!/bin/bash
# lab-timeout: 150
#
# bluetoothd without -C (no /run/sdp, as on stock distributions): PyBluez's
# advertise_service cannot work here, btsync serve advertises through
# ProfileManager1 over D-Bus; clients find it by address alone; the
# record goes away on SIGTERM; forcing the legacy path fails with a
# warning that names the channel, and serving goes on.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/links-lib.sh"
need_btsync
need_controllers 2
[ ! -e /run/sdp ] || fail "/run/sdp exists: this group needs bluetoothd without -C"
lab_pair

note "serve advertises over D-Bus"
serve_start dbus --name "Links NoCompat"
assert_eq dbus "$SERVE_ADV" "advertising path"
browse=$(sdp_browse)
assert_contains "$browse" "Service Name: Links NoCompat" "sdptool browse"
assert_match "$browse" "Channel: $SERVE_PORT" "sdptool browse"
assert_ok timeout 60 "$LAB_PYTHON" "$LAB_SRC/tests/lab/links-pybluez.py" find "$SERVE_UUID" "$A0"
assert_contains "$RUN_OUT" "RFCOMM $SERVE_PORT Links NoCompat" "PyBluez find_service"

note "connect by address alone"
bconnect --linger 2 "$A0" < <(echo "over dbus")
assert_eq 0 "$CONNECT_STATUS" "connect status ($(cat "$LAB_TMP/err"))"
assert_eq "over dbus" "$(cat "$LAB_TMP/out")" "echo"
bg_stop dbus TERM
sdp_gone "Links NoCompat"

note "--sdp legacy: a warning naming the channel, and still serving"
serve_start legacy --sdp legacy
assert_eq null "$SERVE_ADV" "advertising path"
bconnect --linger 2 "$A0:$SERVE_PORT" < <(echo "still here")
assert_eq "still here" "$(cat "$LAB_TMP/out")" "echo without a record"
bg_stop legacy
assert_match "$(cat "$(bg_log legacy)")" "cannot advertise over SDP: .*btsync connect $A0:$SERVE_PORT" "serve's warning"
