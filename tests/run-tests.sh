#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test: unit programs (cmocka), fuzz corpus replays, integration
# scripts.  Prints one line per program and a closing "N passed, N failed,
# N skipped" line; exits non-zero when anything failed.
#
# An integration script exits 0 (pass), 77 (skip, with a reason on stdout) or
# anything else (fail).
set -u
cd "$(dirname "$0")/.." || exit 1

pass=0 fail=0 skip=0
failed=""
logdir=${TEST_LOGDIR:-$(mktemp -d /tmp/nftblock-tests.XXXXXX)}

run() {
	name=$1
	shift
	log="$logdir/$(echo "$name" | tr '/' '_').log"
	start=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$log")" ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	   echo "FAIL $name (exit $rc), log follows:"; tail -n 60 "$log" | sed 's/^/    /' ;;
	esac
}

for t in tests/unit/test_*; do
	case $t in *.c|*.o|*.dSYM) continue ;; esac
	[ -x "$t" ] || continue
	run "$t" "$t"
done

for r in tests/fuzz/fuzz_*-replay; do
	[ -x "$r" ] || continue
	target=$(basename "$r" -replay)
	corpus="tests/fuzz/corpus/${target#fuzz_}"
	run "$r" "$r" "$corpus"
done

for s in tests/integration/test_*.sh; do
	[ -f "$s" ] || continue
	if [ -n "${TEST_FILTER:-}" ]; then
		case $s in *$TEST_FILTER*) ;; *) continue ;; esac
	fi
	run "$s" sh "$s"
done

echo
[ -z "$failed" ] || echo "failed:$failed"
echo "logs: $logdir"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
