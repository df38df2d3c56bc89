// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_sync.c - "sync", "plan", "rollback", "confirm": the configuration-
 * driven pipeline commands (sync.h does the work).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "genstore.h"
#include "log.h"
#include "sync.h"
#include "util.h"

/* Options the pipeline commands share. */
struct popts {
	const char *config, *feeds_dir;
	struct sync_opts so;
	bool fetch;		/* plan: download first */
};

enum { O_CONFIG = 256, O_FEEDS, O_FORCE, O_OFFLINE, O_CONFIRM, O_FETCH,
       O_MAXBATCH };

static const struct option all_opts[] = {
	{ "config", required_argument, NULL, O_CONFIG },
	{ "feeds-dir", required_argument, NULL, O_FEEDS },
	{ "force", no_argument, NULL, O_FORCE },
	{ "offline", no_argument, NULL, O_OFFLINE },
	{ "confirm", required_argument, NULL, O_CONFIRM },
	{ "fetch", no_argument, NULL, O_FETCH },
	{ "max-batch", required_argument, NULL, O_MAXBATCH },
	{ NULL, 0, NULL, 0 },
};

/*
 * Parse the options named in allowed (option values of all_opts, ended by
 * 0) into o.  Returns optind, or -1 on a usage error (printed).
 */
static int popts_parse(int argc, char **argv, const int *allowed,
		       struct popts *o)
{
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "", all_opts, NULL)) != -1) {
		size_t i = 0;

		while (allowed[i] && allowed[i] != c)
			i++;
		if (!allowed[i])
			return -1;
		switch (c) {
		case O_CONFIG:
			o->config = optarg;
			break;
		case O_FEEDS:
			o->feeds_dir = optarg;
			break;
		case O_FORCE:
			o->so.force = true;
			break;
		case O_OFFLINE:
			o->so.offline = true;
			break;
		case O_FETCH:
			o->fetch = true;
			break;
		case O_CONFIRM:
		case O_MAXBATCH:
			if (util_parse_u64(optarg, strlen(optarg), c ==
					   O_CONFIRM ? MAX_CONFIRM_SECONDS :
					   SIZE_MAX, &v) || (c == O_CONFIRM && !v)) {
				log_err("bad number '%s'", optarg);
				return -1;
			}
			if (c == O_CONFIRM)
				o->so.confirm = (unsigned)v;
			else
				o->so.nft.max_batch = (size_t)v;
			break;
		}
	}
	return optind;
}

static int usage_of(const char *cmd, const char *args)
{
	fprintf(stderr, "Usage: nftblock %s %s\n", cmd, args);
	return EX_USAGE;
}

int cmd_sync(int argc, char **argv)
{
	static const int allowed[] = { O_CONFIG, O_FEEDS, O_FORCE, O_OFFLINE,
				       O_CONFIRM, O_MAXBATCH, 0 };
	struct popts o = { 0 };
	struct conf c;
	int ret;

	if (popts_parse(argc, argv, allowed, &o) != argc)
		return usage_of("sync", "[--config FILE] [--feeds-dir DIR] "
				"[--offline] [--force] [--confirm SECONDS]");
	ret = cmd_load_config(o.config, o.feeds_dir, &c);
	if (ret)
		return ret;
	ret = sync_run(&c, &o.so, stdout);
	conf_free(&c);
	return ret;
}

int cmd_plan(int argc, char **argv)
{
	static const int allowed[] = { O_CONFIG, O_FEEDS, O_FETCH, 0 };
	struct popts o = { 0 };
	struct conf c;
	int ret;

	if (popts_parse(argc, argv, allowed, &o) != argc)
		return usage_of("plan", "[--config FILE] [--feeds-dir DIR] "
				"[--fetch]");
	ret = cmd_load_config(o.config, o.feeds_dir, &c);
	if (ret)
		return ret;
	o.so.plan = true;
	o.so.offline = !o.fetch;
	ret = sync_run(&c, &o.so, stdout);
	conf_free(&c);
	return ret;
}

int cmd_rollback(int argc, char **argv)
{
	static const int allowed[] = { O_CONFIG, O_FORCE, O_CONFIRM, 0 };
	uint32_t ids[MAX_GENERATIONS], cur = 0;
	struct popts o = { 0 };
	uint64_t back = 1;
	struct conf c;
	int i, n, ret;

	i = popts_parse(argc, argv, allowed, &o);
	if (i < 0 || argc - i > 1 || (argc - i == 1 &&
	    (util_parse_u64(argv[i], strlen(argv[i]), MAX_GENERATIONS, &back) ||
	     !back)))
		return usage_of("rollback", "[--config FILE] [--force] "
				"[--confirm SECONDS] [N]");
	ret = cmd_load_config(o.config, NULL, &c);
	if (ret)
		return ret;
	n = genstore_list(c.state_dir, ids);
	genstore_current(c.state_dir, &cur);
	for (i = n - 1; i >= 0 && ids[i] > cur; i--)
		;
	if (i - (int)back < 0) {
		log_err("%s: no generation %llu before the current one (%u "
			"stored)", c.state_dir, (unsigned long long)back,
			n > 0 ? (unsigned)n : 0);
		ret = EX_NOINPUT;
	} else {
		ret = sync_apply_stored(c.state_dir, ids[i - (int)back], &o.so,
					stdout);
	}
	conf_free(&c);
	return ret;
}

int cmd_confirm(int argc, char **argv)
{
	static const int allowed[] = { O_CONFIG, 0 };
	struct popts o = { 0 };
	struct conf c;
	int ret;

	if (popts_parse(argc, argv, allowed, &o) != argc)
		return usage_of("confirm", "[--config FILE]");
	ret = cmd_load_config(o.config, NULL, &c);
	if (ret)
		return ret;
	ret = sync_confirm(c.state_dir, stdout);
	conf_free(&c);
	return ret;
}
