#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nftblock fetch: a first download, a conditional re-fetch answered 304,
# a changed file, the cache layout, the lock, and config errors.
. "$(dirname "$0")/fetch_lib.sh"

printf '# test list\n1.0.1.0/24\n1.0.2.0/23\n2001:250::/35\n' >"$DOC/cn.txt"
printf '5.8.0.0/16\n' >"$DOC/ru.txt"
write_conf t "CN RU" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr"

echo "== first fetch"
run_fetch
expect_rc 0
expect_out "t CN: fetched"
expect_out "t RU: fetched"
cmp -s "$DOC/cn.txt" "$CACHE/t.CN.0.data" || fail "cache does not hold cn.txt"
cmp -s "$DOC/ru.txt" "$CACHE/t.RU.0.data" || fail "cache does not hold ru.txt"
grep -q '^etag="' "$CACHE/t.CN.0.meta" || fail "no ETag in the metadata"
grep -q "^sha256=$(sha256sum "$DOC/cn.txt" | cut -d' ' -f1)\$" "$CACHE/t.CN.0.meta" ||
	fail "metadata sha256 is not the file's"
printf 'CN t\nRU t\n' | cmp -s - "$CACHE/sources" || fail "sources file wrong"
# 1.0.1.0/24 + 1.0.2.0/23 = 768 addresses; 2001:250::/35 = 2^93
grep -q '^CN 768 9903520314283042199192993792$' "$CACHE/t.CN.counts" ||
	fail "per-country counts wrong: $(cat "$CACHE/t.CN.counts")"

echo "== second fetch: conditional, 304"
: >"$DOC/.log"
save_cache
run_fetch
expect_rc 0
expect_out "t CN: unchanged (304)"
expect_out "t RU: unchanged (304)"
grep -q '^GET /cn.txt "' "$DOC/.log" || fail "no If-None-Match sent"
cache_same

echo "== changed file"
printf '1.0.1.0/24\n1.0.2.0/23\n1.0.8.0/24\n2001:250::/35\n' >"$DOC/cn.txt"
run_fetch
expect_rc 0
expect_out "t CN: fetched"
expect_out "t RU: unchanged (304)"
cmp -s "$DOC/cn.txt" "$CACHE/t.CN.0.data" || fail "cache not updated"

echo "== the cache lock keeps two runs apart"
if command -v flock >/dev/null 2>&1; then
	flock "$CACHE/lock" sh -c "\"$NB\" fetch --config \"$T/nb.conf\" --feeds-dir \"$T/nofeeds\" >\"$T/out\" 2>&1; echo \$? >\"$T/rc\""
	RC=$(cat "$T/rc")
	expect_rc 75
	expect_out "another nftblock run holds the cache lock"
fi

echo "== config errors: file and line, exit 78"
printf '[nftblock]\nmax-shrink = 40%%\nbogus = 1\n' >"$T/nb.conf"
run_fetch
expect_rc 78
expect_out "nb.conf:3: unknown key 'bogus'"
write_conf nosuch "CN"
run_fetch
expect_rc 78
expect_out "no feed called 'nosuch'"
write_conf t "CN" "[feed:t]" "url = http://127.0.0.1:$PORT/{cc}.txt" "format = cidr"
run_fetch
expect_rc 78
expect_out "needs insecure = yes"
echo "all good"
