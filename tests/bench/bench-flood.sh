#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Flood benchmark (make bench): a SYN flood from a blocked country's space
# between two network namespaces of its own, against a host namespace with
# (a) no nftblock table, (b) nftblock dropping at input, (c) nftblock with
# [block] early = yes (prerouting at raw priority, before conntrack).  All
# three cases keep the same stateful baseline table, so conntrack is active
# in the host namespace.  Prints figures; not a pass/fail test.
#
# Flood generator: trafgen (Debian package netsniff-ng), one process on one
# CPU, as fast as it goes, for FLOOD_SECS (default 5) seconds, BENCH_RUNS
# (default 3) runs per case; medians.  Skipped (exit 0, one line) without
# root, trafgen or conntrack.
#
# Data: one day of ipverse per-country lists from $NFTBLOCK_DATA/aggregated
# (default ../shared/data), else a generated world of the same shape (172k
# IPv4 + 67k IPv6 ranges); every country in it is loaded, so the map lookup
# costs what it costs on a real world.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NFTBLOCK=$ROOT/nftblock/nftblock
DATA=${NFTBLOCK_DATA:-$ROOT/../shared/data}
RUNS=${BENCH_RUNS:-3}
SECS=${FLOOD_SECS:-5}
HNS=nbkfl-h-$$
FNS=nbkfl-f-$$
HOSTIP=10.201.0.1
PEERIP=10.201.0.2
TMP=""
NSLIST=""
PIDS=""
cleanup() {
	[ -n "$PIDS" ] && kill $PIDS 2>/dev/null
	for ns in $NSLIST; do ip netns del "$ns" 2>/dev/null; done
	[ -n "$TMP" ] && [ -z "${KEEP:-}" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM
skip() { echo "bench-flood: $1; skipped"; exit 0; }
die() { echo "bench-flood: $1" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (ip netns)"
command -v ip >/dev/null || skip "iproute2 (ip) not installed"
command -v nft >/dev/null || skip "nft not installed"
command -v trafgen >/dev/null ||
	skip "trafgen not installed (apt-get install netsniff-ng)"
command -v conntrack >/dev/null ||
	skip "conntrack not installed (it empties the table between runs)"
[ -x "$NFTBLOCK" ] || die "build nftblock first"
TMP=$(mktemp -d /tmp/nbkflood.XXXXXX)
cd "$TMP" || exit 1

# the world: every country of one day (CC=FILE arguments in $WORLD)
d1=$(ls "$DATA"/aggregated/ipverse-rir-ip-*.tar.xz 2>/dev/null | sort | head -n 1)
if [ -n "$d1" ]; then
	mkdir w && tar xJf "$d1" -C w --strip-components=1 || die "cannot unpack $d1"
	WORLD=$(for f in w/country/*/ipv4-aggregated.txt w/country/*/ipv6-aggregated.txt; do
		[ -s "$f" ] && printf '%s=%s ' "$(basename "$(dirname "$f")")" "$f"
	done)
	CNFILE=w/country/cn/ipv4-aggregated.txt
	DATADESC="ipverse $(basename "$d1")"
else
	python3 "$ROOT/tests/integration/kernel_oracle.py" world w 7 172000 67000 ||
		die "cannot generate the world"
	WORLD=$(for f in w/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)
	CNFILE=$(ls w/*.cidr | head -n 1)
	DATADESC="generated registry-shaped world (no $DATA/aggregated)"
fi
# the flood's sources: a /24 inside the first IPv4 prefix (/24 or wider)
# of the blocked country's list
NET=$(awk -F'[./]' '/^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\/[0-9]+/ && $5 <= 24 {
	print $1 "." $2 "." $3; exit }' "$CNFILE")
[ -n "$NET" ] || die "no IPv4 /24 in $CNFILE"

mkns() {
	ip netns add "$1" || die "ip netns add $1"
	NSLIST="$NSLIST $1"
	ip -n "$1" link set lo up
}
hx() { ip netns exec "$HNS" "$@"; }
fx() { ip netns exec "$FNS" "$@"; }
mkns "$HNS"
mkns "$FNS"
ip link add "nbkfh$$" netns "$HNS" type veth peer name "nbkff$$" netns "$FNS" ||
	skip "cannot create veth pairs"
ip -n "$HNS" link set "nbkfh$$" name v0
ip -n "$FNS" link set "nbkff$$" name v0
ip -n "$HNS" addr add "$HOSTIP/24" dev v0
ip -n "$FNS" addr add "$PEERIP/24" dev v0
ip -n "$HNS" link set v0 up
ip -n "$FNS" link set v0 up
# replies to the flood's sources go back over the link
ip -n "$HNS" route add "$NET.0/24" via "$PEERIP" || die "route"
HMAC=$(hx cat /sys/class/net/v0/address)
FMAC=$(fx cat /sys/class/net/v0/address)

# the baseline: a stateful host firewall (conntrack on), in all three cases
BASELINE='ct state new counted at prerouting -150; input: established,related accept, invalid drop'
hx nft -f - <<'NFT' || die "baseline table"
table inet nbkflbase {
	counter ctnew { }
	chain pre {
		type filter hook prerouting priority -150; policy accept;
		ct state new counter name "ctnew"
	}
	chain input {
		type filter hook input priority 0; policy accept;
		ct state established,related accept
		ct state invalid drop
	}
}
NFT
# a listening service: the flood is a SYN flood against it
ip netns exec "$HNS" python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("'"$HOSTIP"'", 80))
s.listen(128)
time.sleep(100000)' &
PIDS="$PIDS $!"

cat >flood.txf <<EOF
{
	eth(da=$HMAC, sa=$FMAC),
	ipv4(sa=$NET.1, sa[3]=drnd(), da=$HOSTIP, id=drnd(), ttl=64),
	tcp(sp=drnd(1024, 65535), dp=80, seq=drnd(), syn, win=64240)
}
EOF

for e in no yes; do
	printf '[nftblock]\nfeeds-dir = %s/feeds\n[block]\ndirection = in\nearly = %s\n' \
		"$ROOT" "$e" >"early-$e.conf"
done
apply() {
	hx "$NFTBLOCK" apply --state-dir "$TMP/state" --config "$1" \
		--format cidr $WORLD >apply.out 2>&1 || { cat apply.out; die "apply $1"; }
}

softirq() { awk '$1 == "cpu" { print $8 }' /proc/stat; }
nbdrops() {	# packets of every nftblock counter (0 without the table)
	hx "$NFTBLOCK" stats --config "$TMP/early-no.conf" --json 2>/dev/null | python3 -c '
import json, sys
try:
    print(sum(c["packets"] for c in json.load(sys.stdin)["counters"]))
except ValueError:
    print(0)'
}
ctnew() {
	hx nft -j list counter inet nbkflbase ctnew | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    if "counter" in o: print(o["counter"]["packets"])'
}
ctfull() {	# conntrack's "drop early_drop": packets dropped, entries evicted
	hx conntrack -S 2>/dev/null | tr ' ' '\n' | awk -F= '
		$1 == "drop" { d += $2 } $1 == "early_drop" { e += $2 }
		END { print d + 0, e + 0 }'
}
snap() {	# the packet counters the figures are made of, on one line
	echo "$(fx cat /sys/class/net/v0/statistics/tx_packets)" \
		"$(hx cat /sys/class/net/v0/statistics/rx_packets)" \
		"$(hx cat /sys/class/net/v0/statistics/rx_dropped)" \
		"$(fx cat /sys/class/net/v0/statistics/tx_dropped)" \
		"$(nbdrops) $(ctnew)" \
		"$(hx cat /sys/class/net/v0/statistics/tx_packets) $(ctfull)"
}
# one run: "sent/s received/s nftdrops/s ctnew/s conntrack softirq_ms
# replies/s lost/s softirq_ns_per_received_packet conntrack_drops/s
# conntrack_evictions/s"
run() {
	hx conntrack -F >/dev/null 2>&1
	b=$(snap)
	t0=$(date +%s.%N) s0=$(softirq)
	fx timeout -s INT "$SECS" trafgen -o v0 -i flood.txf -P 1 --no-sock-mem --notouch-irq \
		>trafgen.out 2>&1
	t1=$(date +%s.%N) s1=$(softirq)
	grep -q -i "error\|fail" trafgen.out && { cat trafgen.out; die "trafgen failed"; }
	a=$(snap)
	n=$(hx cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo -)
	echo "$b $a $n $t0 $t1 $s0 $s1" | awk -v hz="$(getconf CLK_TCK)" '{
		t = $21 - $20; si = ($23 - $22) * 1000 / hz; r = $11 - $2
		printf "%.0f %.0f %.0f %.0f %s %.0f %.0f %.0f %.0f %.0f %.0f\n",
			($10 - $1) / t, r / t, ($14 - $5) / t, ($15 - $6) / t, $19,
			si, ($16 - $7) / t, ($12 - $3 + $13 - $4) / t,
			(r > 0 ? si * 1e6 / r : 0), ($17 - $8) / t, ($18 - $9) / t }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
col() { cut -d' ' -f"$1" "$2" | median; }

fx ping -q -c 1 -W 2 "$HOSTIP" >/dev/null 2>&1 || die "no link between the namespaces"
printf 'world: %s\n' "$DATADESC"
printf 'flood: TCP SYN to %s:80 (listening) from %s.0/24, random source ports,\n' \
	"$HOSTIP" "$NET"
printf '       trafgen on 1 CPU for %s s, %s runs per case, medians\n' "$SECS" "$RUNS"
printf 'baseline table in every case: %s\n' "$BASELINE"

case_() {	# LABEL: RUNS runs, one result line
	: >"runs.$1"
	for i in $(seq "$RUNS"); do run >>"runs.$1"; done
	echo "$1 $(for k in 1 2 3 4 5 6 7 8 9 10 11; do col $k "runs.$1"; done)" |
		tr '\n' ' ' >>results
	echo >>results
}
: >results
case_ none
apply early-no.conf
hx nft list table inet nftblock | grep -q "hook prerouting" &&
	die "prerouting chain without early mode"
case_ input
apply early-yes.conf
hx nft list chain inet nftblock prerouting | grep -q "priority raw" ||
	die "no prerouting chain at raw priority in early mode"
case_ early

echo
echo "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" \
	"(other work on the machine shares the CPUs)"
printf '%-25s %8s %8s %7s %8s %8s %8s %9s %8s %7s\n' "" "sent/s" "recv/s" \
	"lost/s" "nbdrop/s" "ctnew/s" "reply/s" "conntrack" "softirq" "ns/pkt"
: >where
while read -r c s r nd cn ct si tx lost ns cd ce; do
	case $c in
	none) l="(a) no nftblock table" ;;
	input) l="(b) nftblock at input" ;;
	early) l="(c) nftblock early=yes" ;;
	esac
	printf '%-25s %8s %8s %7s %8s %8s %8s %9s %5s ms %7s\n' "$l" "$s" "$r" \
		"$lost" "$nd" "$cn" "$tx" "$ct" "$si" "$ns"
	# where the flood ended, from the counters
	if [ "$nd" -eq 0 ]; then
		w="no drop by a rule: the host's stack answered $tx/s"
		[ "$ce" -gt 0 ] && w="$w; conntrack table full: $ce/s entries evicted"
		[ "$cd" -gt 0 ] && w="$w, $cd/s packets dropped by conntrack"
	elif [ "$cn" -gt 0 ]; then
		w="nftblock's country counter, after conntrack saw them as new"
	else
		w="nftblock's country counter, before conntrack (none seen as new)"
	fi
	[ "$nd" -gt 0 ] && [ $((nd * 100)) -lt $((r * 99)) ] &&
		w="$w; only $nd of $r/s dropped"
	printf '%s: %s\n' "$l" "$w" >>where
done <results
cat where
echo
echo "Medians per column.  sent/s: the flooder's veth tx (trafgen on one CPU, so"
echo "it falls as the host's per-packet cost rises: veth delivers in the sender's"
echo "softirq); recv/s: the host veth's rx; lost/s: dropped by the veth pair;"
echo "nbdrop/s: nftblock's counters (stats --json); ctnew/s: packets conntrack"
echo "saw as new (baseline counter at prerouting -150); reply/s: the host's tx"
echo "(SYN-ACKs); conntrack: nf_conntrack_count in the host namespace right after"
echo "the flood (max $(cat /proc/sys/net/netfilter/nf_conntrack_max 2>/dev/null || echo ?));"
echo "softirq: /proc/stat softirq time during the flood, machine-wide (all CPUs,"
echo "all processes), and per packet received (ns/pkt).  Where the flood ended"
echo "comes from these counters and conntrack -S (drop, early_drop)."
