/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lists.h - named block lists in a generation: how their ranges share the
 * geo maps with the countries, when their entries lapse, what a map tag
 * is called.
 *
 * Pure: no I/O.  See struct nft_list (nft.h).
 */
#ifndef NFTBLOCK_LISTS_H
#define NFTBLOCK_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nft.h"

/* True when list l drops only some packets (ports or protocols). */
bool lists_scoped(const struct nft_list *l);

/*
 * The kernel's geo map of family f (0 IPv4, 1 IPv6) for g: the countries'
 * ranges (g->map[f]) with the lists' ranges painted over them, into out
 * (initialized here; normal, no overlaps across tags).  Where ranges meet:
 * an unscoped list wins (the first one in g->lists), then a country (it
 * drops everything anyway), then the scoped lists, all of them (tag
 * NFT_LIST_TAG | their bits: a chain that runs each list's rules).
 * Without lists, out is a copy of g->map[f].
 */
void lists_paint(const struct nft_gen *g, int f, struct rangeset *out);

/*
 * Make set s (one list's family; any tags) normal without overlaps: where
 * entries overlap, the latest lapse wins (0, never, is the latest).
 */
void lists_resolve(struct rangeset *s);

/*
 * Remove from every list of g the entries that lapse at or before now.
 * Returns the number of ranges removed.
 */
size_t lists_drop_lapsed(struct nft_gen *g, uint32_t now);

/* The earliest lapse time after now of list l's entries (0: none) and the
 * number of entries that lapse at all (*n, may be NULL). */
uint32_t lists_next_lapse(const struct nft_list *l, size_t *n);

/* The name of a map tag: "CN", "list:spam", "list:spam+smtp" (or
 * "list#3" when g does not know bit 3).  buf of n bytes. */
char *lists_tag_name(const struct nft_gen *g, uint32_t tag, char *buf,
		     size_t n);

#endif
