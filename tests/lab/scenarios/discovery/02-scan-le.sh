#!/bin/bash
# lab-timeout: 90
# scan --le: hci1 advertises its name; an LE scan from hci0 reports it with
# address type and name; --le --bredr reports both sides.
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 2
. "$LAB_SRC/tests/lab/scenarios/discovery/lib-discovery.sh"

# advertising data: complete local name "btlab-1" (0x09), connectable,
# general discoverable flags added by the kernel
mgmt -i hci1 add-adv -c -g -d 080962746c61622d31 1 || fail "could not start advertising on hci1"
at_exit 'mgmt -i hci1 rm-adv 1 >/dev/null 2>&1 || true'

assert_ok timeout 60 "$BTSYNC" -i hci0 --json scan --le --duration 2
echo "$RUN_OUT"
printf '%s\n' "$RUN_OUT" | "$LAB_PYTHON" -c '
import json, os, sys
found = [json.loads(l) for l in sys.stdin]
le = [d for d in found if d["address"] == os.environ["BTLAB_ADDR1"]]
assert le, found
d = le[0]
assert d["type"] == "le" and d["address_type"] in ("public", "random"), d
assert d["name"] == "btlab-1" and d["name_source"] in ("eir", "eir-short"), d
assert d["class"] is None and d["clock_offset"] is None, d
assert all(x["type"] == "le" for x in found), found
print("le ok:", d["address"], d["name"], d["address_type"])
' || fail "le scan"

assert_ok timeout 60 "$BTSYNC" -i hci0 scan --le --bredr --duration 2
echo "$RUN_OUT"
assert_line "$RUN_OUT" "^$BTLAB_ADDR1 +le .* btlab-1\$" "LE row"
assert_line "$RUN_OUT" "^$BTLAB_ADDR1 +bredr .* btlab-1\$" "BR/EDR row"
