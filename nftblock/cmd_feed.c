// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_feed.c - "nftblock feed-cidrs": the address core on the command line.
 *
 * Parses feed files, selects the chosen countries exactly as a sync would
 * (merge, never-block removal) and prints their union as canonical prefixes
 * in address order.  Overlaps between countries do not matter to a union.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "compile.h"
#include "log.h"

/* Lists given without a country (FMT_CIDR, no CC=) carry this tag inside
 * feed-cidrs so that compile keeps them; ZZ is never a feed's country. */
#define UNTAGGED	CC_TAG('Z', 'Z')

static void print_set(const struct rangeset *s, FILE *f)
{
	struct cidr c[MAX_CIDRS_PER_RANGE];
	char buf[CIDR_STRLEN];

	for (size_t i = 0; i < s->n; i++) {
		size_t n = cidr_from_range(s->family, s->v[i].lo, s->v[i].hi, c,
					   MAX_CIDRS_PER_RANGE);

		for (size_t k = 0; k < n; k++) {
			fputs(cidr_format(&c[k], buf), f);
			fputc('\n', f);
		}
	}
}

static void report(const char *fam, const struct compile_report *rep)
{
	char cc[3];

	if (rep->bogon_ranges)
		log_warn("IPv%s: removed %zu special-purpose range(s) from the "
			 "feed (first in: %s)", fam, rep->bogon_ranges,
			 rep->bogon_first_cc == UNTAGGED ? "a list without "
			 "country" : cc_format(rep->bogon_first_cc, cc));
	if (rep->overlaps)
		log_warn("IPv%s: %zu range(s) claimed by several countries, "
			 "given to the most specific claim", fam, rep->overlaps);
}

static int feed_usage(void)
{
	fprintf(stderr, "Usage: nftblock feed-cidrs --format FMT [--family 4|6] "
		"[--country CC]... FILE...\n");
	return EX_USAGE;
}

int cmd_feed_cidrs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "family", required_argument, NULL, '4' },
		{ "country", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum feed_format fmt = FMT_CIDR;
	struct parse_ctx ctx;
	struct ccset want;
	struct rangeset map;
	struct compile_report rep;
	bool any_country = false, have_fmt = false;
	unsigned families = 3;
	int c, ret;
	uint32_t tag;

	ccset_init(&want, false);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_format_from_name(optarg, &fmt)) {
				log_err("unknown format '%s'", optarg);
				return EX_USAGE;
			}
			have_fmt = true;
			break;
		case '4':
			if (strcmp(optarg, "4") && strcmp(optarg, "6")) {
				log_err("--family takes 4 or 6");
				return EX_USAGE;
			}
			families = optarg[0] == '4' ? 1 : 2;
			break;
		case 'c':
			if (cmd_parse_country(optarg, &tag)) {
				log_err("'%s' is not a country code", optarg);
				return EX_USAGE;
			}
			ccset_add(&want, tag);
			any_country = true;
			break;
		case 'h':
			feed_usage();
			return EX_OK;
		default:
			return feed_usage();
		}
	}
	if (!have_fmt || optind >= argc)
		return feed_usage();
	if (!any_country)
		ccset_init(&want, true);

	parse_ctx_init(&ctx, NULL);
	ctx.families = families;
	ret = cmd_parse_files(&ctx, fmt, argv + optind, argc - optind);
	if (ret)
		goto out;
	for (int f = 0; f < 2; f++) {
		if (!(families & (1u << f)))
			continue;
		/* untagged (tag 0) lists: keep them alongside the countries */
		for (size_t i = 0; i < ctx.out[f].n; i++)
			if (ctx.out[f].v[i].tag == 0)
				ctx.out[f].v[i].tag = UNTAGGED;
		ccset_add(&want, UNTAGGED);
		compile_union(&ctx.out[f], &want, &map, &rep);
		report(f ? "6" : "4", &rep);
		print_set(&map, stdout);
		rangeset_free(&map);
	}
	if (fflush(stdout) || ferror(stdout)) {
		log_err("write error on standard output");
		ret = EX_IOERR;
	}
out:
	parse_ctx_free(&ctx);
	return ret;
}
