// SPDX-License-Identifier: GPL-2.0-or-later
/* test_lists.c - named lists in a generation: painting over the countries
 * (against a per-address model), lapse resolution, dropping what lapsed,
 * the state file round trip, tag names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "cc.h"
#include "lists.h"
#include "policy.h"
#include "state.h"

#define CN	CC_TAG('C', 'N')
#define RU	CC_TAG('R', 'U')

static void add(struct rangeset *s, const char *cidr, uint32_t tag)
{
	struct cidr c = test_cidr(cidr);

	rangeset_add_cidr(s, &c, tag);
}

static void name_list(struct nft_gen *g, size_t k, const char *name,
		      uint16_t port)
{
	snprintf(g->lists[k].name, sizeof(g->lists[k].name), "%s", name);
	if (port) {
		g->lists[k].ports[0] = (struct nft_port){ 6, port, port };
		g->lists[k].nports = 1;
	}
	if (g->nlists <= k)
		g->nlists = k + 1;
}

static void expect(const struct rangeset *s, size_t i, const char *lo,
		   const char *hi, uint32_t tag)
{
	struct cidr a = test_cidr(lo), b = test_cidr(hi);

	assert_true(i < s->n);
	assert_true(s->v[i].lo == a.addr);
	assert_true(s->v[i].hi == b.addr);
	assert_int_equal(s->v[i].tag, tag);
}

/* The example of the integration test, range by range. */
static void test_paint_example(void **ctx)
{
	struct nft_gen g;
	struct rangeset out;
	char name[64];

	(void)ctx;
	nft_gen_init(&g);
	add(&g.map[0], "1.0.1.0/24", CN);
	add(&g.map[0], "9.0.0.0/8", RU);
	rangeset_normalize(&g.map[0]);
	name_list(&g, 0, "spam", 25);
	name_list(&g, 1, "dns", 53);
	name_list(&g, 2, "abuse", 0);
	add(&g.lists[0].set[0], "5.5.5.0/24", 0);
	add(&g.lists[0].set[0], "1.0.1.0/30", 0);	/* inside CN */
	add(&g.lists[1].set[0], "5.5.5.128/25", 0);
	add(&g.lists[2].set[0], "1.0.1.2/32", 0);
	add(&g.lists[2].set[0], "6.6.6.6/32", 0);
	for (size_t k = 0; k < 3; k++)
		rangeset_normalize(&g.lists[k].set[0]);
	lists_paint(&g, 0, &out);
	assert_true(rangeset_is_normal(&out));
	/* sorted by tag: countries, then list bit masks */
	assert_int_equal(out.n, 7);
	expect(&out, 0, "1.0.1.0", "1.0.1.1", CN);	/* CN beats scoped */
	expect(&out, 1, "1.0.1.3", "1.0.1.255", CN);
	expect(&out, 2, "9.0.0.0", "9.255.255.255", RU);
	expect(&out, 3, "5.5.5.0", "5.5.5.127", NFT_LIST_TAG | 1);
	expect(&out, 4, "5.5.5.128", "5.5.5.255", NFT_LIST_TAG | 3);
	expect(&out, 5, "1.0.1.2", "1.0.1.2", NFT_LIST_TAG | 4);
	expect(&out, 6, "6.6.6.6", "6.6.6.6", NFT_LIST_TAG | 4);
	assert_string_equal(lists_tag_name(&g, NFT_LIST_TAG | 3, name,
					   sizeof(name)), "list:spam+dns");
	assert_string_equal(lists_tag_name(NULL, NFT_LIST_TAG | 4, name,
					   sizeof(name)), "list:#2");
	assert_string_equal(lists_tag_name(&g, CN, name, sizeof(name)), "CN");
	rangeset_free(&out);
	/* no lists: the countries as they are */
	g.nlists = 0;
	lists_paint(&g, 0, &out);
	assert_sets_equal(&out, &g.map[0]);
	rangeset_free(&out);
	nft_gen_free(&g);
}

/* The model: what tag address a gets, from the definition in lists.h. */
static uint32_t model(const struct nft_gen *g, int f, u128 a)
{
	const struct range *r = rangeset_lookup(&g->map[f], a);
	uint32_t scoped = 0;

	for (size_t k = 0; k < g->nlists; k++) {
		const struct rangeset *s = &g->lists[k].set[f];
		bool in = false;

		for (size_t i = 0; i < s->n && !in; i++)
			in = s->v[i].lo <= a && a <= s->v[i].hi;
		if (in && !lists_scoped(&g->lists[k]))
			return NFT_LIST_TAG | 1u << k;
		if (in)
			scoped |= 1u << k;
	}
	if (r)
		return r->tag;
	return scoped ? NFT_LIST_TAG | scoped : 0;
}

/* Random small worlds (IPv4 addresses 0..511 and the top of IPv6):
 * every address gets the model's tag, and policy_verdict agrees. */
static void test_paint_random(void **ctx)
{
	uint64_t seed = 0x5eed1157u;

	(void)ctx;
	for (int round = 0; round < 300; round++) {
		struct nft_gen g;
		struct rangeset out;
		int f = round % 2;
		u128 base = f ? ~(u128)0 - 511 : 0;

		nft_gen_init(&g);
		/* countries apart, as compile makes them: one per 80 */
		for (int i = 0; i < 6; i++) {
			u128 lo = base + (u128)i * 80 + test_rand(&seed) % 40;

			rangeset_add(&g.map[f], lo, lo + test_rand(&seed) % 40,
				     CC_TAG('A', 'A' + i % 3));
		}
		rangeset_normalize(&g.map[f]);
		g.nlists = 1 + test_rand(&seed) % 4;
		for (size_t k = 0; k < g.nlists; k++) {
			name_list(&g, k, "l", test_rand(&seed) % 2 ? 25 : 0);
			for (int i = 0; i < 5; i++) {
				u128 lo = base + test_rand(&seed) % 480;
				u128 len = test_rand(&seed) % 30;

				rangeset_add(&g.lists[k].set[f], lo, lo + len,
					     (uint32_t)(test_rand(&seed) % 3));
			}
			/* up to the top of the address space (IPv6: no end
			 * element, no end event) */
			if (round % 4 == 1 && k == 0)
				rangeset_add(&g.lists[k].set[f], base + 500,
					     base + 511, 0);
			lists_resolve(&g.lists[k].set[f]);
		}
		lists_paint(&g, f, &out);
		assert_true(rangeset_is_normal(&out));
		for (u128 a = base; a <= base + 511; a++) {
			const struct range *r = rangeset_lookup(&out, a);
			uint32_t want = model(&g, f, a), tag = 0;
			enum policy_verdict v;

			assert_int_equal(r ? r->tag : 0, want);
			g.dirs = NFT_DIR_IN;
			v = policy_verdict(&g, f ? 6 : 4, a, NFT_DIR_IN, &tag);
			assert_int_equal(v == POLICY_ACCEPT ? 0 : tag, want);
			if (a == ~(u128)0)
				break;
		}
		rangeset_free(&out);
		nft_gen_free(&g);
	}
}

/* Overlapping entries: the latest lapse wins, never (0) latest of all. */
static void test_resolve_and_lapse(void **ctx)
{
	struct nft_gen g;
	size_t n;

	(void)ctx;
	nft_gen_init(&g);
	name_list(&g, 0, "a", 0);
	rangeset_add(&g.lists[0].set[0], 10, 19, 100);
	rangeset_add(&g.lists[0].set[0], 15, 29, 200);
	rangeset_add(&g.lists[0].set[0], 25, 26, 0);
	lists_resolve(&g.lists[0].set[0]);
	/* [10,14]:100 [15,24]:200 [25,26]:0 [27,29]:200 */
	assert_int_equal(g.lists[0].set[0].n, 4);
	assert_true(rangeset_lookup(&g.lists[0].set[0], 12)->tag == 100);
	assert_true(rangeset_lookup(&g.lists[0].set[0], 19)->tag == 200);
	assert_true(rangeset_lookup(&g.lists[0].set[0], 26)->tag == 0);
	assert_true(rangeset_lookup(&g.lists[0].set[0], 28)->tag == 200);
	assert_int_equal(lists_next_lapse(&g.lists[0], &n), 100);
	assert_int_equal(n, 3);
	assert_int_equal(lists_drop_lapsed(&g, 99), 0);
	assert_int_equal(lists_drop_lapsed(&g, 100), 1);
	assert_int_equal(lists_next_lapse(&g.lists[0], &n), 200);
	assert_int_equal(lists_drop_lapsed(&g, 1000), 2);
	assert_int_equal(g.lists[0].set[0].n, 1);
	assert_int_equal(lists_next_lapse(&g.lists[0], &n), 0);
	assert_int_equal(n, 0);
	nft_gen_free(&g);
}

/* Version 3 state files carry the lists; changing a list's scope is a
 * policy change, its entries are not. */
static void test_state_roundtrip(void **ctx)
{
	struct state a = { 0 }, b;
	uint8_t *buf;
	size_t len;

	(void)ctx;
	nft_gen_init(&a.gen);
	add(&a.gen.map[0], "1.0.1.0/24", CN);
	name_list(&a.gen, 0, "spam", 25);
	name_list(&a.gen, 1, "v6", 0);
	a.gen.lists[0].protos = NFT_PROTO_ICMP;
	add(&a.gen.lists[0].set[0], "5.5.5.0/24", 1803254400u);
	add(&a.gen.lists[1].set[1], "2001:db8::/32", 0);
	a.fp = nft_gen_fingerprint(&a.gen);
	state_encode(&a, &buf, &len);
	assert_int_equal(state_decode(buf, len, &b), 0);
	assert_int_equal(b.gen.nlists, 2);
	assert_string_equal(b.gen.lists[0].name, "spam");
	assert_int_equal(b.gen.lists[0].protos, NFT_PROTO_ICMP);
	assert_int_equal(b.gen.lists[0].nports, 1);
	assert_sets_equal(&a.gen.lists[0].set[0], &b.gen.lists[0].set[0]);
	assert_sets_equal(&a.gen.lists[1].set[1], &b.gen.lists[1].set[1]);
	assert_true(nft_gen_fingerprint(&b.gen) == a.fp);
	assert_true(nft_gen_same_policy(&a.gen, &b.gen));
	b.gen.lists[1].set[1].v[0].hi++;
	assert_true(nft_gen_same_policy(&a.gen, &b.gen));
	assert_true(nft_gen_fingerprint(&b.gen) != a.fp);
	b.gen.lists[0].ports[0].lo = 24;
	assert_false(nft_gen_same_policy(&a.gen, &b.gen));
	state_free(&b);
	/* every truncation is refused */
	for (size_t cut = 1; cut < 80; cut++)
		assert_int_equal(state_decode(buf, len - cut, &b), -EBADMSG);
	free(buf);
	state_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paint_example),
		cmocka_unit_test(test_paint_random),
		cmocka_unit_test(test_resolve_and_lapse),
		cmocka_unit_test(test_state_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
