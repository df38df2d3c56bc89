#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen_seeds.py - write the hand-made seed inputs of the state and nft fuzz
targets into tests/fuzz/corpus/{state,nft}/ (named seed-*; campaign.sh keeps
named files when it minimises a corpus).

State files follow state.c's layout; netlink replies follow what the kernel
sends nftblock (nf_tables.h numbers).  Run from the top of the tree."""
import os
import struct
import zlib

# ---- state files ---------------------------------------------------------


def state_file(dirs, fp, genid, sets):
    """sets: four lists of (lo, hi, tag): map4, map6, allow4, allow6."""
    b = b"NFTBLKS1" + struct.pack("<IIQII", 1, dirs, fp, genid, 0)
    b += b"".join(struct.pack("<Q", len(s)) for s in sets)
    for i, s in enumerate(sets):
        for lo, hi, tag in s:
            if i % 2 == 0:
                b += struct.pack("<III", lo, hi, tag)
            else:
                b += lo.to_bytes(16, "big") + hi.to_bytes(16, "big")
                b += struct.pack("<I", tag)
    return b + struct.pack("<I", zlib.crc32(b))


def cc(s):
    return ord(s[0]) << 8 | ord(s[1])


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def states():
    d = "tests/fuzz/corpus/state"
    write(d, "seed-empty", state_file(0, 0, 0, [[], [], [], []]))
    m4 = [(0x01000000, 0x010000ff, cc("AU")), (0x01000100, 0x010003ff, cc("CN")),
          (0xfffffff0, 0xffffffff, cc("ZZ"))]
    m6 = [(0x20010db8 << 96, (0x20010db8 << 96) | (1 << 96) - 1, cc("DE")),
          ((1 << 128) - 16, (1 << 128) - 1, cc("RU"))]
    a4 = [(0x7f000000, 0x7fffffff, 0)]
    a6 = [(1, 1, 0)]
    write(d, "seed-full", state_file(7, 0x1234567890abcdef, 42,
                                     [m4, m6, a4, a6]))
    write(d, "seed-v4", state_file(1, 9, 1, [m4, [], [], []]))
    bad = bytearray(state_file(3, 1, 2, [m4, [], a4, []]))
    bad[-1] ^= 0xff
    write(d, "seed-badcrc", bytes(bad))
    write(d, "seed-truncated", state_file(3, 1, 2, [m4, m6, a4, a6])[:100])

# ---- netlink replies -----------------------------------------------------


NFT = 10 << 8
NEWTABLE, NEWCHAIN, NEWSET, NEWSETELEM, NEWGEN, NEWOBJ = 0, 3, 9, 12, 15, 18
NESTED = 0x8000


def attr(t, payload):
    a = struct.pack("<HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def nest(t, *attrs):
    return attr(t | NESTED, b"".join(attrs))


def strz(t, s):
    return attr(t, s.encode() + b"\0")


def be32(t, v):
    return attr(t, struct.pack(">I", v & 0xffffffff))


def be64(t, v):
    return attr(t, struct.pack(">Q", v))


def msg(mtype, attrs, family=1, flags=2, seq=7, pid=0):
    body = struct.pack("<BBH", family, 0, 0) + b"".join(attrs)
    return struct.pack("<IHHII", 16 + len(body), mtype, flags, seq, pid) + body


def done():
    return struct.pack("<IHHII", 20, 3, 2, 7, 0) + struct.pack("<i", 0)


def error(code):
    inner = struct.pack("<IHHII", 16, NFT | NEWSETELEM, 5, 7, 0)
    return struct.pack("<IHHII", 36, 2, 0, 7, 0) + struct.pack("<i", code) + inner


def elem(key, klen, end=False, chain=None):
    a = [nest(1, attr(1, key.to_bytes(klen, "big")))]
    if end:
        a.append(be32(3, 1))
    if chain:
        a.append(nest(2, nest(2, be32(1, -3), strz(2, chain))))
    return nest(1, *a)


def elems(setname, els):
    return msg(NFT | NEWSETELEM, [strz(1, "nftblock"), strz(2, setname),
                                  nest(3, *els)])


def nfts():
    d = "tests/fuzz/corpus/nft"
    gen = msg(NFT | NEWGEN, [be32(1, 1234), be32(2, 99), strz(3, "nft")],
              family=0)
    table = msg(NFT | NEWTABLE, [strz(1, "nftblock"), be32(2, 0),
                                 be32(3, 5), be64(4, 1)])
    chains = b"".join(msg(NFT | NEWCHAIN, [strz(1, "nftblock"), be64(2, h),
                                           strz(3, n)])
                      for h, n in ((1, "input"), (2, "output"),
                                   (3, "forward"), (4, "cc_CN")))
    sets = b"".join(msg(NFT | NEWSET, [strz(1, "nftblock"), strz(2, n),
                                       be32(3, 0xd), be32(4, 7), be32(5, 4)])
                    for n in ("geo4_0", "geo6_0", "geo4_3", "allow4", "gen"))
    genel = elems("gen", [elem(0x1234567890abcde0, 8)])
    v4 = elems("geo4_0", [elem(0, 4, end=True),
                          elem(0x01000000, 4, chain="cc_AU"),
                          elem(0x01000100, 4, end=True),
                          elem(0x01000100, 4, chain="cc_CN"),
                          elem(0x01000400, 4, end=True),
                          elem(0xfffffff0, 4, chain="cc_RU")])
    v6 = elems("geo6_0", [elem(0x20010db8 << 96, 16, chain="cc_DE"),
                          elem(0x20010db9 << 96, 16, end=True)])
    ctr = msg(NFT | NEWOBJ, [strz(1, "nftblock"), strz(2, "cc_CN"),
                             be32(3, 1), nest(4, be64(1, 1500), be64(2, 3)),
                             be64(5, 9)])
    write(d, "seed-view", b"\0" + gen + table + chains + sets + genel + done())
    write(d, "seed-dump4", b"\0" + v4 + done())
    write(d, "seed-dump6", b"\1" + v6 + done())
    write(d, "seed-why", b"\0" + elems("geo4_0", [elem(0x01000100, 4,
                                                      chain="cc_CN")]) + ctr)
    write(d, "seed-enoent", b"\0" + error(-2))
    write(d, "seed-all", b"\0" + gen + table + chains + sets + genel + v4 +
          ctr + done())


states()
nfts()
