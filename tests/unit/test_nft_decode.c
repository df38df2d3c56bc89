// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_nft_decode.c - nft_decode: netlink replies, built byte by byte here
 * as the kernel sends them (nf_tables.h numbers), back into nftblock's view
 * and ranges; malformed attributes ignored, broken buffers refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "testutil.h"
#include "nft.h"

#define NFT_MSG(t)	((10 << 8) | (t))	/* NFNL_SUBSYS_NFTABLES */
#define NEWTABLE	0
#define NEWCHAIN	3
#define NEWSET		9
#define NEWSETELEM	12
#define NEWGEN		15
#define NESTED		0x8000

struct mb {
	uint8_t b[8192] __attribute__((aligned(4)));
	size_t len;
	size_t msg;		/* start of the open message */
	size_t nest[4];
	int depth;
};

static void put(struct mb *m, const void *p, size_t n)
{
	assert_true(m->len + n <= sizeof(m->b));
	memcpy(m->b + m->len, p, n);
	m->len += n;
	while (m->len % 4)
		m->b[m->len++] = 0;
}

static void set16(struct mb *m, size_t at, uint16_t v)
{
	memcpy(m->b + at, &v, 2);
}

static void msg_begin(struct mb *m, uint16_t type)
{
	uint8_t hdr[20] = { 0 };

	m->msg = m->len;
	memcpy(hdr + 4, &type, 2);
	hdr[16] = 1;		/* nfgenmsg: NFPROTO_INET */
	put(m, hdr, sizeof(hdr));
}

static void msg_end(struct mb *m)
{
	uint32_t n = (uint32_t)(m->len - m->msg);

	memcpy(m->b + m->msg, &n, 4);
}

static void attr(struct mb *m, uint16_t type, const void *p, size_t n)
{
	uint16_t h[2] = { (uint16_t)(4 + n), type };

	put(m, h, 4);
	if (n)
		put(m, p, n);
}

static void str(struct mb *m, uint16_t type, const char *s)
{
	attr(m, type, s, strlen(s) + 1);
}

static void be32(struct mb *m, uint16_t type, uint32_t v)
{
	v = htonl(v);
	attr(m, type, &v, 4);
}

static void nest_begin(struct mb *m, uint16_t type)
{
	m->nest[m->depth++] = m->len;
	attr(m, type | NESTED, NULL, 0);
}

static void nest_end(struct mb *m)
{
	size_t at = m->nest[--m->depth];

	set16(m, at, (uint16_t)(m->len - at));
}

/* One set element: key (klen bytes, big-endian), flags, jump chain. */
static void elem(struct mb *m, const uint8_t *key, size_t klen, bool end,
		 const char *chain)
{
	nest_begin(m, 1);		/* NFTA_LIST_ELEM */
	nest_begin(m, 1);		/* NFTA_SET_ELEM_KEY */
	attr(m, 1, key, klen);		/* NFTA_DATA_VALUE */
	nest_end(m);
	if (end)
		be32(m, 3, 1);		/* FLAGS: NFT_SET_ELEM_INTERVAL_END */
	if (chain) {
		nest_begin(m, 2);	/* NFTA_SET_ELEM_DATA */
		nest_begin(m, 2);	/* NFTA_DATA_VERDICT */
		be32(m, 1, (uint32_t)-3);	/* NFT_JUMP */
		str(m, 2, chain);
		nest_end(m);
		nest_end(m);
	}
	nest_end(m);
}

static void elem4(struct mb *m, uint32_t a, bool end, const char *chain)
{
	uint32_t k = htonl(a);

	elem(m, (const uint8_t *)&k, 4, end, chain);
}

static int decode(struct mb *m, int family, struct nft_readback *rb)
{
	memset(rb, 0, sizeof(*rb));
	rangeset_init(&rb->elems, family);
	return nft_decode(m->b, m->len, family, rb);
}

/* A dump of geo4_0: nft's leading end marker, adjacent ranges of two
 * countries sharing a key, and a last range up to 255.255.255.255. */
static void test_elements(void **ctx)
{
	struct mb m = { .len = 0 };
	struct nft_readback rb;

	(void)ctx;
	msg_begin(&m, NFT_MSG(NEWSETELEM));
	str(&m, 1, "nftblock");
	str(&m, 2, "geo4_0");
	nest_begin(&m, 3);
	elem4(&m, 0, true, NULL);
	elem4(&m, 0x01000000, false, "cc_AU");
	elem4(&m, 0x01000100, true, NULL);
	elem4(&m, 0x01000100, false, "cc_CN");
	elem4(&m, 0x01000400, true, NULL);
	elem4(&m, 0xfffffff0, false, "cc_RU");
	nest_end(&m);
	msg_end(&m);
	assert_int_equal(decode(&m, 4, &rb), 0);
	assert_int_equal(rb.elems.n, 3);
	/* normal: sorted by (tag, lo) */
	assert_int_equal(rb.elems.v[0].tag, CC_TAG('A', 'U'));
	assert_true(rb.elems.v[0].lo == 0x01000000 && rb.elems.v[0].hi == 0x010000ff);
	assert_int_equal(rb.elems.v[1].tag, CC_TAG('C', 'N'));
	assert_true(rb.elems.v[1].lo == 0x01000100 && rb.elems.v[1].hi == 0x010003ff);
	assert_int_equal(rb.elems.v[2].tag, CC_TAG('R', 'U'));
	assert_true(rb.elems.v[2].hi == 0xffffffff);
	rangeset_free(&rb.elems);
}

/* The view: generation, table, base chains, map slots, fingerprint. */
static void test_view(void **ctx)
{
	static const uint8_t fp[8] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
				       0xde, 0xf3 };
	struct mb m = { .len = 0 };
	struct nft_readback rb;

	(void)ctx;
	msg_begin(&m, NFT_MSG(NEWGEN));
	be32(&m, 1, 4711);
	msg_end(&m);
	msg_begin(&m, NFT_MSG(NEWTABLE));
	str(&m, 1, "nftblock");
	msg_end(&m);
	msg_begin(&m, NFT_MSG(NEWCHAIN));
	str(&m, 1, "nftblock");
	str(&m, 3, "output");
	msg_end(&m);
	msg_begin(&m, NFT_MSG(NEWCHAIN));	/* another table's: ignored */
	str(&m, 1, "foreign");
	str(&m, 3, "input");
	msg_end(&m);
	msg_begin(&m, NFT_MSG(NEWSET));
	str(&m, 1, "nftblock");
	str(&m, 2, "geo6_3");
	msg_end(&m);
	msg_begin(&m, NFT_MSG(NEWSET));
	str(&m, 1, "nftblock");
	str(&m, 2, "geo4_9");			/* not a slot: ignored */
	msg_end(&m);
	msg_begin(&m, NFT_MSG(NEWSETELEM));
	str(&m, 1, "nftblock");
	str(&m, 2, "gen");
	nest_begin(&m, 3);
	elem(&m, fp, 8, false, NULL);
	nest_end(&m);
	msg_end(&m);
	assert_int_equal(decode(&m, 4, &rb), 0);
	assert_int_equal(rb.genid, 4711);
	assert_true(rb.table);
	assert_int_equal(rb.bases, 2);
	assert_int_equal(rb.slots[0], 0);
	assert_int_equal(rb.slots[1], 1u << 3);
	assert_true(rb.fp_ok);
	assert_true(rb.fp == 0x123456789abcdef3ull);
	assert_int_equal(rb.elems.n, 0);
	rangeset_free(&rb.elems);
}

/* Odd sizes are ignored (libnftnl would abort()); broken buffers and
 * kernel errors are returned. */
static void test_hostile(void **ctx)
{
	struct mb m = { .len = 0 };
	struct nft_readback rb;
	uint32_t big = 0x80000010u;
	uint16_t odd = 7;

	(void)ctx;
	msg_begin(&m, NFT_MSG(NEWGEN));
	attr(&m, 1, &odd, 2);			/* a u32 of two bytes */
	msg_end(&m);
	msg_begin(&m, NFT_MSG(NEWCHAIN));
	attr(&m, 1, "nftblock", 8);		/* no NUL */
	str(&m, 3, "input");
	msg_end(&m);
	assert_int_equal(decode(&m, 4, &rb), 0);
	assert_int_equal(rb.genid, 0);
	assert_int_equal(rb.bases, 0);
	rangeset_free(&rb.elems);

	memcpy(m.b, &big, 4);			/* nlmsg_len >= 2 GiB */
	assert_int_equal(decode(&m, 4, &rb), -EBADMSG);
	rangeset_free(&rb.elems);

	m.len = 0;
	msg_begin(&m, 2);			/* NLMSG_ERROR, -ENOENT */
	{
		int32_t e = -ENOENT;
		uint8_t req[16] = { 16 };

		put(&m, &e, 4);
		put(&m, req, sizeof(req));
	}
	m.len -= 4;				/* no nfgenmsg: drop it */
	memmove(m.b + 16, m.b + 20, m.len - 16);
	msg_end(&m);
	assert_int_equal(decode(&m, 4, &rb), -ENOENT);
	rangeset_free(&rb.elems);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elements),
		cmocka_unit_test(test_view),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
