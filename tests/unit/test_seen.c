// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_seen.c - first-seen records: update semantics (checked against a
 * per-address model too), retain, the file format (round trip, every byte
 * damaged, truncation, hostile counts and names) and the file on disk
 * (atomic replacement, a read-only directory, symlinks, the size cap).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "testutil.h"
#include "seen.h"

#define NOBODY	65534

static char dir[64];

static int setup(void **ctx)
{
	(void)ctx;
	snprintf(dir, sizeof(dir), "/tmp/nbk-seen-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

/* Remove dir and what the tests put in it (one level, and dir/sub). */
static void rm_tree(const char *d)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dp = opendir(d);

	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", d, e->d_name);
		if (unlink(path))
			rm_tree(path);
	}
	closedir(dp);
	rmdir(d);
}

static int teardown(void **ctx)
{
	(void)ctx;
	chmod(dir, 0700);
	rm_tree(dir);
	return 0;
}

/* cur[] from prefixes of both families, each with a junk tag. */
static void cur_of(struct rangeset cur[2], const char *const *pfx)
{
	rangeset_init(&cur[0], 4);
	rangeset_init(&cur[1], 6);
	for (uint32_t i = 0; pfx[i]; i++) {
		struct cidr c = test_cidr(pfx[i]);

		rangeset_add_cidr(&cur[c.family == 6], &c, 1000 + i);
	}
}

static void cur_free(struct rangeset cur[2])
{
	rangeset_free(&cur[0]);
	rangeset_free(&cur[1]);
}

/* update with the prefixes (NULL-terminated) */
static struct seen_list *upd(struct seendb *db, const char *name,
			     const char *const *pfx, uint32_t now)
{
	struct rangeset cur[2];
	struct seen_list *l;

	cur_of(cur, pfx);
	l = seendb_update(db, name, cur, now);
	cur_free(cur);
	return l;
}

/* The first-seen time of an address, or -1 when the list lacks it. */
static int64_t time_at(const struct seen_list *l, const char *addr)
{
	struct cidr c = test_cidr(addr);
	const struct rangeset *s = &l->first[c.family == 6];
	int64_t t = -1;

	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].lo <= c.addr && c.addr <= s->v[i].hi) {
			assert_true(t == -1);	/* one time per address */
			t = s->v[i].tag;
		}
	}
	return t;
}

/* Normal, in family, and no address with two times. */
static void check_list(const struct seen_list *l)
{
	for (int f = 0; f < 2; f++) {
		const struct rangeset *s = &l->first[f];
		struct range *v;

		assert_int_equal(s->family, f ? 6 : 4);
		assert_true(rangeset_is_normal(s));
		if (s->n < 2)
			continue;
		v = malloc(s->n * sizeof(*v));
		assert_non_null(v);
		memcpy(v, s->v, s->n * sizeof(*v));
		range_sort_by_lo(v, s->n);
		for (size_t i = 1; i < s->n; i++)
			assert_true(v[i].lo > v[i - 1].hi);
		free(v);
	}
}

static void test_update_new(void **ctx)
{
	const char *const p[] = { "192.0.2.0/24", "198.51.100.7",
				  "2001:db8::/32", NULL };
	struct seendb db;
	struct seen_list *l;

	(void)ctx;
	seendb_init(&db);
	assert_null(seendb_find(&db, "spam"));
	l = upd(&db, "spam", p, 1000);
	assert_non_null(l);
	assert_ptr_equal(seendb_find(&db, "spam"), l);
	assert_string_equal(l->name, "spam");
	assert_int_equal(db.n, 1);
	check_list(l);
	assert_int_equal(l->first[0].n, 2);
	assert_int_equal(l->first[1].n, 1);
	assert_int_equal(time_at(l, "192.0.2.0"), 1000);
	assert_int_equal(time_at(l, "192.0.2.255"), 1000);
	assert_int_equal(time_at(l, "198.51.100.7"), 1000);
	assert_int_equal(time_at(l, "198.51.100.8"), -1);
	assert_int_equal(time_at(l, "2001:db8:ffff::1"), 1000);
	assert_int_equal(time_at(l, "2001:db9::"), -1);
	seendb_free(&db);
	assert_int_equal(db.n, 0);
	seendb_free(&db);		/* twice, and NULL */
	seendb_free(NULL);
}

/* Kept keep their time, new ones get now, gone ones are forgotten. */
static void test_update_kept_forgotten(void **ctx)
{
	const char *const p1[] = { "10.0.0.1", "10.0.0.2", "2001:db8::1",
				   NULL };
	const char *const p2[] = { "10.0.0.2", "10.0.0.3", "2001:db8::1",
				   "2001:db8::2", NULL };
	struct seendb db;
	struct seen_list *l;

	(void)ctx;
	seendb_init(&db);
	upd(&db, "x", p1, 100);
	l = upd(&db, "x", p2, 200);
	check_list(l);
	assert_int_equal(db.n, 1);
	assert_int_equal(time_at(l, "10.0.0.1"), -1);
	assert_int_equal(time_at(l, "10.0.0.2"), 100);
	assert_int_equal(time_at(l, "10.0.0.3"), 200);
	assert_int_equal(time_at(l, "2001:db8::1"), 100);
	assert_int_equal(time_at(l, "2001:db8::2"), 200);
	/* an unchanged list at a later time changes nothing */
	l = upd(&db, "x", p2, 300);
	assert_int_equal(time_at(l, "10.0.0.2"), 100);
	assert_int_equal(time_at(l, "10.0.0.3"), 200);
	assert_int_equal(l->first[0].n, 2);
	seendb_free(&db);
}

/* A prefix that grew keeps the old part's time; one that shrank keeps
 * the rest of its time and forgets the part that left. */
static void test_update_grow_shrink(void **ctx)
{
	const char *const p1[] = { "10.0.0.0/24", "2001:db8:1::/48", NULL };
	const char *const p2[] = { "10.0.0.0/23", "2001:db8::/32", NULL };
	const char *const p3[] = { "10.0.1.0/25", "2001:db8:1:8000::/49",
				   NULL };
	struct seendb db;
	struct seen_list *l;

	(void)ctx;
	seendb_init(&db);
	upd(&db, "grow", p1, 10);
	l = upd(&db, "grow", p2, 20);
	check_list(l);
	assert_int_equal(l->first[0].n, 2);
	assert_int_equal(time_at(l, "10.0.0.0"), 10);
	assert_int_equal(time_at(l, "10.0.0.255"), 10);
	assert_int_equal(time_at(l, "10.0.1.0"), 20);
	assert_int_equal(time_at(l, "10.0.1.255"), 20);
	assert_int_equal(l->first[1].n, 3);	/* new, old, new */
	assert_int_equal(time_at(l, "2001:db8::"), 20);
	assert_int_equal(time_at(l, "2001:db8:1::"), 10);
	assert_int_equal(time_at(l, "2001:db8:1:ffff:ffff:ffff:ffff:ffff"),
			 10);
	assert_int_equal(time_at(l, "2001:db8:2::"), 20);
	l = upd(&db, "grow", p3, 30);
	check_list(l);
	assert_int_equal(l->first[0].n, 1);
	assert_true(l->first[0].v[0].lo == 0x0a000100);
	assert_true(l->first[0].v[0].hi == 0x0a00017f);
	assert_int_equal(l->first[0].v[0].tag, 20);
	assert_int_equal(l->first[1].n, 1);
	assert_int_equal(time_at(l, "2001:db8:1:8000::"), 10);
	assert_int_equal(time_at(l, "2001:db8:1::"), -1);
	seendb_free(&db);
}

/* An entry that leaves and comes back is new again; times are exact at
 * both ends of uint32. */
static void test_update_relisted(void **ctx)
{
	const char *const a[] = { "203.0.113.7", "::1", NULL };
	const char *const none[] = { NULL };
	struct seendb db;
	struct seen_list *l;

	(void)ctx;
	seendb_init(&db);
	l = upd(&db, "r", a, 0);
	assert_int_equal(time_at(l, "203.0.113.7"), 0);
	assert_int_equal(time_at(l, "::1"), 0);
	l = upd(&db, "r", a, 5);
	assert_int_equal(time_at(l, "203.0.113.7"), 0);
	l = upd(&db, "r", none, 6);
	assert_non_null(l);
	assert_int_equal(l->first[0].n + l->first[1].n, 0);
	l = upd(&db, "r", a, UINT32_MAX);
	assert_int_equal(time_at(l, "203.0.113.7"), UINT32_MAX);
	assert_int_equal(time_at(l, "::1"), UINT32_MAX);
	l = upd(&db, "r", a, 7);
	assert_int_equal(time_at(l, "203.0.113.7"), UINT32_MAX);
	seendb_free(&db);
}

/* cur in any order with any tags, overlapping: it is not modified, and
 * only its addresses matter. */
static void test_update_cur_untouched(void **ctx)
{
	struct rangeset cur[2], copy[2];
	struct seendb db;
	struct seen_list *l;

	(void)ctx;
	rangeset_init(&cur[0], 4);
	rangeset_init(&cur[1], 6);
	rangeset_add(&cur[0], 300, 400, 7);
	rangeset_add(&cur[0], 100, 200, 9);
	rangeset_add(&cur[0], 150, 301, 3);	/* overlaps both */
	rangeset_add(&cur[0], 401, 401, 7);	/* touches */
	rangeset_add(&cur[1], 5, 5, 0);
	rangeset_add(&cur[1], 5, 5, 0);		/* twice */
	for (int f = 0; f < 2; f++) {
		rangeset_init(&copy[f], f ? 6 : 4);
		rangeset_copy(&copy[f], &cur[f]);
	}
	seendb_init(&db);
	l = seendb_update(&db, "any", cur, 42);
	for (int f = 0; f < 2; f++) {
		assert_int_equal(cur[f].n, copy[f].n);
		for (size_t i = 0; i < cur[f].n; i++)
			assert_int_equal(range_cmp(&cur[f].v[i],
						   &copy[f].v[i]), 0);
	}
	check_list(l);
	assert_int_equal(l->first[0].n, 1);
	assert_true(l->first[0].v[0].lo == 100 && l->first[0].v[0].hi == 401);
	assert_int_equal(l->first[0].v[0].tag, 42);
	assert_int_equal(l->first[1].n, 1);
	assert_true(l->first[1].v[0].lo == 5 && l->first[1].v[0].hi == 5);
	for (int f = 0; f < 2; f++) {
		rangeset_free(&cur[f]);
		rangeset_free(&copy[f]);
	}
	seendb_free(&db);
}

/* Lists are independent: updating one leaves another alone. */
static void test_update_lists_independent(void **ctx)
{
	const char *const a[] = { "10.0.0.0/8", NULL };
	const char *const b[] = { "10.1.0.0/16", NULL };
	struct seendb db;

	(void)ctx;
	seendb_init(&db);
	upd(&db, "a", a, 1);
	upd(&db, "b", b, 2);
	upd(&db, "b", a, 3);
	assert_int_equal(db.n, 2);
	assert_int_equal(time_at(seendb_find(&db, "a"), "10.1.0.0"), 1);
	assert_int_equal(time_at(seendb_find(&db, "b"), "10.1.0.0"), 2);
	assert_int_equal(time_at(seendb_find(&db, "b"), "10.2.0.0"), 3);
	assert_int_equal(time_at(seendb_find(&db, "a"), "10.2.0.0"), 1);
	seendb_free(&db);
}

/*
 * Against a model: 256 addresses of each family, random lists over many
 * runs; every address must have exactly the time the model says.
 */
#define MODEL_N		256
static void model_round(struct seendb *db, int64_t model[2][MODEL_N],
			uint64_t *seed, uint32_t now)
{
	const u128 base[2] = { 0x0a000000, (u128)0x20010db8 << 96 };
	bool in[2][MODEL_N] = { { false } };
	struct rangeset cur[2];
	struct seen_list *l;

	for (int f = 0; f < 2; f++) {
		size_t k = test_rand(seed) % 12;

		rangeset_init(&cur[f], f ? 6 : 4);
		for (size_t i = 0; i < k; i++) {
			unsigned lo = (unsigned)(test_rand(seed) % MODEL_N);
			unsigned len = (unsigned)(test_rand(seed) % 40);
			unsigned hi = lo + len >= MODEL_N ? MODEL_N - 1 : lo + len;

			rangeset_add(&cur[f], base[f] + lo, base[f] + hi,
				     (uint32_t)test_rand(seed));
			for (unsigned a = lo; a <= hi; a++)
				in[f][a] = true;
		}
	}
	l = seendb_update(db, "model", cur, now);
	check_list(l);
	for (int f = 0; f < 2; f++) {
		for (unsigned a = 0; a < MODEL_N; a++) {
			const struct rangeset *s = &l->first[f];
			int64_t t = -1;

			if (in[f][a])
				model[f][a] = model[f][a] < 0 ? now : model[f][a];
			else
				model[f][a] = -1;
			for (size_t i = 0; i < s->n; i++)
				if (s->v[i].lo <= base[f] + a &&
				    base[f] + a <= s->v[i].hi)
					t = s->v[i].tag;
			assert_true(t == model[f][a]);
		}
		/* nothing outside the model's addresses */
		for (size_t i = 0; i < l->first[f].n; i++)
			assert_true(l->first[f].v[i].lo >= base[f] &&
				    l->first[f].v[i].hi < base[f] + MODEL_N);
		rangeset_free(&cur[f]);
	}
}

static void test_update_model(void **ctx)
{
	int64_t model[2][MODEL_N];
	struct seendb db;
	uint64_t seed = 0x5eed;

	(void)ctx;
	for (int f = 0; f < 2; f++)
		for (unsigned a = 0; a < MODEL_N; a++)
			model[f][a] = -1;
	seendb_init(&db);
	for (uint32_t run = 1; run <= 400; run++)
		model_round(&db, model, &seed, run * 10);
	seendb_free(&db);
}

static void test_update_bad_name(void **ctx)
{
	const char *const p[] = { "10.0.0.0/8", NULL };
	const char *const bad[] = { "", "Spam", "a b", "a/b", "a.b", "é",
				    "0123456789012345678901234", NULL };
	char name[8];
	struct seendb db;

	(void)ctx;
	seendb_init(&db);
	for (size_t i = 0; bad[i]; i++)
		assert_null(upd(&db, bad[i], p, 1));
	assert_int_equal(db.n, 0);
	assert_non_null(upd(&db, "012345678901234567890123", p, 1));
	assert_non_null(upd(&db, "a-b_c", p, 1));
	for (unsigned i = 2; i < MAX_LISTS; i++) {
		snprintf(name, sizeof(name), "l%u", i);
		assert_non_null(upd(&db, name, p, 1));
	}
	assert_int_equal(db.n, MAX_LISTS);
	assert_null(upd(&db, "onetoomany", p, 1));
	assert_int_equal(db.n, MAX_LISTS);
	assert_non_null(upd(&db, "a-b_c", p, 2));	/* existing: fine */
	assert_int_equal(seendb_save(dir, &db), 0);
	seendb_free(&db);
}

static void test_retain(void **ctx)
{
	const char *const p[] = { "10.0.0.0/8", "::/0", NULL };
	const char *const keep[] = { "c", "a", "zz" };
	struct seendb db;

	(void)ctx;
	seendb_init(&db);
	upd(&db, "a", p, 1);
	upd(&db, "b", p, 2);
	upd(&db, "c", p, 3);
	seendb_retain(&db, keep, 3);
	assert_int_equal(db.n, 2);
	assert_string_equal(db.v[0].name, "a");
	assert_string_equal(db.v[1].name, "c");
	assert_null(seendb_find(&db, "b"));
	assert_int_equal(time_at(seendb_find(&db, "c"), "::1"), 3);
	seendb_retain(&db, keep, 3);
	assert_int_equal(db.n, 2);
	seendb_retain(&db, NULL, 0);
	assert_int_equal(db.n, 0);
	upd(&db, "b", p, 4);	/* usable again after all went */
	assert_int_equal(db.n, 1);
	seendb_free(&db);
}

/* Two lists, both families, several times. */
static void small_db(struct seendb *db)
{
	const char *const a1[] = { "192.0.2.0/24", "2001:db8::/48", NULL };
	const char *const a2[] = { "192.0.2.0/23", "198.51.100.1",
				   "2001:db8::/47", NULL };
	const char *const b1[] = { "203.0.113.0/28", NULL };

	seendb_init(db);
	upd(db, "spam", a1, 1700000000);
	upd(db, "spam", a2, 1700086400);
	upd(db, "abuse", b1, 7);
}

static void assert_db_equal(const struct seendb *a, const struct seendb *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].name, b->v[i].name);
		for (int f = 0; f < 2; f++) {
			assert_int_equal(b->v[i].first[f].family, f ? 6 : 4);
			assert_sets_equal(&a->v[i].first[f], &b->v[i].first[f]);
			for (size_t k = 0; k < a->v[i].first[f].n; k++)
				assert_true(a->v[i].first[f].v[k].hi ==
					    b->v[i].first[f].v[k].hi);
		}
	}
}

static void test_roundtrip(void **ctx)
{
	struct seendb a, b;
	uint8_t *buf, *buf2;
	size_t len, len2;

	(void)ctx;
	small_db(&a);
	seendb_encode(&a, &buf, &len);
	/* 16 header + 4 crc + spam (1+4 + 4+3*12 + 4+2*36) +
	 * abuse (1+5 + 4+12 + 4) */
	assert_int_equal(len, 16 + 4 + (5 + 40 + 76) + (6 + 16 + 4));
	assert_memory_equal(buf, "NFBSEEN1\1\0\0\0\2\0\0\0", 16);
	assert_int_equal(seendb_decode(buf, len, &b), 0);
	assert_db_equal(&a, &b);
	seendb_encode(&b, &buf2, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	free(buf);
	free(buf2);
	seendb_free(&b);
	/* the empty db */
	seendb_free(&a);
	seendb_encode(&a, &buf, &len);
	assert_int_equal(len, 20);
	assert_int_equal(seendb_decode(buf, len, &b), 0);
	assert_int_equal(b.n, 0);
	free(buf);
}

static void fix_crc(uint8_t *buf, size_t len)
{
	uint32_t crc = (uint32_t)crc32(0, buf, (uInt)(len - 4));

	for (int i = 0; i < 4; i++)
		buf[len - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
}

/* Decode must fail with an empty db, or give a db that encodes to
 * exactly the same bytes. */
static void decode_or_same(const uint8_t *buf, size_t len)
{
	struct seendb db;
	uint8_t *enc;
	size_t elen;
	int ret = seendb_decode(buf, len, &db);

	if (ret) {
		assert_int_equal(ret, -EBADMSG);
		assert_int_equal(db.n, 0);
		assert_null(db.v);
		return;
	}
	for (size_t i = 0; i < db.n; i++)
		check_list(&db.v[i]);
	seendb_encode(&db, &enc, &elen);
	assert_int_equal(elen, len);
	assert_memory_equal(enc, buf, len);
	free(enc);
	seendb_free(&db);
}

/* Every byte, several flips: the CRC catches it; with the CRC fixed
 * up, the decoder's own checks refuse it or it is a valid file. */
static void test_flip_each_byte(void **ctx)
{
	const uint8_t flips[] = { 0x01, 0x02, 0x10, 0x80, 0xff };
	struct seendb a, b;
	uint8_t *buf;
	size_t len, accepted = 0;

	(void)ctx;
	small_db(&a);
	seendb_encode(&a, &buf, &len);
	for (size_t i = 0; i < len; i++) {
		for (size_t k = 0; k < sizeof(flips); k++) {
			buf[i] ^= flips[k];
			assert_int_equal(seendb_decode(buf, len, &b), -EBADMSG);
			assert_int_equal(b.n, 0);
			if (i < len - 4) {
				fix_crc(buf, len);
				accepted += seendb_decode(buf, len, &b) == 0;
				seendb_free(&b);
				decode_or_same(buf, len);
			}
			buf[i] ^= flips[k];
			fix_crc(buf, len);
		}
	}
	/* some flips (a time, a host bit of a range) are valid files */
	assert_true(accepted > 0);
	assert_int_equal(seendb_decode(buf, len, &b), 0);
	assert_db_equal(&a, &b);
	free(buf);
	seendb_free(&a);
	seendb_free(&b);
}

static void test_truncation(void **ctx)
{
	struct seendb a, b;
	uint8_t *buf, *cut;
	size_t len;

	(void)ctx;
	small_db(&a);
	seendb_encode(&a, &buf, &len);
	for (size_t n = 0; n < len; n++) {
		cut = malloc(n ? n : 1);
		assert_non_null(cut);
		memcpy(cut, buf, n);
		assert_int_equal(seendb_decode(cut, n, &b), -EBADMSG);
		if (n >= 4) {	/* a correct CRC over the shorter bytes */
			fix_crc(cut, n);
			assert_int_equal(seendb_decode(cut, n, &b), -EBADMSG);
		}
		assert_int_equal(b.n, 0);
		free(cut);
	}
	/* and bytes after the last list */
	cut = malloc(len + 1);
	assert_non_null(cut);
	memcpy(cut, buf, len - 4);
	cut[len - 4] = 0;
	fix_crc(cut, len + 1);
	assert_int_equal(seendb_decode(cut, len + 1, &b), -EBADMSG);
	free(cut);
	free(buf);
	seendb_free(&a);
}

/* A file written by hand: header, then raw bytes, then the CRC. */
struct fbuf {
	uint8_t b[512];
	size_t n;
};

static void f_bytes(struct fbuf *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof(f->b));
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void f_u32(struct fbuf *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	f_bytes(f, b, 4);
}

static void f_be32(struct fbuf *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	f_bytes(f, b, 4);
}

static void f_head(struct fbuf *f, uint32_t version, uint32_t lists)
{
	f->n = 0;
	f_bytes(f, "NFBSEEN1", 8);
	f_u32(f, version);
	f_u32(f, lists);
}

static void f_name(struct fbuf *f, const char *name)
{
	uint8_t n = (uint8_t)strlen(name);

	f_bytes(f, &n, 1);
	f_bytes(f, name, n);
}

/* One IPv4 record. */
static void f_rec4(struct fbuf *f, uint32_t lo, uint32_t hi, uint32_t t)
{
	f_be32(f, lo);
	f_be32(f, hi);
	f_u32(f, t);
}

static int f_decode(struct fbuf *f)
{
	struct seendb db;
	int ret;

	f_u32(f, 0);
	fix_crc(f->b, f->n);
	ret = seendb_decode(f->b, f->n, &db);
	if (ret)
		assert_int_equal(db.n, 0);
	seendb_free(&db);
	return ret;
}

/* A list of name with IPv4 records recs[0..n) and no IPv6. */
static int one_list(const char *name, const uint32_t (*recs)[3], size_t n)
{
	struct fbuf f;

	f_head(&f, 1, 1);
	f_name(&f, name);
	f_u32(&f, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		f_rec4(&f, recs[i][0], recs[i][1], recs[i][2]);
	f_u32(&f, 0);
	return f_decode(&f);
}

static void test_hostile(void **ctx)
{
	const uint32_t good[][3] = { { 1, 2, 5 }, { 9, 9, 5 }, { 3, 3, 6 } };
	const uint32_t lohi[][3] = { { 2, 1, 5 } };
	const uint32_t order[][3] = { { 1, 2, 6 }, { 3, 3, 5 } };
	const uint32_t touch[][3] = { { 1, 2, 5 }, { 3, 3, 5 } };
	const uint32_t dup[][3] = { { 1, 2, 5 }, { 1, 2, 5 } };
	const uint32_t overlap[][3] = { { 1, 5, 5 }, { 3, 3, 6 } };
	struct fbuf f;

	(void)ctx;
	assert_int_equal(one_list("ok", good, 3), 0);
	assert_int_equal(one_list("ok", lohi, 1), -EBADMSG);
	assert_int_equal(one_list("ok", order, 2), -EBADMSG);
	assert_int_equal(one_list("ok", touch, 2), -EBADMSG);
	assert_int_equal(one_list("ok", dup, 2), -EBADMSG);
	assert_int_equal(one_list("ok", overlap, 2), -EBADMSG);
	assert_int_equal(one_list("", good, 3), -EBADMSG);
	assert_int_equal(one_list("Ok", good, 3), -EBADMSG);
	assert_int_equal(one_list("o k", good, 3), -EBADMSG);
	assert_int_equal(one_list("o\nk", good, 3), -EBADMSG);
	assert_int_equal(one_list("0123456789012345678901234", good, 3),
			 -EBADMSG);
	assert_int_equal(one_list("012345678901234567890123", good, 3), 0);
	/* the version, the magic */
	f_head(&f, 2, 0);
	assert_int_equal(f_decode(&f), -EBADMSG);
	f_head(&f, 1, 0);
	assert_int_equal(f_decode(&f), 0);
	f_head(&f, 1, 0);
	f.b[7] = '2';
	assert_int_equal(f_decode(&f), -EBADMSG);
	/* hostile counts: lists, then ranges */
	const uint32_t lists[] = { MAX_LISTS + 1, UINT32_MAX, 1, 2 };

	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++) {
		f_head(&f, 1, lists[i]);
		assert_int_equal(f_decode(&f), -EBADMSG);
	}
	const uint32_t counts[] = { MAX_LIST_ENTRIES + 1, UINT32_MAX,
				    MAX_LIST_ENTRIES, 2, 1u << 31 };

	for (size_t i = 0; i < sizeof(counts) / sizeof(*counts); i++) {
		f_head(&f, 1, 1);
		f_name(&f, "x");
		f_u32(&f, counts[i]);
		f_rec4(&f, 1, 1, 1);
		f_u32(&f, 0);
		assert_int_equal(f_decode(&f), -EBADMSG);
		f_head(&f, 1, 1);	/* the same for IPv6 */
		f_name(&f, "x");
		f_u32(&f, 0);
		f_u32(&f, counts[i]);
		assert_int_equal(f_decode(&f), -EBADMSG);
	}
	/* a name twice; two names fine */
	f_head(&f, 1, 2);
	f_name(&f, "x");
	f_u32(&f, 0);
	f_u32(&f, 0);
	f_name(&f, "x");
	f_u32(&f, 0);
	f_u32(&f, 0);
	assert_int_equal(f_decode(&f), -EBADMSG);
	f.b[8 + 4 + 4 + 1 + 1 + 8 + 1] = 'y';
	f.n -= 4;
	assert_int_equal(f_decode(&f), 0);
	/* a name length running past the end */
	f_head(&f, 1, 1);
	f_bytes(&f, "\xff" "abc", 4);
	assert_int_equal(f_decode(&f), -EBADMSG);
}

static void path_of(char *path, size_t size, const char *d)
{
	snprintf(path, size, "%s/%s", d, SEEN_FILE);
}

static void test_save_load(void **ctx)
{
	char sub[128], path[160];
	struct seendb a, b;
	struct stat sb;

	(void)ctx;
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(seendb_load(sub, &b), 0);	/* no dir: empty */
	assert_int_equal(b.n, 0);
	small_db(&a);
	assert_int_equal(seendb_save(sub, &a), 0);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	path_of(path, sizeof(path), sub);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(seendb_load(sub, &b), 0);
	assert_db_equal(&a, &b);
	seendb_free(&b);
	/* replaced by a newer one */
	seendb_retain(&a, NULL, 0);
	assert_int_equal(seendb_save(sub, &a), 0);
	assert_int_equal(seendb_load(sub, &b), 0);
	assert_int_equal(b.n, 0);
	seendb_free(&a);
	/* a symlink is not followed */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(seendb_load(sub, &b), -ELOOP);
	assert_int_equal(b.n, 0);
	assert_int_equal(unlink(path), 0);
	/* damage on disk */
	small_db(&a);
	assert_int_equal(seendb_save(sub, &a), 0);
	assert_int_equal(truncate(path, 30), 0);
	assert_int_equal(seendb_load(sub, &b), -EBADMSG);
	assert_int_equal(b.n, 0);
	/* above the size cap (sparse: cheap) */
	assert_int_equal(truncate(path, (off_t)MAX_SEEN_BYTES + 1), 0);
	assert_int_equal(seendb_load(sub, &b), -EBADMSG);
	seendb_free(&a);
}

/* The old file's bytes, and nothing else in d. */
static void assert_only_file(const char *d, const uint8_t *old, size_t len)
{
	char path[160];
	uint8_t buf[1024];
	struct dirent *e;
	DIR *dp;
	ssize_t n;
	int fd, files = 0;

	path_of(path, sizeof(path), d);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, len);
	assert_memory_equal(buf, old, len);
	dp = opendir(d);
	assert_non_null(dp);
	while ((e = readdir(dp)))
		files += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dp);
	assert_int_equal(files, 1);
}

/* Save from a child that cannot write in dir (root: as nobody, since
 * root ignores the mode); returns seendb_save's result. */
static int save_unprivileged(const struct seendb *db)
{
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(NOBODY) || setuid(NOBODY)))
			_exit(100);
		_exit(-seendb_save(dir, db));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return -WEXITSTATUS(st);
}

static void test_save_readonly(void **ctx)
{
	const char *const p[] = { "10.9.8.0/24", NULL };
	struct seendb a;
	uint8_t *old;
	size_t len;

	(void)ctx;
	small_db(&a);
	assert_int_equal(seendb_save(dir, &a), 0);
	seendb_encode(&a, &old, &len);
	upd(&a, "new", p, 99);
	assert_int_equal(chmod(dir, 0555), 0);
	assert_int_equal(save_unprivileged(&a), -EACCES);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_only_file(dir, old, len);
	/* a db load would refuse is not written either */
	snprintf(a.v[0].name, sizeof(a.v[0].name), "Bad");
	assert_int_equal(seendb_save(dir, &a), -EINVAL);
	snprintf(a.v[0].name, sizeof(a.v[0].name), "new");
	assert_int_equal(seendb_save(dir, &a), -EINVAL);	/* twice */
	snprintf(a.v[0].name, sizeof(a.v[0].name), "spam");
	rangeset_add(&a.v[0].first[0], 0, 0, 1);	/* not normal */
	assert_int_equal(seendb_save(dir, &a), -EINVAL);
	assert_only_file(dir, old, len);
	free(old);
	seendb_free(&a);
}

/*
 * More than MAX_LIST_ENTRIES ranges of times in a family: each run of
 * the list's addresses gets the latest time inside it, so the record
 * stays within what load accepts.
 */
static void test_update_coarsen(void **ctx)
{
	const char *const p[] = { "10.0.0.0/8", "11.0.0.0/8", NULL };
	const char *const q[] = { "10.0.0.0/8", "12.0.0.0/8", NULL };
	struct seendb db;
	struct seen_list *l;
	struct rangeset *s;
	uint8_t *buf;
	size_t len;

	(void)ctx;
	seendb_init(&db);
	l = upd(&db, "big", p, 3);
	s = &l->first[0];
	rangeset_clear(s);
	/* 10.x: single addresses of alternating times, then one range */
	for (uint32_t i = 0; i <= MAX_LIST_ENTRIES; i++)
		rangeset_add(s, 0x0a000000 + i, 0x0a000000 + i, 5 + (i & 1));
	rangeset_add(s, 0x0a000000 + MAX_LIST_ENTRIES + 1, 0x0affffff, 2);
	rangeset_add(s, 0x0b000000, 0x0bffffff, 1);
	rangeset_normalize(s);
	assert_true(s->n > MAX_LIST_ENTRIES);
	l = upd(&db, "big", q, 4);
	assert_int_equal(s->n, 2);
	assert_int_equal(time_at(l, "10.0.0.0"), 6);	/* the latest */
	assert_int_equal(time_at(l, "10.255.255.255"), 6);
	assert_int_equal(time_at(l, "11.0.0.0"), -1);
	assert_int_equal(time_at(l, "12.0.0.0"), 4);
	check_list(l);
	assert_int_equal(seendb_save(dir, &db), 0);
	seendb_encode(&db, &buf, &len);
	decode_or_same(buf, len);
	free(buf);
	seendb_free(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_new),
		cmocka_unit_test(test_update_kept_forgotten),
		cmocka_unit_test(test_update_grow_shrink),
		cmocka_unit_test(test_update_relisted),
		cmocka_unit_test(test_update_cur_untouched),
		cmocka_unit_test(test_update_lists_independent),
		cmocka_unit_test(test_update_model),
		cmocka_unit_test_setup_teardown(test_update_bad_name, setup,
						teardown),
		cmocka_unit_test(test_retain),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_flip_each_byte),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test_setup_teardown(test_save_load, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_save_readonly, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_update_coarsen, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
