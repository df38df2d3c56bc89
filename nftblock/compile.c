// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compile.c - per-country merge, never-block removal and overlap resolution.
 */
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "log.h"
#include "xmalloc.h"

/*
 * Never blocked for any country: the IANA special-purpose registries
 * (RFC 6890 and successors) that are not globally reachable, plus multicast
 * and the reserved 240/4.  Feeds do label some of these (geo-whois maps
 * 192.168/16 to AU), and a country rule must never cut a LAN off.
 */
static const char *const neverblock4[] = {
	"0.0.0.0/8",		/* "this network", RFC 791 */
	"10.0.0.0/8",		/* private, RFC 1918 */
	"100.64.0.0/10",	/* shared address space (CGNAT), RFC 6598 */
	"127.0.0.0/8",		/* loopback, RFC 1122 */
	"169.254.0.0/16",	/* link-local, RFC 3927 */
	"172.16.0.0/12",	/* private, RFC 1918 */
	"192.0.0.0/24",		/* IETF protocol assignments, RFC 6890 */
	"192.0.2.0/24",		/* TEST-NET-1, RFC 5737 */
	"192.88.99.0/24",	/* deprecated 6to4 relay anycast, RFC 7526 */
	"192.168.0.0/16",	/* private, RFC 1918 */
	"198.18.0.0/15",	/* benchmarking, RFC 2544 */
	"198.51.100.0/24",	/* TEST-NET-2, RFC 5737 */
	"203.0.113.0/24",	/* TEST-NET-3, RFC 5737 */
	"224.0.0.0/4",		/* multicast, RFC 5771 */
	"240.0.0.0/4",		/* reserved and limited broadcast, RFC 1112 */
};

static const char *const neverblock6[] = {
	"::/128",		/* unspecified, RFC 4291 */
	"::1/128",		/* loopback, RFC 4291 */
	"::ffff:0:0/96",	/* IPv4-mapped, RFC 4291 */
	"64:ff9b::/96",		/* NAT64 well-known prefix, RFC 6052 */
	"64:ff9b:1::/48",	/* local-use NAT64, RFC 8215 */
	"100::/64",		/* discard-only, RFC 6666 */
	"2001::/23",		/* IETF protocol assignments, RFC 2928 */
	"2001:db8::/32",	/* documentation, RFC 3849 */
	"2002::/16",		/* 6to4, RFC 3056: carries IPv4 */
	"3fff::/20",		/* documentation, RFC 9637 */
	"5f00::/16",		/* SRv6 SIDs, RFC 9602 */
	"fc00::/7",		/* unique local, RFC 4193 */
	"fe80::/10",		/* link-local, RFC 4291 */
	"ff00::/8",		/* multicast, RFC 4291 */
};

void compile_neverblock(int family, struct rangeset *out)
{
	const char *const *list = family == 4 ? neverblock4 : neverblock6;
	size_t n = family == 4 ? sizeof(neverblock4) / sizeof(*neverblock4) :
				 sizeof(neverblock6) / sizeof(*neverblock6);
	struct cidr c;

	rangeset_init(out, family);
	for (size_t i = 0; i < n; i++) {
		if (cidr_parse(list[i], strlen(list[i]), false, &c))
			abort();	/* a typo in the table above */
		rangeset_add_cidr(out, &c, 0);
	}
	rangeset_normalize(out);
}

/* Does range a beat range b for an address both hold? */
static bool wins(const struct range *a, const struct range *b)
{
	u128 wa = a->hi - a->lo, wb = b->hi - b->lo;

	return wa != wb ? wa < wb : a->tag < b->tag;
}

struct sweep {
	struct range *act;	/* ranges holding the current position */
	size_t nact, cap;
};

static const struct range *winner(const struct sweep *sw)
{
	const struct range *w = &sw->act[0];

	for (size_t k = 1; k < sw->nact; k++)
		if (wins(&sw->act[k], w))
			w = &sw->act[k];
	return w;
}

/* Drop active ranges that end before pos (pos > their hi). */
static void expire(struct sweep *sw, u128 pos)
{
	size_t o = 0;

	for (size_t k = 0; k < sw->nact; k++)
		if (sw->act[k].hi >= pos)
			sw->act[o++] = sw->act[k];
	sw->nact = o;
}

/* The sweep over v[0..n), sorted by range_sort_by_lo(), into out (not
 * yet normal: sorted by address). */
static void resolve_sorted(const struct range *v, size_t n, int family,
			   struct rangeset *out, struct compile_report *rep)
{
	struct sweep sw = { NULL, 0, 0 };
	size_t i = 0;
	u128 pos = 0;

	rangeset_init(out, family);
	while (i < n || sw.nact) {
		u128 next;
		const struct range *w;

		if (!sw.nact)
			pos = v[i].lo;
		while (i < n && v[i].lo == pos) {
			sw.act = xgrow(sw.act, &sw.cap, sw.nact + 1,
				       sizeof(*sw.act));
			sw.act[sw.nact++] = v[i++];
		}
		/* the segment ends before the next start or at the first end */
		next = i < n ? v[i].lo - 1 : cidr_max(family);
		for (size_t k = 0; k < sw.nact; k++)
			if (sw.act[k].hi < next)
				next = sw.act[k].hi;
		w = winner(&sw);
		rangeset_add(out, pos, next, w->tag);
		if (sw.nact > 1 && rep) {
			rep->overlaps++;
			rep->overlap_addrs += next - pos + 1;
		}
		if (next == cidr_max(family))
			break;
		pos = next + 1;
		expire(&sw, pos);
	}
	free(sw.act);
}

void compile_resolve_overlaps(const struct rangeset *in, struct rangeset *out,
			      struct compile_report *rep)
{
	struct range *v = xreallocarray(NULL, in->n + 1, sizeof(*v));

	if (in->n)	/* an empty set's v may be NULL: no memcpy from it */
		memcpy(v, in->v, in->n * sizeof(*v));
	range_sort_by_lo(v, in->n);
	resolve_sorted(v, in->n, in->family, out, rep);
	free(v);
	rangeset_normalize(out);
}

/*
 * clean = the ranges of in whose country is in want (NULL: all countries),
 * normalized per country (or as one set when flat), minus the never-block
 * ranges, which are counted in rep.
 */
static void select_clean(const struct rangeset *in, const struct ccset *want,
			 bool flat, struct rangeset *clean,
			 struct compile_report *rep)
{
	struct rangeset sel, nb, inside;
	struct ccset all;
	size_t o = 0;

	if (!want) {
		ccset_init(&all, true);
		want = &all;
	}
	memset(rep, 0, sizeof(*rep));
	rangeset_init(&sel, in->family);
	rangeset_copy(&sel, in);
	for (size_t i = 0; i < sel.n; i++)
		if (ccset_has(want, sel.v[i].tag))
			sel.v[o++] = sel.v[i];
	sel.n = o;
	if (flat)
		rangeset_flatten(&sel, 0);
	else
		rangeset_normalize(&sel);
	compile_neverblock(in->family, &nb);
	rangeset_intersect(&sel, &nb, &inside);
	if (inside.n) {
		rep->bogon_ranges = inside.n;
		rep->bogon_addrs = rangeset_count(&inside);
		/* a flat set has lost its countries: find one */
		for (size_t i = 0; i < in->n && !rep->bogon_first_cc; i++)
			if (ccset_has(want, in->v[i].tag) &&
			    in->v[i].lo <= inside.v[0].hi &&
			    in->v[i].hi >= inside.v[0].lo)
				rep->bogon_first_cc = in->v[i].tag;
	}
	rangeset_subtract(&sel, &nb, clean);
	rangeset_free(&sel);
	rangeset_free(&nb);
	rangeset_free(&inside);
}

void compile_family(const struct rangeset *in, const struct ccset *want,
		    struct rangeset *out, struct compile_report *rep)
{
	struct compile_report local;
	struct rangeset clean;

	if (!rep)
		rep = &local;
	/* the selection is freed before resolving: that allocates as much
	 * again, and memory reused is cheaper than fresh pages */
	select_clean(in, want, false, &clean, rep);
	/* clean is ours: sorted in place, not copied (a world family is
	 * ~7 MB a copy) */
	range_sort_by_lo(clean.v, clean.n);
	resolve_sorted(clean.v, clean.n, in->family, out, rep);
	rangeset_free(&clean);	/* before normalizing: its sort's scratch */
	rangeset_normalize(out);
}

void compile_union(const struct rangeset *in, const struct ccset *want,
		   struct rangeset *out, struct compile_report *rep)
{
	struct compile_report local;

	select_clean(in, want, true, out, rep ? rep : &local);
}
