#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn the kernel's content (`nftblock dump`) into inputs for the other
contenders of the kernel benchmark, so that all load the same intervals.

  bench_data.py ranges < dump                 "CC FIRST LAST", merged
  bench_data.py nftfile < ranges              nft -f script: full table
  bench_data.py nftdiff OLD NEW               nft -f script: element diff
  bench_data.py nftreload < ranges            nft -f script: flush + reload
  bench_data.py run N CMD...                  run CMD N times: median wall
                                              seconds and peak RSS (KiB)
"""
import ipaddress
import os
import statistics
import subprocess
import sys
import time

T = 'nftbench'


def read_dump(f):
    per = []
    for line in f:
        cc, p = line.split()
        if cc == 'allow':
            continue
        n = ipaddress.ip_network(p)
        per.append((n.version, cc, int(n.network_address),
                    int(n.broadcast_address)))
    per.sort(key=lambda r: (r[0], r[2]))
    out = []
    for v, cc, lo, hi in per:
        if out and out[-1][0] == v and out[-1][1] == cc and out[-1][3] + 1 == lo:
            out[-1] = (v, cc, out[-1][2], hi)
        else:
            out.append((v, cc, lo, hi))
    return out


def read_ranges(path_or_f):
    f = open(path_or_f) if isinstance(path_or_f, str) else path_or_f
    out = []
    for line in f:
        cc, a, b = line.split()
        a, b = ipaddress.ip_address(a), ipaddress.ip_address(b)
        out.append((a.version, cc, int(a), int(b)))
    return out


def addr(v, x):
    return str(ipaddress.IPv4Address(x) if v == 4 else ipaddress.IPv6Address(x))


def iv(r):
    v, cc, lo, hi = r
    return addr(v, lo) if lo == hi else '%s-%s' % (addr(v, lo), addr(v, hi))


def elements(rs, v, data=True):
    items = [iv(r) + (' : jump cc_%s' % r[1] if data else '')
             for r in rs if r[0] == v]
    return ',\n'.join(items)


def table(rs):
    ccs = sorted({r[1] for r in rs})
    print('table inet %s {' % T)
    for cc in ccs:
        print('\tcounter cc_%s { }' % cc)
        print('\tchain cc_%s { counter name "cc_%s" drop; }' % (cc, cc))
    for v in (4, 6):
        print('\tmap geo%d { type ipv%d_addr : verdict; flags interval;' % (v, v))
        body = elements(rs, v)
        if body:
            print('\t\telements = {', body, '}')
        print('\t}')
    for name, hook, key in (('input', 'input', 'saddr'),
                            ('output', 'output', 'daddr')):
        print('\tchain %s { type filter hook %s priority filter - 10; policy accept;'
              % (name, hook))
        print('\t\tip %s vmap @geo4' % key)
        print('\t\tip6 %s vmap @geo6' % key)
        print('\t}')
    print('}')


def main():
    cmd = sys.argv[1]
    if cmd == 'ranges':
        for v, cc, lo, hi in read_dump(sys.stdin):
            print(cc, addr(v, lo), addr(v, hi))
    elif cmd == 'nftfile':
        table(read_ranges(sys.stdin))
    elif cmd == 'nftdiff':
        old, new = set(read_ranges(sys.argv[2])), set(read_ranges(sys.argv[3]))
        for v in (4, 6):
            gone = sorted(r for r in old - new if r[0] == v)
            if gone:
                print('delete element inet %s geo%d { %s }' %
                      (T, v, elements(gone, v, False)))
        for v in (4, 6):
            came = sorted(r for r in new - old if r[0] == v)
            if came:
                print('add element inet %s geo%d { %s }' %
                      (T, v, elements(came, v)))
    elif cmd == 'nftreload':
        rs = read_ranges(sys.stdin)
        for v in (4, 6):
            print('flush map inet %s geo%d' % (T, v))
            print('add element inet %s geo%d { %s }' % (T, v, elements(rs, v)))
    elif cmd == 'run':
        n, argv = int(sys.argv[2]), sys.argv[3:]
        walls, rss = [], 0
        for _ in range(n):
            t = time.perf_counter()
            # BENCH_OUT: keep the commands' output (appended) for figures
            # they print themselves
            out = os.environ.get('BENCH_OUT')
            sink = open(out, 'ab') if out else subprocess.DEVNULL
            p = subprocess.Popen(argv, stdout=sink)
            _, status, ru = os.wait4(p.pid, 0)
            p.returncode = 0
            walls.append(time.perf_counter() - t)
            if out:
                sink.close()
            rss = max(rss, ru.ru_maxrss)
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit('failed: %s' % ' '.join(argv))
        print('%.6f %d' % (statistics.median(walls), rss))
    else:
        sys.exit('unknown command')


if __name__ == '__main__':
    main()
