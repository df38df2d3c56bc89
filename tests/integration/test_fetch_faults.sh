#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nftblock fetch fails closed: every download fault refuses the feed with
# its cause, exits 75 (last good data remains), and leaves the cache
# holding the last good copy byte for byte.
. "$(dirname "$0")/fetch_lib.sh"

printf '1.0.1.0/24\n1.0.2.0/23\n2001:250::/35\n' >"$DOC/cn.txt"
write_conf t "CN" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr"
run_fetch
expect_rc 0
expect_out "t CN: fetched"
save_cache
# the server's copy changes, so a fault-free run would replace the cache
printf '1.0.1.0/24\n1.0.2.0/23\n1.0.8.0/24\n2001:250::/35\n' >"$DOC/cn.txt"

# fault MODE ARG CAUSE: the fault on /cn.txt is refused with CAUSE
fault() {
	echo "== $1 $2"
	set_fault /cn.txt "$1" "$2"
	run_fetch
	expect_rc 75
	expect_out "t CN: refused: .*$3"
	expect_out "CN: keeping the last good data from t"
	expect_no_out "t CN: fetched"
	cache_same
}

fault status 404 "HTTP status 404"
fault status 500 "HTTP status 500"
fault html "" "looks like an HTML page"
fault truncate "" "truncated download"
start=$(date +%s)
fault stall "" "download failed: Operation too slow"
[ $(( $(date +%s) - start )) -lt 20 ] || fail "a stalled server was not cut off by low-speed-time"
fault oversize 2000000 "oversize: larger than 1000000 bytes"
fault oversize-nolen 2000000 "oversize: larger than 1000000 bytes"
fault redirect "http://127.0.0.1:$PORT/cn.txt" "redirect to a disallowed protocol refused"

echo "== retried: 500 is fetched twice (retries = 1)"
set_fault /cn.txt status 500
: >"$DOC/.log"
run_fetch
[ "$(grep -c '^GET /cn.txt' "$DOC/.log")" -eq 2 ] || fail "expected 2 attempts"
echo "== not retried: 404 is fetched once"
set_fault /cn.txt status 404
: >"$DOC/.log"
run_fetch
[ "$(grep -c '^GET /cn.txt' "$DOC/.log")" -eq 1 ] || fail "expected 1 attempt"

echo "== connection refused"
clear_faults
write_conf t "CN" "[feed:t]" "url = https://127.0.0.1:$(closed_port)/{cc}.txt" "format = cidr"
run_fetch
expect_rc 75
expect_out "t CN: refused: .*download failed: .*onnect"
cache_same

echo "== a certificate the CA did not sign"
write_conf t "CN" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=other" \
	-keyout "$T/o.key" -out "$T/other.pem" >/dev/null 2>&1
sed -i "s|^ca-file = .*|ca-file = $T/other.pem|" "$T/nb.conf"
run_fetch
expect_rc 75
expect_out "t CN: refused: .*download failed"
cache_same

echo "== a parse error names the file and line"
write_conf t "CN" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr"
printf '1.0.1.0/24\n1.0.2.0/33\n' >"$DOC/cn.txt"
run_fetch
expect_rc 75
expect_out "t CN: refused: parse error: $URL/cn.txt:2: not a valid prefix"
cache_same

echo "== first run with nothing cached: no good data at all, exit 69"
rm -rf "$CACHE"
set_fault /cn.txt status 404
run_fetch
expect_rc 69
expect_out "CN: no good data from any source"
echo "all good"
