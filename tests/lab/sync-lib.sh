# shellcheck shell=bash
# Helpers for the sync and sync-resume scenarios (btsync send/recv),
# sourced after tests/lab/lib.sh. The receiver runs on hci1 (btlab-1),
# the sender on hci0.
#
# Pairing: lab_pair (lib.sh) bonds hci0 and hci1 once per VM.

R_ADDR=$BTLAB_ADDR1


# recv_start NAME ARGS...: btsync recv on hci1 in the background; waits
# until it listens and sets RECV_PORT.
recv_start() {
	local name=$1 line
	shift
	bg_start "$name" timeout 280 "$BTSYNC" -i hci1 recv "$@"
	wait_for -t 30 grep -q "^listening on" "$(bg_log "$name")"
	line=$(grep "^listening on" "$(bg_log "$name")")
	RECV_PORT=${line##* }
	note "recv $name: $line"
}

# bsend ARGS...: btsync send from hci0; stdout in $LAB_TMP/send.out,
# stderr in $LAB_TMP/send.err, status in $SEND_STATUS.
bsend() {
	SEND_STATUS=0
	timeout 200 "$BTSYNC" -i hci0 send "$@" >"$LAB_TMP/send.out" 2>"$LAB_TMP/send.err" ||
		SEND_STATUS=$?
}

# json_num KEY FILE: a number from the last JSON line of FILE.
json_num() {
	grep '^{' "$2" | tail -n1 | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"
}

sum_of() {
	sha256sum <"$1" | cut -d' ' -f1
}

# random_file PATH BYTES
random_file() {
	head -c "$2" /dev/urandom >"$1"
}

sync_show_logs() {
	local f
	for f in "$LAB_TMP"/send.err "$LAB_TMP"/bg-*.log; do
		[ -e "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
	done
	return 0
}
# rc is the scenario's status, set where lib.sh runs the at_exit commands.
# shellcheck disable=SC2016
at_exit '[ "$rc" = 0 ] || sync_show_logs'
