#!/usr/bin/env bash
# The CLI frame, run on the host: help, version, usage errors, and the
# clear error when the kernel has no Bluetooth at all.
. "$(dirname "$0")/lib.bash"

check "--help lists every command" 0 "scan .*lookup|stream" "$BTSYNC" --help
for c in scan lookup connect send recv serve stream; do
	check "--help lists $c" 0 "^  $c " "$BTSYNC" --help
	check "help $c" 0 "Usage: btsync $c" "$BTSYNC" help "$c"
	check "$c --help" 0 "Usage: btsync $c" "$BTSYNC" "$c" --help
done
check "--version" 0 "^btsync [0-9]+\.[0-9]+" "$BTSYNC" --version
check "no command: usage on stderr" 64 "Usage: btsync" "$BTSYNC"
check "unknown command suggests the closest" 64 "unknown command 'scn' \(did you mean 'scan'\?\)" "$BTSYNC" scn
check "unknown command, nothing close" 64 "unknown command 'frobnicate'$" "$BTSYNC" frobnicate
check "help for unknown command" 64 "unknown command 'sned' \(did you mean 'send'\?\)" "$BTSYNC" help sned
check "unknown global option" 64 "unknown option '--jsn' \(did you mean '--json'\?\)" "$BTSYNC" --jsn scan
check "unknown command option" 64 "btsync: scan: unknown option '--bogus-option'" "$BTSYNC" scan --bogus-option
check "usage hint names the command" 64 "Try 'btsync scan --help'" "$BTSYNC" scan --bogus-option
check "missing option value" 64 "option '--adapter' needs a value" "$BTSYNC" scan --adapter
check "bad adapter name" 64 "invalid adapter 'wlan0'" "$BTSYNC" -i wlan0 scan
check "one line per error" 64 "" "$BTSYNC" scn
[ "$(wc -l <"$err")" -le 2 ] || { echo "FAIL: error took more than message + hint"; fails=$((fails+1)); }

# The kernel without Bluetooth: this host, and CI's, have none. Where a
# kernel does have it, the case cannot be produced here: skip.
if /usr/bin/python3 -c 'import socket,sys; socket.socket(31, socket.SOCK_RAW, 1)' 2>/dev/null; then
	echo "skip: this kernel has Bluetooth; the no-kernel case is not testable here"
else
	check "no Bluetooth in the kernel: scan" 69 "^btsync: scan: .*no Bluetooth support" "$BTSYNC" scan
	check "no Bluetooth in the kernel: -i hci0" 69 "no Bluetooth support" "$BTSYNC" -i hci0 scan
fi

finish frame
