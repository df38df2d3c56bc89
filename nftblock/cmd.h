/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd.h - the subcommands (one cmd_*.c file each) and their shared helpers.
 *
 * A command returns a sysexits(3) code; only main() exits.
 */
#ifndef NFTBLOCK_CMD_H
#define NFTBLOCK_CMD_H

#include <stdbool.h>
#include <stdio.h>
#include <sysexits.h>

#include "parse.h"

int cmd_feed_cidrs(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_check_config(int argc, char **argv);

struct conf;
/*
 * Load the configuration into c: path alone when given (--config), else
 * SYSCONFDIR/nftblock/nftblock.conf then conf.d/ *.conf in name order; then
 * the feed catalogue from feeds_dir, or the config's feeds-dir, or
 * DATADIR/nftblock/feeds and SYSCONFDIR/nftblock/feeds.d.  Returns 0, or
 * EX_CONFIG after printing "file:line: reason" (c is then freed).
 */
int cmd_load_config(const char *path, const char *feeds_dir, struct conf *c);

/* Have cmd_load_config() print each file it reads to f ("  config PATH",
 * "  feeds  PATH"); NULL: quiet (the default). */
void cmd_config_trace(FILE *f);
int cmd_apply(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_confirm(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_why(int argc, char **argv);
/* The resident mode: runs until SIGTERM/SIGINT (EX_OK), or returns
 * EX_CONFIG / EX_NOPERM / EX_UNAVAILABLE / EX_OSERR. */
int cmd_daemon(int argc, char **argv);

int cmd_stats(int argc, char **argv);
int cmd_status(int argc, char **argv);

/*
 * Load the configuration like cmd_load_config(): path when given; without
 * one, the default configuration only when its file exists (*loaded stays
 * false otherwise and 0 is returned).  Returns 0 or EX_CONFIG.
 */
int cmd_load_config_soft(const char *path, struct conf *c, bool *loaded);

struct nft_why;
/*
 * The report half of "why": with json the whole answer as one JSON object;
 * without, the line naming the source and download time of the country's
 * data (from c's cache-dir/sources; c may be NULL).  Returns a sysexits
 * code.
 */
int cmd_why_report(int family, u128 addr, const struct nft_why *w,
		   bool json, const struct conf *c);

/* Print the one-line usage of every command to f. */
void usage(FILE *f);

/*
 * Parse FILE arguments of format fmt into ctx: files are read with a size
 * cap, gunzipped when compressed, and a CIDR list argument "CC=path" tags its
 * ranges with country CC.  GeoLite2 locations files are parsed before blocks
 * files.  Returns 0, EX_DATAERR after printing "file:line: reason", or
 * EX_NOINPUT / EX_USAGE after printing why.
 */
int cmd_parse_files(struct parse_ctx *ctx, enum feed_format fmt, char **files,
		    int nfiles);

/* Parse a country code argument ("cn", "CN", "eu"); returns 0 or -EINVAL. */
int cmd_parse_country(const char *arg, uint32_t *tag);

#endif
