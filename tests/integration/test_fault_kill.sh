#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kill -9 at random moments during "nftblock apply": after each kill the
# kernel holds exactly the old or exactly the new generation (never a mix,
# never an empty map), the state directory still reads (no "corrupt"
# warning), and the next apply succeeds, is exact and leaves no temporary
# behind.  Two generations of a
# few thousand ranges alternate; every third trial forces small
# transactions (--max-batch) so that kills also land between the fill and
# the switch of a multi-transaction full replace.
#
# TRIALS (default 100) and SEED (default: the time) may be set; the seed is
# printed so that a failure can be replayed.
. "$(dirname "$0")/kernel_lib.sh"
need_netns
mkns NS kill
cd "$TMP" || exit 1
TRIALS=${TRIALS:-100}
SEED=${SEED:-$(date +%s)}
echo "seed=$SEED trials=$TRIALS"
rnd=$SEED
# next random number in 0..$1-1 in $R (an LCG: reproducible from SEED)
rand() {
	rnd=$(( (rnd * 1103515245 + 12345) % 2147483648 ))
	R=$(( (rnd / 65536) % $1 ))
}

$ORACLE world wa 11 3000 1000 || fail "generate A"
$ORACLE world wb 11 3000 1000 1200 || fail "generate B"
GA=$(for f in wa/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)
GB=$(for f in wb/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)
$ORACLE expected $GA | sort >wantA
$ORACLE expected $GB | sort >wantB
cmp -s wantA wantB && fail "the two generations are the same"
S="--state-dir $TMP/state"

apply() { nsx "$NS" "$NFTBLOCK" apply --format cidr $S "$@"; }
# which generation the kernel holds: A, B or "other"
holds() {
	nsx "$NS" "$NFTBLOCK" dump $S 2>dump.err | sort >dump
	if cmp -s dump wantA; then echo A
	elif cmp -s dump wantB; then echo B
	else echo other; fi
}

apply $GA >/dev/null 2>&1 || fail "first apply"
[ "$(holds)" = A ] || fail "first apply is not exact"
# how long an apply takes (ms), to spread the kills over it
t0=$(date +%s%N)
apply $GB >/dev/null 2>&1 || fail "timing apply"
apply $GA >/dev/null 2>&1 || fail "timing apply"
SPAN=$(( ($(date +%s%N) - t0) / 2000000 + 5 ))
echo "an apply takes about $((SPAN - 5)) ms; kills land in 0..$SPAN ms"

cur=A killed=0 full=0 n=0
while [ $n -lt "$TRIALS" ]; do
	n=$((n + 1))
	if [ $cur = A ]; then new=B G=$GB; else new=A G=$GA; fi
	batch=
	[ $((n % 3)) -ne 0 ] || batch="--max-batch 65536"
	rand "$SPAN"
	ms=$R
	# ip netns exec execs nftblock itself: $! is the process to kill
	ip netns exec "$NS" "$NFTBLOCK" apply --format cidr $S $G $batch \
		>apply.out 2>&1 &
	pid=$!
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	kill -9 $pid 2>/dev/null && killed=$((killed + 1))
	wait $pid 2>/dev/null
	h=$(holds)
	case $h in
	"$cur"|"$new") ;;
	*) cat dump.err apply.out; wc -l dump wantA wantB
	   diff "want$new" dump | head -5
	   fail "trial $n (kill after ${ms} ms, $batch): kernel holds a mix" ;;
	esac
	[ -s dump.err ] && { cat dump.err; fail "trial $n: dump complained"; }
	# the next apply: succeeds, reads the state without complaint, exact
	apply $G $batch >next.out 2>&1 || { cat next.out; fail "trial $n: next apply failed"; }
	grep -q corrupt next.out && { cat next.out; fail "trial $n: state corrupt after a kill"; }
	grep -q 'mode=full' next.out && full=$((full + 1))
	[ "$(holds)" = "$new" ] || fail "trial $n: next apply is not exact"
	# a killed run's temporaries are gone after the next apply
	ls -A "$TMP/state" | grep -v -e '^applied\.state$' -e '^lock$' \
		-e '^generations$' && fail "trial $n: left-overs in the state directory"
	cur=$new
done
ok "$TRIALS trials, $killed killed mid-apply, $full repairs by full replace"
