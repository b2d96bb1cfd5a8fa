#!/bin/bash
# lab-timeout: 150
#
# --raw both ways with PyBluez peers (sendall/recv): bytes identical.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
need_btsync
need_controllers 2
lab_pair

random_file "$LAB_TMP/data.bin" 200000

note "PyBluez server receives from send --raw"
cat >"$LAB_TMP/pyrecv.py" <<'PY'
import sys, bluetooth
srv = bluetooth.BluetoothSocket(bluetooth.RFCOMM)
srv.bind((sys.argv[1], 9))
srv.listen(1)
print("ready", flush=True)
c, _ = srv.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        try:
            d = c.recv(65536)
        except bluetooth.btcommon.BluetoothError as e:
            # RFCOMM reports the sender's close (DISC) as ECONNRESET after
            # the last queued byte.
            if e.errno != 104:
                raise
            break
        if not d:
            break
        f.write(d)
c.close()
srv.close()
PY
bg_start py1 timeout 100 "$LAB_PYTHON" "$LAB_TMP/pyrecv.py" "$R_ADDR" "$LAB_TMP/py-got.bin"
wait_for -t 30 grep -q ready "$(bg_log py1)"
bsend --raw "$R_ADDR:9" "$LAB_TMP/data.bin"
assert_eq 0 "$SEND_STATUS" "send --raw ($(cat "$LAB_TMP/send.err"))"
bg_wait py1 30 || fail "PyBluez receiver exited with $?"
assert_eq "$(sum_of "$LAB_TMP/data.bin")" "$(sum_of "$LAB_TMP/py-got.bin")" "bytes at the PyBluez receiver"

note "recv --raw from a PyBluez sender"
recv_start r1 --raw -o "$LAB_TMP/raw-got.bin" --no-advertise
cat >"$LAB_TMP/pysend.py" <<'PY'
import sys, bluetooth
s = bluetooth.BluetoothSocket(bluetooth.RFCOMM)
s.bind((sys.argv[1], 0))
s.connect((sys.argv[2], int(sys.argv[3])))
data = open(sys.argv[4], "rb").read()
# 8000-byte sendall()s: single writes of 16 KiB or more stall on the
# lab's virtual controllers (one per 2 s), whoever makes them.
for i in range(0, len(data), 8000):
    s.sendall(data[i:i + 8000])
s.close()
PY
run timeout 100 "$LAB_PYTHON" "$LAB_TMP/pysend.py" "$BTLAB_ADDR0" "$R_ADDR" "$RECV_PORT" "$LAB_TMP/data.bin"
assert_eq 0 "$RUN_STATUS" "PyBluez sender: $RUN_OUT"
bg_wait r1 30 || fail "recv --raw exited with $?"
assert_eq "$(sum_of "$LAB_TMP/data.bin")" "$(sum_of "$LAB_TMP/raw-got.bin")" "bytes from the PyBluez sender"
