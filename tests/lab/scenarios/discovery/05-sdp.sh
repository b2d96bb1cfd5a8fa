#!/bin/bash
# lab-timeout: 150
# SDP: a record added with 'sdptool add --channel=7 SP' and one advertised
# by a PyBluez server (advertise_service, custom UUID, through bluetoothd's
# legacy /run/sdp socket) are found by 'lookup --service' with the right
# channel, on one device and on every device nearby; --browse lists them.
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 2
. "$LAB_SRC/tests/lab/scenarios/discovery/lib-discovery.sh"
uuid=3c1a5e10-6f4b-4c3e-9a51-0d7b2f6e8a44

timeout 20 sdptool add --channel=7 SP || fail "sdptool add"

cat >"$LAB_TMP/server.py" <<PY
import bluetooth, sys, time
s = bluetooth.BluetoothSocket(bluetooth.RFCOMM)
s.bind(("", bluetooth.PORT_ANY))
s.listen(1)
bluetooth.advertise_service(s, "disc-test", service_id="$uuid",
                            service_classes=["$uuid", bluetooth.SERIAL_PORT_CLASS],
                            profiles=[bluetooth.SERIAL_PORT_PROFILE],
                            description="lab server", provider="btlab")
print(s.getsockname()[1], flush=True)
time.sleep(300)
PY
bg_start pyserver "$LAB_PYTHON" "$LAB_TMP/server.py"
wait_for -t 30 test -s "$(bg_log pyserver)"
port=$(head -n 1 "$(bg_log pyserver)")
[[ $port =~ ^[0-9]+$ ]] || fail "pybluez server: $(cat "$(bg_log pyserver)")"
note "pybluez server on channel $port"

assert_ok timeout 60 "$BTSYNC" -i hci0 --json lookup --service SP "$BTLAB_ADDR1"
echo "$RUN_OUT"
assert_match "$RUN_OUT" "\"name\":\"Serial Port\".*\"protocol\":\"RFCOMM\",\"port\":7," "sdptool SP record, channel 7"

assert_ok timeout 60 "$BTSYNC" -i hci0 --json lookup --service "$uuid" "$BTLAB_ADDR1"
echo "$RUN_OUT"
assert_eq 1 "$(wc -l <<<"$RUN_OUT")" "one record for the custom UUID"
printf '%s\n' "$RUN_OUT" | "$LAB_PYTHON" -c '
import json, sys
d = json.loads(sys.stdin.readline())
assert d["name"] == "disc-test" and d["description"] == "lab server" and d["provider"] == "btlab", d
assert d["protocol"] == "RFCOMM" and d["port"] == int(sys.argv[1]), d
assert sys.argv[2] in d["service_classes"] and "0x1101" in d["service_classes"], d
assert d["profiles"] == ["0x1101 1.0"], d
print("pybluez record ok")
' "$port" "$uuid" || fail "pybluez record"

# by name, and every device nearby
assert_ok timeout 60 "$BTSYNC" -i hci0 lookup -t 8 --service "$uuid" btlab-1
assert_line "$RUN_OUT" "^$BTLAB_ADDR1 +RFCOMM +$port +disc-test " "by name"
assert_ok timeout 90 "$BTSYNC" -i hci0 lookup -t 8 --service "$uuid"
echo "$RUN_OUT"
assert_line "$RUN_OUT" "^$BTLAB_ADDR1 +RFCOMM +$port +disc-test " "everywhere"

assert_ok timeout 60 "$BTSYNC" -i hci0 lookup --browse "$BTLAB_ADDR1"
echo "$RUN_OUT"
assert_match "$RUN_OUT" "RFCOMM +7 +Serial Port" "browse: sdptool record"
assert_match "$RUN_OUT" "RFCOMM +$port +disc-test" "browse: pybluez record"

assert_status 1 timeout 60 "$BTSYNC" -i hci0 lookup --service HID "$BTLAB_ADDR1"
assert_contains "$RUN_OUT" "btsync: lookup: '$BTLAB_ADDR1' has no 'HID' service"
assert_status 64 "$BTSYNC" -i hci0 lookup --service NOPE "$BTLAB_ADDR1"
