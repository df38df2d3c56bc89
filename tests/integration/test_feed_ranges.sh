#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# feed-cidrs on the range-format fixtures: GeoLite2 files in any order and
# under any name (told apart by header), gzip input, and the exit status and
# "file:line: reason" message for a bad file.
cd "$(dirname "$0")/../.." || exit 1
bin=$PWD/nftblock/nftblock
fx=$PWD/tests/fixtures
tmp=$(mktemp -d /tmp/nftblock-ranges.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

expect() {	# expect NAME WANT GOT
	if [ "$2" = "$3" ]; then
		echo "ok   $1"
	else
		printf 'FAIL %s\n  want: %s\n  got:  %s\n' "$1" "$2" "$3"
		fail=1
	fi
}

# blocks file first, locations file under a name without "Locations"
cp "$fx/maxmind/good-Locations-en.csv" "$tmp/names.csv"
got=$("$bin" feed-cidrs --format maxmind --country us \
	"$fx/maxmind/good-Blocks-IPv4.csv" "$fx/maxmind/good-Blocks-IPv6-anycast.csv" \
	"$tmp/names.csv" 2>/dev/null | tr '\n' ' ')
# 10.0.0.0/8 and 2001:db8::/32 are labelled US but never blocked
expect "maxmind, blocks first" "1.0.0.0/24 " "$got"
got=$("$bin" feed-cidrs --format maxmind --country gb \
	"$fx/maxmind/good-Blocks-IPv6-anycast.csv" "$tmp/names.csv" | tr '\n' ' ')
expect "maxmind, registered country fallback" "2a00::/16 " "$got"

# no locations file at all
"$bin" feed-cidrs --format maxmind "$fx/maxmind/good-Blocks-IPv4.csv" \
	>"$tmp/out" 2>"$tmp/err"
expect "maxmind without locations: exit" 65 $?
expect "maxmind without locations: message" \
	"nftblock: $fx/maxmind/good-Blocks-IPv4.csv:1: GeoLite2 blocks file needs the locations file first" \
	"$(cat "$tmp/err")"
expect "nothing on stdout after an error" "" "$(cat "$tmp/out")"

# gzip-compressed range CSV, IPv4 and IPv6 in one file
gzip -c "$fx/csv/good-quoted-crlf-mixed.csv" >"$tmp/mixed.csv.gz"
got=$("$bin" feed-cidrs --format csv --country de --country eu --country ap \
	"$tmp/mixed.csv.gz" | tr '\n' ' ')
# 203.0.113.0/25 (AP) and 2001:db8:1:: (EU) are documentation space
expect "csv gzip" "1.2.3.0/24 " "$got"

# a bad line names the file and line; exit 65
"$bin" feed-cidrs --format csv "$fx/csv/bad-start-after-end.csv" \
	>/dev/null 2>"$tmp/err"
expect "csv bad: exit" 65 $?
expect "csv bad: message" \
	"nftblock: $fx/csv/bad-start-after-end.csv:2: start after end" \
	"$(cat "$tmp/err")"

# the IPv4-mapped rows of an IPv6 IP2Location file come out as IPv4
got=$("$bin" feed-cidrs --format ip2location --country au \
	"$fx/ip2location/good-db1-ipv6.csv" | tr '\n' ' ')
expect "ip2location IPv6 file, mapped rows" "1.0.0.0/24 " "$got"

# Tor: UK is GB, CS kept
got=$("$bin" feed-cidrs --format torgeoip --country gb --country cs \
	"$fx/torgeoip/good-geoip" | tr '\n' ' ')
expect "torgeoip UK and CS" "1.0.1.0/24 1.0.2.0/23 1.0.4.0/22 " "$got"
exit $fail
