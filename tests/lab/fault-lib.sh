# shellcheck shell=bash
# Helpers for the fault scenarios (tests/lab/scenarios/fault/), sourced
# after tests/lab/lib.sh and tests/lab/sync-lib.sh (bsend, json_num,
# sum_of, random_file, and the logs shown when a scenario fails). As in
# the sync scenarios, receivers and servers run on hci1 (btlab-1),
# senders and clients on hci0.
#
# Unlike sync-lib.sh's recv_start, these start btsync itself in the
# background (no "timeout" wrapper), so that $(bg_pid NAME) is btsync's
# PID: the scenarios signal it, time its exit and look at its children.
# Every wait is bounded (bg_wait, wait_for).
# F_PORT, F_RC and F_SECS are set for the scenarios:
# shellcheck disable=SC2034

# f_recv NAME ARGS...: btsync -v recv on hci1 in the background; waits
# until it listens and sets F_PORT.
f_recv() {
	local name=$1 line
	shift
	bg_start "$name" "$BTSYNC" -v -i hci1 recv "$@"
	wait_for -t 30 grep -q "^listening on" "$(bg_log "$name")"
	line=$(grep "^listening on" "$(bg_log "$name")")
	F_PORT=${line##* }
}

# f_wait NAME SECS: wait up to SECS for NAME to exit; sets F_RC (its
# status) and F_SECS (seconds from the call to its exit).
f_wait() {
	local t0=$SECONDS
	F_RC=0
	bg_wait "$1" "$2" || F_RC=$?
	F_SECS=$((SECONDS - t0))
}

# f_size FILE: its size in bytes, 0 when it does not exist.
f_size() {
	stat -c %s "$1" 2>/dev/null || echo 0
}

# f_wait_size FILE BYTES [SECS]: wait until FILE holds at least BYTES.
f_wait_size() {
	wait_for -t "${3:-60}" -i 0.3 sh -c "[ \$(stat -c %s '$1' 2>/dev/null || echo 0) -ge $2 ]"
}

# f_session_gone NAME: nothing is left of background process NAME's
# session (bg_start runs it under setsid: the session ID is its PID), so
# every child it started has exited and been reaped. Waits up to 10 s.
f_session_left() {
	ps -e -o sid=,pid=,stat=,comm= | awk -v s="$1" '$1 == s'
}
f_session_gone() {
	local sid
	sid=$(bg_pid "$1")
	wait_for -t 10 test -z "$(f_session_left "$sid")"
}

# f_zombies PID: the zombie children of PID (empty if none).
f_zombies() {
	ps -o pid=,stat=,comm= --ppid "$1" | awk '$2 ~ /^Z/'
}

# f_sdp_local: the records of the local SDP server (hci1's and hci0's,
# bluetoothd publishes to both), read through bluetoothd -C's socket.
f_sdp_local() {
	timeout 30 sdptool browse local 2>&1
}

# f_kb PID FIELD: a memory figure of PID in KiB (VmRSS, VmHWM); fails
# the scenario if PID is gone.
f_kb() {
	local kb
	kb=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || true)
	[ -n "$kb" ] || fail "no $2 for pid $1 (exited?)"
	printf '%s\n' "$kb"
}

# f_silent_peer NAME HCI PEER ARGS...: a btsync connect that opens the
# link and sends nothing (its standard input is a FIFO nobody writes to,
# held open), in the background.
f_silent_peer() {
	local name=$1 hci=$2
	shift 2
	rm -f "$LAB_TMP/silent-$name"
	mkfifo "$LAB_TMP/silent-$name"
	# shellcheck disable=SC2016 # expanded by the inner shell
	bg_start "$name" sh -c 'exec 3<>"$1"; shift; exec "$@" <&3' sh "$LAB_TMP/silent-$name" \
		"$BTSYNC" -i "$hci" connect --linger forever "$@"
}

# f_count_ge NAME TEXT N: the log of background process NAME has at
# least N lines holding TEXT (for wait_for, which reruns its command: a
# "$(...)" in its arguments would be expanded only once).
f_count_ge() {
	[ "$(grep -cF -- "$2" "$(bg_log "$1")" || true)" -ge "$3" ]
}

# f_no_children PID: PID has no child process left (for wait_for).
f_no_children() {
	[ -z "$(ps -o pid= --ppid "$1")" ]
}

# f_bg_stdin NAME FILE CMD...: bg_start with FILE as CMD's standard input
# (bg_start itself gives its command /dev/null).
f_bg_stdin() {
	local name=$1 file=$2
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner shell
	bg_start "$name" sh -c 'f=$1; shift; exec "$@" <"$f"' sh "$file" "$@"
}
