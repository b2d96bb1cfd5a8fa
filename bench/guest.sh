#!/bin/bash
#
# bench/guest.sh: the benchmark workloads, run inside ONE btlab VM by
# bench/run (do not run it on a host: it needs the lab's controllers).
#
#   bench/guest.sh --out DIR --btsync BIN [--size MIB] [--big MIB]
#                  [--files N] [--audio SECS] [--only W,...]
#
# Appends "KEY VALUE..." lines to DIR/raw.txt (bench/report.py turns them
# into the table) and progress to DIR/guest.log (follow it with tail -f).
# Each workload runs as its own process under a hard time limit, every
# command in it under its own; a workload that fails or times out leaves
# "WORKLOAD.status FAILED ..." and the next one runs.
#
# Hosts: hci0 (BTLAB_ADDR0) sends, hci1 (BTLAB_ADDR1) receives.

set -uo pipefail

SELF=$(realpath "${BASH_SOURCE[0]}")
BENCH_DIR=${SELF%/*}
export LAB_SRC=${LAB_SRC:-${BENCH_DIR%/*}}
export LAB_PYTHON=/usr/bin/python3
PEERS=$BENCH_DIR/peers.py
WORKLOADS="rfcomm l2cap mem sync scan stream"
CG=/run/bench-cg
A0=${BTLAB_ADDR0:-}
A1=${BTLAB_ADDR1:-}
MIB=1048576
# Per-round key suffix (".r1", ...) of the bulk workloads; empty elsewhere.
RS=

# ---------------------------------------------------------------- options
if [ "${1:-}" != --one ]; then
	BENCH_SIZE=32 BENCH_BIG=256 BENCH_FILES=1000 BENCH_AUDIO=60 BENCH_ONLY=$WORKLOADS
	BENCH_OUT='' BTSYNC=''
	BENCH_MAXMTU=8192 BENCH_ROUNDS=3
	while [ "$#" -gt 0 ]; do
		case $1 in
		--out) BENCH_OUT=$2; shift 2 ;;
		--btsync) BTSYNC=$2; shift 2 ;;
		--size) BENCH_SIZE=$2; shift 2 ;;
		--big) BENCH_BIG=$2; shift 2 ;;
		--files) BENCH_FILES=$2; shift 2 ;;
		--audio) BENCH_AUDIO=$2; shift 2 ;;
		--max-mtu) BENCH_MAXMTU=$2; shift 2 ;;
		--rounds) BENCH_ROUNDS=$2; shift 2 ;;
		--only) BENCH_ONLY=${2//,/ }; shift 2 ;;
		*) echo "guest.sh: unknown option $1" >&2; exit 2 ;;
		esac
	done
	if [ -z "$BENCH_OUT" ] || [ -z "$BTSYNC" ]; then
		echo "guest.sh: needs --out and --btsync" >&2
		exit 2
	fi
	BTSYNC=$(realpath "$BTSYNC")
	export BENCH_SIZE BENCH_BIG BENCH_FILES BENCH_AUDIO BENCH_ONLY BENCH_OUT BTSYNC BENCH_MAXMTU BENCH_ROUNDS
fi
RAW=$BENCH_OUT/raw.txt
LOG=$BENCH_OUT/guest.log
LOGS=$BENCH_OUT/logs

# shellcheck source=/dev/null
. "$LAB_SRC/tests/lab/lib.sh"

say() {
	local m
	printf -v m '[%(%H:%M:%S)T] %s' -1 "$*"
	printf '%s\n' "$m"
	printf '%s\n' "$m" >>"$LOG"
}

put() {
	printf '%s\n' "$*" >>"$RAW"
}

now() {
	printf '%s\n' "$EPOCHREALTIME"
}

# fsub A B: A - B, seconds, 3 decimals
fsub() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'
}

nap() {
	_lab_nap "$1"
}

# -------------------------------------------------------------- processes
# Background processes of the current tool run: each in its own session
# (setsid), each in its own cgroup (for the CPU time of it and of anything
# it forks, like rctest's per-connection child), killed by kill_bg.
BG_PIDS=()

cg_init() {
	if [ ! -e "$CG/cgroup.procs" ]; then
		mkdir -p "$CG"
		mount -t cgroup2 none "$CG" || return 1
	fi
}

# start_bg NAME CMD...: NAME's output in $LAB_TMP/NAME.log, PID in BG_PID_<NAME>
start_bg() {
	local name=$1 dir
	shift
	# A fresh cgroup every time: its cpu.stat starts at 0.
	dir=$CG/$name.$BASHPID.$SECONDS.$RANDOM
	mkdir -p "$dir"
	# shellcheck disable=SC2016
	setsid bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$dir" "$@" \
		</dev/null >"$LAB_TMP/$name.log" 2>&1 &
	BG_PIDS+=("$!")
	printf -v "BG_PID_$name" '%s' "$!"
	printf -v "BG_CG_$name" '%s' "$dir"
	printf '%s\n' "+ $name: $*" >>"$LOG"
}

pid_of() {
	local v="BG_PID_$1"
	printf '%s\n' "${!v}"
}

cg_of() {
	local v="BG_CG_$1"
	printf '%s\n' "${!v}"
}

running() {
	kill -0 "$(pid_of "$1")" 2>/dev/null
}

# wait_exit NAME: its exit status (it must have ended)
exit_of() {
	local rc=0
	wait "$(pid_of "$1")" || rc=$?
	printf '%s\n' "$rc"
}

kill_bg() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null
	done
	for p in "${BG_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			nap 0.2
		done
		kill -KILL -- "-$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	BG_PIDS=()
}

# cpu NAME: user+system seconds of everything that ran in NAME's cgroup
cpu() {
	awk '$1 == "user_usec" || $1 == "system_usec" { t += $2 } END { printf "%.3f", t / 1e6 }' \
		"$(cg_of "$1")/cpu.stat"
}

# logmatch NAME ERE: NAME's log has a line matching ERE (no fork)
logmatch() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		[[ $line =~ $2 ]] && return 0
	done <"$LAB_TMP/$1.log"
	return 1
}

# follow_open NAME, then follow_match ERE: like logmatch, but each call
# reads only what NAME's log gained since the last one (polling a log
# that grows by hundreds of lines must not cost the guest more as it
# grows: the tools being measured share its two vCPUs).
follow_open() {
	exec {FOLLOW_FD}<"$LAB_TMP/$1.log"
	FOLLOW_PART=""
}

follow_match() {
	local line
	while IFS= read -r -u "$FOLLOW_FD" line; do
		line=$FOLLOW_PART$line
		FOLLOW_PART=""
		[[ $line =~ $1 ]] && return 0
	done
	# A last line without its newline yet: keep it for the next call.
	FOLLOW_PART+=$line
	return 1
}

follow_close() {
	exec {FOLLOW_FD}<&-
}

# wait_log NAME ERE SECS: until NAME's log matches (1 if it never does or
# NAME exits first)
wait_log() {
	local end=$((SECONDS + $3))
	while ((SECONDS < end)); do
		logmatch "$1" "$2" && return 0
		running "$1" || { logmatch "$1" "$2"; return; }
		nap 0.2
	done
	return 1
}

# Time limit for moving BYTES: at 40 KiB/s at worst, plus a minute.
limit_for() {
	echo $(($1 / 40960 + 60))
}

# ------------------------------------------------------------- transfers
# transfer ROW TOOL BYTES RXDONE: the receiver (started as "rx", ready)
# and a sender started here as "tx" with the rest of the arguments.
# RXDONE: "exit" (the receiver exits when it has everything) or an ERE
# its log prints then. Records ROW.TOOL wall seconds (sender start to
# receiver done), bytes, and CPU seconds of each side.
transfer() {
	local row=$1 tool=$2 bytes=$3 rxdone=$4 t0 t1="" lim end txrc rxrc=0 txrun rxrun why
	shift 4
	lim=$(limit_for "$bytes")
	[ "$rxdone" = exit ] || follow_open rx
	t0=$(now)
	start_bg tx timeout -k 5 "$lim" "$@"
	end=$((SECONDS + lim + 10))
	while ((SECONDS < end)); do
		txrun=0 rxrun=0
		running tx && txrun=1
		running rx && rxrun=1
		if [ -z "$t1" ]; then
			if [ "$rxdone" = exit ]; then
				[ "$rxrun" = 1 ] || t1=$(now)
			else
				follow_match "$rxdone" && t1=$(now)
			fi
		fi
		[ -n "$t1" ] && [ "$txrun" = 0 ] && break
		[ "$txrun" = 0 ] && [ "$rxrun" = 0 ] && break
		nap 0.05
	done
	[ "$rxdone" = exit ] || follow_close
	if running tx; then
		put "$row.$tool$RS.status FAILED sender did not finish"
		return 1
	fi
	txrc=$(exit_of tx)
	if [ "$rxdone" = exit ] && [ -n "$t1" ]; then
		rxrc=$(exit_of rx)
	fi
	if [ -z "$t1" ]; then
		put "$row.$tool$RS.status FAILED receiver never finished (sender exit $txrc)"
		return 1
	fi
	if [ "$txrc" != 0 ] || [ "$rxrc" != 0 ]; then
		why=$(grep -h '^btsync: ' "$LAB_TMP/rx.log" "$LAB_TMP/tx.log" 2>/dev/null | tail -n1)
		put "$row.$tool$RS.status FAILED sender exit $txrc, receiver exit $rxrc${why:+ ($why)}"
		return 1
	fi
	put "$row.$tool$RS.bytes $bytes"
	put "$row.$tool$RS.wall $(fsub "$t1" "$t0")"
	put "$row.$tool$RS.tx_cpu $(cpu tx)"
	put "$row.$tool$RS.rx_cpu $(cpu rx)"
	put "$row.$tool$RS.status ok"
	say "  $row $tool: $bytes bytes in $(fsub "$t1" "$t0") s, cpu tx $(cpu tx) rx $(cpu rx)"
}

# keep_logs ROW TOOL: copy this run's logs next to the results
keep_logs() {
	local f
	mkdir -p "$LOGS"
	for f in "$LAB_TMP"/*.log; do
		[ -e "$f" ] && cp "$f" "$LOGS/$1-$2${RS}-${f##*/}"
	done
}

# one_tool ROW TOOL FUNC ARGS...: run FUNC in a subshell (its failures
# stay in it), log what happened, clean up its processes.
one_tool() {
	local row=$1 tool=$2 rc=0
	shift 2
	say "$row / $tool${RS:+ (round ${RS#.r})}"
	(
		trap kill_bg EXIT
		"$@"
	) || rc=$?
	keep_logs "$row" "$tool"
	rm -f "$LAB_TMP"/*.log
	if [ "$rc" != 0 ] && ! grep -q "^$row\.$tool$RS\.status " "$RAW"; then
		put "$row.$tool$RS.status FAILED exit $rc"
	fi
	grep "^$row\.$tool$RS\.status " "$RAW" | tail -n1 | sed 's/^/  /' | tee -a "$LOG"
}

rx_ready() {
	wait_log rx "$1" 60 || { put "$ROW.$TOOL$RS.status FAILED receiver not listening"; return 1; }
}

# seen_bytes NAME: what rctest/l2test -r reported receiving (it reports
# each full -b buffer: a last partial one is not shown)
seen_bytes() {
	awk '/ bytes in / { for (i = 1; i < NF; i++) if ($(i + 1) == "bytes") { n += $i; break } } END { print n + 0 }' \
		"$LAB_TMP/$1.log"
}

# ------------------------------------------------------------ RFCOMM bulk
rf_btsync() {
	ROW=rfcomm TOOL=btsync
	start_bg rx timeout -k 5 "$(limit_for "$BYTES")" "$BTSYNC" -i hci1 recv -c 11 --no-advertise -o "$LAB_TMP/in"
	rx_ready "^listening on" || return 1
	transfer rfcomm btsync "$BYTES" exit "$BTSYNC" -q -i hci0 send "$A1:11" "$DATA" || return 1
	cmp -s "$DATA" "$LAB_TMP/in/${DATA##*/}" || { put "rfcomm.btsync$RS.status FAILED received file differs"; return 1; }
}

rf_raw() {
	ROW=rfcomm TOOL=btsync-raw
	# The bytes to standard output, thrown away like rctest's.
	# shellcheck disable=SC2016
	start_bg rx bash -c 'exec timeout -k 5 "$1" "$2" -i hci1 recv --raw -c 12 --no-advertise -o - >/dev/null' _ \
		"$(limit_for "$BYTES")" "$BTSYNC"
	rx_ready "^listening on" || return 1
	transfer rfcomm btsync-raw "$BYTES" exit "$BTSYNC" -q -i hci0 send --raw "$A1:12" "$DATA"
}

rf_rctest() {
	local frames=$(((BYTES + 7999) / 8000))
	ROW=rfcomm TOOL=rctest
	start_bg rx rctest -i hci1 -r -b 1000000 -P 13
	rx_ready "Waiting for connection" || return 1
	transfer rfcomm rctest $((frames * 8000)) "Disconnect" \
		rctest -i hci0 -s -b 8000 -N "$frames" -P 13 "$A1" || return 1
	put "rfcomm.rctest$RS.rx_seen $(seen_bytes rx)"
}

rf_pybluez() {
	ROW=rfcomm TOOL=pybluez
	start_bg rx timeout -k 5 "$(limit_for "$BYTES")" "$LAB_PYTHON" "$PEERS" rfcomm-server "$A1" 14
	rx_ready "^listening" || return 1
	transfer rfcomm pybluez "$BYTES" exit "$LAB_PYTHON" "$PEERS" rfcomm-client "$A0" "$A1" 14 "$DATA" || return 1
	logmatch rx "^received $BYTES\$" || { put "rfcomm.pybluez$RS.status FAILED server did not get $BYTES bytes"; return 1; }
}

w_rfcomm() {
	BYTES=$((BENCH_SIZE * MIB))
	DATA=$LAB_TMP/bulk.bin
	head -c "$BYTES" /dev/urandom >"$DATA"
	rounds rfcomm "btsync rf_btsync" "btsync-raw rf_raw" "rctest rf_rctest" "pybluez rf_pybluez"
}

# rounds ROW "TOOL FUNC"...: BENCH_ROUNDS rounds of every tool, keys
# suffixed .rN (bench/report.py takes the medians). The tools take turns
# in a different order each round (round r starts at the r-th), so that
# none always runs first after a pause or last on a warmed-up link: the
# host's load changes by the minute, and only alternating runs let the
# medians compare like with like.
rounds() {
	local row=$1 r i n
	shift
	n=$#
	put "$row.rounds $BENCH_ROUNDS"
	for ((r = 1; r <= BENCH_ROUNDS; r++)); do
		RS=.r$r
		for ((i = 0; i < n; i++)); do
			local spec=${*:$(((r - 1 + i) % n + 1)):1}
			rm -rf "$LAB_TMP/in"
			# shellcheck disable=SC2086 # "TOOL FUNC" splits on purpose
			one_tool "$row" $spec
		done
	done
	RS=
}

# ------------------------------------------------------------- L2CAP bulk
l2_btsync() {
	ROW=$L2ROW TOOL=btsync
	start_bg rx timeout -k 5 "$(limit_for "$BYTES")" "$BTSYNC" -i hci1 recv -p 0x1011 --mtu "$MTU" --no-advertise -o "$LAB_TMP/in"
	rx_ready "^listening on" || return 1
	transfer "$L2ROW" btsync "$BYTES" exit "$BTSYNC" -q -i hci0 send --l2cap --mtu "$MTU" "$A1:0x1011" "$DATA" || return 1
	cmp -s "$DATA" "$LAB_TMP/in/${DATA##*/}" || { put "$L2ROW.btsync$RS.status FAILED received file differs"; return 1; }
}

# btsync in L2CAP basic mode, the only mode l2test 5.66 can use on BR/EDR
# (its "-X ertm" puts BT_MODE_ERTM, 1, into struct l2cap_options, where 1
# is the retired retransmission mode: the kernel answers EINVAL).
l2_btsync_basic() {
	ROW=$L2ROW TOOL=btsync-basic
	start_bg rx timeout -k 5 "$(limit_for "$BYTES")" "$BTSYNC" -i hci1 recv -p 0x1019 --l2cap-mode basic --mtu "$MTU" --no-advertise -o "$LAB_TMP/in"
	rx_ready "^listening on" || return 1
	transfer "$L2ROW" btsync-basic "$BYTES" exit "$BTSYNC" -q -i hci0 send --l2cap --l2cap-mode basic --mtu "$MTU" "$A1:0x1019" "$DATA" || return 1
	cmp -s "$DATA" "$LAB_TMP/in/${DATA##*/}" || { put "$L2ROW.btsync-basic$RS.status FAILED received file differs"; return 1; }
}

l2_l2test() {
	local frames=$(((BYTES + MTU - 1) / MTU)) lost
	ROW=$L2ROW TOOL=l2test
	start_bg rx l2test -i hci1 -r -I "$MTU" -b 65536 -P 4115
	rx_ready "Waiting for connection" || return 1
	transfer "$L2ROW" l2test $((frames * MTU)) "Disconnect" \
		l2test -i hci0 -s -b "$MTU" -N "$frames" -P 4115 "$A1" || return 1
	put "$L2ROW.l2test$RS.rx_seen $(seen_bytes rx)"
	! logmatch rx "size mis+match" || { put "$L2ROW.l2test$RS.status FAILED l2test receiver saw a size mismatch"; return 1; }
	# Basic mode has no flow control: packets a busy receiver cannot take
	# are dropped, and l2test reports the jumps in its sequence numbers.
	# Count only what arrived.
	lost=$(awk '/seq mis+match:/ { n += $NF - $(NF - 2) } END { print n + 0 }' "$LAB_TMP/rx.log")
	if [ "$lost" -gt 0 ]; then
		put "$L2ROW.l2test$RS.lost_packets $lost"
		put "$L2ROW.l2test$RS.bytes $(((frames - lost) * MTU))"
		say "  l2test lost $lost packets of $frames"
	fi
}

l2_python() {
	ROW=$L2ROW TOOL=python
	start_bg rx timeout -k 5 "$(limit_for "$BYTES")" "$LAB_PYTHON" "$PEERS" l2cap-server "$A1" 0x1015 "$MTU"
	rx_ready "^listening" || return 1
	transfer "$L2ROW" python "$BYTES" exit "$LAB_PYTHON" "$PEERS" l2cap-client "$A0" "$A1" 0x1015 "$DATA" "$MTU" || return 1
	logmatch rx "^received $BYTES\$" || { put "$L2ROW.python$RS.status FAILED server did not get $BYTES bytes"; return 1; }
}

w_l2cap() {
	BYTES=$((BENCH_SIZE * MIB))
	DATA=$LAB_TMP/bulk.bin
	head -c "$BYTES" /dev/urandom >"$DATA"
	for MTU in 672 "$BENCH_MAXMTU"; do
		L2ROW=l2cap-$MTU
		[ "$MTU" = 672 ] || L2ROW=l2cap-max
		put "$L2ROW.mtu $MTU"
		rounds "$L2ROW" "btsync l2_btsync" "btsync-basic l2_btsync_basic" "l2test l2_l2test" "python l2_python"
	done
}

# ----------------------------------------------------------------- memory
# Peak RSS (GNU time %M, KiB) of send and recv, L2CAP at the largest MTU
# (the fastest link), file to file on tmpfs.
mem_one() {
	local key=$1 bytes=$2 data=$LAB_TMP/mem.bin
	ROW=mem TOOL=$key
	head -c "$bytes" /dev/urandom >"$data"
	start_bg rx timeout -k 5 "$(limit_for "$bytes")" /usr/bin/time -f '%M' -o "$LAB_TMP/rx.rss" \
		"$BTSYNC" -i hci1 recv -p 0x1017 --mtu "$BENCH_MAXMTU" --no-advertise -o "$LAB_TMP/in"
	rx_ready "^listening on" || return 1
	transfer mem "$key" "$bytes" exit /usr/bin/time -f '%M' -o "$LAB_TMP/tx.rss" \
		"$BTSYNC" -q -i hci0 send --l2cap --mtu "$BENCH_MAXMTU" "$A1:0x1017" "$data" || return 1
	cmp -s "$data" "$LAB_TMP/in/mem.bin" || { put "mem.$key.status FAILED received file differs"; return 1; }
	put "mem.$key.tx_rss_kib $(cat "$LAB_TMP/tx.rss")"
	put "mem.$key.rx_rss_kib $(cat "$LAB_TMP/rx.rss")"
	say "  rss send $(cat "$LAB_TMP/tx.rss") KiB, recv $(cat "$LAB_TMP/rx.rss") KiB"
	rm -rf "$data" "$LAB_TMP/in"
}

w_mem() {
	put "mem.mtu $BENCH_MAXMTU"
	one_tool mem small mem_one small $MIB
	one_tool mem big mem_one big $((BENCH_BIG * MIB))
}

# ------------------------------------------------------------------- sync
sync_run() {
	local tree=$LAB_TMP/tree total t0 t1 rc=0
	ROW=sync TOOL=btsync
	total=$(timeout 300 "$LAB_PYTHON" "$PEERS" mktree "$tree" "$BENCH_FILES") || {
		put "sync.btsync.status FAILED cannot make the tree"; return 1; }
	put "sync.btsync.tree_bytes $total"
	put "sync.btsync.files $BENCH_FILES"
	start_bg rx timeout -k 5 3000 "$BTSYNC" -i hci1 recv --keep-open -c 15 --no-advertise -o "$LAB_TMP/in"
	rx_ready "^listening on" || return 1
	say "  first send: $BENCH_FILES files, $total bytes"
	timeout -k 5 1500 "$BTSYNC" --json -i hci0 send "$A1:15" "$tree" >"$LAB_TMP/first.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { put "sync.btsync.status FAILED first send exit $rc"; return 1; }
	say "  first: $(grep '^{' "$LAB_TMP/first.log" | tail -n1)"
	t0=$(now)
	timeout -k 5 600 "$BTSYNC" --json -i hci0 send "$A1:15" "$tree" >"$LAB_TMP/second.log" 2>&1 || rc=$?
	t1=$(now)
	[ "$rc" = 0 ] || { put "sync.btsync.status FAILED second send exit $rc"; return 1; }
	say "  second: $(grep '^{' "$LAB_TMP/second.log" | tail -n1)"
	put "sync.btsync.wall $(fsub "$t1" "$t0")"
	put "sync.btsync.wire_bytes $(json_num wire_bytes "$LAB_TMP/second.log")"
	put "sync.btsync.data_bytes $(json_num data_bytes "$LAB_TMP/second.log")"
	put "sync.btsync.skipped $(json_num skipped "$LAB_TMP/second.log")"
	put "sync.btsync.status ok"
}

json_num() {
	grep '^{' "$2" | tail -n1 | sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"
}

w_sync() {
	one_tool sync btsync sync_run
}

# ------------------------------------------------------------------- scan
# btsync scan: each stdout line stamped as it arrives; btmon on hci0
# stamps the controller's Inquiry Result events (the kernel's time of the
# event, CLOCK_REALTIME, like $EPOCHREALTIME).
stamp_lines() {
	local l
	while IFS= read -r l; do
		printf '%s %s\n' "$EPOCHREALTIME" "$l"
	done
}

scan_btsync() {
	local t0 first ev evt
	ROW=scan TOOL=btsync
	start_bg mon stdbuf -oL btmon -t -i hci0
	nap 2
	t0=$(now)
	timeout -k 5 60 "$BTSYNC" --json -i hci0 scan 2>"$LAB_TMP/scan-err.log" | stamp_lines >"$LAB_TMP/scan-out.log"
	nap 1
	first=$(awk 'NR == 1 { print $1 }' "$LAB_TMP/scan-out.log")
	[ -n "$first" ] || { put "scan.btsync.status FAILED nothing printed: $(head -c 200 "$LAB_TMP/scan-err.log")"; return 1; }
	put "scan.btsync.first $(fsub "$first" "$t0")"
	# "> HCI Event: Inquiry Result with RSSI (0x22) plen 15   [hci0] 18:40:01.123456"
	ev=$(grep -m1 'HCI Event: .*Inquiry Result' "$LAB_TMP/mon.log" | grep -o '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]*' | tail -n1)
	if [ -n "$ev" ]; then
		evt=$(date -d "today $ev" +%s.%N)
		put "scan.btsync.event_to_print $(fsub "$first" "$evt")"
		put "scan.btsync.start_to_event $(fsub "$evt" "$t0")"
	else
		put "scan.btsync.event_to_print NA"
	fi
	put "scan.btsync.status ok"
}

scan_hcitool() {
	local t0 first
	ROW=scan TOOL=hcitool
	t0=$(now)
	timeout -k 5 60 stdbuf -oL hcitool -i hci0 scan --flush 2>&1 | stamp_lines >"$LAB_TMP/hci-out.log"
	first=$(awk '$2 ~ /^[0-9A-F][0-9A-F]:[0-9A-F][0-9A-F]:/ { print $1; exit }' "$LAB_TMP/hci-out.log")
	[ -n "$first" ] || { put "scan.hcitool.status FAILED nothing found: $(head -c 200 "$LAB_TMP/hci-out.log")"; return 1; }
	put "scan.hcitool.first $(fsub "$first" "$t0")"
	put "scan.hcitool.status ok"
}

w_scan() {
	# hcitool first, and with --flush: the kernel answers an inquiry from
	# its cache when the last one is recent.
	one_tool scan hcitool scan_hcitool
	one_tool scan btsync scan_btsync
}

# ----------------------------------------------------------------- stream
stream_tool() {
	ST=$(dirname "$BTSYNC")/tests/stream-tool
	if [ ! -x "$ST" ]; then
		ST=$LAB_TMP/stream-tool
		cc -O2 -o "$ST" "$LAB_SRC/tests/lab/stream-tool.c" -lm || return 1
	fi
}

# callgrind_total FILE: total Ir;  callgrind_incl FILE FUNC: Ir inside FUNC
callgrind_total() {
	sed -n 's/^totals: *\([0-9]*\).*/\1/p;s/^summary: *\([0-9]*\).*/\1/p' "$1" | tail -n1
}

callgrind_incl() {
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
		awk -v f="$2" '{ for (i = 2; i <= NF; i++) if ($i ~ ("[:]" f "( |$)") || $i == f) { gsub(",", "", $1); print $1; exit } }'
}

stream_ir() {
	local secs=10 cg_b=$LAB_TMP/btsync.cg cg_s=$LAB_TMP/sbcenc.cg rc=0
	ROW=stream TOOL=ir
	stream_tool || { put "stream.ir.status FAILED no stream-tool"; return 1; }
	if ! "$ST" gen multi 44100 2 "$secs" "$LAB_TMP/a.wav" ||
		! "$ST" gen multi 44100 2 "$secs" "$LAB_TMP/a.au"; then
		put "stream.ir.status FAILED cannot make the audio"
		return 1
	fi
	put "stream.ir.audio_seconds $secs"
	# shellcheck disable=SC2016
	start_bg rx bash -c 'exec timeout -k 5 900 "$0" -i hci1 stream --listen --psm 0x1021 --no-advertise -o - >/dev/null' "$BTSYNC"
	rx_ready "listening on" || return 1
	timeout -k 5 900 valgrind --tool=callgrind --callgrind-out-file="$cg_b" \
		"$BTSYNC" -q -i hci0 stream --fast --psm 0x1021 "$A1" "$LAB_TMP/a.wav" >"$LAB_TMP/vg-btsync.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] || { put "stream.ir.status FAILED btsync under callgrind exit $rc"; return 1; }
	timeout -k 5 900 valgrind --tool=callgrind --callgrind-out-file="$cg_s" \
		sbcenc -s 8 -B 16 -b 53 -j "$LAB_TMP/a.au" >/dev/null 2>"$LAB_TMP/vg-sbcenc.log" || rc=$?
	[ "$rc" = 0 ] || { put "stream.ir.status FAILED sbcenc under callgrind exit $rc"; return 1; }
	put "stream.ir.btsync_total $(callgrind_total "$cg_b")"
	put "stream.ir.sbcenc_total $(callgrind_total "$cg_s")"
	put "stream.ir.btsync_encode $(callgrind_incl "$cg_b" bts_source_next)"
	put "stream.ir.btsync_sbc_encode $(callgrind_incl "$cg_b" sbc_encode)"
	cp "$cg_b" "$cg_s" "$LOGS/" 2>/dev/null
	put "stream.ir.status ok"
}

stream_pace() {
	local secs=$BENCH_AUDIO rc=0 rec
	ROW=stream TOOL=pace
	stream_tool || { put "stream.pace.status FAILED no stream-tool"; return 1; }
	"$ST" gen multi 44100 2 "$secs" "$LAB_TMP/p.wav" || { put "stream.pace.status FAILED cannot make the audio"; return 1; }
	# shellcheck disable=SC2016
	start_bg rx bash -c 'exec timeout -k 5 "$1" "$0" --json -i hci1 stream --listen --psm 0x1023 --no-advertise -o - >/dev/null' \
		"$BTSYNC" $((secs * 3 + 120))
	rx_ready "listening on" || return 1
	timeout -k 5 $((secs * 2 + 120)) "$BTSYNC" --json -v -i hci0 stream --psm 0x1023 "$A1" "$LAB_TMP/p.wav" \
		>"$LAB_TMP/pace.out" 2>"$LAB_TMP/pace.log" || rc=$?
	[ "$rc" = 0 ] || { put "stream.pace.status FAILED sender exit $rc"; return 1; }
	rec=$(grep '^{' "$LAB_TMP/pace.out" | tail -n1)
	say "  $rec"
	for k in pace_p50_ms pace_p99_ms pace_max_ms paced_seconds seconds frames rate late jitter_ms jitter_max_ms packets; do
		put "stream.pace.$k $(sed -n "s/.*\"$k\":\([0-9.]*\).*/\1/p" <<<"$rec")"
	done
	put "stream.pace.realtime $(sed -n 's/.*"realtime":\(true\|false\).*/\1/p' <<<"$rec")"
	put "stream.pace.status ok"
}

# The floor: a bare absolute-deadline sleep loop, one packet period apart,
# as an ordinary process (floor) and under SCHED_FIFO 10 like btsync's
# paced sender (floor-rt), each while a stream --listen peer decodes what
# a --fast sender sends it, so that the guest is as busy as in the pacing
# run.
stream_floor() {
	local out p50 p99 mx tool=$1
	shift
	ROW=stream TOOL=$tool
	stream_tool || { put "stream.$tool.status FAILED no stream-tool"; return 1; }
	cc -O2 -o "$LAB_TMP/sleeptest" "$BENCH_DIR/sleeptest.c" || { put "stream.$tool.status FAILED cannot build sleeptest"; return 1; }
	"$ST" gen multi 44100 2 "$BENCH_AUDIO" "$LAB_TMP/f.wav" || { put "stream.$tool.status FAILED cannot make the audio"; return 1; }
	# shellcheck disable=SC2016
	start_bg rx bash -c 'exec timeout -k 5 "$1" "$0" -i hci1 stream --listen --psm 0x1025 --no-advertise -o - >/dev/null' \
		"$BTSYNC" $((BENCH_AUDIO * 3 + 120))
	rx_ready "listening on" || return 1
	# The load: the same audio, paced, without btsync's real-time
	# scheduling (it is the load, not the subject).
	start_bg tx timeout -k 5 $((BENCH_AUDIO * 2 + 120)) "$BTSYNC" -i hci0 stream --no-realtime --psm 0x1025 "$A1" "$LAB_TMP/f.wav"
	nap 1
	out=$(timeout -k 5 $((BENCH_AUDIO + 60)) "$@" "$LAB_TMP/sleeptest" "$BENCH_AUDIO") ||
		{ put "stream.$tool.status FAILED sleeptest"; return 1; }
	say "  sleeptest ($tool): $out"
	read -r _ p50 _ p99 _ mx _ <<<"$out"
	put "stream.$tool.p50_ms $p50"
	put "stream.$tool.p99_ms $p99"
	put "stream.$tool.max_ms $mx"
	put "stream.$tool.status ok"
}

w_stream() {
	one_tool stream ir stream_ir
	one_tool stream pace stream_pace
	one_tool stream floor stream_floor floor
	one_tool stream floor-rt stream_floor floor-rt chrt -f 10
}

# ------------------------------------------------------------------- main
if [ "${1:-}" = --one ]; then
	mkdir -p "$LOGS"
	cg_init || { put "$2.status FAILED cannot mount cgroup2"; exit 1; }
	# shellcheck disable=SC2016
	at_exit 'rm -rf "$LAB_TMP"'
	"w_$2"
	exit 0
fi

mkdir -p "$BENCH_OUT" "$LOGS"
: >"$RAW"
: >"$LOG"
put "meta.size_mib $BENCH_SIZE"
put "meta.big_mib $BENCH_BIG"
put "meta.files $BENCH_FILES"
put "meta.audio_seconds $BENCH_AUDIO"
put "meta.rounds $BENCH_ROUNDS"
put "meta.kernel $(uname -r)"
put "meta.btsync $BTSYNC"
put "meta.start $(date -u +%FT%TZ)"
say "bench: size ${BENCH_SIZE} MiB, big ${BENCH_BIG} MiB, files $BENCH_FILES, audio ${BENCH_AUDIO}s: $BENCH_ONLY"
lab_pair
say "paired hci0 with $A1"
# (rctest and l2test read -P with atoi(): decimal only; "0x..." is 0, a
# PSM the kernel picks.)
# Hold the ACL link up for the whole run with an idle L2CAP channel, so
# every transfer's connect is the channel's set-up only, the same for
# every tool (not, for whichever runs first, the link's and its
# authentication's).
bg_start keepalive-rx l2test -i hci1 -d -P 4145
if (wait_for -t 30 grep -q "Waiting for connection" "$(bg_log keepalive-rx)") &&
	bg_start keepalive-tx l2test -i hci0 -n -P 4145 "$A1" &&
	(wait_for -t 30 grep -q "Receiving" "$(bg_log keepalive-rx)"); then
	say "ACL held up by an idle L2CAP channel"
	put "meta.keepalive yes"
else
	say "warning: could not hold the ACL up; connects include the link's set-up"
	put "meta.keepalive no"
fi
for w in $BENCH_ONLY; do
	case " $WORKLOADS " in
	*" $w "*) ;;
	*) put "$w.status FAILED unknown workload"; continue ;;
	esac
	case $w in
	rfcomm) lim=$((4 * BENCH_ROUNDS * $(limit_for $((BENCH_SIZE * MIB))) + 120)) ;;
	l2cap) lim=$((8 * BENCH_ROUNDS * $(limit_for $((BENCH_SIZE * MIB))) + 180)) ;;
	mem) lim=$(($(limit_for $(((BENCH_BIG + 1) * MIB))) + 180)) ;;
	sync) lim=2400 ;;
	scan) lim=300 ;;
	stream) lim=$((2400 + 3 * BENCH_AUDIO)) ;;
	esac
	if [ "$w" = scan ] && [ -n "${_LAB_BG_PID[keepalive-rx]:-}" ]; then
		# A controller in a connection answers no inquiry in the lab:
		# let the link go first.
		[ -z "${_LAB_BG_PID[keepalive-tx]:-}" ] || bg_stop keepalive-tx
		bg_stop keepalive-rx
		unset '_LAB_BG_PID[keepalive-rx]' '_LAB_BG_PID[keepalive-tx]'
		for _ in $(seq 50); do
			hcitool -i hci0 con 2>/dev/null | grep -q "$A1" || break
			_lab_nap 0.2
		done
		say "dropped the keep-alive link: $(hcitool -i hci0 con | tr '\n' ' ')"
	fi
	say "== $w (limit ${lim}s)"
	rc=0
	timeout -k 10 "$lim" bash "$SELF" --one "$w" || rc=$?
	[ "$rc" = 0 ] || { put "$w.status FAILED exit $rc"; say "== $w FAILED (exit $rc)"; }
done
put "meta.end $(date -u +%FT%TZ)"
say "bench: done"
