#!/bin/bash
# lab-timeout: 1000
#
# 64 MiB random files over RFCOMM and over L2CAP arrive byte-identical, and
# memory stays flat: the peak RSS of send and of recv moving 64 MiB is that
# of moving 1 MiB (within 10 % + 256 KiB), because every byte path streams.
# The lab moves ~230 KB/s over RFCOMM and more over L2CAP (ERTM), so this
# group takes several minutes; it runs beside the others.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
need_btsync
need_controllers 2
lab_pair

TIME=/usr/bin/time
[ -x "$TIME" ] || fail "GNU time is missing (package time; run scripts/setup)"

# xfer PROTO BYTES: send a random file of BYTES from hci0 to a fresh recv
# on hci1; check it arrived whole; set SECS, RSS_SEND and RSS_RECV (KiB).
xfer() {
	local proto=$1 bytes=$2 out=$LAB_TMP/out line port t0 st=0 r=recv-$1-$2
	local args=()
	[ "$proto" = l2cap ] && args=(--l2cap)
	rm -rf "$out" "$LAB_TMP/src.bin"
	mkdir -p "$out"
	random_file "$LAB_TMP/src.bin" "$bytes"
	bg_start "$r" timeout 900 "$TIME" -f 'peak_rss_kib %M' -o "$LAB_TMP/recv.rss" \
		"$BTSYNC" -i hci1 recv -o "$out" --no-advertise "${args[@]}"
	wait_for -t 30 grep -q "^listening on" "$(bg_log "$r")"
	line=$(grep "^listening on" "$(bg_log "$r")")
	port=${line##* }
	t0=$SECONDS
	timeout 900 "$TIME" -f 'peak_rss_kib %M' -o "$LAB_TMP/send.rss" \
		"$BTSYNC" -i hci0 send --json "${args[@]}" "$R_ADDR:$port" "$LAB_TMP/src.bin" \
		>"$LAB_TMP/send.out" 2>"$LAB_TMP/send.err" || st=$?
	assert_eq 0 "$st" "send of $bytes bytes over $proto ($(cat "$LAB_TMP/send.err"))"
	bg_wait "$r" 30 || fail "recv exited with status $? ($(tail -n 3 "$(bg_log "$r")"))"
	SECS=$((SECONDS - t0))
	assert_eq "$(sum_of "$LAB_TMP/src.bin")" "$(sum_of "$out/src.bin")" "sha256 of $bytes bytes over $proto"
	assert_eq "$bytes" "$(json_num data_bytes "$LAB_TMP/send.out")" "data bytes in the summary"
	RSS_SEND=$(sed -n 's/^peak_rss_kib //p' "$LAB_TMP/send.rss")
	RSS_RECV=$(sed -n 's/^peak_rss_kib //p' "$LAB_TMP/recv.rss")
	note "$proto, $bytes bytes: ${SECS} s ($((bytes / (SECS > 0 ? SECS : 1) / 1024)) KiB/s), peak RSS send ${RSS_SEND} KiB, recv ${RSS_RECV} KiB"
	rm -rf "$out" "$LAB_TMP/src.bin"
}

# flat WHAT SMALL BIG: BIG (KiB) may exceed SMALL by 10 % + 256 KiB at most.
flat() {
	awk -v s="$2" -v b="$3" 'BEGIN { exit !(b + 0 > 0 && b <= s * 1.10 + 256) }' ||
		fail "$1: peak RSS went from $2 KiB (1 MiB file) to $3 KiB (64 MiB file)"
}

for proto in rfcomm l2cap; do
	xfer "$proto" 1048576
	small_send=$RSS_SEND small_recv=$RSS_RECV
	xfer "$proto" 67108864
	flat "send over $proto" "$small_send" "$RSS_SEND"
	flat "recv over $proto" "$small_recv" "$RSS_RECV"
done
