// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for compile.c and cc.c: country selection, never-block ranges,
 * overlap resolution. */
#include <stdio.h>

#include "testutil.h"
#include "cc.h"
#include "compile.h"

#define CN CC_TAG('C', 'N')
#define US CC_TAG('U', 'S')
#define AP CC_TAG('A', 'P')
#define RU CC_TAG('R', 'U')

static void add(struct rangeset *s, const char *cidr, uint32_t tag)
{
	struct cidr c = test_cidr(cidr);

	assert_int_equal(c.family, s->family);
	rangeset_add_cidr(s, &c, tag);
}

/* The map as text: "CC lo-hi;" per range, in (tag, lo) order. */
static const char *show(const struct rangeset *s)
{
	static char out[4096];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		char a[CIDR_STRLEN], b[CIDR_STRLEN], cc[3];

		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s %s-%s;",
				      cc_format(s->v[i].tag, cc),
				      cidr_format_addr(s->family, s->v[i].lo, a),
				      cidr_format_addr(s->family, s->v[i].hi, b));
	}
	return out;
}

static void test_cc_parse(void **state)
{
	static const struct {
		const char *in;
		enum cc_kind kind;
		const char *tag;
	} cases[] = {
		{ "CN", CC_COUNTRY, "CN" }, { "cn", CC_COUNTRY, "CN" },
		{ "Us", CC_COUNTRY, "US" }, { "UK", CC_COUNTRY, "GB" },
		{ "EU", CC_REGION, "EU" }, { "ap", CC_REGION, "AP" },
		{ "ZZ", CC_NONE, NULL }, { "zz", CC_NONE, NULL },
		{ "", CC_NONE, NULL }, { "-", CC_NONE, NULL },
		{ "??", CC_NONE, NULL }, { "C", CC_BAD, NULL },
		{ "CHN", CC_BAD, NULL }, { "C1", CC_BAD, NULL },
		{ "\xc3\x9c", CC_BAD, NULL }, { "--", CC_BAD, NULL },
	};
	char buf[3];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint32_t tag = 0;
		enum cc_kind k = cc_parse(cases[i].in, strlen(cases[i].in),
					  &tag);

		if (k != cases[i].kind)
			fail_msg("'%s': kind %d, want %d", cases[i].in, k,
				 cases[i].kind);
		if (cases[i].tag)
			assert_string_equal(cc_format(tag, buf), cases[i].tag);
	}
}

static void test_ccset(void **state)
{
	struct ccset s;
	uint32_t list[MAX_COUNTRIES];

	(void)state;
	ccset_init(&s, false);
	assert_false(ccset_has(&s, CN));
	ccset_add(&s, CN);
	ccset_add(&s, AP);
	assert_true(ccset_has(&s, CN));
	assert_true(ccset_has(&s, AP));
	assert_false(ccset_has(&s, US));
	assert_false(ccset_has(&s, 0));
	assert_int_equal(ccset_list(&s, list), 2);
	assert_int_equal(list[0], AP);
	ccset_init(&s, true);	/* all countries, but regions only by name */
	assert_true(ccset_has(&s, US));
	assert_false(ccset_has(&s, AP));
	assert_false(ccset_has(&s, CC_TAG('E', 'U')));
	assert_int_equal(ccset_list(&s, list), 676 - 2);
}

static void test_neverblock(void **state)
{
	struct rangeset in, out;
	struct compile_report rep;

	(void)state;
	rangeset_init(&in, 4);
	add(&in, "192.168.0.0/16", CC_TAG('A', 'U'));	/* geo-whois does this */
	add(&in, "1.0.0.0/8", CN);
	add(&in, "100.0.0.0/8", CN);	/* holds CGNAT 100.64/10 */
	add(&in, "224.0.0.0/3", CN);	/* multicast + reserved */
	compile_family(&in, NULL, &out, &rep);
	assert_string_equal(show(&out),
			    "CN 1.0.0.0-1.255.255.255;"
			    "CN 100.0.0.0-100.63.255.255;"
			    "CN 100.128.0.0-100.255.255.255;");
	assert_int_equal(rep.bogon_ranges, 3);
	assert_true(rep.bogon_addrs == (u128)65536 + (1u << 22) + (1u << 29));
	rangeset_free(&in);
	rangeset_free(&out);

	rangeset_init(&in, 6);
	add(&in, "::/0", US);
	compile_family(&in, NULL, &out, &rep);
	/* everything but the special blocks, e.g. 2001:db8::/32 and fe80::/10 */
	for (size_t i = 0; i < out.n; i++) {
		struct cidr c = test_cidr("2001:db8::1");

		assert_false(c.addr >= out.v[i].lo && c.addr <= out.v[i].hi);
		c = test_cidr("fe80::1");
		assert_false(c.addr >= out.v[i].lo && c.addr <= out.v[i].hi);
	}
	assert_true(rangeset_lookup(&out, test_cidr("2a00::").addr) != NULL);
	assert_true(rep.bogon_ranges > 0);
	rangeset_free(&in);
	rangeset_free(&out);
}

static void test_select(void **state)
{
	struct rangeset in, out;
	struct ccset want;

	(void)state;
	rangeset_init(&in, 4);
	add(&in, "1.0.0.0/24", CN);
	add(&in, "1.0.1.0/24", CN);	/* adjacent: merged */
	add(&in, "2.0.0.0/24", RU);
	add(&in, "3.0.0.0/24", AP);
	ccset_init(&want, false);
	ccset_add(&want, CN);
	compile_family(&in, &want, &out, NULL);
	assert_string_equal(show(&out), "CN 1.0.0.0-1.0.1.255;");
	rangeset_free(&out);
	/* all countries: the AP region only when named */
	compile_family(&in, NULL, &out, NULL);
	assert_string_equal(show(&out),
			    "CN 1.0.0.0-1.0.1.255;RU 2.0.0.0-2.0.0.255;");
	rangeset_free(&out);
	ccset_init(&want, true);
	ccset_add(&want, AP);
	compile_family(&in, &want, &out, NULL);
	assert_string_equal(show(&out),
			    "AP 3.0.0.0-3.0.0.255;CN 1.0.0.0-1.0.1.255;"
			    "RU 2.0.0.0-2.0.0.255;");
	rangeset_free(&out);
	rangeset_free(&in);
}

static void test_overlaps(void **state)
{
	struct rangeset in, out;
	struct compile_report rep;
	struct ccset want;

	(void)state;
	ccset_init(&want, true);
	ccset_add(&want, AP);
	rangeset_init(&in, 4);
	/* AP claims a /22; US claims a /24 inside it: the narrower wins */
	add(&in, "8.8.0.0/22", AP);
	add(&in, "8.8.1.0/24", US);
	/* equal widths: the alphabetically first code */
	add(&in, "9.0.0.0/24", RU);
	add(&in, "9.0.0.0/24", CN);
	/* partial overlap of two equal widths */
	add(&in, "11.0.0.0/23", RU);
	add(&in, "11.0.1.0/24", CN);
	add(&in, "11.0.2.0/24", CN);
	compile_family(&in, &want, &out, &rep);
	assert_string_equal(show(&out),
			    "AP 8.8.0.0-8.8.0.255;AP 8.8.2.0-8.8.3.255;"
			    "CN 9.0.0.0-9.0.0.255;CN 11.0.1.0-11.0.2.255;"
			    "RU 11.0.0.0-11.0.0.255;US 8.8.1.0-8.8.1.255;");
	assert_int_equal(rep.overlaps, 3);
	assert_true(rep.overlap_addrs == 256 * 3);
	/* every address in at most one range */
	rangeset_flatten(&out, 0);
	assert_true(rangeset_count(&out) == 1024 + 256 + 768);
	rangeset_free(&out);
	rangeset_free(&in);

	rangeset_init(&in, 6);
	add(&in, "2400::/12", CN);
	add(&in, "2400::/13", US);
	compile_family(&in, NULL, &out, &rep);
	assert_string_equal(show(&out),
			    "CN 2408::-240f:ffff:ffff:ffff:ffff:ffff:ffff:ffff;"
			    "US 2400::-2407:ffff:ffff:ffff:ffff:ffff:ffff:ffff;");
	assert_int_equal(rep.overlaps, 1);
	rangeset_free(&out);
	rangeset_free(&in);

	/* the sweep itself at the top and bottom of the address space */
	memset(&rep, 0, sizeof(rep));
	rangeset_init(&in, 6);
	rangeset_add(&in, 0, ~(u128)0, CN);
	rangeset_add(&in, ~(u128)0 - 9, ~(u128)0, US);
	rangeset_add(&in, 0, 0, RU);
	rangeset_normalize(&in);
	compile_resolve_overlaps(&in, &out, &rep);
	assert_string_equal(show(&out),
			    "CN ::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff5;"
			    "RU ::-::;"
			    "US ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff6-"
			    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff;");
	assert_int_equal(rep.overlaps, 2);
	rangeset_free(&out);
	rangeset_free(&in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cc_parse),
		cmocka_unit_test(test_ccset),
		cmocka_unit_test(test_neverblock),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_overlaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
