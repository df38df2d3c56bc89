#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# campaign.sh - run libFuzzer targets for a fixed number of executions and
# fold what they find back into tests/fuzz/corpus/NAME (minimised, -merge=1).
#
#   make fuzz && tests/fuzz/campaign.sh [-r RUNS] [-t SECONDS] [NAME...]
#
# Each target runs at nice 19 with -runs=RUNS (default 10 million) and
# -max_total_time=SECONDS as a guard (default 1800).  Work files, logs and
# crash artifacts go to $FUZZ_WORK (default /tmp/nftblock-fuzz.$$); the
# final statistics of each run are printed for tests/fuzz/README.
set -u
cd "$(dirname "$0")/../.." || exit 1

runs=10000000
secs=1800
while getopts r:t: o; do
	case $o in
	r) runs=$OPTARG ;;
	t) secs=$OPTARG ;;
	*) echo "usage: $0 [-r RUNS] [-t SECONDS] [NAME...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- $(for f in tests/fuzz/fuzz_*.c; do
	n=${f#tests/fuzz/fuzz_}; echo "${n%.c}"; done)
work=${FUZZ_WORK:-/tmp/nftblock-fuzz.$$}
rc=0

for name in "$@"; do
	bin=tests/fuzz/fuzz_$name-fuzzer
	corpus=tests/fuzz/corpus/$name
	w=$work/$name
	[ -x "$bin" ] || { echo "$bin: not built (make fuzz)" >&2; exit 1; }
	mkdir -p "$w/new" "$w/min" "$corpus"
	dict=
	[ ! -f "tests/fuzz/$name.dict" ] || dict=-dict=tests/fuzz/$name.dict
	start=$(date +%s)
	nice -n 19 "$bin" -runs="$runs" -max_total_time="$secs" \
		-print_final_stats=1 -artifact_prefix="$w/" $dict \
		"$w/new" "$corpus" >"$w/fuzz.log" 2>&1
	st=$?
	t=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$w/fuzz.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$w/fuzz.log")
	cov=$(grep -o 'cov: [0-9]*' "$w/fuzz.log" | tail -n 1)
	ft=$(grep -o 'ft: [0-9]*' "$w/fuzz.log" | tail -n 1)
	crashes=$(ls "$w" | grep -c -E '^(crash|leak|timeout|oom)-')
	echo "$name: exit $st, $execs execs in ${t}s, $rate exec/s, $cov, $ft, $crashes artifacts"
	[ "$st" -eq 0 ] || rc=1
	# named inputs (fixtures, regressions) are kept as they are; the
	# hash-named ones are replaced by a minimal set adding coverage
	rm -rf "$w/min" && mkdir "$w/min"
	for f in "$corpus"/*; do
		case ${f##*/} in
		[0-9a-f]*[0-9a-f]) [ ${#f} -ne $(( ${#corpus} + 41 )) ] || continue ;;
		esac
		cp "$f" "$w/min/"
	done
	nice -n 19 "$bin" -merge=1 "$w/min" "$corpus" "$w/new" \
		>"$w/merge.log" 2>&1 || { rc=1; continue; }
	rm -f "$corpus"/*
	cp "$w/min"/* "$corpus"/
	echo "$name: corpus $(ls "$corpus" | wc -l) files"
done
exit $rc
