#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make install: DESTDIR, PREFIX, SYSCONFDIR and SYSTEMDUNITDIR are honoured;
# the file list and modes are exact; units name the installed binary; an
# existing nftblock.conf is never replaced.
set -u
cd "$(dirname "$0")/../.."
unset MAKEFLAGS MFLAGS MAKELEVEL
[ -x nftblock/nftblock ] || { echo "nftblock binary not built"; exit 77; }
T=$(mktemp -d /tmp/nftblock-install.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# listing DIR: "mode path" of every file and directory below DIR
listing() { (cd "$1" && find . -mindepth 1 -printf '%m %p\n' | sort -k2); }

# expected PREFIX SYSCONFDIR UNITDIR
expected() {
	{
		for d in $(echo "$2/nftblock/conf.d $3 $1/sbin $1/share/man/man5 \
			$1/share/man/man8 $1/share/nftblock/feeds" | tr ' ' '\n'); do
			p=""
			for c in $(echo "$d" | tr '/' ' '); do
				p="$p/$c"
				echo "755 .$p"
			done
		done
		echo "644 .$2/nftblock/nftblock.conf"
		for u in nftblock-restore.service nftblock.service nftblock.timer \
			nftblockd.service; do
			echo "644 .$3/$u"
		done
		echo "755 .$1/sbin/nftblock"
		echo "644 .$1/share/man/man5/nftblock.conf.5"
		echo "644 .$1/share/man/man8/nftblock.8"
		for f in feeds/*.feed; do
			echo "644 .$1/share/nftblock/feeds/${f#feeds/}"
		done
	} | sort -u -k2
}

check_units() {	# DESTDIR UNITDIR SBINDIR
	for u in nftblock-restore.service nftblock.service nftblockd.service; do
		grep -q '@[A-Z]*@' "$1$2/$u" && fail "$u: placeholder left"
		grep -q "^ExecStart=$3/nftblock " "$1$2/$u" || fail "$u: ExecStart is not $3/nftblock"
	done
	grep -q "^ConditionPathExists=/var/lib/nftblock$" "$1$2/nftblock-restore.service" ||
		fail "restore unit: state directory not substituted"
}

echo "== make install DESTDIR PREFIX=/usr"
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
[ -n "$unitdir" ] || unitdir=/lib/systemd/system
make -s install DESTDIR="$T/a" PREFIX=/usr >"$T/log" 2>&1 || { cat "$T/log"; fail "make install"; }
listing "$T/a" >"$T/got"
expected /usr /etc "$unitdir" >"$T/want"
diff -u "$T/want" "$T/got" || fail "installed files differ"
check_units "$T/a" "$unitdir" /usr/sbin
cmp -s nftblock.conf "$T/a/etc/nftblock/nftblock.conf" || fail "config differs"
./nftblock/nftblock check-config --config "$T/a/etc/nftblock/nftblock.conf" \
	--feeds-dir "$T/a/usr/share/nftblock/feeds" >/dev/null ||
	fail "the installed config or catalogue is not valid"

echo "== an existing configuration is kept"
echo "# mine" >"$T/a/etc/nftblock/nftblock.conf"
make -s install DESTDIR="$T/a" PREFIX=/usr >"$T/log" 2>&1 || fail "second make install"
[ "$(cat "$T/a/etc/nftblock/nftblock.conf")" = "# mine" ] || fail "nftblock.conf was replaced"
grep -q "keeping" "$T/log" || fail "no note that the config was kept"

echo "== PREFIX, SYSCONFDIR and SYSTEMDUNITDIR elsewhere"
make -s install DESTDIR="$T/b" PREFIX=/opt/nb SYSCONFDIR=/opt/etc \
	SYSTEMDUNITDIR=/opt/units >"$T/log" 2>&1 || { cat "$T/log"; fail "make install"; }
listing "$T/b" >"$T/got"
expected /opt/nb /opt/etc /opt/units >"$T/want"
diff -u "$T/want" "$T/got" || fail "installed files differ"
check_units "$T/b" /opt/units /opt/nb/sbin

echo "== uninstall leaves the configuration"
make -s uninstall DESTDIR="$T/b" PREFIX=/opt/nb SYSCONFDIR=/opt/etc \
	SYSTEMDUNITDIR=/opt/units >"$T/log" 2>&1 || fail "make uninstall"
left=$(cd "$T/b" && find . -type f | sort)
[ "$left" = "./opt/etc/nftblock/nftblock.conf" ] || fail "uninstall left: $left"
echo "install: ok"
