/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * update.h - the fetch stage of the pipeline: download what the
 * configuration needs, check it through the gates, keep the last good copy
 * in the cache.  Changes no firewall state and needs no privileges.
 *
 * Work is done in units: a world feed is one unit for all the countries it
 * is asked for; a per-country feed is one unit per country.  A unit is
 * accepted or refused as a whole.  Sources are tried in order of
 * preference: the countries of a refused unit go to the next source (a
 * fallback).  The chosen source of every country is recorded in
 * cache-dir/sources ("CC feed" lines) for the stages that follow.
 */
#ifndef NFTBLOCK_UPDATE_H
#define NFTBLOCK_UPDATE_H

#include <stdbool.h>
#include <stdio.h>

#include "cc.h"
#include "conf.h"

#define UPDATE_SOURCES_FILE	"sources"

struct update_result {
	unsigned fetched;	/* units downloaded and accepted */
	unsigned unchanged;	/* units whose files had not changed */
	unsigned refused;	/* units refused (download or gates) */
	unsigned fallbacks;	/* countries served by a later source */
	unsigned stale;		/* countries left on older good data */
	unsigned missing;	/* countries with no good data at all */
};

/*
 * Run the fetch stage for the countries in want.  One line per unit goes
 * to out ("NAME: fetched", "NAME: unchanged (304)"); refusals go to the
 * log as "NAME: refused: cause".  force lifts the size gates only.
 * Returns 0 when the stage ran (see res for how it went), -EAGAIN when
 * another run holds the cache lock, or -errno when the cache cannot be
 * used.
 */
int update_run(const struct conf *c, const struct ccset *want, bool force,
	       FILE *out, struct update_result *res);

/*
 * Offline: parse the last good cached copies of the sources recorded for
 * the countries in want (cache-dir/sources) and compile them into out[0]
 * (IPv4) and out[1] (IPv6), initialised by the caller: normal, one country
 * per address.  Countries with no recorded source are logged and counted
 * in *missing.  Returns 0, or -EBADMSG when a cached copy is missing or
 * does not parse (logged), or -errno.
 */
int update_load(const struct conf *c, const struct ccset *want,
		struct rangeset out[2], unsigned *missing);

/*
 * Fetch the feed of every [list:NAME] that has a url (feed section
 * "list:NAME", a plain list), each as one unit through the same gates and
 * cache as the country feeds.  Lines go to out as for update_run; a refused
 * list keeps its last good copy (res->stale) or has none (res->missing).
 * Returns 0, -EAGAIN when the cache is locked, or -errno.
 */
int update_lists(const struct conf *c, bool force, FILE *out,
		 struct update_result *res);

/*
 * Offline: the last good copies of the lists' feeds into out[0..1]
 * (initialised by the caller), tag: the list's index in c->lists; normal.
 * A list without a good copy is logged and counted in *missing.  Returns 0
 * or -errno.
 */
int update_load_lists(const struct conf *c, struct rangeset out[2],
		      unsigned *missing);

#endif
