// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for parse.c: the shared line walker and the CIDR list parser. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "parse.h"
#include "util.h"
#include "xmalloc.h"

struct result {
	int ret;
	size_t line;
	char err[MAX_ERR_BYTES];
	size_t n4, n6;
};

static struct result run(const char *buf, size_t len)
{
	struct parse_ctx ctx;
	struct result r;

	parse_ctx_init(&ctx, "test");
	ctx.cc = CC_TAG('V', 'A');
	r.ret = parse_buffer(&ctx, FMT_CIDR, buf, len);
	r.line = ctx.err_line;
	memcpy(r.err, ctx.err, sizeof(r.err));
	r.n4 = ctx.out[0].n;
	r.n6 = ctx.out[1].n;
	for (size_t i = 0; i < ctx.out[0].n; i++)
		assert_int_equal(ctx.out[0].v[i].tag, CC_TAG('V', 'A'));
	parse_ctx_free(&ctx);
	return r;
}

static struct result run_str(const char *s)
{
	return run(s, strlen(s));
}

static struct result run_file(const char *name)
{
	char path[256], *buf;
	size_t len;
	struct result r;

	snprintf(path, sizeof(path), FIXTURES "/cidr/%s", name);
	assert_int_equal(util_read_file(path, MAX_FEED_BYTES, true, &buf, &len),
			 0);
	r = run(buf, len);
	free(buf);
	return r;
}

static void test_lines(void **state)
{
	static const struct {
		const char *in;
		int ret;
		size_t line, n4, n6;
		const char *err;	/* substring of the message */
	} cases[] = {
		{ "1.2.3.0/24\n", 0, 0, 1, 0, NULL },
		{ "1.2.3.0/24", 0, 0, 1, 0, NULL },	/* no final newline */
		{ "1.2.3.0/24\r\n5.6.0.0/16\r\n", 0, 0, 2, 0, NULL },
		{ "  1.2.3.0/24  \n\t\n", 0, 0, 1, 0, NULL },
		{ "# c\n1.2.3.0/24 # trailing comment\n", 0, 0, 1, 0, NULL },
		{ "1.2.3.4\n::1\n", 0, 0, 1, 1, NULL },	/* bare hosts */
		{ "2001:0200::/23\n", 0, 0, 0, 1, NULL },
		{ "1.2.3.0/24\n1.2.3.0/33\n", -EINVAL, 2, 0, 0, "not a valid" },
		{ "1.2.3.0/24\n164.146.0.0/13\n", -EINVAL, 2, 0, 0,
		  "host bits" },
		{ "1.2.3.0/24 junk\n", -EINVAL, 1, 0, 0, "trailing text" },
		{ "1.2.3.0/24,\n", -EINVAL, 1, 0, 0, "not a valid" },
		{ "010.2.3.0/24\n", -EINVAL, 1, 0, 0, "not a valid" },
		{ "", -EINVAL, 0, 0, 0, "empty feed" },
		{ "# nothing\n\n", -EINVAL, 0, 0, 0, "empty feed" },
		{ "<html><body>login</body></html>", -EINVAL, 0, 0, 0, "HTML" },
		{ "\n\n  <!DOCTYPE html>", -EINVAL, 0, 0, 0, "HTML" },
		{ "1.2.3.0/24\n\x1b[31m\n", -EINVAL, 2, 0, 0, "\\x1b" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct result r = run_str(cases[i].in);

		if (r.ret != cases[i].ret || r.line != cases[i].line)
			fail_msg("case %zu: ret %d line %zu (%s)", i, r.ret,
				 r.line, r.err);
		if (cases[i].err && !strstr(r.err, cases[i].err))
			fail_msg("case %zu: '%s' lacks '%s'", i, r.err,
				 cases[i].err);
		if (!r.ret) {
			assert_int_equal(r.n4, cases[i].n4);
			assert_int_equal(r.n6, cases[i].n6);
		}
	}
}

static void test_hostile(void **state)
{
	struct result r;
	char *big;
	size_t n;

	(void)state;
	r = run("1.2.3.0/24\n\0\n5.6.7.0/24\n", 24);
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.err, "NUL"));

	/* a 1 MiB line */
	n = 1u << 20;
	big = xmalloc(n + 32);
	memcpy(big, "1.2.3.0/24\n", 11);
	memset(big + 11, '1', n);
	big[11 + n] = '\n';
	r = run(big, n + 12);
	assert_int_equal(r.ret, -EINVAL);
	assert_int_equal(r.line, 2);
	assert_non_null(strstr(r.err, "too long"));
	/* the quoted text is cut, the message bounded */
	assert_true(strlen(r.err) < 200);
	free(big);

	/* 2^21 lines of distinct hosts are fine (the limit is higher) */
	n = (size_t)1 << 21;
	big = xmalloc(n * 16 + 1);
	{
		size_t o = 0;

		for (size_t i = 0; i < n; i++)
			o += (size_t)sprintf(big + o, "%zu.%zu.%zu.%zu\n",
					     (size_t)11, (i >> 16) & 255,
					     (i >> 8) & 255, i & 255);
		r = run(big, o);
	}
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.n4, n);
	free(big);
}

static void test_fixtures(void **state)
{
	struct result r;

	(void)state;
	r = run_file("good-va.cidr");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.n4, 1);
	assert_int_equal(r.n6, 1);
	r = run_file("crlf.cidr");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.n4, 3);
	r = run_file("noncanon6.cidr");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.n6, 2);
	r = run_file("hostbits.cidr");
	assert_int_equal(r.ret, -EINVAL);
	assert_int_equal(r.line, 2);
	r = run_file("len33.cidr");
	assert_int_equal(r.ret, -EINVAL);
	assert_int_equal(r.line, 1);
	r = run_file("empty.cidr");
	assert_int_equal(r.ret, -EINVAL);
	r = run_file("comments-only.cidr");
	assert_int_equal(r.ret, -EINVAL);
	r = run_file("captive.html");
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.err, "HTML"));
}

static void test_filters(void **state)
{
	struct parse_ctx ctx;
	struct ccset want;
	const char *s = "1.2.3.0/24\n2001:db8::/32\n";

	(void)state;
	parse_ctx_init(&ctx, "t");
	ctx.families = 2;	/* IPv6 only */
	ctx.cc = CC_TAG('C', 'N');
	assert_int_equal(parse_buffer(&ctx, FMT_CIDR, s, strlen(s)), 0);
	assert_int_equal(ctx.out[0].n, 0);
	assert_int_equal(ctx.out[1].n, 1);
	assert_int_equal(ctx.skipped, 1);
	parse_ctx_free(&ctx);

	parse_ctx_init(&ctx, "t");
	ccset_init(&want, false);
	ccset_add(&want, CC_TAG('R', 'U'));
	ctx.want = &want;
	ctx.cc = CC_TAG('C', 'N');
	assert_int_equal(parse_buffer(&ctx, FMT_CIDR, s, strlen(s)), 0);
	assert_int_equal(ctx.records, 0);
	parse_ctx_free(&ctx);
}

static void test_formats(void **state)
{
	enum feed_format f;

	(void)state;
	for (int i = 0; i < FMT_COUNT; i++) {
		assert_int_equal(parse_format_from_name(
			parse_format_name((enum feed_format)i), &f), 0);
		assert_int_equal(f, i);
	}
	assert_int_equal(parse_format_from_name("CIDR", &f), -EINVAL);
	assert_int_equal(parse_format_from_name("", &f), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
