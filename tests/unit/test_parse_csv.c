// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_parse_csv.c - the range formats: start,end,cc CSV (DB-IP lite,
 * ip-location-db), IP2Location LITE DB1, Tor geoip/geoip6, and the shared
 * CSV field splitter.
 */
#include "parsetest.h"

#define ALL4 "0.0.0.0-255.255.255.255"
#define ALL6 "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"

static const struct pcase csv_cases[] = {
	{ "dbip row", "1.0.0.0,1.0.0.255,AU\n", "1.0.0.0-1.0.0.255 AU;" },
	{ "no final newline", "1.0.1.0,1.0.3.255,CN",
	  "1.0.1.0-1.0.3.255 CN;" },
	{ "quoted fields, lower case",
	  "\"1.0.0.0\",\"1.0.0.255\",\"au\"\n", "1.0.0.0-1.0.0.255 AU;" },
	{ "some fields quoted", "1.0.0.0,\"1.0.0.255\",AU\n",
	  "1.0.0.0-1.0.0.255 AU;" },
	{ "CRLF and both families in one file",
	  "1.0.0.0,1.0.0.255,AU\r\n2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,JP\r\n",
	  "1.0.0.0-1.0.0.255 AU;2001:200::-2001:200:ffff:ffff:ffff:ffff:ffff:ffff JP;" },
	{ "non-canonical IPv6", "2001:0200:0::,2001:0200::00ff,JP\n",
	  "2001:200::-2001:200::ff JP;" },
	{ "pseudo codes skipped",
	  "1.0.0.0,1.0.0.255,ZZ\n1.0.1.0,1.0.1.255,\n1.0.2.0,1.0.2.255,-\n"
	  "1.0.3.0,1.0.3.255,\"\"\n1.0.4.0,1.0.4.255,CN\n",
	  "1.0.4.0-1.0.4.255 CN;", NULL, 0, 4 },
	{ "regions kept with their tag",
	  "2.16.0.0,2.16.0.255,EU\n1.1.1.0,1.1.1.255,AP\n",
	  "2.16.0.0-2.16.0.255 EU;1.1.1.0-1.1.1.255 AP;" },
	{ "UK is GB", "2.16.1.0,2.16.1.255,UK\n", "2.16.1.0-2.16.1.255 GB;" },
	{ "IPv4 edges", "0.0.0.0,255.255.255.255,US\n255.255.255.255,255.255.255.255,US\n",
	  ALL4 " US;255.255.255.255-255.255.255.255 US;" },
	{ "IPv6 edges", "::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,US\n",
	  ALL6 " US;" },
	{ "UTF-8 byte order mark", "\xef\xbb\xbf" "1.0.0.0,1.0.0.255,AU\n",
	  "1.0.0.0-1.0.0.255 AU;" },
	{ "byte order mark not at the start",
	  "1.0.0.0,1.0.0.255,AU\n\xef\xbb\xbf" "1.0.1.0,1.0.1.255,AU\n",
	  NULL, "not an address", 2 },
	{ "single address", "9.9.9.9,9.9.9.9,US\n", "9.9.9.9-9.9.9.9 US;" },
	{ "overlapping rows kept for aggregation",
	  "192.168.0.0,192.168.255.255,AU\n192.168.1.0,192.168.1.255,AU\n"
	  "192.168.1.0,192.168.1.255,US\n",
	  "192.168.0.0-192.168.255.255 AU;192.168.1.0-192.168.1.255 AU;"
	  "192.168.1.0-192.168.1.255 US;" },
	{ "comments, blank lines and a header",
	  "ip_range_start,ip_range_end,country_code\n# note\n\n1.0.0.0,1.0.0.255,AU\n",
	  "1.0.0.0-1.0.0.255 AU;" },
	{ "start after end", "1.0.0.0,1.0.0.255,AU\n1.0.0.255,1.0.0.0,AU\n",
	  NULL, "start after end", 2 },
	{ "IPv6 start after end", "2001::1,2001::,US\n", NULL,
	  "start after end", 1 },
	{ "mixed families in one row", "1.0.0.0,2001::,AU\n", NULL,
	  "different families", 1 },
	{ "bad country", "1.0.0.0,1.0.0.255,USA\n", NULL,
	  "bad country code", 1 },
	{ "digit country", "1.0.0.0,1.0.0.255,U1\n", NULL,
	  "bad country code", 1 },
	{ "bad octet", "1.0.0.0,1.0.0.256,AU\n", NULL, "not an address", 1 },
	{ "octal-looking octet", "01.0.0.0,1.0.0.255,AU\n", NULL,
	  "not an address", 1 },
	{ "decimal numbers are not addresses", "16777216,4294967296,US\n",
	  NULL, "not an address", 1 },
	{ "CIDR is not an address", "1.0.0.0/24,1.0.0.255,AU\n", NULL,
	  "not an address", 1 },
	{ "spaces inside a field", "1.0.0.0 ,1.0.0.255,AU\n", NULL,
	  "not an address", 1 },
	{ "two fields", "1.0.0.0,1.0.0.255\n", NULL, "expected 3 fields", 1 },
	{ "four fields", "1.0.0.0,1.0.0.255,AU,Australia\n", NULL,
	  "expected 3 fields", 1 },
	{ "too many fields", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n",
	  NULL, "too many fields", 1 },
	{ "unterminated quote", "1.0.0.0,\"1.0.0.255,AU\n", NULL,
	  "bad quoting", 1 },
	{ "text after a closing quote", "\"1.0.0.0\"x,1.0.0.255,AU\n", NULL,
	  "bad quoting", 1 },
	{ "quote inside a field", "1.0\"0.0,1.0.0.255,AU\n", NULL,
	  "bad quoting", 1 },
	{ "header after the first line",
	  "1.0.0.0,1.0.0.255,AU\nstart,end,cc\n", NULL, "not an address", 2 },
	{ "HTML page", "\n<!DOCTYPE html><html><body>Login</body></html>\n",
	  NULL, "HTML", 0 },
	{ "empty file", "", NULL, "empty feed", 0 },
	/* not empty: a row was read (parse_buffer() counts skipped rows) */
	{ "only comments and pseudo rows", "# x\n1.0.0.0,1.0.0.255,ZZ\n",
	  "", NULL, 0, 1 },
	{ "only a header", "start,end,country\n", NULL, "empty feed", 0 },
};

static const struct pcase i2l_cases[] = {
	{ "DB1 rows, '-' skipped",
	  "\"0\",\"16777215\",\"-\",\"-\"\n"
	  "\"16777216\",\"16777471\",\"US\",\"United States of America\"\n",
	  "1.0.0.0-1.0.0.255 US;", NULL, 0, 1 },
	{ "names with commas and quotes, CRLF",
	  "\"17498112\",\"17563647\",\"KR\",\"Korea, Republic of\"\r\n"
	  "\"28471296\",\"28479487\",\"PS\",\"Palestine, State of\"\r\n"
	  "\"34732544\",\"34732799\",\"CI\",\"C\"\"ote d'Ivoire\"\r\n",
	  "1.11.0.0-1.11.255.255 KR;1.178.112.0-1.178.143.255 PS;"
	  "2.17.250.0-2.17.250.255 CI;" },
	{ "byte order mark", "\xef\xbb\xbf\"16777216\",\"16777471\",\"AU\",\"x\"\n",
	  "1.0.0.0-1.0.0.255 AU;" },
	{ "unquoted", "16777216,16777471,AU,Australia\n",
	  "1.0.0.0-1.0.0.255 AU;" },
	{ "larger LITE databases: extra columns",
	  "\"16777216\",\"16777471\",\"AU\",\"Australia\",\"Queensland\",\"Brisbane\"\n",
	  "1.0.0.0-1.0.0.255 AU;" },
	{ "leading zeros", "\"016777216\",\"016777471\",\"AU\",\"x\"\n",
	  "1.0.0.0-1.0.0.255 AU;" },
	{ "IPv4 edges", "\"0\",\"4294967295\",\"US\",\"x\"\n",
	  ALL4 " US;" },
	{ "IPv4 file: number past 2^32 - 1",
	  "\"16777216\",\"16777471\",\"US\",\"x\"\n\"16777472\",\"4294967296\",\"US\",\"x\"\n",
	  NULL, "past 2^32 - 1 in an IPv4 file", 2 },
	{ "IPv6 file: mapped rows are IPv4, the rest IPv6",
	  "\"0\",\"281470681743359\",\"-\",\"-\"\n"
	  "\"281470698520576\",\"281470698520831\",\"US\",\"x\"\n"
	  "\"281474976710655\",\"281474976710655\",\"US\",\"x\"\n"
	  "\"42540528726795050063891204319802818560\","
	  "\"42540528806023212578155541913346768895\",\"JP\",\"Japan\"\n",
	  "1.0.0.0-1.0.0.255 US;255.255.255.255-255.255.255.255 US;"
	  "2001:200::-2001:200:ffff:ffff:ffff:ffff:ffff:ffff JP;",
	  NULL, 0, 1 },
	{ "IPv6 file: a row across the mapped region is split",
	  "\"281470681743359\",\"281474976710656\",\"DE\",\"x\"\n",
	  ALL4 " DE;::fffe:ffff:ffff-::fffe:ffff:ffff DE;"
	  "::1:0:0:0-::1:0:0:0 DE;" },
	{ "IPv6 file: the top edge",
	  "\"0\",\"281470681743359\",\"-\",\"-\"\n"
	  "\"340282366920938463463374607431768211455\","
	  "\"340282366920938463463374607431768211455\",\"US\",\"x\"\n",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff US;",
	  NULL, 0, 1 },
	{ "IPv6 file: the whole space",
	  "\"0\",\"340282366920938463463374607431768211455\",\"US\",\"x\"\n",
	  ALL4 " US;::-::fffe:ffff:ffff US;::1:0:0:0-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff US;" },
	{ "IPv6 file: 2^128",
	  "\"0\",\"281470681743359\",\"-\",\"-\"\n"
	  "\"1\",\"340282366920938463463374607431768211456\",\"US\",\"x\"\n",
	  NULL, "past 2^128 - 1", 2 },
	{ "start after end", "\"16777471\",\"16777216\",\"US\",\"x\"\n", NULL,
	  "start after end", 1 },
	{ "address text", "\"1.0.0.0\",\"1.0.0.255\",\"US\",\"x\"\n", NULL,
	  "not a decimal number", 1 },
	{ "negative", "\"-1\",\"16777215\",\"US\",\"x\"\n", NULL,
	  "not a decimal number", 1 },
	{ "empty number", "\"\",\"16777215\",\"US\",\"x\"\n", NULL,
	  "not a decimal number", 1 },
	{ "three fields", "\"16777216\",\"16777471\",\"US\"\n", NULL,
	  "expected 4 fields", 1 },
	{ "bad country", "\"16777216\",\"16777471\",\"U.S.\",\"x\"\n", NULL,
	  "bad country code", 1 },
	{ "too many fields", "\"1\",\"2\",\"US\",\"x\",,,,,,,,,,,,,,,,\n", NULL,
	  "too many fields", 1 },
	{ "unterminated quote", "\"16777216\",\"16777471\",\"US\",\"x\n", NULL,
	  "bad quoting", 1 },
	{ "only unallocated", "\"0\",\"16777215\",\"-\",\"-\"\n", "",
	  NULL, 0, 1 },
	{ "empty", "", NULL, "empty feed", 0 },
};

static const struct pcase tor_cases[] = {
	{ "geoip with comment header",
	  "# This file has been converted\n#\n15726992,15726999,??\n"
	  "16777216,16777471,AU\n",
	  "1.0.0.0-1.0.0.255 AU;", NULL, 0, 1 },
	{ "geoip6", "# x\n2001::,2001:0:ffff:ffff:ffff:ffff:ffff:ffff,??\n"
	  "2001:2::,2001:2:0:ffff:ffff:ffff:ffff:ffff,JP\n",
	  "2001:2::-2001:2:0:ffff:ffff:ffff:ffff:ffff JP;", NULL, 0, 1 },
	{ "obsolete codes: UK is GB, CS and AN kept",
	  "16777216,16777471,UK\n16777472,16778239,CS\n16778240,16779263,AN\n",
	  "1.0.0.0-1.0.0.255 GB;1.0.1.0-1.0.3.255 CS;1.0.4.0-1.0.7.255 AN;" },
	{ "regions kept", "16777216,16777471,EU\n16777472,16778239,AP\n",
	  "1.0.0.0-1.0.0.255 EU;1.0.1.0-1.0.3.255 AP;" },
	{ "old quoted format", "\"16777216\",\"16777471\",\"AU\"\r\n",
	  "1.0.0.0-1.0.0.255 AU;" },
	{ "IPv4 edges", "0,4294967295,US\n4294967295,4294967295,US\n",
	  ALL4 " US;255.255.255.255-255.255.255.255 US;" },
	{ "IPv6 edges", "::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,US\n",
	  ALL6 " US;" },
	{ "both files' rows in one file",
	  "16777216,16777471,AU\n2001:200::,2001:200::ff,JP\n",
	  "1.0.0.0-1.0.0.255 AU;2001:200::-2001:200::ff JP;" },
	{ "overlapping rows", "16777216,16777471,AU\n16777216,16777216,US\n",
	  "1.0.0.0-1.0.0.255 AU;1.0.0.0-1.0.0.0 US;" },
	{ "number past 2^32 - 1", "16777216,4294967296,US\n", NULL,
	  "past 2^32 - 1", 1 },
	{ "huge number", "16777216,99999999999999999999999999999,US\n", NULL,
	  "past 2^32 - 1", 1 },
	{ "start after end", "16777471,16777216,AU\n", NULL,
	  "start after end", 1 },
	{ "IPv6 start after end", "2001:2::1,2001:2::,JP\n", NULL,
	  "start after end", 1 },
	{ "mixed: integer and address", "16777216,2001::,AU\n", NULL,
	  "not an address", 1 },
	{ "mixed families", "1.0.0.0,2001::,AU\n", NULL,
	  "different families", 1 },
	{ "bad country", "16777216,16777471,A\n", NULL, "bad country code",
	  1 },
	{ "four fields", "16777216,16777471,AU,x\n", NULL,
	  "expected 3 fields", 1 },
	{ "a '#' inside a line is not a comment", "16777216,16777471,AU # x\n",
	  NULL, "bad country code", 1 },
	{ "empty", "# only comments\n", NULL, "empty feed", 0 },
};

static void test_csv_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(csv_cases) / sizeof(*csv_cases); i++)
		pt_check(FMT_CSV, &csv_cases[i]);
}

static void test_i2l_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(i2l_cases) / sizeof(*i2l_cases); i++)
		pt_check(FMT_IP2LOCATION, &i2l_cases[i]);
}

static void test_tor_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tor_cases) / sizeof(*tor_cases); i++)
		pt_check(FMT_TORGEOIP, &tor_cases[i]);
}

/* The splitter alone: field texts joined by '|', or NULL for an error. */
static void test_split(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a,b,c", "a|b|c" },
		{ "", "" },
		{ ",", "|" },
		{ "a,,", "a||" },
		{ "\"a,b\",c", "a,b|c" },
		{ "\"\"", "" },
		{ "\"a\"\"b\"", "a\"\"b" },
		{ "\"\",\"\"", "|" },
		{ "\"a\" ,b", NULL },
		{ "\"a", NULL },
		{ "\"", NULL },
		{ "a\"", NULL },
		{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", "1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16" },
		{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,", NULL },
	};
	struct csv_field f[MAX_CSV_FIELDS];
	struct parse_ctx ctx;

	(void)state;
	parse_ctx_init(&ctx, "test");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char got[256] = "";
		size_t nf = 0, n = 0;
		int ret = parse_csv_split(&ctx, cases[i].in,
					  strlen(cases[i].in), f, &nf);

		if (!cases[i].want) {
			if (ret != -EINVAL)
				fail_msg("split \"%s\" accepted", cases[i].in);
			continue;
		}
		assert_int_equal(ret, 0);
		for (size_t k = 0; k < nf; k++)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%.*s",
					      k ? "|" : "", (int)f[k].len,
					      f[k].s);
		if (strcmp(got, cases[i].want))
			fail_msg("split \"%s\": got %s want %s", cases[i].in,
				 got, cases[i].want);
	}
	parse_ctx_free(&ctx);
}

/* Hostile buffers that cannot be written as C strings in a table. */
static void test_hostile(void **state)
{
	static const enum feed_format fmts[] = {
		FMT_CSV, FMT_IP2LOCATION, FMT_TORGEOIP
	};
	size_t big = 1u << 20;
	char *line = malloc(big + 2);
	struct parse_ctx ctx;

	(void)state;
	assert_non_null(line);
	for (size_t i = 0; i < 3; i++) {
		/* a NUL byte inside an otherwise good row */
		assert_int_equal(pt_run(&ctx, fmts[i], "1.0.0.0,1\0.0.0.255,AU\n",
					22), -EINVAL);
		assert_non_null(strstr(ctx.err, "NUL byte"));
		parse_ctx_free(&ctx);
		/* a 1 MiB line */
		memset(line, '1', big);
		line[big] = '\n';
		assert_int_equal(pt_run(&ctx, fmts[i], line, big + 1), -EINVAL);
		assert_non_null(strstr(ctx.err, "line too long"));
		assert_int_equal(ctx.err_line, 1);
		/* the quoted text in the message is cut short */
		assert_true(strlen(ctx.err) < MAX_ERR_BYTES);
		parse_ctx_free(&ctx);
	}
	free(line);
}

/* A bad line anywhere rejects the file, and the caller can drop what was
 * appended before it. */
static void test_reject_whole_file(void **state)
{
	const char *in = "1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.1.255,AU\nx\n";
	struct parse_ctx ctx;

	(void)state;
	assert_int_equal(pt_run(&ctx, FMT_CSV, in, strlen(in)), -EINVAL);
	assert_int_equal(ctx.err_line, 3);
	parse_ctx_reset(&ctx);
	assert_int_equal(ctx.out[0].n, 0);
	assert_int_equal(ctx.records, 0);
	parse_ctx_free(&ctx);
}

/* ctx->want and ctx->families filter what is kept. */
static void test_filters(void **state)
{
	const char *in = "1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.1.255,CN\n"
			 "2001:200::,2001:200::ff,CN\n";
	struct parse_ctx ctx;
	struct ccset want;
	char got[256];

	(void)state;
	ccset_init(&want, false);
	ccset_add(&want, CC_TAG('C', 'N'));
	parse_ctx_init(&ctx, "test");
	ctx.want = &want;
	ctx.families = 1;
	assert_int_equal(parse_buffer(&ctx, FMT_CSV, in, strlen(in)), 0);
	pt_dump(&ctx, got, sizeof(got));
	assert_string_equal(got, "1.0.1.0-1.0.1.255 CN;");
	assert_int_equal(ctx.records, 1);
	assert_int_equal(ctx.skipped, 2);
	parse_ctx_free(&ctx);
}

static void test_fixtures(void **state)
{
	(void)state;
	assert_true(pt_fixtures(FMT_CSV, FIXTURES "/csv") >= 3);
	assert_true(pt_fixtures(FMT_IP2LOCATION, FIXTURES "/ip2location") >= 3);
	assert_true(pt_fixtures(FMT_TORGEOIP, FIXTURES "/torgeoip") >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cases),
		cmocka_unit_test(test_i2l_cases),
		cmocka_unit_test(test_tor_cases),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_reject_whole_file),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
