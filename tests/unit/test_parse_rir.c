// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for parse_rir.c: RIR delegated(-extended) statistics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "log.h"
#include "parse.h"
#include "util.h"
#include "xmalloc.h"

#define HDR	"2|apnic|20260213|84193|19830613|20260212|+1000\n"
#define OUT_MAX	8192

struct result {
	int ret;
	size_t line, records, skipped, warnings;
	char err[MAX_ERR_BYTES];
	char out[OUT_MAX];	/* "CC prefix\n" per prefix, IPv4 then IPv6 */
};

/* Render the normalized output sets as "CC prefix" lines. */
static void render(struct parse_ctx *ctx, char *out, size_t n)
{
	struct cidr c[MAX_CIDRS_PER_RANGE];
	char buf[CIDR_STRLEN], cc[3];
	size_t o = 0;

	out[0] = '\0';
	for (int f = 0; f < 2; f++) {
		struct rangeset *s = &ctx->out[f];

		rangeset_normalize(s);
		for (size_t i = 0; i < s->n; i++) {
			size_t k = cidr_from_range(s->family, s->v[i].lo,
						   s->v[i].hi, c,
						   MAX_CIDRS_PER_RANGE);

			assert_true(k <= MAX_CIDRS_PER_RANGE);
			for (size_t j = 0; j < k; j++) {
				int w = snprintf(out + o, n - o, "%s %s\n",
						 cc_format(s->v[i].tag, cc),
						 cidr_format(&c[j], buf));

				assert_true(w > 0 && (size_t)w < n - o);
				o += (size_t)w;
			}
		}
	}
}

static void run_ctx(struct parse_ctx *ctx, const char *buf, size_t len,
		    struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->ret = parse_buffer(ctx, FMT_RIR, buf, len);
	r->line = ctx->err_line;
	r->records = ctx->records;
	r->skipped = ctx->skipped;
	r->warnings = ctx->warnings;
	memcpy(r->err, ctx->err, sizeof(r->err));
	if (!r->ret)
		render(ctx, r->out, sizeof(r->out));
}

static void run(const char *buf, size_t len, struct result *r)
{
	struct parse_ctx ctx;

	parse_ctx_init(&ctx, "test");
	run_ctx(&ctx, buf, len, r);
	parse_ctx_free(&ctx);
}

static char *read_fixture(const char *name, size_t *len)
{
	char path[256], *buf;

	snprintf(path, sizeof(path), FIXTURES "/rir/%s", name);
	assert_int_equal(util_read_file(path, MAX_FEED_BYTES, true, &buf, len),
			 0);
	return buf;
}

/* Records that parse: what each one becomes. */
static void test_records(void **state)
{
	static const struct {
		const char *in;		/* lines after the version line */
		const char *out;
		size_t records, skipped;
	} cases[] = {
		/* 7 fields, a power of two, aligned */
		{ "apnic|JP|ipv4|1.0.16.0|4096|20110412|allocated\n",
		  "JP 1.0.16.0/20\n", 1, 0 },
		/* 8 fields (extended: opaque id), 9+ (extensions) */
		{ "afrinic|ZA|ipv4|196.6.0.0|256|19940125|assigned|F36B82C4\n",
		  "ZA 196.6.0.0/24\n", 1, 0 },
		{ "ripencc|DE|ipv4|2.16.0.0|256|20100910|allocated|x|ext1|e2\n",
		  "DE 2.16.0.0/24\n", 1, 0 },
		/* aligned power of two that is not one prefix: two /16s */
		{ "ripencc|CH|ipv4|128.141.0.0|131072|19860731|assigned\n",
		  "CH 128.141.0.0/16\nCH 128.142.0.0/16\n", 1, 0 },
		/* 768 hosts: a /23 and a /24; unaligned start: /24 + /23 */
		{ "arin|US|ipv4|23.128.0.0|768|20200101|allocated|x\n",
		  "US 23.128.0.0/23\nUS 23.128.2.0/24\n", 1, 0 },
		{ "arin|US|ipv4|23.128.1.0|768|20200101|allocated|x\n",
		  "US 23.128.1.0/24\nUS 23.128.2.0/23\n", 1, 0 },
		/* 25600 hosts from 196.6.1.0: nine prefixes (AFRINIC) */
		{ "afrinic|ZA|ipv4|196.6.1.0|25600|19940125|assigned|F36B82C4\n",
		  "ZA 196.6.1.0/24\nZA 196.6.2.0/23\nZA 196.6.4.0/22\n"
		  "ZA 196.6.8.0/21\nZA 196.6.16.0/20\nZA 196.6.32.0/19\n"
		  "ZA 196.6.64.0/19\nZA 196.6.96.0/22\nZA 196.6.100.0/24\n",
		  1, 0 },
		/* edges of the IPv4 space: all of it, the very last address */
		{ "iana|US|ipv4|0.0.0.0|4294967296|20200101|allocated\n",
		  "US 0.0.0.0/0\n", 1, 0 },
		{ "iana|US|ipv4|255.255.255.255|1|20200101|allocated\n",
		  "US 255.255.255.255/32\n", 1, 0 },
		{ "iana|US|ipv4|255.255.255.0|256|20200101|allocated\n",
		  "US 255.255.255.0/24\n", 1, 0 },
		/* IPv6: value is a prefix length; non-canonical text */
		{ "apnic|JP|ipv6|2001:0200::|35|19990813|allocated\n",
		  "JP 2001:200::/35\n", 1, 0 },
		{ "apnic|JP|ipv6|::|0|19990813|allocated\n", "JP ::/0\n", 1, 0 },
		{ "apnic|JP|ipv6|2001:db8::1|128|19990813|allocated\n",
		  "JP 2001:db8::1/128\n", 1, 0 },
		/* country codes: lower case, UK, regions kept with their tag */
		{ "apnic|jp|ipv4|1.0.16.0|256|20110412|allocated\n",
		  "JP 1.0.16.0/24\n", 1, 0 },
		{ "ripencc|UK|ipv4|2.24.0.0|256|20100921|allocated\n",
		  "GB 2.24.0.0/24\n", 1, 0 },
		{ "ripencc|EU|ipv4|2.16.0.0|512|20100910|allocated\n"
		  "apnic|AP|ipv6|2001:df0::|32|20100910|assigned\n",
		  "EU 2.16.0.0/23\nAP 2001:df0::/32\n", 2, 0 },
		/* nobody's space and non-country statuses are skipped */
		{ "apnic||ipv6|2001:de3::|48|20250703|assigned\n"
		  "afrinic|ZZ|ipv4|41.0.0.0|256||available|\n"
		  "arin||ipv4|23.128.1.0|768||reserved|\n"
		  "lacnic||ipv4|45.163.16.0|512||available\n"
		  "apnic|JP|ipv4|1.0.16.0|256|20110412|reserved\n"
		  "apnic|JP|ipv4|1.0.17.0|256|20110412|available\n"
		  "apnic|JP|ipv4|1.0.18.0|256|20110412|assigned\n",
		  "JP 1.0.18.0/24\n", 1, 6 },
		/* type and status in upper case */
		{ "apnic|JP|IPV4|1.0.16.0|256|20110412|ALLOCATED\n",
		  "JP 1.0.16.0/24\n", 1, 0 },
		/* ASN records are checked and ignored, not counted */
		{ "apnic|JP|asn|173|1|20020801|allocated\n"
		  "apnic|JP|ipv4|1.0.16.0|256|20110412|allocated\n",
		  "JP 1.0.16.0/24\n", 1, 0 },
		/* comments and blank lines anywhere; no final newline */
		{ "# a comment\n\napnic|JP|ipv4|1.0.16.0|256|20110412|allocated",
		  "JP 1.0.16.0/24\n", 1, 0 },
		/* overlapping and adjacent records of one country merge */
		{ "apnic|JP|ipv4|1.0.16.0|512|20110412|allocated\n"
		  "apnic|JP|ipv4|1.0.17.0|512|20110412|allocated\n",
		  "JP 1.0.16.0/23\nJP 1.0.18.0/24\n", 2, 0 },
	};
	char buf[4096];
	struct result r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), HDR "%s", cases[i].in);
		run(buf, strlen(buf), &r);
		if (r.ret)
			fail_msg("case %zu: %s (line %zu)", i, r.err, r.line);
		if (strcmp(r.out, cases[i].out))
			fail_msg("case %zu: got\n%s\nwant\n%s", i, r.out,
				 cases[i].out);
		assert_int_equal(r.records, cases[i].records);
		assert_int_equal(r.skipped, cases[i].skipped);
	}
}

/* Malformed input: the whole file is rejected, with the line and why. */
static void test_rejects(void **state)
{
	static const struct {
		const char *in;		/* lines after the version line */
		size_t line;		/* 1-based, the version line is 1 */
		const char *err;	/* substring of the message */
	} cases[] = {
		{ "apnic|JP|ipv4|1.0.16|256|20110412|allocated\n", 2,
		  "bad IPv4 address" },
		{ "apnic|JP|ipv4|1.0.16.0.1|256|20110412|allocated\n", 2,
		  "bad IPv4 address" },
		{ "apnic|JP|ipv4|01.0.16.0|256|20110412|allocated\n", 2,
		  "bad IPv4 address" },
		{ "apnic|JP|ipv4|2001:200::|256|20110412|allocated\n", 2,
		  "bad IPv4 address" },
		{ "apnic|JP|ipv4|1.0.16.0|0|20110412|allocated\n", 2,
		  "bad IPv4 address count" },
		{ "apnic|JP|ipv4|1.0.16.0|-1|20110412|allocated\n", 2,
		  "bad IPv4 address count" },
		{ "apnic|JP|ipv4|1.0.16.0|25 6|20110412|allocated\n", 2,
		  "bad IPv4 address count" },
		{ "apnic|JP|ipv4|0.0.0.0|4294967297|20110412|allocated\n", 2,
		  "bad IPv4 address count" },
		{ "apnic|JP|ipv4|1.0.16.0|99999999999999999999999|2011|allocated\n",
		  2, "bad IPv4 address count" },
		/* start + count runs past 2^32 */
		{ "apnic|JP|ipv4|255.255.255.0|257|20110412|allocated\n", 2,
		  "past 255.255.255.255" },
		{ "apnic|JP|ipv4|1.0.0.0|4294967296|20110412|allocated\n", 2,
		  "past 255.255.255.255" },
		{ "apnic|JP|ipv6|2001:200::|129|19990813|allocated\n", 2,
		  "bad IPv6 prefix length" },
		{ "apnic|JP|ipv6|2001:200::|/32|19990813|allocated\n", 2,
		  "bad IPv6 prefix length" },
		{ "apnic|JP|ipv6|2001:200::1|32|19990813|allocated\n", 2,
		  "bits set past the prefix length" },
		{ "apnic|JP|ipv6|1.0.16.0|32|19990813|allocated\n", 2,
		  "bad IPv6 address" },
		{ "apnic|JP|ipv6|2001:200:::|32|19990813|allocated\n", 2,
		  "bad IPv6 address" },
		{ "apnic|JP|asn|x|1|20020801|allocated\n", 2, "bad AS number" },
		/* field counts */
		{ "apnic|JP|ipv4|1.0.16.0|256|20110412\n", 2,
		  "wrong number of fields" },
		{ "apnic|JP|ipv4|1.0.16.0|256\n", 2, "wrong number of fields" },
		{ "just text\n", 2, "wrong number of fields" },
		/* unknown type, status, bad country, registry, date */
		{ "apnic|JP|ipv5|1.0.16.0|256|20110412|allocated\n", 2,
		  "unknown type" },
		{ "apnic|JP|ipv\x14|1.0.16.0|256|20110412|allocated\n", 2,
		  "unknown type" },
		{ "apnic|JP|ipv4|1.0.16.0|256|20110412|allocate\n", 2,
		  "unknown status" },
		{ "apnic|JP|ipv4|1.0.16.0|256|20110412|allocatedd\n", 2,
		  "unknown status" },
		{ "apnic|JP|ipv4|1.0.16.0|256|20110412|stolen\n", 2,
		  "unknown status" },
		{ "apnic|JP|ipv4|1.0.16.0|256|20110412|\n", 2,
		  "unknown status" },
		{ "apnic|J1|ipv4|1.0.16.0|256|20110412|allocated\n", 2,
		  "bad country code" },
		{ "apnic|JPN|ipv4|1.0.16.0|256|20110412|allocated\n", 2,
		  "bad country code" },
		{ "|JP|ipv4|1.0.16.0|256|20110412|allocated\n", 2,
		  "bad registry name" },
		{ "ap nic|JP|ipv4|1.0.16.0|256|20110412|allocated\n", 2,
		  "bad registry name" },
		{ "apnic|JP|ipv4|1.0.16.0|256|2011-04-12|allocated\n", 2,
		  "bad date" },
		/* summary lines */
		{ "apnic|*|ipv4|*|abc|summary\n", 2, "bad count in summary" },
		{ "apnic|*|ipv7|*|3|summary\n", 2, "unknown type in summary" },
		{ "apnic|JP|ipv4|*|3|summary\n", 2, "malformed summary" },
		{ "apnic|*|ipv4|*|3|summary\napnic|*|ipv4|*|3|summary\n", 3,
		  "duplicate summary" },
		/* a second version line (two files glued together) */
		{ "apnic|JP|ipv4|1.0.16.0|256|20110412|allocated\n"
		  "2|apnic|20260213|1|19830613|20260212|+1000\n", 3,
		  "second version line" },
		/* the error names the first bad line, after good ones */
		{ "apnic|JP|ipv4|1.0.16.0|256|20110412|allocated\n"
		  "# comment\n\n"
		  "apnic|JP|ipv4|1.0.17.0|256|20110412|allocatd\n", 5,
		  "unknown status" },
	};
	char buf[4096];
	struct result r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), HDR "%s", cases[i].in);
		run(buf, strlen(buf), &r);
		if (r.ret != -EINVAL || !strstr(r.err, cases[i].err) ||
		    r.line != cases[i].line)
			fail_msg("case %zu: ret %d line %zu err '%s', want "
				 "line %zu '%s'", i, r.ret, r.line, r.err,
				 cases[i].line, cases[i].err);
	}
}

/* Version lines of every registry, and files without one. */
static void test_version_lines(void **state)
{
	static const struct {
		const char *ver;
		int ret;
		const char *err;
	} cases[] = {
		{ "2|apnic|20260213|1|19830613|20260212|+1000", 0, NULL },
		{ "2.3|arin|1776085240082|1|19700101|20260413|-0400", 0, NULL },
		{ "2|afrinic|20260418|1|00000000|20260418|00000", 0, NULL },
		{ "2|afrinic|20260418|1|||", 0, NULL },	/* empty dates */
		{ "2|ripencc|1407103199|1|19830705|20140803|+0200", 0, NULL },
		{ "2.3|lacnic|20181012|1|19870101|20181012|-0300", 0, NULL },
		{ "2|apnic|20260213|1|19830613|20260212", -EINVAL,
		  "no version line" },
		{ "apnic|JP|ipv4|1.0.16.0|256|20110412|allocated", -EINVAL,
		  "no version line" },
		{ "2.|apnic|1|1|1|1|1", -EINVAL, "no version line" },
		{ "2||1|1|1|1|1", -EINVAL, "bad registry name" },
		{ "2|apnic|1|many|1|1|1", -EINVAL, "bad record count" },
	};
	char buf[512];
	struct result r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "# banner\n%s\n"
			 "apnic|JP|ipv4|1.0.16.0|256|20110412|allocated\n",
			 cases[i].ver);
		run(buf, strlen(buf), &r);
		assert_int_equal(r.ret, cases[i].ret);
		if (cases[i].err) {
			if (!strstr(r.err, cases[i].err))
				fail_msg("case %zu: '%s'", i, r.err);
			assert_int_equal(r.line, 2);
		} else {
			assert_string_equal(r.out, "JP 1.0.16.0/24\n");
		}
	}
}

/* Summary and version counts that disagree warn and do not reject. */
static void test_summaries(void **state)
{
	static const struct {
		const char *in;
		size_t warnings;
	} cases[] = {
		/* everything agrees (version line says 2 records) */
		{ "2|x|1|2|1|1|1\nx|*|ipv4|*|1|summary\nx|*|asn|*|1|summary\n"
		  "x|JP|asn|1|1|20200101|allocated\nx|JP|ipv4|1.0.0.0|256|20200101|allocated\n",
		  0 },
		/* LACNIC: the asn summary claims more than the file holds */
		{ "2|x|1|3|1|1|1\nx|*|ipv4|*|1|summary\nx|*|asn|*|2|summary\n"
		  "x|JP|asn|1|1|20200101|allocated\nx|JP|ipv4|1.0.0.0|256|20200101|allocated\n",
		  2 },
		/* summary right, version count wrong */
		{ "2|x|1|9|1|1|1\nx|*|ipv4|*|1|summary\n"
		  "x|JP|ipv4|1.0.0.0|256|20200101|allocated\n", 1 },
		/* skipped records count as records: reserved is listed */
		{ "2|x|1|2|1|1|1\nx|*|ipv4|*|2|summary\n"
		  "x||ipv4|2.0.0.0|256||reserved\n"
		  "x|JP|ipv4|1.0.0.0|256|20200101|allocated\n", 0 },
		/* no summary lines at all: only the version count */
		{ "2|x|1|1|1|1|1\nx|JP|ipv4|1.0.0.0|256|20200101|allocated\n", 0 },
	};
	struct result r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(cases[i].in, strlen(cases[i].in), &r);
		if (r.ret)
			fail_msg("case %zu: %s", i, r.err);
		assert_int_equal(r.warnings, cases[i].warnings);
		assert_string_equal(r.out, "JP 1.0.0.0/24\n");
	}
}

/* A 1 MiB line, a NUL byte, an HTML page, a header-only file. */
static void test_hostile(void **state)
{
	size_t big = 1u << 20, hl = strlen(HDR);
	char *buf = xmalloc(hl + big + 2);
	struct result r;
	static const char nul[] = HDR "apnic|JP|ipv4|1.0.16.0|2\0" "56|2|allocated\n";
	static const char hdronly[] = HDR "apnic|*|ipv4|*|0|summary\n";

	(void)state;
	memcpy(buf, HDR, hl);
	memset(buf + hl, 'a', big);
	buf[hl + big] = '\n';
	run(buf, hl + big + 1, &r);
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.err, "line too long"));
	assert_int_equal(r.line, 2);
	free(buf);

	run(nul, sizeof(nul) - 1, &r);
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.err, "NUL byte"));

	run(hdronly, strlen(hdronly), &r);
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.err, "empty feed"));

	run("", 0, &r);
	assert_int_equal(r.ret, -EINVAL);
	assert_non_null(strstr(r.err, "empty feed"));
}

static void test_hostile_fixtures(void **state)
{
	static const struct {
		const char *file;
		size_t line;
		const char *err;
	} cases[] = {
		{ "hostile-captive-portal.html", 0, "HTML" },
		{ "hostile-header-only.txt", 0, "empty feed" },
		{ "hostile-nul.txt", 0, "NUL byte" },
		{ "hostile-overflow.txt", 5, "past 255.255.255.255" },
		{ "hostile-bad-status.txt", 7, "unknown status" },
	};
	struct result r;
	size_t len;
	char *buf;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf = read_fixture(cases[i].file, &len);
		run(buf, len, &r);
		free(buf);
		if (r.ret != -EINVAL || !strstr(r.err, cases[i].err) ||
		    r.line != cases[i].line)
			fail_msg("%s: ret %d line %zu '%s'", cases[i].file,
				 r.ret, r.line, r.err);
	}
}

/* Real excerpts against what Python's ipaddress makes of them. */
static void test_real_excerpts(void **state)
{
	static const struct {
		const char *file, *expect;
		size_t warnings;
	} cases[] = {
		{ "apnic-20260212.excerpt", "apnic-20260212.expect", 4 },
		{ "apnic-20260212-crlf.excerpt", "apnic-20260212.expect", 4 },
		{ "lacnic-20260211.excerpt", "lacnic-20260211.expect", 4 },
		{ "lacnic-extended-20181012.excerpt",
		  "lacnic-extended-20181012.expect", 4 },
		{ "afrinic-extended-20260418.excerpt",
		  "afrinic-extended-20260418.expect", 4 },
		{ "ripencc-20140803.excerpt", "ripencc-20140803.expect", 4 },
		{ "arin-extended-20260413.excerpt",
		  "arin-extended-20260413.expect", 4 },
	};
	struct result *r = xmalloc(sizeof(*r));
	size_t len, elen;
	char *buf, *exp;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf = read_fixture(cases[i].file, &len);
		exp = read_fixture(cases[i].expect, &elen);
		run(buf, len, r);
		if (r->ret)
			fail_msg("%s:%zu: %s", cases[i].file, r->line, r->err);
		if (strcmp(r->out, exp))
			fail_msg("%s: got\n%s\nwant\n%s", cases[i].file,
				 r->out, exp);
		/* excerpts: every summary and the version count disagree */
		assert_int_equal(r->warnings, cases[i].warnings);
		free(buf);
		free(exp);
	}
	free(r);
}

/* Country and family filters of parse_ctx apply to RIR records. */
static void test_filters(void **state)
{
	static const char in[] = HDR
		"apnic|JP|ipv4|1.0.16.0|256|20110412|allocated\n"
		"apnic|CN|ipv4|1.0.1.0|256|20110414|allocated\n"
		"apnic|JP|ipv6|2001:200::|35|19990813|allocated\n"
		"apnic|AP|ipv4|1.0.2.0|256|20110414|allocated\n";
	struct parse_ctx ctx;
	struct ccset want;
	struct result r;

	(void)state;
	parse_ctx_init(&ctx, "test");
	ctx.families = 1;
	run_ctx(&ctx, in, sizeof(in) - 1, &r);
	assert_int_equal(r.ret, 0);
	assert_string_equal(r.out, "AP 1.0.2.0/24\nCN 1.0.1.0/24\n"
			    "JP 1.0.16.0/24\n");
	assert_int_equal(r.skipped, 1);
	parse_ctx_free(&ctx);

	/* "all countries" leaves the regions out */
	parse_ctx_init(&ctx, "test");
	ccset_init(&want, true);
	ctx.want = &want;
	run_ctx(&ctx, in, sizeof(in) - 1, &r);
	assert_string_equal(r.out, "CN 1.0.1.0/24\nJP 1.0.16.0/24\n"
			    "JP 2001:200::/35\n");
	parse_ctx_free(&ctx);

	parse_ctx_init(&ctx, "test");
	ccset_init(&want, false);
	ccset_add(&want, CC_TAG('A', 'P'));
	ctx.want = &want;
	run_ctx(&ctx, in, sizeof(in) - 1, &r);
	assert_string_equal(r.out, "AP 1.0.2.0/24\n");
	assert_int_equal(r.records, 1);
	assert_int_equal(r.skipped, 3);
	parse_ctx_free(&ctx);
}

/* cidr_from_range agrees on the counts RIR records use. */
static void test_counts_split(void **state)
{
	static const struct {
		const char *start;
		uint64_t count;
		size_t prefixes;
	} cases[] = {
		{ "128.141.0.0", 131072, 2 },
		{ "23.128.0.0", 768, 2 },
		{ "192.196.1.0", 39680, 10 },	/* RIPE: the worst real case */
		{ "10.0.0.0", 16777216, 1 },
		{ "0.0.0.1", 4294967295u, 32 },
	};
	struct cidr c[MAX_CIDRS_PER_RANGE];
	char buf[4096];
	struct result r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u128 lo, total = 0, hi;
		int fam;
		size_t n;

		assert_int_equal(cidr_parse_addr(cases[i].start,
			strlen(cases[i].start), &fam, &lo), 0);
		hi = lo + cases[i].count - 1;
		n = cidr_from_range(4, lo, hi, c, MAX_CIDRS_PER_RANGE);
		assert_int_equal(n, cases[i].prefixes);
		for (size_t k = 0; k < n; k++)
			total += (u128)1 << (32 - c[k].len);
		assert_true(total == cases[i].count);
		/* and the parser's output has exactly these prefixes */
		snprintf(buf, sizeof(buf), HDR "x|JP|ipv4|%s|%llu|20200101|allocated\n",
			 cases[i].start, (unsigned long long)cases[i].count);
		run(buf, strlen(buf), &r);
		assert_int_equal(r.ret, 0);
		for (size_t k = 0, o = 0; k < n; k++) {
			char line[CIDR_STRLEN + 8], cb[CIDR_STRLEN];

			snprintf(line, sizeof(line), "JP %s\n",
				 cidr_format(&c[k], cb));
			assert_memory_equal(r.out + o, line, strlen(line));
			o += strlen(line);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_version_lines),
		cmocka_unit_test(test_summaries),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hostile_fixtures),
		cmocka_unit_test(test_real_excerpts),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_counts_split),
	};

	/* count mismatches are checked through ctx->warnings */
	log_set_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
