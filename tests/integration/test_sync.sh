#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# nftblock sync end to end, inside a network namespace of its own (the feed
# server listens on the namespace's loopback): sync blocks, a feed update
# applies only the diff, plan changes nothing, the server going down keeps
# the last good state, apply without files restores from the stored
# generation, rollback, the SSH client check, --confirm, and the
# unprivileged child's capabilities.
if [ -z "${NB_SYNC_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "needs root for ip netns"; exit 77; }
	command -v ip >/dev/null || { echo "iproute2 (ip) not installed"; exit 77; }
	ns=nbsync-$$
	ip netns add "$ns" 2>/dev/null || { echo "cannot create network namespaces"; exit 77; }
	ip -n "$ns" link set lo up
	NB_SYNC_NS=$ns ip netns exec "$ns" sh "$0"
	rc=$?
	ip netns del "$ns"
	exit $rc
fi
nft add table inet nbsprobe 2>/dev/null || { echo "nf_tables is not available"; exit 77; }
nft delete table inet nbsprobe
. "$(dirname "$0")/fetch_lib.sh"

STATE=$T/state
printf '1.0.1.0/24\n1.0.2.0/23\n2001:250::/35\n' >"$DOC/cn.txt"
printf '5.8.0.0/16\n' >"$DOC/ru.txt"
write_conf t "CN RU" "[feed:t]" "url = $URL/{cc}.txt" "format = cidr"
printf '[nftblock]\nstate-dir = %s\nprometheus-file = %s/nb.prom\n' "$STATE" "$T" >>"$T/nb.conf"

nb() { "$NB" "$@" --config "$T/nb.conf" >"$T/out" 2>&1; RC=$?; sed 's/^/    /' "$T/out"; }
dump_is() {
	"$NB" dump | sort >"$T/dump"
	printf "$1" | sort | cmp -s - "$T/dump" || {
		sed 's/^/    dump| /' "$T/dump"; fail "kernel holds something else ($2)"; }
}
GEN1='CN 1.0.1.0/24\nCN 1.0.2.0/23\nCN 2001:250::/35\nRU 5.8.0.0/16\n'
GEN2='CN 1.0.1.0/24\nCN 1.0.2.0/23\nCN 1.0.8.0/24\nCN 2001:250::/35\nRU 5.8.0.0/16\n'

echo "== sync: first generation"
nb sync --feeds-dir "$T/nofeeds"
expect_rc 0
expect_out "t CN: fetched"
expect_out "generation: 1"
expect_out "apply: mode=full"
dump_is "$GEN1" "first sync"
[ -f "$STATE/generations/00000001.gen" ] || fail "generation 1 not stored"
grep -q '^result=ok$' "$STATE/last-run" || fail "last-run does not say ok"
grep -q '^generation=1$' "$STATE/last-run" || fail "last-run lacks the generation"
grep -q '^nftblock_ranges{family="4"} 2$' "$T/nb.prom" ||
	{ cat "$T/nb.prom"; fail "Prometheus file lacks the IPv4 range count"; }
grep -q '^nftblock_last_success_timestamp_seconds ' "$T/nb.prom" ||
	fail "Prometheus file lacks the last success"

echo "== sync again: nothing changes"
nb sync --feeds-dir "$T/nofeeds"
expect_rc 0
expect_out "generation: 1"
expect_out "apply: mode=unchanged removed=0 added=0"

echo "== plan: a feed change is shown, nothing is applied"
printf '1.0.1.0/24\n1.0.2.0/23\n1.0.8.0/24\n2001:250::/35\n' >"$DOC/cn.txt"
nb plan --feeds-dir "$T/nofeeds"
expect_rc 0
expect_out "plan: no change"	# the cache is not refreshed without --fetch
nb plan --feeds-dir "$T/nofeeds" --fetch
expect_rc 0
expect_out "plan: CN IPv4: +1 prefixes (+256 addresses) -0 prefixes (-0 addresses)"
dump_is "$GEN1" "plan changed the kernel"
[ -f "$STATE/generations/00000002.gen" ] && fail "plan stored a generation"

echo "== sync: only the diff"
nb sync --feeds-dir "$T/nofeeds"
expect_rc 0
expect_out "generation: 2"
expect_out "apply: mode=diff removed=0 added=1"
dump_is "$GEN2" "after the update"

echo "== the server goes down: the last good state stays"
kill "$SRV_PID"; wait "$SRV_PID" 2>/dev/null; SRV_PID=
nb sync --feeds-dir "$T/nofeeds"
[ "$RC" -eq 75 ] || fail "exit status $RC, expected 75 (EX_TEMPFAIL)"
expect_out "keeping the last good data"
expect_out "generation: 2"
grep -q '^exit=75$' "$STATE/last-run" || fail "last-run does not record exit 75"
dump_is "$GEN2" "server down"

echo "== apply without files restores the stored generation (no network)"
"$NB" disable --state-dir "$T/scratch" >/dev/null || fail "disable"
nft list table inet nftblock >/dev/null 2>&1 && fail "table still there"
nb apply
expect_rc 0
expect_out "generation: 2"
dump_is "$GEN2" "apply from the stored generation"

echo "== a corrupt current generation falls back to the one before"
cp "$STATE/generations/00000002.gen" "$T/gen2"
printf 'X' | dd of="$STATE/generations/00000002.gen" bs=1 seek=60 conv=notrunc 2>/dev/null
"$NB" disable --state-dir "$T/scratch" >/dev/null
nb apply
expect_rc 0
expect_out "generation 2 is corrupt"
expect_out "generation: 1"
dump_is "$GEN1" "fallback to generation 1"
cp "$T/gen2" "$STATE/generations/00000002.gen"
printf '2\n' >"$STATE/generations/current"

echo "== rollback"
nb apply
dump_is "$GEN2" "back at 2"
nb rollback
expect_rc 0
expect_out "generation: 1"
dump_is "$GEN1" "rollback 1"
nb rollback 5
[ "$RC" -eq 66 ] || fail "rollback past the oldest: exit $RC, expected 66"
nb apply
expect_out "generation: 1"

echo "== the SSH client of the session is protected"
printf '2\n' >"$STATE/generations/current"
SSH_CONNECTION="1.0.8.9 50000 10.0.0.1 22" nb apply
[ "$RC" -eq 77 ] || fail "a change blocking the SSH client: exit $RC, expected 77"
expect_out "would block your SSH client 1.0.8.9 (country CN)"
dump_is "$GEN1" "refused change applied anyway"
SSH_CONNECTION="1.0.8.9 50000 10.0.0.1 22" nb apply --force
expect_rc 0
dump_is "allow 1.0.8.9/32\n$GEN2" "--force keeps the client by an exception"
SSH_CLIENT="::ffff:5.8.1.1 50000 22" nb apply --force
dump_is "allow 5.8.1.1/32\n$GEN2" "IPv4-mapped client"
SSH_CONNECTION="9.9.9.9 50000 10.0.0.1 22" nb apply
expect_rc 0
dump_is "allow 9.9.9.9/32\n$GEN2" "an unblocked client is allowed too"

echo "== --confirm: no confirmation rolls back"
nb rollback --confirm 2
expect_rc 0
expect_out "run 'nftblock confirm' within 2 s, or generation 2 comes back"
dump_is "$GEN1" "rolled back, waiting for confirmation"
sleep 3.5
dump_is "$GEN2" "no confirmation: generation 2 is back"
[ "$(cat "$STATE/generations/current")" = 2 ] || fail "current is not 2 after the rollback"

echo "== --confirm: confirmed in time"
nb rollback --confirm 3
expect_rc 0
nb confirm
expect_rc 0
expect_out "confirm: kept"
sleep 3.5
dump_is "$GEN1" "confirmed generation stays"
nb confirm
[ "$RC" -eq 69 ] || fail "confirm with nothing pending: exit $RC, expected 69"

echo "== the unprivileged child holds no capabilities"
python3 "$HERE/fetch_server.py" "$DOC" "$T/srv.pem" "$T/srv.key" "$T/port2" &
SRV_PID=$!
while [ ! -s "$T/port2" ]; do sleep 0.1; done
sed -i "s|$URL|https://127.0.0.1:$(cat "$T/port2")|" "$T/nb.conf"
set_fault /cn.txt stall
printf '1.0.1.0/24\n' >"$DOC/cn.txt"
"$NB" sync --config "$T/nb.conf" --feeds-dir "$T/nofeeds" >"$T/out" 2>&1 &
P=$!
child=
for i in $(seq 50); do
	child=$(cat /proc/$P/task/$P/children 2>/dev/null | tr -d " \n")
	[ -n "$child" ] && break
	sleep 0.1
done
[ -n "$child" ] || fail "no child process seen"
sleep 0.5
grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/$child/status | sed 's/^/    /'
for k in CapInh CapPrm CapEff CapBnd CapAmb; do
	grep -q "^$k:[[:space:]]*0000000000000000$" /proc/$child/status || fail "child has $k"
done
grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/$child/status || fail "child lacks no_new_privs"
grep -q "^CapEff:[[:space:]]*0000000000000000$" /proc/$P/status && fail "the parent lost its capabilities"
kill "$P" "$child" 2>/dev/null; wait "$P" 2>/dev/null
clear_faults

echo "== disable stays off until enable"
clear_faults
printf '1.0.1.0/24\n1.0.2.0/23\n1.0.8.0/24\n2001:250::/35\n' >"$DOC/cn.txt"
sed -i "s|https://127.0.0.1:[0-9]*|https://127.0.0.1:$(cat "$T/port2")|" "$T/nb.conf"
nb disable
expect_rc 0
expect_out "disable: table inet nftblock removed"
nb sync --feeds-dir "$T/nofeeds"
expect_rc 0
expect_out "sync: disabled"
nft list table inet nftblock >/dev/null 2>&1 && fail "sync re-created the table while disabled"
nb apply
expect_out "apply: disabled"
nft list table inet nftblock >/dev/null 2>&1 && fail "apply re-created the table while disabled"
nb enable
expect_rc 0
expect_out "apply: mode=full"
"$NB" dump >/dev/null || fail "enable did not apply"

echo "== allow-list mode and [block] addresses through sync"
cp "$T/nb.conf" "$T/nb.conf.block"
sed -i 's/^countries = CN RU$/countries =/' "$T/nb.conf"
printf '[allow]\ncountries = CN\ndirection = in\n[block]\naddresses = 5.8.9.9\n' >>"$T/nb.conf"
SSH_CONNECTION="9.9.9.9 50000 10.0.0.1 22" nb sync --feeds-dir "$T/nofeeds"
[ "$RC" -eq 77 ] || fail "allow-list cutting off the SSH client: exit $RC, expected 77"
expect_out "would block your SSH client 9.9.9.9 (not in the \[allow\] countries)"
SSH_CONNECTION="5.8.9.9 50000 10.0.0.1 22" nb sync --feeds-dir "$T/nofeeds"
[ "$RC" -eq 77 ] || fail "a [block] address as SSH client: exit $RC, expected 77"
expect_out "(\[block\] addresses)"
SSH_CONNECTION="1.0.1.9 50000 10.0.0.1 22" nb sync --feeds-dir "$T/nofeeds"
expect_rc 0
nft list table inet nftblock >"$T/ruleset"
grep -q 'set permit4_' "$T/ruleset" || fail "no permit set in the kernel"
grep -q 'set deny4' "$T/ruleset" || fail "no deny set in the kernel"
grep -q '1.0.1.0-1.0.3.255' "$T/ruleset" || { cat "$T/ruleset"; fail "allowed CN ranges not in the kernel"; }
nb plan --feeds-dir "$T/nofeeds"
expect_out "plan: exceptions: +0 -1 ranges"	# the SSH client of the last run
cp "$T/nb.conf.block" "$T/nb.conf"

nb disable
echo "all sync checks passed"
