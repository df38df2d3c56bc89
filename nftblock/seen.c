// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seen.c - first-seen records of the named block lists (see seen.h for
 * the file layout).
 *
 * The checksum is zlib's crc32(), as state.c uses it: there is no CRC
 * helper of our own to share.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "seen.h"
#include "util.h"
#include "xmalloc.h"

#define SEEN_MAGIC	"NFBSEEN1"
#define SEEN_VERSION	1u
#define HDR_BYTES	(8 + 4 + 4)

static int family_of(int f)
{
	return f ? 6 : 4;
}

/* Bytes of one (lo, hi, time) record. */
static size_t rec_bytes(int family)
{
	return family == 4 ? 4 + 4 + 4 : 16 + 16 + 4;
}

/* A list name: 1..MAX_LIST_NAME of [a-z0-9_-]. */
static bool name_ok(const char *s, size_t len)
{
	if (len < 1 || len > MAX_LIST_NAME)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

/* No address has two first-seen times: ranges of different tags (which a
 * normal set allows to overlap) must not overlap here. */
static bool times_disjoint(const struct rangeset *s)
{
	struct range *v;
	bool ok = true;

	if (s->n < 2)
		return true;
	v = xreallocarray(NULL, s->n, sizeof(*v));
	memcpy(v, s->v, s->n * sizeof(*v));
	range_sort_by_lo(v, s->n);
	for (size_t i = 1; i < s->n && ok; i++)
		ok = v[i].lo > v[i - 1].hi;
	free(v);
	return ok;
}

static bool set_ok(const struct rangeset *s, int family)
{
	return s->family == family && rangeset_is_normal(s) &&
	       times_disjoint(s);
}

void seendb_init(struct seendb *db)
{
	db->v = NULL;
	db->n = 0;
}

void seendb_free(struct seendb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++)
		for (int f = 0; f < 2; f++)
			rangeset_free(&db->v[i].first[f]);
	free(db->v);
	seendb_init(db);
}

struct seen_list *seendb_find(struct seendb *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (!strcmp(db->v[i].name, name))
			return &db->v[i];
	return NULL;
}

/* Append an empty list; name[0..len) is valid and db->n < MAX_LISTS. */
static struct seen_list *list_new(struct seendb *db, const char *name,
				  size_t len)
{
	struct seen_list *l;

	db->v = xreallocarray(db->v, db->n + 1, sizeof(*db->v));
	l = &db->v[db->n++];
	memcpy(l->name, name, len);
	l->name[len] = '\0';
	for (int f = 0; f < 2; f++)
		rangeset_init(&l->first[f], family_of(f));
	return l;
}

/* What seendb_load would refuse, checked before writing: -EINVAL or
 * -EFBIG (the limits). */
static int db_check(const struct seendb *db)
{
	if (db->n > MAX_LISTS)
		return -EFBIG;
	for (size_t i = 0; i < db->n; i++) {
		const struct seen_list *l = &db->v[i];
		size_t len = strnlen(l->name, sizeof(l->name));

		if (!name_ok(l->name, len))
			return -EINVAL;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(db->v[k].name, l->name))
				return -EINVAL;
		for (int f = 0; f < 2; f++) {
			if (l->first[f].n > MAX_LIST_ENTRIES)
				return -EFBIG;
			if (!set_ok(&l->first[f], family_of(f)))
				return -EINVAL;
		}
	}
	return 0;
}

/* Encoding. */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

static void w_bytes(struct wbuf *w, const void *p, size_t n)
{
	w->p = xgrow(w->p, &w->cap, w->len + n, 1);
	memcpy(w->p + w->len, p, n);
	w->len += n;
}

static void w_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	w_bytes(w, b, 4);
}

/* An address in network byte order, 4 or 16 bytes. */
static void w_addr(struct wbuf *w, int family, u128 a)
{
	uint8_t b[16];
	int n = family == 4 ? 4 : 16;

	for (int i = 0; i < n; i++)
		b[n - 1 - i] = (uint8_t)(a >> (8 * i));
	w_bytes(w, b, (size_t)n);
}

static void encode_list(struct wbuf *w, const struct seen_list *l)
{
	size_t len = strnlen(l->name, sizeof(l->name));
	uint8_t nl = (uint8_t)len;

	w_bytes(w, &nl, 1);
	w_bytes(w, l->name, len);
	for (int f = 0; f < 2; f++) {
		const struct rangeset *s = &l->first[f];
		int fam = family_of(f);

		w_u32(w, (uint32_t)s->n);
		for (size_t k = 0; k < s->n; k++) {
			w_addr(w, fam, s->v[k].lo);
			w_addr(w, fam, s->v[k].hi);
			w_u32(w, s->v[k].tag);
		}
	}
}

void seendb_encode(const struct seendb *db, uint8_t **buf, size_t *len)
{
	struct wbuf w = { 0 };
	size_t est = HDR_BYTES + 4;

	/* one allocation of the final size */
	for (size_t i = 0; i < db->n; i++)
		est += 1 + MAX_LIST_NAME + 8 + db->v[i].first[0].n *
		       rec_bytes(4) + db->v[i].first[1].n * rec_bytes(6);
	w.p = xgrow(w.p, &w.cap, est, 1);
	w_bytes(&w, SEEN_MAGIC, 8);
	w_u32(&w, SEEN_VERSION);
	w_u32(&w, (uint32_t)db->n);
	for (size_t i = 0; i < db->n; i++)
		encode_list(&w, &db->v[i]);
	w_u32(&w, (uint32_t)crc32(0, w.p, (uInt)w.len));
	*buf = w.p;
	*len = w.len;
}

/* Decoding: every count is bounded and checked against the bytes left
 * before anything is allocated for it. */

struct rbuf {
	const uint8_t *p;
	size_t len, pos;
};

static uint32_t r_u32(struct rbuf *r)
{
	const uint8_t *b = r->p + r->pos;

	r->pos += 4;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static u128 r_addr(struct rbuf *r, int family)
{
	int n = family == 4 ? 4 : 16;
	u128 a = 0;

	for (int i = 0; i < n; i++)
		a = a << 8 | r->p[r->pos + (size_t)i];
	r->pos += (size_t)n;
	return a;
}

/* Are n more bytes there before the CRC trailer? */
static bool r_has(const struct rbuf *r, size_t n)
{
	return r->pos <= r->len - 4 && n <= r->len - 4 - r->pos;
}

static int decode_set(struct rbuf *r, struct rangeset *s)
{
	uint32_t n;

	if (!r_has(r, 4))
		return -EBADMSG;
	n = r_u32(r);
	if (n > MAX_LIST_ENTRIES || !r_has(r, (size_t)n * rec_bytes(s->family)))
		return -EBADMSG;
	if (n) {
		s->v = xreallocarray(NULL, n, sizeof(*s->v));
		s->cap = n;
	}
	for (uint32_t k = 0; k < n; k++) {
		u128 lo = r_addr(r, s->family), hi = r_addr(r, s->family);
		uint32_t t = r_u32(r);

		if (lo > hi)
			return -EBADMSG;
		rangeset_add(s, lo, hi, t);
	}
	return set_ok(s, s->family) ? 0 : -EBADMSG;
}

static int decode_list(struct rbuf *r, struct seendb *db)
{
	struct seen_list *l;
	const char *name;
	size_t len;
	int ret = 0;

	if (!r_has(r, 1))
		return -EBADMSG;
	len = r->p[r->pos++];
	name = (const char *)r->p + r->pos;
	if (!r_has(r, len) || !name_ok(name, len))
		return -EBADMSG;
	r->pos += len;
	l = list_new(db, name, len);
	if (seendb_find(db, l->name) != l)
		return -EBADMSG;		/* a name twice */
	for (int f = 0; f < 2 && !ret; f++)
		ret = decode_set(r, &l->first[f]);
	return ret;
}

static int decode(struct rbuf *r, struct seendb *db)
{
	uint32_t n;
	int ret = 0;

	if (r->len < HDR_BYTES + 4 || r->len > MAX_SEEN_BYTES ||
	    memcmp(r->p, SEEN_MAGIC, 8))
		return -EBADMSG;
	if (crc32(0, r->p, (uInt)(r->len - 4)) !=
	    (r->p[r->len - 4] | (uLong)r->p[r->len - 3] << 8 |
	     (uLong)r->p[r->len - 2] << 16 | (uLong)r->p[r->len - 1] << 24))
		return -EBADMSG;
	r->pos = 8;
	if (r_u32(r) != SEEN_VERSION)
		return -EBADMSG;
	n = r_u32(r);
	if (n > MAX_LISTS)
		return -EBADMSG;
	for (uint32_t i = 0; i < n && !ret; i++)
		ret = decode_list(r, db);
	if (!ret && r->pos != r->len - 4)
		ret = -EBADMSG;			/* bytes after the last list */
	return ret;
}

int seendb_decode(const void *buf, size_t len, struct seendb *db)
{
	struct rbuf r = { buf, len, 0 };
	int ret;

	seendb_init(db);
	ret = decode(&r, db);
	if (ret)
		seendb_free(db);
	return ret;
}

int seendb_load(const char *dir, struct seendb *db)
{
	char path[PATH_MAX];
	char *buf;
	size_t len;
	int ret;

	seendb_init(db);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, SEEN_FILE) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	ret = util_read_file(path, MAX_SEEN_BYTES, false, &buf, &len);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret == -EFBIG ? -EBADMSG : ret;
	ret = seendb_decode(buf, len, db);
	free(buf);
	return ret;
}

int seendb_save(const char *dir, const struct seendb *db)
{
	uint8_t *buf;
	size_t len;
	int ret = db_check(db);

	if (ret)
		return ret;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	seendb_encode(db, &buf, &len);
	if (len > MAX_SEEN_BYTES)
		ret = -EFBIG;
	else
		ret = util_write_file_atomic(dir, SEEN_FILE, buf, len, 0600);
	free(buf);
	return ret;
}

/*
 * Too many ranges: give each maximal run of the list's addresses (flat,
 * normal, one tag) the latest time recorded inside it.  out covers flat
 * exactly, so every run holds at least one of out's ranges.
 */
static void coarsen(struct rangeset *out, const struct rangeset *flat)
{
	struct rangeset res;
	size_t j = 0;

	range_sort_by_lo(out->v, out->n);
	rangeset_init(&res, flat->family);
	for (size_t i = 0; i < flat->n; i++) {
		uint32_t t = 0;

		for (; j < out->n && out->v[j].hi <= flat->v[i].hi; j++)
			if (out->v[j].tag > t)
				t = out->v[j].tag;
		rangeset_add(&res, flat->v[i].lo, flat->v[i].hi, t);
	}
	rangeset_normalize(&res);
	rangeset_move(out, &res);
	rangeset_free(&res);
}

/* old (normal, times disjoint) becomes cur's addresses with their times. */
static void update_set(struct rangeset *old, const struct rangeset *cur,
		       int family, uint32_t now)
{
	struct rangeset flat, oldflat, kept, fresh, out;

	rangeset_init(&flat, family);
	rangeset_init(&oldflat, family);
	rangeset_copy(&flat, cur);
	flat.family = (uint8_t)family;
	rangeset_flatten(&flat, now);
	rangeset_copy(&oldflat, old);
	rangeset_flatten(&oldflat, 0);
	/* still listed: the old times; listed now, not before: now */
	rangeset_intersect(old, &flat, &kept);
	rangeset_subtract(&flat, &oldflat, &fresh);
	rangeset_union(&kept, &fresh, &out);
	if (out.n > MAX_LIST_ENTRIES)
		coarsen(&out, &flat);
	rangeset_move(old, &out);
	rangeset_free(&out);
	rangeset_free(&flat);
	rangeset_free(&oldflat);
	rangeset_free(&kept);
	rangeset_free(&fresh);
}

struct seen_list *seendb_update(struct seendb *db, const char *name,
				const struct rangeset cur[2], uint32_t now)
{
	struct seen_list *l = seendb_find(db, name);
	size_t len = strnlen(name, MAX_LIST_NAME + 1);

	if (!l) {
		if (!name_ok(name, len) || db->n >= MAX_LISTS)
			return NULL;
		l = list_new(db, name, len);
	}
	for (int f = 0; f < 2; f++)
		update_set(&l->first[f], &cur[f], family_of(f), now);
	return l;
}

void seendb_retain(struct seendb *db, const char *const *names, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < db->n; i++) {
		bool keep = false;

		for (size_t k = 0; k < n && !keep; k++)
			keep = !strcmp(names[k], db->v[i].name);
		if (keep) {
			db->v[o++] = db->v[i];
			continue;
		}
		for (int f = 0; f < 2; f++)
			rangeset_free(&db->v[i].first[f]);
	}
	db->n = o;
	if (!o) {
		free(db->v);
		db->v = NULL;
	}
}
