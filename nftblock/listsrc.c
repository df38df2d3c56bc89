// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * listsrc.c - the entries of the named lists (see listsrc.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lists.h"
#include "listsrc.h"
#include "log.h"
#include "seen.h"
#include "util.h"

static int list_file(const char *path, struct nft_list *l, char *err,
		     size_t errlen)
{
	const char *line;
	size_t pos = 0, len, n = 0, ln = 0;
	char *buf, b[MAX_ERR_BYTES];
	struct cidr cd;
	uint32_t until;
	int ret;

	ret = util_read_file(path, MAX_FEED_BYTES, true, &buf, &len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	while ((line = util_next_line(buf, len, &pos, &n))) {
		const char *hash = memchr(line, '#', n);

		ln++;
		if (hash)
			n = (size_t)(hash - line);
		line = util_trim(line, &n);
		if (!n)
			continue;
		if (conf_list_entry(line, n, &cd, &until)) {
			snprintf(err, errlen, "%s:%zu: '%s' is not ADDR[/LEN] "
				 "[until YYYY-MM-DD]", path, ln,
				 log_escape(line, n, b, sizeof(b)));
			ret = -EINVAL;
			break;
		}
		if (l->set[cd.family == 6].n >= MAX_LIST_ENTRIES) {
			snprintf(err, errlen, "%s:%zu: more than %u entries",
				 path, ln, MAX_LIST_ENTRIES);
			ret = -EINVAL;
			break;
		}
		rangeset_add_cidr(&l->set[cd.family == 6], &cd, until);
	}
	free(buf);
	return ret;
}

int listsrc_files(const struct conf *c, struct nft_gen *g, char *err,
		  size_t errlen)
{
	int ret;

	for (size_t k = 0; k < g->nlists && k < c->nlists; k++) {
		for (size_t i = 0; i < c->lists[k].nfiles; i++) {
			ret = list_file(c->lists[k].files[i], &g->lists[k],
					err, errlen);
			if (ret)
				return ret;
		}
		lists_resolve(&g->lists[k].set[0]);
		lists_resolve(&g->lists[k].set[1]);
	}
	return 0;
}

void listsrc_merge(const struct conf *c, const struct rangeset cc[2],
		   const struct rangeset feed[2], struct nft_gen *g)
{
	for (size_t k = 0; k < g->nlists && k < c->nlists; k++) {
		struct ccset want;

		ccset_init(&want, false);
		conf_countries_expand(&c->lists[k].countries, &want);
		for (int f = 0; f < 2; f++) {
			struct rangeset *s = &g->lists[k].set[f];

			for (size_t i = 0; i < cc[f].n; i++)
				if (c->lists[k].countries.any &&
				    ccset_has(&want, cc[f].v[i].tag))
					rangeset_add(s, cc[f].v[i].lo,
						     cc[f].v[i].hi, 0);
			for (size_t i = 0; i < feed[f].n; i++)
				if (feed[f].v[i].tag == k)
					rangeset_add(s, feed[f].v[i].lo,
						     feed[f].v[i].hi, 0);
			lists_resolve(s);
		}
	}
}

/* Untimed entries of s lapse at first-seen + expire (from first). */
static void time_entries(struct rangeset *s, const struct rangeset *first,
			 uint32_t expire)
{
	struct rangeset untimed, timed, seen, one;
	uint64_t t;

	rangeset_init(&untimed, s->family);
	rangeset_init(&timed, s->family);
	rangeset_init(&seen, s->family);
	for (size_t i = 0; i < s->n; i++)
		rangeset_add(s->v[i].tag ? &timed : &untimed, s->v[i].lo,
			     s->v[i].hi, s->v[i].tag);
	rangeset_normalize(&untimed);
	rangeset_normalize(&timed);
	/* the first-seen pieces of the untimed entries, tag: first seen */
	rangeset_intersect(first, &untimed, &seen);
	for (size_t i = 0; i < seen.n; i++) {
		t = (uint64_t)seen.v[i].tag + expire;
		seen.v[i].tag = t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
	}
	rangeset_normalize(&seen);
	rangeset_init(&one, s->family);
	rangeset_union(&timed, &seen, &one);
	rangeset_move(s, &one);
	lists_resolve(s);
	rangeset_free(&one);
	rangeset_free(&untimed);
	rangeset_free(&timed);
	rangeset_free(&seen);
}

int listsrc_expire(const struct conf *c, struct nft_gen *g,
		   const char *state_dir, uint32_t now, bool save,
		   size_t *lapsed)
{
	const char *names[MAX_LISTS];
	struct seendb db;
	int ret;

	*lapsed = 0;
	ret = seendb_load(state_dir, &db);
	if (ret == -EBADMSG) {
		log_warn("%s/%s: corrupt first-seen records; every list entry "
			 "counts as new from now", state_dir, SEEN_FILE);
		seendb_init(&db);
	} else if (ret) {
		return ret;
	}
	for (size_t k = 0; k < g->nlists && k < c->nlists; k++) {
		struct seen_list *sl;

		names[k] = g->lists[k].name;
		sl = seendb_update(&db, g->lists[k].name, g->lists[k].set, now);
		/* names and counts are bounded as seen.c wants; never NULL */
		if (!sl || !c->lists[k].expire)
			continue;
		for (int f = 0; f < 2; f++)
			time_entries(&g->lists[k].set[f], &sl->first[f],
				     c->lists[k].expire);
	}
	seendb_retain(&db, names, g->nlists < c->nlists ? g->nlists :
		      c->nlists);
	*lapsed = lists_drop_lapsed(g, now);
	ret = save ? seendb_save(state_dir, &db) : 0;
	if (ret == -EFBIG) {	/* too many entries to record: none lapses */
		log_warn("%s/%s: the lists hold more entries than can be "
			 "recorded; their expiry is not tracked", state_dir,
			 SEEN_FILE);
		ret = 0;
	}
	seendb_free(&db);
	return ret;
}
