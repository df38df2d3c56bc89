// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_maxmind.c - GeoLite2 Country CSV: a locations file maps geoname_id
 * to a country code, blocks files map networks to a geoname_id.
 *
 * Files are told apart by their header line, and columns are found by name,
 * so the optional is_anycast column (and the City edition's extra columns)
 * need nothing special.  The join table lives in ctx->geo across files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"
#include "xmalloc.h"

struct geo_ent {
	uint32_t id;
	uint32_t tag;		/* 0: a continent, no country */
};

struct maxmind_geo {
	struct geo_ent *v;	/* sorted by id, ids unique */
	size_t n, cap;
};

enum mm_kind { MM_NONE, MM_LOCATIONS, MM_BLOCKS };

/* Per-file state while walking its lines. */
struct mm_file {
	enum mm_kind kind;
	size_t ncols;		/* columns in the header; every row has as many */
	size_t col_id;		/* geoname_id */
	size_t col_cc;		/* locations: country_iso_code */
	size_t col_net;		/* blocks: network */
	size_t col_reg;		/* blocks: registered_country_geoname_id */
	struct maxmind_geo add;	/* locations read from this file */
};

void parse_maxmind_free(struct maxmind_geo *geo)
{
	if (!geo)
		return;
	free(geo->v);
	free(geo);
}

static size_t bom_len(const char *buf, size_t len)
{
	return len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
}

static bool has_prefix(const char *buf, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && !memcmp(buf, p, n);
}

bool parse_maxmind_is_locations(const char *buf, size_t len)
{
	size_t b = bom_len(buf, len);

	return has_prefix(buf + b, len - b, "geoname_id,");
}

static int geo_cmp(const void *pa, const void *pb)
{
	const struct geo_ent *a = pa, *b = pb;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->tag < b->tag ? -1 : a->tag > b->tag;
}

static const struct geo_ent *geo_find(const struct maxmind_geo *g, uint32_t id)
{
	struct geo_ent key = { .id = id };
	size_t lo = 0, hi = g ? g->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->v[mid].id == key.id)
			return &g->v[mid];
		if (g->v[mid].id < key.id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Find a header column by name; returns ncols when absent. */
static size_t column(const struct csv_field *f, size_t nf, const char *name)
{
	size_t i;

	for (i = 0; i < nf; i++)
		if (util_eq(f[i].s, f[i].len, name))
			break;
	return i;
}

static int header(struct parse_ctx *ctx, struct mm_file *mf,
		  const struct csv_field *f, size_t nf, const char *line,
		  size_t len)
{
	mf->ncols = nf;
	mf->col_id = column(f, nf, "geoname_id");
	if (util_eq(f[0].s, f[0].len, "geoname_id")) {
		mf->kind = MM_LOCATIONS;
		mf->col_cc = column(f, nf, "country_iso_code");
		if (mf->col_cc == nf)
			return parse_fail(ctx, "locations header without "
					  "country_iso_code", line, len);
		return 0;
	}
	if (!util_eq(f[0].s, f[0].len, "network"))
		return parse_fail(ctx, "not a GeoLite2 Country CSV header",
				  line, len);
	mf->kind = MM_BLOCKS;
	mf->col_net = 0;
	mf->col_reg = column(f, nf, "registered_country_geoname_id");
	if (mf->col_id == nf || mf->col_reg == nf)
		return parse_fail(ctx, "blocks header without geoname_id and "
				  "registered_country_geoname_id", line, len);
	if (!ctx->geo || !ctx->geo->n)
		return parse_fail(ctx, "GeoLite2 blocks file needs the "
				  "locations file first", NULL, 0);
	return 0;
}

static int geoname(struct parse_ctx *ctx, const struct csv_field *f,
		   uint32_t *id)
{
	uint64_t v;

	if (util_parse_u64(f->s, f->len, UINT32_MAX, &v))
		return parse_fail(ctx, "bad geoname_id", f->s, f->len);
	*id = (uint32_t)v;
	return 0;
}

static int location_row(struct parse_ctx *ctx, struct mm_file *mf,
			const struct csv_field *f)
{
	const struct csv_field *cc = &f[mf->col_cc];
	struct maxmind_geo *a = &mf->add;
	uint32_t id = 0, tag = 0;

	if (geoname(ctx, &f[mf->col_id], &id))
		return -EINVAL;
	switch (cc_parse(cc->s, cc->len, &tag)) {
	case CC_COUNTRY:
	case CC_REGION:
		break;
	case CC_NONE:		/* a continent: blocks using it are skipped */
		tag = 0;
		break;
	default:
		return parse_fail(ctx, "bad country code", cc->s, cc->len);
	}
	if ((ctx->geo ? ctx->geo->n : 0) + a->n >= MAX_GEONAMES)
		return parse_fail(ctx, "too many locations", NULL, 0);
	a->v = xgrow(a->v, &a->cap, a->n + 1, sizeof(*a->v));
	a->v[a->n].id = id;
	a->v[a->n].tag = tag;
	a->n++;
	return 0;
}

static int block_row(struct parse_ctx *ctx, struct mm_file *mf,
		     const struct csv_field *f)
{
	const struct csv_field *net = &f[mf->col_net], *id = &f[mf->col_id];
	const struct geo_ent *e;
	struct cidr c;
	uint32_t gid = 0;
	u128 lo, hi;

	if (cidr_parse(net->s, net->len, false, &c))
		return parse_fail(ctx, "not a valid network", net->s, net->len);
	/* no located country: fall back to the registered country */
	if (id->len == 0)
		id = &f[mf->col_reg];
	if (id->len == 0) {
		ctx->skipped++;
		return 0;
	}
	if (geoname(ctx, id, &gid))
		return -EINVAL;
	e = geo_find(ctx->geo, gid);
	if (!e)
		return parse_fail(ctx, "unknown geoname_id", id->s, id->len);
	if (!e->tag) {
		ctx->skipped++;
		return 0;
	}
	cidr_to_range(&c, &lo, &hi);
	parse_keep(ctx, c.family, lo, hi, e->tag);
	return 0;
}

static int mm_line(struct parse_ctx *ctx, const char *line, size_t len,
		   void *arg)
{
	struct csv_field f[MAX_CSV_FIELDS];
	struct mm_file *mf = arg;
	size_t nf;
	int ret;

	ret = parse_csv_split(ctx, line, len, f, &nf);
	if (ret)
		return ret;
	if (mf->kind == MM_NONE)
		return header(ctx, mf, f, nf, line, len);
	if (nf != mf->ncols)
		return parse_fail(ctx, "number of fields differs from the "
				  "header", line, len);
	if (mf->kind == MM_LOCATIONS)
		return location_row(ctx, mf, f);
	return block_row(ctx, mf, f);
}

/*
 * Merge a locations file's rows into the table.  The same geoname_id may
 * come again (several locale files) but must name the same country.
 */
static int geo_merge(struct parse_ctx *ctx, struct maxmind_geo *add)
{
	struct maxmind_geo *g;
	size_t o = 0;

	if (!ctx->geo)
		ctx->geo = xcalloc(1, sizeof(*ctx->geo));
	g = ctx->geo;
	add->v = xgrow(add->v, &add->cap, add->n + g->n, sizeof(*add->v));
	if (g->n)
		memcpy(add->v + add->n, g->v, g->n * sizeof(*g->v));
	add->n += g->n;
	qsort(add->v, add->n, sizeof(*add->v), geo_cmp);
	for (size_t i = 0; i < add->n; i++) {
		if (o && add->v[o - 1].id == add->v[i].id) {
			if (add->v[o - 1].tag != add->v[i].tag)
				return parse_fail(ctx, "a geoname_id with two "
						  "countries", NULL, 0);
			continue;
		}
		add->v[o++] = add->v[i];
	}
	free(g->v);
	g->v = add->v;
	g->n = o;
	g->cap = add->cap;
	add->v = NULL;
	return 0;
}

/*
 * GeoLite2 Country CSV, one file per call: a locations file
 * ("geoname_id,locale_code,...") adds to the join table in ctx->geo; a
 * blocks file ("network,geoname_id,registered_country_geoname_id,...") maps
 * each network to its geoname_id's country, or the registered country's when
 * geoname_id is empty.  Locations without a country (continents) make their
 * blocks skipped; an unknown geoname_id is an error, and so is a blocks file
 * before any locations file.  An empty file of either kind is an error.
 * On error the table is left as it was before the call.
 */
int parse_maxmind(struct parse_ctx *ctx, const char *buf, size_t len)
{
	struct mm_file mf = { .kind = MM_NONE };
	size_t seen = ctx->records + ctx->skipped, b = bom_len(buf, len);
	int ret;

	ret = parse_each_line(ctx, buf + b, len - b, 0, mm_line, &mf);
	if (ret)
		goto out;
	ctx->lines = 0;
	if (mf.kind == MM_NONE) {
		ret = parse_fail(ctx, "empty file", NULL, 0);
	} else if (mf.kind == MM_LOCATIONS) {
		if (mf.add.n == 0)
			ret = parse_fail(ctx, "locations file holds no "
					 "locations", NULL, 0);
		else
			ret = geo_merge(ctx, &mf.add);
	} else if (ctx->records + ctx->skipped == seen) {
		ret = parse_fail(ctx, "empty feed (no records)", NULL, 0);
	}
out:
	free(mf.add.v);
	return ret;
}
