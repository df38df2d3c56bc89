// SPDX-License-Identifier: GPL-2.0-or-later
/* test_region.c - registry regions and continents as country lists. */
#include <errno.h>

#include "testutil.h"
#include "defs.h"
#include "region.h"

#define T(a, b)	CC_TAG(a, b)

static int expand(const char *name, struct ccset *set)
{
	return region_expand(name, strlen(name), set);
}

/* The union of the groups whose name starts with prefix; fails when a
 * code is in two of them.  Returns the number of codes. */
static size_t partition(const char *prefix, struct ccset *all)
{
	uint32_t tags[MAX_COUNTRIES];
	struct ccset one;
	const char *name;
	size_t total = 0, n;

	ccset_init(all, false);
	for (size_t i = 0; (name = region_name(i)); i++) {
		if (strncmp(name, prefix, strlen(prefix)))
			continue;
		ccset_init(&one, false);
		assert_true(expand(name, &one) > 0);
		n = ccset_list(&one, tags);
		for (size_t j = 0; j < n; j++) {
			if (ccset_has(all, tags[j]))
				fail_msg("%s: %c%c is in two groups", name,
					 tags[j] >> 8, tags[j] & 0xff);
			ccset_add(all, tags[j]);
		}
		total += n;
	}
	return total;
}

/* Every country is on exactly one continent and in exactly one registry's
 * region, and both tables know the same countries. */
static void test_partitions(void **state)
{
	uint32_t a[MAX_COUNTRIES], b[MAX_COUNTRIES];
	struct ccset cont, reg;
	size_t nc, nr;

	(void)state;
	nc = partition("continent:", &cont);
	nr = partition("region:", &reg);
	/* 249 ISO 3166-1 codes and XK; registries add EU and AP */
	assert_int_equal(nc, 250);
	assert_int_equal(nr, 252);
	assert_true(ccset_has(&reg, T('E', 'U')));
	assert_true(ccset_has(&reg, T('A', 'P')));
	assert_false(ccset_has(&cont, T('E', 'U')));
	ccset_add(&cont, T('E', 'U'));
	ccset_add(&cont, T('A', 'P'));
	nc = ccset_list(&cont, a);
	nr = ccset_list(&reg, b);
	assert_int_equal(nc, nr);
	assert_memory_equal(a, b, nc * sizeof(a[0]));
}

struct member_case {
	const char *group;
	uint32_t tag;
	bool in;
};

static const struct member_case members[] = {
	{ "region:arin", T('U', 'S'), true },
	{ "region:arin", T('C', 'A'), true },
	{ "region:arin", T('P', 'R'), true },
	{ "region:arin", T('M', 'X'), false },	/* LACNIC */
	{ "region:lacnic", T('M', 'X'), true },
	{ "region:lacnic", T('B', 'R'), true },
	{ "region:ripencc", T('R', 'U'), true },
	{ "region:ripencc", T('I', 'R'), true },	/* the Middle East */
	{ "region:ripencc", T('K', 'Z'), true },	/* Central Asia */
	{ "region:ripencc", T('G', 'L'), true },
	{ "region:ripencc", T('E', 'U'), true },
	{ "region:ripencc", T('C', 'N'), false },
	{ "region:apnic", T('C', 'N'), true },
	{ "region:apnic", T('A', 'F'), true },
	{ "region:apnic", T('A', 'P'), true },
	{ "region:apnic", T('E', 'U'), false },
	{ "region:afrinic", T('Z', 'A'), true },
	{ "region:afrinic", T('E', 'G'), true },
	{ "region:afrinic", T('S', 'H'), false },	/* ARIN serves it */
	{ "continent:EU", T('R', 'U'), true },
	{ "continent:EU", T('G', 'B'), true },
	{ "continent:EU", T('T', 'R'), false },	/* GeoNames: Asia */
	{ "continent:AS", T('T', 'R'), true },
	{ "continent:AS", T('C', 'N'), true },
	{ "continent:AS", T('E', 'G'), false },
	{ "continent:AF", T('E', 'G'), true },
	{ "continent:NA", T('P', 'A'), true },
	{ "continent:SA", T('P', 'A'), false },
	{ "continent:OC", T('A', 'U'), true },
	{ "continent:AN", T('A', 'Q'), true },
	{ "CONTINENT:as", T('J', 'P'), true },	/* names ignore case */
	{ "Region:RipeNCC", T('D', 'E'), true },
};

static void test_members(void **state)
{
	struct ccset s;

	(void)state;
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		ccset_init(&s, false);
		assert_true(expand(members[i].group, &s) > 0);
		if (ccset_has(&s, members[i].tag) != members[i].in)
			fail_msg("case %zu: %s %c%c", i, members[i].group,
				 members[i].tag >> 8, members[i].tag & 0xff);
	}
}

static void test_unknown(void **state)
{
	static const char *const bad[] = {
		"region:mars", "continent:XX", "region:", "continent:",
		"ripencc", "AS", "region:ripencc ", "region:ripe", "",
	};
	uint32_t tags[MAX_COUNTRIES];
	struct ccset s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ccset_init(&s, false);
		assert_false(region_known(bad[i], strlen(bad[i])));
		assert_int_equal(expand(bad[i], &s), -ENOENT);
		assert_int_equal(ccset_list(&s, tags), 0);
	}
	assert_true(region_known("continent:SA", 12));
	assert_null(region_name(12));
	assert_string_equal(region_name(0), "region:afrinic");
}

/* Expanding adds to what the set holds. */
static void test_adds(void **state)
{
	uint32_t tags[MAX_COUNTRIES];
	struct ccset s;

	(void)state;
	ccset_init(&s, false);
	ccset_add(&s, T('U', 'S'));
	assert_int_equal(expand("continent:SA", &s), 14);
	assert_int_equal(ccset_list(&s, tags), 15);
	assert_int_equal(expand("continent:SA", &s), 14);
	assert_int_equal(ccset_list(&s, tags), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partitions),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_adds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
