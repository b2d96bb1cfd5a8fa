#!/bin/bash
# lab-timeout: 90
#
# The link lost with both controllers: btvirt, the process that emulates
# hci0 and hci1, is SIGKILLed mid-transfer, so both adapters vanish under
# a running send and recv. Both exit within 10 s with status 69 and one
# clear line, "link lost: this machine's Bluetooth adapter went away";
# nothing appears under the final name and the partial file is kept.
# With btvirt started again (bluetoothd powers its controllers) a rerun
# resumes and completes.
# This stays the group's last scenario: if btvirt does not come back,
# the lab has no controllers left.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2
lab_pair

mapfile -t virt < <(pgrep -x btvirt)
[ "${#virt[@]}" = 1 ] || skip "expected one btvirt process, found ${#virt[@]}"
mapfile -d '' -t virt_cmd <"/proc/${virt[0]}/cmdline"
restart_btvirt() {
	pgrep -x btvirt >/dev/null && return 0
	# A new session: guest-run kills what is left of the scenario's.
	setsid "${virt_cmd[@]}" </dev/null >/dev/null 2>&1 &
	if timeout 30 sh -c 'until [ -e /sys/class/bluetooth/hci1 ]; do sleep 0.5; done'; then
		note "btvirt restarted: $(ls /sys/class/bluetooth | tr '\n' ' ')"
	else
		note "btvirt restarted, but its controllers did not come back"
	fi
}
at_exit restart_btvirt

size=2097152
random_file "$LAB_TMP/big.bin" $size
out=$LAB_TMP/out
part=$out/.btsync-big.bin.part
f_recv r1 -o "$out" --no-advertise
bg_start s1 "$BTSYNC" -i hci0 send "$R_ADDR:$F_PORT" "$LAB_TMP/big.bin"
f_wait_size "$part" 300000 60
kill -KILL "${virt[0]}"
note "btvirt (pid ${virt[0]}) killed with $(f_size "$part") bytes in the partial file"

f_wait s1 30
s_rc=$F_RC s_secs=$F_SECS
f_wait r1 30
note "send: status $s_rc after ${s_secs}s: $(tr '\n' ' ' <"$(bg_log s1)")"
note "recv: status $F_RC after ${F_SECS}s more: $(tr '\n' ' ' <"$(bg_log r1)")"
for who in s1:send r1:recv; do
	IFS=: read -r name cmd <<<"$who"
	assert_contains "$(cat "$(bg_log "$name")")" "btsync: $cmd: " "$cmd message"
	assert_contains "$(cat "$(bg_log "$name")")" "'big.bin': link lost: this machine's Bluetooth adapter went away" "$cmd message"
done
assert_eq 69 "$s_rc" "send status"
assert_eq 69 "$F_RC" "recv status"
[ "$s_secs" -le 10 ] || fail "send took ${s_secs}s to notice"
[ ! -e "$out/big.bin" ] || fail "a file exists under the final name"
[ -e "$part" ] || fail "the partial file was not kept"
f_session_gone s1
f_session_gone r1

note "btvirt back: the rerun resumes"
restart_btvirt
adapters_up() { hciconfig hci0 | grep -q 'UP RUNNING' && hciconfig hci1 | grep -q 'UP RUNNING'; }
wait_for -t 30 -i 0.5 adapters_up
mgmt -i hci1 connectable on >/dev/null
f_recv r2 -o "$out" --no-advertise
bsend --json "$R_ADDR:$F_PORT" "$LAB_TMP/big.bin"
assert_eq 0 "$SEND_STATUS" "the rerun ($(cat "$LAB_TMP/send.err"))"
assert_eq 1 "$(json_num resumed "$LAB_TMP/send.out")" "files resumed"
assert_eq "$(sum_of "$LAB_TMP/big.bin")" "$(sum_of "$out/big.bin")" "sha256 after the rerun"
