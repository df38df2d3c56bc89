#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real packets: a host and a peer namespace joined by a veth pair.  The peer
# has an address inside a blocked country's range and one outside.  After
# apply, neither side reaches the other through the blocked address (ICMP
# and TCP, IPv4 and IPv6), the other address still works, and the country's
# counter counts the drops.
. "$(dirname "$0")/kernel_lib.sh"
need_netns
command -v ping >/dev/null || skip "ping (iputils-ping) not installed"
command -v nc >/dev/null || skip "nc (netcat-openbsd) not installed"
mkns H host
mkns P peer
cd "$TMP" || exit 1

veth_pair "$H" "$P" k
peer_net "$H" "$P"
ip -n "$H" addr add 2a01:4f8::1/64 dev v0 nodad
ip -n "$P" addr add 2a01:4f8::2/64 dev v0 nodad
ip -n "$P" addr add 2001:250::2/128 dev v0 nodad
ip -n "$H" route add 2001:250::/35 dev v0
ip -n "$P" route add 2a01:4f8::/64 dev v0 2>/dev/null

reach() { ns=$1; shift; nsx "$ns" ping -q -c 1 -W 1 "$@" >/dev/null 2>&1; }
counter() {
	nsx "$H" nft -j list counter inet nftblock "cc_$1" | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    if "counter" in o: print(o["counter"]["packets"])'
}

# before: everything reachable
# (first pings wait for neighbour discovery)
reach "$H" 1.0.1.2 || reach "$H" 1.0.1.2 || fail "setup: host cannot reach 1.0.1.2"
reach "$H" 2001:250::2 || reach "$H" 2001:250::2 ||
	fail "setup: host cannot reach 2001:250::2"
reach "$H" 2a01:4f8::2 || reach "$H" 2a01:4f8::2 ||
	fail "setup: host cannot reach 2a01:4f8::2"
reach "$P" -I 1.0.1.2 9.9.9.1 || fail "setup: peer cannot reach host"
ok "before apply: all addresses reachable"

printf '1.0.1.0/24\n2001:250::/35\n' >cn
printf '5.0.0.0/8\n' >ru
nsx "$H" "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" cn=cn ru=ru ||
	fail "apply"

c0=$(counter CN)
[ "$c0" = 0 ] || fail "counter not zero at start: $c0"
reach "$H" 1.0.1.2 && fail "host reached a blocked IPv4 peer"
c1=$(counter CN)
[ "$c1" -ge 1 ] || fail "outbound IPv4 drop not counted"
reach "$P" -I 1.0.1.2 9.9.9.1 && fail "blocked IPv4 peer reached the host"
c2=$(counter CN)
[ "$c2" -gt "$c1" ] || fail "inbound IPv4 drop not counted"
reach "$H" 9.9.9.2 || fail "host cannot reach an allowed IPv4 peer"
reach "$P" -I 9.9.9.2 9.9.9.1 || fail "allowed IPv4 peer cannot reach host"
ok "IPv4: blocked both ways, other address fine, counter $c0 -> $c2"

reach "$H" 2001:250::2 && fail "host reached a blocked IPv6 peer"
c3=$(counter CN)
[ "$c3" -gt "$c2" ] || fail "outbound IPv6 drop not counted"
reach "$P" -I 2001:250::2 2a01:4f8::1 && fail "blocked IPv6 peer reached the host"
c4=$(counter CN)
[ "$c4" -gt "$c3" ] || fail "inbound IPv6 drop not counted"
reach "$H" 2a01:4f8::2 || fail "host cannot reach an allowed IPv6 peer"
reach "$P" -I 2a01:4f8::2 2a01:4f8::1 || fail "allowed IPv6 peer cannot reach host"
ok "IPv6: blocked both ways, other address fine, counter $c2 -> $c4"

# TCP, both directions
nsx "$P" nc -l -k 1.0.1.2 8080 >/dev/null 2>&1 &
nsx "$P" nc -l -k 9.9.9.2 8081 >/dev/null 2>&1 &
nsx "$H" nc -l -k 9.9.9.1 8082 >/dev/null 2>&1 &
sleep 0.3
nsx "$H" nc -z -w 1 9.9.9.2 8081 || fail "TCP to an allowed peer failed"
nsx "$H" nc -z -w 1 1.0.1.2 8080 && fail "TCP to a blocked peer connected"
nsx "$P" nc -z -w 1 -s 1.0.1.2 9.9.9.1 8082 && fail "TCP from a blocked peer connected"
nsx "$P" nc -z -w 1 -s 9.9.9.2 9.9.9.1 8082 || fail "TCP from an allowed peer failed"
kill $(jobs -p) 2>/dev/null
ok "TCP: blocked both ways, allowed peer connects"
[ "$(counter RU)" = 0 ] || fail "another country's counter moved"

# why reports the counter
w=$(nsx "$H" "$NFTBLOCK" why 1.0.1.2)
echo "$w"
echo "$w" | grep -q "country CN.*drop (counter cc_CN: $(counter CN) packets" ||
	fail "why: $w"

# an exception wins over the country
nsx "$H" "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" \
	--allow 1.0.1.2 cn=cn ru=ru || fail "apply with exception"
reach "$H" 1.0.1.2 || fail "exception address still blocked"
reach "$H" 2001:250::2 && fail "IPv6 still must be blocked"
ok "exception set accepts before the country map"

# disable: reachable again
nsx "$H" "$NFTBLOCK" disable --state-dir "$TMP/state" >/dev/null || fail disable
reach "$H" 2001:250::2 || fail "still blocked after disable"
ok "disable restores traffic"
