#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: an offline demonstration.  Two network namespaces joined by a
# veth pair ("host" runs nftblock, "peer" plays the rest of the world), a
# local HTTPS feed server inside the host namespace, one sync, then a
# blocked and an allowed connection, status, why and stats.  Cleans up
# after itself; never touches this machine's own firewall.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NB=$ROOT/nftblock/nftblock
[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)"; exit 1; }
[ -x "$NB" ] || { echo "demo: build first (make)"; exit 1; }
for c in ip python3 openssl ping; do
	command -v $c >/dev/null || { echo "demo: $c is needed"; exit 1; }
done
T=$(mktemp -d /tmp/nftblock-demo.XXXXXX)
H=nbdemo-host-$$ P=nbdemo-peer-$$
SRV=
cleanup() {
	[ -n "$SRV" ] && { kill "$SRV"; wait "$SRV"; } 2>/dev/null
	ip netns pids "$H" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$H" 2>/dev/null
	ip netns del "$P" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() {
	printf '$ '
	echo "$*" | sed -e 's|^inh ||' -e "s|$NB|nftblock|" -e "s|$T|DEMODIR|g"
	"$@"
}
inh() { ip netns exec "$H" "$@"; }

say "two namespaces: host (9.9.9.1) and peer (9.9.9.2, plus 1.0.1.2 in 'CN')"
ip netns add "$H" && ip netns add "$P" || exit 1
ip link add nbdh$$ netns "$H" type veth peer name nbdp$$ netns "$P" || exit 1
ip -n "$H" link set nbdh$$ name v0; ip -n "$P" link set nbdp$$ name v0
ip -n "$H" addr add 9.9.9.1/24 dev v0
ip -n "$P" addr add 9.9.9.2/24 dev v0
ip -n "$P" addr add 1.0.1.2/32 dev v0
for n in "$H" "$P"; do ip -n "$n" link set lo up; ip -n "$n" link set v0 up; done
ip -n "$H" route add 1.0.1.0/24 dev v0

say "a local HTTPS feed server (its own test CA) with two country lists"
mkdir -p "$T/doc"
printf '# demo list\n1.0.1.0/24\n1.0.2.0/23\n' >"$T/doc/cn.txt"
printf '5.8.0.0/16\n' >"$T/doc/ru.txt"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=nftblock demo CA" \
	-keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$T/srv.key" -out "$T/srv.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >"$T/ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
	-CAcreateserial -days 1 -extfile "$T/ext" -out "$T/srv.pem" >/dev/null 2>&1
inh python3 "$ROOT/tests/integration/fetch_server.py" "$T/doc" "$T/srv.pem" \
	"$T/srv.key" "$T/port" &
SRV=$!
while [ ! -s "$T/port" ]; do sleep 0.1; done
cat >"$T/nftblock.conf" <<CONF
[nftblock]
sources = demo
cache-dir = $T/cache
state-dir = $T/state
ca-file = $T/ca.pem

[block]
countries = CN RU
direction = both

[feed:demo]
url = https://127.0.0.1:$(cat "$T/port")/{cc}.txt
format = cidr
CONF
sed 's/^/    /' "$T/nftblock.conf"

say "before: the host reaches both peer addresses"
run inh ping -c 1 -W 1 1.0.1.2 | tail -n 2
run inh ping -c 1 -W 1 9.9.9.2 | tail -n 2

say "sync: fetch, check, compile, apply in one transaction"
run inh "$NB" sync --config "$T/nftblock.conf" --feeds-dir "$T/none"

say "after: 1.0.1.2 (CN) is refused, 9.9.9.2 still answers"
printf '$ ping -c 2 -W 1 1.0.1.2\n'
if inh ping -c 2 -W 1 1.0.1.2 >"$T/ping" 2>&1; then
	echo "demo: FAILED: the blocked address answered"; exit 1
fi
tail -n 2 "$T/ping"
printf '$ ping -c 1 -W 1 9.9.9.2\n'
inh ping -c 1 -W 1 9.9.9.2 >"$T/ping" 2>&1 ||
	{ echo "demo: FAILED: the allowed address did not answer"; exit 1; }
tail -n 2 "$T/ping"

say "why"
run inh "$NB" why --config "$T/nftblock.conf" 1.0.1.2 2>/dev/null ||
	run inh "$NB" why --state-dir "$T/state" 1.0.1.2
run inh "$NB" why --config "$T/nftblock.conf" 9.9.9.2 2>/dev/null ||
	run inh "$NB" why --state-dir "$T/state" 9.9.9.2
for c in status stats; do
	"$NB" help | grep -q "^  $c" || continue
	say "$c"
	run inh "$NB" "$c" --config "$T/nftblock.conf"
done

say "plan after a feed update (one more CN prefix)"
printf '1.0.1.0/24\n1.0.2.0/23\n1.0.8.0/24\n' >"$T/doc/cn.txt"
run inh "$NB" plan --config "$T/nftblock.conf" --feeds-dir "$T/none" --fetch
run inh "$NB" sync --config "$T/nftblock.conf" --feeds-dir "$T/none"

say "done: cleaning up the namespaces"
echo "demo: ok"
