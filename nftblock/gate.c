// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gate.c - per-country size gates against the last good copy.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gate.h"
#include "util.h"

void gate_count(const struct rangeset map[2], const struct ccset *want,
		struct gate_counts *out)
{
	uint32_t tags[MAX_COUNTRIES];
	size_t n = ccset_list(want, tags);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out->v[out->n++].cc = tags[i];
	for (int f = 0; f < 2; f++) {
		for (size_t i = 0; i < map[f].n; i++) {
			const struct range *r = &map[f].v[i];
			struct gate_count *g =
				(struct gate_count *)gate_find(out, r->tag);
			u128 w = r->hi - r->lo;

			if (!g)
				continue;
			/* saturate: a whole IPv6 space does not fit + 1 */
			w = w == ~(u128)0 ? w : w + 1;
			g->n[f] = g->n[f] > ~(u128)0 - w ? ~(u128)0 :
				  g->n[f] + w;
		}
	}
}

const struct gate_count *gate_find(const struct gate_counts *c, uint32_t cc)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].cc == cc)
			return &c->v[mid];
		if (c->v[mid].cc < cc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Percent change of b against a (a > 0), as a whole number, rounded down;
 * long double keeps 64 bits of mantissa, plenty for a percentage. */
static long double pct(u128 a, u128 b)
{
	return ((long double)b - (long double)a) * 100.0L / (long double)a;
}

static int check_one(uint32_t cc, int fam, u128 a, u128 b, unsigned shrink,
		     unsigned grow, bool force, char *why, size_t whylen)
{
	char c[3];
	long double p;

	if (a == 0)
		return 0;
	cc_format(cc, c);
	if (b == 0) {
		snprintf(why, whylen, "%s IPv%d went to zero addresses "
			 "(always refused)", c, fam ? 6 : 4);
		return -ERANGE;
	}
	if (force)
		return 0;
	p = pct(a, b);
	if (shrink && p < -(long double)shrink) {
		snprintf(why, whylen, "%s IPv%d shrank by %.0Lf%% (limit "
			 "max-shrink = %u%%; --force overrides)", c,
			 fam ? 6 : 4, -p, shrink);
		return -ERANGE;
	}
	if (grow && p > (long double)grow) {
		snprintf(why, whylen, "%s IPv%d grew by %.0Lf%% (limit "
			 "max-grow = %u%%; --force overrides)", c, fam ? 6 : 4,
			 p, grow);
		return -ERANGE;
	}
	return 0;
}

int gate_check(const struct gate_counts *old, const struct gate_counts *new,
	       const struct ccset *want, unsigned max_shrink, unsigned max_grow,
	       bool force, char *why, size_t whylen)
{
	int ret;

	if (!old)
		return 0;
	for (size_t i = 0; i < old->n; i++) {
		const struct gate_count *o = &old->v[i], *n;

		if (!ccset_has(want, o->cc))
			continue;
		n = gate_find(new, o->cc);
		for (int f = 0; f < 2; f++) {
			ret = check_one(o->cc, f, o->n[f], n ? n->n[f] : 0,
					max_shrink, max_grow, force, why,
					whylen);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int u128_format(u128 v, char *out, size_t n)
{
	char tmp[48];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	if (sizeof(tmp) - i >= n)
		return -ENOSPC;
	memcpy(out, tmp + i, sizeof(tmp) - i);
	out[sizeof(tmp) - i] = '\0';
	return 0;
}

int gate_format(const struct gate_counts *c, char *out, size_t n)
{
	char a[48], b[48], cc[3];
	size_t o = 0;
	int w;

	for (size_t i = 0; i < c->n; i++) {
		u128_format(c->v[i].n[0], a, sizeof(a));
		u128_format(c->v[i].n[1], b, sizeof(b));
		w = snprintf(out + o, n - o, "%s %s %s\n",
			     cc_format(c->v[i].cc, cc), a, b);
		if (w < 0 || (size_t)w >= n - o)
			return -ENOSPC;
		o += (size_t)w;
	}
	if (o >= n)
		return -ENOSPC;
	out[o] = '\0';
	return (int)o;
}

static int count_line(const char *l, size_t len, struct gate_count *g)
{
	const char *s1 = memchr(l, ' ', len), *s2;
	uint32_t cc;

	if (!s1 || s1 - l != 2 || cc_parse(l, 2, &cc) == CC_BAD ||
	    cc_parse(l, 2, &cc) == CC_NONE)
		return -EINVAL;
	s1++;
	s2 = memchr(s1, ' ', len - 3);
	if (!s2)
		return -EINVAL;
	g->cc = cc;
	if (util_parse_u128(s1, (size_t)(s2 - s1), ~(u128)0, &g->n[0]) ||
	    util_parse_u128(s2 + 1, len - (size_t)(s2 + 1 - l), ~(u128)0,
			    &g->n[1]))
		return -EINVAL;
	return 0;
}

int gate_parse(const char *buf, size_t len, struct gate_counts *out)
{
	const char *l;
	size_t pos = 0, n;

	memset(out, 0, sizeof(*out));
	while ((l = util_next_line(buf, len, &pos, &n))) {
		if (out->n == MAX_COUNTRIES)
			return -EINVAL;
		if (count_line(l, n, &out->v[out->n]))
			return -EINVAL;
		/* kept ascending so that gate_find() can search it */
		if (out->n && out->v[out->n].cc <= out->v[out->n - 1].cc)
			return -EINVAL;
		out->n++;
	}
	return 0;
}
