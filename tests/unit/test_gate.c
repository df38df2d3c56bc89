// SPDX-License-Identifier: GPL-2.0-or-later
/* test_gate.c - size gates, counts text form, URL templates. */
#include <errno.h>
#include <stdlib.h>

#include "testutil.h"
#include "feed.h"
#include "gate.h"

#define CN CC_TAG('C', 'N')
#define RU CC_TAG('R', 'U')

static struct gate_counts *counts(u128 cn4, u128 cn6, u128 ru4)
{
	struct gate_counts *c = calloc(1, sizeof(*c));

	c->v[0] = (struct gate_count){ CN, { cn4, cn6 } };
	c->v[1] = (struct gate_count){ RU, { ru4, 0 } };
	c->n = 2;
	return c;
}

struct gate_case {
	u128 o4, o6, n4, n6;
	unsigned shrink, grow;
	bool force;
	const char *why;	/* NULL: passes */
};

static const struct gate_case cases[] = {
	{ 1000, 10, 1000, 10, 40, 100, false, NULL },
	{ 1000, 10, 600, 10, 40, 100, false, NULL },		/* -40%: at the limit */
	{ 1000, 10, 599, 10, 40, 100, false, "CN IPv4 shrank by 40%" },
	{ 1000, 10, 599, 10, 40, 100, true, NULL },
	{ 1000, 10, 2000, 10, 40, 100, false, NULL },		/* +100% */
	{ 1000, 10, 2001, 10, 40, 100, false, "CN IPv4 grew by 100%" },
	{ 1000, 10, 9000, 10, 40, 0, false, NULL },		/* grow off */
	{ 1000, 10, 1, 10, 0, 100, false, NULL },		/* shrink off */
	{ 1000, 10, 1000, 0, 40, 100, false, "CN IPv6 went to zero" },
	{ 1000, 10, 1000, 0, 0, 0, true, "CN IPv6 went to zero" },
	{ 0, 0, 1000, 10, 40, 100, false, NULL },		/* new country */
	{ (u128)1 << 100, 1, (u128)1 << 99, 1, 40, 100, false,
	  "CN IPv4 shrank by 50%" },				/* no overflow */
};

static void test_check(void **state)
{
	struct ccset want;
	char why[256];

	(void)state;
	ccset_init(&want, false);
	ccset_add(&want, CN);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gate_case *k = &cases[i];
		struct gate_counts *o = counts(k->o4, k->o6, 5);
		struct gate_counts *n = counts(k->n4, k->n6, 0);
		int ret;

		why[0] = '\0';
		ret = gate_check(o, n, &want, k->shrink, k->grow, k->force,
				 why, sizeof(why));
		if (k->why ? ret != -ERANGE || !strstr(why, k->why) : ret != 0)
			fail_msg("case %zu: ret %d why '%s'", i, ret, why);
		free(o);
		free(n);
	}
	/* RU went to zero but is not wanted: not checked */
	assert_int_equal(gate_check(NULL, NULL, &want, 40, 100, false, why,
				    sizeof(why)), 0);
}

static void test_count_and_text(void **state)
{
	struct rangeset map[2];
	struct gate_counts *c = calloc(1, sizeof(*c)), *back = calloc(1, sizeof(*c));
	struct ccset want;
	char text[512];
	int w;

	(void)state;
	rangeset_init(&map[0], 4);
	rangeset_init(&map[1], 6);
	rangeset_add(&map[0], 0x01000000, 0x010000ff, CN);
	rangeset_add(&map[0], 0x01000200, 0x010002ff, CN);
	rangeset_add(&map[0], 0x05080000, 0x0508ffff, RU);
	rangeset_add(&map[1], 0, ~(u128)0, CN);		/* saturates */
	ccset_init(&want, false);
	ccset_add(&want, CN);
	ccset_add(&want, CC_TAG('K', 'P'));
	gate_count(map, &want, c);
	assert_int_equal(c->n, 2);
	assert_true(gate_find(c, CN)->n[0] == 512);
	assert_true(gate_find(c, CN)->n[1] == ~(u128)0);
	assert_true(gate_find(c, CC_TAG('K', 'P'))->n[0] == 0);
	assert_null(gate_find(c, RU));
	w = gate_format(c, text, sizeof(text));
	assert_true(w > 0);
	assert_string_equal(text, "CN 512 340282366920938463463374607431768211455\n"
			    "KP 0 0\n");
	assert_int_equal(gate_parse(text, (size_t)w, back), 0);
	assert_int_equal(back->n, 2);
	assert_true(gate_find(back, CN)->n[1] == ~(u128)0);
	assert_int_equal(gate_parse("CN 1\n", 5, back), -EINVAL);
	assert_int_equal(gate_parse("KP 1 1\nCN 1 1\n", 14, back), -EINVAL);
	assert_int_equal(gate_parse("C1 1 1\n", 7, back), -EINVAL);
	assert_int_equal(gate_format(c, text, 10), -ENOSPC);
	rangeset_free(&map[0]);
	rangeset_free(&map[1]);
	free(c);
	free(back);
}

static void test_expand(void **state)
{
	struct feed_vars v = { .cc = CN, .family = 6, .now = 1772323200,
			       .key = "s3cret", .url = "https://h/d/x.zone" };
	char out[256];
	const char *t;

	(void)state;
	/* 1772323200 = 2026-03-01T00:00:00Z */
	t = "https://h/{cc}/{CC}-{family}/{yyyy}-{mm}?k={key}";
	assert_int_equal(feed_expand(t, strlen(t), &v, out, sizeof(out)), 0);
	assert_string_equal(out, "https://h/cn/CN-6/2026-03?k=s3cret");
	v.redact = true;
	assert_int_equal(feed_expand(t, strlen(t), &v, out, sizeof(out)), 0);
	assert_string_equal(out, "https://h/cn/CN-6/2026-03?k=REDACTED");
	t = "{url}.md5";
	assert_int_equal(feed_expand(t, strlen(t), &v, out, sizeof(out)), 0);
	assert_string_equal(out, "https://h/d/x.zone.md5");
	t = "{dir}MD5SUM";
	assert_int_equal(feed_expand(t, strlen(t), &v, out, sizeof(out)), 0);
	assert_string_equal(out, "https://h/d/MD5SUM");
	t = "https://h/{nope}";
	assert_int_equal(feed_expand(t, strlen(t), &v, out, sizeof(out)), -EINVAL);
	assert_string_equal(out, "{nope}");
	v.key = NULL;
	v.redact = false;
	t = "https://h/?k={key}";
	assert_int_equal(feed_expand(t, strlen(t), &v, out, sizeof(out)), -EINVAL);
	t = "https://h/{cc}";
	assert_int_equal(feed_expand(t, strlen(t), &v, out, 12), -ENAMETOOLONG);
	assert_string_equal(feed_basename("https://h/a/b.zip?x=/y"), "b.zip?x=/y");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_count_and_text),
		cmocka_unit_test(test_expand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
