#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nftblock fetch gates: a country shrinking or growing past the limit, one
# going to zero, bogons, --force (size gates only), and a fallback source
# taking over when the primary fails.
. "$(dirname "$0")/fetch_lib.sh"

# CN: 1.0.0.0/16 + 1.1.0.0/16 (131072 addresses) and one IPv6 /32
printf '1.0.0.0/16\n1.1.0.0/16\n2001:250::/32\n' >"$DOC/cn.txt"
write_conf t "CN" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr"
run_fetch
expect_rc 0
save_cache

echo "== shrink past max-shrink (40%) is refused"
printf '1.0.0.0/16\n2001:250::/32\n' >"$DOC/cn.txt"
run_fetch
expect_rc 75
expect_out "t CN: refused: CN IPv4 shrank by 50% (limit max-shrink = 40%; --force overrides)"
cache_same

echo "== a shrink within the limit passes"
sed -i 's/^max-shrink.*//' "$T/nb.conf"
printf '1.0.0.0/16\n1.1.0.0/17\n2001:250::/32\n' >"$DOC/cn.txt"
run_fetch
expect_rc 0
expect_out "t CN: fetched"
save_cache

echo "== growth past max-grow is refused"
printf '1.0.0.0/16\n1.1.0.0/17\n1.2.0.0/15\n1.4.0.0/16\n2001:250::/32\n' >"$DOC/cn.txt"
run_fetch
expect_rc 75
expect_out "t CN: refused: CN IPv4 grew by 200% (limit max-grow = 100%"
cache_same
echo "== max-grow = 0 turns the limit off"
printf '[nftblock]\nmax-grow = 0\n' >>"$T/nb.conf"
run_fetch
expect_rc 0
expect_out "t CN: fetched"
write_conf t "CN" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr"
save_cache

echo "== --force lifts the size gates"
printf '1.0.0.0/24\n2001:250::/32\n' >"$DOC/cn.txt"
run_fetch
expect_rc 75
expect_out "shrank by"
cache_same
run_fetch --force
expect_rc 0
expect_out "t CN: fetched"
cmp -s "$DOC/cn.txt" "$CACHE/t.CN.0.data" || fail "forced copy not cached"
save_cache

echo "== a family going to zero is refused, even with --force"
printf '1.0.0.0/24\n' >"$DOC/cn.txt"
run_fetch --force
expect_rc 75
expect_out "t CN: refused: CN IPv6 went to zero addresses (always refused)"
cache_same

echo "== bogons labelled as a country are refused, even with --force"
printf '1.0.0.0/24\n10.0.0.0/8\n2001:250::/32\n' >"$DOC/cn.txt"
run_fetch --force
expect_rc 75
expect_out "t CN: refused: bogons: 1 special-purpose range(s) labelled as a country (first: CN, IPv4)"
cache_same

echo "== a parse error is refused, even with --force"
printf '1.0.0.0/24\nnot-a-prefix\n2001:250::/32\n' >"$DOC/cn.txt"
run_fetch --force
expect_rc 75
expect_out "parse error: .*cn.txt:2: not a valid prefix"
cache_same

echo "== an empty list is refused"
printf '# nothing here\n' >"$DOC/cn.txt"
run_fetch --force
expect_rc 75
expect_out "t CN: refused: .*empty feed"
cache_same

echo "== fallback: the primary fails for CN, the second source takes over"
printf '1.0.0.0/24\n2001:250::/32\n' >"$DOC/cn.txt"
mkdir -p "$DOC/fb"
printf '1.0.0.0/24\n2001:250::/32\n' >"$DOC/fb/CN.zone"
printf '5.8.0.0/16\n' >"$DOC/ru.txt"
write_conf "t fb" "CN RU" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr" \
	"[feed:fb]" "url = $URL/fb/{CC}.zone" "format = cidr"
set_fault /cn.txt status 503
run_fetch
expect_rc 75
expect_out "t CN: refused: .*HTTP status 503"
expect_out "t RU: fetched"
expect_out "fb CN: fetched (fallback: t failed)"
expect_no_out "fb RU"
printf 'CN fb\nRU t\n' | cmp -s - "$CACHE/sources" || fail "sources file: $(cat "$CACHE/sources")"
cmp -s "$DOC/fb/CN.zone" "$CACHE/fb.CN.0.data" || fail "fallback data not cached"

echo "== the primary back: it serves CN again"
clear_faults
run_fetch
expect_rc 0
expect_out "t CN: "
expect_no_out "fb CN"
printf 'CN t\nRU t\n' | cmp -s - "$CACHE/sources" || fail "sources file: $(cat "$CACHE/sources")"

echo "== a world feed (one file for all countries) and a file:// mirror"
printf '1.0.0.0/24\n' >"$T/world.txt"
write_conf w "CN" "[feed:w]" "url = file://$T/world.txt" "format = cidr" "scope = world"
run_fetch
expect_rc 0
expect_out "w: fetched"
echo "all good"
