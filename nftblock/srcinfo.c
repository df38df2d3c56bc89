// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srcinfo.c - the source and download time of each country's data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cc.h"
#include "srcinfo.h"
#include "update.h"
#include "util.h"

/* A feed name as the sources file may hold it: a short printable word. */
static bool feed_name_ok(const char *s, size_t n)
{
	if (!n || n >= MAX_FEED_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '/')
			return false;
	return true;
}

/* The oldest download time of the cached files KEY.0, KEY.1, ... */
static int64_t oldest_fetch(const char *dir, const char *key)
{
	struct cache_meta m;
	char k[MAX_FEED_NAME + 16];
	int64_t t = 0;

	for (unsigned i = 0; i < 2 * MAX_FEED_URLS; i++) {
		snprintf(k, sizeof(k), "%s.%u", key, i);
		if (cache_meta_read(dir, k, &m))
			break;
		if (!t || m.fetched < t)
			t = m.fetched;
	}
	return t;
}

static void fill(const struct conf *c, struct src_cc *e)
{
	const struct conf_feed *f = conf_feed_find(c, e->feed);
	char key[MAX_FEED_NAME + 8], cc[3];

	cc_format(e->tag, cc);
	snprintf(key, sizeof(key), "%s.%s", e->feed, cc);
	/* a per-country feed's key names the country; a world feed's not */
	if (!f || conf_feed_scope(f) != SCOPE_WORLD)
		e->fetched = oldest_fetch(c->cache_dir, key);
	if (!e->fetched && (!f || conf_feed_scope(f) == SCOPE_WORLD))
		e->fetched = oldest_fetch(c->cache_dir, e->feed);
}

int srcinfo_load(const struct conf *c, struct srcinfo *si)
{
	const char *l;
	size_t len, pos = 0, n;
	char *buf;
	uint32_t tag;
	int ret;

	si->n = 0;
	ret = cache_read_file(c->cache_dir, UPDATE_SOURCES_FILE,
			      MAX_COUNTS_BYTES, &buf, &len);
	if (ret)
		return ret;
	while ((l = util_next_line(buf, len, &pos, &n)) &&
	       si->n < MAX_COUNTRIES) {
		struct src_cc *e = &si->v[si->n];

		if (n < 4 || l[2] != ' ' || !feed_name_ok(l + 3, n - 3))
			continue;
		if (cc_parse(l, 2, &tag) > CC_REGION || srcinfo_find(si, tag))
			continue;
		memset(e, 0, sizeof(*e));
		e->tag = tag;
		memcpy(e->feed, l + 3, n - 3);
		fill(c, e);
		si->n++;
	}
	free(buf);
	return 0;
}

const struct src_cc *srcinfo_find(const struct srcinfo *si, uint32_t tag)
{
	for (size_t i = 0; i < si->n; i++)
		if (si->v[i].tag == tag)
			return &si->v[i];
	return NULL;
}
