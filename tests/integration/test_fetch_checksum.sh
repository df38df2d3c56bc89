#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nftblock fetch checks published checksum files: BSD style beside the file
# ({url}.md5), GNU style MD5SUM lists in the directory ({dir}MD5SUM),
# SHA-256; a mismatch is refused even with --force.
. "$(dirname "$0")/fetch_lib.sh"

if [ -f nftblock/parse_stub.c ] && grep -q '^int parse_checksum' nftblock/parse_stub.c; then
	skip "parse_checksum is still a stub in this tree"
fi

mkdir -p "$DOC/agg"
printf '1.0.1.0/24\n1.0.2.0/23\n' >"$DOC/agg/cn.zone"
printf '5.8.0.0/16\n' >"$DOC/agg/ru.zone"
gnu_md5sum() { (cd "$DOC/agg" && md5sum cn.zone ru.zone) >"$DOC/agg/MD5SUM"; }
gnu_md5sum
write_conf t "CN RU" "[feed:t]" "url = $URL/agg/{cc}.zone" "format = cidr" \
	"checksum = {dir}MD5SUM"

echo "== GNU style MD5SUM list"
run_fetch
expect_rc 0
expect_out "t CN: fetched"
expect_out "t RU: fetched"
save_cache

echo "== wrong checksum: refused, also with --force"
printf '1.0.1.0/24\n1.0.2.0/23\n1.0.8.0/24\n' >"$DOC/agg/cn.zone"
run_fetch --force
expect_rc 75
expect_out "t CN: refused: checksum mismatch: $URL/agg/cn.zone does not match $URL/agg/MD5SUM"
expect_out "t RU: unchanged (304)"
cache_same

echo "== checksum file missing: refused"
rm "$DOC/agg/MD5SUM"
run_fetch
expect_rc 75
expect_out "t CN: refused: checksum file: .*MD5SUM: HTTP status 404"
cache_same
gnu_md5sum
run_fetch
expect_rc 0
expect_out "t CN: fetched"

echo "== BSD style MD5 beside a world file, without a final newline"
printf '1.0.1.0/24\n5.8.0.0/16\n' >"$DOC/world.txt"
printf 'MD5 (world.txt) = %s' "$(md5sum <"$DOC/world.txt" | cut -d' ' -f1)" >"$DOC/world.txt.md5"
write_conf w "CN RU" "[feed:w]" "url = $URL/world.txt" "format = cidr" \
	"scope = world" "checksum = {url}.md5"
run_fetch
expect_rc 0
expect_out "w: fetched"
save_cache
printf '1.0.1.0/24\n5.8.0.0/17\n' >"$DOC/world.txt"
run_fetch
expect_rc 75
expect_out "w: refused: checksum mismatch"
cache_same

echo "== SHA-256"
printf '%s  world.txt\n' "$(sha256sum <"$DOC/world.txt" | cut -d' ' -f1)" >"$DOC/world.txt.sha256"
sed -i 's/^checksum = .*/checksum = {url}.sha256/' "$T/nb.conf"
run_fetch
expect_rc 0
expect_out "w: fetched"
echo "all good"
