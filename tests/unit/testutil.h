/* SPDX-License-Identifier: GPL-2.0-or-later */
/* testutil.h - what the cmocka unit tests share. */
#ifndef NFTBLOCK_TESTUTIL_H
#define NFTBLOCK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cidr.h"

/* Deterministic xorshift PRNG so property tests are repeatable. */
static inline uint64_t test_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* Parse a prefix or die: for tables of cases written in the test. */
static inline struct cidr test_cidr(const char *s)
{
	struct cidr c;

	assert_int_equal(cidr_parse(s, strlen(s), true, &c), 0);
	return c;
}

/* Two sets hold the same ranges in the same order (padding ignored). */
static inline void assert_sets_equal(const struct rangeset *a,
				     const struct rangeset *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		if (range_cmp(&a->v[i], &b->v[i]))
			fail_msg("sets differ at element %zu", i);
}

/* The directory holding the test fixtures (tests/fixtures). */
#ifndef FIXTURES
#define FIXTURES "tests/fixtures"
#endif

#endif
