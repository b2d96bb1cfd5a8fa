#!/usr/bin/env bash
# scan and lookup on the host (no Bluetooth here): option errors come first
# with exit 64, then the foundation's "no Bluetooth" error with exit 69.
. "$(dirname "$0")/lib.bash"

check "scan --duration 0" 64 "invalid value '0' for --duration" "$BTSYNC" scan --duration 0
check "scan --duration 62" 64 "expected a number from 1 to 61" "$BTSYNC" scan --duration 62
check "scan --duration 5s" 64 "invalid value '5s'" "$BTSYNC" scan -d 5s
check "scan --continous" 64 "did you mean '--continuous'" "$BTSYNC" scan --continous
check "lookup --service NOPE" 64 "invalid service 'NOPE'" "$BTSYNC" lookup --service NOPE 00:11:22:33:44:55
check "lookup --timeout 0" 64 "invalid value '0' for --timeout" "$BTSYNC" lookup -t 0 x
if [ ! -d /sys/class/bluetooth ]; then # a host with Bluetooth would scan for real
	check "scan without bluetooth" 69 "^btsync: scan: .*no Bluetooth support" "$BTSYNC" scan
	check "lookup without bluetooth" 69 "^btsync: lookup: " "$BTSYNC" lookup phone
fi
check "scan --help" 0 "--continuous" "$BTSYNC" scan --help
check "lookup --help" 0 "--browse" "$BTSYNC" help lookup

finish discovery
