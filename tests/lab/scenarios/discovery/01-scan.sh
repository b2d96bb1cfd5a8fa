#!/bin/bash
# lab-timeout: 90
# scan: from hci0, every other controller is listed with its address, its
# name (btlab-1, btlab-2) and its decoded class; --json lines parse and
# hold the documented fields; --csv has its header; the results land in
# the scan cache with a timestamp.
. "$LAB_SRC/tests/lab/lib.sh"
need_btsync
need_controllers 3
. "$LAB_SRC/tests/lab/scenarios/discovery/lib-discovery.sh"

start=$(date +%s)
assert_ok timeout 60 "$BTSYNC" -i hci0 scan --duration 2
echo "$RUN_OUT"
for i in 1 2; do
	addr_var=BTLAB_ADDR$i
	assert_line "$RUN_OUT" "^${!addr_var} +bredr +-?[0-9]+ +[A-Z][a-z].* \(0x[0-9a-f]{6}\) +btlab-$i\$" \
		"table row for btlab-$i"
done
assert_not_contains "$RUN_OUT" "$BTLAB_ADDR0" "own address"

assert_ok timeout 60 "$BTSYNC" -i hci0 --json scan --duration 1
echo "$RUN_OUT"
printf '%s\n' "$RUN_OUT" | "$LAB_PYTHON" -c '
import json, os, sys
want = {os.environ["BTLAB_ADDR1"]: "btlab-1", os.environ["BTLAB_ADDR2"]: "btlab-2"}
seen = {}
for line in sys.stdin:
    d = json.loads(line)
    for k in ("address", "type", "address_type", "name", "name_source", "class", "class_hex",
              "major", "minor", "services", "rssi", "clock_offset", "page_scan_mode"):
        assert k in d, "field %s missing in %r" % (k, d)
    assert d["type"] == "bredr" and d["address_type"] == "public", d
    assert d["class_hex"].startswith("0x") and len(d["class_hex"]) == 8, d
    assert int(d["class_hex"], 16) >= 0 and d["class"].startswith(d["major"]), d
    assert isinstance(d["rssi"], int) and -128 <= d["rssi"] <= 20, d
    assert isinstance(d["clock_offset"], int) and isinstance(d["services"], list), d
    seen[d["address"]] = d["name"]
assert seen == want, (seen, want)
print("json ok:", seen)
' || fail "json output"

assert_ok timeout 60 "$BTSYNC" -i hci0 scan --duration 1 --csv --no-names
echo "$RUN_OUT"
assert_eq "address,type,rssi,class,name" "$(head -n 1 <<<"$RUN_OUT")" "csv header"
assert_line "$RUN_OUT" "^$BTLAB_ADDR1,bredr,-?[0-9]+,[^,]+,(btlab-1)?\$" "csv row"

cache=$XDG_CACHE_HOME/btsync/devices
[ -f "$cache" ] || fail "no scan cache at $cache"
cat "$cache"
now=$(date +%s)
while IFS=$'\t' read -r seen addr type atype cls name; do
	[ "$seen" -ge "$start" ] && [ "$seen" -le "$now" ] || fail "cache timestamp $seen not in [$start, $now]"
	case $addr in
	"$BTLAB_ADDR1") assert_eq btlab-1 "$name" "cached name" ;;
	"$BTLAB_ADDR2") assert_eq btlab-2 "$name" "cached name" ;;
	*) fail "unexpected cache entry $addr" ;;
	esac
done <"$cache"
assert_eq 2 "$(wc -l <"$cache")" "cache entries"
