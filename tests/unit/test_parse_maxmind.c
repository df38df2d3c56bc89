// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_parse_maxmind.c - the GeoLite2 Country CSV parser: the locations join
 * table, blocks files, their order and their failures.  All data here is
 * synthetic (GeoLite2 itself may not be copied into the project).
 */
#include "parsetest.h"

#define LOC_H "geoname_id,locale_code,continent_code,continent_name," \
	      "country_iso_code,country_name,is_in_european_union\n"
#define LOC LOC_H \
	"1000001,en,EU,Europe,,,0\n" \
	"1000010,en,EU,Europe,DE,Germany,1\n" \
	"1000011,en,NA,\"North America\",US,\"United States\",0\n" \
	"1000012,en,EU,Europe,UK,\"United Kingdom\",0\n" \
	"1000020,en,EU,Europe,EU,Europe,0\n"
#define BLK_H "network,geoname_id,registered_country_geoname_id," \
	      "represented_country_geoname_id,is_anonymous_proxy," \
	      "is_satellite_provider"

/* Files parsed in order into one ctx; every file but the last must parse,
 * the last is checked like a pcase. */
struct mcase {
	const char *name;
	const char *files[3];
	const char *out;
	const char *err;
	size_t line;
	size_t skipped;
};

static const struct mcase cases[] = {
	{ "join on geoname_id", { LOC, BLK_H "\n1.0.0.0/24,1000010,1000011,,0,0\n" },
	  "1.0.0.0-1.0.0.255 DE;" },
	{ "empty geoname_id: the registered country",
	  { LOC, BLK_H "\n1.0.0.0/24,,1000011,,0,0\n" },
	  "1.0.0.0-1.0.0.255 US;" },
	{ "a continent: skipped, not the registered country",
	  { LOC, BLK_H "\n1.0.0.0/24,1000001,1000011,,0,0\n2.0.0.0/8,1000011,,,0,0\n" },
	  "2.0.0.0-2.255.255.255 US;", NULL, 0, 1 },
	{ "no geoname at all: skipped",
	  { LOC, BLK_H "\n1.0.0.0/24,,,,1,0\n2.0.0.0/8,1000011,,,0,0\n" },
	  "2.0.0.0-2.255.255.255 US;", NULL, 0, 1 },
	{ "UK is GB, EU kept as a region",
	  { LOC, BLK_H "\n1.0.0.0/24,1000012,,,0,0\n1.0.1.0/24,1000020,,,0,0\n" },
	  "1.0.0.0-1.0.0.255 GB;1.0.1.0-1.0.1.255 EU;" },
	{ "is_anycast column, CRLF, IPv6",
	  { LOC, BLK_H ",is_anycast\r\n2001:200::/32,1000010,,,0,0,1\r\n"
	    "0.0.0.0/0,1000011,,,0,0,\r\n::/0,1000011,,,0,0,\r\n" },
	  "0.0.0.0-255.255.255.255 US;2001:200::-2001:200:ffff:ffff:ffff:ffff:ffff:ffff DE;"
	  "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff US;" },
	{ "columns found by name",
	  { "country_iso_code,geoname_id\nJP,7\n" },
	  NULL, "not a GeoLite2 Country CSV header", 1 },
	{ "locations with columns in another order",
	  { "geoname_id,country_iso_code,locale_code\n7,JP,en\n",
	    "network,registered_country_geoname_id,geoname_id\n1.0.0.0/8,,7\n" },
	  "1.0.0.0-1.255.255.255 JP;" },
	{ "several locale files agree",
	  { LOC, LOC_H "1000010,de,EU,Europa,DE,Deutschland,1\n",
	    BLK_H "\n1.0.0.0/24,1000010,,,0,0\n" },
	  "1.0.0.0-1.0.0.255 DE;" },
	{ "a locale file that disagrees",
	  { LOC, LOC_H "1000010,de,EU,Europa,AT,Österreich,1\n" },
	  NULL, "two countries", 0 },
	{ "the same id twice in one file, disagreeing",
	  { LOC_H "5,en,EU,Europe,DE,Germany,0\n5,en,EU,Europe,FR,France,0\n" },
	  NULL, "two countries", 0 },
	{ "blocks before locations",
	  { BLK_H "\n1.0.0.0/24,1000010,,,0,0\n" },
	  NULL, "GeoLite2 blocks file needs the locations file first", 1 },
	{ "unknown geoname_id",
	  { LOC, BLK_H "\n1.0.0.0/24,1000010,,,0,0\n1.0.1.0/24,42,,,0,0\n" },
	  NULL, "unknown geoname_id: \"42\"", 3 },
	{ "unknown registered geoname_id",
	  { LOC, BLK_H "\n1.0.1.0/24,,43,,0,0\n" },
	  NULL, "unknown geoname_id: \"43\"", 2 },
	{ "bad geoname_id", { LOC, BLK_H "\n1.0.1.0/24,-1,,,0,0\n" },
	  NULL, "bad geoname_id", 2 },
	{ "geoname_id past 2^32 - 1",
	  { LOC, BLK_H "\n1.0.1.0/24,4294967296,,,0,0\n" },
	  NULL, "bad geoname_id", 2 },
	{ "host bits set", { LOC, BLK_H "\n1.0.0.1/24,1000010,,,0,0\n" },
	  NULL, "not a valid network", 2 },
	{ "a range is not a network",
	  { LOC, BLK_H "\n1.0.0.0-1.0.0.255,1000010,,,0,0\n" },
	  NULL, "not a valid network", 2 },
	{ "fewer fields than the header",
	  { LOC, BLK_H "\n1.0.0.0/24,1000010,,,0\n" },
	  NULL, "number of fields differs", 2 },
	{ "bad country in locations", { LOC_H "5,en,EU,Europe,DEU,Germany,0\n" },
	  NULL, "bad country code", 2 },
	{ "locations header without country_iso_code",
	  { "geoname_id,locale_code\n5,en\n" },
	  NULL, "without country_iso_code", 1 },
	{ "blocks header without geoname columns",
	  { LOC, "network,foo\n1.0.0.0/8,x\n" },
	  NULL, "blocks header without", 1 },
	{ "locations header only", { LOC_H }, NULL,
	  "locations file holds no locations", 0 },
	{ "blocks header only", { LOC, BLK_H "\n" }, NULL, "empty feed", 0 },
	{ "empty file", { "" }, NULL, "empty file", 0 },
	{ "blank file", { "\n\r\n \n" }, NULL, "empty file", 0 },
	{ "HTML", { "<html>login</html>" }, NULL, "HTML", 0 },
	{ "a range CSV", { "1.0.0.0,1.0.0.255,AU\n" }, NULL,
	  "not a GeoLite2 Country CSV header", 1 },
	{ "too many fields",
	  { LOC, BLK_H ",a,b,c,d,e,f,g,h,i,j,k\n" }, NULL, "too many fields", 1 },
};

static void check(const struct mcase *c)
{
	struct parse_ctx ctx;
	char got[4096];
	size_t n = 0;
	int ret = 0;

	while (n < 3 && c->files[n])
		n++;
	parse_ctx_init(&ctx, "test");
	for (size_t i = 0; i < n; i++) {
		ret = parse_buffer(&ctx, FMT_MAXMIND, c->files[i],
				   strlen(c->files[i]));
		if (ret && i + 1 < n)
			fail_msg("%s: file %zu: %s", c->name, i + 1, ctx.err);
	}
	if (c->out) {
		if (ret)
			fail_msg("%s: line %zu: %s", c->name, ctx.err_line,
				 ctx.err);
		pt_dump(&ctx, got, sizeof(got));
		if (strcmp(got, c->out))
			fail_msg("%s:\n got  %s\n want %s", c->name, got, c->out);
		if (ctx.skipped != c->skipped)
			fail_msg("%s: skipped %zu want %zu", c->name,
				 ctx.skipped, c->skipped);
	} else {
		if (ret != -EINVAL || !strstr(ctx.err, c->err))
			fail_msg("%s: got %d \"%s\", want \"%s\"", c->name, ret,
				 ctx.err, c->err);
		if (ctx.err_line != c->line)
			fail_msg("%s: error line %zu want %zu", c->name,
				 ctx.err_line, c->line);
	}
	parse_ctx_free(&ctx);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		check(&cases[i]);
}

/* A failed locations file leaves the join table as it was. */
static void test_failed_locations_keep_table(void **state)
{
	const char *bad = LOC_H "1000010,de,EU,Europa,AT,Austria,1\n"
			  "77,de,EU,Europa,FR,France,0\n";
	const char *blk = BLK_H "\n1.0.0.0/24,1000010,,,0,0\n";
	const char *blk77 = BLK_H "\n1.0.0.0/24,77,,,0,0\n";
	struct parse_ctx ctx;
	char got[256];

	(void)state;
	parse_ctx_init(&ctx, "test");
	assert_int_equal(parse_buffer(&ctx, FMT_MAXMIND, LOC, strlen(LOC)), 0);
	assert_int_equal(parse_buffer(&ctx, FMT_MAXMIND, bad, strlen(bad)),
			 -EINVAL);
	assert_int_equal(parse_buffer(&ctx, FMT_MAXMIND, blk, strlen(blk)), 0);
	pt_dump(&ctx, got, sizeof(got));
	assert_string_equal(got, "1.0.0.0-1.0.0.255 DE;");
	assert_int_equal(parse_buffer(&ctx, FMT_MAXMIND, blk77, strlen(blk77)),
			 -EINVAL);
	assert_non_null(strstr(ctx.err, "unknown geoname_id"));
	parse_ctx_free(&ctx);
}

/* The join table is bounded by MAX_GEONAMES. */
static void test_max_geonames(void **state)
{
	size_t cap = 64 + (size_t)MAX_GEONAMES * 16, n;
	char *buf = malloc(cap);
	struct parse_ctx ctx;

	(void)state;
	assert_non_null(buf);
	n = (size_t)snprintf(buf, cap, "geoname_id,country_iso_code\n");
	for (unsigned i = 0; i <= MAX_GEONAMES; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%u,DE\n", i);
	parse_ctx_init(&ctx, "test");
	assert_int_equal(parse_buffer(&ctx, FMT_MAXMIND, buf, n), -EINVAL);
	assert_non_null(strstr(ctx.err, "too many locations"));
	assert_null(ctx.geo);	/* nothing half-filled is kept */
	parse_ctx_free(&ctx);
	free(buf);
}

static void test_is_locations(void **state)
{
	(void)state;
	assert_true(parse_maxmind_is_locations(LOC, strlen(LOC)));
	assert_true(parse_maxmind_is_locations("\xef\xbb\xbfgeoname_id,x", 16));
	assert_false(parse_maxmind_is_locations(BLK_H, strlen(BLK_H)));
	assert_false(parse_maxmind_is_locations("geoname", 7));
	assert_false(parse_maxmind_is_locations("", 0));
}

/* Fixtures: the good locations file first, then each file on its own. */
static void test_fixtures(void **state)
{
	const char *dir = FIXTURES "/maxmind";
	char *loc, *buf, path[1024];
	size_t loclen, len, count = 0;
	struct dirent *de;
	DIR *d;

	(void)state;
	snprintf(path, sizeof(path), "%s/good-Locations-en.csv", dir);
	assert_int_equal(util_read_file(path, MAX_FEED_BYTES, false, &loc,
					&loclen), 0);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		bool good = !strncmp(de->d_name, "good-", 5);
		struct parse_ctx ctx;
		int ret;

		if (!good && strncmp(de->d_name, "bad-", 4) &&
		    strncmp(de->d_name, "hostile-", 8))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(util_read_file(path, MAX_FEED_BYTES, false,
						&buf, &len), 0);
		parse_ctx_init(&ctx, de->d_name);
		assert_int_equal(parse_buffer(&ctx, FMT_MAXMIND, loc, loclen), 0);
		ret = parse_buffer(&ctx, FMT_MAXMIND, buf, len);
		if (good && ret)
			fail_msg("%s: %s", path, ctx.err);
		if (!good && ret != -EINVAL)
			fail_msg("%s: accepted", path);
		parse_ctx_free(&ctx);
		free(buf);
		count++;
	}
	closedir(d);
	free(loc);
	assert_true(count >= 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_failed_locations_keep_table),
		cmocka_unit_test(test_max_geonames),
		cmocka_unit_test(test_is_locations),
		cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
