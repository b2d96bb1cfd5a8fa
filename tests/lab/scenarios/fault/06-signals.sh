#!/bin/bash
# lab-timeout: 150
#
# SIGINT and SIGTERM to the long-running commands (recv mid-transfer:
# 06-signals-recv; stream and stream --listen: 05-stream; a2dp:
# a2dp/03-errors; scan SIGINT: discovery/03-scan-live; serve SIGTERM:
# links/05-sessions):
#   * send mid-transfer (SIGTERM): exit 130, a --keep-open receiver keeps
#     the part and goes on; a rerun resumes;
#   * recv --keep-open between transfers (SIGTERM): exit 0;
#   * connect (SIGINT, SIGTERM): exit 130 within 5 s;
#   * scan (SIGTERM): stops within 6 s with what it found (exit 0);
#   * serve --discoverable (SIGINT) with a session running: exit 0, record
#     gone, adapter no longer discoverable, the command stopped and
#     reaped.
# Nothing is left of any of them afterwards (no child, no zombie).
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2
lab_pair

size=1572864
random_file "$LAB_TMP/big.bin" $size
out=$LAB_TMP/out
part=$out/.btsync-big.bin.part

note "SIGTERM to send mid-transfer, into recv --keep-open"
f_recv r2 -o "$out" --keep-open --no-advertise
bg_start s2 "$BTSYNC" -i hci0 send "$R_ADDR:$F_PORT" "$LAB_TMP/big.bin"
f_wait_size "$part" $(($(f_size "$part") + 150000)) 60
kill -TERM "$(bg_pid s2)"
f_wait s2 5
note "send: status $F_RC after ${F_SECS}s: $(tr '\n' ' ' <"$(bg_log s2)")"
assert_eq 130 "$F_RC" "send status after SIGTERM"
wait_for -t 20 grep -q "partial file is kept" "$(bg_log r2)"
assert_contains "$(cat "$(bg_log r2)")" "'big.bin': the peer was stopped (send again to resume)" "recv message"
bg_running r2 || fail "recv --keep-open died with its sender"
[ ! -e "$out/big.bin" ] || fail "a file exists under the final name"
f_session_gone s2

note "the rerun resumes and completes"
bsend --json "$R_ADDR:$F_PORT" "$LAB_TMP/big.bin"
assert_eq 0 "$SEND_STATUS" "rerun ($(cat "$LAB_TMP/send.err"))"
assert_eq 1 "$(json_num resumed "$LAB_TMP/send.out")" "files resumed"
[ "$(json_num wire_bytes "$LAB_TMP/send.out")" -lt "$size" ] || fail "the rerun did not resume"
assert_eq "$(sum_of "$LAB_TMP/big.bin")" "$(sum_of "$out/big.bin")" "sha256 after the rerun"
[ ! -e "$part" ] || fail "partial file left after the rerun"

note "SIGTERM to recv --keep-open between transfers"
kill -TERM "$(bg_pid r2)"
f_wait r2 5
assert_eq 0 "$F_RC" "recv --keep-open status"
f_session_gone r2
assert_eq "big.bin" "$(ls -A "$out")" "output directory"

note "SIGINT and SIGTERM to connect"
bg_start echo "$BTSYNC" -i hci1 --json serve --l2cap --max 2 --no-advertise
wait_for -t 30 grep -q '"event":"listening"' "$(bg_log echo)"
psm=$(sed -n 's/.*"psm":\([0-9]*\).*/\1/p' "$(bg_log echo)")
n=0
for sig in INT TERM; do
	n=$((n + 1))
	f_silent_peer "c$sig" hci0 --psm "$psm" "$R_ADDR"
	wait_for -t 30 f_count_ge echo '"event":"connected"' $n
	sleep 1
	kill "-$sig" "$(bg_pid "c$sig")"
	f_wait "c$sig" 5
	assert_eq 130 "$F_RC" "connect status after SIG$sig ($(cat "$(bg_log "c$sig")"))"
done
wait_for -t 20 f_count_ge echo '"event":"closed"' 2
assert_eq "" "$(f_zombies "$(bg_pid echo)")" "zombies under serve"
bg_stop echo

note "SIGTERM to scan"
bg_start scan "$BTSYNC" -i hci0 scan --duration 20
wait_for -t 20 grep -q btlab-1 "$(bg_log scan)"
kill -TERM "$(bg_pid scan)"
f_wait scan 8
assert_eq 0 "$F_RC" "scan status after SIGTERM (it found btlab-1)"
[ "$F_SECS" -le 6 ] || fail "scan took ${F_SECS}s to stop after SIGTERM"
assert_contains "$(cat "$(bg_log scan)")" "$BTLAB_ADDR1" "results kept"
f_session_gone scan

note "SIGINT to serve --discoverable with a session running"
mgmt -i hci1 discov off >/dev/null
wait_for -t 10 sh -c "! hciconfig hci1 | grep -q ISCAN"
bg_start srv "$BTSYNC" -i hci1 --json serve --discoverable --grace 1 --name "Fault Int" -- sh -c 'sleep 60'
wait_for -t 30 grep -q '"event":"listening"' "$(bg_log srv)"
port=$(sed -n 's/.*"channel":\([0-9]*\).*/\1/p' "$(bg_log srv)")
assert_contains "$(hciconfig hci1)" "ISCAN" "hciconfig while serving --discoverable"
assert_contains "$(f_sdp_local)" "Service Name: Fault Int" "sdptool browse local while serving"
f_silent_peer cl hci0 "$R_ADDR:$port"
wait_for -t 30 grep -q '"event":"connected"' "$(bg_log srv)"
kill -INT "$(bg_pid srv)"
f_wait srv 15
assert_eq 0 "$F_RC" "serve status after SIGINT"
assert_contains "$(grep '"event":"closed"' "$(bg_log srv)")" '"signal":15' "the session's command was stopped"
assert_not_contains "$(hciconfig hci1)" "ISCAN" "hciconfig after serve"
assert_contains "$(hciconfig hci1)" "PSCAN" "hciconfig after serve"
assert_not_contains "$(f_sdp_local)" "Service Name: Fault Int" "sdptool browse local after serve"
f_session_gone srv
f_wait cl 15
note "the client: status $F_RC: $(cat "$(bg_log cl)")"

