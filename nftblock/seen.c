// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seen.c - first-seen records of the named lists (see seen.h).
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

void seendb_init(struct seendb *db)
{
	db->v = NULL;
	db->n = 0;
}

void seendb_free(struct seendb *db)
{
	for (size_t i = 0; db && i < db->n; i++) {
		rangeset_free(&db->v[i].first[0]);
		rangeset_free(&db->v[i].first[1]);
	}
	if (db) {
		free(db->v);
		seendb_init(db);
	}
}

struct seen_list *seendb_find(struct seendb *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (!strcmp(db->v[i].name, name))
			return &db->v[i];
	return NULL;
}

static struct seen_list *add_list(struct seendb *db, const char *name)
{
	struct seen_list *l;

	db->v = xreallocarray(db->v, db->n + 1, sizeof(*db->v));
	l = &db->v[db->n++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	rangeset_init(&l->first[0], 4);
	rangeset_init(&l->first[1], 6);
	return l;
}

struct seen_list *seendb_update(struct seendb *db, const char *name,
				const struct rangeset cur[2], uint32_t now)
{
	struct seen_list *l = seendb_find(db, name);

	if (!l && db->n >= MAX_LISTS)
		return NULL;
	if (!l)
		l = add_list(db, name);
	for (int f = 0; f < 2; f++) {
		struct rangeset c, old, kept, fresh, out;

		rangeset_init(&c, f ? 6 : 4);
		rangeset_init(&old, f ? 6 : 4);
		rangeset_init(&kept, f ? 6 : 4);
		rangeset_init(&fresh, f ? 6 : 4);
		rangeset_init(&out, f ? 6 : 4);
		rangeset_copy(&c, &cur[f]);
		rangeset_flatten(&c, now);
		rangeset_copy(&old, &l->first[f]);
		rangeset_flatten(&old, 0);
		/* still listed: the old times; new: now */
		rangeset_intersect(&l->first[f], &c, &kept);
		rangeset_subtract(&c, &old, &fresh);
		rangeset_union(&kept, &fresh, &out);
		rangeset_move(&l->first[f], &out);
		rangeset_free(&c);
		rangeset_free(&old);
		rangeset_free(&kept);
		rangeset_free(&fresh);
		rangeset_free(&out);
	}
	return l;
}

void seendb_retain(struct seendb *db, const char *const *names, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < db->n; i++) {
		bool keep = false;

		for (size_t k = 0; k < n && !keep; k++)
			keep = !strcmp(db->v[i].name, names[k]);
		if (keep) {
			db->v[o++] = db->v[i];
			continue;
		}
		rangeset_free(&db->v[i].first[0]);
		rangeset_free(&db->v[i].first[1]);
	}
	db->n = o;
}

/* ---- the file ---- */

static void put_u32(uint8_t **p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		*(*p)++ = (uint8_t)(v >> (8 * i));
}

static void put_addr(uint8_t **p, int family, u128 a)
{
	if (family == 4) {
		put_u32(p, (uint32_t)a);
		return;
	}
	for (int i = 15; i >= 0; i--)
		*(*p)++ = (uint8_t)(a >> (8 * i));
}

void seendb_encode(const struct seendb *db, uint8_t **buf, size_t *len)
{
	size_t need = 8 + 4 + 4 + 4;
	uint8_t *p;

	for (size_t i = 0; i < db->n; i++)
		need += 4 + strlen(db->v[i].name) + 16 +
			db->v[i].first[0].n * 12 + db->v[i].first[1].n * 36;
	*buf = p = xmalloc(need);
	memcpy(p, SEEN_MAGIC, 8);
	p += 8;
	put_u32(&p, SEEN_VERSION);
	put_u32(&p, (uint32_t)db->n);
	for (size_t i = 0; i < db->n; i++) {
		const struct seen_list *l = &db->v[i];
		size_t nl = strlen(l->name);

		put_u32(&p, (uint32_t)nl);
		memcpy(p, l->name, nl);
		p += nl;
		for (int f = 0; f < 2; f++) {
			put_u32(&p, (uint32_t)l->first[f].n);
			put_u32(&p, 0);
		}
		for (int f = 0; f < 2; f++)
			for (size_t k = 0; k < l->first[f].n; k++) {
				put_addr(&p, f ? 6 : 4, l->first[f].v[k].lo);
				put_addr(&p, f ? 6 : 4, l->first[f].v[k].hi);
				put_u32(&p, l->first[f].v[k].tag);
			}
	}
	put_u32(&p, (uint32_t)crc32(0, *buf, (uInt)(p - *buf)));
	*len = need;
}

struct rd {
	const uint8_t *p;
	size_t len, pos;	/* len: without the CRC */
};

static bool get_u32(struct rd *r, uint32_t *v)
{
	if (r->len - r->pos < 4)
		return false;
	*v = 0;
	for (int i = 3; i >= 0; i--)
		*v = *v << 8 | r->p[r->pos + (size_t)i];
	r->pos += 4;
	return true;
}

static bool get_addr(struct rd *r, int family, u128 *a)
{
	uint32_t v;

	if (family == 4) {
		if (!get_u32(r, &v))
			return false;
		*a = v;
		return true;
	}
	if (r->len - r->pos < 16)
		return false;
	*a = 0;
	for (int i = 0; i < 16; i++)
		*a = *a << 8 | r->p[r->pos++];
	return true;
}

static int get_list(struct rd *r, struct seendb *db)
{
	uint32_t nl, n[2], hi32[2], t;
	char name[MAX_LIST_NAME + 1];
	struct seen_list *l;
	u128 lo, hi;

	if (!get_u32(r, &nl) || !nl || nl > MAX_LIST_NAME ||
	    r->len - r->pos < nl)
		return -EBADMSG;
	for (uint32_t i = 0; i < nl; i++) {
		char c = (char)r->p[r->pos++];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return -EBADMSG;
		name[i] = c;
	}
	name[nl] = '\0';
	if (seendb_find(db, name) || db->n >= MAX_LISTS)
		return -EBADMSG;
	for (int f = 0; f < 2; f++)
		if (!get_u32(r, &n[f]) || !get_u32(r, &hi32[f]) || hi32[f] ||
		    n[f] > MAX_LIST_ENTRIES ||
		    (size_t)n[f] * (f ? 36 : 12) > r->len - r->pos)
			return -EBADMSG;
	l = add_list(db, name);
	for (int f = 0; f < 2; f++) {
		for (uint32_t k = 0; k < n[f]; k++) {
			if (!get_addr(r, f ? 6 : 4, &lo) ||
			    !get_addr(r, f ? 6 : 4, &hi) || !get_u32(r, &t) ||
			    lo > hi || hi > cidr_max(f ? 6 : 4))
				return -EBADMSG;
			rangeset_add(&l->first[f], lo, hi, t);
		}
		if (!rangeset_is_normal(&l->first[f]))
			return -EBADMSG;
	}
	return 0;
}

static int decode(const uint8_t *b, size_t len, struct seendb *db)
{
	struct rd r = { b, len - 4, 8 };
	uint32_t crc = 0, v, n;

	for (int i = 3; i >= 0; i--)
		crc = crc << 8 | b[len - 4 + (size_t)i];
	if (crc != (uint32_t)crc32(0, b, (uInt)(len - 4)))
		return -EBADMSG;
	if (!get_u32(&r, &v) || v != SEEN_VERSION || !get_u32(&r, &n) ||
	    n > MAX_LISTS)
		return -EBADMSG;
	for (uint32_t i = 0; i < n; i++)
		if (get_list(&r, db))
			return -EBADMSG;
	return r.pos == r.len ? 0 : -EBADMSG;
}

int seendb_decode(const void *buf, size_t len, struct seendb *db)
{
	int ret;

	seendb_init(db);
	if (len < 8 + 4 + 4 + 4 || len > MAX_SEEN_BYTES ||
	    memcmp(buf, SEEN_MAGIC, 8))
		return -EBADMSG;
	ret = decode(buf, len, db);
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
	int ret;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	seendb_encode(db, &buf, &len);
	ret = util_write_file_atomic(dir, SEEN_FILE, buf, len, 0600);
	free(buf);
	return ret;
}
