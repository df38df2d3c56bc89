#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nftblock check-config: the shipped default config is valid and blocks
# nothing; a full config is summarised; bad configs give file:line and
# exit 78; nothing is created or changed.
set -u
cd "$(dirname "$0")/../.."
NB=$(pwd)/nftblock/nftblock
[ -x "$NB" ] || { echo "nftblock binary not built"; exit 77; }
T=$(mktemp -d /tmp/nftblock-check.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

fail() { echo "FAIL: $*"; sed 's/^/    | /' "$T/out" "$T/err" 2>/dev/null; exit 1; }
run() { "$NB" check-config --feeds-dir feeds "$@" >"$T/out" 2>"$T/err"; rc=$?; }
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit $rc, want $1"; }
expect_out() { grep -qxF -- "$1" "$T/out" || fail "stdout lacks: $1"; }
expect_err() { grep -qxF -- "$1" "$T/err" || fail "stderr lacks: $1"; }

echo "== the shipped default"
run --config nftblock.conf
expect_rc 0
expect_out "configuration is valid"
expect_out "  config nftblock.conf"
expect_out "  feeds  feeds/rir.feed"
expect_out "sources: rir"
expect_out "policy: nothing is blocked yet: name countries in [block] or [allow]"
expect_out "log drops: no"
[ -s "$T/err" ] && fail "stderr not empty"

echo "== a full configuration"
cat >"$T/full.conf" <<EOC
[nftblock]
sources = ipverse rir
cache-dir = $T/cache
state-dir = $T/state
max-shrink = 25%
[block]
countries = kp cn continent:SA
direction = in
addresses = 198.51.100.7 198.51.100.0/24 2001:db8:1::/48
[allow]
countries = region:arin
direction = forward
[exceptions]
addresses = 192.0.2.10 2001:db8::/32
ports = tcp/80 udp/60000-61000
[log]
drops = yes
prefix = "geo drop: "
rate = 3/second
EOC
run --config "$T/full.conf"
expect_rc 0
expect_out "sources: ipverse, fallbacks: rir"
expect_out "block (in): CN KP continent:SA (16 countries)"
expect_out "allow only (forward): region:arin (29 countries)"
expect_out "block addresses (in): 198.51.100.0/24 2001:db8:1::/48"
expect_out "exceptions: addresses: 192.0.2.10/32 2001:db8::/32"
expect_out "exceptions: ports open to every country: tcp/80 udp/60000-61000"
expect_out "log drops: yes, prefix \"geo drop: \", 3/second, burst 5, level warn"
expect_out "paths: cache-dir $T/cache, state-dir $T/state, ca-file (system bundle)"
grep -q "^limits: max-shrink 25%, max-grow 100%" "$T/out" || fail "limits line"
[ -e "$T/cache" ] || [ -e "$T/state" ] && fail "check-config created a directory"

echo "== bad configurations: file:line: reason, exit 78"
bad() {	# LINE-TEXT EXPECTED-MESSAGE
	printf '[block]\ncountries = CN\n%s\n' "$1" >"$T/bad.conf"
	run --config "$T/bad.conf"
	expect_rc 78
	expect_err "nftblock: $T/bad.conf:3: $2"
	grep -q "configuration is valid" "$T/out" &&
		fail "a bad config was called valid"
	:
}
bad "direction = up" "direction 'up' is not in, out, both, forward or all"
bad "countries = CN XX1" "'XX1' is not a country code"
bad "countries = region:nowhere" "unknown region or continent 'region:nowhere'"
bad "addresses = 0.0.0.0/0" "'0.0.0.0/0' would block every address (for allow-list mode use [allow])"
bad "colour = red" "unknown key 'colour'"
bad "[logging]" "unknown section '[logging]'"
printf '[log]\nrate = fast\n' >"$T/bad.conf"
run --config "$T/bad.conf"
expect_rc 78
expect_err "nftblock: $T/bad.conf:2: rate 'fast' is not N/second, N/minute, N/hour or N/day with N from 1 to 10000"

echo "== a source that names no feed"
printf '[nftblock]\nsources = nosuch\n' >"$T/bad.conf"
run --config "$T/bad.conf"
expect_rc 78
grep -q "no feed called 'nosuch'" "$T/err" || fail "unknown source not reported"

echo "== a bad feed catalogue"
mkdir "$T/feeds"
printf '[feed:rir]\nurl = https://x/y\nformat = rir\n[nftblock]\n' >"$T/feeds/x.feed"
"$NB" check-config --config nftblock.conf --feeds-dir "$T/feeds" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 78
expect_err "nftblock: $T/feeds/x.feed:4: a feed file holds only [feed:NAME] sections"

echo "== the examples of nftblock.conf(5) are valid"
awk '/^\.Sh EXAMPLES/ { ex = 1 } ex && /^\.Bd -literal/ { n++; inb = 1; next }
	inb && /^\.Ed/ { inb = 0; next }
	inb { print > (dir "/ex" n ".conf") }' dir="$T" nftblock/nftblock.conf.5
[ -f "$T/ex3.conf" ] || fail "examples not found in nftblock.conf.5"
for e in "$T"/ex*.conf; do
	run --config "$e"
	expect_rc 0
done
run --config "$T/ex2.conf"
expect_out "allow only (in): continent:EU (53 countries)"

echo "== missing file, usage"
run --config "$T/nonexistent.conf"
expect_rc 78
grep -q "nonexistent.conf" "$T/err" || fail "missing file not named"
run --config nftblock.conf extra
expect_rc 64
run --bogus
expect_rc 64
"$NB" check-config --help >"$T/out" 2>&1 || fail "--help failed"
expect_out "Usage: nftblock check-config [--config FILE] [--feeds-dir DIR]"
echo "check-config: ok"
