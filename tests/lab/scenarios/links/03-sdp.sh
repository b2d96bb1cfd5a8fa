#!/bin/bash
# lab-timeout: 150
#
# SDP advertising with bluetoothd -C: the record is there while serving
# (sdptool over the air, PyBluez find_service, btsync lookup) and gone
# after SIGTERM, through the D-Bus path and through the legacy socket.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/links-lib.sh"
need_btsync
need_controllers 2

note "D-Bus path (the default)"
serve_start dbus --name "Links DBus" --description "a test record"
assert_eq dbus "$SERVE_ADV" "advertising path"
browse=$(sdp_browse)
assert_contains "$browse" "Service Name: Links DBus" "sdptool browse"
assert_contains "$browse" "Service Description: a test record" "sdptool browse"
assert_contains "$browse" "Service Provider: btsync" "sdptool browse"
assert_contains "$browse" "$SERVE_UUID" "sdptool browse"
assert_match "$browse" "Channel: $SERVE_PORT" "sdptool browse"
assert_ok timeout 60 "$LAB_PYTHON" "$LAB_SRC/tests/lab/links-pybluez.py" find "$SERVE_UUID" "$A0"
assert_contains "$RUN_OUT" "RFCOMM $SERVE_PORT Links DBus" "PyBluez find_service"
run timeout 60 "$BTSYNC" -i hci1 lookup --service "$SERVE_UUID" "$A0"
note "btsync lookup --service: status $RUN_STATUS: $RUN_OUT"
bg_stop dbus TERM
sdp_gone "Links DBus"

note "legacy path (/run/sdp)"
serve_start legacy --sdp legacy --name "Links Legacy" --l2cap
assert_eq legacy "$SERVE_ADV" "advertising path"
browse=$(timeout 30 sdptool browse local)
assert_contains "$browse" "Service Name: Links Legacy" "sdptool browse local"
assert_match "$browse" "PSM: $SERVE_PORT" "sdptool browse local"
assert_ok timeout 60 "$LAB_PYTHON" "$LAB_SRC/tests/lab/links-pybluez.py" find "$SERVE_UUID" "$A0"
assert_contains "$RUN_OUT" "L2CAP $SERVE_PORT Links Legacy" "PyBluez find_service"
bg_stop legacy INT
sdp_gone "Links Legacy"

note "SIGKILL: the record still goes (it dies with the bus connection)"
serve_start killed --name "Links Killed"
assert_contains "$(sdp_browse)" "Links Killed" "sdptool browse"
bg_stop killed KILL
sdp_gone "Links Killed"
