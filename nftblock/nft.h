/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft.h - the kernel side: nftblock's own nftables table, programmed over
 * netlink (libnftnl + libmnl) in atomic transactions.
 *
 * nft.c is the only module that talks to the kernel.  Its interface speaks
 * nftblock types only: range sets whose tags are country codes.
 *
 * Ruleset (table inet nftblock):
 *   chain input/output/forward   base chains (priority filter - 10, accept)
 *       iif/oif lo accept; ip saddr @allow4 accept; ip saddr vmap @geo4_N ...
 *   map geo4_N / geo6_N          interval maps, address range : jump cc_XX
 *   set allow4 / allow6          interval sets of always-accepted addresses
 *   set gen                      one element: the generation fingerprint
 *   chain cc_XX                  counter name "cc_XX" drop
 *   counter cc_XX                per-country packets/bytes
 * N (0..NFT_SLOTS-1) is the slot of the live maps: a full replace fills the
 * maps of a free slot and switches the rules to them.
 */
#ifndef NFTBLOCK_NFT_H
#define NFTBLOCK_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"

#define NFT_TABLE	"nftblock"

enum nft_dir {
	NFT_DIR_IN = 1,
	NFT_DIR_OUT = 2,
	NFT_DIR_FWD = 4,
};

/* One generation: everything the table holds. */
struct nft_gen {
	unsigned dirs;			/* NFT_DIR_* bits */
	struct rangeset map[2];		/* [0] IPv4, [1] IPv6; tags: countries */
	struct rangeset allow[2];	/* exceptions, tag 0 */
};

/* What nftblock knows about what it last committed (see state.h). */
struct nft_prev {
	struct nft_gen *gen;		/* NULL: nothing trusted */
	uint64_t fp;			/* fingerprint, slot in the low bits */
	uint32_t genid;			/* ruleset generation after our commit */
};

enum nft_mode { NFT_UNCHANGED, NFT_DIFF, NFT_FULL };

/* What an apply did. */
struct nft_result {
	enum nft_mode mode;
	const char *why_full;		/* reason for a full replace (static) */
	size_t del_elems, add_elems;	/* map/set element operations sent */
	size_t msgs, txns, bytes;	/* netlink messages, transactions, bytes */
	size_t restarts;		/* ERESTART (generation changed) retries */
	uint64_t fp;			/* the new fingerprint (with slot) */
	uint32_t genid;			/* ruleset generation after the commit */
};

struct nft_opts {
	size_t max_batch;	/* 0: as large as the socket buffer allows */
	bool fail_last;		/* test hook: make the last message fail */
};

void nft_gen_init(struct nft_gen *g);
void nft_gen_free(struct nft_gen *g);

/* 64-bit fingerprint of a generation's contents (slot bits cleared). */
uint64_t nft_gen_fingerprint(const struct nft_gen *g);

/*
 * Make the kernel hold generation g.  With a trusted prev matching the
 * kernel (same ruleset generation and fingerprint), only the element diff
 * is sent in one transaction; otherwise the maps are replaced atomically
 * (shadow maps filled, rules switched, old maps deleted).  g's map sets must
 * be normal without overlaps across tags.  Returns 0 and fills *res, or
 * -errno: -EPERM without CAP_NET_ADMIN, -EPROTONOSUPPORT / -EAFNOSUPPORT
 * without nf_tables, -ERANGE when the data cannot be loaded.
 */
int nft_apply(const struct nft_gen *g, struct nft_prev *prev,
	      const struct nft_opts *o, struct nft_result *res);

/* Delete table inet nftblock in one transaction.  0, -ENOENT when absent,
 * or -errno. */
int nft_disable(void);

/*
 * Read the live maps back (a set dump: slow on huge maps) into out[0..1]
 * (initialized by the caller; normal, tags are countries), and the
 * exception sets into allow[0..1] (may be NULL).  0, -ENOENT without the
 * table, or -errno.
 */
int nft_dump(struct rangeset out[2], struct rangeset allow[2]);

struct nft_why {
	bool allowed;		/* in the exception set */
	bool found;		/* in a country's range */
	uint32_t tag;		/* the country */
	u128 lo, hi;		/* the range holding the address */
	uint64_t packets, bytes;	/* the country counter */
};

/* Look one address up in the kernel (single-element gets, no dump). */
int nft_why(int family, u128 addr, struct nft_why *out);

/* What the kernel last refused, with the message and the element it was
 * about ("" when nothing failed).  Valid until the next call. */
const char *nft_last_error(void);

/* Read the ruleset generation and our table's fingerprint (0: none). */
int nft_probe(uint32_t *genid, uint64_t *fp);

/* What a buffer of nf_tables replies says (nft_decode). */
struct nft_readback {
	uint32_t genid;		/* NFT_MSG_NEWGEN */
	bool table;		/* a NEWTABLE reply was seen */
	unsigned bases;		/* base chains of our table: bit 0 input,
				 * 1 output, 2 forward */
	unsigned slots[2];	/* geo4_N / geo6_N sets present, bit N */
	bool fp_ok;		/* set gen held exactly one element */
	uint64_t fp;		/* its fingerprint */
	uint64_t packets, bytes;	/* the last counter object */
	struct rangeset elems;	/* the other sets' elements as ranges
				 * (initialized by the caller, family) */
};

/*
 * Decode buf[0..len), a run of netlink messages as the kernel sends them
 * to nft_probe, nft_dump and nft_why (generation, table, chain, set,
 * set-element and counter replies, errors, DONE), with the same callbacks,
 * into out.  Pure: no socket; for tests and fuzzing.  Returns 0, or -errno
 * of an error message or a malformed buffer (-EBADMSG, -EPROTO...); on
 * error out->elems may hold part of the ranges and the rest is untouched.
 */
int nft_decode(const void *buf, size_t len, int family,
	       struct nft_readback *out);

#endif
