// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * update.c - fetch, check and cache the feeds a configuration needs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "compile.h"
#include "digest.h"
#include "feed.h"
#include "fetch.h"
#include "gate.h"
#include "gz.h"
#include "log.h"
#include "unzip.h"
#include "update.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_UNIT_FILES	(2 * MAX_FEED_URLS)	/* url and url6 lists */

/* The country a list feed's entries carry through parsing and the gates:
 * a user-assigned ISO code no country has. */
#define LIST_FEED_CC	CC_TAG('X', 'L')

struct ufile {
	char url[MAX_URL_BYTES + 1];
	char shown[MAX_URL_BYTES + 1];	/* licence key redacted */
	char key[128];			/* cache key */
	char *buf;			/* the bytes to use */
	size_t len;
	bool have_old, changed;
	struct cache_meta meta;		/* the old copy's, then the new */
};

struct unit {
	const struct conf_feed *f;
	uint32_t cc;			/* per-country unit; 0: world */
	struct ccset want;
	char key[96];
	char label[96];
	struct ufile files[MAX_UNIT_FILES];
	size_t nfiles;
	char why[MAX_ERR_BYTES * 2];
};

struct run {
	const struct conf *c;
	bool force;
	time_t now;
	FILE *out;
	bool tty;		/* progress on a terminal, quiet in scripts */
	size_t total;		/* countries asked for */
};

/* One updating line on a terminal: "fetching 3/12: ipverse CN". */
static void progress(const struct run *r, const struct unit *u, size_t done)
{
	if (!r->tty)
		return;
	if (!u) {
		fputs("\r\033[K", stderr);
		return;
	}
	fprintf(stderr, "\r\033[Kfetching %zu/%zu: %s", done, r->total,
		u->label);
}

enum ustatus { U_FETCHED, U_UNCHANGED, U_REFUSED };

static int refuse(struct unit *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int refuse(struct unit *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->why, sizeof(u->why), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void fetch_opts_of(const struct run *r, const struct unit *u,
			  struct fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ca_file = r->c->ca_file;
	o->allow_http = u->f->insecure == 1;
	o->connect_timeout = r->c->connect_timeout;
	o->timeout = r->c->timeout;
	o->low_speed_time = r->c->low_speed_time;
	o->retries = r->c->retries;
	o->retry_delay_ms = r->c->retry_delay_ms;
	o->max_bytes = (size_t)r->c->max_feed_bytes;
}

/* ---- building a unit's file list ---- */

static int add_url(const struct run *r, struct unit *u, const char *t,
		   size_t tl, int family)
{
	struct feed_vars v = { .cc = u->cc, .family = family, .now = r->now,
			       .key = u->f->licence_key };
	struct ufile *uf;
	int ret;

	if (u->nfiles == MAX_UNIT_FILES)
		return refuse(u, "more than %u URLs", MAX_UNIT_FILES);
	uf = &u->files[u->nfiles];
	memset(uf, 0, sizeof(*uf));
	ret = feed_expand(t, tl, &v, uf->url, sizeof(uf->url));
	if (ret == -EINVAL)
		return refuse(u, "URL template: %s has no value here%s",
			      uf->url, strstr(uf->url, "key") ?
			      " (set licence-key in [feed:NAME])" : "");
	v.redact = true;
	if (!ret)
		ret = feed_expand(t, tl, &v, uf->shown, sizeof(uf->shown));
	if (ret)
		return refuse(u, "URL template too long");
	snprintf(uf->key, sizeof(uf->key), "%s.%zu", u->key, u->nfiles);
	u->nfiles++;
	return 0;
}

static int add_urls(const struct run *r, struct unit *u, const char *list,
		    int family)
{
	size_t i = 0, len = list ? strlen(list) : 0;
	int ret;

	while (i < len) {
		size_t s;

		while (i < len && (list[i] == ' ' || list[i] == '\t'))
			i++;
		s = i;
		while (i < len && list[i] != ' ' && list[i] != '\t')
			i++;
		if (i == s)
			break;
		ret = add_url(r, u, list + s, i - s, family);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- downloading ---- */

/* Check new bytes against the feed's checksum file. */
static int verify_checksum(const struct run *r, struct unit *u,
			   const struct ufile *uf)
{
	struct feed_vars v = { .cc = u->cc, .now = r->now, .url = uf->url,
			       .key = u->f->licence_key };
	char url[MAX_URL_BYTES + 1], shown[MAX_URL_BYTES + 1];
	char name[MAX_URL_BYTES + 1], e[MAX_ERR_BYTES];
	const char *t = u->f->checksum;
	struct fetch_result fr;
	struct fetch_opts o;
	struct checksum want, got;
	int ret;

	if (feed_expand(t, strlen(t), &v, url, sizeof(url)))
		return refuse(u, "checksum URL template is bad");
	v.redact = true;
	v.url = uf->shown;
	if (feed_expand(t, strlen(t), &v, shown, sizeof(shown)))
		return refuse(u, "checksum URL template is bad");
	fetch_opts_of(r, u, &o);
	o.max_bytes = MAX_CHECKSUM_BYTES;
	o.display_url = shown;
	if (fetch_url(url, &o, &fr))
		return refuse(u, "checksum file: %s", fr.err);
	snprintf(name, sizeof(name), "%s", feed_basename(uf->url));
	name[strcspn(name, "?")] = '\0';
	e[0] = '\0';
	ret = parse_checksum(fr.buf, fr.len, name, &want, e, sizeof(e));
	/* a file holding one digest may name the file differently (ARIN
	 * names its dated file, MaxMind its dated zip) */
	if (ret)
		ret = parse_checksum(fr.buf, fr.len, NULL, &want, e, sizeof(e));
	fetch_result_free(&fr);
	if (ret)
		return refuse(u, "checksum file %s: %s", shown,
			      e[0] ? e : "no digest for this file");
	if (digest_compute(want.kind, uf->buf, uf->len, &got))
		return refuse(u, "cannot compute the checksum");
	if (!digest_equal(&want, &got))
		return refuse(u, "checksum mismatch: %s does not match %s",
			      uf->shown, shown);
	return 0;
}

static int get_file(const struct run *r, struct unit *u, struct ufile *uf)
{
	struct fetch_result fr;
	struct fetch_opts o;
	struct checksum sum;
	char *old = NULL;
	size_t oldlen = 0;

	uf->have_old = !cache_get(r->c->cache_dir, uf->key,
				  (size_t)r->c->max_feed_bytes, &old, &oldlen,
				  &uf->meta);
	fetch_opts_of(r, u, &o);
	o.display_url = uf->shown;
	if (uf->have_old) {
		o.etag = uf->meta.etag;
		o.last_modified = uf->meta.last_modified;
	}
	if (fetch_url(uf->url, &o, &fr)) {
		free(old);
		return refuse(u, "%s", fr.err);
	}
	if (fr.not_modified) {
		uf->buf = old;
		uf->len = oldlen;
		return 0;
	}
	digest_compute(DIGEST_SHA256, fr.buf, fr.len, &sum);
	if (uf->have_old && digest_equal(&sum, &uf->meta.sha256)) {
		fetch_result_free(&fr);
		uf->buf = old;
		uf->len = oldlen;
		return 0;
	}
	free(old);
	uf->buf = fr.buf;
	uf->len = fr.len;
	uf->changed = true;
	memcpy(uf->meta.etag, fr.etag, sizeof(fr.etag));
	memcpy(uf->meta.last_modified, fr.last_modified,
	       sizeof(fr.last_modified));
	uf->meta.fetched = (int64_t)r->now;
	return u->f->checksum ? verify_checksum(r, u, uf) : 0;
}

/* ---- parsing ---- */

static int parse_fail_msg(struct unit *u, const struct ufile *uf,
			  const struct parse_ctx *ctx, const char *member)
{
	if (ctx->err_line)
		return refuse(u, "parse error: %s%s%s:%zu: %s", uf->shown,
			      member ? ":" : "", member ? member : "",
			      ctx->err_line, ctx->err);
	return refuse(u, "parse error: %s%s%s: %s", uf->shown,
		      member ? ":" : "", member ? member : "", ctx->err);
}

/* GeoLite2: the locations file first, then the blocks files. */
static int parse_zip(struct unit *u, const struct ufile *uf,
		     struct parse_ctx *ctx, size_t max)
{
	static const char *const want[] = { "Country-Locations-en.csv",
		"Country-Blocks-IPv4.csv", "Country-Blocks-IPv6.csv", NULL };
	struct unzip_member *m;
	size_t n;
	int ret;

	if (u->f->format != FMT_MAXMIND)
		return refuse(u, "%s: a zip archive, but the format is not "
			      "maxmind", uf->shown);
	ret = unzip_extract(uf->buf, uf->len, want, max, &m, &n);
	if (ret)
		return refuse(u, "%s: %s", uf->shown, ret == -EFBIG ?
			      "zip member too large" : "corrupt zip archive");
	for (int pass = 0; pass < 2 && !ret; pass++) {
		for (size_t i = 0; i < n && !ret; i++) {
			if ((pass == 0) != (strstr(m[i].name, "Locations") != NULL))
				continue;
			ret = parse_buffer(ctx, FMT_MAXMIND, m[i].data,
					   m[i].len);
			if (ret)
				parse_fail_msg(u, uf, ctx, m[i].name);
		}
	}
	unzip_free(m, n);
	return ret ? -EINVAL : 0;
}

static int parse_file(const struct run *r, struct unit *u,
		      const struct ufile *uf, struct parse_ctx *ctx)
{
	size_t max = (size_t)r->c->max_feed_bytes, plen;
	char *plain;
	int ret;

	ctx->name = uf->shown;
	if (unzip_is_zip(uf->buf, uf->len))
		return parse_zip(u, uf, ctx, max);
	if (!gz_is_gzip(uf->buf, uf->len)) {
		ret = parse_buffer(ctx, (enum feed_format)u->f->format, uf->buf,
				   uf->len);
		return ret ? parse_fail_msg(u, uf, ctx, NULL) : 0;
	}
	ret = gz_inflate(uf->buf, uf->len, max, &plain, &plen);
	if (ret)
		return refuse(u, "%s: %s", uf->shown, ret == -EFBIG ?
			      "oversize: decompressed feed too large" :
			      "corrupt or truncated gzip data");
	ret = parse_buffer(ctx, (enum feed_format)u->f->format, plain, plen);
	free(plain);
	return ret ? parse_fail_msg(u, uf, ctx, NULL) : 0;
}

static char *counts_name(const struct unit *u, char *buf, size_t n)
{
	snprintf(buf, n, "%s.counts", u->key);
	return buf;
}

/* The last good copy's per-country counts, or NULL when there is none. */
static struct gate_counts *load_counts(const struct run *r,
				       const struct unit *u)
{
	struct gate_counts *old;
	char name[128], *cb;
	size_t cl;

	if (cache_read_file(r->c->cache_dir, counts_name(u, name, sizeof(name)),
			    MAX_COUNTS_BYTES, &cb, &cl))
		return NULL;
	old = xmalloc(sizeof(*old));
	if (gate_parse(cb, cl, old)) {
		log_warn("%s: ignoring a damaged counts file", u->label);
		free(old);
		old = NULL;
	}
	free(cb);
	return old;
}

/* Parse every file, compile, and apply the bogon and size gates. */
static int check_unit(const struct run *r, struct unit *u,
		      struct gate_counts *now)
{
	struct parse_ctx ctx;
	struct rangeset map[2];
	struct compile_report rep;
	struct gate_counts *old = NULL;
	char cc[3];
	int ret = 0;

	parse_ctx_init(&ctx, NULL);
	ctx.cc = u->cc;
	ctx.want = &u->want;
	rangeset_init(&map[0], 4);
	rangeset_init(&map[1], 6);
	for (size_t i = 0; i < u->nfiles && !ret; i++)
		ret = parse_file(r, u, &u->files[i], &ctx);
	for (int f = 0; f < 2 && !ret; f++) {
		compile_family(&ctx.out[f], &u->want, &map[f], &rep);
		if (rep.bogon_ranges)
			ret = refuse(u, "bogons: %zu special-purpose range(s) "
				     "labelled as a country (first: %s, IPv%d)",
				     rep.bogon_ranges,
				     cc_format(rep.bogon_first_cc, cc),
				     f ? 6 : 4);
	}
	if (ret)
		goto out;
	gate_count(map, &u->want, now);
	if (u->cc && !now->v[0].n[0] && !now->v[0].n[1]) {
		ret = refuse(u, "empty: no addresses for %s",
			     u->cc == LIST_FEED_CC ? u->label :
			     cc_format(u->cc, cc));
		goto out;
	}
	old = load_counts(r, u);
	if (gate_check(old, now, &u->want, r->c->max_shrink, r->c->max_grow,
		       r->force, u->why, sizeof(u->why)))
		ret = -EINVAL;
out:
	free(old);
	rangeset_free(&map[0]);
	rangeset_free(&map[1]);
	parse_ctx_free(&ctx);
	return ret;
}

/* Keep the accepted bytes and counts as the new last good copy. */
static int commit_unit(const struct run *r, struct unit *u,
		       const struct gate_counts *now)
{
	char *text = xmalloc(MAX_COUNTS_BYTES), name[128];
	int ret = 0, w;

	for (size_t i = 0; i < u->nfiles && !ret; i++) {
		struct ufile *uf = &u->files[i];

		if (uf->changed)
			ret = cache_put(r->c->cache_dir, uf->key, uf->buf,
					uf->len, &uf->meta);
	}
	w = ret ? ret : gate_format(now, text, MAX_COUNTS_BYTES);
	if (w >= 0)
		ret = cache_write_file(r->c->cache_dir,
				       counts_name(u, name, sizeof(name)),
				       text, (size_t)w);
	else
		ret = w;
	free(text);
	if (ret)
		refuse(u, "cannot write the cache in %s: %s", r->c->cache_dir,
		       strerror(-ret));
	return ret;
}

static enum ustatus run_unit(const struct run *r, struct unit *u)
{
	struct gate_counts *now = NULL;
	bool changed = false;
	int ret = 0;

	ret = add_urls(r, u, u->f->url, 4);
	if (!ret)
		ret = add_urls(r, u, u->f->url6, 6);
	for (size_t i = 0; i < u->nfiles && !ret; i++) {
		ret = get_file(r, u, &u->files[i]);
		changed |= u->files[i].changed;
	}
	if (!ret && !changed)
		goto out;
	now = ret ? NULL : xmalloc(sizeof(*now));
	if (!ret)
		ret = check_unit(r, u, now);
	if (!ret)
		ret = commit_unit(r, u, now);
out:
	free(now);
	for (size_t i = 0; i < u->nfiles; i++)
		free(u->files[i].buf);
	if (ret)
		return U_REFUSED;
	return changed ? U_FETCHED : U_UNCHANGED;
}

/* ---- sources and fallbacks ---- */

struct selection {
	char feed[MAX_COUNTRIES][64];	/* by index of the want list */
	uint32_t tags[MAX_COUNTRIES];
	size_t n;
	bool done[MAX_COUNTRIES];
	char failed[MAX_COUNTRIES][64];	/* the last source refused for it */
};

static void report(const struct run *r, const struct unit *u, enum ustatus s,
		   const char *fallback_from)
{
	char fb[160] = "";

	if (fallback_from)
		snprintf(fb, sizeof(fb), " (fallback: %s failed)",
			 fallback_from);
	if (s == U_FETCHED)
		fprintf(r->out, "%s: fetched%s\n", u->label, fb);
	else if (s == U_UNCHANGED)
		fprintf(r->out, "%s: unchanged (304)%s\n", u->label, fb);
	else
		log_err("%s: refused: %s", u->label, u->why);
}

static void unit_done(struct selection *sel, size_t i, const struct unit *u,
		      enum ustatus s, struct update_result *res)
{
	if (s == U_REFUSED) {
		snprintf(sel->failed[i], sizeof(sel->failed[i]), "%s",
			 u->f->name);
		return;
	}
	snprintf(sel->feed[i], sizeof(sel->feed[i]), "%s", u->f->name);
	if (sel->failed[i][0])
		res->fallbacks++;
	sel->done[i] = true;
}

static void count_status(enum ustatus s, struct update_result *res)
{
	if (s == U_FETCHED)
		res->fetched++;
	else if (s == U_UNCHANGED)
		res->unchanged++;
	else
		res->refused++;
}

/* A unit of feed f: the world (cc 0) or one country's. */
static void unit_setup(struct unit *u, const struct conf_feed *f, uint32_t cc)
{
	char code[3];

	memset(u, 0, sizeof(*u));
	u->f = f;
	u->cc = cc;
	ccset_init(&u->want, false);
	snprintf(u->key, sizeof(u->key), "%s", f->name);
	snprintf(u->label, sizeof(u->label), "%s", f->name);
	if (cc) {
		cc_format(cc, code);
		snprintf(u->key, sizeof(u->key), "%s.%s", f->name, code);
		snprintf(u->label, sizeof(u->label), "%s %s", f->name, code);
		ccset_add(&u->want, cc);
	}
}

/* One source for every country still without data. */
static void run_source(const struct run *r, const struct conf_feed *f,
		       struct selection *sel, struct update_result *res)
{
	struct unit *u = xcalloc(1, sizeof(*u));
	bool world = conf_feed_scope(f) == SCOPE_WORLD;
	const char *from = NULL;
	enum ustatus s;

	for (size_t i = 0; i < sel->n; i++) {
		if (sel->done[i])
			continue;
		if (!world || !u->f)
			unit_setup(u, f, world ? 0 : sel->tags[i]);
		from = sel->failed[i][0] ? sel->failed[i] : from;
		ccset_add(&u->want, sel->tags[i]);
		if (world)
			continue;
		progress(r, u, i + 1);
		s = run_unit(r, u);
		progress(r, NULL, 0);
		report(r, u, s, sel->failed[i][0] ? sel->failed[i] : NULL);
		count_status(s, res);
		unit_done(sel, i, u, s, res);
	}
	if (world && u->f) {
		progress(r, u, sel->n);
		s = run_unit(r, u);
		progress(r, NULL, 0);
		report(r, u, s, from);
		count_status(s, res);
		for (size_t i = 0; i < sel->n; i++)
			if (!sel->done[i] && ccset_has(&u->want, sel->tags[i]))
				unit_done(sel, i, u, s, res);
	}
	free(u);
}

/* The source recorded for cc in the sources file text, or "". */
static void source_of(const char *text, uint32_t cc, char *feed, size_t n)
{
	char code[3];
	size_t pos = 0, len = text ? strlen(text) : 0, ll;
	const char *line;

	feed[0] = '\0';
	cc_format(cc, code);
	while ((line = util_next_line(text, len, &pos, &ll)) != NULL) {
		if (ll > 3 && !memcmp(line, code, 2) && line[2] == ' ') {
			snprintf(feed, n, "%.*s", (int)(ll - 3), line + 3);
			return;
		}
	}
}

/* Countries left without fresh data keep the source of their last good
 * data, read from the previous sources file. */
static void keep_previous(const struct run *r, struct selection *sel,
			  struct update_result *res)
{
	char *buf = NULL, cc[3];
	size_t len = 0;

	cache_read_file(r->c->cache_dir, UPDATE_SOURCES_FILE,
			MAX_COUNTS_BYTES, &buf, &len);
	for (size_t i = 0; i < sel->n; i++) {
		if (sel->done[i])
			continue;
		cc_format(sel->tags[i], cc);
		source_of(buf, sel->tags[i], sel->feed[i], sizeof(sel->feed[i]));
		if (sel->feed[i][0]) {
			log_err("%s: keeping the last good data from %s", cc,
				sel->feed[i]);
			res->stale++;
		} else {
			log_err("%s: no good data from any source", cc);
			res->missing++;
		}
	}
	free(buf);
}

static int write_selection(const struct run *r, const struct selection *sel)
{
	char *text = xmalloc(MAX_COUNTS_BYTES), cc[3];
	size_t o = 0;
	int ret;

	for (size_t i = 0; i < sel->n; i++) {
		if (!sel->feed[i][0])
			continue;
		o += (size_t)snprintf(text + o, MAX_COUNTS_BYTES - o, "%s %s\n",
				      cc_format(sel->tags[i], cc), sel->feed[i]);
	}
	ret = cache_write_file(r->c->cache_dir, UPDATE_SOURCES_FILE, text, o);
	free(text);
	return ret;
}

int update_run(const struct conf *c, const struct ccset *want, bool force,
	       FILE *out, struct update_result *res)
{
	struct run r = { .c = c, .force = force, .now = time(NULL),
			 .out = out, .tty = isatty(STDERR_FILENO) == 1 };
	struct selection *sel = xcalloc(1, sizeof(*sel));
	int lock, ret;

	memset(res, 0, sizeof(*res));
	lock = cache_lock(c->cache_dir);
	if (lock < 0) {
		free(sel);
		return lock;
	}
	sel->n = ccset_list(want, sel->tags);
	r.total = sel->n;
	for (size_t s = 0; s < c->nsources; s++)
		run_source(&r, conf_feed_find(c, c->sources[s]), sel, res);
	keep_previous(&r, sel, res);
	ret = write_selection(&r, sel);
	close(lock);
	free(sel);
	return ret;
}

/* ---- loading the last good copies (no network) ---- */

/* Parse one unit's cached files and add its compiled map to acc. */
static int load_unit(const struct run *r, struct unit *u,
		     struct rangeset acc[2])
{
	struct parse_ctx ctx;
	struct rangeset map;
	int ret;

	parse_ctx_init(&ctx, NULL);
	ctx.cc = u->cc;
	ctx.want = &u->want;
	ret = add_urls(r, u, u->f->url, 4);
	if (!ret)
		ret = add_urls(r, u, u->f->url6, 6);
	for (size_t i = 0; i < u->nfiles && !ret; i++) {
		struct ufile *uf = &u->files[i];

		ret = cache_get(r->c->cache_dir, uf->key,
				(size_t)r->c->max_feed_bytes, &uf->buf,
				&uf->len, &uf->meta);
		if (ret)
			refuse(u, "%s: no good cached copy (%s)", uf->shown,
			       strerror(-ret));
		else
			ret = parse_file(r, u, uf, &ctx);
		free(uf->buf);
		uf->buf = NULL;
	}
	for (int f = 0; f < 2 && !ret; f++) {
		rangeset_init(&map, f ? 6 : 4);
		compile_family(&ctx.out[f], &u->want, &map, NULL);
		for (size_t i = 0; i < map.n; i++)
			rangeset_add(&acc[f], map.v[i].lo, map.v[i].hi,
				     map.v[i].tag);
		rangeset_free(&map);
	}
	parse_ctx_free(&ctx);
	if (ret)
		log_err("%s: %s", u->label, u->why);
	return ret ? -EBADMSG : 0;
}

/* Every country of want whose recorded source is f, loaded from f. */
static int load_feed(const struct run *r, const struct conf_feed *f,
		     const char *sources, const uint32_t *tags, size_t n,
		     struct rangeset acc[2], bool *used)
{
	bool world = conf_feed_scope(f) == SCOPE_WORLD;
	struct unit *u = xcalloc(1, sizeof(*u));
	size_t nworld = 0;
	char feed[64];
	int ret = 0;

	unit_setup(u, f, 0);
	for (size_t i = 0; i < n && !ret; i++) {
		source_of(sources, tags[i], feed, sizeof(feed));
		if (used[i] || strcmp(feed, f->name))
			continue;
		used[i] = true;
		if (world) {
			ccset_add(&u->want, tags[i]);
			nworld++;
			continue;
		}
		unit_setup(u, f, tags[i]);
		ret = load_unit(r, u, acc);
	}
	if (world && !ret && nworld)
		ret = load_unit(r, u, acc);
	free(u);
	return ret;
}

int update_load(const struct conf *c, const struct ccset *want,
		struct rangeset out[2], unsigned *missing)
{
	struct run r = { .c = c, .now = time(NULL) };
	uint32_t *tags = xcalloc(MAX_COUNTRIES, sizeof(*tags));
	bool *used = xcalloc(MAX_COUNTRIES, sizeof(*used));
	struct rangeset acc[2];
	char *sources = NULL;
	size_t n, len;
	int ret;

	*missing = 0;
	rangeset_init(&acc[0], 4);
	rangeset_init(&acc[1], 6);
	n = ccset_list(want, tags);
	ret = cache_read_file(c->cache_dir, UPDATE_SOURCES_FILE,
			      MAX_COUNTS_BYTES, &sources, &len);
	if (ret == -ENOENT)
		ret = 0;
	for (size_t s = 0; s < c->nfeeds && !ret; s++)
		ret = load_feed(&r, &c->feeds[s], sources, tags, n, acc, used);
	for (size_t i = 0; i < n; i++) {
		char code[3];

		if (used[i])
			continue;
		log_err("%s: no good data from any source yet",
			cc_format(tags[i], code));
		(*missing)++;
	}
	for (int f = 0; f < 2 && !ret; f++)
		compile_family(&acc[f], want, &out[f], NULL);
	rangeset_free(&acc[0]);
	rangeset_free(&acc[1]);
	free(sources);
	free(used);
	free(tags);
	return ret;
}

/* ---- list feeds ---- */

/* The feed section of list l, or NULL when it has no url. */
static const struct conf_feed *list_feed(const struct conf *c,
					 const struct conf_list *l)
{
	char name[MAX_LIST_NAME + 8];

	if (!l->feed)
		return NULL;
	snprintf(name, sizeof(name), "list:%s", l->name);
	return conf_feed_find(c, name);
}

/* A unit of one list's feed: its entries carry LIST_FEED_CC. */
static void list_unit(struct unit *u, const struct conf_feed *f)
{
	unit_setup(u, f, 0);
	u->cc = LIST_FEED_CC;
	ccset_add(&u->want, LIST_FEED_CC);
}

int update_lists(const struct conf *c, bool force, FILE *out,
		 struct update_result *res)
{
	struct run r = { .c = c, .force = force, .now = time(NULL),
			 .out = out, .tty = isatty(STDERR_FILENO) == 1 };
	struct unit *u = xcalloc(1, sizeof(*u));
	struct cache_meta meta;
	int lock = cache_lock(c->cache_dir);

	if (lock < 0) {
		free(u);
		return lock;
	}
	for (size_t k = 0; k < c->nlists; k++) {
		const struct conf_feed *f = list_feed(c, &c->lists[k]);
		enum ustatus st;

		if (!f)
			continue;
		list_unit(u, f);
		r.total = 1;
		progress(&r, u, 1);
		st = run_unit(&r, u);
		progress(&r, NULL, 0);
		report(&r, u, st, NULL);
		count_status(st, res);
		if (st == U_REFUSED && (!u->nfiles ||
		    cache_meta_read(c->cache_dir, u->files[0].key, &meta))) {
			log_err("%s: no good data yet", u->label);
			res->missing++;
		} else if (st == U_REFUSED) {
			log_err("%s: keeping the last good data", u->label);
			res->stale++;
		}
	}
	close(lock);
	free(u);
	return 0;
}

int update_load_lists(const struct conf *c, struct rangeset out[2],
		      unsigned *missing)
{
	struct run r = { .c = c, .now = time(NULL) };
	struct unit *u = xcalloc(1, sizeof(*u));
	int ret = 0;

	*missing = 0;
	for (size_t k = 0; k < c->nlists && !ret; k++) {
		const struct conf_feed *f = list_feed(c, &c->lists[k]);
		struct rangeset acc[2];

		if (!f)
			continue;
		rangeset_init(&acc[0], 4);
		rangeset_init(&acc[1], 6);
		list_unit(u, f);
		ret = load_unit(&r, u, acc);
		if (ret) {	/* logged; the list goes without its feed */
			(*missing)++;
			ret = 0;
		}
		for (int fa = 0; fa < 2; fa++)
			for (size_t i = 0; i < acc[fa].n; i++)
				rangeset_add(&out[fa], acc[fa].v[i].lo,
					     acc[fa].v[i].hi, (uint32_t)k);
		rangeset_free(&acc[0]);
		rangeset_free(&acc[1]);
	}
	for (int fa = 0; fa < 2; fa++)
		rangeset_normalize(&out[fa]);
	free(u);
	return ret;
}
