#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Named block lists ([list:NAME]) end to end, with real packets: a host
# namespace (the feed server on its loopback) and a peer namespace joined
# by a veth pair.  Entries from a feed, a file and the configuration block;
# SMTP from a port-scoped list is refused while HTTP from the same address
# passes; overlapping lists and countries are painted into one map (one
# lookup per packet); "until" and "expire" entries lapse at the next sync
# and unblock; per-list counters; plan shows what will lapse; a bad list
# feed keeps the last good copy; the SSH check knows a list's scope.
if [ -z "${NB_LIST_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "needs root for ip netns"; exit 77; }
	command -v ip >/dev/null || { echo "iproute2 (ip) not installed"; exit 77; }
	ns=nblist-$$
	ip netns add "$ns" 2>/dev/null || { echo "cannot create network namespaces"; exit 77; }
	ip -n "$ns" link set lo up
	NB_LIST_NS=$ns ip netns exec "$ns" sh "$0"
	rc=$?
	ip netns del "$ns"
	ip netns del "$ns-p" 2>/dev/null
	exit $rc
fi
nft add table inet nblprobe 2>/dev/null || { echo "nf_tables is not available"; exit 77; }
nft delete table inet nblprobe
command -v ping >/dev/null || { echo "ping (iputils-ping) not installed"; exit 77; }
. "$(dirname "$0")/fetch_lib.sh"

# the peer: its own namespace, one veth link, many source addresses
P=$NB_LIST_NS-p
ip netns add "$P" || fail "ip netns add"
ip link add nblh$$ type veth peer name nblp$$ netns "$P" || skip "cannot create veth pairs"
ip link set nblh$$ name v0 && ip link set v0 up
ip -n "$P" link set nblp$$ name v0 && ip -n "$P" link set v0 up && ip -n "$P" link set lo up
ip addr add 9.9.9.1/24 dev v0
ip -n "$P" addr add 9.9.9.2/24 dev v0
for a in 1.0.1.2 5.5.5.5 5.5.5.200 6.6.6.6 7.7.7.7 8.8.8.8; do
	ip -n "$P" addr add $a/32 dev v0
	ip route add $a/32 dev v0
done
px() { ip netns exec "$P" "$@"; }

# TCP listeners on the host: SMTP (25) and HTTP (80)
python3 - 9.9.9.1 25 80 <<'PY' &
import socket, sys, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], port)); s.listen(64)
    while True:
        c, _ = s.accept(); c.close()
for p in sys.argv[2:]:
    threading.Thread(target=serve, args=(int(p),), daemon=True).start()
threading.Event().wait()
PY
LPID=$!
trap 'kill $LPID 2>/dev/null; cleanup' EXIT INT TERM
# connects SRC PORT: 0 when a TCP connection from SRC to the host opens
connects() {
	px python3 -c '
import socket, sys
s = socket.socket(); s.settimeout(1.5); s.bind((sys.argv[1], 0))
try:
    s.connect(("9.9.9.1", int(sys.argv[2])))
except OSError:
    sys.exit(1)' "$1" "$2"
}
pings() { px ping -q -c 1 -W 1 -I "$1" 9.9.9.1 >/dev/null 2>&1; }
sleep 0.5
connects 9.9.9.2 80 || connects 9.9.9.2 80 || fail "setup: no TCP to the host"

STATE=$T/state
printf '1.0.1.0/24\n' >"$DOC/cn.txt"
printf '# a spam-source list\n5.5.5.0/24\n45.33.1.9\n' >"$DOC/spam.txt"
printf '7.7.7.7   # from a report\n198.51.100.0/24 until 2020-01-01\n1.0.1.2\n' >"$T/abuse.txt"
SOON=$(date -u -d '+50 seconds' +%Y-%m-%dT%H:%M:%SZ)
write_conf t "CN" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr" \
	"[nftblock]" "state-dir = $STATE" "feeds-dir = $T/nofeeds" \
	"[block]" "direction = in" \
	"[list:spam]" "url = $URL/spam.txt" "ports = tcp/25 tcp/465 tcp/587" \
	"[list:dns]" "addresses = 5.5.5.128/25" "ports = udp/53" \
	"[list:abuse]" "addresses = 6.6.6.6 until $SOON" "files = $T/abuse.txt" \
	"[list:tmp]" "addresses = 8.8.8.0/24" "expire = 50s"

nb() { "$NB" "$@" --config "$T/nb.conf" >"$T/out" 2>&1; RC=$?; sed 's/^/    /' "$T/out"; }
has() { grep -qx "$1" "$T/dump" || { sed 's/^/    dump| /' "$T/dump"; fail "kernel lacks '$1' ($2)"; }; }
hasnt() { ! grep -qx "$1" "$T/dump" || { sed 's/^/    dump| /' "$T/dump"; fail "kernel still has '$1' ($2)"; }; }
dump() { "$NB" dump --state-dir "$STATE" | sort >"$T/dump"; }

echo "== check-config names the lists and reads their files"
nb check-config
expect_rc 0
expect_out "^list spam (in): 0 address range(s), 0 file(s), a feed"
expect_out "^list spam: only tcp/25 tcp/465 tcp/587"
expect_out "^list tmp: entries lapse 50 s after first seen"
cp "$T/abuse.txt" "$T/abuse.good"
printf '7.7.7.7\n7.7.7.300\n' >"$T/abuse.txt"
nb check-config
expect_rc 78
expect_out "abuse.txt:2: '7.7.7.300' is not ADDR\[/LEN\]"
nb sync
expect_rc 78
expect_out "abuse.txt:2:"
expect_out "list:spam: fetched"
[ -d "$STATE/generations" ] && fail "a malformed list file still applied"
mv "$T/abuse.good" "$T/abuse.txt"

echo "== sync: lists from a feed, a file and the configuration"
nb sync
FIRST=$(date +%s)	# the entries were first seen by now
expect_rc 0
expect_out "list:spam: unchanged (304)"
expect_out "generation: 1"
dump
has "list:spam 5.5.5.0/25" "feed entry, SMTP only"
has "list:spam+dns 5.5.5.128/25" "two scoped lists overlap"
has "list:spam 45.33.1.9/32" "bare address in a feed"
has "list:abuse 6.6.6.6/32" "inline entry with until"
has "list:abuse 7.7.7.7/32" "file entry"
has "list:abuse 1.0.1.2/32" "an unscoped list wins over a country"
has "CN 1.0.1.0/31" "the country around the list entry"
has "CN 1.0.1.3/32" "the country around the list entry"
hasnt "CN 1.0.1.0/24" "painted over"
hasnt "list:abuse 198.51.100.0/24" "lapsed in 2020"
has "list:tmp 8.8.8.0/24" "expire entry"
# one lookup per packet: one vmap rule per family and side, no per-list set
rules=$(nft list chain inet nftblock input | grep -c 'vmap @geo')
[ "$rules" = 2 ] || fail "input chain has $rules map lookups, expected 2 (IPv4, IPv6)"
nft list chain inet nftblock lx_0001 | grep -q 'tcp dport 25' ||
	fail "list spam's chain lacks its SMTP rule"

echo "== packets: SMTP from the spam list is refused, HTTP passes"
connects 5.5.5.5 25 && fail "SMTP from a spam-listed address was accepted"
connects 5.5.5.5 80 || fail "HTTP from a spam-listed address was refused"
connects 5.5.5.200 25 && fail "SMTP through the spam+dns chain was accepted"
connects 5.5.5.200 80 || fail "HTTP through the spam+dns chain was refused"
pings 5.5.5.5 || fail "ICMP from a port-scoped list was dropped"
pings 6.6.6.6 && fail "an unscoped list entry was not blocked"
pings 7.7.7.7 && fail "a list file entry was not blocked"
pings 1.0.1.2 && fail "the list entry inside a country was not blocked"
pings 8.8.8.8 && fail "the expire list entry was not blocked"
pings 9.9.9.2 || fail "an unlisted address was blocked"
nb stats
expect_out "^list:spam  packets=[1-9]"
expect_out "^list:abuse  packets=[1-9]"
expect_out "^list:tmp  packets=[1-9]"
nb why 5.5.5.5
expect_out "list:spam range 5.5.5.0-5.5.5.127: drop for the list's ports"
nb why 7.7.7.7
expect_out "list:abuse range 7.7.7.7-7.7.7.7: drop"

echo "== plan shows what will lapse"
nb plan
expect_rc 0
expect_out "plan: list:abuse: 1 entry will lapse, the next at"
expect_out "plan: list:tmp: 1 entry will lapse, the next at"

echo "== the SSH check knows a list's scope"
SSH_CONNECTION="5.5.5.5 40000 9.9.9.1 22" nb sync
expect_rc 0
SSH_CONNECTION="5.5.5.5 40000 9.9.9.1 587" nb sync
expect_rc 77
expect_out "list:spam (tcp/587)"

echo "== a bad list feed keeps the last good copy"
set_fault /spam.txt html
nb sync
expect_rc 75
dump
has "list:spam 5.5.5.0/25" "after a refused list feed"
clear_faults

echo "== entries lapse: until, then expire; they unblock"
now=$(date +%s)
end=$(date -u -d "$SOON" +%s)
[ $((FIRST + 51)) -gt "$end" ] && end=$((FIRST + 51))
[ "$end" -gt "$now" ] && sleep $((end - now + 1))
nb sync
expect_rc 0
expect_out "apply: mode=diff"
dump
hasnt "list:abuse 6.6.6.6/32" "its until has passed"
hasnt "list:tmp 8.8.8.0/24" "expire = 50s, first seen over 50 s ago"
has "list:abuse 7.7.7.7/32" "an entry without expiry"
has "list:spam 5.5.5.0/25" "an entry without expiry"
pings 6.6.6.6 || fail "a lapsed until entry still blocks"
pings 8.8.8.8 || fail "a lapsed expire entry still blocks"
pings 7.7.7.7 && fail "an unexpired entry stopped blocking"
[ -f "$STATE/seen" ] || fail "no first-seen records in the state directory"
echo "== still listed, still lapsed: first seen is kept"
nb sync
expect_rc 0
dump
hasnt "list:tmp 8.8.8.0/24" "first-seen time kept across syncs"
echo "== boot: apply of the stored generation leaves lapsed entries out"
nb apply
expect_rc 0
dump
hasnt "list:abuse 6.6.6.6/32" "boot apply"
echo "ok: lists"
