// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - the applied-generation record (see state.h).
 *
 * Layout, little-endian: "NFTBLKS1" | u32 version | u32 dirs | u64 fp |
 * u32 genid | u32 reserved | u64 count[4] | ranges | u32 crc32 of all the
 * preceding bytes.  An IPv4 range is lo, hi, tag as three u32; an IPv6
 * range is lo, hi as 16 bytes each (big-endian) and a u32 tag.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "state.h"
#include "util.h"
#include "xmalloc.h"

#define STATE_MAGIC	"NFTBLKS1"
#define STATE_VERSION	1u
#define HDR_BYTES	(8 + 4 + 4 + 8 + 4 + 4 + 4 * 8)

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

static void w_u64(struct wbuf *w, uint64_t v)
{
	w_u32(w, (uint32_t)v);
	w_u32(w, (uint32_t)(v >> 32));
}

static void w_addr(struct wbuf *w, int family, u128 a)
{
	uint8_t b[16];

	if (family == 4) {
		w_u32(w, (uint32_t)a);
		return;
	}
	for (int i = 0; i < 16; i++)
		b[15 - i] = (uint8_t)(a >> (8 * i));
	w_bytes(w, b, 16);
}

static const struct rangeset *set_of(const struct nft_gen *g, int i)
{
	return i < 2 ? &g->map[i] : &g->allow[i - 2];
}

static void encode(const struct state *st, struct wbuf *w)
{
	w_bytes(w, STATE_MAGIC, 8);
	w_u32(w, STATE_VERSION);
	w_u32(w, st->gen.dirs);
	w_u64(w, st->fp);
	w_u32(w, st->genid);
	w_u32(w, 0);
	for (int i = 0; i < 4; i++)
		w_u64(w, set_of(&st->gen, i)->n);
	for (int i = 0; i < 4; i++) {
		const struct rangeset *s = set_of(&st->gen, i);

		for (size_t k = 0; k < s->n; k++) {
			w_addr(w, s->family, s->v[k].lo);
			w_addr(w, s->family, s->v[k].hi);
			w_u32(w, s->v[k].tag);
		}
	}
	w_u32(w, (uint32_t)crc32(0, w->p, (uInt)w->len));
}

void state_encode(const struct state *st, uint8_t **buf, size_t *len)
{
	struct wbuf w = { 0 };

	encode(st, &w);
	*buf = w.p;
	*len = w.len;
}

int state_save(const char *dir, const struct state *st)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	state_encode(st, &buf, &len);
	ret = util_write_file_atomic(dir, STATE_FILE, buf, len, 0600);
	free(buf);
	return ret;
}

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

static uint64_t r_u64(struct rbuf *r)
{
	uint64_t lo = r_u32(r);

	return lo | (uint64_t)r_u32(r) << 32;
}

static u128 r_addr(struct rbuf *r, int family)
{
	u128 a = 0;

	if (family == 4)
		return r_u32(r);
	for (int i = 0; i < 16; i++)
		a = a << 8 | r->p[r->pos + (size_t)i];
	r->pos += 16;
	return a;
}

/* Sizes first: every count is bounded and the file length must match. */
static int decode_header(struct rbuf *r, struct state *st, uint64_t n[4])
{
	size_t need = HDR_BYTES + 4;

	if (r->len < need || memcmp(r->p, STATE_MAGIC, 8))
		return -EBADMSG;
	if (crc32(0, r->p, (uInt)(r->len - 4)) !=
	    (r->p[r->len - 4] | (uLong)r->p[r->len - 3] << 8 |
	     (uLong)r->p[r->len - 2] << 16 | (uLong)r->p[r->len - 1] << 24))
		return -EBADMSG;
	r->pos = 8;
	if (r_u32(r) != STATE_VERSION)
		return -EBADMSG;
	st->gen.dirs = r_u32(r);
	st->fp = r_u64(r);
	st->genid = r_u32(r);
	if (r_u32(r) != 0)	/* reserved: written as 0 */
		return -EBADMSG;
	for (int i = 0; i < 4; i++) {
		n[i] = r_u64(r);
		if (n[i] > MAX_STATE_RANGES)
			return -EBADMSG;
		need += (size_t)n[i] * (i % 2 ? 36 : 12);
	}
	return need == r->len && st->gen.dirs <= 7 ? 0 : -EBADMSG;
}

static int decode(struct rbuf *r, struct state *st)
{
	uint64_t n[4];
	int ret = decode_header(r, st, n);

	if (ret)
		return ret;
	for (int i = 0; i < 4; i++) {
		struct rangeset *s = (struct rangeset *)set_of(&st->gen, i);

		for (uint64_t k = 0; k < n[i]; k++) {
			u128 lo = r_addr(r, s->family);
			u128 hi = r_addr(r, s->family);
			uint32_t tag = r_u32(r);

			if (lo > hi || hi > cidr_max(s->family))
				return -EBADMSG;
			rangeset_add(s, lo, hi, tag);
		}
		if (!rangeset_is_normal(s))
			return -EBADMSG;
	}
	return 0;
}

int state_decode(const void *buf, size_t len, struct state *st)
{
	struct rbuf r = { buf, len, 0 };
	int ret;

	memset(st, 0, sizeof(*st));
	nft_gen_init(&st->gen);
	ret = decode(&r, st);
	if (ret) {
		nft_gen_free(&st->gen);
		nft_gen_init(&st->gen);
	}
	return ret;
}

int state_load(const char *dir, struct state *st)
{
	char path[PATH_MAX];
	char *buf;
	size_t len;
	int ret;

	memset(st, 0, sizeof(*st));
	nft_gen_init(&st->gen);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	ret = util_read_file(path, MAX_STATE_BYTES, false, &buf, &len);
	if (ret)
		return ret == -EFBIG ? -EBADMSG : ret;
	ret = state_decode(buf, len, st);
	free(buf);
	return ret;
}

int state_lock(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, STATE_LOCK) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	/* read-only: an existing lock file works on a read-only mount too */
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX))
		if (errno != EINTR) {
			int ret = -errno;

			close(fd);
			return ret;
		}
	return fd;
}

int state_remove(const char *dir)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	return unlink(path) && errno != ENOENT ? -errno : 0;
}

void state_free(struct state *st)
{
	if (st)
		nft_gen_free(&st->gen);
}
