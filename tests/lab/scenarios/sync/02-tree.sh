#!/bin/bash
# lab-timeout: 150
#
# A tree (nested directories, modes, mtimes, symlinks) arrives identical;
# sending it again moves no file data and settles the tree with one digest;
# after one file changes, only that file moves (--sync lets it replace the
# old version).
set -euo pipefail
. "$LAB_SRC/tests/lab/lib.sh"
. "$LAB_SRC/tests/lab/sync-lib.sh"
need_btsync
need_controllers 2
lab_pair

t=$LAB_TMP/src/tree
mkdir -p "$t/a/b/c" "$t/empty"
random_file "$t/top.bin" 30000
random_file "$t/a/mid.bin" 150000
random_file "$t/a/b/c/deep.bin" 777
printf 'hello\n' >"$t/a/b/note.txt"
chmod 0750 "$t/a/b"
chmod 0600 "$t/top.bin"
chmod 0755 "$t/a/b/c/deep.bin"
ln -s a/mid.bin "$t/link"
ln -s ../top.bin "$t/a/up"
touch -d '2021-03-04 05:06:07' "$t/top.bin" "$t/a/b/c"
out=$LAB_TMP/out

# stat lines for every entry: type, mode, size, mtime (not for symlinks'
# own times, which some filesystems keep differently), link target.
listing() {
	(cd "$1" && find . -printf '%y %m %P -> %l\n' | sort)
	(cd "$1" && find . ! -type l ! -name . -printf '%T@ %P\n' | sort -k2)
}

recv_start r1 -o "$out" --keep-open --no-advertise
note "first send of the tree"
bsend --json "$R_ADDR:$RECV_PORT" "$t"
assert_eq 0 "$SEND_STATUS" "first send ($(cat "$LAB_TMP/send.err"))"
assert_eq "$(listing "$t")" "$(listing "$out/tree")" "tree listing"
diff -r --no-dereference "$t" "$out/tree" || fail "tree contents differ"
assert_eq 4 "$(json_num files "$LAB_TMP/send.out")" "files sent"

note "second send: nothing changed"
bsend --json "$R_ADDR:$RECV_PORT" "$t"
assert_eq 0 "$SEND_STATUS" "second send ($(cat "$LAB_TMP/send.err"))"
assert_eq 0 "$(json_num data_bytes "$LAB_TMP/send.out")" "data bytes of an unchanged tree"
assert_eq 4 "$(json_num skipped "$LAB_TMP/send.out")" "files skipped"
wire=$(json_num wire_bytes "$LAB_TMP/send.out")
note "unchanged tree: $wire bytes on the wire, no file data"
# One OFFER, DIGEST and two REPLYs plus HELLO and BYE: a few hundred
# bytes, not an exchange per entry.
[ "$wire" -lt 512 ] || fail "an unchanged tree took $wire bytes on the wire"

note "one file changed (same size)"
random_file "$t/a/mid.bin" 150000
bsend --json "$R_ADDR:$RECV_PORT" "$t"
assert_eq 5 "$SEND_STATUS" "send of a changed file without --sync (receiver refuses)"
assert_contains "$(cat "$LAB_TMP/send.err")" "a different file exists"
bsend --json --sync "$R_ADDR:$RECV_PORT" "$t"
assert_eq 0 "$SEND_STATUS" "send --sync ($(cat "$LAB_TMP/send.err"))"
assert_eq 150000 "$(json_num data_bytes "$LAB_TMP/send.out")" "only the changed file moved"
assert_eq 1 "$(json_num files "$LAB_TMP/send.out")" "files sent"
diff -r --no-dereference "$t" "$out/tree" || fail "tree differs after sync"
bg_stop r1
