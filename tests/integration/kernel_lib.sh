# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the kernel tests (sourced).  Every test works inside network
# namespaces it creates; the host's own ruleset is never touched.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NFTBLOCK=$ROOT/nftblock/nftblock
ORACLE="python3 $ROOT/tests/integration/kernel_oracle.py"
TMP=$(mktemp -d /tmp/nftblock-kt.XXXXXX)
NSLIST=""

cleanup() {
	for ns in $NSLIST; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

skip() { echo "$1"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

need_netns() {
	[ "$(id -u)" = 0 ] || skip "needs root for ip netns"
	command -v ip >/dev/null || skip "iproute2 (ip) not installed"
	command -v nft >/dev/null || skip "nft (the test oracle) not installed"
	[ -x "$NFTBLOCK" ] || fail "build nftblock first"
	probe=nbk-probe-$$
	ip netns add "$probe" 2>/dev/null || skip "cannot create network namespaces"
	if ! ip netns exec "$probe" nft add table inet nbkprobe 2>/dev/null; then
		ip netns del "$probe"
		skip "nf_tables is not available in this kernel"
	fi
	ip netns del "$probe"
}

# mkns VAR NAME: a fresh namespace with lo up, unique to this run, named in
# $VAR (not in a subshell: the cleanup list must see it)
mkns() {
	_ns=nbk-$2-$$
	ip netns add "$_ns" || fail "ip netns add $_ns"
	NSLIST="$NSLIST $_ns"
	ip -n "$_ns" link set lo up
	eval "$1=\$_ns"
}

# veth_pair NS_H NS_P TAG: a veth pair between two namespaces, named v0 on
# both sides and up (TAG: up to 3 characters, unique per test); skips the
# test where veth pairs cannot be made
veth_pair() {
	ip link add "nbv$3h$$" netns "$1" type veth peer name "nbv$3p$$" netns "$2" ||
		skip "cannot create veth pairs"
	ip -n "$1" link set "nbv$3h$$" name v0
	ip -n "$2" link set "nbv$3p$$" name v0
	ip -n "$1" link set v0 up
	ip -n "$2" link set v0 up
}

# peer_net NS_H NS_P: the packet tests' IPv4 addressing over veth_pair's
# link: host 9.9.9.1/24, peer 9.9.9.2/24 and 1.0.1.2 (inside the test's
# "CN" range 1.0.1.0/24, which the host routes over the link)
peer_net() {
	ip -n "$1" addr add 9.9.9.1/24 dev v0
	ip -n "$2" addr add 9.9.9.2/24 dev v0
	ip -n "$2" addr add 1.0.1.2/32 dev v0
	ip -n "$1" route add 1.0.1.0/24 dev v0
}

# nsx NS CMD...: run in a namespace
nsx() { ns=$1; shift; ip netns exec "$ns" "$@"; }

# field NAME LINE: value of NAME=... in an "apply:" line
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# foreign_table NS: another tool's table, with its own set, map and rules
foreign_table() {
	nsx "$1" nft -f - <<'NFT' || fail "foreign table"
table inet foreign {
	set peers {
		type ipv4_addr; flags interval
		elements = { 1.0.1.0/24, 9.9.9.0/24 }
	}
	map ports {
		type inet_service : verdict
		elements = { 22 : accept, 23 : drop }
	}
	chain in {
		type filter hook input priority 0; policy accept;
		ip saddr @peers counter
		tcp dport vmap @ports
	}
}
table ip other {
	chain c {
		counter
	}
}
NFT
}

foreign_text() { nsx "$1" nft list table inet foreign; nsx "$1" nft list table ip other; }

# check_exact NS EXPECTED_FILE: dump and the nft -j oracle both equal it
check_exact() {
	nsx "$1" "$NFTBLOCK" dump --state-dir "$TMP/state" | sort >"$TMP/dump" ||
		fail "dump failed"
	sort "$2" >"$TMP/want"
	cmp -s "$TMP/dump" "$TMP/want" ||
		{ diff "$TMP/want" "$TMP/dump" | head; fail "dump differs ($3)"; }
	nsx "$1" nft -j list table inet nftblock | $ORACLE nftjson | sort \
		>"$TMP/nftj" || fail "nft -j oracle failed"
	cmp -s "$TMP/nftj" "$TMP/want" ||
		{ diff "$TMP/want" "$TMP/nftj" | head; fail "nft -j differs ($3)"; }
	ok "kernel holds exactly the expected ranges ($3, $(wc -l <"$TMP/want") prefixes)"
}
