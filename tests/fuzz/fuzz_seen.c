// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_seen.c - the first-seen file decoder (seendb_decode) and the update
 * on hostile bytes.
 *
 * Each input is decoded as it is and once more with a correct CRC-32
 * trailer, so that the fuzzer gets past the checksum.  Invariants: the
 * result is 0 or -EBADMSG; an error leaves an empty db; a success gives
 * valid names and normal, in-family sets where no address has two times,
 * and encodes back to exactly the input bytes.  Then the first list's
 * addresses are fed to seendb_update of the last list (a time taken from
 * the input), and every boundary address is checked against the rule:
 * listed and recorded before, the old time; listed and new, now; not
 * listed, absent.  The updated db must encode to a file that decodes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "seen.h"

#define CHECK_RANGES	4096	/* the pointwise check is quadratic */

static void check_set(const struct rangeset *s, int family)
{
	struct range *v;

	if (s->family != family || !rangeset_is_normal(s))
		abort();
	if (s->n < 2)
		return;
	v = malloc(s->n * sizeof(*v));
	if (!v)
		abort();
	memcpy(v, s->v, s->n * sizeof(*v));
	range_sort_by_lo(v, s->n);
	for (size_t i = 1; i < s->n; i++)
		if (v[i].lo <= v[i - 1].hi)
			abort();
	free(v);
}

static void check_db(const struct seendb *db)
{
	if (db->n > MAX_LISTS)
		abort();
	for (size_t i = 0; i < db->n; i++) {
		size_t len = strlen(db->v[i].name);

		if (len < 1 || len > MAX_LIST_NAME ||
		    strspn(db->v[i].name, "abcdefghijklmnopqrstuvwxyz"
			   "0123456789_-") != len)
			abort();
		for (int f = 0; f < 2; f++)
			check_set(&db->v[i].first[f], f ? 6 : 4);
	}
}

/* The time of a in s, or -1; s's ranges do not overlap. */
static int64_t time_in(const struct rangeset *s, u128 a)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].lo <= a && a <= s->v[i].hi)
			return s->v[i].tag;
	return -1;
}

static void check_point(const struct rangeset *cur,
			const struct rangeset *old,
			const struct rangeset *res, u128 a, uint32_t now)
{
	int64_t want = -1;

	if (time_in(cur, a) >= 0)
		want = time_in(old, a) >= 0 ? time_in(old, a) : now;
	if (time_in(res, a) != want)
		abort();
}

/* Every range edge of the three sets, and the addresses either side. */
static void check_update(const struct rangeset *cur,
			 const struct rangeset *old,
			 const struct rangeset *res, uint32_t now)
{
	const struct rangeset *all[3] = { cur, old, res };
	u128 max = cidr_max(res->family);

	if (cur->n + old->n + res->n > CHECK_RANGES)
		return;
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < all[k]->n; i++) {
			const struct range *r = &all[k]->v[i];

			check_point(cur, old, res, r->lo, now);
			check_point(cur, old, res, r->hi, now);
			if (r->lo)
				check_point(cur, old, res, r->lo - 1, now);
			if (r->hi < max)
				check_point(cur, old, res, r->hi + 1, now);
		}
	}
}

static void update(struct seendb *db, uint32_t now)
{
	struct rangeset cur[2], old[2];
	struct seen_list *l;
	uint8_t *enc;
	size_t len;
	struct seendb back;

	for (int f = 0; f < 2; f++) {
		rangeset_init(&cur[f], f ? 6 : 4);
		rangeset_init(&old[f], f ? 6 : 4);
		rangeset_copy(&cur[f], &db->v[0].first[f]);
		rangeset_copy(&old[f], &db->v[db->n - 1].first[f]);
	}
	l = seendb_update(db, db->v[db->n - 1].name, cur, now);
	if (l != &db->v[db->n - 1])
		abort();
	for (int f = 0; f < 2; f++) {
		check_set(&l->first[f], f ? 6 : 4);
		check_update(&cur[f], &old[f], &l->first[f], now);
		rangeset_free(&cur[f]);
		rangeset_free(&old[f]);
	}
	seendb_encode(db, &enc, &len);
	if (seendb_decode(enc, len, &back))
		abort();
	seendb_free(&back);
	free(enc);
}

static void one(const uint8_t *data, size_t size)
{
	struct seendb db;
	uint8_t *enc;
	size_t len;
	int ret = seendb_decode(data, size, &db);

	if (ret != 0 && ret != -EBADMSG)
		abort();
	if (ret) {
		if (db.n || db.v)
			abort();
		seendb_free(&db);
		return;
	}
	check_db(&db);
	seendb_encode(&db, &enc, &len);
	if (len != size || memcmp(enc, data, size))
		abort();
	free(enc);
	if (db.n)
		update(&db, (uint32_t)crc32(0, data, (uInt)size) % 64);
	seendb_free(&db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;
	uint32_t crc;

	one(data, size);
	if (size < 4)
		return 0;
	fixed = malloc(size);
	if (!fixed)
		abort();
	memcpy(fixed, data, size);
	crc = (uint32_t)crc32(0, fixed, (uInt)(size - 4));
	for (int i = 0; i < 4; i++)
		fixed[size - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
	one(fixed, size);
	free(fixed);
	return 0;
}
