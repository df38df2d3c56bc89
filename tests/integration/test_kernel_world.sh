#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# World scale: a registry-shaped world (172k IPv4 + 67k IPv6 prefixes over
# 240 countries, generated deterministically) loads exactly and takes a
# daily update of 100 changes as a diff, both as root in an ip netns (one
# transaction) and in an unprivileged user namespace (unshare -rn: the
# socket buffer is capped, so the shadow maps fill over several
# transactions before a small switch).
. "$(dirname "$0")/kernel_lib.sh"
if [ "${1:-}" != --inner ]; then
need_netns
cd "$TMP" || exit 1
$ORACLE world w1 7 172000 67000 || fail "generate world"
$ORACLE world w2 7 172000 67000 100 || fail "generate update"
G1=$(for f in w1/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)
G2=$(for f in w2/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)
$ORACLE expected $G1 >want1
$ORACLE expected $G2 >want2
set -- $($ORACLE diffcount $G1 -- $G2)
DEL=$1 ADD=$2
echo "world: $(wc -l <want1) prefixes; update: -$DEL +$ADD ranges"
fi

# check_dump RUNNER WANT LABEL: dump equals the oracle's list
check_dump() {
	$1 "$NFTBLOCK" dump | sort >dump || fail "dump ($3)"
	sort "$2" >want
	cmp -s dump want || { diff want dump | head; fail "dump differs ($3)"; }
	ok "exact: $3"
}

run_world() {	# RUNNER LABEL
	r=$1
	rm -rf "$TMP/state"
	out=$($r "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" $G1) ||
		fail "world apply ($2)"
	echo "$out"
	[ "$(field mode "$out")" = full ] || fail "not a full load ($2)"
	TXNS=$(field transactions "$out")
	check_dump "$r" want1 "world loaded ($2)"
	out=$($r "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" $G2) ||
		fail "world update ($2)"
	echo "$out"
	[ "$(field mode "$out")" = diff ] && [ "$(field removed "$out")" = "$DEL" ] &&
		[ "$(field added "$out")" = "$ADD" ] &&
		[ "$(field transactions "$out")" = 1 ] ||
		fail "update was not exactly the diff -$DEL +$ADD ($2)"
	check_dump "$r" want2 "world updated ($2)"
}

if [ "${1:-}" = --inner ]; then	# inside unshare -rn, on the outer files
	cd "$NBK_WORLD_DIR" || exit 1
	TMP=$NBK_WORLD_DIR/userns
	mkdir -p "$TMP"
	DEL=$NBK_DEL ADD=$NBK_ADD
	G1=$(for f in w1/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)
	G2=$(for f in w2/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)
	run_world "" "unshare -rn"
	echo "transactions in the user namespace: $TXNS"
	[ "$TXNS" -gt 1 ] || echo "note: the socket buffer held the whole batch"
	exit 0
fi

mkns NS world
rootns() { ip netns exec "$NS" "$@"; }
run_world rootns "root, ip netns"
[ "$TXNS" = 1 ] || fail "as root the world should load in one transaction"
# the independent oracle, once (nft -j of 240k elements takes seconds)
rootns nft -j list table inet nftblock | $ORACLE nftjson | sort >nftj
sort want2 >want
cmp -s nftj want || fail "nft -j oracle differs from the expected world"
ok "nft -j list agrees"

if ! unshare -rn true 2>/dev/null; then
	echo "unprivileged user namespaces unavailable: root part passed"
	exit 0
fi
export NBK_WORLD_DIR="$TMP" NBK_DEL="$DEL" NBK_ADD="$ADD"
unshare -rn sh "$ROOT/tests/integration/test_kernel_world.sh" --inner ||
	fail "user namespace part"
