#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# [block] early = yes: inbound drops in a prerouting chain at raw priority,
# before connection tracking.  A probe table (the test's own, in the
# namespace) counts the packets of a blocked source that reach conntrack
# ("ct state new" at priority -150, after conntrack at -200): without early
# mode a flood from a blocked source is seen by conntrack, with it none
# is, conntrack holds no entry for it, the country counter still counts the
# drops, and a world-open port still works.
. "$(dirname "$0")/kernel_lib.sh"
need_netns
command -v ping >/dev/null || skip "ping (iputils-ping) not installed"
command -v nc >/dev/null || skip "nc (netcat-openbsd) not installed"
PIDS=""
trap 'kill $PIDS 2>/dev/null; cleanup' EXIT INT TERM
mkns H earh
mkns P earp
cd "$TMP" || exit 1

veth_pair "$H" "$P" e
peer_net "$H" "$P"

nsx "$H" nft -f - <<'NFT' || fail "probe table"
table inet nbkprobe {
	counter seen { }
	chain pre {
		type filter hook prerouting priority -150; policy accept;
		ip saddr 1.0.1.2 ct state new counter name "seen"
	}
}
NFT
pkts() {
	nsx "$H" nft -j list counter inet "$1" "$2" | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    if "counter" in o: print(o["counter"]["packets"])'
}
flood() { nsx "$P" ping -q -c 30 -i 0.01 -W 1 -I 1.0.1.2 9.9.9.1 >/dev/null 2>&1; }
tracked() {
	command -v conntrack >/dev/null || { echo 0; return; }
	nsx "$H" conntrack -L -s 1.0.1.2 2>/dev/null | grep -c .
}
apply() {
	nsx "$H" "$NFTBLOCK" apply --state-dir "$TMP/state" --config "$1" \
		--format cidr cn=cn
}
printf '1.0.1.0/24\n' >cn
for e in no yes; do
	printf '[nftblock]\nfeeds-dir = %s/feeds\n[block]\ncountries = CN\n' \
		"$ROOT" >"$e.conf"
	printf 'direction = in\nearly = %s\n[exceptions]\nports = tcp/8080\n' \
		"$e" >>"$e.conf"
done
nsx "$P" ping -q -c 1 -W 1 9.9.9.1 >/dev/null 2>&1 ||
	nsx "$P" ping -q -c 1 -W 1 9.9.9.1 >/dev/null 2>&1 || fail "setup: no link"

# without early mode conntrack sees the flood before our input chain
apply no.conf >/dev/null || fail "apply early = no"
nsx "$H" nft list table inet nftblock | grep -q "hook prerouting" &&
	fail "prerouting chain without early mode"
s0=$(pkts nbkprobe seen)
flood && fail "blocked source reached the host"
s1=$(pkts nbkprobe seen)
[ "$s1" -gt "$s0" ] || fail "probe saw nothing without early mode ($s0 -> $s1)"
ok "early = no: conntrack saw $((s1 - s0)) packets of a blocked source"

out=$(apply yes.conf) || fail "apply early = yes"
echo "$out" | grep -q "mode=full" || fail "switching early mode was not a full replace"
nsx "$H" nft list chain inet nftblock prerouting | grep -q "priority raw" ||
	fail "no prerouting chain at raw priority"
c0=$(pkts nftblock cc_CN)
flood && fail "blocked source reached the host in early mode"
nsx "$P" nc -z -w 1 -s 1.0.1.2 9.9.9.1 8081 && fail "TCP from a blocked source"
s2=$(pkts nbkprobe seen)
c1=$(pkts nftblock cc_CN)
[ "$s2" = "$s1" ] || fail "conntrack saw a blocked source in early mode ($s1 -> $s2)"
[ "$c1" -ge $((c0 + 30)) ] || fail "early drops not counted ($c0 -> $c1)"
n=$(tracked)
[ "$n" = 0 ] || fail "conntrack holds $n entries of a blocked source"
ok "early = yes: $((c1 - c0)) drops counted, none reached conntrack, $n entries"

nsx "$P" ping -q -c 1 -W 1 -I 9.9.9.2 9.9.9.1 >/dev/null 2>&1 ||
	fail "an unblocked source is dropped in early mode"
ip netns exec "$H" nc -l -k 9.9.9.1 8080 >/dev/null 2>&1 </dev/null &
PIDS="$PIDS $!"
sleep 0.3
nsx "$P" nc -z -w 2 -s 1.0.1.2 9.9.9.1 8080 ||
	fail "world-open port closed in early mode"
ok "early = yes: unblocked source and world-open port pass"

# back to late mode: the prerouting chain goes
apply no.conf >/dev/null || fail "apply early = no again"
nsx "$H" nft list table inet nftblock | grep -q "hook prerouting" &&
	fail "prerouting chain left behind"
nsx "$H" nft list table inet nbkprobe >/dev/null || fail "probe table touched"
ok "early mode switched off: prerouting chain removed, other tables kept"
