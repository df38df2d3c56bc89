#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real registry files: `nftblock feed-cidrs --format rir` against an
# independent Python ipaddress reference (tests/integration/rir_reference.py),
# per country and for the whole world, exact match.  Needs the project's real
# data folder (../shared/data next to the repository, or $NFTBLOCK_DATA);
# skipped without it.
set -eu
cd "$(dirname "$0")/../.."
bin=./nftblock/nftblock
ref=tests/integration/rir_reference.py

data=${NFTBLOCK_DATA:-../shared/data}
if [ ! -d "$data/rir" ]; then
	echo "skip: no real data folder (set NFTBLOCK_DATA or provide ../shared/data)"
	exit 77
fi
for tool in python3 xz; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "skip: $tool not installed"
		exit 77
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

files=""
for f in "$data"/rir/delegated-apnic-2026*.xz "$data"/rir/delegated-lacnic-2026*.xz \
	 "$data"/rir/delegated-afrinic-extended-2026*.xz \
	 "$data"/rir/delegated-lacnic-extended-*.xz; do
	[ -f "$f" ] || continue
	out="$tmp/$(basename "$f" .xz)"
	xz -dc "$f" >"$out"
	files="$files $out"
done
for f in "$data"/rir/delegated-ripencc-20140803 "$data"/rir/delegated-apnic-20140804 \
	 "$data"/rir/delegated-lacnic-20140801; do
	[ -f "$f" ] || continue
	cp "$f" "$tmp/"
	files="$files $tmp/$(basename "$f")"
done
[ -n "$files" ] || { echo "skip: no registry files in $data/rir"; exit 77; }

# countries of every registry, the regions, and the union of all countries
queries="CN,JP,IN,AU,KR,VN,BR,AR,MX,CL,ZA,EG,NG,KE,DE,GB,FR,RU,CH,AP,EU,ALL"

# compare: label, reference dir, files...
compare() {
	label=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	python3 "$ref" --each "$queries" --outdir "$dir" "$@"
	for q in $(echo "$queries" | tr ',' ' '); do
		if [ "$q" = ALL ]; then
			$bin feed-cidrs --format rir "$@" >"$dir/$q.ours" \
				2>"$dir/err" || { cat "$dir/err"; fail "$label: exit $?"; }
		else
			$bin feed-cidrs --format rir --country "$q" "$@" \
				>"$dir/$q.ours" 2>"$dir/err" ||
				{ cat "$dir/err"; fail "$label $q: exit $?"; }
		fi
		if ! cmp -s "$dir/$q.txt" "$dir/$q.ours"; then
			diff "$dir/$q.txt" "$dir/$q.ours" | head -n 20
			fail "$label: $q differs from the Python reference"
		fi
	done
	v4=$(grep -vc : "$dir/ALL.txt" || true)
	v6=$(grep -c : "$dir/ALL.txt" || true)
	echo "ok $label: $(echo "$queries" | tr ',' '\n' | wc -l) queries match; world $v4 IPv4 + $v6 IPv6 prefixes; CN $(wc -l <"$dir/CN.txt"), BR $(wc -l <"$dir/BR.txt"), DE $(wc -l <"$dir/DE.txt")"
}

n=0
for f in $files; do
	n=$((n + 1))
	compare "$(basename "$f")" "$tmp/q$n" "$f"
done
# the newest file of each registry together (RIPE from 2014): one world
world=""
for pat in 'delegated-apnic-2026*' 'delegated-lacnic-2026*' \
	   'delegated-afrinic-extended-2026*' 'delegated-ripencc-*'; do
	last=$(ls $tmp/$pat 2>/dev/null | sort | tail -n 1)
	[ -n "$last" ] && world="$world $last"
done
compare "all registries" "$tmp/world" $world
echo "all real-data comparisons match"
