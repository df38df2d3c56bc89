#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nftblock daemon against a real kernel in a private namespace: the table
# is restored from the state file within a second after `nft flush
# ruleset`, `nft delete table`, a flushed chain or a flushed map; a foreign
# table is left alone; commits by nftblock commands are not undone; the
# daemon does not spin; SIGHUP reloads (a broken config keeps the old one),
# SIGTERM exits 0.
. "$(dirname "$0")/kernel_lib.sh"
need_netns
mkns NS dmn
S="--state-dir $TMP/state"
cd "$TMP" || exit 1
DPID=""
trap '[ -n "$DPID" ] && kill "$DPID" 2>/dev/null; cleanup' EXIT INT TERM

mkdir lists
printf '1.0.1.0/24\n1.0.2.0/23\n8.8.8.0/24\n2001:250::/35\n' >lists/cn.cidr
printf '1.0.4.0/22\n5.0.0.0/8\n2a00:1450::/32\n' >lists/ru.cidr
# the same lists as a config for sync: local feed, CN and RU
conf() {
	cat <<EOC
[nftblock]
sources = local
cache-dir = $TMP/cache
state-dir = $1
[block]
countries = cn ru
[exceptions]
addresses = 9.9.9.9
[feed:local]
url = file://$TMP/lists/{cc}.cidr
EOC
}
conf "$TMP/state" >d.conf

out=$(nsx "$NS" "$NFTBLOCK" apply --format cidr $S --allow 9.9.9.9 \
	cn=lists/cn.cidr ru=lists/ru.cidr) || fail "apply"
echo "$out"
$ORACLE expected --allow 9.9.9.9/32 cn=lists/cn.cidr ru=lists/ru.cidr >exp1
check_exact "$NS" exp1 "applied"

# log_wait PATTERN [TENTHS]: until the daemon's log has PATTERN
log_wait() {
	n=0
	while ! grep -q -- "$1" log; do
		n=$((n + 1))
		[ "$n" -gt "${2:-50}" ] && { cat log; fail "no '$1' in the log"; }
		kill -0 "$DPID" 2>/dev/null || { cat log; fail "daemon died"; }
		sleep 0.1
	done
}
restored() { grep -c "restored in" log; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$DPID/stat"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

start_daemon() {
	: >log
	ip netns exec "$NS" "$NFTBLOCK" daemon --config "$TMP/d.conf" \
		--feeds-dir "$ROOT/feeds" --interval 3600 "$@" >log 2>&1 &
	DPID=$!
	log_wait "next sync in"
}

# mark; ACTION; wait_back WHAT: measure until table inet nftblock is back
# (< 1 s) and the daemon has logged one more restore
mark() { seen=$(restored); }
wait_back() {
	t0=$(now_ms)
	while ! nsx "$NS" nft list table inet nftblock >/dev/null 2>&1; do
		[ $(($(now_ms) - t0)) -gt 3000 ] && { cat log; fail "not restored after $1"; }
		sleep 0.01
	done
	ms=$(($(now_ms) - t0))
	n=0
	while [ "$(restored)" -le "$seen" ]; do
		n=$((n + 1))
		[ "$n" -gt 50 ] && { cat log; fail "no restore logged after $1"; }
		sleep 0.1
	done
	[ "$ms" -lt 1000 ] || fail "restored after $1 in $ms ms (limit 1000)"
	ok "after $1 the table was back in $ms ms ($(grep 'restored in' log | tail -n 1))"
}

echo "== start: the table holds the state's generation"
start_daemon
grep -q "holds the last good generation" log || { cat log; fail "start check"; }
[ "$(restored)" = 0 ] || fail "restored an intact table at start"
[ "$(cat /proc/$DPID/comm)" = nftblock ] || fail "\$! is not the daemon"

echo "== no spinning"
c0=$(cpu_ticks)
sleep 3
c1=$(cpu_ticks)
[ $((c1 - c0)) -le 2 ] || fail "daemon used $((c1 - c0)) ticks while idle"
ok "idle for 3 s: $((c1 - c0)) CPU ticks"

echo "== a foreign table is left alone"
foreign_table "$NS"
foreign_text "$NS" >foreign.before
nsx "$NS" nft delete table ip other || fail "delete foreign"
nsx "$NS" nft add table ip other || fail "add foreign"
sleep 0.5
[ "$(restored)" = 0 ] || { cat log; fail "reacted to a foreign table"; }
ok "foreign tables changed: no restore"

echo "== nft flush ruleset"
mark
nsx "$NS" nft flush ruleset
wait_back "nft flush ruleset"
grep -q "removed by another tool; restored in" log || fail "log line"
check_exact "$NS" exp1 "after flush ruleset"
nsx "$NS" nft list table inet foreign >/dev/null 2>&1 &&
	fail "the foreign table was recreated"
sleep 0.5
[ "$(restored)" = 1 ] || { cat log; fail "restored more than once (loop?)"; }
ok "one restore, no loop on our own commit; foreign table not recreated"

echo "== nft delete table inet nftblock"
mark
nsx "$NS" nft delete table inet nftblock
wait_back "nft delete table"
check_exact "$NS" exp1 "after delete table"

echo "== a firewall reload: flush ruleset and its own tables in one transaction"
printf 'flush ruleset\ntable inet fw {\n\tchain in {\n\t\ttype filter hook input priority 0; policy accept;\n\t\tcounter\n\t}\n}\n' >fw.nft
mark
nsx "$NS" nft -f fw.nft || fail "firewall reload"
wait_back "a firewall reload (nft -f with flush ruleset)"
nsx "$NS" nft list table inet fw | grep -q counter || fail "the firewall's table was touched"
check_exact "$NS" exp1 "after a firewall reload"
nsx "$NS" nft delete table inet fw

echo "== damage inside the table: a flushed base chain, a flushed map"
foreign_table "$NS"
foreign_text "$NS" >foreign.before
n=$(restored)
nsx "$NS" nft flush chain inet nftblock input || fail "flush chain"
log_wait "changed by another tool; restored in"
nsx "$NS" nft list chain inet nftblock input | grep -q vmap ||
	fail "input chain rules not restored"
map=$(nsx "$NS" nft list table inet nftblock | sed -n 's/.*map \(geo4_[0-7]\) {.*/\1/p')
nsx "$NS" nft flush map inet nftblock "$map" || fail "flush map"
t=0
while [ "$(restored)" -lt $((n + 2)) ] && [ $t -lt 30 ]; do sleep 0.1; t=$((t + 1)); done
check_exact "$NS" exp1 "after flushed chain and map"
n=$(restored)
nsx "$NS" nft insert rule inet nftblock input accept || fail "insert rule"
t=0
while [ "$(restored)" -le "$n" ] && [ $t -lt 30 ]; do sleep 0.1; t=$((t + 1)); done
nsx "$NS" nft list chain inet nftblock input | grep -qx '[[:space:]]*accept' &&
	fail "a rule inserted by another tool is still there"
nsx "$NS" nft add table inet nftblock '{ flags dormant; }' || fail "dormant"
t=0
while [ "$(restored)" -le $((n + 1)) ] && [ $t -lt 30 ]; do sleep 0.1; t=$((t + 1)); done
nsx "$NS" nft list table inet nftblock | grep -q dormant &&
	fail "the table is still dormant"
check_exact "$NS" exp1 "after an inserted rule and a dormant table"
foreign_text "$NS" >foreign.now
cmp -s foreign.before foreign.now || fail "the foreign table was changed"
ok "flushed chain and map, inserted rule, dormant table repaired; foreign table untouched"

echo "== commits by nftblock commands are not undone"
n=$(restored)
printf '1.0.1.0/24\n' >cn2
out=$(nsx "$NS" "$NFTBLOCK" apply --format cidr $S --allow 9.9.9.9 cn=cn2) ||
	fail "apply 2"
echo "$out"
sleep 0.5
[ "$(restored)" = "$n" ] || { cat log; fail "undid an nftblock apply"; }
printf 'allow 9.9.9.9/32\nCN 1.0.1.0/24\n' >exp2
check_exact "$NS" exp2 "apply while the daemon runs"
# the daemon compares with the new state file from now on
mark
nsx "$NS" nft delete table inet nftblock
wait_back "a delete after another apply"
check_exact "$NS" exp2 "restored the newer generation"
nsx "$NS" "$NFTBLOCK" disable $S >/dev/null || fail "disable"
sleep 0.5
nsx "$NS" nft list table inet nftblock >/dev/null 2>&1 &&
	fail "the daemon undid nftblock disable"
# while disabled, another tool's change is not "repaired" either
nsx "$NS" nft add table inet nftblock
nsx "$NS" nft delete table inet nftblock
sleep 0.5
nsx "$NS" nft list table inet nftblock >/dev/null 2>&1 &&
	fail "the daemon restored while disabled"
grep -q "disabled by 'nftblock disable': not restoring" log || fail "no disabled line"
ok "nftblock apply and disable are left alone; disabled stays off"
nsx "$NS" "$NFTBLOCK" enable $S >/dev/null || fail "enable"
out=$(nsx "$NS" "$NFTBLOCK" apply --format cidr $S --allow 9.9.9.9 \
	cn=lists/cn.cidr ru=lists/ru.cidr) || fail "apply 3"

echo "== SIGHUP with a broken configuration"
c=$(grep -c "next sync in" log)
printf '[nftblock]\nsources = local\nbogus-key = 1\n' >d.conf
kill -HUP "$DPID"
log_wait "d.conf:3:"
log_wait "not reloaded; keeping the previous one"
kill -0 "$DPID" || fail "daemon died on a broken config"
grep "d.conf:3:" log
# the sync that follows a SIGHUP (with the old configuration) ends first
t=0
while [ "$(grep -c "next sync in" log)" -le "$c" ] && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
[ "$(grep -c "next sync in" log)" -gt "$c" ] || { cat log; fail "no sync after a failed reload"; }
mark
nsx "$NS" nft delete table inet nftblock
wait_back "a delete after a failed reload"
check_exact "$NS" exp1 "old configuration kept"

echo "== SIGHUP with a good new configuration"
mkdir -p state2
c=$(grep -c "next sync in" log)
conf "$TMP/state2" >d.conf
kill -HUP "$DPID"
log_wait "configuration reloaded: state-dir $TMP/state2"
log_wait "generation: "
t=0
while [ "$(grep -c "next sync in" log)" -le "$c" ] && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
[ "$(grep -c "next sync in" log)" -gt "$c" ] || { cat log; fail "no sync after SIGHUP"; }
[ -s state2/applied.state ] || fail "the sync did not use the new state directory"
mark
nsx "$NS" nft delete table inet nftblock
wait_back "a delete after a reload"
check_exact "$NS" exp1 "synced and restored from the new state directory"
ok "new state-dir picked up, SIGHUP synced from the configured feeds"

echo "== events lost (receive buffer overrun while the daemon is stopped)"
python3 -c '
print("table ip big {\n\tset s {\n\t\ttype ipv4_addr\n\t}\n}")
print("add element ip big s {")
print(",\n".join("10.%d.%d.%d" % (i >> 16, i >> 8 & 255, i & 255) for i in range(400000)))
print("}")' >big.nft
kill -STOP "$DPID"
nsx "$NS" nft delete table inet nftblock
nsx "$NS" nft -f big.nft || fail "big foreign set"
mark
kill -CONT "$DPID"
wait_back "an overrun (400000 foreign element events, our table deleted)"
grep -q "events were lost" log || echo "note: no overrun happened (large socket buffer)"
check_exact "$NS" exp1 "after an overrun"
nsx "$NS" nft delete table ip big

echo "== a restart: the ruleset changed meanwhile, the table is verified"
kill -TERM "$DPID"
wait "$DPID"
rc=$?
DPID=""
[ "$rc" = 0 ] || fail "SIGTERM: exit $rc"
grep -q "exiting" log || fail "no exit line"
ok "SIGTERM: exit 0"
nsx "$NS" nft add table ip third
start_daemon
grep -q "the ruleset changed since the last apply; restored" log ||
	{ cat log; fail "start after another commit"; }
check_exact "$NS" exp1 "restart"
kill -INT "$DPID"
wait "$DPID"
rc=$?
DPID=""
[ "$rc" = 0 ] || fail "SIGINT: exit $rc"
ok "SIGINT: exit 0"

echo "== usage"
"$NFTBLOCK" daemon --interval 0 2>/dev/null
[ $? = 64 ] || fail "--interval 0 accepted"
"$NFTBLOCK" daemon --config /nonexistent/x.conf 2>/dev/null
[ $? = 78 ] || fail "a missing config is not exit 78"
ok "usage errors"
exit 0
