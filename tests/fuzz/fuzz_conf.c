// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_conf.c - the configuration parser on hostile text, the way nftblock
 * reads it: as a feed catalogue (CONF_CATALOGUE), as a configuration, and
 * as a configuration merged with the catalogue parsed from the same bytes;
 * then the whole is checked and the country lists expanded.
 *
 * Invariants: conf_parse returns 0 or -EINVAL, a failure says why in a
 * NUL-terminated message; a catalogue holds only [feed:NAME] sections (no
 * countries, exceptions or sources); every feed found by its name is that
 * feed.  Must never crash or leak.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

static int parse(struct conf *c, const uint8_t *data, size_t size,
		 unsigned flags)
{
	char err[MAX_ERR_BYTES * 2];
	int ret;

	memset(err, 'x', sizeof(err));
	err[0] = 0;
	ret = conf_parse(c, "fuzz.conf", (const char *)data, size, flags, err,
			 sizeof(err));
	if (ret != 0 && ret != -EINVAL)
		abort();
	if (ret && (!err[0] || !memchr(err, 0, sizeof(err))))
		abort();
	return ret;
}

static void check_feeds(const struct conf *c)
{
	for (size_t i = 0; i < c->nfeeds; i++)
		if (!c->feeds[i].name ||
		    conf_feed_find(c, c->feeds[i].name) != &c->feeds[i])
			abort();
}

static void use(struct conf *c)
{
	char err[MAX_ERR_BYTES * 2];
	struct ccset all;

	check_feeds(c);
	if (conf_check(c, err, sizeof(err)) && !err[0])
		abort();
	ccset_init(&all, false);
	conf_countries_expand(&c->block, &all);
	conf_countries_expand(&c->allow, &all);
	conf_direction_name(c->block.direction);
	conf_direction_name(c->allow.direction);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf cat, c;

	log_set_level(LOG_LVL_ERR);
	conf_init(&cat);
	if (!parse(&cat, data, size, CONF_CATALOGUE)) {
		if (cat.block.any || cat.allow.any || cat.except[0].n ||
		    cat.except[1].n || cat.nports)
			abort();
		check_feeds(&cat);
	}
	conf_init(&c);
	if (!parse(&c, data, size, 0)) {
		conf_merge_catalogue(&c, &cat);
		use(&c);
	}
	conf_free(&c);
	conf_free(&cat);
	return 0;
}
