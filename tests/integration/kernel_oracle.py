#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent oracle for the kernel tests: canonical "CC prefix" lines.

  kernel_oracle.py expected [--allow A]... CC=FILE...   what the map must hold
  kernel_oracle.py nftjson < `nft -j list table inet nftblock`
  kernel_oracle.py diffcount OLD_CC=FILE... -- NEW_CC=FILE...
  kernel_oracle.py world OUTDIR SEED N4 N6 [CHANGES]   world-shaped lists

Lines are "allow PREFIX" then "CC PREFIX", sorted by family, country,
address: the order `nftblock dump` prints.  Uses only the python standard
library (ipaddress), none of nftblock's code.
"""
import ipaddress
import json
import os
import random
import sys


def ranges_of_file(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.split('#')[0].strip()
            if line:
                n = ipaddress.ip_network(line)
                out.append((n.version, int(n.network_address),
                            int(n.broadcast_address)))
    return out


def merge(rs):
    rs = sorted(rs)
    out = []
    for v, lo, hi in rs:
        if out and out[-1][0] == v and lo <= out[-1][2] + 1:
            if hi > out[-1][2]:
                out[-1] = (v, out[-1][1], hi)
        else:
            out.append((v, lo, hi))
    return out


def prefixes(v, lo, hi):
    cls = ipaddress.IPv4Address if v == 4 else ipaddress.IPv6Address
    return [str(n) for n in ipaddress.summarize_address_range(cls(lo), cls(hi))]


def canon(per_cc, allow):
    lines = []
    for v, lo, hi in merge(allow):
        lines += ['allow ' + p for p in prefixes(v, lo, hi)]
    for fam in (4, 6):
        for cc in sorted(per_cc):
            for v, lo, hi in merge(per_cc[cc]):
                if v == fam:
                    lines += ['%s %s' % (cc, p) for p in prefixes(v, lo, hi)]
    return lines


def per_cc_of(args):
    per_cc = {}
    for a in args:
        cc, path = a.split('=', 1)
        per_cc.setdefault(cc.upper(), []).extend(ranges_of_file(path))
    return per_cc


def cmd_expected(args):
    allow = []
    while args and args[0] == '--allow':
        n = ipaddress.ip_network(args[1])
        allow.append((n.version, int(n.network_address),
                      int(n.broadcast_address)))
        args = args[2:]
    print('\n'.join(canon(per_cc_of(args), allow)))


def elem_range(key):
    if isinstance(key, str):
        a = ipaddress.ip_address(key)
        return a.version, int(a), int(a)
    if 'prefix' in key:
        n = ipaddress.ip_network('%s/%d' % (key['prefix']['addr'],
                                            key['prefix']['len']))
        return n.version, int(n.network_address), int(n.broadcast_address)
    if 'range' in key:
        a, b = (ipaddress.ip_address(x) for x in key['range'])
        return a.version, int(a), int(b)
    if 'elem' in key:
        return elem_range(key['elem']['val'])
    raise ValueError('unknown element %r' % (key,))


def cmd_nftjson():
    doc = json.load(sys.stdin)
    per_cc, allow, maps = {}, [], set()
    for obj in doc['nftables']:
        kind = 'map' if 'map' in obj else 'set' if 'set' in obj else None
        if not kind:
            continue
        s = obj[kind]
        if kind == 'map' and s['name'].startswith('geo'):
            maps.add(s['name'][:4])
            for key, val in s.get('elem', []):
                cc = val['jump']['target']
                assert cc.startswith('cc_'), cc
                per_cc.setdefault(cc[3:], []).append(elem_range(key))
        elif kind == 'set' and s['name'] in ('allow4', 'allow6'):
            allow += [elem_range(k) for k in s.get('elem', [])]
    names = sorted(o['map']['name'] for o in doc['nftables'] if 'map' in o)
    if len(names) != len(maps):
        sys.exit('more than one live map per family: %s' % names)
    print('\n'.join(canon(per_cc, allow)))


def as_set(args):
    out = set()
    for cc, rs in per_cc_of(args).items():
        for v, lo, hi in merge(rs):
            out.add((cc, v, lo, hi))
    return out


def cmd_diffcount(args):
    i = args.index('--')
    old, new = as_set(args[:i]), as_set(args[i + 1:])
    print(len(old - new), len(new - old))


def cmd_world(args):
    """Disjoint random prefixes spread over countries, like a registry world."""
    outdir, seed, n4, n6 = args[0], int(args[1]), int(args[2]), int(args[3])
    changes = int(args[4]) if len(args) > 4 else 0
    rnd = random.Random(seed)
    ccs = sorted({chr(65 + rnd.randrange(26)) + chr(65 + rnd.randrange(26))
                  for _ in range(400)})[:240]
    files = {}
    # IPv4: walk 1.0.0.0 .. 223.255.255.255 skipping nothing special; the
    # generator avoids the never-block blocks by staying in 11.0.0.0/8+ and
    # leaving 100/8, 127/8, 169/8, 172/8, 192/8, 198/8, 203/8 alone.
    bad4 = {0, 10, 100, 127, 169, 172, 192, 198, 203}
    gap = (224 - 12) * (1 << 24) // n4 // 2
    pos, made = 12 << 24, []
    while len(made) < n4:
        ln = rnd.choice((24, 24, 24, 23, 22, 21, 20, 19, 16))
        size = 1 << (32 - ln)
        pos = (pos + size - 1) // size * size
        if pos >> 24 >= 224:
            break
        if pos >> 24 not in bad4:
            made.append((4, pos, ln))
        pos += size + rnd.randrange(gap) // size * size
    base = 0x2400 << 112
    step = (1 << 112) // max(n6, 1) * 0x800
    for i in range(n6):
        ln = rnd.choice((32, 29, 32, 48, 44, 36))
        size = 1 << (128 - ln)
        lo = (base + i * step + size - 1) // size * size
        made.append((6, lo, ln))
    for v, lo, ln in made:
        files.setdefault(rnd.choice(ccs), []).append((v, lo, ln))
    if changes:   # drop `changes` prefixes and add as many fresh ones
        keys = sorted(files)
        for _ in range(changes // 2):
            cc = rnd.choice(keys)
            if len(files[cc]) > 1:
                files[cc].pop(rnd.randrange(len(files[cc])))
        for _ in range(changes - changes // 2):
            a = (0x3000 << 112) + rnd.randrange(1 << 24) * (1 << 88)
            files[rnd.choice(keys)].append((6, a, 40))
    os.makedirs(outdir, exist_ok=True)
    for cc, rs in files.items():
        with open(os.path.join(outdir, cc.lower() + '.cidr'), 'w') as f:
            for v, lo, ln in rs:
                a = ipaddress.ip_address(lo) if v == 6 else \
                    ipaddress.IPv4Address(lo)
                f.write('%s/%d\n' % (a, ln))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'expected':
        cmd_expected(args)
    elif cmd == 'nftjson':
        cmd_nftjson()
    elif cmd == 'diffcount':
        cmd_diffcount(args)
    elif cmd == 'world':
        cmd_world(args)
    else:
        sys.exit('unknown command ' + cmd)


if __name__ == '__main__':
    main()
