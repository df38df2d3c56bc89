/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cidr.h - IPv4/IPv6 addresses, prefixes, inclusive ranges and range sets.
 *
 * Addresses of both families are u128 values; an IPv4 address uses the low
 * 32 bits.  A range is inclusive at both ends, so the whole address space
 * (0 .. 2^W - 1) is representable without overflow.  Every range carries a
 * tag (a country code for feeds, 0 for plain sets).
 *
 * A *normal* range set is sorted by (tag, lo) and holds, per tag, ranges that
 * neither overlap nor touch.  Ranges of different tags may overlap.
 */
#ifndef NFTBLOCK_CIDR_H
#define NFTBLOCK_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defs.h"

#define CIDR_STRLEN	50	/* "ffff:...:ffff/128" plus NUL, with room */

struct cidr {
	u128 addr;
	uint8_t len;		/* prefix length: 0..32 or 0..128 */
	uint8_t family;		/* 4 or 6 */
};

struct range {
	u128 lo, hi;		/* inclusive */
	uint32_t tag;
};

struct rangeset {
	struct range *v;
	size_t n, cap;
	uint8_t family;		/* 4 or 6 */
};

/* Number of address bits of a family (32 or 128); family must be 4 or 6. */
static inline unsigned cidr_bits(int family)
{
	return family == 4 ? 32 : 128;
}

/* The largest address of a family. */
static inline u128 cidr_max(int family)
{
	return family == 4 ? (u128)UINT32_MAX : ~(u128)0;
}

/*
 * Parse an address "a.b.c.d" or IPv6 text s[0..len).  IPv4 octets are
 * decimal without leading zeros; IPv6 may be non-canonical ("2001:0200::").
 * Returns 0 and writes *family and *addr, or -EINVAL.
 */
int cidr_parse_addr(const char *s, size_t len, int *family, u128 *addr);

/*
 * Parse "addr/len", or a bare address as a host prefix when allow_bare is
 * set.  Host bits set under the mask are an error, not silently cleared.
 * Returns 0, -EINVAL for bad text, or -ERANGE when host bits are set
 * ("164.146.0.0/13"); *out untouched on error.
 */
int cidr_parse(const char *s, size_t len, bool allow_bare, struct cidr *out);

/* Print an address canonically (RFC 5952 for IPv6) into buf[CIDR_STRLEN]. */
char *cidr_format_addr(int family, u128 addr, char *buf);

/* Print "addr/len" canonically into buf[CIDR_STRLEN]. */
char *cidr_format(const struct cidr *c, char *buf);

/* The inclusive range a prefix covers. */
void cidr_to_range(const struct cidr *c, u128 *lo, u128 *hi);

/*
 * Split the inclusive range lo..hi (lo <= hi) into the minimal list of
 * prefixes, in address order.  Writes at most max entries to out and returns
 * the number needed (at most 2 * bits - 2); when that exceeds max, out holds
 * only the first max.
 */
size_t cidr_from_range(int family, u128 lo, u128 hi, struct cidr *out,
		       size_t max);

/* Range sets.  rangeset_free() accepts NULL and leaves an empty set. */
void rangeset_init(struct rangeset *s, int family);
void rangeset_free(struct rangeset *s);
void rangeset_clear(struct rangeset *s);
void rangeset_add(struct rangeset *s, u128 lo, u128 hi, uint32_t tag);
void rangeset_add_cidr(struct rangeset *s, const struct cidr *c, uint32_t tag);
/* Move or copy src's contents to dst, which must be initialized (its old
 * contents are freed); after a move src is empty. */
void rangeset_move(struct rangeset *dst, struct rangeset *src);
void rangeset_copy(struct rangeset *dst, const struct rangeset *src);

/* Sort by (tag, lo) and merge overlapping and adjacent ranges of a tag. */
void rangeset_normalize(struct rangeset *s);

/* True when s is normal (see above). */
bool rangeset_is_normal(const struct rangeset *s);

/* Set every tag to t and normalize: the union over all tags. */
void rangeset_flatten(struct rangeset *s, uint32_t t);

/* Keep only ranges whose tag is in tags[0..n) (tags need not be sorted). */
void rangeset_filter_tags(struct rangeset *s, const uint32_t *tags, size_t n);

/* out = a U b (tag-wise), normal.  out may not alias a or b. */
void rangeset_union(const struct rangeset *a, const struct rangeset *b,
		    struct rangeset *out);

/*
 * out = the parts of a's ranges that lie inside (intersect) or outside
 * (subtract) b, keeping a's tags.  a must be normal; b's tags are ignored
 * and b must be normal with a single tag (e.g. flattened).  out is normal
 * and may not alias a or b.
 */
void rangeset_intersect(const struct rangeset *a, const struct rangeset *b,
			struct rangeset *out);
void rangeset_subtract(const struct rangeset *a, const struct rangeset *b,
		       struct rangeset *out);

/*
 * The element operations that turn old into new, both normal: removed gets
 * the ranges of old that new does not hold exactly (same lo, hi and tag),
 * added the ranges of new that old does not hold.  Applying them (delete
 * removed, then add added) to old's elements gives new's elements.
 */
void rangeset_diff(const struct rangeset *old, const struct rangeset *new,
		   struct rangeset *removed, struct rangeset *added);

/* Number of addresses in a normal set, saturating at 2^128 - 1. */
u128 rangeset_count(const struct rangeset *s);

/*
 * Find the range holding addr by binary search in a normal set whose ranges
 * do not overlap across tags (e.g. a compiled map); NULL when none.
 */
const struct range *rangeset_lookup(const struct rangeset *s, u128 addr);

/* Sort v[0..n) by (lo, tag), stably (compile's sweep order). */
void range_sort_by_lo(struct range *v, size_t n);

/* Comparison used by rangeset_normalize: by tag, then lo, then hi. */
int range_cmp(const struct range *a, const struct range *b);

#endif
