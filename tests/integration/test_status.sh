#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# status, stats, why --json and the Prometheus textfile against a real
# kernel table in a namespace: a fetch from file:// lists fills the cache,
# apply programs the kernel, packets over a veth pair to a blocked address
# are counted, and every report says so (text and JSON; JSON must parse;
# the numbers equal nft -j list counters).
. "$(dirname "$0")/kernel_lib.sh"
need_netns
command -v ping >/dev/null || skip "ping (iputils-ping) not installed"
mkns H sthost
mkns P stpeer
cd "$TMP" || exit 1

jq_py() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
nft_ctr() {
	nsx "$H" nft -j list counters table inet nftblock | jq_py "
for o in d['nftables']:
    c = o.get('counter')
    if c and c['name'] == '$1': print(c['$2'])"
}

mkdir lists
printf '1.0.1.0/24\n2001:250::/35\n' >lists/cn.cidr
printf '5.0.0.0/8\n' >lists/ru.cidr
cat >conf <<EOC
[nftblock]
sources = mine
cache-dir = $TMP/cache
state-dir = $TMP/state
feeds-dir = $TMP/nofeeds
prometheus-file = $TMP/prom/nftblock.prom
[block]
countries = CN RU
[feed:mine]
url = file://$TMP/lists/{cc}.cidr
format = cidr
EOC
mkdir nofeeds prom
ST() { nsx "$H" "$NFTBLOCK" "$@" --config "$TMP/conf"; }

# before anything: no table, no state
ST status >out; rc=$?
cat out
[ "$rc" = 66 ] || fail "status before apply: exit $rc, want 66 (EX_NOINPUT)"
grep -qx "kernel: table inet nftblock absent" out || fail "status: no absent line"
grep -qx "feed CN: no data fetched yet" out || fail "status: feed line before fetch"
ST stats >out 2>err; rc=$?
[ "$rc" = 69 ] || fail "stats without table: exit $rc, want 69"
grep -q "table inet nftblock absent" err || fail "stats: $(cat err)"
ok "without a table: status 66, stats 69, both say the table is absent"

"$NFTBLOCK" fetch --config "$TMP/conf" >out 2>&1 || { cat out; fail "fetch"; }
grep -qx "CN mine" cache/sources || fail "fetch wrote no sources line: $(cat cache/sources)"

veth_pair "$H" "$P" st
peer_net "$H" "$P"
nsx "$H" ping -q -c 1 -W 1 9.9.9.2 >/dev/null 2>&1 ||
	nsx "$H" ping -q -c 1 -W 1 9.9.9.2 >/dev/null 2>&1 || fail "setup: no link"

nsx "$H" "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" \
	cn=lists/cn.cidr ru=lists/ru.cidr >/dev/null || fail apply
# three blocked pings (outbound drops counted by cc_CN)
for i in 1 2 3; do
	nsx "$H" ping -q -c 1 -W 1 1.0.1.2 >/dev/null 2>&1 && fail "blocked peer reached"
done

# stats: text and JSON, the same numbers as nft -j
pk=$(nft_ctr cc_CN packets); by=$(nft_ctr cc_CN bytes)
[ "$pk" -ge 3 ] || fail "nft counts $pk packets, want >= 3"
ST stats >out || fail "stats"
cat out
head -n 1 out | grep -qx "CN  packets=$pk bytes=$by" || fail "stats first line"
grep -qx "RU  packets=0 bytes=0" out || fail "stats RU line"
ST stats --json >out.json || fail "stats --json"
python3 -m json.tool out.json >/dev/null || fail "stats --json does not parse"
[ "$(jq_py "print([(c['packets'], c['bytes']) for c in d['counters'] if c['country'] == 'CN'][0])" <out.json)" = "($pk, $by)" ] ||
	fail "stats --json: $(cat out.json)"
ok "stats: CN $pk packets $by bytes, text and JSON equal nft -j list counters"

# status: the table holds the applied generation, ranges from the state
ST status >out; rc=$?
cat out
[ "$rc" = 0 ] || fail "status exit $rc, want 0"
grep -q "^kernel: table inet nftblock present, chains both, holds the applied generation (fingerprint [0-9a-f]*) ranges4=2 ranges6=1$" out ||
	fail "status kernel line"
grep -q "^feed CN: mine, downloaded 20..-..-..T..:..:..Z (.* ago)$" out || fail "status feed line"
grep -qx "block: CN RU (direction both)" out || fail "status block line"
grep -qx "last run: none recorded" out || fail "status last run"
ST status --json >out.json || fail "status --json"
python3 -m json.tool out.json >/dev/null || fail "status --json does not parse"
[ "$(jq_py "k=d['kernel']; print(k['table'], k['matches_state'], k['ranges4'], k['ranges6'], d['feeds'][0]['source'], d['exit'])" <out.json)" = "True True 2 1 mine 0" ] ||
	fail "status --json: $(cat out.json)"
ok "status: table present, holds the generation, 2+1 ranges, feed source mine"

# why --json: the country, the rule, the source
ST why --json 1.0.1.2 >out.json || fail "why --json"
cat out.json
python3 -m json.tool out.json >/dev/null || fail "why --json does not parse"
[ "$(jq_py "print(d['country'], d['rule'], d['verdict'], d['source'], d['counter']['packets'] == $(nft_ctr cc_CN packets), d['fetched'] > 0)" <out.json)" = "CN country CN drop mine True True" ] ||
	fail "why --json content"
ST why --json 9.9.9.2 >out.json || fail "why --json (unblocked)"
[ "$(jq_py "print(d['country'], d['rule'], d['verdict'])" <out.json)" = "None no rule: accepted accept" ] ||
	fail "why --json unblocked: $(cat out.json)"
ST why 1.0.1.2 >out || fail "why"
grep -q "^source: CN from mine, downloaded " out || fail "why text: no source line"
ok "why --json: country CN, rule, source and counter; unblocked address accepted"

# the Prometheus text: stats --prometheus, with promtool-like checks
ST stats --prometheus >out.prom || fail "stats --prometheus"
grep -qx "nftblock_drops_packets_total{country=\"CN\"} $(nft_ctr cc_CN packets)" out.prom ||
	fail "prometheus drops line: $(cat out.prom)"
grep -qx 'nftblock_ranges{family="4"} 2' out.prom || fail "prometheus ranges"
grep -q '^nftblock_feed_age_seconds{country="CN",source="mine"} [0-9]*$' out.prom ||
	fail "prometheus feed age"
grep -qx 'nftblock_table_present 1' out.prom || fail "prometheus table"
ok "stats --prometheus: drops, ranges, feed age, table"

# an exception decides before the country
nsx "$H" "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" \
	--allow 1.0.1.2 cn=lists/cn.cidr ru=lists/ru.cidr >/dev/null || fail "apply --allow"
ST why --json 1.0.1.2 >out.json || fail "why --json (exception)"
[ "$(jq_py "print(d['country'], d['rule'], d['verdict'], d['exception'])" <out.json)" = "CN exception accept True" ] ||
	fail "why --json exception: $(cat out.json)"
ST status >/dev/null || fail "status after the second apply: exit $?"
ok "why --json: an exception address says rule exception, accept; status still 0"

# a failed last run: status 75, reported
printf 'time=%s\nresult=failed\nexit=69\nmessage=mine CN: refused: "x"\ngeneration=7\n' \
	"$(date +%s)" >state/last-run
ST status >out; rc=$?
[ "$rc" = 75 ] || fail "status after a failed run: exit $rc, want 75"
grep -q '^last run: failed at .*exit 69, generation 7: mine CN: refused: "x"$' out ||
	fail "status last run line: $(grep last out)"
ST status --json | python3 -m json.tool >/dev/null || fail "status --json (failed run) does not parse"
ok "status: a failed last run is exit 75 and reported"

# a counter of the table that is not a country's is listed by name, and
# every counter equals what nft -j reports
nsx "$H" nft add counter inet nftblock deny || fail "nft add counter"
ST stats >out || fail "stats with deny"
grep -qx "deny  packets=0 bytes=0" out || fail "stats: no deny line: $(cat out)"
ST stats --json >out.json || fail "stats --json with deny"
nsx "$H" nft -j list counters table inet nftblock >nft.json || fail "nft -j"
python3 - out.json nft.json <<'PY' || fail "stats --json differs from nft -j"
import json, sys
ours = {c['name']: (c['packets'], c['bytes'], c['country'])
        for c in json.load(open(sys.argv[1]))['counters']}
nft = {o['counter']['name']: (o['counter']['packets'], o['counter']['bytes'])
       for o in json.load(open(sys.argv[2]))['nftables'] if 'counter' in o}
assert {k: v[:2] for k, v in ours.items()} == nft, (ours, nft)
assert ours['deny'][2] is None and ours['cc_CN'][2] == 'CN'
PY
ok "stats: other counters by name; all $(grep -c . out) counters equal nft -j"

# the table gone while a state exists: 69
nsx "$H" nft delete table inet nftblock || fail "nft delete table"
ST status >out; rc=$?
[ "$rc" = 69 ] || fail "status without table: exit $rc, want 69"
grep -qx "kernel: table inet nftblock absent" out || fail "status: absent line"
grep -qx "status: not protected: the table is absent" out || fail "status verdict"
ok "status: table removed behind our back is exit 69"
