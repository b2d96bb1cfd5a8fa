#!/usr/bin/env bash
# send and recv on the host (no Bluetooth here): operands and options are
# checked before the radio is touched, with the documented exit statuses.
. "$(dirname "$0")/lib.bash"
tmp=$CLI_TMP

A=00:11:22:33:44:55
echo data >"$tmp/f"
check "send without operands" 64 "expected PEER and at least one" "$BTSYNC" send
check "send with a peer only" 64 "expected PEER" "$BTSYNC" send "$A"
check "send of a missing file" 66 "btsync: send: '.*nope': [Nn]o such file" "$BTSYNC" send "$A" "$tmp/nope"
check "send with stdin twice" 64 "more than once" "$BTSYNC" send "$A" - -
check "send --raw of two files" 64 "exactly one" "$BTSYNC" send --raw "$A" "$tmp/f" "$tmp/f"
check "send --raw of a directory" 64 "cannot send a directory" "$BTSYNC" send --raw "$A" "$tmp"
check "send with a bad channel" 64 "invalid value '31' for --channel" "$BTSYNC" send -c 31 "$A" "$tmp/f"
check "send with an even PSM" 64 "invalid PSM" "$BTSYNC" send --psm 0x1002 "$A" "$tmp/f"
check "send with a bad --name" 64 "invalid --name" "$BTSYNC" send --name ../x "$A" -
check "send with a bad l2cap mode" 64 "invalid value 'fast' for --l2cap-mode" "$BTSYNC" send --l2cap-mode fast "$A" "$tmp/f"
check "recv with an operand" 64 "unexpected operand" "$BTSYNC" recv somewhere
check "recv with a bad --max-size" 64 "invalid --max-size" "$BTSYNC" recv --max-size 12Q
check "recv with a bad --allow" 64 "invalid address 'nope' in --allow" "$BTSYNC" recv --allow "$A,nope"
check "recv --raw --keep-open to stdout" 64 "would join streams" "$BTSYNC" recv --raw --keep-open -o -
check "send --help teaches" 0 "--sync" "$BTSYNC" send --help
check "recv --help teaches" 0 "--keep-open" "$BTSYNC" recv --help
# With valid arguments, the missing radio is the reported problem (69).
check "send needs Bluetooth" 69 "btsync: send: " "$BTSYNC" send "$A" "$tmp/f"
check "recv needs Bluetooth" 69 "btsync: recv: " "$BTSYNC" recv -o "$tmp/in"

finish sync
