# shellcheck shell=bash
# Helpers shared by the stream scenarios (sourced after tests/lab/lib.sh).

STREAM_TOOL=${STREAM_TOOL:-$(dirname "$BTSYNC")/tests/stream-tool}
if [ ! -x "$STREAM_TOOL" ]; then
	# Not built next to btsync (an out-of-tree binary): build it here.
	STREAM_TOOL=$LAB_TMP/stream-tool
	cc -O2 -o "$STREAM_TOOL" "$LAB_SRC/tests/lab/stream-tool.c" -lm ||
		fail "cannot build tests/lab/stream-tool.c"
fi

_stream_listening() {
	grep -q "listening on" "$(bg_log "$1")"
}

# stream_sink NAME PSM ARGS...: start "btsync stream --listen" on the
# second controller in the background (bg_start NAME), wait until it
# listens. Its output (stderr lines, then the --json record) is in
# $(bg_log NAME).
stream_sink() {
	local name=$1 psm=$2
	shift 2
	bg_start "$name" timeout 150 "$BTSYNC" -i "$BTLAB_ADDR1" stream --listen --psm "$psm" "$@"
	wait_for -t 30 _stream_listening "$name"
}

# stream_wait_sink NAME: wait for the sink to finish; fails unless it exits 0.
stream_wait_sink() {
	local rc=0
	bg_wait "$1" 60 || rc=$?
	[ "$rc" = 0 ] || { cat "$(bg_log "$1")" >&2; fail "sink $1 exited with $rc"; }
}

# json_field FILE KEY: a number or string from the last JSON record with KEY.
json_field() {
	sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p" "$1" | tail -n 1
}

# snr_ok SNR MIN: is SNR (dB, decimal) at least MIN?
snr_ok() {
	awk -v s="$1" -v m="$2" 'BEGIN { exit !(s >= m) }'
}


# stream_sink_pipe NAME PSM OUTFILE ARGS...: like stream_sink, but the
# audio goes to standard output, through a pipe (not seekable) into
# OUTFILE; the sink's messages and --json record stay in $(bg_log NAME).
stream_sink_pipe() {
	local name=$1 psm=$2 out=$3
	shift 3
	# shellcheck disable=SC2016
	bg_start "$name" bash -c 'set -o pipefail; timeout 150 "$0" -i "$1" stream --listen --psm "$2" -o - "${@:4}" | cat >"$3"' \
		"$BTSYNC" "$BTLAB_ADDR1" "$psm" "$out" "$@"
	wait_for -t 30 _stream_listening "$name"
}
