#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# apply/dump/why/disable against a real kernel in a private namespace:
# exact content (dump and an nft -j oracle), re-apply sends nothing, a
# changed generation sends only the diff, tampering is repaired, a failing
# batch changes nothing, a foreign table is never touched.
. "$(dirname "$0")/kernel_lib.sh"
need_netns
mkns NS apply
S="--state-dir $TMP/state"
cd "$TMP" || exit 1

# generation 1: adjacent ranges of one country merge, CN and RU touch
printf '1.0.1.0/24\n1.0.2.0/23\n8.8.8.0/24\n2001:250::/35\n' >cn1
printf '1.0.4.0/22\n5.0.0.0/8\n2a00:1450::/32\n2a00:1451::/32\n' >ru1
printf '3.0.0.0/9\n2600::/29\n' >us1
# generation 2: one CN range gone, one changed, one RU range moves to US
printf '1.0.1.0/24\n8.8.8.0/25\n2001:250::/35\n' >cn2
printf '1.0.4.0/22\n2a00:1450::/32\n2a00:1451::/32\n' >ru2
printf '3.0.0.0/9\n5.0.0.0/8\n2600::/29\n2620:0:1::/48\n' >us2
G1="cn=cn1 ru=ru1 us=us1"
G2="cn=cn2 ru=ru2 us=us2"

foreign_table "$NS"
foreign_text "$NS" >foreign.before

apply() { nsx "$NS" "$NFTBLOCK" apply --format cidr $S --allow 9.9.9.9 "$@"; }
check_foreign() {
	foreign_text "$NS" >foreign.now
	cmp -s foreign.before foreign.now || fail "foreign table changed ($1)"
}

out=$(apply $G1) || fail "apply 1"
echo "$out"
[ "$(field mode "$out")" = full ] || fail "first apply is not a full load"
$ORACLE expected --allow 9.9.9.9/32 $G1 >want1
check_exact "$NS" want1 "generation 1"
check_foreign "apply 1"

out=$(apply $G1) || fail "re-apply"
echo "$out"
[ "$(field mode "$out")" = unchanged ] && [ "$(field removed "$out")" = 0 ] &&
	[ "$(field added "$out")" = 0 ] && [ "$(field transactions "$out")" = 0 ] ||
	fail "re-applying the same generation sent something"
ok "re-apply: zero element operations, no transaction"

set -- $($ORACLE diffcount $G1 -- $G2)
out=$(apply $G2) || fail "apply 2"
echo "$out"
[ "$(field mode "$out")" = diff ] || fail "changed generation not sent as a diff"
[ "$(field removed "$out")" = "$1" ] && [ "$(field added "$out")" = "$2" ] ||
	fail "diff sent $(field removed "$out")/$(field added "$out"), expected $1/$2"
[ "$(field transactions "$out")" = 1 ] || fail "diff took several transactions"
ok "changed generation: only the diff (-$1 +$2) in one transaction"
$ORACLE expected --allow 9.9.9.9/32 $G2 >want2
check_exact "$NS" want2 "generation 2"
check_foreign "apply 2"

# why: single-element lookups
w=$(nsx "$NS" "$NFTBLOCK" why 1.0.1.7) || fail "why"
echo "$w"
echo "$w" | grep -q "country CN range 1.0.1.0-1.0.1.255: drop" || fail "why 1.0.1.7"
w=$(nsx "$NS" "$NFTBLOCK" why 5.1.2.3)
echo "$w" | grep -q "country US range 5.0.0.0-5.255.255.255: drop" || fail "why 5.1.2.3: $w"
w=$(nsx "$NS" "$NFTBLOCK" why 1.0.3.1)
echo "$w" | grep -q "no country range: accept" || fail "why 1.0.3.1: $w"
w=$(nsx "$NS" "$NFTBLOCK" why 2a00:1451::1)
echo "$w" | grep -q "country RU range 2a00:1450::-2a00:1451:ffff:ffff:ffff:ffff:ffff:ffff" ||
	fail "why 2a00:1451::1: $w"
w=$(nsx "$NS" "$NFTBLOCK" why 9.9.9.9)
echo "$w" | grep -q "exception: accept" || fail "why 9.9.9.9: $w"
ok "why answers from the kernel"

# atomicity: a batch whose last message fails changes nothing
out=$(apply $G1 --test-fail-last 2>&1) && fail "a failing batch succeeded"
echo "$out"
check_exact "$NS" want2 "after a failed batch"
out=$(apply $G2) || fail "apply after failure"
[ "$(field mode "$out")" = unchanged ] || fail "state was changed by a failed batch: $out"
ok "a failing last message leaves the previous generation intact"

# tampering behind nftblock's back: next apply notices and repairs
map=$(nsx "$NS" nft list table inet nftblock | sed -n 's/.*map \(geo4_[0-7]\) {.*/\1/p')
nsx "$NS" nft delete element inet nftblock "$map" '{ 1.0.4.0/22 }' || fail "tamper"
nsx "$NS" nft add element inet nftblock "$map" '{ 7.0.0.0/8 : jump cc_CN }' || fail "tamper"
out=$(apply $G2 2>&1) || fail "apply after tamper"
echo "$out"
echo "$out" | grep -q "mode=full" || fail "tampering was not noticed"
check_exact "$NS" want2 "repaired after tampering"
check_foreign "repair"

# the fingerprint element tampered: also noticed
gen=$(nsx "$NS" nft -j list set inet nftblock gen | python3 -c '
import json,sys
for o in json.load(sys.stdin)["nftables"]:
    if "set" in o: print(" . ".join(str(x) for x in o["set"]["elem"][0]["concat"]))')
nsx "$NS" nft delete element inet nftblock gen "{ $gen }" || fail "tamper gen ($gen)"
out=$(apply $G2 2>&1) || fail "apply after gen tamper"
echo "$out" | grep -q "mode=full" || fail "missing fingerprint not noticed: $out"
check_exact "$NS" want2 "fingerprint repaired"

# a corrupt state file: full replace, not an error
printf 'garbage' >"$TMP/state/applied.state"
out=$(apply $G1 2>&1) || fail "apply with corrupt state"
echo "$out" | grep -q "mode=full" || fail "corrupt state not replaced: $out"
check_exact "$NS" want1 "after a corrupt state file"
ls "$TMP/state" | grep -q tmp && fail "temporary state file left behind"

# the table deleted by someone else: recreated
nsx "$NS" nft delete table inet nftblock
out=$(apply $G1 2>&1) || fail "apply after table deletion"
echo "$out" | grep -q "the table is missing" || fail "table deletion not noticed: $out"
check_exact "$NS" want1 "table recreated"

# the table made dormant by someone else: noticed and woken up
nsx "$NS" nft add table inet nftblock '{ flags dormant; }' || fail "dormant"
out=$(apply $G1 2>&1) || fail "apply on a dormant table"
echo "$out" | grep -q "mode=full" || fail "dormant table not noticed: $out"
nsx "$NS" nft list table inet nftblock | grep -q dormant && fail "table still dormant"
check_exact "$NS" want1 "woken up"

# directions: forward only, then back to both
out=$(apply $G1 --direction forward) || fail "apply forward"
nsx "$NS" nft list table inet nftblock | grep -q "hook input" && fail "input chain left"
nsx "$NS" nft list table inet nftblock | grep -q "hook forward" || fail "no forward chain"
out=$(apply $G1) || fail "apply both"
nsx "$NS" nft list table inet nftblock | grep -q "hook forward" && fail "forward chain left"
check_exact "$NS" want1 "directions switched back"
[ "$(nsx "$NS" nft list table inet nftblock | grep -c 'map geo')" = 2 ] ||
	fail "old maps left behind"
check_foreign "directions"

# several transactions (a capped socket buffer): the new maps fill first,
# a final small transaction switches; a failing switch leaves the old maps
out=$(apply $G2 --direction in --max-batch 2500) || fail "multi-transaction apply"
echo "$out"
[ "$(field transactions "$out")" -gt 1 ] || fail "expected several transactions"
check_exact "$NS" want2 "filled over several transactions"
out=$(apply $G1 --max-batch 2500 --test-fail-last 2>&1) && fail "failing switch succeeded"
nsx "$NS" "$NFTBLOCK" dump $S | sort >dump
sort want2 | cmp -s - dump || fail "a failed switch changed the live maps"
nsx "$NS" nft list table inet nftblock | grep -q "hook output" &&
	fail "a failed switch changed the rules"
out=$(apply $G1) || fail "apply after a failed switch"
check_exact "$NS" want1 "after a failed switch"
[ "$(nsx "$NS" nft list table inet nftblock | grep -c 'map geo')" = 2 ] ||
	fail "half-filled maps of the failed attempt left behind"
ok "multi-transaction fill: live maps never partial, leftovers removed"

out=$(nsx "$NS" "$NFTBLOCK" disable $S) || fail "disable"
echo "$out"
nsx "$NS" nft list tables | grep -q nftblock && fail "table still there"
[ -e "$TMP/state/applied.state" ] && fail "state file left after disable"
check_foreign "disable"
out=$(nsx "$NS" "$NFTBLOCK" disable $S) || fail "second disable"
echo "$out" | grep -q "was not there" || fail "second disable: $out"
nsx "$NS" "$NFTBLOCK" dump $S >/dev/null 2>&1
[ $? = 69 ] || fail "dump without the table should exit 69"
ok "disable removes only our table"
