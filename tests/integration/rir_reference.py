#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent reference for RIR statistics, written with Python's ipaddress.

  rir_reference.py [--country CC]... FILE...
      What `nftblock feed-cidrs --format rir [--country CC]... FILE...` must
      print: the union of the chosen countries' allocated/assigned space
      (every country but the regions EU/AP when none is named), minus the
      never-block ranges, as canonical CIDRs, IPv4 then IPv6, address order.

  rir_reference.py --each CC,CC,...,ALL --outdir DIR FILE...
      The same for several queries over one parse: DIR/CC.txt holds what
      `--country CC` prints, DIR/ALL.txt what no --country prints.

  rir_reference.py --per-tag FILE...
      "CC cidr" lines per tag (regions included, nothing removed), tags in
      order, each tag's prefixes collapsed and in address order: the
      expectation files of the unit tests (tests/fixtures/rir/*.expect).

  rir_reference.py --per-country-dir DIR FILE...
      Write DIR/CC.v4 and DIR/CC.v6 (collapsed prefixes of each country,
      regions included) for the benchmark's iprange comparison.

This is deliberately not a port of the C parser: it reads the same format
with str.split and lets ipaddress do the range arithmetic.
"""
import ipaddress
import os
import sys

# The never-block table of nftblock/compile.c, copied by hand: a change
# there must be mirrored here (the real-data test then fails loudly).
NEVERBLOCK4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8",
               "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
               "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
               "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
               "224.0.0.0/4", "240.0.0.0/4"]
NEVERBLOCK6 = ["::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96",
               "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
               "2002::/16", "3fff::/20", "5f00::/16", "fc00::/7",
               "fe80::/10", "ff00::/8"]
REGIONS = {"EU", "AP"}


def records(path):
    """Yield (cc, network list) for each allocated/assigned address record."""
    seen_version = False
    with open(path, encoding="latin-1") as f:
        for line in f:
            line = line.rstrip("\r\n").strip()
            if not line or line.startswith("#"):
                continue
            p = line.split("|")
            if not seen_version:
                seen_version = True
                continue
            if len(p) == 6 and p[5] == "summary":
                continue
            cc, typ, start, value, status = p[1].upper(), p[2], p[3], p[4], p[6]
            if typ not in ("ipv4", "ipv6") or status not in ("allocated", "assigned"):
                continue
            if cc in ("", "ZZ"):
                continue
            if cc == "UK":
                cc = "GB"
            if typ == "ipv4":
                lo = ipaddress.IPv4Address(start)
                hi = lo + (int(value) - 1)
                nets = list(ipaddress.summarize_address_range(lo, hi))
            else:
                nets = [ipaddress.IPv6Network(f"{start}/{value}")]
            yield cc, nets


def collect(files):
    per = {}
    for path in files:
        for cc, nets in records(path):
            per.setdefault(cc, []).extend(nets)
    return per


def intervals(nets):
    """Sorted, merged (lo, hi) integer intervals of networks of one family."""
    iv = sorted((int(n.network_address), int(n.broadcast_address)) for n in nets)
    out = []
    for lo, hi in iv:
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out


def subtract(iv, never):
    """Intervals iv minus intervals never (both sorted and merged)."""
    out = []
    for lo, hi in iv:
        for nlo, nhi in never:
            if nhi < lo or nlo > hi:
                continue
            if nlo > lo:
                out.append((lo, nlo - 1))
            lo = nhi + 1
            if lo > hi:
                break
        if lo <= hi:
            out.append((lo, hi))
    return out


def union(per, wanted):
    out = []
    for fam, table, cls in ((4, NEVERBLOCK4, ipaddress.IPv4Address),
                            (6, NEVERBLOCK6, ipaddress.IPv6Address)):
        nets = [n for cc, l in per.items() if cc in wanted
                for n in l if n.version == fam]
        never = intervals(ipaddress.ip_network(n) for n in table)
        for lo, hi in subtract(intervals(nets), never):
            out.extend(ipaddress.summarize_address_range(cls(lo), cls(hi)))
    return out


def main(argv):
    wanted, files, mode, outdir, each = set(), [], "union", None, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--country":
            wanted.add(argv[i + 1].upper())
            i += 2
            continue
        if a == "--per-tag":
            mode = "per-tag"
        elif a == "--each":
            each = argv[i + 1].split(",")
            i += 1
        elif a == "--outdir":
            outdir = argv[i + 1]
            i += 1
        elif a == "--per-country-dir":
            mode, outdir = "dir", argv[i + 1]
            i += 1
        else:
            files.append(a)
        i += 1
    per = collect(files)
    w = sys.stdout.write
    if mode == "per-tag":
        for fam in (4, 6):
            for cc in sorted(per):
                for n in ipaddress.collapse_addresses(
                        x for x in per[cc] if x.version == fam):
                    w(f"{cc} {n}\n")
        return 0
    if mode == "dir":
        for cc, nets in per.items():
            for fam in (4, 6):
                sel = [x for x in nets if x.version == fam]
                if sel:
                    with open(os.path.join(outdir, f"{cc}.v{fam}"), "w") as f:
                        for n in ipaddress.collapse_addresses(sel):
                            f.write(f"{n}\n")
        return 0
    everyone = {cc for cc in per if cc not in REGIONS}
    if each:
        for q in each:
            sel = everyone if q == "ALL" else {q.upper()}
            with open(os.path.join(outdir, f"{q}.txt"), "w") as f:
                for n in union(per, sel):
                    f.write(f"{n}\n")
        return 0
    if not wanted:
        wanted = everyone
    for n in union(per, wanted):
        w(f"{n}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
