#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd units: "systemd-analyze verify" accepts them (with ExecStart
# pointing at the built binary), "systemd-analyze security --offline"
# rates each service at most 2.5, and the ordering and schedule the
# product needs are there.
set -u
cd "$(dirname "$0")/../.."
command -v systemd-analyze >/dev/null 2>&1 || { echo "systemd-analyze not installed"; exit 77; }
[ -x nftblock/nftblock ] || { echo "nftblock binary not built"; exit 77; }
T=$(mktemp -d /tmp/nftblock-units.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

sbin=$(pwd)/nftblock
for f in systemd/*.service.in; do
	sed -e "s|@SBINDIR@|$sbin|g" -e "s|@STATEDIR@|/var/lib/nftblock|g" \
		"$f" >"$T/$(basename "$f" .in)"
done
cp systemd/nftblock.timer "$T/"
cd "$T"

echo "== systemd-analyze verify"
if ! systemd-analyze verify --man=no ./*.service ./*.timer >verify.log 2>&1; then
	cat verify.log
	fail "systemd-analyze verify"
fi
[ -s verify.log ] && { cat verify.log; fail "verify printed warnings"; }

echo "== exposure (systemd-analyze security --offline=true)"
for u in *.service; do
	score=$(systemd-analyze security --offline=true "$u" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	[ -n "$score" ] || { echo "no score for $u (offline security not supported)"; exit 77; }
	echo "$u: $score"
	awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' || fail "$u: exposure $score > 2.5"
done

echo "== what the product needs"
has() { grep -qx "$2" "$1" || fail "$1 lacks $2"; }
has nftblock-restore.service "ExecStart=$sbin/nftblock apply"
has nftblock-restore.service "Before=network-pre.target shutdown.target"
has nftblock-restore.service "Wants=network-pre.target"
has nftblock-restore.service "DefaultDependencies=no"
has nftblock-restore.service "RestrictAddressFamilies=AF_NETLINK AF_UNIX"
has nftblock.service "ExecStart=$sbin/nftblock sync"
has nftblock.service "RestrictAddressFamilies=AF_NETLINK AF_UNIX AF_INET AF_INET6"
has nftblock.timer "Persistent=true"
grep -q "^RandomizedDelaySec=" nftblock.timer || fail "timer has no RandomizedDelaySec"
has nftblockd.service "ExecStart=$sbin/nftblock daemon"
has nftblockd.service 'ExecReload=/bin/kill -HUP $MAINPID'
for u in *.service; do
	has "$u" "CapabilityBoundingSet=CAP_NET_ADMIN"
	has "$u" "NoNewPrivileges=yes"
	has "$u" "ProtectSystem=strict"
	has "$u" "StateDirectory=nftblock"
	has "$u" "SystemCallFilter=@system-service"
done
echo "units: ok"
