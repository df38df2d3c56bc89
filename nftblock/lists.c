// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lists.c - named block lists in a generation (see lists.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc.h"
#include "lists.h"
#include "xmalloc.h"

bool lists_scoped(const struct nft_list *l)
{
	return l->nports || l->protos;
}

/* A boundary of the sweep: a range of src starts (end false) at pos, or
 * the one before pos ends. */
struct event {
	u128 pos;
	int src;		/* list index, or -1: a country piece */
	uint32_t tag;		/* the country */
	bool end;
};

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return (int)y->end - (int)x->end;	/* ends first */
}

static void add_event(struct event *ev, size_t *n, u128 pos, int src,
		      uint32_t tag, bool end)
{
	ev[*n].pos = pos;
	ev[*n].src = src;
	ev[*n].tag = tag;
	ev[*n].end = end;
	(*n)++;
}

/* The tag of an address covered by the lists of mask and country cc. */
static uint32_t tag_of(const struct nft_gen *g, uint32_t mask, uint32_t cc)
{
	for (size_t k = 0; k < g->nlists; k++)
		if ((mask & (1u << k)) && !lists_scoped(&g->lists[k]))
			return NFT_LIST_TAG | 1u << k;
	if (cc)
		return cc;
	return mask ? NFT_LIST_TAG | mask : 0;
}

/*
 * Paint the inside pieces (countries within the lists' union) and the
 * lists' ranges of family f into out (not normal yet).
 */
static void sweep(const struct nft_gen *g, int f, const struct rangeset *in,
		  struct rangeset *out)
{
	u128 top = cidr_max(f ? 6 : 4);
	size_t n = 0, cap = 2 * in->n, count[MAX_LISTS] = { 0 };
	struct event *ev;
	uint32_t mask = 0, cc = 0;

	for (size_t k = 0; k < g->nlists; k++)
		cap += 2 * g->lists[k].set[f].n;
	ev = xcalloc(cap ? cap : 1, sizeof(*ev));
	for (size_t i = 0; i < in->n; i++) {
		add_event(ev, &n, in->v[i].lo, -1, in->v[i].tag, false);
		if (in->v[i].hi != top)
			add_event(ev, &n, in->v[i].hi + 1, -1, 0, true);
	}
	for (size_t k = 0; k < g->nlists; k++)
		for (size_t i = 0; i < g->lists[k].set[f].n; i++) {
			const struct range *r = &g->lists[k].set[f].v[i];

			add_event(ev, &n, r->lo, (int)k, 0, false);
			if (r->hi != top)
				add_event(ev, &n, r->hi + 1, (int)k, 0, true);
		}
	qsort(ev, n, sizeof(*ev), event_cmp);
	for (size_t i = 0; i < n;) {
		u128 pos = ev[i].pos;
		uint32_t tag;

		for (; i < n && ev[i].pos == pos; i++) {
			int s = ev[i].src;

			if (s < 0)
				cc = ev[i].end ? 0 : ev[i].tag;
			else if (ev[i].end && !--count[s])
				mask &= ~(1u << s);
			else if (!ev[i].end && count[s]++ == 0)
				mask |= 1u << s;
		}
		tag = tag_of(g, mask, cc);
		if (tag)
			rangeset_add(out, pos, i < n ? ev[i].pos - 1 : top, tag);
	}
	free(ev);
}

void lists_paint(const struct nft_gen *g, int f, struct rangeset *out)
{
	struct rangeset all, outside, inside, painted;

	rangeset_init(out, f ? 6 : 4);
	if (!g->nlists) {
		rangeset_copy(out, &g->map[f]);
		return;
	}
	rangeset_init(&all, f ? 6 : 4);
	rangeset_init(&outside, f ? 6 : 4);
	rangeset_init(&inside, f ? 6 : 4);
	rangeset_init(&painted, f ? 6 : 4);
	for (size_t k = 0; k < g->nlists; k++)
		for (size_t i = 0; i < g->lists[k].set[f].n; i++)
			rangeset_add(&all, g->lists[k].set[f].v[i].lo,
				     g->lists[k].set[f].v[i].hi, 0);
	rangeset_normalize(&all);
	rangeset_subtract(&g->map[f], &all, &outside);
	rangeset_intersect(&g->map[f], &all, &inside);
	sweep(g, f, &inside, &painted);
	rangeset_normalize(&painted);
	rangeset_union(&outside, &painted, out);
	rangeset_free(&all);
	rangeset_free(&outside);
	rangeset_free(&inside);
	rangeset_free(&painted);
}

/* Lapse times compare with 0 (never) as the latest. */
static uint64_t lapse_key(uint32_t t)
{
	return t ? t : UINT64_MAX;
}

static int lapse_desc(const void *a, const void *b)
{
	uint64_t x = lapse_key(*(const uint32_t *)a);
	uint64_t y = lapse_key(*(const uint32_t *)b);

	return (x < y) - (x > y);
}

void lists_resolve(struct rangeset *s)
{
	struct rangeset out, part, one, taken;
	uint32_t *tags;
	size_t nt = 0;

	rangeset_normalize(s);
	if (s->n < 2)
		return;
	tags = xcalloc(s->n, sizeof(*tags));
	for (size_t i = 0; i < s->n; i++)
		if (!i || s->v[i].tag != s->v[i - 1].tag)
			tags[nt++] = s->v[i].tag;
	if (nt < 2) {
		free(tags);
		return;
	}
	qsort(tags, nt, sizeof(*tags), lapse_desc);
	rangeset_init(&out, s->family);
	/* latest lapse first: each tag keeps what no later one holds */
	for (size_t t = 0; t < nt; t++) {
		rangeset_init(&one, s->family);
		rangeset_init(&part, s->family);
		rangeset_init(&taken, s->family);
		for (size_t i = 0; i < s->n; i++)
			if (s->v[i].tag == tags[t])
				rangeset_add(&one, s->v[i].lo, s->v[i].hi,
					     tags[t]);
		rangeset_copy(&taken, &out);
		rangeset_flatten(&taken, 0);
		rangeset_subtract(&one, &taken, &part);
		rangeset_free(&one);
		rangeset_init(&one, s->family);
		rangeset_union(&out, &part, &one);
		rangeset_move(&out, &one);
		rangeset_free(&one);
		rangeset_free(&part);
		rangeset_free(&taken);
	}
	rangeset_move(s, &out);
	rangeset_free(&out);
	free(tags);
}

size_t lists_drop_lapsed(struct nft_gen *g, uint32_t now)
{
	size_t dropped = 0;

	for (size_t k = 0; k < g->nlists; k++)
		for (int f = 0; f < 2; f++) {
			struct rangeset *s = &g->lists[k].set[f];
			size_t o = 0;

			for (size_t i = 0; i < s->n; i++) {
				if (s->v[i].tag && s->v[i].tag <= now) {
					dropped++;
					continue;
				}
				s->v[o++] = s->v[i];
			}
			s->n = o;
		}
	return dropped;
}

uint32_t lists_next_lapse(const struct nft_list *l, size_t *n)
{
	uint32_t next = 0;
	size_t count = 0;

	for (int f = 0; f < 2; f++)
		for (size_t i = 0; i < l->set[f].n; i++) {
			uint32_t t = l->set[f].v[i].tag;

			if (!t)
				continue;
			count++;
			if (!next || t < next)
				next = t;
		}
	if (n)
		*n = count;
	return next;
}

char *lists_tag_name(const struct nft_gen *g, uint32_t tag, char *buf,
		     size_t n)
{
	size_t o;
	char cc[3];

	if (!(tag & NFT_LIST_TAG)) {
		snprintf(buf, n, "%s", cc_format(tag, cc));
		return buf;
	}
	o = (size_t)snprintf(buf, n, "list:");
	for (unsigned k = 0; k < MAX_LISTS && o < n; k++) {
		if (!(tag & (1u << k)))
			continue;
		if (buf[o - 1] != ':')
			o += (size_t)snprintf(buf + o, n - o, "+");
		if (o >= n)
			break;
		if (g && k < g->nlists)
			o += (size_t)snprintf(buf + o, n - o, "%s",
					      g->lists[k].name);
		else
			o += (size_t)snprintf(buf + o, n - o, "#%u", k);
	}
	return buf;
}
