// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - the applied-generation record (see state.h).
 *
 * Layout, little-endian: "NFTBLKS1" | u32 version | u32 dirs | u64 fp |
 * u32 genid | u32 permit_dirs | u64 count[NSETS] | policy | ranges | u32
 * crc32 of all the preceding bytes.  The sets, in order: map4, map6,
 * allow4, allow6, permit4, permit6, deny4, deny6.  An IPv4 range is lo,
 * hi, tag as three u32; an IPv6 range is lo, hi as 16 bytes each
 * (big-endian) and a u32 tag.  policy: u32 flags (1 log on, 2 early) |
 * u32 nports | nports x (u32 proto, lo, hi) | u32 log rate, per, burst,
 * level | u32 prefix length | the prefix bytes.
 * Version 3 adds, after the ranges, the lists: u32 nlists | per list: u32
 * name length | name | u32 protos | u32 nports | nports x (u32 proto, lo,
 * hi) | u64 count4 | u64 count6 | ranges as above (tag: lapse time).
 * Version 2 (no lists) is still read.  Version 1 (before the policy) is
 * refused as corrupt: the next apply is then a full replace.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "state.h"
#include "util.h"
#include "xmalloc.h"

#define STATE_MAGIC	"NFTBLKS1"
#define STATE_VERSION	3u
#define NSETS		8
#define HDR_BYTES	(8 + 4 + 4 + 8 + 4 + 4 + NSETS * 8)
#define FLAG_LOG	1u
#define FLAG_EARLY	2u

/* Bytes of state_save_start()'s buffer: a world state is ~4 MB. */
#define STREAM_BYTES	(64u << 10)
/* Ranges per reservation: 36-byte IPv6 records fit STREAM_BYTES. */
#define RANGE_CHUNK	1024u
/* From this size on decode() uses a second thread (a world is ~4 MB). */
#define PAR_DECODE_BYTES	(1u << 20)

/* Encoder output: in memory, or (stream) written to fd whenever full. */
struct wbuf {
	uint8_t *p;
	size_t len, cap;
	bool stream;
	int fd, err;
	uint32_t crc;		/* stream: of the bytes after the header */
	size_t out;		/* stream: bytes written to fd */
	atomic_bool *stop;	/* stream: set to give up (state_save_cancel) */
};

static uint8_t *w_room(struct wbuf *w, size_t n);

static void w_bytes(struct wbuf *w, const void *p, size_t n)
{
	memcpy(w_room(w, n), p, n);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static uint32_t get_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static void w_u32(struct wbuf *w, uint32_t v)
{
	put_le32(w_room(w, 4), v);
}

static void w_u64(struct wbuf *w, uint64_t v)
{
	w_u32(w, (uint32_t)v);
	w_u32(w, (uint32_t)(v >> 32));
}

static const struct rangeset *set_of(const struct nft_gen *g, int i)
{
	switch (i / 2) {
	case 0:
		return &g->map[i % 2];
	case 1:
		return &g->allow[i % 2];
	case 2:
		return &g->permit[i % 2];
	default:
		return &g->deny[i % 2];
	}
}

/* Stream w's bytes to its fd; the header's are left out of the CRC (its
 * fingerprint and ruleset generation are written last). */
static void w_flush(struct wbuf *w)
{
	size_t skip = w->out < HDR_BYTES ? HDR_BYTES - w->out : 0;

	if (skip > w->len)
		skip = w->len;
	w->crc = (uint32_t)crc32(w->crc, w->p + skip, (uInt)(w->len - skip));
	if (!w->err && atomic_load(w->stop))
		w->err = -ECANCELED;
	if (!w->err)
		w->err = util_write_all(w->fd, w->p, w->len);
	w->out += w->len;
	w->len = 0;
}

/* Room for n more bytes at the end of w; returns where they go. */
static uint8_t *w_room(struct wbuf *w, size_t n)
{
	uint8_t *p;

	if (w->stream && w->len + n > w->cap)
		w_flush(w);
	if (w->len + n > w->cap)	/* encode() sizes it: rarely taken */
		w->p = xgrow(w->p, &w->cap, w->len + n, 1);
	p = w->p + w->len;
	w->len += n;
	return p;
}

/* A world map is ~200k ranges: one reservation and plain stores per
 * record, not a size check per field. */
static void encode_ranges(struct wbuf *w, const struct rangeset *s)
{
	size_t rec = s->family == 4 ? 12 : 36;
	uint8_t *p = NULL;

	for (size_t k = 0; k < s->n; k++, p += rec) {
		const struct range *r = &s->v[k];

		if (k % RANGE_CHUNK == 0)
			p = w_room(w, rec * (s->n - k < RANGE_CHUNK ?
					     s->n - k : RANGE_CHUNK));

		if (s->family == 4) {
			put_le32(p, (uint32_t)r->lo);
			put_le32(p + 4, (uint32_t)r->hi);
		} else {
			util_put_be128(p, r->lo);
			util_put_be128(p + 16, r->hi);
		}
		put_le32(p + rec - 4, r->tag);
	}
}

static void encode_ports(struct wbuf *w, const struct nft_port *p, size_t n)
{
	w_u32(w, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		w_u32(w, p[i].proto);
		w_u32(w, p[i].lo);
		w_u32(w, p[i].hi);
	}
}

static void encode_policy(const struct nft_gen *g, struct wbuf *w)
{
	size_t pl = strlen(g->log.prefix);

	w_u32(w, (g->log.on ? FLAG_LOG : 0) | (g->early ? FLAG_EARLY : 0));
	encode_ports(w, g->ports, g->nports);
	w_u32(w, g->log.rate);
	w_u32(w, g->log.per);
	w_u32(w, g->log.burst);
	w_u32(w, g->log.level);
	w_u32(w, (uint32_t)pl);
	w_bytes(w, g->log.prefix, pl);
}


static void encode_lists(const struct nft_gen *g, struct wbuf *w)
{
	w_u32(w, (uint32_t)g->nlists);
	for (size_t k = 0; k < g->nlists; k++) {
		const struct nft_list *l = &g->lists[k];
		size_t nl = strlen(l->name);

		w_u32(w, (uint32_t)nl);
		w_bytes(w, l->name, nl);
		w_u32(w, l->protos);
		encode_ports(w, l->ports, l->nports);
		w_u64(w, l->set[0].n);
		w_u64(w, l->set[1].n);
		encode_ranges(w, &l->set[0]);
		encode_ranges(w, &l->set[1]);
	}
}

/* The fixed header: exactly HDR_BYTES. */
static void encode_header(const struct state *st, struct wbuf *w)
{
	w_bytes(w, STATE_MAGIC, 8);
	w_u32(w, STATE_VERSION);
	w_u32(w, st->gen.dirs);
	w_u64(w, st->fp);
	w_u32(w, st->genid);
	w_u32(w, st->gen.permit_dirs);
	for (int i = 0; i < NSETS; i++)
		w_u64(w, set_of(&st->gen, i)->n);
}

/* Everything but the CRC trailer. */
static void encode_body(const struct state *st, struct wbuf *w)
{
	encode_header(st, w);
	encode_policy(&st->gen, w);
	for (int i = 0; i < NSETS; i++)
		encode_ranges(w, set_of(&st->gen, i));
	encode_lists(&st->gen, w);
}

static void encode(const struct state *st, struct wbuf *w)
{
	size_t est = HDR_BYTES + 64 + MAX_LOG_PREFIX_BYTES +
		     MAX_CONF_PORTS * 12;

	/* one allocation of the final size: no growth, no copies (a world
	 * map is ~10 MB; doubling would hold twice that for a moment) */
	for (int i = 0; i < NSETS; i++)
		est += set_of(&st->gen, i)->n * (i % 2 ? 36 : 12);
	for (size_t k = 0; k < st->gen.nlists; k++)
		est += 32 + MAX_LIST_NAME + MAX_CONF_PORTS * 12 +
		       st->gen.lists[k].set[0].n * 12 +
		       st->gen.lists[k].set[1].n * 36;
	w->p = xgrow(w->p, &w->cap, est, 1);
	encode_body(st, w);
	w_u32(w, (uint32_t)crc32(0, w->p, (uInt)w->len));
}

void state_encode(const struct state *st, uint8_t **buf, size_t *len)
{
	struct wbuf w = { 0 };

	encode(st, &w);
	*buf = w.p;
	*len = w.len;
}

int state_save_as(const char *dir, const char *name, const struct state *st)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	state_encode(st, &buf, &len);
	ret = util_write_file_atomic(dir, name, buf, len, 0600);
	free(buf);
	return ret;
}

int state_save(const char *dir, const struct state *st)
{
	return state_save_as(dir, STATE_FILE, st);
}

struct state_save {
	pthread_t thread;
	struct state st;	/* fp and genid: 0 until finish */
	struct wbuf w;
	atomic_bool stop;
	char dir[PATH_MAX], tmp[PATH_MAX];
};

static void *save_thread(void *arg)
{
	struct state_save *s = arg;

	encode_body(&s->st, &s->w);
	w_flush(&s->w);
	/* the bulk goes to the disk during the commit: finish then syncs
	 * only the header's page */
	if (!s->w.err && fdatasync(s->w.fd))
		s->w.err = -errno;
	return NULL;
}

/*
 * Remove temporaries of STATE_FILE that a killed run left in dir: the
 * caller holds the state lock, so no other writer is at work, and each
 * is as large as the state (~4 MB for a world).
 */
static void remove_stale(const char *dir)
{
	static const char prefix[] = "." STATE_FILE ".";
	struct dirent *e;
	DIR *d = opendir(dir);
	int fd;

	if (!d)
		return;
	fd = dirfd(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, sizeof(prefix) - 1))
			unlinkat(fd, e->d_name, 0);
	closedir(d);
}

int state_save_start(const char *dir, const struct nft_gen *g,
		     struct state_save **out)
{
	struct state_save *s;
	int fd, ret;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	remove_stale(dir);
	s = xcalloc(1, sizeof(*s));
	if ((size_t)snprintf(s->dir, sizeof(s->dir), "%s", dir) >=
	    sizeof(s->dir)) {
		free(s);
		return -ENAMETOOLONG;
	}
	fd = util_tmp_open(dir, STATE_FILE, s->tmp);
	if (fd < 0) {
		free(s);
		return fd;
	}
	s->st.gen = *g;
	atomic_init(&s->stop, false);
	s->w = (struct wbuf){ .p = xmalloc(STREAM_BYTES), .cap = STREAM_BYTES,
			      .stream = true, .fd = fd, .stop = &s->stop };
	ret = -pthread_create(&s->thread, NULL, save_thread, s);
	if (ret) {
		util_tmp_commit(fd, s->tmp, dir, STATE_FILE, 0600, ret);
		free(s->w.p);
		free(s);
		return ret;
	}
	*out = s;
	return 0;
}

/* Wait for the writer; then the header, the CRC and the rename (ret 0)
 * or the temporary's removal. */
static int save_end(struct state_save *s, int ret)
{
	uint8_t trailer[4];
	struct wbuf h = { 0 };

	pthread_join(s->thread, NULL);
	if (!ret)
		ret = s->w.err;
	if (!ret) {
		encode_header(&s->st, &h);
		put_le32(trailer, (uint32_t)crc32_combine(
			crc32(0, h.p, HDR_BYTES), s->w.crc,
			(z_off_t)(s->w.out - HDR_BYTES)));
		errno = 0;
		if (pwrite(s->w.fd, h.p, HDR_BYTES, 0) != HDR_BYTES ||
		    pwrite(s->w.fd, trailer, 4, (off_t)s->w.out) != 4)
			ret = errno ? -errno : -EIO;
		free(h.p);
	}
	ret = util_tmp_commit(s->w.fd, s->tmp, s->dir, STATE_FILE, 0600, ret);
	free(s->w.p);
	free(s);
	return ret;
}

int state_save_finish(struct state_save *s, uint64_t fp, uint32_t genid)
{
	s->st.fp = fp;
	s->st.genid = genid;
	return save_end(s, 0);
}

void state_save_cancel(struct state_save *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	save_end(s, -ECANCELED);
}

struct rbuf {
	const uint8_t *p;
	size_t len, pos;
};

static uint32_t r_u32(struct rbuf *r)
{
	r->pos += 4;
	return get_le32(r->p + r->pos - 4);
}

static uint64_t r_u64(struct rbuf *r)
{
	uint64_t lo = r_u32(r);

	return lo | (uint64_t)r_u32(r) << 32;
}

/* Are n more bytes there before the CRC trailer? */
static bool r_has(const struct rbuf *r, size_t n)
{
	return r->pos <= r->len - 4 && n <= r->len - 4 - r->pos;
}

/* Ports as conf.c checks them. */
static int decode_ports(struct rbuf *r, struct nft_port *ports, size_t *np)
{
	uint32_t n;

	if (!r_has(r, 4))
		return -EBADMSG;
	n = r_u32(r);
	if (n > MAX_CONF_PORTS || !r_has(r, (size_t)n * 12))
		return -EBADMSG;
	for (*np = 0; *np < n; (*np)++) {
		uint32_t proto = r_u32(r), lo = r_u32(r), hi = r_u32(r);

		if ((proto != 6 && proto != 17) || lo == 0 || hi < lo ||
		    hi > 65535)
			return -EBADMSG;
		ports[*np] = (struct nft_port){ (uint8_t)proto, (uint16_t)lo,
						(uint16_t)hi };
	}
	return 0;
}

/* The [log] and ports part; every value checked as conf.c checks it. */
static int decode_policy(struct rbuf *r, struct nft_gen *g)
{
	uint32_t flags, n, pl;

	if (!r_has(r, 8))
		return -EBADMSG;
	flags = r_u32(r);
	n = r_u32(r);
	if (flags & ~(FLAG_LOG | FLAG_EARLY) || n > MAX_CONF_PORTS ||
	    !r_has(r, (size_t)n * 12 + 20))
		return -EBADMSG;
	g->log.on = flags & FLAG_LOG;
	g->early = flags & FLAG_EARLY;
	r->pos -= 4;	/* the port count again */
	if (decode_ports(r, g->ports, &g->nports))
		return -EBADMSG;
	g->log.rate = r_u32(r);
	g->log.per = r_u32(r);
	g->log.burst = r_u32(r);
	g->log.level = r_u32(r);
	pl = r_u32(r);
	if (pl > MAX_LOG_PREFIX_BYTES || !r_has(r, pl) || g->log.level > 7 ||
	    g->log.rate > MAX_LOG_RATE || g->log.burst > MAX_LOG_BURST ||
	    g->log.per > 86400 || (g->log.on && (!g->log.rate ||
	    !g->log.per || !g->log.burst)))
		return -EBADMSG;
	for (uint32_t i = 0; i < pl; i++) {
		char c = (char)r->p[r->pos++];

		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
			return -EBADMSG;
		g->log.prefix[i] = c;
	}
	g->log.prefix[pl] = '\0';
	return 0;
}

/*
 * n records of family (a constant where it is inlined: IPv4 then compares
 * 32-bit values) from p, appended to s with the checks of
 * rangeset_is_normal made record by record: a world map is ~200k ranges.
 */
static inline __attribute__((always_inline)) int
decode_recs(const uint8_t *p, uint64_t n, struct rangeset *s, int family)
{
	size_t rec = family == 4 ? 12 : 36;
	u128 max = cidr_max(family);

	for (uint64_t k = 0; k < n; k++, p += rec) {
		const struct range *prev = s->n ? &s->v[s->n - 1] : NULL;
		struct range c;

		c.lo = family == 4 ? get_le32(p) : util_get_be128(p);
		c.hi = family == 4 ? get_le32(p + 4) : util_get_be128(p + 16);
		c.tag = get_le32(p + rec - 4);
		if (c.lo > c.hi || c.hi > max)
			return -EBADMSG;
		if (prev && prev->tag >= c.tag &&
		    (prev->tag > c.tag || prev->hi == max ||
		     c.lo <= prev->hi + 1))
			return -EBADMSG;
		s->v[s->n++] = c;
	}
	return 0;
}

/* n ranges of s's family into s, which must come out normal. */
static int decode_ranges(struct rbuf *r, uint64_t n, struct rangeset *s)
{
	size_t rec = s->family == 4 ? 12 : 36;
	const uint8_t *p = r->p + r->pos;

	if (n > MAX_STATE_RANGES || !r_has(r, (size_t)n * rec))
		return -EBADMSG;
	/* the exact size at once: growing by doubling would copy a world
	 * map and touch twice its pages */
	if (s->n + n > s->cap) {
		s->cap = s->n + (size_t)n;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	r->pos += (size_t)n * rec;
	return s->family == 4 ? decode_recs(p, n, s, 4) :
				decode_recs(p, n, s, 6);
}

static int decode_list(struct rbuf *r, struct nft_list *l)
{
	uint32_t nl;
	uint64_t n4, n6;

	if (!r_has(r, 4))
		return -EBADMSG;
	nl = r_u32(r);
	if (!nl || nl > MAX_LIST_NAME || !r_has(r, (size_t)nl + 4))
		return -EBADMSG;
	for (uint32_t i = 0; i < nl; i++) {
		char c = (char)r->p[r->pos++];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return -EBADMSG;
		l->name[i] = c;
	}
	l->name[nl] = '\0';
	l->protos = r_u32(r);
	if (l->protos & ~(NFT_PROTO_TCP | NFT_PROTO_UDP | NFT_PROTO_ICMP) ||
	    decode_ports(r, l->ports, &l->nports) || !r_has(r, 16))
		return -EBADMSG;
	n4 = r_u64(r);
	n6 = r_u64(r);
	if (decode_ranges(r, n4, &l->set[0]) ||
	    decode_ranges(r, n6, &l->set[1]))
		return -EBADMSG;
	return 0;
}

static int decode_lists(struct rbuf *r, struct nft_gen *g)
{
	uint32_t n;

	if (!r_has(r, 4))
		return -EBADMSG;
	n = r_u32(r);
	if (n > MAX_LISTS)
		return -EBADMSG;
	for (g->nlists = 0; g->nlists < n; g->nlists++)
		if (decode_list(r, &g->lists[g->nlists]))
			return -EBADMSG;
	return r->pos == r->len - 4 ? 0 : -EBADMSG;
}

/* Sizes first: every count is bounded and the file length must match. */
static int decode_header(struct rbuf *r, struct state *st, uint64_t n[NSETS],
			 uint32_t *version)
{
	size_t need = 4;
	int ret;

	if (r->len < HDR_BYTES + 4 || memcmp(r->p, STATE_MAGIC, 8))
		return -EBADMSG;
	r->pos = 8;
	*version = r_u32(r);
	if (*version != 2 && *version != STATE_VERSION)
		return -EBADMSG;
	st->gen.dirs = r_u32(r);
	st->fp = r_u64(r);
	st->genid = r_u32(r);
	st->gen.permit_dirs = r_u32(r);
	for (int i = 0; i < NSETS; i++) {
		n[i] = r_u64(r);
		if (n[i] > MAX_STATE_RANGES)
			return -EBADMSG;
		need += (size_t)n[i] * (i % 2 ? 36 : 12);
	}
	ret = decode_policy(r, &st->gen);
	if (ret)
		return ret;
	need += r->pos;
	/* version 3: the lists follow the ranges */
	return (need == r->len || (*version > 2 && need < r->len)) &&
	       st->gen.dirs <= 7 &&
	       st->gen.permit_dirs <= 7 ? 0 : -EBADMSG;
}

static bool crc_ok(const struct rbuf *r)
{
	return crc32(0, r->p, (uInt)(r->len - 4)) == get_le32(r->p + r->len - 4);
}

/* The helper of a large decode: the CRC, then the IPv6 map. */
struct dec_job {
	struct rbuf r;		/* positioned at the IPv6 map */
	uint64_t n;
	struct rangeset *s;
	int ret;
};

static void *dec_thread(void *arg)
{
	struct dec_job *j = arg;

	j->ret = crc_ok(&j->r) ? decode_ranges(&j->r, j->n, j->s) : -EBADMSG;
	return NULL;
}

/*
 * A world's state is ~4 MB: from PAR_DECODE_BYTES on, a second thread
 * checks the CRC and decodes the IPv6 map while this one decodes the rest
 * (about half the time on two cores).  Any error of either is -EBADMSG.
 */
static int decode(struct rbuf *r, struct state *st)
{
	struct dec_job j = { .r = *r };
	uint64_t n[NSETS];
	uint32_t version;
	pthread_t th;
	bool par;
	int ret = decode_header(r, st, n, &version);

	if (ret)
		return ret;
	par = r->len >= PAR_DECODE_BYTES;
	if (par) {
		j.r.pos = r->pos + (size_t)n[0] * 12;
		j.n = n[1];
		j.s = &st->gen.map[1];
		par = !pthread_create(&th, NULL, dec_thread, &j);
	}
	if (!par && !crc_ok(r))
		return -EBADMSG;
	for (int i = 0; i < NSETS && !ret; i++) {
		if (par && i == 1)	/* the helper's */
			r->pos += (size_t)n[1] * 36;
		else
			ret = decode_ranges(r, n[i],
					    (struct rangeset *)set_of(&st->gen, i));
	}
	if (!ret && version > 2)
		ret = decode_lists(r, &st->gen);
	if (par) {
		pthread_join(th, NULL);
		if (!ret)
			ret = j.ret;
	}
	return ret ? -EBADMSG : 0;
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
	return state_load_from(dir, STATE_FILE, st);
}

/*
 * The file mapped, not read: a world's state is ~4 MB, which read() would
 * copy into as much fresh memory (zeroed page by page) for one pass.  Our
 * files are replaced by rename, never rewritten in place, so the mapped
 * inode does not shrink under us.
 */
static int decode_file(const char *path, struct state *st)
{
	struct stat sb;
	void *p;
	int fd, ret;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = fstat(fd, &sb) ? -errno : 0;
	if (!ret && !S_ISREG(sb.st_mode))
		ret = -EINVAL;
	if (ret)
		goto out;
	ret = -EBADMSG;
	if (sb.st_size < HDR_BYTES + 4 || (uint64_t)sb.st_size > MAX_STATE_BYTES)
		goto out;
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		 fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	ret = state_decode(p, (size_t)sb.st_size, st);
	munmap(p, (size_t)sb.st_size);
out:
	close(fd);
	return ret;
}

int state_load_from(const char *dir, const char *name, struct state *st)
{
	char path[PATH_MAX];

	memset(st, 0, sizeof(*st));
	nft_gen_init(&st->gen);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	return decode_file(path, st);
}

int state_lock(const char *dir)
{
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	return util_lock(dir, STATE_LOCK, true, 0600);
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
