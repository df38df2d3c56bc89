#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare `nftblock feed-cidrs` on real range feeds with a reference built
here with Python's ipaddress module.

For one --country CC the reference is CC's rows, merged, minus the
never-block ranges of nftblock/compile.c (read from that file).  For the
world union it is every row whose code is a country (not ZZ, '-', '??', empty,
nor the regions EU and AP), merged, minus never-block.  Exit 0: all equal,
1: a difference (printed), 77: no data (last line says why).
"""
import ipaddress
import lzma
import os
import re
import socket
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NFTBLOCK = os.path.join(ROOT, 'nftblock', 'nftblock')
PSEUDO = {'', 'ZZ', '-', '??'}
REGIONS = {'EU', 'AP'}


def neverblock():
    src = open(os.path.join(ROOT, 'nftblock', 'compile.c')).read()
    out = {4: [], 6: []}
    for fam, name in ((4, 'neverblock4'), (6, 'neverblock6')):
        body = re.search(name + r'\[\] = \{(.*?)\};', src, re.S).group(1)
        for p in re.findall(r'"([0-9a-fA-F.:]+/[0-9]+)"', body):
            n = ipaddress.ip_network(p)
            out[fam].append((int(n.network_address), int(n.broadcast_address)))
    assert out[4] and out[6]
    return out


def merge(iv):
    iv = sorted(iv)
    out = []
    for lo, hi in iv:
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1][1] = hi
        else:
            out.append([lo, hi])
    return out


def subtract(a, b):
    """a, b merged interval lists; returns a minus b."""
    out, j = [], 0
    for lo, hi in a:
        while j < len(b) and b[j][1] < lo:
            j += 1
        k = j
        while lo <= hi and k < len(b) and b[k][0] <= hi:
            if b[k][0] > lo:
                out.append([lo, b[k][0] - 1])
            lo = max(lo, b[k][1] + 1)
            k += 1
        if lo <= hi:
            out.append([lo, hi])
    return out


def to_cidrs(fam, iv):
    cls = ipaddress.IPv4Address if fam == 4 else ipaddress.IPv6Address
    nets = []
    for lo, hi in iv:
        nets.extend(ipaddress.summarize_address_range(cls(lo), cls(hi)))
    return nets


class Rows:
    """rows[fam][CC] = list of (lo, hi)."""

    def __init__(self):
        self.rows = {4: {}, 6: {}}

    def add(self, fam, lo, hi, cc):
        cc = cc.upper()
        if cc == 'UK':
            cc = 'GB'
        if cc in PSEUDO:
            return
        self.rows[fam].setdefault(cc, []).append((lo, hi))

    def reference(self, never, country=None):
        out = []
        for fam in (4, 6):
            if country:
                iv = list(self.rows[fam].get(country, []))
            else:
                iv = [r for cc, rs in self.rows[fam].items()
                      if cc not in REGIONS for r in rs]
            out.extend(to_cidrs(fam, subtract(merge(iv), merge(never[fam]))))
        return out


def addr(text):
    # inet_pton is ~10x faster than ipaddress.ip_address on a million rows
    if ':' in text:
        return 6, int.from_bytes(socket.inet_pton(socket.AF_INET6, text), 'big')
    return 4, int.from_bytes(socket.inet_pton(socket.AF_INET, text), 'big')


def read_csv(rows, text):
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        s, e, cc = line.split(',')
        fs, lo = addr(s)
        fe, hi = addr(e)
        assert fs == fe and lo <= hi, line
        rows.add(fs, lo, hi, cc)


def read_tor(rows, text):
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        s, e, cc = line.split(',')
        if s.isdigit() and e.isdigit():
            rows.add(4, int(s), int(e), cc)
        else:
            fs, lo = addr(s)
            _, hi = addr(e)
            rows.add(fs, lo, hi, cc)


def read_text(path):
    if path.endswith('.xz'):
        with lzma.open(path, 'rt') as f:
            return f.read()
    with open(path) as f:
        return f.read()


def nftblock(fmt, files, country=None):
    cmd = [NFTBLOCK, 'feed-cidrs', '--format', fmt]
    if country:
        cmd += ['--country', country]
    res = subprocess.run(cmd + files, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise SystemExit('nftblock failed (%d): %s' % (res.returncode,
                                                       res.stderr.strip()))
    return res.stdout.split()


def compare(label, got, want):
    """got: nftblock's lines; want: the reference's networks."""
    if got == [str(n) for n in want] or \
       [ipaddress.ip_network(l) for l in got] == want:
        print('ok   %-40s %7d prefixes' % (label, len(got)))
        return True
    got = [ipaddress.ip_network(l) for l in got]
    gs, ws = set(got), set(want)
    print('FAIL %-40s got %d want %d; only in nftblock: %s; only in '
          'reference: %s' % (label, len(got), len(want),
                             sorted(gs - ws, key=str)[:5],
                             sorted(ws - gs, key=str)[:5]))
    return False


def check_dataset(label, fmt, reader, paths, countries, tmp, never):
    rows = Rows()
    files = []
    for p in paths:
        text = read_text(p)
        reader(rows, text)
        plain = os.path.join(tmp, os.path.basename(p).replace('.xz', ''))
        with open(plain, 'w') as f:
            f.write(text)
        files.append(plain)
    ok = True
    for cc in countries + [None]:
        ok &= compare('%s %s' % (label, cc or 'world'),
                      nftblock(fmt, files, cc), rows.reference(never, cc))
    return ok


def check_geolite2(zpath, tmp, never):
    files, loc, blocks = [], {}, []
    with zipfile.ZipFile(zpath) as z:
        for name in z.namelist():
            base = os.path.basename(name)
            if not base.endswith('.csv') or ('Blocks' not in base and
                                             'Locations-en' not in base):
                continue
            text = z.read(name).decode('utf-8')
            out = os.path.join(tmp, base)
            with open(out, 'w') as f:
                f.write(text)
            files.append(out)
            lines = text.splitlines()
            if 'Locations' in base:
                hdr = lines[0].split(',')
                ci = hdr.index('country_iso_code')
                for l in lines[1:]:
                    # names may be quoted with commas; the first columns
                    # up to country_iso_code are never quoted
                    f = l.split(',')
                    loc[f[0]] = f[ci]
            else:
                blocks.extend(lines[1:])
    rows = Rows()
    for l in blocks:
        f = l.split(',')
        gid = f[1] or f[2]
        if not gid:
            continue
        n = ipaddress.ip_network(f[0])
        rows.add(n.version, int(n.network_address),
                 int(n.broadcast_address), loc[gid])
    ok = True
    for cc in ['US', 'GB', 'CN', None]:
        ok &= compare('GeoLite2 zip %s' % (cc or 'world'),
                      nftblock('maxmind', files, cc),
                      rows.reference(never, cc))
    return ok


def main():
    data = os.environ.get('NFTBLOCK_DATA') or os.path.join(ROOT, '..', 'shared', 'data')
    r = os.path.join(data, 'ranges')
    never = neverblock()
    ok, ran = True, 0
    sets = [
        ('DB-IP lite', 'csv', read_csv,
         ['dbip-country-lite-2026-06-ipv4.csv.xz',
          'dbip-country-lite-2026-06-ipv6.csv.xz'], ['US', 'CN', 'AU']),
        ('geo-whois-asn', 'csv', read_csv,
         ['ip-location-db-geo-whois-asn-country-20260617-ipv4.csv.xz',
          'ip-location-db-geo-whois-asn-country-20260617-ipv6.csv.xz'],
         ['AU', 'US', 'RU']),
        ('Tor/IPFire', 'torgeoip', read_tor,
         ['tor-geoip-ipfire-20260625-ipv4.xz',
          'tor-geoip-ipfire-20260625-ipv6.xz'], ['GB', 'AP', 'CS']),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for label, fmt, reader, names, ccs in sets:
            paths = [os.path.join(r, n) for n in names]
            if not all(os.path.exists(p) for p in paths):
                continue
            ok &= check_dataset(label, fmt, reader, paths, ccs, tmp, never)
            ran += 1
        tor = ['/usr/share/tor/geoip', '/usr/share/tor/geoip6']
        if all(os.path.exists(p) for p in tor):
            ok &= check_dataset('Debian tor-geoipdb', 'torgeoip', read_tor,
                                tor, ['US', 'IR'], tmp, never)
            ran += 1
        z = os.path.join(r, 'GeoLite2-Country-CSV_20211012.zip')
        if os.path.exists(z):
            ok &= check_geolite2(z, tmp, never)
            ran += 1
    if not ran:
        print('no real range data (%s absent, tor-geoipdb not installed)' % data)
        return 77
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
