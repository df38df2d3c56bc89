#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Kernel benchmark (make bench): nftblock against `nft -f` and a minimal raw
# libmnl batch, on the registry world, inside throwaway network namespaces.
# Prints figures; not a pass/fail test.
#
# Data: two consecutive days of ipverse per-country lists from
# $NFTBLOCK_DATA/aggregated (default ../shared/data), or a generated world of
# the same shape (172k IPv4 + 67k IPv6, 100 changes) when they are absent.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NFTBLOCK=$ROOT/nftblock/nftblock
H="python3 $ROOT/tests/bench/bench_data.py"
DATA=${NFTBLOCK_DATA:-$ROOT/../shared/data}
RUNS=${BENCH_RUNS:-5}
TMP=$(mktemp -d /tmp/nftblock-bench.XXXXXX)
NS=""
cleanup() { [ -n "$NS" ] && ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "bench-kernel: needs root (ip netns); skipped"; exit 0; }
command -v nft >/dev/null || { echo "bench-kernel: nft not installed; skipped"; exit 0; }
cc -O2 -o "$TMP/rawbatch" "$ROOT/tests/bench/rawbatch.c" \
	$(pkg-config --cflags --libs libmnl) || exit 1
RAW=$TMP/rawbatch
cd "$TMP" || exit 1

d1=$(ls "$DATA"/aggregated/ipverse-rir-ip-*.tar.xz 2>/dev/null | sort | head -n 1)
d2=$(ls "$DATA"/aggregated/ipverse-rir-ip-*.tar.xz 2>/dev/null | sort | sed -n 2p)
args() {	# DIR: CC=FILE for every country list under DIR
	for f in "$1"/country/*/ipv4-aggregated.txt "$1"/country/*/ipv6-aggregated.txt; do
		[ -s "$f" ] || continue
		printf '%s=%s ' "$(basename "$(dirname "$f")")" "$f"
	done
}
if [ -n "$d1" ] && [ -n "$d2" ]; then
	mkdir a b
	tar xJf "$d1" -C a --strip-components=1 && tar xJf "$d2" -C b --strip-components=1 ||
		exit 1
	G1=$(args a) G2=$(args b)
	echo "data: $(basename "$d1") -> $(basename "$d2")"
else
	python3 "$ROOT/tests/integration/kernel_oracle.py" world a 7 172000 67000
	python3 "$ROOT/tests/integration/kernel_oracle.py" world b 7 172000 67000 100
	G1=$(for f in a/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)
	G2=$(for f in b/*.cidr; do printf '%s=%s ' "$(basename "$f" .cidr)" "$f"; done)
	echo "data: generated registry-shaped world (no $DATA/aggregated)"
fi

newns() {
	[ -n "$NS" ] && ip netns del "$NS"
	NS=nbk-bench-$$
	ip netns add "$NS" || exit 1
}
x() { ip netns exec "$NS" "$@"; }
run() { n=$1; shift; x $H run "$n" "$@"; }		# -> "median_s rss_kib"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
maxrss() { sort -n | tail -n 1; }
cold() {	# LABEL CMD...: RUNS cold loads, each in a fresh namespace; the
	# result goes to cold.out (no subshell: cleanup must see the namespace)
	label=$1; shift
	: >"$TMP/cold"
	for i in $(seq "$RUNS"); do
		newns
		rm -rf "$TMP/state"
		run 1 "$@" >>"$TMP/cold" || exit 1
	done
	echo "$label $(cut -d' ' -f1 "$TMP/cold" | median) $(cut -d' ' -f2 "$TMP/cold" | maxrss)" \
		>"$TMP/cold.out"
}

# the kernel's content after each generation, as merged intervals for the
# other contenders (so that all of them load exactly the same elements)
newns
x "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" $G1 >apply1.out || exit 1
x "$NFTBLOCK" dump --state-dir "$TMP/state" | $H ranges >r1
x "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" $G2 >apply2.out || exit 1
x "$NFTBLOCK" dump --state-dir "$TMP/state" | $H ranges >r2
$H nftfile <r1 >t1.nft
$H nftdiff r1 r2 >d.nft
$H nftreload <r2 >rl.nft
# both days as stored generations (apply with files stores them): the boot
# path and the daily sync apply from these, not from text
cp -a "$TMP/state/generations" "$TMP/gens" || exit 1
set -- $(sed -n 's/.*removed=\([0-9]*\) added=\([0-9]*\).*/\1 \2/p' apply2.out)
echo "world: $(grep -c '\.' r1) IPv4 + $(grep -c ':' r1) IPv6 intervals; daily update: -$1 +$2 elements"

cold nftblock "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" $G1
set -- $(cat cold.out)
NB_COLD=$2 NB_COLD_RSS=$3
stored() {	# ID: a state dir holding both generations, ID current
	rm -rf "$TMP/sstate"
	mkdir -p "$TMP/sstate"
	cp -a "$TMP/gens" "$TMP/sstate/generations"
	echo "$1" >"$TMP/sstate/generations/current"
}
: >"$TMP/cold"
for i in $(seq "$RUNS"); do
	newns
	stored 1
	run 1 "$NFTBLOCK" apply --state-dir "$TMP/sstate" >>"$TMP/cold" || exit 1
done
NBS_COLD=$(cut -d' ' -f1 "$TMP/cold" | median) NBS_COLD_RSS=$(cut -d' ' -f2 "$TMP/cold" | maxrss)
cold raw "$RAW" load r1
set -- $(cat cold.out)
RAW_COLD=$2 RAW_RSS=$3
cold nft nft -f t1.nft
set -- $(cat cold.out)
NFT_COLD=$2 NFT_RSS=$3

# daily update: nftblock alternates between the two days (each a diff)
newns
rm -rf "$TMP/state"
x "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" $G1 >/dev/null || exit 1
: >upd
# the apply line's kernel_ms: the kernel's part of nftblock's own commit
export BENCH_OUT=$TMP/upd.out
: >"$BENCH_OUT"
for i in $(seq "$RUNS"); do
	run 1 "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" $G2 >>upd || exit 1
	x "$NFTBLOCK" apply --format cidr --state-dir "$TMP/state" $G1 >/dev/null
done
NB_UPD=$(cut -d' ' -f1 upd | median) NB_UPD_RSS=$(cut -d' ' -f2 upd | maxrss)
# the same update from the stored generations (what sync and boot run)
stored 1
x "$NFTBLOCK" apply --state-dir "$TMP/sstate" >/dev/null || exit 1
: >upds
for i in $(seq "$RUNS"); do
	echo 2 >"$TMP/sstate/generations/current"
	run 1 "$NFTBLOCK" apply --state-dir "$TMP/sstate" >>upds || exit 1
	echo 1 >"$TMP/sstate/generations/current"
	x "$NFTBLOCK" apply --state-dir "$TMP/sstate" >/dev/null
done
NBS_UPD=$(cut -d' ' -f1 upds | median) NBS_UPD_RSS=$(cut -d' ' -f2 upds | maxrss)
unset BENCH_OUT
NB_KMS=$(sed -n 's/.*mode=diff.*kernel_ms=\([0-9.]*\).*/\1/p' "$TMP/upd.out" | median)
MAP4=$(x nft list table inet nftblock | sed -n 's/.*map \(geo4_[0-7]\) {.*/\1/p')
: >one
for i in 1 2 3 4 5; do
	x "$RAW" one r1 nftblock "$MAP4" | sed -n 's/.*: \([0-9.]*\) ms/\1/p' >>one
done
ONE_MS=$(median <one)
: >why
for a in 1.1.1.1 8.8.8.8 2001:4860::8888 223.5.5.5 77.88.8.8; do
	run 5 "$NFTBLOCK" why "$a" >>why || exit 1
done
WHY=$(cut -d' ' -f1 why | median) WHY_RSS=$(cut -d' ' -f2 why | maxrss)

newns
x nft -f t1.nft || exit 1
set -- $(run 1 timeout 900 nft -f d.nft) || true
NFT_INC=${1:-timeout} NFT_INC_RSS=${2:-0}
set -- $(run 1 nft -f rl.nft)
NFT_RELOAD=$1 NFT_RELOAD_RSS=$2

ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
echo
echo "kernel $(uname -r), $(nproc) CPUs, medians of $RUNS runs (each cold run in a fresh namespace)"
printf '%-44s %12s %10s\n' "" "time" "peak RSS"
printf '%-44s %12s %7s KiB\n' "cold apply: nftblock apply (feed files)" "$(ms "$NB_COLD")" "$NB_COLD_RSS"
printf '%-44s %12s %7s KiB\n' "cold apply: nftblock apply (stored generation)" "$(ms "$NBS_COLD")" "$NBS_COLD_RSS"
printf '%-44s %12s %7s KiB\n' "cold apply: nft -f (same elements)" "$(ms "$NFT_COLD")" "$NFT_RSS"
printf '%-44s %12s %7s KiB\n' "cold apply: minimal raw libmnl batch" "$(ms "$RAW_COLD")" "$RAW_RSS"
printf '%-44s %12s %7s KiB\n' "daily update: nftblock apply (feed files)" "$(ms "$NB_UPD")" "$NB_UPD_RSS"
printf '%-44s %12s %7s KiB\n' "daily update: nftblock apply (stored gen.)" "$(ms "$NBS_UPD")" "$NBS_UPD_RSS"
printf '%-44s %12s\n' "daily update: nftblock's commit (kernel_ms)" "$NB_KMS ms"
printf '%-44s %12s\n' "daily update: kernel one-element commit" "$ONE_MS ms"
printf '%-44s %12s %7s KiB\n' "daily update: nft -f incremental" "$(ms "$NFT_INC")" "$NFT_INC_RSS"
printf '%-44s %12s %7s KiB\n' "daily update: nft -f flush + full reload" "$(ms "$NFT_RELOAD")" "$NFT_RELOAD_RSS"
printf '%-44s %12s %7s KiB\n' "why ADDR (whole process)" "$(ms "$WHY")" "$WHY_RSS"
echo
echo "cold apply:   nftblock / raw batch = $(ratio "$NB_COLD" "$RAW_COLD") from feed files," \
	"$(ratio "$NBS_COLD" "$RAW_COLD") from the stored generation (target <= 1.15x);" \
	"nft -f / nftblock = $(ratio "$NFT_COLD" "$NB_COLD") (target >= 2x)"
echo "daily update: nftblock / one-element commit = $(ratio "$NB_UPD" "$(awk -v m="$ONE_MS" 'BEGIN{print m/1000}')") from feed files," \
	"$(ratio "$NBS_UPD" "$(awk -v m="$ONE_MS" 'BEGIN{print m/1000}')") from stored generations" \
	"(target <= 1.5x); full reload / nftblock = $(ratio "$NFT_RELOAD" "$NB_UPD") (target >= 10x);" \
	"nft incremental / nftblock = $(ratio "$NFT_INC" "$NB_UPD")"
echo "daily update, kernel part: nftblock's commit / one-element commit =" \
	"$(ratio "$NB_KMS" "$ONE_MS"); the rest of nftblock's time is its own" \
	"(start, state and generation files decoded, diff, the state file's" \
	"header, fsync and rename after the commit, the socket's release at exit): $(awk -v a="$NBS_UPD" -v k="$NB_KMS" 'BEGIN { printf "%.1f ms", a * 1000 - k }')" \
	"from stored generations"
echo "peak RSS:     nftblock cold $NB_COLD_RSS KiB, update $NB_UPD_RSS KiB from feed files;" \
	"cold $NBS_COLD_RSS KiB, update $NBS_UPD_RSS KiB from stored generations (target <= 32768 KiB)"
