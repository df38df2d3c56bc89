#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The configuration's policy in the kernel, with real packets over a veth
# pair between a host and a peer namespace: [block] addresses are dropped
# and counted ("deny"), a world-open port passes from a blocked country
# while another port does not, drops are logged when [log] says so; a deny
# change is an element diff; allow-list mode drops a peer outside the
# allowed ranges (counter "notallowed"), passes an allowed one, and IPv6
# neighbour discovery, link-local and ULA traffic keep working; a family
# without allowed ranges is not filtered.
. "$(dirname "$0")/kernel_lib.sh"
need_netns
command -v ping >/dev/null || skip "ping (iputils-ping) not installed"
command -v nc >/dev/null || skip "nc (netcat-openbsd) not installed"
PIDS=""
trap 'kill $PIDS 2>/dev/null; cleanup' EXIT INT TERM
mkns H polh
mkns P polp
cd "$TMP" || exit 1

veth_pair "$H" "$P" p
peer_net "$H" "$P"
ip -n "$H" addr add 2a01:4f8::1/64 dev v0 nodad
ip -n "$H" addr add fd00:b::1/64 dev v0 nodad
for a in 9.9.9.3/32 9.9.9.4/32; do
	ip -n "$P" addr add $a dev v0
done
ip -n "$P" addr add 2a01:4f8::2/64 dev v0 nodad
ip -n "$P" addr add 2001:250::2/128 dev v0 nodad
ip -n "$P" addr add fd00:b::2/64 dev v0 nodad
ip -n "$H" route add 2001:250::/35 dev v0
ip -n "$P" route add 2a01:4f8::/64 dev v0 2>/dev/null

reach() { ns=$1; shift; nsx "$ns" ping -q -c 1 -W 1 "$@" >/dev/null 2>&1; }
counter() {
	nsx "$H" nft -j list counter inet nftblock "$1" | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    if "counter" in o: print(o["counter"]["packets"])'
}
apply() { nsx "$H" "$NFTBLOCK" apply --state-dir "$TMP/state" "$@"; }
conf() {
	printf '[nftblock]\nfeeds-dir = %s/feeds\n' "$ROOT" >"$1"
	cat >>"$1"
}
listen() {
	ip netns exec "$H" nc -l -k "$1" "$2" >/dev/null 2>&1 </dev/null &
	PIDS="$PIDS $!"
}

reach "$H" 9.9.9.2 || reach "$H" 9.9.9.2 || fail "setup: no IPv4 link"
reach "$H" 2a01:4f8::2 || reach "$H" 2a01:4f8::2 || fail "setup: no IPv6 link"

# ---- block-list: deny addresses, a world-open port, logging -------------
printf '1.0.1.0/24\n2001:250::/35\n' >cn
conf block.conf <<'CONF'
[block]
countries = CN
addresses = 9.9.9.3
[exceptions]
ports = tcp/8080
[log]
drops = yes
prefix = nbk-test:
rate = 5/second
CONF
out=$(apply --config block.conf --format cidr cn=cn) || fail "apply block.conf"
echo "$out"
rules=$(nsx "$H" nft list chain inet nftblock input)
echo "$rules" | grep -q 'tcp dport 8080 accept' || fail "no port rule: $rules"
echo "$rules" | grep -q 'limit rate 5/second.*log prefix "nbk-test:deny "' ||
	fail "deny drops not logged: $rules"
nsx "$H" nft list chain inet nftblock cc_CN | grep -q 'log prefix "nbk-test:cc_CN "' ||
	fail "country drops not logged"

[ "$(counter deny)" = 0 ] || fail "deny counter not zero at start"
reach "$P" -I 9.9.9.3 9.9.9.1 && fail "a [block] address reached the host"
reach "$H" 9.9.9.3 && fail "the host reached a [block] address"
d=$(counter deny)
[ "$d" -ge 2 ] || fail "deny drops not counted: $d"
reach "$P" -I 9.9.9.2 9.9.9.1 || fail "an unlisted address is dropped"
reach "$P" -I 1.0.1.2 9.9.9.1 && fail "a blocked country reached the host"
ok "deny: [block] address dropped both ways, counted ($d), logged rules"

listen 9.9.9.1 8080
listen 9.9.9.1 8081
sleep 0.3
nsx "$P" nc -z -w 2 -s 1.0.1.2 9.9.9.1 8080 ||
	fail "world-open port 8080 closed to a blocked country"
nsx "$P" nc -z -w 1 -s 1.0.1.2 9.9.9.1 8081 &&
	fail "port 8081 open to a blocked country"
nsx "$P" nc -z -w 2 -s 9.9.9.2 9.9.9.1 8081 || fail "port 8081 closed to all"
reach "$H" 1.0.1.2 && fail "outbound to a blocked country passes"
ok "world-open port: tcp/8080 reachable from a blocked country, tcp/8081 not"

# only the deny elements change: a diff, not a full replace
sed 's/^addresses = 9.9.9.3/addresses = 9.9.9.4/' block.conf >block2.conf
out=$(apply --config block2.conf --format cidr cn=cn) || fail "apply block2"
echo "$out" | grep -q "mode=diff" || fail "a deny change was not a diff: $out"
reach "$P" -I 9.9.9.3 9.9.9.1 || fail "old [block] address still dropped"
reach "$P" -I 9.9.9.4 9.9.9.1 && fail "new [block] address passes"
ok "deny change applied as an element diff"

# ---- allow-list ----------------------------------------------------------
printf '9.9.9.2/32\n2a01:4f8::/32\n' >de
conf allow.conf <<'CONF'
[allow]
countries = DE
direction = in
CONF
out=$(apply --config allow.conf --permit de=de) || fail "apply allow.conf"
echo "$out"
echo "$out" | grep -q "mode=full" || fail "a policy change was not a full replace"
n0=$(counter notallowed)
reach "$P" -I 9.9.9.2 9.9.9.1 || fail "allowed IPv4 peer dropped"
reach "$P" -I 1.0.1.2 9.9.9.1 && fail "IPv4 peer outside the allow-list passed"
reach "$P" -I 9.9.9.3 9.9.9.1 && fail "IPv4 peer outside the allow-list passed"
reach "$P" -I 2a01:4f8::2 2a01:4f8::1 || fail "allowed IPv6 peer dropped"
reach "$P" -I 2001:250::2 2a01:4f8::1 && fail "IPv6 peer outside the allow-list passed"
n1=$(counter notallowed)
[ "$n1" -ge $((n0 + 3)) ] || fail "notallowed drops not counted: $n0 -> $n1"
ok "allow-list: allowed peers pass, others dropped (notallowed $n0 -> $n1)"

# path MTU discovery: "fragmentation needed" from a router outside the
# allow-list passes, another ICMP error from it is dropped
icmp() {
	nsx "$P" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.bind(("1.0.1.2", 0))
code = int(sys.argv[1])
# type 3, the code, checksum, unused, next-hop MTU 1400, then an IP header
msg = bytearray([3, code, 0, 0, 0, 0, 0x05, 0x78]) + bytes(28)
c = sum(msg[i] << 8 | msg[i + 1] for i in range(0, len(msg), 2))
c = ~((c & 0xffff) + (c >> 16)) & 0xffff
msg[2:4] = c.to_bytes(2, "big")
s.sendto(bytes(msg), ("9.9.9.1", 0))' "$1"
}
n1=$(counter notallowed)
icmp 4 || fail "cannot send ICMP"
n2=$(counter notallowed)
[ "$n2" = "$n1" ] || fail "fragmentation-needed dropped ($n1 -> $n2)"
icmp 3
n3=$(counter notallowed)
[ "$n3" = $((n2 + 1)) ] || fail "port-unreachable not dropped ($n2 -> $n3)"
ok "allow-list: ICMP fragmentation-needed accepted, other ICMP dropped"

# only the allowed ranges change: a diff
printf '9.9.9.2/32\n9.9.9.4/32\n2a01:4f8::/32\n' >de2
out=$(apply --config allow.conf --permit de=de2) || fail "apply de2"
echo "$out" | grep -q "mode=diff" || fail "a permit change was not a diff: $out"
reach "$P" -I 9.9.9.4 9.9.9.1 || fail "newly allowed peer dropped"
reach "$P" -I 1.0.1.2 9.9.9.1 && fail "IPv4 peer outside the allow-list passed"
ok "allow-list change applied as an element diff"

# the LAN keeps working: link-local and ULA (never-block ranges), and
# neighbour discovery even with a peer outside the allow-list
ll=$(ip -n "$P" -6 addr show dev v0 scope link | sed -n 's/.*inet6 \(fe80[^/]*\).*/\1/p')
[ -n "$ll" ] || fail "no link-local address on the peer"
reach "$H" -6 "$ll%v0" || reach "$H" -6 "$ll%v0" || fail "link-local ping failed"
reach "$H" fd00:b::2 || reach "$H" fd00:b::2 || fail "ULA ping failed"
reach "$P" fd00:b::1 || fail "ULA ping from the peer failed"
ip -n "$H" -6 neigh flush dev v0
reach "$H" 2001:250::2 && fail "reply from outside the allow-list passed"
st=$(ip -n "$H" -6 neigh show 2001:250::2 dev v0)
echo "neighbour: $st"
echo "$st" | grep -q lladdr ||
	fail "neighbour advertisement of 2001:250::2 dropped: $st"
ok "IPv6: link-local and ULA pass, neighbour discovery works"
# control: without the ND rule the advertisement would have been dropped
h=$(nsx "$H" nft -a list chain inet nftblock input |
	sed -n 's/.*icmpv6 type 133-136 accept # handle \([0-9]*\)$/\1/p')
[ -n "$h" ] || fail "no ICMPv6 ND rule in input"
nsx "$H" nft delete rule inet nftblock input handle "$h" || fail "delete ND rule"
ip -n "$H" -6 neigh flush dev v0
reach "$H" 2001:250::2
sleep 1
st=$(ip -n "$H" -6 neigh show 2001:250::2 dev v0)
echo "$st" | grep -q lladdr && fail "control: ND worked without its rule: $st"
ok "control: without the ND rule neighbour discovery fails ($st)"

# a family without allowed ranges is not filtered
printf '9.9.9.2/32\n' >de4
out=$(apply --config allow.conf --permit de=de4) || fail "apply IPv4-only allow"
# (the control left the neighbour entry failed: resolve it again first)
ip -n "$H" -6 neigh flush dev v0
reach "$P" -I 2001:250::2 2a01:4f8::1 || reach "$P" -I 2001:250::2 2a01:4f8::1 ||
	fail "IPv6 filtered without IPv6 ranges"
reach "$P" -I 1.0.1.2 9.9.9.1 && fail "IPv4 not filtered"
nsx "$H" nft list chain inet nftblock input | grep -q permit6 &&
	fail "IPv6 allow-list rules without IPv6 ranges"
ok "a family without allowed ranges passes"

nsx "$H" "$NFTBLOCK" disable --state-dir "$TMP/state" >/dev/null || fail disable
