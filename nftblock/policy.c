// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policy.c - the configuration's policy as a generation's fields (see
 * policy.h).
 */
#include <stdio.h>
#include <string.h>

#include "compile.h"
#include "lists.h"
#include "policy.h"

unsigned policy_dirs(enum conf_direction d)
{
	return (d & DIR_IN ? NFT_DIR_IN : 0) |
	       (d & DIR_OUT ? NFT_DIR_OUT : 0) |
	       (d & DIR_FORWARD ? NFT_DIR_FWD : 0);
}

static void policy_log(const struct conf_log *cl, struct nft_log *l)
{
	memset(l, 0, sizeof(*l));
	l->on = cl->drops;
	/* conf.c bounds the prefix to MAX_LOG_PREFIX_BYTES */
	snprintf(l->prefix, sizeof(l->prefix), "%s",
		 cl->prefix ? cl->prefix : "");
	l->rate = cl->rate;
	l->per = cl->per;
	l->burst = cl->burst;
	l->level = cl->level;
}

/* A list's name and scope, and its inline entries (tag: until). */
static void policy_list(const struct conf_list *cl, struct nft_list *l)
{
	snprintf(l->name, sizeof(l->name), "%s", cl->name);
	l->nports = cl->nports;
	for (size_t i = 0; i < cl->nports; i++)
		l->ports[i] = (struct nft_port){ cl->ports[i].proto,
						 cl->ports[i].lo,
						 cl->ports[i].hi };
	l->protos = (cl->protos & PROTO_TCP ? NFT_PROTO_TCP : 0) |
		    (cl->protos & PROTO_UDP ? NFT_PROTO_UDP : 0) |
		    (cl->protos & PROTO_ICMP ? NFT_PROTO_ICMP : 0);
	for (int f = 0; f < 2; f++) {
		rangeset_copy(&l->set[f], &cl->addrs[f]);
		lists_resolve(&l->set[f]);
	}
}

void policy_from_conf(const struct conf *c, struct nft_gen *g)
{
	bool deny = c->block_addrs[0].n || c->block_addrs[1].n;

	g->dirs = c->block.any || deny || c->nlists ?
		  policy_dirs(c->block.direction) : 0;
	g->nlists = c->nlists < MAX_LISTS ? c->nlists : MAX_LISTS;
	for (size_t k = 0; k < g->nlists; k++)
		policy_list(&c->lists[k], &g->lists[k]);
	g->permit_dirs = c->allow.any ? policy_dirs(c->allow.direction) : 0;
	for (int f = 0; f < 2; f++) {
		for (size_t i = 0; i < c->except[f].n; i++)
			rangeset_add(&g->allow[f], c->except[f].v[i].lo,
				     c->except[f].v[i].hi, 0);
		rangeset_flatten(&g->allow[f], 0);
		rangeset_copy(&g->deny[f], &c->block_addrs[f]);
		rangeset_flatten(&g->deny[f], 0);
	}
	g->nports = c->nports < MAX_CONF_PORTS ? c->nports : MAX_CONF_PORTS;
	for (size_t i = 0; i < g->nports; i++)
		g->ports[i] = (struct nft_port){ c->ports[i].proto,
						 c->ports[i].lo,
						 c->ports[i].hi };
	policy_log(&c->log, &g->log);
	g->early = c->block_early;
}

/* Allowed in allow-list mode: the permit ranges or a never-block range. */
static bool permitted(const struct nft_gen *g, int family, u128 addr)
{
	struct rangeset never;
	bool in;

	if (rangeset_lookup(&g->permit[family == 6], addr))
		return true;
	compile_neverblock(family, &never);
	in = rangeset_lookup(&never, addr) != NULL;
	rangeset_free(&never);
	return in;
}

/* The lists and the countries, in the painting's order (lists.h). */
static enum policy_verdict list_verdict(const struct nft_gen *g, int f,
					u128 addr, uint32_t *tag)
{
	const struct range *r = rangeset_lookup(&g->map[f], addr);
	uint32_t scoped = 0;

	for (size_t k = 0; k < g->nlists; k++) {
		if (!rangeset_lookup(&g->lists[k].set[f], addr))
			continue;
		if (!lists_scoped(&g->lists[k])) {
			if (tag)
				*tag = NFT_LIST_TAG | 1u << k;
			return POLICY_LIST;
		}
		scoped |= 1u << k;
	}
	if (r || scoped) {
		if (tag)
			*tag = r ? r->tag : NFT_LIST_TAG | scoped;
		return r ? POLICY_COUNTRY : POLICY_SCOPED;
	}
	return POLICY_ACCEPT;
}

enum policy_verdict policy_verdict(const struct nft_gen *g, int family,
				   u128 addr, unsigned dir, uint32_t *tag)
{
	int f = family == 6;
	enum policy_verdict v;

	if (rangeset_lookup(&g->allow[f], addr))
		return POLICY_EXCEPTION;
	if (g->dirs & dir) {
		if (rangeset_lookup(&g->deny[f], addr))
			return POLICY_DENY;
		v = list_verdict(g, f, addr, tag);
		if (v != POLICY_ACCEPT)
			return v;
	}
	/* a family without allowed ranges is not filtered */
	if ((g->permit_dirs & dir) && g->permit[f].n &&
	    !permitted(g, family, addr))
		return POLICY_NOTALLOWED;
	return POLICY_ACCEPT;
}
