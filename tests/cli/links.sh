#!/usr/bin/env bash
# btsync connect and serve on the host (no Bluetooth here): usage errors
# come first and clearly, then the "no Bluetooth" error.
. "$(dirname "$0")/lib.bash"

A=00:11:22:33:44:55
check "connect: no peer" 64 "connect: missing PEER" "$BTSYNC" connect
check "connect: two peers" 64 "too many operands" "$BTSYNC" connect $A $A
check "connect: bad address" 64 "invalid address in '00:11:22:33:44:5G'" "$BTSYNC" connect 00:11:22:33:44:5G
check "connect: port 0" 64 "invalid peer 'phone:0'" "$BTSYNC" connect phone:0
check "connect: channel 31" 64 "invalid value '31' for --channel" "$BTSYNC" connect --channel 31 $A
check "connect: even PSM" 64 "invalid PSM '0x1002'" "$BTSYNC" connect --psm 0x1002 $A
check "connect: port twice" 64 "already names a port" "$BTSYNC" connect --channel 3 $A:4
check "connect: --channel with --l2cap" 64 "--channel is for RFCOMM" "$BTSYNC" connect --l2cap --channel 3 $A
check "connect: --mtu without L2CAP" 64 "apply to L2CAP" "$BTSYNC" connect --mtu 1000 $A:3
check "connect: bad security" 64 "invalid value 'top' for --security" "$BTSYNC" connect --security top $A:3
check "connect: bad mode" 64 "invalid value 'fast' for --l2cap-mode" "$BTSYNC" connect --l2cap --l2cap-mode fast $A:0x1001
check "connect: bad linger" 64 "invalid value 'soon' for --linger" "$BTSYNC" connect --linger soon $A:3
check "connect: no Bluetooth" 69 "no Bluetooth support" "$BTSYNC" connect $A:3
check "serve: --pty without command" 64 "--pty needs a COMMAND" "$BTSYNC" serve --pty
check "serve: bad --allow" 64 "invalid address 'nobody' in --allow" "$BTSYNC" serve --allow $A,nobody
check "serve: --max 0" 64 "invalid value '0' for --max" "$BTSYNC" serve --max 0
check "serve: bad --sdp" 64 "invalid --sdp 'xml'" "$BTSYNC" serve --sdp xml
check "serve: --channel with --psm" 64 "--channel is for RFCOMM" "$BTSYNC" serve --psm 0x1001 --channel 3
check "serve: options after COMMAND belong to it" 69 "no Bluetooth support" "$BTSYNC" serve -- cat --bogus
check "serve: no Bluetooth" 69 "no Bluetooth support" "$BTSYNC" serve

finish links
