#!/bin/bash
# lab-timeout: 170
#
# Files of 0 B, 1 B, 1 MiB and 2 MiB over RFCOMM and over L2CAP arrive
# byte-identical; the JSON summary counts them; nothing temporary is left;
# --progress draws the progress line.
# 64 MiB files, and flat memory, are the sync-large group's: this one stays
# quick so the other cases run beside it.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
need_btsync
need_controllers 2
lab_pair

mkdir -p "$LAB_TMP/src"
: >"$LAB_TMP/src/empty"
printf x >"$LAB_TMP/src/one"
random_file "$LAB_TMP/src/mib" 1048576
random_file "$LAB_TMP/src/large" 2097152
total=$((1 + 1048576 + 2097152))

for proto in rfcomm l2cap; do
	out=$LAB_TMP/out-$proto
	if [ $proto = l2cap ]; then
		recv_start r-$proto -o "$out" --no-advertise --l2cap
		port=$R_ADDR:$RECV_PORT
		args=(--l2cap)
	else
		recv_start r-$proto -o "$out" --no-advertise
		port=$R_ADDR:$RECV_PORT
		args=(--progress)
	fi
	note "$proto: sending 4 files"
	start=$SECONDS
	bsend --json "${args[@]}" "$port" "$LAB_TMP"/src/{empty,one,mib,large}
	assert_eq 0 "$SEND_STATUS" "send status over $proto ($(cat "$LAB_TMP/send.err"))"
	bg_wait r-$proto 20 || fail "recv exited with status $?"
	for f in empty one mib large; do
		assert_eq "$(sum_of "$LAB_TMP/src/$f")" "$(sum_of "$out/$f")" "$proto: sha256 of $f"
	done
	assert_eq 4 "$(json_num files "$LAB_TMP/send.out")" "$proto: files in summary"
	assert_eq "$total" "$(json_num data_bytes "$LAB_TMP/send.out")" "$proto: data bytes"
	assert_eq "" "$(find "$out" -name '*btsync*')" "$proto: leftover temporary files"
	if [ $proto = rfcomm ]; then
		assert_contains "$(cat "$LAB_TMP/send.err")" "sending large" "progress line"
	fi
	note "$proto: $(json_num bytes_per_second "$LAB_TMP/send.out") B/s of data, $((SECONDS - start)) s including connect"
done
