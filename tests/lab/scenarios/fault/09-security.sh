#!/bin/bash
# lab-timeout: 90
#
# --security is honoured. The lab bonds its controllers with "just works"
# (NoInputNoOutput: an unauthenticated link key), so:
#   * send --security high needs an authenticated (MITM-protected) key
#     that this bond cannot give: the connect fails with status 3 and
#     "authentication failed (pair the devices first ...)", not a
#     misleading "permission denied (needs CAP_NET_RAW ...)", and the
#     receiver takes nothing;
#   * a receiver started with --security high refuses the same sender
#     (its kernel refuses the channel or drops the link while setting it
#     up: status 3, with a hint at the security level, not "link lost"),
#     and a
#     --security medium receiver (encryption) takes it and the file comes
#     through intact.
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
. "$LAB_SRC/tests/lab/fault-lib.sh"
need_btsync
need_controllers 2
lab_pair

random_file "$LAB_TMP/a.bin" 30000
out=$LAB_TMP/out

note "send --security high over a just-works bond"
f_recv r1 -o "$out" --no-advertise
bsend --security high "$R_ADDR:$F_PORT" "$LAB_TMP/a.bin"
note "send: status $SEND_STATUS: $(cat "$LAB_TMP/send.err")"
assert_eq 3 "$SEND_STATUS" "send status"
assert_contains "$(cat "$LAB_TMP/send.err")" "authentication failed (pair the devices first" "send message"
assert_not_contains "$(cat "$LAB_TMP/send.err")" "CAP_NET_RAW" "send message"
[ ! -e "$out/a.bin" ] || fail "the receiver took the file"
bg_running r1 || fail "recv exited after the refused connect"
bg_stop r1

note "recv --security high refuses the just-works sender"
f_recv r2 -o "$out" --no-advertise --security high
bsend "$R_ADDR:$F_PORT" "$LAB_TMP/a.bin"
note "send: status $SEND_STATUS: $(cat "$LAB_TMP/send.err")"
# The receiving kernel refuses the channel or tears the link down while
# it is set up (either happens): a failed connect (3) whose message
# names the security level as a cause, never a lost link (4).
assert_eq 3 "$SEND_STATUS" "send status"
case $(cat "$LAB_TMP/send.err") in
*"the peer dropped the link while it was being set up (does it require --security"* | \
	*"connection refused (nothing listening on that channel/PSM, or the listener's --security needs the devices paired)"*) ;;
*) fail "send message: $(cat "$LAB_TMP/send.err")" ;;
esac
[ ! -e "$out/a.bin" ] || fail "the receiver took the file"
bg_stop r2

note "recv --security medium takes it, encrypted"
# The refused link's teardown must be over first: a connect that meets it
# is refused too.
if ! timeout 10 sh -c "while hcitool -i hci0 con | grep -q '$R_ADDR'; do sleep 0.5; done"; then
	note "hci0 still has a link to $R_ADDR after 10 s"
fi
f_recv r3 -o "$out" --no-advertise --security medium
bsend --security medium "$R_ADDR:$F_PORT" "$LAB_TMP/a.bin"
assert_eq 0 "$SEND_STATUS" "send status ($(cat "$LAB_TMP/send.err"))"
f_wait r3 20
assert_eq 0 "$F_RC" "recv status"
assert_eq "$(sum_of "$LAB_TMP/a.bin")" "$(sum_of "$out/a.bin")" "sha256 of the received file"
