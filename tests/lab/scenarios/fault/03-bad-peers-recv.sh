#!/bin/bash
# lab-timeout: 150
#
# Bad peers against recv:
#   * a peer that connects and sends nothing: recv -t 4 gives up on it
#     after 4 s (not much later), exits 4 with a message that says so, and
#     a --keep-open receiver then serves the next sender;
#   * garbage instead of the handshake: exit 5, a protocol error;
#   * a flood (a stream of unknown length, 4 MiB, against --max-size 256K):
#     refused once it passes the limit, not written on; both sides say
#     why (exit 5), nothing under the final name, and the receiver's
#     peak memory stays that of an honest 200 KB transfer (+512 KiB).
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2
lab_pair

out=$LAB_TMP/out

note "a silent peer: the idle timeout fires"
f_recv r1 -o "$out" --no-advertise -t 4
f_silent_peer p1 hci0 "$R_ADDR:$F_PORT"
wait_for -t 30 grep -q "connection from" "$(bg_log r1)"
f_wait r1 40
note "recv: status $F_RC, ${F_SECS}s after the connection: $(tr '\n' ' ' <"$(bg_log r1)")"
assert_eq 4 "$F_RC" "recv status after a silent peer"
assert_contains "$(cat "$(bg_log r1)")" "btsync: recv: $BTLAB_ADDR0: timed out: nothing from the peer for --timeout seconds" "recv message"
assert_not_contains "$(cat "$(bg_log r1)")" "partial file" "recv message"
[ "$F_SECS" -ge 3 ] || fail "recv gave up after ${F_SECS}s, before its 4 s timeout"
[ "$F_SECS" -le 20 ] || fail "recv took ${F_SECS}s to give up with -t 4"
f_wait p1 20
note "the silent peer: status $F_RC: $(tr '\n' ' ' <"$(bg_log p1)")"

note "garbage instead of the handshake"
f_recv r2 -o "$out" --no-advertise
run timeout 60 "$BTSYNC" -i hci0 connect --linger 5 "$R_ADDR:$F_PORT" \
	< <(printf 'GET / HTTP/1.0\r\n\r\n'; head -c 200 /dev/zero | tr '\0' '\377')
note "garbage peer: status $RUN_STATUS: $RUN_OUT"
f_wait r2 30
note "recv: status $F_RC: $(tr '\n' ' ' <"$(bg_log r2)")"
assert_eq 5 "$F_RC" "recv status after garbage"
assert_match "$(cat "$(bg_log r2)")" "btsync: recv: $BTLAB_ADDR0: .*protocol" "recv message"
assert_eq "" "$(ls -A "$out" 2>/dev/null)" "output directory after the garbage"

note "--keep-open: a silent peer, garbage, a flood, then an honest sender"
f_recv r3 -o "$out" --no-advertise -t 4 --keep-open --max-size 256K
# The peak memory of an honest session first, to compare with.
random_file "$LAB_TMP/first.bin" 200000
bsend "$R_ADDR:$F_PORT" "$LAB_TMP/first.bin"
assert_eq 0 "$SEND_STATUS" "a first honest send ($(cat "$LAB_TMP/send.err"))"
hwm0=$(f_kb "$(bg_pid r3)" VmHWM)
f_silent_peer p2 hci0 "$R_ADDR:$F_PORT"
f_wait p2 40
note "silent peer dropped after ${F_SECS}s (status $F_RC)"
wait_for -t 10 grep -q "timed out" "$(bg_log r3)"
run timeout 60 "$BTSYNC" -i hci0 connect --linger 5 "$R_ADDR:$F_PORT" < <(printf 'garbage\n')
bg_running r3 || fail "recv --keep-open died after the garbage"
SEND_STATUS=0
t0=$SECONDS
head -c 4194304 /dev/urandom | timeout 60 "$BTSYNC" -i hci0 send --name flood.bin "$R_ADDR:$F_PORT" - \
	>"$LAB_TMP/send.out" 2>"$LAB_TMP/send.err" || SEND_STATUS=$?
note "flood: send status $SEND_STATUS after $((SECONDS - t0))s: $(cat "$LAB_TMP/send.err")"
assert_eq 5 "$SEND_STATUS" "send status of the flood"
assert_contains "$(cat "$LAB_TMP/send.err")" "larger than allowed" "send message"
wait_for -t 10 grep -q "larger than allowed" "$(bg_log r3)"
[ ! -e "$out/flood.bin" ] || fail "flood.bin exists under its final name"
part=$(f_size "$out/.btsync-flood.bin.part")
note "partial flood file: $part bytes"
[ "$part" -le $((256 * 1024)) ] || fail "recv wrote $part bytes past --max-size 256K"
bg_running r3 || fail "recv --keep-open died after the flood"
random_file "$LAB_TMP/good.bin" 30000
bsend "$R_ADDR:$F_PORT" "$LAB_TMP/good.bin"
assert_eq 0 "$SEND_STATUS" "an honest send after the bad peers ($(cat "$LAB_TMP/send.err"))"
assert_eq "$(sum_of "$LAB_TMP/good.bin")" "$(sum_of "$out/good.bin")" "honest file"
hwm=$(f_kb "$(bg_pid r3)" VmHWM)
note "recv peak memory: $hwm0 KiB after an honest session, $hwm KiB after the bad peers"
[ "$hwm" -le $((hwm0 + 512)) ] || fail "recv's peak grew from $hwm0 KiB to $hwm KiB"
kill -TERM "$(bg_pid r3)"
f_wait r3 10
assert_eq 0 "$F_RC" "recv --keep-open stopped between transfers"
