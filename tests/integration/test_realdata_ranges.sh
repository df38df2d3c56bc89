#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real-data check of the range parsers (DB-IP lite, ip-location-db
# geo-whois-asn, Tor/IPFire geoip, Debian's tor-geoipdb, a GeoLite2 Country
# CSV zip): nftblock feed-cidrs against a Python ipaddress reference, for
# several countries and the world union.  Uses ../shared/data (or
# $NFTBLOCK_DATA) and /usr/share/tor when present; skips (77) otherwise.
cd "$(dirname "$0")/../.." || exit 1
if ! command -v python3 >/dev/null 2>&1; then
	echo "python3 not installed"
	exit 77
fi
[ -x nftblock/nftblock ] || { echo "nftblock not built"; exit 1; }
exec python3 tests/integration/realdata_ranges.py
