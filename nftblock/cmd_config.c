// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_config.c - read the configuration files and the feed catalogue for
 * the commands: nftblock.conf then the conf.d/ .conf files in name order (or the one
 * --config FILE), then the catalogue's *.feed files.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "log.h"
#include "util.h"

#define CONF_DIR	NFTBLOCK_SYSCONFDIR "/nftblock"
#define FEEDS_SHIPPED	NFTBLOCK_DATADIR "/nftblock/feeds"
#define FEEDS_LOCAL	CONF_DIR "/feeds.d"

static FILE *trace;

void cmd_config_trace(FILE *f)
{
	trace = f;
}

static int load_file(struct conf *c, const char *path, unsigned flags,
		     bool follow)
{
	char err[MAX_ERR_BYTES * 2];
	size_t len;
	char *buf;
	int ret;

	ret = util_read_file(path, MAX_CONF_BYTES, follow, &buf, &len);
	if (ret) {
		log_err("%s: %s", path, ret == -EFBIG ? "file too large" :
			strerror(-ret));
		return EX_CONFIG;
	}
	ret = conf_parse(c, path, buf, len, flags, err, sizeof(err));
	free(buf);
	if (ret) {
		log_err("%s", err);
		return EX_CONFIG;
	}
	if (trace)
		fprintf(trace, "  %s %s\n",
			flags & CONF_CATALOGUE ? "feeds " : "config", path);
	return 0;
}

static int has_suffix(const struct dirent *d, const char *sfx)
{
	size_t l = strlen(d->d_name), s = strlen(sfx);

	return d->d_name[0] != '.' && l > s && !strcmp(d->d_name + l - s, sfx);
}

static int is_conf(const struct dirent *d)
{
	return has_suffix(d, ".conf");
}

static int is_feed(const struct dirent *d)
{
	return has_suffix(d, ".feed");
}

/* Every matching file of dir in name order; a missing dir is empty. */
static int load_dir(struct conf *c, const char *dir,
		    int (*match)(const struct dirent *), unsigned flags)
{
	struct dirent **ents;
	char path[4096];
	int n, ret = 0;

	n = scandir(dir, &ents, match, alphasort);
	if (n < 0)
		return errno == ENOENT ? 0 : (log_err("%s: %s", dir,
						      strerror(errno)), EX_CONFIG);
	for (int i = 0; i < n; i++) {
		if (!ret && (size_t)i >= MAX_CONF_FILES) {
			log_err("%s: more than %u files", dir, MAX_CONF_FILES);
			ret = EX_CONFIG;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (!ret)
			ret = load_file(c, path, flags, false);
		free(ents[i]);
	}
	free(ents);
	return ret;
}

static int load_catalogue(struct conf *c, const char *feeds_dir)
{
	struct conf cat;
	char err[MAX_ERR_BYTES * 2];
	int ret;

	conf_init(&cat);
	if (feeds_dir) {
		ret = load_dir(&cat, feeds_dir, is_feed, CONF_CATALOGUE);
	} else {
		ret = load_dir(&cat, FEEDS_SHIPPED, is_feed, CONF_CATALOGUE);
		if (!ret)
			ret = load_dir(&cat, FEEDS_LOCAL, is_feed,
				       CONF_CATALOGUE);
	}
	if (!ret)
		conf_merge_catalogue(c, &cat);
	conf_free(&cat);
	if (!ret && conf_check(c, err, sizeof(err))) {
		log_err("%s", err);
		ret = EX_CONFIG;
	}
	return ret;
}

int cmd_load_config(const char *path, const char *feeds_dir, struct conf *c)
{
	int ret;

	conf_init(c);
	if (path) {
		ret = load_file(c, path, 0, true);
	} else {
		ret = load_file(c, CONF_DIR "/nftblock.conf", 0, false);
		if (!ret)
			ret = load_dir(c, CONF_DIR "/conf.d", is_conf, 0);
	}
	if (!ret)
		ret = load_catalogue(c, feeds_dir ? feeds_dir : c->feeds_dir);
	if (ret)
		conf_free(c);
	return ret;
}
