#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write world-shaped synthetic RIR statistics, for benchmarks when the real
files are absent:  gen_world.py OUTDIR [SEED]

Five registries, ~250 countries, ~140k IPv4 records (host counts: mostly
powers of two, ~1% not, some unaligned starts) and ~65k IPv6 records, plus
ASN, reserved and available lines, like the real files.  Deterministic.
"""
import ipaddress
import os
import random
import sys

REGS = ["apnic", "arin", "ripencc", "lacnic", "afrinic"]


def main(argv):
    outdir = argv[0]
    rnd = random.Random(int(argv[1]) if len(argv) > 1 else 1)
    ccs = sorted({chr(65 + a) + chr(65 + b) for a in range(26)
                  for b in range(26)} - {"ZZ", "EU", "AP"})[:250]
    lines = {r: [] for r in REGS}
    addr = int(ipaddress.IPv4Address("1.0.0.0"))
    for _ in range(140000):
        size = 1 << rnd.choice([8, 8, 8, 9, 10, 10, 11, 12, 13, 14, 16])
        if rnd.random() < 0.01:
            size = size * 3 // 2 if size >= 512 else size + 256
        if rnd.random() < 0.005:
            addr += 256		# unaligned start
        else:
            addr = (addr + size - 1) // size * size
        if addr + size > 0xE0000000:
            break
        reg, cc = rnd.choice(REGS), rnd.choice(ccs)
        status = rnd.choice(["allocated"] * 6 + ["assigned"] * 3 + ["reserved"])
        if status == "reserved":
            cc = ""
        lines[reg].append(f"{reg}|{cc}|ipv4|{ipaddress.IPv4Address(addr)}|"
                          f"{size}|20200101|{status}")
        addr += size + (256 * rnd.randint(1, 8) if rnd.random() < 0.3 else 0)
    v6 = int(ipaddress.IPv6Address("2400::"))
    for _ in range(65000):
        plen = rnd.choice([29, 32, 32, 48, 48, 44, 36])
        size = 1 << (128 - plen)
        v6 = (v6 + size - 1) // size * size
        reg, cc = rnd.choice(REGS), rnd.choice(ccs)
        lines[reg].append(f"{reg}|{cc}|ipv6|{ipaddress.IPv6Address(v6)}|"
                          f"{plen}|20200101|allocated")
        v6 += size
    for reg in REGS:
        for asn in range(1000, 1000 + 3000):
            lines[reg].append(f"{reg}|{rnd.choice(ccs)}|asn|{asn}|1|20200101|allocated")
        rnd.shuffle(lines[reg])
        with open(os.path.join(outdir, f"delegated-{reg}-synthetic"), "w") as f:
            f.write(f"2|{reg}|20260101|{len(lines[reg])}|19830101|20260101|+0000\n")
            for t in ("asn", "ipv4", "ipv6"):
                n = sum(1 for l in lines[reg] if f"|{t}|" in l)
                f.write(f"{reg}|*|{t}|*|{n}|summary\n")
            f.write("\n".join(lines[reg]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
