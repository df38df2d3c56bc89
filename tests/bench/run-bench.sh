#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# "make bench": parse + aggregate the world, nftblock against iprange.
# Prints figures; not a pass/fail test.  Real data from $NFTBLOCK_DATA or
# ../shared/data when present, generated world-shaped data otherwise.
cd "$(dirname "$0")/../.." || exit 1
exec python3 tests/bench/bench.py "$@"
