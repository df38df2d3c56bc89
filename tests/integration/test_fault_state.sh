#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The state directory under faults, in a private namespace:
#  - on a small tmpfs that fills up, then made read-only (in unshare -m):
#    apply fails with a clear message and a non-zero exit, the previous
#    state file is intact (cmp), and once there is room the next apply is
#    exact;
#  - a corrupted and a truncated state file: detected by the checksum,
#    refused with a message, the apply does a full replace and is exact;
#  - two applies at once, five times: both succeed, the kernel holds one of
#    the two generations exactly, and the state says so (the state lock);
#  - "nft flush ruleset", and the deletion of one chain, set or rule of
#    table inet nftblock: the next apply repairs it, the dump is exact and
#    packets to a blocked address are dropped again.
. "$(dirname "$0")/kernel_lib.sh"
need_netns
command -v unshare >/dev/null || skip "unshare (util-linux) not installed"
command -v ping >/dev/null || skip "ping (iputils-ping) not installed"
mkns H fstate
mkns P fstpeer
cd "$TMP" || exit 1

$ORACLE world wa 13 800 200 || fail "generate A"
$ORACLE world wb 13 800 200 300 || fail "generate B"
# both generations block CN's 1.0.1.0/24, where the peer has an address
printf '1.0.1.0/24\n2001:250::/35\n' >cn-extra
GA="cn=cn-extra $(for f in wa/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)"
GB="cn=cn-extra $(for f in wb/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)"
$ORACLE expected --allow 9.9.9.2/32 $GA | sort >wantA
$ORACLE expected --allow 9.9.9.2/32 $GB | sort >wantB
ST=$TMP/st

apply() { nsx "$H" "$NFTBLOCK" apply --format cidr --allow 9.9.9.2 --state-dir "$ST" "$@"; }
holds() {
	nsx "$H" "$NFTBLOCK" dump | sort >dump
	if cmp -s dump wantA; then echo A
	elif cmp -s dump wantB; then echo B
	else echo other; fi
}

veth_pair "$H" "$P" f
peer_net "$H" "$P"
reach() { nsx "$H" ping -q -c 1 -W 1 1.0.1.2 >/dev/null 2>&1; }
reach || reach || fail "setup: host cannot reach 1.0.1.2"

echo "== state directory on a tmpfs that fills up, then read-only"
mkdir small
cat >inner.sh <<'INNER'
set -u
fail() { echo "FAIL: $*"; exit 1; }
D=$TMP/small
mount -t tmpfs -o size=256k,mode=0700 nbk-fstate "$D" ||
	{ echo "cannot mount a tmpfs"; exit 77; }
ap() { ip netns exec "$H" "$NFTBLOCK" apply --format cidr --allow 9.9.9.2 --state-dir "$D/st" "$@"; }
dumped() { ip netns exec "$H" "$NFTBLOCK" dump | sort | cmp -s - "$1"; }
ap $GA >out 2>&1 || { cat out; fail "apply A on the tmpfs"; }
cp "$D/st/applied.state" saved.state
dd if=/dev/zero of="$D/fill" bs=4k >/dev/null 2>&1
ap $GB >out 2>&1 && { cat out; fail "apply with a full state directory succeeded"; }
cat out
grep -q "cannot save state: No space left on device" out ||
	fail "no clear message for a full state directory"
cmp saved.state "$D/st/applied.state" || fail "state file changed on a full disk"
[ "$(ls -A "$D/st" | sort | tr '\n' ' ')" = "applied.state generations lock " ] ||
	fail "left-overs in the state directory: $(ls -A "$D/st")"
ls -A "$D/st/generations" | grep -Ev '^([0-9]{8}\.gen|current)$' &&
	fail "left-overs in the stored generations"
echo "ok: full: refused with a message, previous state intact"
rm "$D/fill"
ap $GB >out 2>&1 || { cat out; fail "apply once there is room"; }
grep -q "mode=full" out || fail "a stale state was trusted"
dumped wantB || fail "not exact after the disk-full failure"
echo "ok: full: the next apply with room is exact"

cp "$D/st/applied.state" saved.state
mount -o remount,ro "$D" || fail "remount ro"
ap $GA >out 2>&1 && { cat out; fail "apply with a read-only state directory succeeded"; }
cat out
grep -q "Read-only file system" out || fail "no clear message for a read-only state directory"
cmp saved.state "$D/st/applied.state" || fail "state file changed on a read-only mount"
mount -o remount,rw "$D" || fail "remount rw"
ap $GA >out 2>&1 || { cat out; fail "apply after read-only"; }
dumped wantA || fail "not exact after the read-only failure"
echo "ok: read-only: refused with a message, previous state intact, next apply exact"
# a fresh read-only directory without a lock file: nothing is touched
mkdir "$D/ro" && mount -o remount,ro "$D" || fail "remount ro"
ap $GB --state-dir "$D/ro" >out 2>&1 && fail "apply into an unlockable directory succeeded"
grep -q "cannot lock the state directory: Read-only file system; nothing was changed" out ||
	{ cat out; fail "no clear message for an unlockable state directory"; }
dumped wantA || fail "the kernel changed although the state could not be locked"
echo "ok: read-only, no lock file: refused before touching the kernel"
umount "$D"
INNER
TMP=$TMP H=$H NFTBLOCK=$NFTBLOCK GA=$GA GB=$GB unshare -m sh inner.sh
rc=$?
[ $rc -eq 77 ] && skip "cannot mount a tmpfs in a mount namespace"
[ $rc -eq 0 ] || fail "tmpfs part"

echo "== corrupted and truncated state files"
apply $GA >out 2>&1 || fail "apply A"
[ "$(holds)" = A ] || fail "apply A not exact"
size=$(stat -c %s "$ST/applied.state")
printf '\377' | dd of="$ST/applied.state" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
out=$(apply $GB 2>&1) || fail "apply over a corrupted state: $out"
echo "$out"
echo "$out" | grep -q "state file is corrupt" || fail "corruption not reported"
echo "$out" | grep -q "mode=full" || fail "corrupted state was used for a diff"
[ "$(holds)" = B ] || fail "not exact after a corrupted state"
truncate -s $((size / 3)) "$ST/applied.state"
out=$(apply $GA 2>&1) || fail "apply over a truncated state: $out"
echo "$out" | grep -q "state file is corrupt" || fail "truncation not reported"
echo "$out" | grep -q "mode=full" || fail "truncated state was used for a diff"
[ "$(holds)" = A ] || fail "not exact after a truncated state"
out=$(apply $GA 2>&1) || fail "re-apply"
echo "$out" | grep -q "mode=unchanged" || fail "the rewritten state is not trusted: $out"
ok "corrupt and truncated state: refused with a message, full replace, exact"

echo "== two applies at once"
for i in 1 2 3 4 5; do
	apply $GA >c1.out 2>&1 & p1=$!
	apply $GB >c2.out 2>&1 & p2=$!
	wait $p1 || { cat c1.out; fail "concurrent apply A failed ($i)"; }
	wait $p2 || { cat c2.out; fail "concurrent apply B failed ($i)"; }
	h=$(holds)
	case $h in A) G=$GA ;; B) G=$GB ;; *) fail "concurrent applies left a mix ($i)" ;; esac
	out=$(apply $G 2>&1) || fail "apply after concurrent ($i)"
	echo "$out" | grep -q "mode=unchanged" ||
		fail "state does not match the kernel after concurrent applies ($i): $out"
done
ok "two applies at once: kernel exact and state in agreement (5 rounds)"
if command -v flock >/dev/null; then
	flock "$ST/lock" sleep 2 & fl=$!
	sleep 0.3
	t0=$(date +%s%N)
	apply $GA >c1.out 2>&1 || { cat c1.out; fail "apply behind a held lock"; }
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	wait $fl
	[ $ms -ge 1200 ] || fail "apply did not wait for the state lock (${ms} ms)"
	ok "apply waits for the state directory's lock (${ms} ms)"
fi

echo "== repairs after tampering"
blocked() { reach && fail "1.0.1.2 reachable ($1)"; ok "1.0.1.2 blocked ($1)"; }
repair() {	# LABEL: the next apply repairs it
	out=$(apply $GA 2>&1) || fail "apply after $1: $out"
	echo "$out" | grep -q "mode=full" || fail "$1 not noticed: $out"
	[ "$(holds)" = A ] || fail "not exact after $1"
	blocked "repaired after $1"
}
blocked "generation A"
nsx "$H" nft flush ruleset || fail "flush ruleset"
reach || reach || fail "flush ruleset did not unblock"
repair "nft flush ruleset"
nsx "$H" nft flush chain inet nftblock input && nsx "$H" nft delete chain inet nftblock input ||
	fail "delete chain input"
repair "deleting chain input"
nsx "$H" nft flush chain inet nftblock output && nsx "$H" nft delete chain inet nftblock output ||
	fail "delete chain output"
repair "deleting chain output"
nsx "$H" nft delete set inet nftblock gen || fail "delete set gen"
repair "deleting set gen"
nsx "$H" nft flush set inet nftblock allow4 || fail "flush set allow4"
repair "flushing set allow4"
h=$(nsx "$H" nft -a list chain inet nftblock cc_CN | sed -n 's/.*drop # handle \([0-9]*\)$/\1/p')
[ -n "$h" ] || fail "no rule in chain cc_CN"
nsx "$H" nft delete rule inet nftblock cc_CN handle "$h" || fail "delete rule"
reach || reach || fail "deleting the cc_CN rule did not unblock"
repair "deleting the rule of chain cc_CN"
for h in $(nsx "$H" nft -a list chain inet nftblock output | sed -n 's/.*vmap.* # handle \([0-9]*\)$/\1/p'); do
	nsx "$H" nft delete rule inet nftblock output handle "$h" || fail "delete vmap rule"
done
# (the input chain still drops the replies: no reach check here)
repair "deleting the vmap rules of chain output"
ok "every repair exact, packets dropped again"
