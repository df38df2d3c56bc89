// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for cidr.c: parsing, printing, range splitting, set algebra. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "xmalloc.h"

static const struct {
	const char *in;
	int ret;		/* 0, -EINVAL or -ERANGE */
	const char *canon;	/* canonical print, when ret == 0 */
} parse_cases[] = {
	{ "0.0.0.0/0", 0, "0.0.0.0/0" },
	{ "255.255.255.255/32", 0, "255.255.255.255/32" },
	{ "1.2.3.0/24", 0, "1.2.3.0/24" },
	{ "10.0.0.0/8", 0, "10.0.0.0/8" },
	{ "164.144.0.0/13", 0, "164.144.0.0/13" },
	{ "164.146.0.0/13", -ERANGE, NULL },	/* host bits set */
	{ "1.2.3.4/24", -ERANGE, NULL },
	{ "1.2.3.4", 0, "1.2.3.4/32" },		/* bare: a host */
	{ "1.2.3.0/33", -EINVAL, NULL },
	{ "1.2.3.0/", -EINVAL, NULL },
	{ "1.2.3.0/024", -EINVAL, NULL },
	{ "1.2.3.0/-1", -EINVAL, NULL },
	{ "1.2.3.0/2 4", -EINVAL, NULL },
	{ "01.2.3.0/24", -EINVAL, NULL },	/* leading zero: octal to some */
	{ "1.2.3.00/32", -EINVAL, NULL },
	{ "1.2.3.256/32", -EINVAL, NULL },
	{ "1.2.3/24", -EINVAL, NULL },
	{ "1.2.3.4.5/32", -EINVAL, NULL },
	{ "1.2.3.0/24x", -EINVAL, NULL },
	{ "1.2.3.0x/24", -EINVAL, NULL },
	{ " 1.2.3.0/24", -EINVAL, NULL },
	{ "1.2.3.0/24 ", -EINVAL, NULL },
	{ "", -EINVAL, NULL },
	{ "/24", -EINVAL, NULL },
	{ "1..2.3/24", -EINVAL, NULL },
	{ "1.2.3.1000/32", -EINVAL, NULL },
	{ "::/0", 0, "::/0" },
	{ "::/128", 0, "::/128" },
	{ "::1/128", 0, "::1/128" },
	{ "2001:0200::/23", 0, "2001:200::/23" },	/* non-canonical input */
	{ "2001:DB8::/32", 0, "2001:db8::/32" },
	{ "2001:db8:0:0:0:0:0:0/32", 0, "2001:db8::/32" },
	{ "2001:db8::1/32", -ERANGE, NULL },
	{ "2001:db8::/129", -EINVAL, NULL },
	{ "2001:db8:::/32", -EINVAL, NULL },
	{ "2001:db8::g/128", -EINVAL, NULL },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 0,
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" },
	{ "2001:db8:0:1::/64", 0, "2001:db8:0:1::/64" },
	{ "2001:0:0:1::/64", 0, "2001:0:0:1::/64" },
	{ "2001:db8::/48 ", -EINVAL, NULL },
};

static void test_parse_table(void **state)
{
	char buf[CIDR_STRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(*parse_cases); i++) {
		struct cidr c = { 0 }, keep = { 0 };
		const char *in = parse_cases[i].in;
		int ret = cidr_parse(in, strlen(in), true, &c);

		if (ret != parse_cases[i].ret)
			fail_msg("\"%s\": got %d, want %d", in, ret,
				 parse_cases[i].ret);
		if (ret) {
			/* output untouched on error */
			assert_memory_equal(&c, &keep, sizeof(c));
			continue;
		}
		assert_string_equal(cidr_format(&c, buf), parse_cases[i].canon);
	}
}

static void test_parse_bare_refused(void **state)
{
	struct cidr c;

	(void)state;
	assert_int_equal(cidr_parse("1.2.3.4", 7, false, &c), -EINVAL);
	assert_int_equal(cidr_parse("::1", 3, false, &c), -EINVAL);
	/* a length bound that stops inside the text */
	assert_int_equal(cidr_parse("1.2.3.0/24", 8, false, &c), -EINVAL);
	assert_int_equal(cidr_parse("1.2.3.0/24", 10, false, &c), 0);
}

/* Split lo..hi and check the prefixes tile it exactly and are maximal. */
static void check_split(int family, u128 lo, u128 hi, size_t want_n)
{
	struct cidr out[MAX_CIDRS_PER_RANGE];
	size_t n = cidr_from_range(family, lo, hi, out, MAX_CIDRS_PER_RANGE);
	u128 next = lo;

	if (want_n)
		assert_int_equal(n, want_n);
	assert_true(n <= 2 * cidr_bits(family));
	for (size_t i = 0; i < n; i++) {
		u128 a, b;

		cidr_to_range(&out[i], &a, &b);
		assert_true(a == next);
		assert_true(b <= hi);
		/* maximal: the parent prefix would not fit the range or alignment */
		if (out[i].len > 0) {
			struct cidr p = out[i];
			u128 pa, pb;

			p.len--;
			p.addr &= ~(((u128)1 << (cidr_bits(family) - p.len)) - 1) |
				  (family == 4 ? ~(u128)UINT32_MAX : 0);
			cidr_to_range(&p, &pa, &pb);
			assert_true(pa < lo || pb > hi);
		}
		next = b + 1;
		if (b == hi)
			assert_int_equal(i, n - 1);
	}
}

static void test_from_range(void **state)
{
	struct cidr c[4];

	(void)state;
	/* 128.141.0.0 + 131072 hosts: two /16s, not a /15 (unaligned) */
	check_split(4, 0x808d0000u, 0x808d0000u + 131072 - 1, 2);
	/* 768 hosts from an aligned start: a /23 and a /24 */
	check_split(4, 0x0a000000u, 0x0a000000u + 768 - 1, 2);
	check_split(4, 0, UINT32_MAX, 1);
	check_split(4, 0, 0, 1);
	check_split(4, UINT32_MAX, UINT32_MAX, 1);
	check_split(4, 1, UINT32_MAX - 1, 62);
	check_split(6, 0, ~(u128)0, 1);
	check_split(6, 1, ~(u128)0 - 1, 254);
	check_split(6, ~(u128)0, ~(u128)0, 1);
	/* truncated output still reports the number needed */
	assert_int_equal(cidr_from_range(4, 1, UINT32_MAX - 1, c, 4), 62);
	assert_int_equal(c[0].len, 32);
}

static void test_from_range_random(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		int fam = i & 1 ? 6 : 4;
		u128 a = test_rand(&seed), b = test_rand(&seed);

		if (fam == 6) {
			a = a << 64 | test_rand(&seed);
			b = b << 64 | test_rand(&seed);
		} else {
			a &= UINT32_MAX;
			b &= UINT32_MAX;
		}
		if (i % 3 == 0)	/* short ranges are the common case */
			b = a + (test_rand(&seed) & 0xfff);
		if (b > cidr_max(fam))
			b = cidr_max(fam);
		if (a > b) {
			u128 t = a;
			a = b;
			b = t;
		}
		check_split(fam, a, b, 0);
	}
}

/* Brute force over a 1024-address window [base, base+1023]. */
#define WIN 1024
struct bits {
	uint32_t tag[WIN];	/* 0: not in the set */
};

static void to_bits(const struct rangeset *s, u128 base, struct bits *b)
{
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < s->n; i++)
		for (u128 a = s->v[i].lo; a <= s->v[i].hi; a++) {
			assert_true(a >= base && a - base < WIN);
			assert_int_equal(b->tag[a - base], 0);	/* no overlap */
			b->tag[a - base] = s->v[i].tag;
			if (a == s->v[i].hi)
				break;	/* a++ would wrap at the top */
		}
}

static void random_set(struct rangeset *s, int fam, u128 base, uint64_t *seed,
		       int count, uint32_t tag)
{
	rangeset_init(s, fam);
	for (int i = 0; i < count; i++) {
		u128 lo = base + (test_rand(seed) % WIN);
		u128 len = test_rand(seed) % 64;
		u128 hi = lo + len;

		if (hi - base >= WIN)
			hi = base + WIN - 1;
		rangeset_add(s, lo, hi, tag);
	}
}

static void check_algebra(int fam, u128 base, uint64_t seed)
{
	struct rangeset a, b, u, in, out, tmp, re, removed, added;
	struct bits ba, bb, bu, bi, bo, raw;

	random_set(&a, fam, base, &seed, (int)(test_rand(&seed) % 40), 1);
	random_set(&b, fam, base, &seed, (int)(test_rand(&seed) % 40), 1);
	/* raw membership before normalising */
	memset(&raw, 0, sizeof(raw));
	for (size_t i = 0; i < a.n; i++)
		for (u128 x = a.v[i].lo - base; x <= a.v[i].hi - base; x++)
			raw.tag[x] = 1;	/* offsets: no wrap at the top */
	rangeset_normalize(&a);
	rangeset_normalize(&b);
	assert_true(rangeset_is_normal(&a));
	to_bits(&a, base, &ba);
	assert_memory_equal(&ba, &raw, sizeof(raw));
	to_bits(&b, base, &bb);

	rangeset_union(&a, &b, &u);
	rangeset_intersect(&a, &b, &in);
	rangeset_subtract(&a, &b, &out);
	assert_true(rangeset_is_normal(&u));
	assert_true(rangeset_is_normal(&in));
	assert_true(rangeset_is_normal(&out));
	to_bits(&u, base, &bu);
	to_bits(&in, base, &bi);
	to_bits(&out, base, &bo);
	for (int x = 0; x < WIN; x++) {
		assert_int_equal(bu.tag[x], ba.tag[x] || bb.tag[x]);
		assert_int_equal(bi.tag[x], ba.tag[x] && bb.tag[x]);
		assert_int_equal(bo.tag[x], ba.tag[x] && !bb.tag[x]);
	}

	/* merge(a U b) equals the CIDR split of it re-merged */
	rangeset_init(&re, fam);
	for (size_t i = 0; i < u.n; i++) {
		struct cidr c[MAX_CIDRS_PER_RANGE];
		size_t n = cidr_from_range(fam, u.v[i].lo, u.v[i].hi, c,
					   MAX_CIDRS_PER_RANGE);

		for (size_t k = n; k-- > 0;)	/* reversed: normalize sorts */
			rangeset_add_cidr(&re, &c[k], 1);
	}
	rangeset_normalize(&re);
	assert_sets_equal(&re, &u);

	/* applying the diff of a -> b to a's elements gives b's elements */
	rangeset_diff(&a, &b, &removed, &added);
	rangeset_init(&tmp, fam);
	for (size_t i = 0; i < a.n; i++) {
		bool gone = false;

		for (size_t k = 0; k < removed.n; k++)
			gone |= !range_cmp(&a.v[i], &removed.v[k]);
		if (!gone)
			rangeset_add(&tmp, a.v[i].lo, a.v[i].hi, a.v[i].tag);
	}
	for (size_t k = 0; k < added.n; k++) {
		/* every added element is absent from what is left */
		for (size_t i = 0; i < tmp.n; i++)
			assert_true(added.v[k].lo > tmp.v[i].hi ||
				    added.v[k].hi < tmp.v[i].lo ||
				    added.v[k].tag != tmp.v[i].tag);
		rangeset_add(&tmp, added.v[k].lo, added.v[k].hi,
			     added.v[k].tag);
	}
	if (tmp.n)	/* an empty set's v is NULL */
		qsort(tmp.v, tmp.n, sizeof(*tmp.v),
		      (int (*)(const void *, const void *))range_cmp);
	assert_sets_equal(&tmp, &b);
	/* unchanged elements are not touched */
	assert_true(removed.n <= a.n && added.n <= b.n);

	rangeset_free(&a);
	rangeset_free(&b);
	rangeset_free(&u);
	rangeset_free(&in);
	rangeset_free(&out);
	rangeset_free(&tmp);
	rangeset_free(&re);
	rangeset_free(&removed);
	rangeset_free(&added);
}

static void test_algebra_random(void **state)
{
	(void)state;
	for (uint64_t i = 1; i <= 300; i++) {
		check_algebra(4, 0x0a000000u, i * 7919);
		check_algebra(4, 0, i * 104729);		/* bottom edge */
		check_algebra(4, UINT32_MAX - WIN + 1, i * 1299709);	/* top */
		check_algebra(6, 0, i * 15485863);
		check_algebra(6, ~(u128)0 - WIN + 1, i * 32452843);
		check_algebra(6, (u128)0x20010db8u << 96, i * 49979687);
	}
}

static void test_normalize_edges(void **state)
{
	struct rangeset s;

	(void)state;
	rangeset_init(&s, 4);
	rangeset_add(&s, UINT32_MAX, UINT32_MAX, 0);
	rangeset_add(&s, 0, 0, 0);
	rangeset_add(&s, 1, UINT32_MAX - 1, 0);
	rangeset_normalize(&s);
	assert_int_equal(s.n, 1);
	assert_true(s.v[0].lo == 0 && s.v[0].hi == UINT32_MAX);
	assert_true(rangeset_count(&s) == (u128)UINT32_MAX + 1);
	rangeset_free(&s);

	rangeset_init(&s, 6);
	rangeset_add(&s, ~(u128)0 - 5, ~(u128)0, 7);
	rangeset_add(&s, 0, ~(u128)0, 7);
	rangeset_add(&s, 5, 9, 3);	/* another tag: kept apart */
	rangeset_normalize(&s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v[0].tag, 3);
	assert_true(s.v[1].lo == 0 && s.v[1].hi == ~(u128)0);
	assert_true(rangeset_count(&s) == ~(u128)0);	/* saturates */
	rangeset_free(&s);

	/* adjacent ranges merge, a gap of one address does not */
	rangeset_init(&s, 4);
	rangeset_add(&s, 10, 19, 0);
	rangeset_add(&s, 20, 29, 0);
	rangeset_add(&s, 31, 40, 0);
	rangeset_normalize(&s);
	assert_int_equal(s.n, 2);
	assert_true(s.v[0].hi == 29 && s.v[1].lo == 31);
	rangeset_free(&s);
	rangeset_free(NULL);
}

static void test_lookup(void **state)
{
	struct rangeset s;

	(void)state;
	rangeset_init(&s, 4);
	rangeset_add(&s, 100, 199, CC_TAG('C', 'N'));
	rangeset_add(&s, 300, 399, CC_TAG('C', 'N'));
	rangeset_add(&s, 200, 299, CC_TAG('R', 'U'));
	rangeset_add(&s, 0, 0, CC_TAG('A', 'U'));
	rangeset_normalize(&s);
	assert_null(rangeset_lookup(&s, 1));
	assert_null(rangeset_lookup(&s, 400));
	assert_int_equal(rangeset_lookup(&s, 0)->tag, CC_TAG('A', 'U'));
	assert_int_equal(rangeset_lookup(&s, 100)->tag, CC_TAG('C', 'N'));
	assert_int_equal(rangeset_lookup(&s, 250)->tag, CC_TAG('R', 'U'));
	assert_int_equal(rangeset_lookup(&s, 399)->tag, CC_TAG('C', 'N'));
	rangeset_free(&s);
}

static void test_flatten_filter(void **state)
{
	struct rangeset s;
	const uint32_t keep[] = { CC_TAG('R', 'U') };

	(void)state;
	rangeset_init(&s, 4);
	rangeset_add(&s, 0, 9, CC_TAG('C', 'N'));
	rangeset_add(&s, 10, 19, CC_TAG('R', 'U'));
	rangeset_add(&s, 5, 14, CC_TAG('K', 'P'));
	rangeset_normalize(&s);
	rangeset_filter_tags(&s, keep, 1);
	assert_int_equal(s.n, 1);
	rangeset_add(&s, 0, 9, CC_TAG('C', 'N'));
	rangeset_flatten(&s, 0);
	assert_int_equal(s.n, 1);
	assert_true(s.v[0].lo == 0 && s.v[0].hi == 19);
	rangeset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_bare_refused),
		cmocka_unit_test(test_from_range),
		cmocka_unit_test(test_from_range_random),
		cmocka_unit_test(test_algebra_random),
		cmocka_unit_test(test_normalize_edges),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_flatten_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
