/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cc.h - country codes as feeds write them, and sets of wanted countries.
 *
 * A country is a tag CC_TAG('C','N').  Feeds also carry pseudo codes: ZZ,
 * empty, "-", "??" (nobody's space: never a country) and EU, AP (a registry's
 * region: a country only when asked for by name).
 */
#ifndef NFTBLOCK_CC_H
#define NFTBLOCK_CC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cc_kind {
	CC_COUNTRY,	/* an ISO 3166 alpha-2 shaped code */
	CC_REGION,	/* EU, AP: opt-in */
	CC_NONE,	/* ZZ, empty, "-", "??": never a country */
	CC_BAD,		/* anything else: malformed */
};

/*
 * Classify the feed text s[0..len) and, for CC_COUNTRY and CC_REGION, write
 * the upper-case tag.  "UK" is ISO's exceptional reservation for GB and is
 * returned as GB.
 */
enum cc_kind cc_parse(const char *s, size_t len, uint32_t *tag);

/* Write the two letters of a tag and a NUL into buf[3]. */
char *cc_format(uint32_t tag, char *buf);

/* A set of country tags. */
struct ccset {
	uint8_t bits[(26 * 26 + 7) / 8];
	bool all;		/* every country (not regions) */
};

void ccset_init(struct ccset *s, bool all);
void ccset_add(struct ccset *s, uint32_t tag);
bool ccset_has(const struct ccset *s, uint32_t tag);
/* The tags in the set, ascending, into out[MAX_COUNTRIES]; returns count. */
size_t ccset_list(const struct ccset *s, uint32_t *out);

#endif
