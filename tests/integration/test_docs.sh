#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages lint clean and name exactly the commands usage() prints;
# nftblock.conf(5) describes every section and key the parser accepts.
set -eu
cd "$(dirname "$0")/../.."
command -v mandoc >/dev/null || { echo "mandoc not installed"; exit 77; }
for m in nftblock/*.[58]; do
	out=$(mandoc -Tlint -Wwarning "$m" 2>&1 | grep -v 'mandoc.db' || true)
	[ -z "$out" ] || { echo "FAIL: $m: $out"; exit 1; }
done
cmds=$(./nftblock/nftblock help | sed -n "s/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p" | sort -u)
man=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh/s/^\.Cm \([a-z][a-z-]*\).*/\1/p' nftblock/nftblock.8 | sort -u)
[ "$cmds" = "$man" ] || { echo "FAIL: usage() has: $cmds"; echo "man SYNOPSIS has: $man"; exit 1; }
for c in $cmds; do
	grep -q "^\.It Cm $c" nftblock/nftblock.8 || { echo "FAIL: $c not described"; exit 1; }
	grep -q "nftblock $c" README || { echo "FAIL: README lacks $c"; exit 1; }
done
# Every section and key the parser accepts is described in nftblock.conf(5).
keys=$(grep -o 'util_eq(k, kl, "[a-z0-9-]*")' nftblock/conf.c | sed 's/.*"\(.*\)")/\1/' | sort -u)
secs=$(grep -o 'util_eq(s, len, "[a-z]*")' nftblock/conf.c | sed 's/.*"\(.*\)")/\1/' | sort -u)
[ -n "$keys" ] && [ -n "$secs" ] || { echo "FAIL: no keys found in conf.c"; exit 1; }
for k in $keys; do
	grep -Eq "Ic $k( |$)" nftblock/nftblock.conf.5 || { echo "FAIL: key $k not in nftblock.conf.5"; exit 1; }
done
for sec in $secs feed:NAME; do
	grep -q "^\.Ss The \[$sec\] section" nftblock/nftblock.conf.5 || { echo "FAIL: [$sec] not in nftblock.conf.5"; exit 1; }
done
echo "docs: $(echo $cmds | wc -w) commands in usage, man page and README; $(echo $keys | wc -w) keys and $(echo $secs | wc -w) sections in nftblock.conf(5)"
