#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo works: sync from a local feed server blocks the peer's 'CN'
# address with real packets and leaves the other one reachable; status,
# why and stats run.  (The demo itself exits non-zero when a packet check
# fails.)
[ "$(id -u)" = 0 ] || { echo "needs root for ip netns"; exit 77; }
ip netns add nbdemo-probe-$$ 2>/dev/null || { echo "cannot create network namespaces"; exit 77; }
ip netns del nbdemo-probe-$$
cd "$(dirname "$0")/../.." || exit 1
out=$(timeout 120 sh demo/demo.sh 2>&1)
rc=$?
echo "$out" | sed 's/^/    /'
[ $rc = 0 ] || { echo "FAIL: demo exit $rc"; exit 1; }
for want in "demo: ok" "100% packet loss" "country CN range" "status: ok" \
	"CN  packets=2" "plan: CN IPv4: +1 prefixes"; do
	echo "$out" | grep -q "$want" || { echo "FAIL: demo output lacks '$want'"; exit 1; }
done
ip netns list | grep -q nbdemo- && { echo "FAIL: the demo left a namespace"; exit 1; }
exit 0
