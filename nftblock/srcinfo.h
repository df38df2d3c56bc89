/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * srcinfo.h - where each country's data came from, for reports: the feed
 * named in cache-dir/sources ("CC feed" lines, written by the fetch stage)
 * and when that feed's cached files were downloaded (their metadata).
 */
#ifndef NFTBLOCK_SRCINFO_H
#define NFTBLOCK_SRCINFO_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "defs.h"

#define MAX_FEED_NAME	64u	/* feed section names are short words */

struct src_cc {
	uint32_t tag;
	char feed[MAX_FEED_NAME];
	int64_t fetched;	/* oldest download of the feed's files; 0: none cached */
};

struct srcinfo {
	struct src_cc v[MAX_COUNTRIES];
	size_t n;
};

/*
 * Read c->cache_dir's sources file and each named feed's cache metadata
 * into si (countries in file order).  A feed's scope (world or per
 * country, from c) gives its cache keys.  Lines that are not "CC feed" are
 * skipped.  Returns 0, -ENOENT when there is no sources file, or -errno.
 */
int srcinfo_load(const struct conf *c, struct srcinfo *si);

/* The entry of country tag, or NULL. */
const struct src_cc *srcinfo_find(const struct srcinfo *si, uint32_t tag);

#endif
