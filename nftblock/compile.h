/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compile.h - turn parsed per-country ranges into one exact address map.
 *
 * Per family: keep the chosen countries, merge each country's ranges, remove
 * the never-block ranges (RFC 6890 special-purpose blocks, multicast, ...),
 * and resolve overlaps between countries so that every address belongs to at
 * most one country.  The result is what the kernel's verdict map holds.
 *
 * Overlap rule: an address claimed by several countries goes to the most
 * specific claim, i.e. the narrowest merged range holding it; equal widths go
 * to the alphabetically first country code.  Overlaps are counted and the
 * first few logged.
 */
#ifndef NFTBLOCK_COMPILE_H
#define NFTBLOCK_COMPILE_H

#include <stddef.h>

#include "cc.h"
#include "cidr.h"

struct compile_report {
	size_t bogon_ranges;	/* ranges (after merge) that touched a never-block block */
	u128 bogon_addrs;	/* addresses removed as never-block */
	uint32_t bogon_first_cc;	/* a country that carried bogons (0: none) */
	size_t overlaps;	/* segments claimed by more than one country */
	u128 overlap_addrs;	/* addresses in those segments */
};

/* The never-block ranges of a family as a normal set (tag 0). */
void compile_neverblock(int family, struct rangeset *out);

/*
 * Build the map of one family from in (any order, tags are countries) into
 * out (normal, no overlaps across tags).  Only countries in want are kept
 * (NULL: all countries, the regions EU and AP excluded).  rep is zeroed first and filled; may be NULL.
 * in is left unchanged.
 */
void compile_family(const struct rangeset *in, const struct ccset *want,
		    struct rangeset *out, struct compile_report *rep);

/*
 * The union of the countries in want (NULL: all countries), never-block
 * ranges removed, as one normal set with tag 0: what compile_family() maps,
 * without the countries.  rep as for compile_family() (no overlap counts).
 */
void compile_union(const struct rangeset *in, const struct ccset *want,
		   struct rangeset *out, struct compile_report *rep);

/*
 * Resolve overlaps across tags in a normal set (the rule above): the result
 * is normal and no address is in two ranges.  Adds to rep's overlap counts.
 */
void compile_resolve_overlaps(const struct rangeset *in, struct rangeset *out,
			      struct compile_report *rep);

#endif
