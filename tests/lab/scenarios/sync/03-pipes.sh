#!/bin/bash
# lab-timeout: 120
#
# Pipes both ways: tar c | send - and recv -o - | tar x round-trip a tree;
# stdin under --name to a receiver found over SDP (no port given).
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
need_btsync
need_controllers 2
lab_pair

mkdir -p "$LAB_TMP/src/photos/2024" "$LAB_TMP/x"
random_file "$LAB_TMP/src/photos/a.jpg" 120000
random_file "$LAB_TMP/src/photos/2024/b.jpg" 90000
printf 'caption\n' >"$LAB_TMP/src/photos/2024/b.txt"

bg_start r1 sh -c "cd '$LAB_TMP/x' && timeout 200 '$BTSYNC' -i hci1 recv --no-advertise -o - | tar x"
wait_for -t 30 grep -q "^listening on" "$(bg_log r1)"
port=$(sed -n 's/^listening on .* //p' "$(bg_log r1)")
note "tar c | send - (port $port)"
SEND_STATUS=0
(cd "$LAB_TMP/src" && tar c photos) |
	timeout 120 "$BTSYNC" -i hci0 send --json "$R_ADDR:$port" - >"$LAB_TMP/send.out" 2>"$LAB_TMP/send.err" ||
	SEND_STATUS=$?
assert_eq 0 "$SEND_STATUS" "send - ($(cat "$LAB_TMP/send.err"))"
bg_wait r1 30 || fail "recv -o - | tar x exited with $?"
diff -r "$LAB_TMP/src/photos" "$LAB_TMP/x/photos" || fail "tree through tar differs"

note "stdin to a file under --name; the receiver found over SDP by address alone"
recv_start r2 -o "$LAB_TMP/named"
head -c 50000 /dev/urandom | tee "$LAB_TMP/stdin.bin" |
	timeout 120 "$BTSYNC" -i hci0 send -q --name piped.bin "$R_ADDR" - ||
	fail "send - --name (peer found over SDP) exited with $?"
bg_wait r2 20 || fail "recv exited with $?"
assert_eq "$(sum_of "$LAB_TMP/stdin.bin")" "$(sum_of "$LAB_TMP/named/piped.bin")" "stdin file"
