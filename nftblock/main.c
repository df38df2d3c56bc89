// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - command dispatch.  Commands are matched exactly by name.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "defs.h"

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("nftblock %s\n", NFTBLOCK_VERSION);
	return EX_OK;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return EX_OK;
}

static const struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *summary;
} cmds[] = {
	{ "feed-cidrs", cmd_feed_cidrs,
	  "--format FMT [--family 4|6] [--country CC]... FILE...",
	  "print a feed's aggregated prefixes" },
	{ "sync", cmd_sync,
	  "[--config FILE] [--feeds-dir DIR] [--offline] [--force] "
	  "[--confirm SECONDS]",
	  "fetch, compile, store and apply a new generation" },
	{ "plan", cmd_plan, "[--config FILE] [--feeds-dir DIR] [--fetch]",
	  "show what sync would change per country; change nothing" },
	{ "fetch", cmd_fetch, "[--config FILE] [--feeds-dir DIR] [--force]",
	  "download and check the feeds, keep the last good copy" },
	{ "check-config", cmd_check_config,
	  "[--config FILE] [--feeds-dir DIR]",
	  "check the configuration, print a summary, change nothing" },
	{ "apply", cmd_apply,
	  "[--config FILE] [--state-dir DIR] [--force] [--confirm SECONDS] "
	  "[--format FMT FILE... [--country CC]... [--direction DIR] "
	  "[--allow ADDR]...] [--permit FILE]... [--permit-format FMT]",
	  "apply the current stored generation, or local feed files" },
	{ "rollback", cmd_rollback,
	  "[--config FILE] [--force] [--confirm SECONDS] [N]",
	  "apply the generation N steps before the current one" },
	{ "confirm", cmd_confirm, "[--config FILE]",
	  "keep what an apply with --confirm did" },
	{ "disable", cmd_disable, "[--config FILE] [--state-dir DIR]",
	  "remove table inet nftblock and keep it off until enable" },
	{ "enable", cmd_enable, "[--config FILE] [--state-dir DIR]",
	  "turn nftblock back on: apply the current stored generation" },
	{ "dump", cmd_dump, "[--state-dir DIR]",
	  "print the kernel's ranges per country" },
	{ "why", cmd_why, "[--config FILE] [--json] ADDR",
	  "explain the kernel's verdict for ADDR" },
	{ "stats", cmd_stats, "[--config FILE] [--json | --prometheus]",
	  "print the kernel's packet and byte counters per country" },
	{ "status", cmd_status, "[--config FILE] [--json]",
	  "show configuration, feeds, kernel state and the last run" },
	{ "daemon", cmd_daemon,
	  "[--config FILE] [--feeds-dir DIR] [--interval SECONDS]",
	  "resident mode: restore the table at once, sync on a schedule" },
	{ "version", cmd_version, "", "print the version" },
	{ "help", cmd_help, "", "show this help" },
};

void usage(FILE *f)
{
	fprintf(f, "Usage: nftblock COMMAND [OPTIONS]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s%s%s\n      %s\n", cmds[i].name,
			*cmds[i].args ? " " : "", cmds[i].args,
			cmds[i].summary);
	fprintf(f, "\nFormats: cidr rir csv ip2location torgeoip maxmind\n");
}

/* Blocks from this size get their own mapping (see main). */
#define MMAP_THRESHOLD_BYTES	(256u << 10)

int main(int argc, char **argv)
{
	/* world-sized range sets and netlink batches in their own mappings,
	 * given back when freed: by default glibc raises this threshold to
	 * the size of the first such block freed, and the next ones then
	 * stay resident in the heap after their free (apply: ~7 MiB) */
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "nftblock: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EX_USAGE;
}
