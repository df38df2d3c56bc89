// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_fetch.c - "nftblock fetch": download what the configuration needs,
 * check it through the gates and keep the last good copy in the cache.
 * Changes no firewall state; needs no privileges.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "log.h"
#include "sync.h"

static int fetch_usage(FILE *f, int ret)
{
	fprintf(f, "Usage: nftblock fetch [--config FILE] [--feeds-dir DIR] "
		"[--force]\n");
	return ret;
}

/* The countries the configuration needs: block and allow lists, with
 * their regions and continents expanded. */
static void wanted(const struct conf *c, struct ccset *want)
{
	ccset_init(want, false);
	conf_countries_expand(&c->block, want);
	conf_countries_expand(&c->allow, want);
}

static int run(const struct conf *c, bool force)
{
	struct ccset want;
	uint32_t tags[MAX_COUNTRIES];
	int ret;

	wanted(c, &want);
	if (ccset_list(&want, tags) == 0) {
		printf("nothing to fetch: no countries in [block] or [allow]\n");
		return EX_OK;
	}
	/* downloading and parsing happen in an unprivileged child */
	ret = sync_fetch(c, force, stdout);
	if (fflush(stdout) || ferror(stdout))
		return EX_IOERR;
	return ret;
}

int cmd_fetch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "feeds-dir", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *feeds_dir = NULL;
	bool force = false;
	struct conf c;
	int ch, ret;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config = optarg;
			break;
		case 'd':
			feeds_dir = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			return fetch_usage(stdout, EX_OK);
		default:
			return fetch_usage(stderr, EX_USAGE);
		}
	}
	if (optind != argc)
		return fetch_usage(stderr, EX_USAGE);
	ret = cmd_load_config(config, feeds_dir, &c);
	if (ret)
		return ret;
	ret = run(&c, force);
	conf_free(&c);
	return ret;
}
