#!/bin/bash
#
# tests/fuzz/capture-guest.sh: the guest half of tests/fuzz/capture. It runs
# INSIDE the btlab VM (two controllers), in the capture directory (the
# host's, read-write), and records every HCI packet of both controllers
# with btmon into capture.btsnoop while it drives btsync through:
#   * an LE + BR/EDR scan (inquiry results with EIR, LE advertising reports);
#   * SDP: 'btsync lookup --browse' and 'sdptool browse' of hci1, with a
#     'btsync recv' and an sdptool SP record published there;
#   * 'btsync send' of a small tree over RFCOMM (found over SDP), the same
#     tree again (tree digest), once more with one file changed (abandoned
#     without --sync, replaced with it), and once over L2CAP (ERTM);
#   * two short 'btsync stream's over L2CAP (RTP + SBC media packets).
# Besides the trace it leaves scan-cache (btsync's scan cache), the WAV
# headers of the streams' input and output (*.wav-head) and guest.log.
#
# Usage (inside btlab): tests/fuzz/capture-guest.sh
#   BTSYNC (default: build/btsync of the repository) is the binary used.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
out=$PWD
: "${BTSYNC:=$root/build/btsync}"
export LAB_SRC=$root BTSYNC
# shellcheck source=../lab/lib.sh source-path=SCRIPTDIR
. "$root/tests/lab/lib.sh"
need_btsync
need_controllers 2
# shellcheck source=../lab/stream-lib.sh source-path=SCRIPTDIR
. "$root/tests/lab/stream-lib.sh"
A0=$BTLAB_ADDR0
A1=$BTLAB_ADDR1
export XDG_CACHE_HOME=$LAB_TMP/cache

# bt [-s STATUS] ARGS...: btsync under a time limit, expected to exit with
# STATUS (default 0). A surprise is counted, not fatal: the trace is still
# copied out (and worth a look), but the capture then fails.
failures=0
bt() {
	local want=0 rc=0
	[ "$1" = -s ] && { want=$2; shift 2; }
	timeout 90 "$BTSYNC" "$@" >>"$LAB_TMP/bt.log" 2>&1 || rc=$?
	note "btsync $* -> exit $rc"
	[ "$rc" = "$want" ] || { failures=$((failures + 1)); note "UNEXPECTED: wanted exit $want"; }
	return 0
}

rm -f capture.btsnoop scan-cache ./*.wav-head
# The kernel drops monitor packets when btmon's socket buffer is full
# (ACL fragments went missing in bursts of DATA): btmon writes to the
# guest's tmpfs, not the slow 9p share, and gets a large buffer (the
# default receive buffer, restored once its socket is open, so that
# btsync's own sockets keep theirs).
trace=$LAB_TMP/capture.btsnoop
rmem=$(sysctl -n net.core.rmem_default)
sysctl -qw net.core.rmem_default=33554432
bg_start btmon timeout 300 btmon -w "$trace"
wait_for -t 20 test -s "$trace"
sysctl -qw net.core.rmem_default="$rmem"
# Let btmon replay the controllers' index events before traffic starts.
sleep 1
lab_pair hci0 "$A1"

note "discovery"
mgmt -i hci1 add-adv -c -g -d 080962746c61622d31 1 >/dev/null || note "no LE advertising on hci1"
bt -i hci0 scan --le --bredr --duration 2
mgmt -i hci1 rm-adv 1 >/dev/null 2>&1 || true
cp "$XDG_CACHE_HOME/btsync/devices" "$out/scan-cache" 2>/dev/null || note "no scan cache"

note "sdp"
tree=$LAB_TMP/src/tree
mkdir -p "$tree/sub/deeper"
printf 'hello from the btsync lab\n' >"$tree/note.txt"
head -c 20480 /dev/urandom >"$tree/sub/blob.bin"
printf 'x' >"$tree/sub/deeper/one"
ln -s sub/blob.bin "$tree/link"
chmod 0640 "$tree/note.txt"
touch -d '2022-02-02 12:34:56.5' "$tree/note.txt"
bg_start recv timeout 200 "$BTSYNC" -i hci1 recv -o "$LAB_TMP/out" --keep-open
wait_for -t 30 grep -q "^listening on" "$(bg_log recv)"
timeout 20 sdptool add --channel=7 SP >/dev/null || note "sdptool add failed"
bt -i hci0 lookup --browse "$A1"
timeout 60 sdptool -i hci0 browse "$A1" >>"$LAB_TMP/bt.log" 2>&1 || note "sdptool browse failed"

note "send over RFCOMM"
bt -i hci0 send "$A1" "$tree"
bt -i hci0 send "$A1" "$tree"
printf 'HELLO FROM THE BTSYNC LAB\n' >"$tree/note.txt"
bt -s 5 -i hci0 send "$A1" "$tree" # a different file there: abandoned
bt -i hci0 send --sync "$A1" "$tree"
bg_stop recv

note "send over L2CAP"
bg_start recv2 timeout 120 "$BTSYNC" -i hci1 recv -o "$LAB_TMP/out2" --l2cap --psm 0x1011 --no-advertise
wait_for -t 30 grep -q "^listening on" "$(bg_log recv2)"
bt -i hci0 send --l2cap "$A1:0x1011" "$tree"
bg_wait recv2 30 || { failures=$((failures + 1)); note "UNEXPECTED: recv --l2cap exited $?"; }

note "stream"
# stream NAME PSM SECONDS RATE CHANNELS [SOURCE ARGS...]: a sink on hci1,
# a source on hci0
stream() {
	local name=$1 psm=$2 secs=$3 rate=$4 ch=$5
	shift 5
	timeout 30 "$STREAM_TOOL" gen sine "$rate" "$ch" "$secs" "$LAB_TMP/$name.wav"
	stream_sink "$name" "$psm" --no-advertise -o "$LAB_TMP/$name-out.wav"
	bt -i "$A0" stream --psm "$psm" "$@" "$A1" "$LAB_TMP/$name.wav"
	bg_wait "$name" 60 || { failures=$((failures + 1)); note "UNEXPECTED: sink $name exited $?"; }
	head -c 300 "$LAB_TMP/$name.wav" >"$out/$name-in.wav-head"
	head -c 300 "$LAB_TMP/$name-out.wav" >"$out/$name-out.wav-head" 2>/dev/null || true
}
stream stereo 0x1001 1 44100 2
stream mono 0x1003 1 16000 1 -b 18 --blocks 8 --subbands 4 --allocation snr

sleep 1
bg_stop btmon INT
cp "$trace" "$out/capture.btsnoop"
cat "$LAB_TMP/bt.log" >"$out/guest.log"
note "trace: $(stat -c %s "$trace") bytes"
[ "$failures" = 0 ] || fail "$failures step(s) did not go as expected (see guest.log)"
