// SPDX-License-Identifier: GPL-2.0-or-later
/* test_policy.c - policy_from_conf: what a configuration asks the kernel
 * to enforce, field by field, from parsed configuration text. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "conf.h"
#include "policy.h"

/* Parse text, fill a fresh generation from it. */
static void from_text(const char *text, struct nft_gen *g)
{
	char err[MAX_ERR_BYTES];
	struct conf c;

	conf_init(&c);
	assert_int_equal(conf_parse(&c, "t.conf", text, strlen(text), 0, err,
				    sizeof(err)), 0);
	nft_gen_init(g);
	policy_from_conf(&c, g);
	conf_free(&c);
}

static void range_is(const struct rangeset *s, size_t i, const char *cidr)
{
	struct cidr c = test_cidr(cidr);
	u128 lo, hi;

	cidr_to_range(&c, &lo, &hi);
	assert_true(i < s->n);
	assert_true(s->v[i].lo == lo);
	assert_true(s->v[i].hi == hi);
	assert_int_equal(s->v[i].tag, 0);
}

static void test_defaults(void **state)
{
	struct nft_gen g;

	(void)state;
	from_text("", &g);
	/* nothing named: nothing blocked, nothing allow-listed */
	assert_int_equal(g.dirs, 0);
	assert_int_equal(g.permit_dirs, 0);
	assert_int_equal(g.nports, 0);
	assert_false(g.log.on);
	assert_false(g.early);
	/* the [log] defaults are carried for when it is switched on */
	assert_string_equal(g.log.prefix, "nftblock: ");
	assert_int_equal(g.log.rate, 10);
	assert_int_equal(g.log.per, 60);
	assert_int_equal(g.log.burst, 5);
	assert_int_equal(g.log.level, 4);
	for (int f = 0; f < 2; f++) {
		assert_int_equal(g.allow[f].n, 0);
		assert_int_equal(g.deny[f].n, 0);
		assert_int_equal(g.map[f].n, 0);
		assert_int_equal(g.permit[f].n, 0);
	}
	nft_gen_free(&g);
}

static void test_directions(void **state)
{
	static const struct {
		const char *text;
		unsigned dirs, permit_dirs;
	} t[] = {
		{ "[block]\ncountries = CN\n", NFT_DIR_IN | NFT_DIR_OUT, 0 },
		{ "[block]\ncountries = CN\ndirection = in\n", NFT_DIR_IN, 0 },
		{ "[block]\ncountries = region:ripencc\ndirection = forward\n",
		  NFT_DIR_FWD, 0 },
		{ "[block]\ncountries = CN\ndirection = all\n",
		  NFT_DIR_IN | NFT_DIR_OUT | NFT_DIR_FWD, 0 },
		/* [block] addresses alone use [block]'s direction */
		{ "[block]\naddresses = 192.0.2.1\ndirection = out\n",
		  NFT_DIR_OUT, 0 },
		/* a direction without countries blocks nothing */
		{ "[block]\ndirection = all\n", 0, 0 },
		{ "[allow]\ncountries = DE\n", 0, NFT_DIR_IN },
		{ "[allow]\ncountries = DE AT\ndirection = both\n", 0,
		  NFT_DIR_IN | NFT_DIR_OUT },
		{ "[allow]\ndirection = both\n", 0, 0 },
		{ "[block]\ncountries = CN\ndirection = out\n"
		  "[allow]\ncountries = continent:EU\ndirection = in\n",
		  NFT_DIR_OUT, NFT_DIR_IN },
	};
	struct nft_gen g;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		from_text(t[i].text, &g);
		assert_int_equal(g.dirs, t[i].dirs);
		assert_int_equal(g.permit_dirs, t[i].permit_dirs);
		nft_gen_free(&g);
	}
}

static void test_addresses(void **state)
{
	struct nft_gen g;

	(void)state;
	from_text("[exceptions]\n"
		  "addresses = 198.51.100.7 192.0.2.0/25 192.0.2.128/25 "
		  "2001:db8::/32\n"
		  "[block]\n"
		  "addresses = 203.0.113.9 2001:db8:1::/48 203.0.113.8\n",
		  &g);
	/* normal, tag 0: adjacent halves merged */
	assert_int_equal(g.allow[0].n, 2);
	range_is(&g.allow[0], 0, "192.0.2.0/24");
	range_is(&g.allow[0], 1, "198.51.100.7/32");
	assert_int_equal(g.allow[1].n, 1);
	range_is(&g.allow[1], 0, "2001:db8::/32");
	assert_int_equal(g.deny[0].n, 1);
	range_is(&g.deny[0], 0, "203.0.113.8/31");
	assert_int_equal(g.deny[1].n, 1);
	range_is(&g.deny[1], 0, "2001:db8:1::/48");
	assert_true(rangeset_is_normal(&g.deny[0]));
	assert_int_equal(g.dirs, NFT_DIR_IN | NFT_DIR_OUT);
	nft_gen_free(&g);
}

/* allow[] is added to (the SSH client may already be there); deny[] is
 * replaced. */
static void test_allow_adds(void **state)
{
	char err[MAX_ERR_BYTES];
	const char *text = "[exceptions]\naddresses = 192.0.2.10\n"
			   "[block]\naddresses = 192.0.2.99\n";
	struct nft_gen g;
	struct conf c;

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_parse(&c, "t.conf", text, strlen(text), 0, err,
				    sizeof(err)), 0);
	nft_gen_init(&g);
	rangeset_add(&g.allow[0], 0x0a000001, 0x0a000001, 0);
	rangeset_add(&g.deny[0], 0x0a000002, 0x0a000002, 0);
	policy_from_conf(&c, &g);
	assert_int_equal(g.allow[0].n, 2);
	range_is(&g.allow[0], 0, "10.0.0.1/32");
	range_is(&g.allow[0], 1, "192.0.2.10/32");
	assert_int_equal(g.deny[0].n, 1);
	range_is(&g.deny[0], 0, "192.0.2.99/32");
	/* twice: the same result */
	policy_from_conf(&c, &g);
	assert_int_equal(g.allow[0].n, 2);
	assert_int_equal(g.deny[0].n, 1);
	conf_free(&c);
	nft_gen_free(&g);
}

static void test_ports_log_early(void **state)
{
	struct nft_gen g;

	(void)state;
	from_text("[exceptions]\nports = tcp/80 udp/51820 tcp/60000-61000\n"
		  "[log]\ndrops = yes\nprefix = \"geo drop: \"\n"
		  "rate = 3/second\nburst = 20\nlevel = info\n"
		  "[block]\ncountries = CN\nearly = yes\n", &g);
	assert_int_equal(g.nports, 3);
	assert_int_equal(g.ports[0].proto, IPPROTO_TCP);
	assert_int_equal(g.ports[0].lo, 80);
	assert_int_equal(g.ports[0].hi, 80);
	assert_int_equal(g.ports[1].proto, IPPROTO_UDP);
	assert_int_equal(g.ports[1].lo, 51820);
	assert_int_equal(g.ports[2].lo, 60000);
	assert_int_equal(g.ports[2].hi, 61000);
	assert_true(g.log.on);
	assert_string_equal(g.log.prefix, "geo drop: ");
	assert_int_equal(g.log.rate, 3);
	assert_int_equal(g.log.per, 1);
	assert_int_equal(g.log.burst, 20);
	assert_int_equal(g.log.level, 6);
	assert_true(g.early);
	nft_gen_free(&g);
}

/* The same text gives the same policy; a changed key a different one. */
static void test_policy_identity(void **state)
{
	static const char *const texts[] = {
		"[block]\ncountries = CN\n",
		"[block]\ncountries = CN\ndirection = in\n",
		"[block]\ncountries = CN\nearly = yes\n",
		"[block]\ncountries = CN\n[exceptions]\nports = tcp/22\n",
		"[block]\ncountries = CN\n[log]\ndrops = yes\n",
		"[block]\ncountries = CN\n[log]\ndrops = yes\nlevel = err\n",
		"[block]\ncountries = CN\n[allow]\ncountries = DE\n",
	};
	struct nft_gen a, b;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		from_text(texts[i], &a);
		for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
			from_text(texts[k], &b);
			assert_int_equal(nft_gen_same_policy(&a, &b), i == k);
			assert_int_equal(nft_gen_fingerprint(&a) ==
					 nft_gen_fingerprint(&b), i == k);
			nft_gen_free(&b);
		}
		nft_gen_free(&a);
	}
}

/* The model of the rule order: exceptions first, then deny, countries,
 * allow-list; each only in its directions. */
static void test_verdict(void **state)
{
	struct nft_gen g;
	uint32_t tag = 0;

	(void)state;
	from_text("[block]\ncountries = CN\ndirection = in\n"
		  "addresses = 5.5.5.5\n"
		  "[allow]\ncountries = DE\ndirection = both\n"
		  "[exceptions]\naddresses = 1.0.1.9\n", &g);
	rangeset_add(&g.map[0], 0x01000100, 0x010001ff, CC_TAG('C', 'N'));
	rangeset_add(&g.permit[0], 0x09090900, 0x090909ff, CC_TAG('D', 'E'));
	assert_int_equal(policy_verdict(&g, 4, 0x01000102, NFT_DIR_IN, &tag),
			 POLICY_COUNTRY);
	assert_int_equal(tag, CC_TAG('C', 'N'));
	assert_int_equal(policy_verdict(&g, 4, 0x01000109, NFT_DIR_IN, NULL),
			 POLICY_EXCEPTION);
	assert_int_equal(policy_verdict(&g, 4, 0x05050505, NFT_DIR_IN, NULL),
			 POLICY_DENY);
	/* out: no block-list, but the allow-list */
	assert_int_equal(policy_verdict(&g, 4, 0x05050505, NFT_DIR_OUT, NULL),
			 POLICY_NOTALLOWED);
	assert_int_equal(policy_verdict(&g, 4, 0x09090909, NFT_DIR_OUT, NULL),
			 POLICY_ACCEPT);
	/* the LAN stays allowed: 192.168.1.1 is a never-block range */
	assert_int_equal(policy_verdict(&g, 4, 0xc0a80101, NFT_DIR_IN, NULL),
			 POLICY_ACCEPT);
	/* forward is in neither list */
	assert_int_equal(policy_verdict(&g, 4, 0x05050505, NFT_DIR_FWD, NULL),
			 POLICY_ACCEPT);
	/* IPv6 has no allowed ranges: not filtered */
	assert_int_equal(policy_verdict(&g, 6, (u128)0x2a01 << 112,
					NFT_DIR_IN, NULL), POLICY_ACCEPT);
	nft_gen_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_directions),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_allow_adds),
		cmocka_unit_test(test_ports_log_early),
		cmocka_unit_test(test_policy_identity),
		cmocka_unit_test(test_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
