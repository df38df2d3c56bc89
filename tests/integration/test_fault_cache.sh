#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The fetch cache directory under faults (the local HTTPS feed server of
# fetch_lib.sh):
#  - on a small tmpfs that fills up, then made read-only (root, in
#    unshare -m): fetch fails with a clear message and a non-zero exit, and
#    the cache keeps the last good copy byte for byte; with room again the
#    next fetch is correct;
#  - two fetch runs at once (a slow server, so that they overlap): the cache
#    lock serialises them (the loser exits 75 saying so, or both succeed one
#    after the other) and the cache holds the served data exactly.
. "$(dirname "$0")/fetch_lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to mount a tmpfs"
command -v unshare >/dev/null || skip "unshare (util-linux) not installed"

printf '1.0.1.0/24\n1.0.2.0/23\n2001:250::/35\n' >"$DOC/cn.txt"
SMALL=$T/small
mkdir "$SMALL"
CACHE=$SMALL/cache
write_conf t "CN" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr"

cat >"$T/inner.sh" <<'INNER'
set -u
mount -t tmpfs -o size=160k nbk-fcache "$SMALL" || { echo "cannot mount a tmpfs"; exit 77; }
f() { "$NB" fetch --force --config "$T/nb.conf" --feeds-dir "$T/nofeeds" >"$T/out" 2>&1; RC=$?; sed 's/^/    /' "$T/out"; }
bad() { echo "FAIL: $*"; exit 1; }
same() { cmp -s "$T/saved.data" "$CACHE/t.CN.0.data" && cmp -s "$T/saved.meta" "$CACHE/t.CN.0.meta" ||
	bad "the cache changed after a failed fetch ($1)"; }
f
[ $RC -eq 0 ] || bad "first fetch into the tmpfs: exit $RC"
cp "$CACHE/t.CN.0.data" "$T/saved.data"
cp "$CACHE/t.CN.0.meta" "$T/saved.meta"
dd if=/dev/zero of="$SMALL/fill" bs=4k >/dev/null 2>&1
python3 -c 'import sys
for i in range(6000): print("%d.%d.%d.0/24" % (20 + i // 65536, i // 256 % 256, i % 256))
print("2001:250::/35")' >"$DOC/cn.txt"	# 80 KB: more than the full tmpfs can take
f
[ $RC -ne 0 ] || bad "fetch into a full cache succeeded"
grep -q "No space left on device" "$T/out" || bad "no clear message for a full cache"
same "full"
[ -z "$(ls -A "$CACHE" | grep '^\.')" ] || bad "temporary files left: $(ls -A "$CACHE")"
echo "ok: full cache: exit $RC with a message, last good copy intact"
rm "$SMALL/fill"
f
[ $RC -eq 0 ] || bad "fetch with room again: exit $RC"
grep -q "t CN: fetched" "$T/out" || bad "the new file was not fetched"
cmp -s "$DOC/cn.txt" "$CACHE/t.CN.0.data" || bad "the cache does not hold the served file"
echo "ok: with room again the cache holds the served file"
cp "$CACHE/t.CN.0.data" "$T/saved.data"
cp "$CACHE/t.CN.0.meta" "$T/saved.meta"
printf '1.0.1.0/24\n' >"$DOC/cn.txt"
mount -o remount,ro "$SMALL" || bad "remount ro"
f
[ $RC -ne 0 ] || bad "fetch into a read-only cache succeeded"
grep -q "Read-only file system" "$T/out" || bad "no clear message for a read-only cache"
same "read-only"
echo "ok: read-only cache: exit $RC with a message, last good copy intact"
umount "$SMALL"
INNER
HERE=$HERE SMALL=$SMALL CACHE=$CACHE T=$T NB=$NB DOC=$DOC unshare -m sh "$T/inner.sh"
rc=$?
[ $rc -eq 77 ] && skip "cannot mount a tmpfs in a mount namespace"
[ $rc -eq 0 ] || fail "tmpfs part"

echo "== two fetch runs at once"
CACHE=$T/cache2
write_conf t "CN" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr"
printf '1.0.1.0/24\n1.0.8.0/24\n2001:250::/35\n' >"$DOC/cn.txt"
set_fault /cn.txt delay 1.5
for i in 1 2 3; do
	rm -rf "$CACHE"
	"$NB" fetch --config "$T/nb.conf" --feeds-dir "$T/nofeeds" >"$T/o1" 2>&1 & p1=$!
	"$NB" fetch --config "$T/nb.conf" --feeds-dir "$T/nofeeds" >"$T/o2" 2>&1 & p2=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	echo "round $i: exits $r1 $r2"
	sed 's/^/    /' "$T/o1" "$T/o2"
	case "$r1 $r2" in
	"0 0") ;;
	"0 75") grep -q "holds the cache lock" "$T/o2" || fail "exit 75 without the lock message" ;;
	"75 0") grep -q "holds the cache lock" "$T/o1" || fail "exit 75 without the lock message" ;;
	*) fail "two fetch runs at once: exits $r1 and $r2" ;;
	esac
	cmp -s "$DOC/cn.txt" "$CACHE/t.CN.0.data" || fail "cache wrong after concurrent fetches"
	printf 'CN t\n' | cmp -s - "$CACHE/sources" || fail "sources wrong after concurrent fetches"
	[ -z "$(ls -A "$CACHE" | grep '^\.')" ] || fail "temporary files left: $(ls -A "$CACHE")"
done
clear_faults
echo "all good"
