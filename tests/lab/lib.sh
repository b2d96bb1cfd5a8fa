# shellcheck shell=bash
#
# tests/lab/lib.sh: helpers for lab scenarios. A scenario starts with
#
#   #!/bin/bash
#   # lab-timeout: 60        (optional; seconds, default 180)
#   . "$LAB_SRC/tests/lab/lib.sh"
#
# and runs inside the btlab VM (tests/lab/guest-run starts it). This file
# leaves the shell options alone (a scenario may "set -euo pipefail"; the
# helpers work either way). The scenario passes by exiting 0, fails with
# any other status (use fail), and is skipped with exit 77 (use skip).
#
# Environment given to scenarios:
#   BTSYNC         path of the btsync binary under test (may not exist)
#   BTLAB_N        number of controllers; BTLAB_ADDR0, BTLAB_ADDR1, ...
#                  their addresses (hci0, hci1, ...), named btlab-0, ...
#   LAB_TMP        scratch directory of this scenario (tmpfs, starts empty)
#   LAB_SRC        the repository's root
#   LAB_GROUP      the group's name; LAB_NAME the scenario's name
#   LAB_RESULTS    the group's results directory (the logs; on the host)
#   LAB_TIMEOUT    this scenario's time limit in seconds
#   LAB_PYTHON     Debian's python3 (has python3-bluez): use it, not
#                  whatever python3 comes first in PATH
#
# Helpers:
#   note MSG...                 print a time-stamped progress line
#   fail MSG...                 fail the scenario now
#   skip MSG...                 skip the scenario (exit 77)
#   assert_eq EXPECTED ACTUAL [WHAT]
#   assert_ne UNEXPECTED ACTUAL [WHAT]
#   assert_contains TEXT NEEDLE [WHAT]
#   assert_not_contains TEXT NEEDLE [WHAT]
#   assert_match TEXT ERE [WHAT]
#   run CMD...                  run CMD, keep its stdout+stderr in $RUN_OUT
#                               and its status in $RUN_STATUS; never fails
#   assert_ok CMD...            CMD must exit 0 (its output is in $RUN_OUT)
#   assert_status N CMD...      CMD must exit with status N
#   assert_fails CMD...         CMD must exit non-zero
#   wait_for [-t SECS] [-i SECS] CMD...
#                               retry CMD until it succeeds (default: every
#                               0.2 s for 10 s); fail the scenario if not
#   bg_start NAME CMD...        start CMD in the background, in its own
#                               session, output to $(bg_log NAME)
#   bg_log NAME                 print the path of NAME's output file
#   bg_pid NAME                 print NAME's PID
#   bg_running NAME             true while NAME runs
#   bg_wait NAME [SECS]         wait (default 10 s) for NAME to exit and
#                               return its exit status; fail if it does not
#   bg_stop NAME [SIGNAL]       stop NAME and everything it started
#                               (SIGNAL, default TERM; KILL after 3 s)
#   at_exit CMD                 run the shell command CMD when the scenario
#                               ends (do not set your own EXIT trap)
#   mgmt ARGS...                btmgmt ARGS... (with a stdin that works)
#   need_btsync                 skip unless $BTSYNC is an executable
#   need_controllers N          skip unless there are at least N controllers
#   lab_pair [HCI ADDR]         bond adapter HCI (default hci0) with ADDR
#                               (default BTLAB_ADDR1), once per VM
#
# LAB_TIMEOUT_SCALE (a whole number, set by scripts/lab-sanitize for btsync
# under ASan or valgrind) multiplies the limits of wait_for and bg_wait and
# bg_stop's grace period before KILL; unset, they are as written.
#
# Background processes still running when the scenario ends are killed,
# even if the scenario itself is killed by its time limit (guest-run kills
# the scenario's process group and what bg_start started).

: "${LAB_TMP:=${BTLAB_TMP:-/tmp}/lab.$$}"
: "${LAB_PYTHON:=/usr/bin/python3}"
: "${BTLAB_N:=0}"
_LAB_SCALE=${LAB_TIMEOUT_SCALE:-1}
[[ $_LAB_SCALE =~ ^[1-9][0-9]{0,2}$ ]] || _LAB_SCALE=1
mkdir -p "$LAB_TMP"

declare -gA _LAB_BG_PID=()
declare -ga _LAB_AT_EXIT=()

note() {
	printf '[%(%H:%M:%S)T] %s\n' -1 "$*"
}

fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

skip() {
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}

assert_ne() {
	[ "$1" != "$2" ] || fail "${3:-value}: did not expect '$1'"
}

assert_contains() {
	case $1 in
	*"$2"*) ;;
	*) fail "${3:-output} does not contain '$2'; it is:"$'\n'"$1" ;;
	esac
}

assert_not_contains() {
	case $1 in
	*"$2"*) fail "${3:-output} contains '$2'; it is:"$'\n'"$1" ;;
	esac
}

assert_match() {
	[[ $1 =~ $2 ]] || fail "${3:-output} does not match /$2/; it is:"$'\n'"$1"
}

run() {
	RUN_STATUS=0
	RUN_OUT=$("$@" 2>&1) || RUN_STATUS=$?
}

assert_ok() {
	run "$@"
	[ "$RUN_STATUS" = 0 ] || fail "'$*' exited with status $RUN_STATUS; output:"$'\n'"$RUN_OUT"
}

assert_status() {
	local want=$1
	shift
	run "$@"
	[ "$RUN_STATUS" = "$want" ] ||
		fail "'$*' exited with status $RUN_STATUS, expected $want; output:"$'\n'"$RUN_OUT"
}

assert_fails() {
	run "$@"
	[ "$RUN_STATUS" != 0 ] || fail "'$*' succeeded but should have failed; output:"$'\n'"$RUN_OUT"
}

# A FIFO nobody writes to, held open: "read -t" on it sleeps without a
# fork, and btmgmt needs it as stdin.
_lab_idle_fd() {
	if [ -z "${_LAB_IDLE_FD:-}" ]; then
		local f=$LAB_TMP/.idle.$$
		rm -f "$f"
		mkfifo "$f"
		exec {_LAB_IDLE_FD}<>"$f"
		rm -f "$f"
	fi
}

_lab_nap() {
	_lab_idle_fd
	read -r -t "$1" -u "$_LAB_IDLE_FD" _ || true
}

wait_for() {
	local limit=10 every=0.2
	while [ "$#" -gt 0 ]; do
		case $1 in
		-t) limit=$2; shift 2 ;;
		-i) every=$2; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	[[ $limit =~ ^[0-9]+$ ]] && limit=$((limit * _LAB_SCALE))
	local end=$((SECONDS + limit))
	until "$@" >/dev/null 2>&1; do
		((SECONDS < end)) || fail "timed out after ${limit}s waiting for: $*"
		_lab_nap "$every"
	done
}

mgmt() {
	_lab_idle_fd
	timeout -k 2 30 btmgmt "$@" <&"$_LAB_IDLE_FD"
}

bg_log() {
	printf '%s\n' "$LAB_TMP/bg-$1.log"
}

bg_pid() {
	[ -n "${_LAB_BG_PID[$1]:-}" ] || fail "no background process named '$1'"
	printf '%s\n' "${_LAB_BG_PID[$1]}"
}

bg_start() {
	local name=$1
	shift
	[ -z "${_LAB_BG_PID[$name]:-}" ] || fail "background process '$name' already started"
	setsid "$@" </dev/null >"$(bg_log "$name")" 2>&1 &
	_LAB_BG_PID[$name]=$!
	# guest-run kills whatever is left of these after the scenario.
	printf '%s\n' "$!" >>"$LAB_TMP/.bg-pids"
	note "started $name (pid $!): $*"
}

bg_running() {
	local pid
	pid=$(bg_pid "$1")
	kill -0 "$pid" 2>/dev/null
}

bg_wait() {
	local name=$1 limit=${2:-10} pid end rc=0
	pid=$(bg_pid "$name")
	[[ $limit =~ ^[0-9]+$ ]] && limit=$((limit * _LAB_SCALE))
	end=$((SECONDS + limit))
	while kill -0 "$pid" 2>/dev/null; do
		((SECONDS < end)) || fail "$name (pid $pid) still running after ${limit}s"
		_lab_nap 0.1
	done
	wait "$pid" || rc=$?
	return "$rc"
}

bg_stop() {
	local name=$1 sig=${2:-TERM} pid end
	pid=$(bg_pid "$name")
	kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null || true
	end=$((SECONDS + 3 * _LAB_SCALE))
	while kill -0 "$pid" 2>/dev/null && ((SECONDS < end)); do
		_lab_nap 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	note "stopped $name"
}

at_exit() {
	_LAB_AT_EXIT+=("$1")
}

_lab_exit() {
	local rc=$? name pid c
	set +e
	for ((c = ${#_LAB_AT_EXIT[@]} - 1; c >= 0; c--)); do
		eval "${_LAB_AT_EXIT[c]}"
	done
	for name in "${!_LAB_BG_PID[@]}"; do
		pid=${_LAB_BG_PID[$name]}
		if kill -0 "$pid" 2>/dev/null; then
			printf 'lib.sh: killing leftover background process %s (pid %s)\n' "$name" "$pid" >&2
			kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
		fi
	done
	for name in "${!_LAB_BG_PID[@]}"; do
		pid=${_LAB_BG_PID[$name]}
		kill -0 "$pid" 2>/dev/null || continue
		_lab_nap 0.5
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	done
	exit "$rc"
}
trap _lab_exit EXIT

need_btsync() {
	if [ -z "${BTSYNC:-}" ] || [ ! -x "$BTSYNC" ]; then
		skip "no btsync binary (BTSYNC='${BTSYNC:-}')"
	fi
}

need_controllers() {
	[ "${BTLAB_N:-0}" -ge "$1" ] || skip "needs $1 controllers, the lab has ${BTLAB_N:-0}"
}

# Every RFCOMM or L2CAP channel but SDP's between two SSP controllers needs
# an authenticated link (security mode 4), even at security "low". The lab
# runs an agent that accepts just-works pairing, but bonding once up front
# keeps the first connect of a scenario from paying for (and racing with)
# the pairing: later links reuse the stored key.
lab_pair() {
	local hci=${1:-hci0} addr=${2:-$BTLAB_ADDR1}
	local marker="/run/btlab-paired-$hci-${addr//:/}"
	[ -e "$marker" ] && return 0
	run mgmt -i "$hci" pair -c 3 -t 0 "$addr"
	case $RUN_OUT in
	*"Paired with"* | *"Already Paired"* | *"already paired"*) ;;
	*) fail "cannot pair $hci with $addr: $RUN_OUT" ;;
	esac
	: >"$marker"
}
