/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - what the configuration asks the kernel to enforce, as the
 * policy fields of a generation (struct nft_gen).
 *
 * Pure: no I/O.  The country ranges (map[], permit[]) come from the feeds
 * and are filled by the caller (the sync pipeline, or apply's files).
 */
#ifndef NFTBLOCK_POLICY_H
#define NFTBLOCK_POLICY_H

#include "conf.h"
#include "nft.h"

/*
 * Fill every field of g but map[] and permit[] from c:
 *  - dirs: [block] direction when [block] names countries or addresses,
 *    else 0;
 *  - permit_dirs: [allow] direction when [allow] names countries, else 0;
 *  - allow[]: [exceptions] addresses, added to what g->allow holds (the
 *    caller may add the SSH client before or after); normal afterwards;
 *  - deny[]: [block] addresses (tag 0), replacing g->deny;
 *  - ports, log: [exceptions] ports and [log];
 *  - early: [block] early;
 *  - lists[]: the [list:NAME] sections' names, scopes and inline entries
 *    (tag: until); the caller adds their files', feeds' and countries'
 *    entries.
 * g must be initialized (nft_gen_init()); c is left unchanged.
 */
void policy_from_conf(const struct conf *c, struct nft_gen *g);

/* The NFT_DIR_* bits of a configured direction. */
unsigned policy_dirs(enum conf_direction d);

enum policy_verdict {
	POLICY_ACCEPT,		/* no rule drops it */
	POLICY_EXCEPTION,	/* allow[]: accepted before any drop */
	POLICY_DENY,		/* deny[] ([block] addresses) */
	POLICY_COUNTRY,		/* map[]: a blocked country, *tag */
	POLICY_LIST,		/* an unscoped list, *tag = NFT_LIST_TAG | bit */
	POLICY_SCOPED,		/* scoped lists only (some ports or protocols
				 * dropped), *tag = NFT_LIST_TAG | their bits */
	POLICY_NOTALLOWED,	/* allow-list mode, outside permit[] */
};

/*
 * What the kernel's rules for g do with traffic whose remote address is
 * addr (family 4 or 6) in direction dir (one NFT_DIR_* bit), ports and
 * ICMPv6/DHCP aside: the model of nft.h's rule order, for the SSH-client
 * check and "why".  *tag gets the country for POLICY_COUNTRY (may be
 * NULL).
 */
enum policy_verdict policy_verdict(const struct nft_gen *g, int family,
				   u128 addr, unsigned dir, uint32_t *tag);

#endif
