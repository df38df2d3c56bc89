#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmarks run by tests/bench/run-bench.sh (see there).

1. RIR world: `nftblock feed-cidrs --format rir` over the newest APNIC,
   LACNIC and AFRINIC files, RIPE 2014 and the ARIN excerpt (or generated
   files), against iprange merging the same per-country IPv4 CIDR lists.
2. CIDR world: `feed-cidrs --format cidr CC=file...` over every country of
   the herrbischoff (or ipverse) tarball against iprange on the same files.
iprange handles IPv4 only, so each comparison is also made IPv4-only.
"""
import glob
import lzma
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

RUNS = 7
ROOT = os.getcwd()
BIN = os.path.join(ROOT, "nftblock", "nftblock")


class Timing:
    """Median wall time and median CPU time (user + sys) of several runs.
    The CPU figure is the steadier one on a shared machine."""

    def __init__(self, wall, cpu):
        self.wall, self.cpu = wall, cpu

    def __str__(self):
        return f"{self.wall * 1000:7.1f} ms wall {self.cpu * 1000:6.1f} ms cpu"


def median_time(cmd, runs=RUNS):
    walls, cpus = [], []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        walls.append(time.perf_counter() - t)
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode:
            raise subprocess.CalledProcessError(p.returncode, cmd)
        cpus.append(ru.ru_utime + ru.ru_stime)
    return Timing(statistics.median(walls), statistics.median(cpus))


def output(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, check=True).stdout


def data_dir():
    d = os.environ.get("NFTBLOCK_DATA", os.path.join(ROOT, "..", "shared", "data"))
    return d if os.path.isdir(os.path.join(d, "rir")) else None


def rir_files(data, tmp):
    if not data:
        subprocess.run([sys.executable, "tests/bench/gen_world.py", tmp],
                       check=True)
        return sorted(glob.glob(os.path.join(tmp, "delegated-*"))), "generated"
    out = []
    for pat in ("delegated-apnic-2026*.xz", "delegated-lacnic-2026*.xz",
                "delegated-afrinic-extended-2026*.xz"):
        found = sorted(glob.glob(os.path.join(data, "rir", pat)))
        if found:
            dst = os.path.join(tmp, os.path.basename(found[-1])[:-3])
            with lzma.open(found[-1]) as src, open(dst, "wb") as f:
                shutil.copyfileobj(src, f)
            out.append(dst)
    for name in ("delegated-ripencc-20140803",
                 "delegated-arin-extended-20260413.EXCERPT"):
        p = os.path.join(data, "rir", name)
        if os.path.exists(p):
            out.append(p)
    return out, "real"


def country_lists(root4, root6=None):
    """CC=path arguments for every two-letter country file; v4 paths."""
    args, v4 = [], []
    for root, suffix in ((root4, 4), (root6, 6)):
        if not root:
            continue
        for p in sorted(glob.glob(root)):
            base = os.path.basename(p)
            # ipverse: country/CC/ipv4-aggregated.txt; others: CC.cidr
            cc = os.path.basename(os.path.dirname(p)) \
                if base.startswith("ipv") else base.split(".")[0]
            if len(cc) != 2 or not cc.isalpha() or cc.lower() in ("zz", "eu", "ap"):
                continue
            if os.path.getsize(p) == 0:
                continue
            args.append(f"{cc}={p}")
            if suffix == 4:
                v4.append(p)
    return args, v4


def report(label, ours, theirs):
    print(f"  {label}\n    nftblock {ours}   iprange {theirs}   ratio "
          f"wall {ours.wall / theirs.wall:4.2f} cpu "
          f"{ours.cpu / max(theirs.cpu, 1e-6):4.2f}")


def bench_rir(data, tmp):
    files, kind = rir_files(data, tmp)
    print(f"RIR world ({kind}: {', '.join(os.path.basename(f) for f in files)})")
    out = output([BIN, "feed-cidrs", "--format", "rir"] + files).decode()
    n6 = sum(1 for l in out.splitlines() if ":" in l)
    print(f"  output: {len(out.splitlines()) - n6} IPv4 + {n6} IPv6 prefixes")
    full = median_time([BIN, "feed-cidrs", "--format", "rir"] + files)
    only4 = median_time([BIN, "feed-cidrs", "--format", "rir", "--family", "4"]
                        + files)
    # the per-country IPv4 lists iprange merges, from the Python reference
    cdir = os.path.join(tmp, "percc")
    os.mkdir(cdir)
    subprocess.run([sys.executable, "tests/integration/rir_reference.py",
                    "--per-country-dir", cdir] + files, check=True)
    args, v4 = country_lists(os.path.join(cdir, "*.v4"))
    ipr = median_time(["iprange"] + v4)
    cidr4 = median_time([BIN, "feed-cidrs", "--format", "cidr",
                         "--family", "4"] + args)
    print(f"  medians of {RUNS} runs; iprange merges {len(v4)} per-country "
          f"IPv4 lists (it has no IPv6)")
    print(f"  nftblock rir, all countries, IPv4+IPv6: {full}  (target < 500 ms)")
    report("rir --family 4 (raw registry files) vs iprange on the CC lists",
           only4, ipr)
    report("cidr --family 4 vs iprange, the same CC lists", cidr4, ipr)


def bench_cidr(data, tmp):
    tars = sorted(glob.glob(os.path.join(data, "aggregated",
                                         "herrbischoff-*.tar.xz")))
    if not tars:
        tars = sorted(glob.glob(os.path.join(data, "aggregated",
                                             "ipverse-*.tar.xz")))
    if not tars:
        print("CIDR world: skipped (no herrbischoff or ipverse tarball)")
        return
    with tarfile.open(tars[-1]) as t:
        t.extractall(tmp, filter="data") if hasattr(tarfile, "data_filter") \
            else t.extractall(tmp)
    top = os.path.join(tmp, os.path.basename(tars[-1])[:-len(".tar.xz")])
    if os.path.isdir(os.path.join(top, "ipv4")):
        args, v4 = country_lists(os.path.join(top, "ipv4", "*.cidr"),
                                 os.path.join(top, "ipv6", "*.cidr"))
    else:
        args, v4 = country_lists(os.path.join(top, "country", "*",
                                              "ipv4-aggregated.txt"),
                                 os.path.join(top, "country", "*",
                                              "ipv6-aggregated.txt"))
    lines = sum(1 for a in args for _ in open(a[3:]))
    print(f"CIDR world ({os.path.basename(tars[-1])}: {len(args)} files, "
          f"{lines} lines)")
    full = median_time([BIN, "feed-cidrs", "--format", "cidr"] + args)
    args4 = [a for a in args if a[3:] in set(v4)]
    ours4 = median_time([BIN, "feed-cidrs", "--format", "cidr",
                         "--family", "4"] + args4)
    ipr = median_time(["iprange"] + v4)
    print(f"  nftblock cidr, all countries, IPv4+IPv6: {full}")
    report("cidr --family 4 vs iprange, the same files", ours4, ipr)


def main():
    if not os.access(BIN, os.X_OK):
        print("build nftblock first (make)")
        return 1
    if not shutil.which("iprange"):
        print("iprange is not installed (apt-get install iprange)")
        return 1
    data = data_dir()
    # every nftblock figure below includes this: loading the shared
    # libraries (libcurl, libarchive, libcrypto) that only fetch uses
    print(f"process start-up: nftblock version {median_time([BIN, 'version'])}"
          f"   iprange /dev/null {median_time(['iprange', '/dev/null'])}")
    with tempfile.TemporaryDirectory() as tmp:
        os.mkdir(os.path.join(tmp, "rir"))
        bench_rir(data, os.path.join(tmp, "rir"))
        if data:
            os.mkdir(os.path.join(tmp, "cidr"))
            bench_cidr(data, os.path.join(tmp, "cidr"))
        else:
            print("CIDR world: skipped (no real data folder)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
