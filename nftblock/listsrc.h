/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * listsrc.h - the entries of the [list:NAME] sections, gathered into a
 * generation's lists: local files, the countries and feeds the
 * unprivileged child loaded, and expiry against the first-seen records in
 * the state directory (seen.h).
 */
#ifndef NFTBLOCK_LISTSRC_H
#define NFTBLOCK_LISTSRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "nft.h"

/*
 * Read the files of every list of c (one "ADDR[/LEN] [until DATE]" per
 * line, "#" comments) into g->lists[k].set (tag: until, 0 none), added to
 * what policy_from_conf() put there.  Returns 0, or -EINVAL / -errno with
 * "file:line: reason" in err.
 */
int listsrc_files(const struct conf *c, struct nft_gen *g, char *err,
		  size_t errlen);

/*
 * Add to every list of g the ranges of its countries (cc[0..1]: the
 * countries' ranges, tag = country) and of its feed (feed[0..1], tag = the
 * list's index), untimed.
 */
void listsrc_merge(const struct conf *c, const struct rangeset cc[2],
		   const struct rangeset feed[2], struct nft_gen *g);

/*
 * Expiry: record the lists' current entries in state_dir's first-seen
 * records (written back when save is set), give every untimed entry of a
 * list with `expire` the lapse time first-seen + expire, resolve overlaps
 * (lists_resolve()) and drop what has lapsed by now.  *lapsed gets the
 * number of ranges dropped.  Returns 0, or -errno when the records cannot
 * be read or written (a corrupt file is logged and started afresh).
 */
int listsrc_expire(const struct conf *c, struct nft_gen *g,
		   const char *state_dir, uint32_t now, bool save,
		   size_t *lapsed);

#endif
