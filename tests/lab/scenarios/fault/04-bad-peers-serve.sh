#!/bin/bash
# lab-timeout: 150
#
# Bad peers against serve (on hci1, clients on hci0):
#   * a client that connects and sends nothing holds its session, but
#     serve --max 2 serves a second client meanwhile;
#   * with --idle 4 the silent client is closed after 4-10 s (logged as
#     idle_timeout), its command reaped, and with the default --max 1
#     the next client is served;
#   * a client SIGKILLed while its session's command runs: serve logs the
#     session closed, the command is reaped (no zombie, no leftover), and
#     the next client is served;
#   * a client that floods (2 MiB as fast as the link goes) a command that
#     reads nothing for 10 s: the link is flow-controlled, not buffered:
#     the client gets at most 512 KiB out meanwhile, serve's peak memory
#     stays within 2 MiB of its idle peak (a session's buffers), and the
#     command then gets every byte.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2
lab_pair

# serve_on NAME ARGS...: btsync --json serve on hci1; sets F_PORT.
serve_on() {
	local name=$1 line
	shift
	bg_start "$name" "$BTSYNC" -i hci1 --json serve --no-advertise "$@"
	wait_for -t 30 grep -q '"event":"listening"' "$(bg_log "$name")"
	line=$(grep '"event":"listening"' "$(bg_log "$name")")
	F_PORT=$(sed -n 's/.*"\(channel\|psm\)":\([0-9]*\).*/\2/p' <<<"$line")
}

note "a flood into a command that does not read"
# The command sleeps 10 s, then reads 2 MiB and exits, which ends the
# session (the client lingers until the server closes).
serve_on s2 --count 1 -- sh -c "sleep 10; head -c 2097152 >'$LAB_TMP/got'"
spid=$(bg_pid s2)
hwm0=$(f_kb "$spid" VmHWM)
random_file "$LAB_TMP/flood.bin" 2097152
f_bg_stdin flood "$LAB_TMP/flood.bin" "$BTSYNC" -i hci0 connect --linger forever "$R_ADDR:$F_PORT"
wait_for -t 30 f_count_ge s2 '"event":"connected"' 1
sleep 7
# While the command sleeps, the client has been writing as fast as the
# link lets it: how far it got in its input shows what is in flight.
pos=$(awk '$1 == "pos:" { print $2 }' "/proc/$(bg_pid flood)/fdinfo/0")
bg_running s2 || fail "serve exited while the command slept"
hwm=$(f_kb "$spid" VmHWM)
note "while the command slept: the client had sent $pos bytes; serve's peak memory $hwm KiB (idle: $hwm0 KiB)"
[ "$pos" -le $((512 * 1024)) ] || fail "the client sent $pos bytes into a session whose command did not read"
[ "$hwm" -le $((hwm0 + 2048)) ] || fail "serve's peak grew from $hwm0 KiB to $hwm KiB while the command did not read"
f_wait flood 90
assert_eq 0 "$F_RC" "the flooding client's status ($(cat "$(bg_log flood)"))"
f_wait s2 30
assert_eq 0 "$F_RC" "serve --count 1 status"
assert_eq "$(sum_of "$LAB_TMP/flood.bin")" "$(sum_of "$LAB_TMP/got")" "what the flooded command got"
f_session_gone s2

note "a silent client does not keep a second one out (--max 2, L2CAP)"
serve_on s1 --l2cap --max 2 -- cat
f_silent_peer quiet hci0 --psm "$F_PORT" "$R_ADDR"
wait_for -t 30 grep -q '"event":"connected"' "$(bg_log s1)"
run timeout 60 "$BTSYNC" -i hci0 connect --linger 3 --psm "$F_PORT" "$R_ADDR" < <(echo hello)
assert_eq 0 "$RUN_STATUS" "second client status ($RUN_OUT)"
assert_eq hello "$RUN_OUT" "second client's echo"
bg_running quiet || fail "the silent client was dropped"

note "the silent client SIGKILLed: its command is reaped, the next client served"
spid=$(bg_pid s1)
assert_eq 1 "$(ps -o pid= --ppid "$spid" | wc -l)" "commands running (the silent client's cat)"
bg_stop quiet KILL
wait_for -t 30 f_count_ge s1 '"event":"closed"' 2
wait_for -t 10 f_no_children "$spid"
assert_eq "" "$(f_zombies "$spid")" "zombie children of serve"
run timeout 60 "$BTSYNC" -i hci0 connect --linger 3 --psm "$F_PORT" "$R_ADDR" < <(echo again)
assert_eq again "$RUN_OUT" "third client's echo"
bg_running s1 || fail "serve died"
bg_stop s1

note "serve --idle 4: a silent client is closed, the slot freed"
serve_on s3 --idle 4 -- cat
f_silent_peer quiet2 hci0 "$R_ADDR:$F_PORT"
wait_for -t 30 grep -q '"event":"connected"' "$(bg_log s3)"
t0=$SECONDS
wait_for -t 30 grep -q '"event":"closed"' "$(bg_log s3)"
secs=$((SECONDS - t0))
closed=$(grep '"event":"closed"' "$(bg_log s3)")
note "closed after ${secs}s: $closed"
assert_contains "$closed" '"idle_timeout":true' "closed event"
[ "$secs" -ge 3 ] || fail "the idle session was closed after ${secs}s, before --idle 4"
[ "$secs" -le 10 ] || fail "the idle session was closed after ${secs}s with --idle 4"
wait_for -t 10 f_no_children "$(bg_pid s3)"
# The silent client sees the link close (status 0: the server closed it).
f_wait quiet2 20
note "the silent client: status $F_RC"
run timeout 60 "$BTSYNC" -i hci0 connect --linger 3 "$R_ADDR:$F_PORT" < <(echo after-idle)
assert_eq after-idle "$RUN_OUT" "next client's echo after the idle one"
bg_running s3 || fail "serve died"
bg_stop s3
