/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gate.h - the size gates: per-country address counts of a feed compared
 * with its last good copy.  Pure.
 */
#ifndef NFTBLOCK_GATE_H
#define NFTBLOCK_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cc.h"
#include "cidr.h"

struct gate_count {
	uint32_t cc;
	u128 n[2];		/* addresses: [0] IPv4, [1] IPv6 */
};

struct gate_counts {
	struct gate_count v[MAX_COUNTRIES];
	size_t n;		/* ascending by cc */
};

/* Count the addresses per country of compiled maps map[0] (IPv4) and
 * map[1] (IPv6); every country of want appears, with zeros if absent. */
void gate_count(const struct rangeset map[2], const struct ccset *want,
		struct gate_counts *out);

/* The entry of cc, or NULL. */
const struct gate_count *gate_find(const struct gate_counts *c, uint32_t cc);

/*
 * Compare new with old (the last good copy; NULL: none) for the countries
 * in want.  A family of a country that had addresses and now has none is
 * always refused; one that lost more than max_shrink percent or gained more
 * than max_grow percent (0: no limit) is refused unless force.  Returns 0,
 * or -ERANGE with the first refused country and why in why[whylen].
 */
int gate_check(const struct gate_counts *old, const struct gate_counts *new,
	       const struct ccset *want, unsigned max_shrink, unsigned max_grow,
	       bool force, char *why, size_t whylen);

/* Text form: one "CC v4 v6" line per country, decimal.  Returns the
 * length written (< n), or -ENOSPC. */
int gate_format(const struct gate_counts *c, char *out, size_t n);
/* Parse the text form.  Returns 0 or -EINVAL. */
int gate_parse(const char *buf, size_t len, struct gate_counts *out);

#endif
