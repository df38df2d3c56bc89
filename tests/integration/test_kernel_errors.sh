#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Exit codes of the kernel commands: no CAP_NET_ADMIN (77), bad feed data
# (65, kernel untouched), usage errors (64).
. "$(dirname "$0")/kernel_lib.sh"
need_netns
command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
mkns NS err
cd "$TMP" || exit 1
chmod 755 "$TMP"
S="--state-dir $TMP/state"
printf '1.0.1.0/24\n' >cn
printf '1.0.1.0/24\nnot-a-prefix\n' >bad

# without CAP_NET_ADMIN
nsx "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$NFTBLOCK" apply --format cidr --state-dir "$TMP/nobody" \
	cn=cn >out 2>&1
rc=$?
cat out
[ $rc = 77 ] || fail "apply without CAP_NET_ADMIN: exit $rc, want 77"
grep -q "CAP_NET_ADMIN" out || fail "no clear message without CAP_NET_ADMIN"
nsx "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$NFTBLOCK" why 1.0.1.1 >/dev/null 2>&1
[ $? = 77 ] || fail "why without CAP_NET_ADMIN: want 77"
ok "no CAP_NET_ADMIN: exit 77 with a clear message"

nsx "$NS" "$NFTBLOCK" apply --format cidr $S cn=cn >/dev/null || fail "apply"
nsx "$NS" nft list table inet nftblock >before
nsx "$NS" "$NFTBLOCK" apply --format cidr $S cn=bad >out 2>&1
rc=$?
cat out
[ $rc = 65 ] || fail "bad feed: exit $rc, want 65"
grep -q "bad:2" out || fail "bad feed: no file:line in the message"
nsx "$NS" nft list table inet nftblock >after
cmp -s before after || fail "a bad feed changed the kernel"
ok "bad feed data: exit 65, kernel untouched"

nsx "$NS" "$NFTBLOCK" apply --format cidr $S cn >/dev/null 2>&1
[ $? = 64 ] || fail "an untagged CIDR list must be a usage error"
nsx "$NS" "$NFTBLOCK" apply --format cidr $S --direction sideways cn=cn >/dev/null 2>&1
[ $? = 64 ] || fail "bad direction must be a usage error"
nsx "$NS" "$NFTBLOCK" why not-an-address >/dev/null 2>&1
[ $? = 64 ] || fail "why with a bad address must be a usage error"
ok "usage errors: exit 64"
