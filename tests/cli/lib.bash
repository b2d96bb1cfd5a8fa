# shellcheck shell=bash
# Shared by the host-side CLI tests (tests/cli/*.sh; this file is not one
# of them). Source it first:  . "$(dirname "$0")/lib.bash"
# Gives: CLI_TMP (a scratch directory, removed at exit), out and err (the
# last checked command's stdout and stderr), check, and finish.
set -u
: "${BTSYNC:?BTSYNC must point at the btsync binary}"
fails=0 passes=0
CLI_TMP=$(mktemp -d)
trap 'rm -rf "$CLI_TMP"' EXIT
out=$CLI_TMP/.out err=$CLI_TMP/.err

# check WHAT STATUS ERE CMD...: CMD (stdin from /dev/null) must exit with
# STATUS and, unless ERE is empty, print a line matching ERE on stdout or
# stderr.
check() {
	local what=$1 want=$2 pat=$3 got
	shift 3
	"$@" >"$out" 2>"$err" </dev/null
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, want $want"; cat "$out" "$err"; fails=$((fails + 1)); return
	fi
	if [ -n "$pat" ] && ! cat "$out" "$err" | grep -Eq -- "$pat"; then
		echo "FAIL: $what: output lacks /$pat/"; cat "$out" "$err"; fails=$((fails + 1)); return
	fi
	echo "ok: $what"; passes=$((passes + 1))
}

# finish [NAME]: the closing line ctest and CI read, and the exit status.
finish() {
	echo "${1:+$1: }$passes passed, $fails failed"
	[ "$fails" = 0 ]
	exit
}
