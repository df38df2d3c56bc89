#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# feed-cidrs on the command line: output, exit codes, nothing on stdout on error.
set -eu
cd "$(dirname "$0")/../.."
bin=./nftblock/nftblock
fx=tests/fixtures/cidr
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

# aggregation, canonical output, address order, IPv4 then IPv6
printf '1.0.2.0/23\n1.0.1.0/24\n8.8.8.8\n2001:0200::/23\n1.0.0.0/24\n' >"$tmp/a"
$bin feed-cidrs --format cidr "$tmp/a" >"$tmp/out"
printf '1.0.0.0/22\n8.8.8.8/32\n2001:200::/23\n' | cmp - "$tmp/out" || fail "aggregate"

# family filter, countries by CC=FILE, union of several countries
printf '5.0.0.0/24\n' >"$tmp/ru"
$bin feed-cidrs --format cidr --family 6 "$tmp/a" >"$tmp/out"
printf '2001:200::/23\n' | cmp - "$tmp/out" || fail "family"
$bin feed-cidrs --format cidr --country ru cn="$tmp/a" ru="$tmp/ru" >"$tmp/out"
printf '5.0.0.0/24\n' | cmp - "$tmp/out" || fail "country filter"
$bin feed-cidrs --format cidr --family 4 cn="$tmp/a" ru="$tmp/ru" >"$tmp/out"
printf '1.0.0.0/22\n5.0.0.0/24\n8.8.8.8/32\n' | cmp - "$tmp/out" || fail "union"

# special-purpose ranges are never a country's: removed with a warning
printf '10.0.0.0/8\n11.0.0.0/8\n' >"$tmp/b"
$bin feed-cidrs --format cidr "$tmp/b" >"$tmp/out" 2>"$tmp/err"
printf '11.0.0.0/8\n' | cmp - "$tmp/out" || fail "never-block"
grep -q 'special-purpose' "$tmp/err" || fail "never-block warning"

# gzip-compressed input
gzip -c "$tmp/a" >"$tmp/a.gz"
$bin feed-cidrs --format cidr "$tmp/a.gz" | grep -q '^1.0.0.0/22$' || fail "gzip"

# bad data: exit 65, file:line on stderr, nothing on stdout
expect_bad() {
	rc=0
	$bin feed-cidrs --format cidr "$1" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 65 ] || fail "$1: exit $rc, want 65"
	[ ! -s "$tmp/out" ] || fail "$1: printed on stdout"
	grep -q "^nftblock: $1:$2" "$tmp/err" || fail "$1: message: $(cat "$tmp/err")"
}
expect_bad $fx/hostbits.cidr "2: host bits set"
expect_bad $fx/len33.cidr "1: not a valid prefix"
expect_bad $fx/empty.cidr " empty feed"
expect_bad $fx/captive.html " looks like an HTML page"
printf '1.2.3.0/24\n' >"$tmp/ok"
rc=0; $bin feed-cidrs --format cidr "$tmp/ok" $fx/len33.cidr >"$tmp/out" 2>/dev/null || rc=$?
[ "$rc" -eq 65 ] && [ ! -s "$tmp/out" ] || fail "one bad file rejects the run"

# usage errors and unreadable files
rc=0; $bin feed-cidrs --format nope "$tmp/a" 2>/dev/null || rc=$?
[ "$rc" -eq 64 ] || fail "bad format: $rc"
rc=0; $bin feed-cidrs --format cidr --country CHN "$tmp/a" 2>/dev/null || rc=$?
[ "$rc" -eq 64 ] || fail "bad country: $rc"
rc=0; $bin feed-cidrs --format cidr "$tmp/missing" 2>/dev/null || rc=$?
[ "$rc" -eq 66 ] || fail "missing file: $rc"
rc=0; $bin frobnicate 2>/dev/null || rc=$?
[ "$rc" -eq 64 ] || fail "unknown command: $rc"
echo "feed-cidrs: all checks passed"
