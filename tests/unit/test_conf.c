// SPDX-License-Identifier: GPL-2.0-or-later
/* test_conf.c - the configuration contract: good and bad files. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "conf.h"

static int parse(struct conf *c, const char *text, unsigned flags, char *err)
{
	err[0] = '\0';
	return conf_parse(c, "t.conf", text, strlen(text), flags, err,
			  MAX_ERR_BYTES);
}

static void test_defaults(void **state)
{
	struct conf c;

	(void)state;
	conf_init(&c);
	assert_int_equal(c.nsources, 1);
	assert_string_equal(c.sources[0], "rir");
	assert_string_equal(c.cache_dir, "/var/cache/nftblock");
	assert_string_equal(c.state_dir, "/var/lib/nftblock");
	assert_int_equal(c.max_shrink, 40);
	assert_int_equal(c.max_grow, 100);
	assert_null(c.ca_file);
	assert_int_equal(c.block.direction, DIR_BOTH);
	assert_int_equal(c.allow.direction, DIR_IN);
	conf_free(&c);
	conf_free(&c);		/* a freed conf may be freed again */
}

/* The DESIGN.md example, comments and all. */
static const char design_example[] =
	"[nftblock]\n"
	"sources = rir ipdeny          # feeds in order of preference\n"
	"cache-dir = /tmp/c\n"
	"state-dir = /tmp/s\n"
	"max-shrink = 40%              # refuse a country that loses more\n"
	"max-grow = 250%\n"
	"ca-file =                     # extra CA bundle\n"
	"\n"
	"[block]                       # drop traffic of these countries\n"
	"countries = CN ru KP region:ripencc continent:AS\n"
	"direction = both\n"
	"\n"
	"[allow]\n"
	"countries =\n"
	"direction = in\n"
	"\n"
	"[exceptions]\n"
	"addresses = 192.0.2.10 2001:db8::/32\n"
	"ports = tcp/80 udp/60000-61000\n"
	"\n"
	"[feed:mine]\n"
	"url = https://mirror.example/{cc}-aggregated.zone\n"
	"url6 = https://mirror.example/ipv6/{cc}.zone\r\n"
	"format = cidr\n"
	"checksum = https://mirror.example/MD5SUM\n"
	"insecure = no\n";

static void test_design_example(void **state)
{
	struct conf c;
	char err[MAX_ERR_BYTES];
	struct conf_feed *f;

	(void)state;
	conf_init(&c);
	assert_int_equal(parse(&c, design_example, 0, err), 0);
	assert_int_equal(c.nsources, 2);
	assert_string_equal(c.sources[1], "ipdeny");
	assert_string_equal(c.cache_dir, "/tmp/c");
	assert_int_equal(c.max_shrink, 40);
	assert_int_equal(c.max_grow, 250);
	assert_null(c.ca_file);
	assert_true(ccset_has(&c.block.set, CC_TAG('C', 'N')));
	assert_true(ccset_has(&c.block.set, CC_TAG('R', 'U')));
	assert_false(ccset_has(&c.block.set, CC_TAG('U', 'S')));
	assert_int_equal(c.block.ngroups, 2);
	assert_false(c.allow.any);
	assert_int_equal(c.except[0].n, 1);
	assert_int_equal(c.except[1].n, 1);
	assert_int_equal(c.nports, 2);
	assert_int_equal(c.ports[1].proto, IPPROTO_UDP);
	assert_int_equal(c.ports[1].lo, 60000);
	assert_int_equal(c.ports[1].hi, 61000);
	f = conf_feed_find(&c, "mine");
	assert_non_null(f);
	assert_string_equal(f->url6, "https://mirror.example/ipv6/{cc}.zone");
	assert_int_equal(f->format, FMT_CIDR);
	assert_int_equal(f->insecure, 0);
	assert_int_equal(conf_feed_scope(f), SCOPE_COUNTRY);
	assert_string_equal(f->where, "t.conf:21");
	conf_free(&c);
}

struct bad_case {
	const char *text;
	unsigned flags;
	const char *err;	/* expected message, exactly */
};

static const struct bad_case bad[] = {
	{ "[nftblock]\nfoo = 1\n", 0, "t.conf:2: unknown key 'foo'" },
	{ "[nope]\n", 0, "t.conf:1: unknown section '[nope]'" },
	{ "sources = rir\n", 0, "t.conf:1: 'sources' outside any [section]" },
	{ "[nftblock]\n\n# c\nmax-shrink = 101%\n", 0,
	  "t.conf:4: '101%' is not a number from 0 to 100%" },
	{ "[nftblock]\nmax-shrink = -1\n", 0,
	  "t.conf:2: '-1' is not a number from 0 to 100%" },
	{ "[nftblock]\nmax-grow = 12x\n", 0,
	  "t.conf:2: '12x' is not a number from 0 to 100000%" },
	{ "[nftblock]\ncache-dir = relative/dir\n", 0,
	  "t.conf:2: 'relative/dir' is not an absolute path" },
	{ "[nftblock]\ncache-dir =\n", 0,
	  "t.conf:2: cache-dir may not be empty" },
	{ "[nftblock]\nsources =\n", 0,
	  "t.conf:2: sources needs at least one feed" },
	{ "[nftblock]\nsources = a b c d e f g h i\n", 0,
	  "t.conf:2: more than 8 sources" },
	{ "[nftblock]\nsources = Rir\n", 0,
	  "t.conf:2: 'Rir' is not a feed name" },
	{ "[block]\ncountries = CN XYZ\n", 0,
	  "t.conf:2: 'XYZ' is not a country code" },
	{ "[block]\ncountries = C1\n", 0,
	  "t.conf:2: 'C1' is not a country code" },
	{ "[block]\ncountries = region:mars\n", 0,
	  "t.conf:2: unknown region or continent 'region:mars'" },
	{ "[block]\ndirection = sideways\n", 0,
	  "t.conf:2: direction 'sideways' is not in, out, both, forward or all" },
	{ "[exceptions]\naddresses = 10.0.0.1/8\n", 0,
	  "t.conf:2: '10.0.0.1/8' is not an address or prefix" },
	{ "[exceptions]\nports = tcp/0\n", 0,
	  "t.conf:2: 'tcp/0' is not tcp/PORT, udp/PORT or PROTO/LO-HI" },
	{ "[exceptions]\nports = sctp/22\n", 0,
	  "t.conf:2: 'sctp/22' is not tcp/PORT, udp/PORT or PROTO/LO-HI" },
	{ "[exceptions]\nports = tcp/90-80\n", 0,
	  "t.conf:2: 'tcp/90-80' is not tcp/PORT, udp/PORT or PROTO/LO-HI" },
	{ "[feed:x]\nformat = xml\n", 0,
	  "t.conf:2: unknown format 'xml' (cidr, rir, csv, ip2location, "
	  "torgeoip, maxmind)" },
	{ "[feed:x]\ninsecure = maybe\n", 0,
	  "t.conf:2: 'maybe' is not yes or no" },
	{ "[feed:x]\nscope = galaxy\n", 0,
	  "t.conf:2: scope 'galaxy' is not per-country or world" },
	{ "[feed:X]\n", 0, "t.conf:1: bad feed name 'X' (a-z, 0-9, '-', '_')" },
	{ "[feed:x]\nurl\n", 0, "t.conf:2: expected 'key = value', got 'url'" },
	{ "[feed:x]\n= 1\n", 0, "t.conf:2: missing key before '='" },
	{ "[nftblock\n", 0, "t.conf:1: section header without ']'" },
	{ "[nftblock]\n", CONF_CATALOGUE,
	  "t.conf:1: a feed file holds only [feed:NAME] sections" },
	{ "[nftblock]\nretries = 11\n", 0,
	  "t.conf:2: '11' is not a number from 0 to 10" },
	/* [block] addresses: the extra block list */
	{ "[block]\naddresses = 198.51.100.0/24 203.0.113.300\n", 0,
	  "t.conf:2: '203.0.113.300' is not an address or prefix" },
	{ "[block]\naddresses = 0.0.0.0/0\n", 0,
	  "t.conf:2: '0.0.0.0/0' would block every address (for allow-list "
	  "mode use [allow])" },
	{ "[block]\naddresses = ::/0\n", 0,
	  "t.conf:2: '::/0' would block every address (for allow-list "
	  "mode use [allow])" },
	{ "[allow]\naddresses = 192.0.2.1\n", 0,
	  "t.conf:2: unknown key 'addresses'" },
	{ "[block]\ncountries = continent:XX\n", 0,
	  "t.conf:2: unknown region or continent 'continent:XX'" },
	/* [log] */
	{ "[log]\ndrops = sometimes\n", 0,
	  "t.conf:2: 'sometimes' is not yes or no" },
	{ "[log]\nrate = 10\n", 0,
	  "t.conf:2: rate '10' is not N/second, N/minute, N/hour or N/day "
	  "with N from 1 to 10000" },
	{ "[log]\nrate = 0/minute\n", 0,
	  "t.conf:2: rate '0/minute' is not N/second, N/minute, N/hour or "
	  "N/day with N from 1 to 10000" },
	{ "[log]\nrate = 5/week\n", 0,
	  "t.conf:2: rate '5/week' is not N/second, N/minute, N/hour or "
	  "N/day with N from 1 to 10000" },
	{ "[log]\nrate = 10001/second\n", 0,
	  "t.conf:2: rate '10001/second' is not N/second, N/minute, N/hour "
	  "or N/day with N from 1 to 10000" },
	{ "[log]\nburst = 0\n", 0, "t.conf:2: burst must be at least 1" },
	{ "[log]\nburst = 10001\n", 0,
	  "t.conf:2: '10001' is not a number from 0 to 10000" },
	{ "[log]\nlevel = loud\n", 0,
	  "t.conf:2: log level 'loud' is not emerg, alert, crit, err, warn, "
	  "notice, info or debug" },
	{ "[log]\nprefix = say \"hi\"\n", 0,
	  "t.conf:2: log prefix 'say \"hi\"' holds a quote, a backslash or "
	  "a non-printable character" },
	{ "[log]\nprefix = a\\b\n", 0,
	  "t.conf:2: log prefix 'a\\x5cb' holds a quote, a backslash or "
	  "a non-printable character" },
	{ "[log]\nprefix = "
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "4567890123456789012345678901234567890123456789012345678901234567"
	  "\n", 0, "t.conf:2: log prefix longer than 127 bytes" },
	{ "[log]\nfile = /var/log/x\n", 0, "t.conf:2: unknown key 'file'" },
	{ "[log]\n", CONF_CATALOGUE,
	  "t.conf:1: a feed file holds only [feed:NAME] sections" },
	{ "[list:Spam]\n", 0,
	  "t.conf:1: bad list name 'Spam' (1 to 24 of a-z, 0-9, '-', '_')" },
	{ "[list:a]\naddresses = 1.2.3.4 until 2027-02-30\n", 0,
	  "t.conf:2: '1.2.3.4 until 2027-02-30' is not ADDR[/LEN] [until "
	  "YYYY-MM-DD]" },
	{ "[list:a]\naddresses = 1.2.3.4 until\n", 0,
	  "t.conf:2: 'until' without a date" },
	{ "[list:a]\naddresses = 0.0.0.0/0\n", 0,
	  "t.conf:2: '0.0.0.0/0' is not ADDR[/LEN] [until YYYY-MM-DD]" },
	{ "[list:a]\nexpire = 90\n", 0,
	  "t.conf:2: expire '90' is not a duration like 90d, 12h, 30m or 45s "
	  "(at most 3650 days), or never" },
	{ "[list:a]\nexpire = 3651d\n", 0,
	  "t.conf:2: expire '3651d' is not a duration like 90d, 12h, 30m or "
	  "45s (at most 3650 days), or never" },
	{ "[list:a]\nprotocols = sctp\n", 0,
	  "t.conf:2: protocol 'sctp' is not tcp, udp or icmp" },
	{ "[list:a]\nfiles = lists/a.txt\n", 0,
	  "t.conf:2: 'lists/a.txt' is not an absolute path" },
	{ "[list:a]\nports = tcp/0\n", 0,
	  "t.conf:2: 'tcp/0' is not tcp/PORT, udp/PORT or PROTO/LO-HI" },
	{ "[list:a]\ncolour = red\n", 0, "t.conf:2: unknown key 'colour'" },
};

static void test_bad(void **state)
{
	char err[MAX_ERR_BYTES];
	struct conf c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		conf_init(&c);
		if (parse(&c, bad[i].text, bad[i].flags, err) != -EINVAL ||
		    strcmp(err, bad[i].err))
			fail_msg("case %zu: got '%s', want '%s'", i, err,
				 bad[i].err);
		conf_free(&c);
	}
}

/* A later file overrides keys; a config section overrides single keys of
 * a catalogue feed and inherits the rest. */
static void test_override_and_merge(void **state)
{
	struct conf c, cat;
	char err[MAX_ERR_BYTES];
	struct conf_feed *f;

	(void)state;
	conf_init(&c);
	conf_init(&cat);
	assert_int_equal(parse(&c, "[nftblock]\nmax-shrink = 10\n"
			       "sources = rir ipdeny\n[feed:ipdeny]\n"
			       "url = file:///srv/{cc}.zone\n", 0, err), 0);
	assert_int_equal(parse(&c, "[nftblock]\nmax-shrink = 20%\n", 0, err),
			 0);
	assert_int_equal(c.max_shrink, 20);
	assert_int_equal(parse(&cat, "[feed:ipdeny]\n"
			       "url = https://www.ipdeny.com/{cc}.zone\n"
			       "format = cidr\nlicence = free\n"
			       "[feed:rir]\nurl = https://a/x https://b/y\n"
			       "format = rir\nchecksum = {url}.md5\n",
			       CONF_CATALOGUE, err), 0);
	assert_int_not_equal(conf_check(&c, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "no feed called 'rir'"));
	conf_merge_catalogue(&c, &cat);
	assert_int_equal(conf_check(&c, err, sizeof(err)), 0);
	f = conf_feed_find(&c, "ipdeny");
	assert_string_equal(f->url, "file:///srv/{cc}.zone");
	assert_string_equal(f->licence, "free");
	assert_int_equal(f->format, FMT_CIDR);
	f = conf_feed_find(&c, "rir");
	assert_int_equal(conf_feed_scope(f), SCOPE_WORLD);
	conf_free(&c);
	conf_free(&cat);
}

struct check_case {
	const char *text;
	const char *err;	/* substring; NULL: passes */
};

static const struct check_case checks[] = {
	{ "[feed:a]\nurl = http://x/{cc}\nformat = cidr\n",
	  "is not https:// or file:///" },
	{ "[feed:a]\nurl = http://x/{cc}\nformat = cidr\ninsecure = yes\n",
	  NULL },
	{ "[feed:a]\nurl = ftp://x/{cc}\nformat = cidr\ninsecure = yes\n",
	  "is not https://" },
	{ "[feed:a]\nurl = file:///srv/{CC}.txt\nformat = cidr\n", NULL },
	{ "[feed:a]\nurl = https://x/all\nformat = cidr\n"
	  "scope = per-country\n", "has no {cc} or {CC}" },
	{ "[feed:a]\nurl = https://x/{cc}\n", "has no format" },
	{ "[feed:a]\nformat = cidr\n", "has no url" },
	{ "[feed:a]\nurl = https://x/{cc}\nformat = cidr\n"
	  "checksum = http://x/MD5SUM\n", "is not https://" },
};

static void test_check(void **state)
{
	char err[MAX_ERR_BYTES];
	struct conf c;

	(void)state;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		conf_init(&c);
		assert_int_equal(parse(&c, "[nftblock]\nsources = a\n", 0,
				       err), 0);
		assert_int_equal(parse(&c, checks[i].text, 0, err), 0);
		err[0] = '\0';
		if (checks[i].err ? !conf_check(&c, err, sizeof(err)) ||
				    !strstr(err, checks[i].err) :
				    conf_check(&c, err, sizeof(err)) != 0)
			fail_msg("case %zu: got '%s'", i, err);
		conf_free(&c);
	}
}

/* The parts the product issue added: the extra block list, [log], and
 * regions and continents expanded. */
static void test_block_log_groups(void **state)
{
	static const char text[] =
		"[block]\n"
		"countries = kp continent:SA region:arin\n"
		"direction = in\n"
		"addresses = 198.51.100.7 198.51.100.0/24 2001:db8:1::/48\n"
		"[exceptions]\n"
		"addresses = 192.0.2.10\n"
		"[log]\n"
		"drops = yes\n"
		"prefix = \"nft geo: \"   # quotes keep the space\n"
		"rate = 3/second\n"
		"burst = 20\n"
		"level = info\n";
	char err[MAX_ERR_BYTES];
	uint32_t tags[MAX_COUNTRIES];
	struct ccset all;
	struct conf c;

	(void)state;
	conf_init(&c);
	assert_false(c.log.drops);
	assert_string_equal(c.log.prefix, "nftblock: ");
	assert_int_equal(c.log.rate, 10);
	assert_int_equal(c.log.per, 60);
	assert_int_equal(c.log.burst, 5);
	assert_string_equal(conf_log_level_name(c.log.level), "warn");
	assert_int_equal(parse(&c, text, 0, err), 0);
	assert_int_equal(c.block.direction, DIR_IN);
	assert_string_equal(conf_direction_name(c.block.direction), "in");
	assert_string_equal(conf_direction_name(DIR_ALL), "all");
	/* the /24 swallows the single address: one range */
	assert_int_equal(c.block_addrs[0].n, 1);
	assert_int_equal(c.block_addrs[1].n, 1);
	assert_int_equal(c.except[0].n, 1);
	assert_true(c.log.drops);
	assert_string_equal(c.log.prefix, "nft geo: ");
	assert_int_equal(c.log.rate, 3);
	assert_int_equal(c.log.per, 1);
	assert_int_equal(c.log.burst, 20);
	assert_string_equal(conf_log_level_name(c.log.level), "info");

	/* KP + 14 South American + 29 ARIN countries */
	ccset_init(&all, false);
	conf_countries_expand(&c.block, &all);
	assert_int_equal(ccset_list(&all, tags), 1 + 14 + 29);
	assert_true(ccset_has(&all, CC_TAG('K', 'P')));
	assert_true(ccset_has(&all, CC_TAG('B', 'R')));
	assert_true(ccset_has(&all, CC_TAG('U', 'S')));
	assert_false(ccset_has(&all, CC_TAG('M', 'X')));

	/* a later file replaces the lists; no prefix is allowed */
	assert_int_equal(parse(&c, "[block]\naddresses =\n[log]\n"
			       "prefix =\nrate = 1/day\n", 0, err), 0);
	assert_int_equal(c.block_addrs[0].n + c.block_addrs[1].n, 0);
	assert_string_equal(c.log.prefix, "");
	assert_int_equal(c.log.per, 86400);
	conf_free(&c);
}

/* [list:NAME]: entries with until, files, a feed, expire, scope; a
 * later file's section adds keys to the same list; conf_check wants a
 * source. */
static void test_lists(void **state)
{
	char err[MAX_ERR_BYTES];
	struct conf_list *l;
	struct conf_feed *f;
	struct cidr cd;
	uint32_t until;
	struct conf c;

	(void)state;
	conf_init(&c);
	assert_int_equal(parse(&c, "[list:spam]\n"
		"addresses = 203.0.113.7 until 2027-02-22, 198.51.100.0/24 "
		"2001:db8::1 until 2027-02-22T12:30Z\n"
		"url = https://lists.example/spam.txt\n"
		"ports = tcp/25 tcp/465 tcp/587\nprotocols = icmp\n"
		"expire = 90d\n[list:b]\nfiles = /etc/nftblock/b.txt\n"
		"countries = RU continent:OC\n[nftblock]\nsources = x\n"
		"[feed:x]\nurl = https://a.example/{cc}\nformat = cidr\n", 0,
		err), 0);
	assert_int_equal(parse(&c, "[list:spam]\nexpire = 12h\n", 0, err), 0);
	assert_int_equal(c.nlists, 2);
	l = conf_list_find(&c, "spam");
	assert_non_null(l);
	assert_true(l->feed);
	assert_int_equal(l->expire, 12 * 3600);
	assert_int_equal(l->nports, 3);
	assert_int_equal(l->ports[2].lo, 587);
	assert_int_equal(l->protos, PROTO_ICMP);
	assert_int_equal(l->addrs[0].n, 2);
	/* 2027-02-22T00:00:00Z, and no until for the /24 */
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(l->addrs[0].v[i].tag,
				 l->addrs[0].v[i].lo == 0xcb007107u ?
				 1803254400u : 0);
	assert_int_equal(l->addrs[1].v[0].tag, 1803254400u + 45000u);
	f = conf_feed_find(&c, "list:spam");
	assert_non_null(f);
	assert_int_equal(f->format, FMT_CIDR);
	assert_int_equal(f->scope, SCOPE_WORLD);
	l = conf_list_find(&c, "b");
	assert_int_equal(l->nfiles, 1);
	assert_true(l->countries.any);
	assert_int_equal(conf_check(&c, err, sizeof(err)), 0);
	assert_int_equal(parse(&c, "[list:empty]\nexpire = 1d\n", 0, err), 0);
	assert_int_equal(conf_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.conf:1: [list:empty] has no entries: set "
			    "addresses, files, url or countries");
	conf_free(&c);
	/* a list file's line */
	assert_int_equal(conf_list_entry("10.0.0.0/8 until 2030-01-01", 27,
					 &cd, &until), 0);
	assert_int_equal(until, 1893456000u);
	assert_int_equal(cd.len, 8);
	assert_int_equal(conf_list_entry("10.0.0.1 until", 14, &cd, &until),
			 -EINVAL);
	assert_int_equal(conf_list_entry("10.0.0.1 x", 10, &cd, &until),
			 -EINVAL);
	assert_int_equal(conf_list_entry("10.0.0.1 until 2030-01-01 y", 27,
					 &cd, &until), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_override_and_merge),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_block_log_groups),
		cmocka_unit_test(test_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
