// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the range sort in cidr.c (rangeset_normalize and
 * range_sort_by_lo): against qsort and against a per-address bitmap, over
 * the input shapes real feeds have (sorted files, reversed, runs per
 * country, duplicates, random).
 */
#include <stdlib.h>

#include "testutil.h"
#include "cidr.h"
#include "xmalloc.h"

#define UNIVERSE	4096u	/* addresses 0..4095: small enough for a bitmap */
#define NTAGS		5

enum shape {
	RANDOM, SORTED, REVERSED, RUNS, DUPLICATES,
	ADDR_ORDERED,	/* by address, tags interleaved: compile's map */
	BIG_TAGS,	/* the same with tags past 16 bits: the general path */
	FILE_RUNS,	/* three runs in address order: registry files */
	NSHAPES
};

static int tag_cmp(const void *a, const void *b)
{
	return range_cmp(a, b);
}

static int addr_cmp(const void *pa, const void *pb)
{
	const struct range *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->hi < b->hi ? -1 : a->hi > b->hi;
}

static void fill(struct rangeset *s, size_t n, enum shape shape, uint64_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		u128 lo = test_rand(seed) % UNIVERSE;
		u128 hi = lo + test_rand(seed) % 64;
		uint32_t tag = CC_TAG('A', 'A' + (int)(test_rand(seed) % NTAGS));

		if (shape == BIG_TAGS)
			tag |= (uint32_t)(test_rand(seed) % 3) << 16 & 0x10000;

		if (hi >= UNIVERSE)
			hi = UNIVERSE - 1;
		if (shape == DUPLICATES && i && test_rand(seed) % 2) {
			s->v[s->n] = s->v[test_rand(seed) % s->n];
			s->n++;
			continue;
		}
		rangeset_add(s, lo, hi, tag);
	}
	/* sorted by (tag, lo, hi) with qsort, not the sort under test */
	if (shape == SORTED || shape == REVERSED || shape == RUNS)
		qsort(s->v, s->n, sizeof(*s->v), tag_cmp);
	if (shape == ADDR_ORDERED || shape == BIG_TAGS)
		qsort(s->v, s->n, sizeof(*s->v), addr_cmp);
	if (shape == FILE_RUNS) {
		size_t third = s->n / 3;

		qsort(s->v, third, sizeof(*s->v), addr_cmp);
		qsort(s->v + third, third, sizeof(*s->v), addr_cmp);
		qsort(s->v + 2 * third, s->n - 2 * third, sizeof(*s->v),
		      addr_cmp);
	}
	if (shape == REVERSED) {
		for (size_t i = 0, j = s->n ? s->n - 1 : 0; i < j; i++, j--) {
			struct range t = s->v[i];

			s->v[i] = s->v[j];
			s->v[j] = t;
		}
	}
	if (shape == RUNS) {
		/* per-country runs, countries out of order: rotate */
		size_t k = s->n / 3;

		for (size_t r = 0; r < k; r++) {
			struct range t = s->v[0];

			memmove(s->v, s->v + 1, (s->n - 1) * sizeof(*s->v));
			s->v[s->n - 1] = t;
		}
	}
}

/* Bitmap row of a tag: its letter, and whether bit 16 is set. */
static size_t row(uint32_t tag)
{
	return (tag & 0xff) - 'A' + (tag >> 16 ? NTAGS : 0);
}

/* Compare normalized s against a per-tag bitmap of the input. */
static void check_against_bitmap(const struct rangeset *in,
				 const struct rangeset *out)
{
	static uint8_t want[2 * NTAGS][UNIVERSE], got[2 * NTAGS][UNIVERSE];

	memset(want, 0, sizeof(want));
	memset(got, 0, sizeof(got));
	for (size_t i = 0; i < in->n; i++)
		for (u128 a = in->v[i].lo; a <= in->v[i].hi; a++)
			want[row(in->v[i].tag)][a] = 1;
	for (size_t i = 0; i < out->n; i++)
		for (u128 a = out->v[i].lo; a <= out->v[i].hi; a++)
			got[row(out->v[i].tag)][a] = 1;
	assert_memory_equal(want, got, sizeof(want));
	assert_true(rangeset_is_normal(out));
}

static int lo_cmp(const void *pa, const void *pb)
{
	const struct range *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->tag < b->tag ? -1 : a->tag > b->tag;
}

static void test_normalize_shapes(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 31, 32, 33, 64, 65, 500,
					4000 };
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int shape = 0; shape < NSHAPES; shape++) {
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			struct rangeset in, out;

			rangeset_init(&in, 4);
			rangeset_init(&out, 4);
			in.v = xreallocarray(NULL, sizes[k] + 1, sizeof(*in.v));
			in.cap = sizes[k] + 1;
			fill(&in, sizes[k], (enum shape)shape, &seed);
			rangeset_copy(&out, &in);
			rangeset_normalize(&out);
			check_against_bitmap(&in, &out);
			rangeset_free(&in);
			rangeset_free(&out);
		}
	}
}

static void test_sort_by_lo(void **state)
{
	uint64_t seed = 42;

	(void)state;
	for (int shape = 0; shape < NSHAPES; shape++) {
		for (size_t n = 0; n < 3000; n = n * 3 + 1) {
			struct rangeset s;
			struct range *ref;

			rangeset_init(&s, 4);
			s.v = xreallocarray(NULL, n + 1, sizeof(*s.v));
			s.cap = n + 1;
			fill(&s, n, (enum shape)shape, &seed);
			ref = xreallocarray(NULL, n + 1, sizeof(*ref));
			memcpy(ref, s.v, n * sizeof(*ref));
			qsort(ref, n, sizeof(*ref), lo_cmp);
			range_sort_by_lo(s.v, s.n);
			/* same order of keys; same multiset of whole ranges */
			for (size_t i = 0; i < n; i++) {
				assert_true(lo_cmp(&s.v[i], &ref[i]) == 0);
				if (i)
					assert_true(lo_cmp(&s.v[i - 1],
							   &s.v[i]) <= 0);
			}
			rangeset_normalize(&s);
			{
				struct rangeset r = { ref, n, n, 4 };

				rangeset_normalize(&r);
				assert_sets_equal(&s, &r);
			}
			free(ref);
			rangeset_free(&s);
		}
	}
}

/* IPv6 keys differing only in the high 64 bits, and the extremes. */
static void test_sort_wide_keys(void **state)
{
	struct rangeset s;
	u128 top = ~(u128)0;

	(void)state;
	rangeset_init(&s, 6);
	for (int i = 40; i >= 0; i--) {
		rangeset_add(&s, (u128)i << 100, ((u128)i << 100) + 5, 1);
		rangeset_add(&s, top - (u128)i, top - (u128)i, 1);
	}
	rangeset_normalize(&s);
	assert_true(rangeset_is_normal(&s));
	assert_int_equal(s.n, 42);	/* 41 low ranges, the top 41 merged */
	assert_true(s.v[41].lo == top - 40 && s.v[41].hi == top);
	for (size_t i = 0; i < 41; i++)
		assert_true(s.v[i].lo == (u128)i << 100);
	rangeset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_shapes),
		cmocka_unit_test(test_sort_by_lo),
		cmocka_unit_test(test_sort_wide_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
