#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Router mode: --direction forward on a router namespace between a LAN
# client and a peer.  The client cannot reach the peer's blocked address
# (IPv4 and IPv6) but reaches its other address; the router itself is not
# filtered (no input/output chains).
. "$(dirname "$0")/kernel_lib.sh"
need_netns
command -v ping >/dev/null || skip "ping (iputils-ping) not installed"
mkns L lan
mkns R rtr
mkns P wan
cd "$TMP" || exit 1

veth() {	# NS1 NS2: v-link named after NS2 in NS1 and after NS1 in NS2
	ip link add "nbka$$" netns "$1" type veth peer name "nbkb$$" netns "$2" ||
		skip "cannot create veth pairs"
	ip -n "$1" link set "nbka$$" name "to$3" up
	ip -n "$2" link set "nbkb$$" name "to$4" up
}
veth "$L" "$R" r l
veth "$R" "$P" p r
ip -n "$L" addr add 192.168.7.2/24 dev tor
ip -n "$L" addr add fd00:7::2/64 dev tor nodad
ip -n "$L" route add default via 192.168.7.1
ip -n "$L" route add default via fd00:7::1
ip -n "$R" addr add 192.168.7.1/24 dev tol
ip -n "$R" addr add fd00:7::1/64 dev tol nodad
ip -n "$R" addr add 9.9.9.1/24 dev top
ip -n "$R" addr add 2a01:4f8::1/64 dev top nodad
ip -n "$R" route add 1.0.1.0/24 dev top
ip -n "$R" route add 2001:250::/35 dev top
nsx "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
ip -n "$P" addr add 9.9.9.2/24 dev tor
ip -n "$P" addr add 1.0.1.2/32 dev tor
ip -n "$P" addr add 2a01:4f8::2/64 dev tor nodad
ip -n "$P" addr add 2001:250::2/128 dev tor nodad
ip -n "$P" route add 192.168.7.0/24 via 9.9.9.1
ip -n "$P" route add fd00:7::/64 via 2a01:4f8::1

reach() { ns=$1; shift; nsx "$ns" ping -q -c 1 -W 1 "$@" >/dev/null 2>&1; }
for a in 1.0.1.2 9.9.9.2 2001:250::2 2a01:4f8::2; do	# neighbours resolve
	reach "$L" "$a" || reach "$L" "$a" || reach "$L" "$a" ||
		fail "setup: client cannot reach $a"
done

printf '1.0.1.0/24\n2001:250::/35\n' >cn
nsx "$R" "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" \
	--direction forward cn=cn || fail "apply"
reach "$L" 1.0.1.2 && fail "client reached a blocked IPv4 address through the router"
reach "$L" 2001:250::2 && fail "client reached a blocked IPv6 address through the router"
reach "$L" 9.9.9.2 || fail "client cannot reach an allowed IPv4 address"
reach "$L" 2a01:4f8::2 || fail "client cannot reach an allowed IPv6 address"
reach "$P" -I 1.0.1.2 192.168.7.2 && fail "blocked peer reached the client"
reach "$R" 1.0.1.2 || fail "the router itself is filtered in forward mode"
n=$(nsx "$R" nft -j list counter inet nftblock cc_CN | python3 -c '
import json, sys
print([o for o in json.load(sys.stdin)["nftables"] if "counter" in o][0]["counter"]["packets"])')
[ "$n" -ge 3 ] || fail "forward drops not counted ($n)"
ok "forward: blocked both ways for the LAN (IPv4, IPv6), $n drops counted, router unfiltered"
