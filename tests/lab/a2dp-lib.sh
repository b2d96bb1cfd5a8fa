# shellcheck shell=bash
# Helpers for the a2dp scenarios (sourced after tests/lab/lib.sh). They turn the lab's two controllers into an A2DP pair:
# hci0 runs btsync, hci1 runs bluez-alsa's daemon as the standard sink or
# source, both on the lab's one bluetoothd.
#
# What A2DP through bluetoothd needs (verified with BlueZ 5.66 and
# bluez-alsa 4.0.0):
#   * a writable /var/lib/bluetooth (the lab mounts a tmpfs there);
#   * the two adapters paired (no agent: both sides are NoInputNoOutput,
#     so "btmgmt pair -c 3" completes with just-works SSP) and each
#     device marked Trusted, so AVDTP needs no authorisation agent;
#   * BlueZ 5.66 bug: when a sink receives SET_CONFIGURATION from a source
#     whose endpoints it has never seen, it first asks for them and then
#     answers with the wrong AVDTP transaction label ("Transaction label
#     doesn't match" in bluetoothd's log; the connect fails). Pre-seeding
#     the endpoint cache (/var/lib/bluetooth/ADAPTER/cache/DEVICE, group
#     [Endpoints]) avoids the query; bluetoothd reads it only at start, so
#     it is restarted after seeding.

A0=$BTLAB_ADDR0
A1=$BTLAB_ADDR1
# shellcheck disable=SC2034 # used by the scenarios
A2DP_SINK_UUID=0000110b-0000-1000-8000-00805f9b34fb


A2DP_TOOL=${STREAM_TOOL:-$(dirname "$BTSYNC")/tests/stream-tool}
if [ ! -x "$A2DP_TOOL" ]; then
	A2DP_TOOL=$LAB_TMP/stream-tool
	[ -x "$A2DP_TOOL" ] || cc -O2 -o "$A2DP_TOOL" "$LAB_SRC/tests/lab/stream-tool.c" -lm ||
		fail "cannot build stream-tool"
fi

# dev_path hciN ADDR: bluetoothd's object path of a device.
dev_path() { echo "/org/bluez/$1/dev_${2//:/_}"; }

bus_call() { timeout 30 dbus-send --system --print-reply --dest=org.bluez "$@"; }

adapter_powered() {
	bus_call "/org/bluez/$1" org.freedesktop.DBus.Properties.Get \
		string:org.bluez.Adapter1 string:Powered 2>/dev/null | grep -q 'boolean true'
}

adapters_powered() { adapter_powered hci0 && adapter_powered hci1; }

# a2dp_restart_bluetoothd: stop the lab's bluetoothd and start it again
# with the same command line (it rereads /var/lib/bluetooth).
a2dp_restart_bluetoothd() {
	local pid cmd
	pid=$(pgrep -xo bluetoothd) || fail "bluetoothd is not running"
	mapfile -d '' -t cmd <"/proc/$pid/cmdline"
	kill "$pid"
	wait_for -t 10 eval "! kill -0 $pid"
	# Not under bg_start: later scenarios of the group use it too.
	setsid "${cmd[@]}" </dev/null >>"$LAB_TMP/bluetoothd.log" 2>&1 &
	wait_for -t 30 -i 0.5 adapters_powered
	note "bluetoothd restarted"
}

# a2dp_seed ADAPTER DEVICE SEID...: on ADAPTER, cache DEVICE's A2DP
# endpoints as SBC sources at these SEIDs (type 00 = source, codec 00 =
# SBC, no delay reporting, capabilities: everything, bitpool 2-250).
# Without SEIDs, drop the cached endpoints so bluetoothd asks afresh.
a2dp_seed() {
	local f=/var/lib/bluetooth/$1/cache/$2 seid
	shift 2
	mkdir -p "${f%/*}"
	[ -f "$f" ] && sed -i '/^\[Endpoints\]/,/^\[/{/^\[Endpoints\]/d;/^\[/!d}' "$f"
	[ $# -gt 0 ] || return 0
	printf '\n[Endpoints]\n' >>"$f"
	for seid in "$@"; do
		printf '%s=00:00:00:ffff02fa\n' "$seid" >>"$f"
	done
}

# a2dp_pair: pair hci0 and hci1 and trust both ways, once per VM (the
# scenarios of a group share it).
a2dp_pair() {
	local marker=/run/btsync-a2dp-paired
	[ -e "$marker" ] && return 0
	lab_pair hci0 "$A1"
	bus_call "$(dev_path hci0 "$A1")" org.freedesktop.DBus.Properties.Set \
		string:org.bluez.Device1 string:Trusted variant:boolean:true >/dev/null ||
		fail "cannot trust $A1 on hci0"
	bus_call "$(dev_path hci1 "$A0")" org.freedesktop.DBus.Properties.Set \
		string:org.bluez.Device1 string:Trusted variant:boolean:true >/dev/null ||
		fail "cannot trust $A0 on hci1"
	: >"$marker"
}

# a2dp_direction forward|reverse: seed the sink's cache with the source's
# endpoints (and clear the source's cache of the sink, so it discovers the
# sink's current endpoints), then restart bluetoothd to read them.
#   forward: btsync's source on hci0 (its one endpoint gets SEID 1) plays
#            to bluealsa's sink on hci1;
#   reverse: bluealsa's source on hci1 (two SBC endpoints, SEIDs 1 and 2)
#            plays to btsync's sink on hci0.
a2dp_direction() {
	if [ "$1" = forward ]; then
		a2dp_seed "$A1" "$A0" 01
		a2dp_seed "$A0" "$A1"
	else
		a2dp_seed "$A0" "$A1" 01 02
		a2dp_seed "$A1" "$A0"
	fi
	a2dp_restart_bluetoothd
}

# bluealsa_start PROFILE [OPTION...]: bluez-alsa's daemon on hci1
# (a2dp-sink or a2dp-source) under its default D-Bus name, whose policy
# the package installs (root may own org.bluealsa*), as background
# process "bluealsa".
bluealsa_start() {
	local profile=$1
	shift
	bg_start bluealsa bluealsa -i hci1 -p "$profile" "$@"
	wait_for -t 20 eval "timeout 5 dbus-send --system --print-reply --dest=org.freedesktop.DBus / \
		org.freedesktop.DBus.NameHasOwner string:org.bluealsa | grep -q 'boolean true'"
}

# recorder_start NAME RAW: bluealsa-aplay plays every A2DP stream bluealsa
# receives into ALSA's file plugin (raw PCM to RAW, then the null device),
# from the moment the stream's PCM appears, in 20 ms periods. Background
# process NAME; stop it with bg_stop NAME.
recorder_start() {
	cat >"$LAB_TMP/asound-$1.conf" <<-EOF
		pcm.a2dprec { type file; slave.pcm "null"; file "$2"; format "raw" }
	EOF
	bg_start "$1" env ALSA_CONFIG_PATH="/usr/share/alsa/alsa.conf:$LAB_TMP/asound-$1.conf" \
		bluealsa-aplay -D a2dprec --pcm-period-time=20000
	_lab_nap 1
}

# recorder_settle RAW: wait (at most 30 s) until RAW stops growing: under
# load the recorder runs behind the stream, so a fixed pause could cut off
# audio that did arrive.
recorder_settle() {
	local before after
	after=$(stat -c %s "$1" 2>/dev/null || echo 0)
	for _ in $(seq 30); do
		before=$after
		_lab_nap 1
		after=$(stat -c %s "$1" 2>/dev/null || echo 0)
		[ "$after" -gt 0 ] && [ "$after" = "$before" ] && return 0
	done
}

# raw_to_wav RAW RATE CHANNELS WAV: put a WAV header on raw s16le PCM.
raw_to_wav() {
	/usr/bin/python3 - "$@" <<-'EOF'
		import sys, wave
		raw, rate, ch, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
		w = wave.open(out, 'wb'); w.setnchannels(ch); w.setsampwidth(2); w.setframerate(rate)
		w.writeframes(open(raw, 'rb').read()); w.close()
	EOF
}

# kv FILE KEY: the value of KEY=VALUE in stream-tool's output.
kv() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p" | head -n 1; }

# json_get FILE KEY: a field of the last one-line JSON record in FILE.
json_get() { sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p" "$1" | tail -n 1; }
