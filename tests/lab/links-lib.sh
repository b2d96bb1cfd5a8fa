# shellcheck shell=bash
# Helpers for the links and links-dbus scenarios (btsync connect/serve),
# sourced after tests/lab/lib.sh. btsync serve runs on hci0 (btlab-0),
# clients on hci1.
#
# Pairing: lab_pair (lib.sh) bonds hci0 and hci1 once per VM.

A0=$BTLAB_ADDR0
A1=$BTLAB_ADDR1
SERVE_UUID=a9977d01-8aeb-4bef-8ec4-1ff4b8f8cd22


# serve_start NAME ARGS...: btsync serve on hci0 in the background (JSON
# log in $(bg_log NAME)); waits until it listens and sets SERVE_PORT and
# SERVE_ADV (dbus, legacy or null).
serve_start() {
	local name=$1 line
	shift
	bg_start "$name" "$BTSYNC" -i hci0 --json serve "$@"
	wait_for -t 30 grep -q '"event":"listening"' "$(bg_log "$name")"
	line=$(grep '"event":"listening"' "$(bg_log "$name")")
	SERVE_PORT=$(sed -n 's/.*"\(channel\|psm\)":\([0-9]*\).*/\2/p' <<<"$line")
	SERVE_ADV=$(sed -n 's/.*"advertised":"\{0,1\}\([a-z]*\)"\{0,1\}.*/\1/p' <<<"$line")
	[ -n "$SERVE_PORT" ] || fail "no port in: $line"
	note "serve $name listening on port $SERVE_PORT, advertised: $SERVE_ADV"
}

# The JSON log lines of serve NAME for event EVENT.
serve_events() {
	grep "\"event\":\"$2\"" "$(bg_log "$1")" || true
}

# connect ARGS...: btsync connect from hci1, stdout to $LAB_TMP/out,
# status in $CONNECT_STATUS, stderr in $LAB_TMP/err.
bconnect() {
	CONNECT_STATUS=0
	timeout 90 "$BTSYNC" -i hci1 connect "$@" >"$LAB_TMP/out" 2>"$LAB_TMP/err" ||
		CONNECT_STATUS=$?
}

# sdp_browse [ADDR]: the public records of hci0, read from hci1 over the
# air (works with and without bluetoothd's legacy socket).
sdp_browse() {
	timeout 60 sdptool -i hci1 browse "$A0" 2>&1
}

sum_of() {
	sha256sum <"$1" | cut -d' ' -f1
}

# sdp_gone NAME: the record named NAME disappears from hci0's SDP server
# within a few seconds (bluetoothd notices a closed bus connection
# asynchronously).
sdp_gone() {
	local i
	for i in 1 2 3 4 5; do
		case $(sdp_browse) in
		*"Service Name: $1"*) sleep 1 ;;
		*) note "record '$1' is gone"; return 0 ;;
		esac
	done
	fail "record '$1' is still advertised"
}

# On failure, show what the background processes said.
links_dump() {
	local f
	for f in "$LAB_TMP"/bg-*.log; do
		[ -e "$f" ] || continue
		echo "--- ${f##*/}"
		tail -n 15 "$f"
	done
}
at_exit '[ "$rc" = 0 ] || links_dump'
