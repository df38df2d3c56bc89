// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_kernel.c - "apply", "disable", "dump", "why": the kernel commands.
 *
 * The text front end: feed files are parsed and compiled here; nft.c gets
 * validated binary range sets only.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "compile.h"
#include "conf.h"
#include "lists.h"
#include "log.h"
#include "nft.h"
#include "policy.h"
#include "state.h"
#include "sync.h"
#include "util.h"
#include "xmalloc.h"

#define DEFAULT_STATE_DIR	"/var/lib/nftblock"

/* Settings the kernel commands share (the config file will fill these). */
struct kopts {
	const char *state_dir;
	const char *config;
	bool config_ok;		/* --config is accepted */
};

static int parse_dir(const char *s, unsigned *dirs)
{
	static const struct { const char *name; unsigned bits; } t[] = {
		{ "in", NFT_DIR_IN }, { "out", NFT_DIR_OUT },
		{ "both", NFT_DIR_IN | NFT_DIR_OUT }, { "forward", NFT_DIR_FWD },
		{ "all", NFT_DIR_IN | NFT_DIR_OUT | NFT_DIR_FWD },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(s, t[i].name)) {
			*dirs = t[i].bits;
			return 0;
		}
	return -EINVAL;
}

static int parse_allow(const char *s, struct nft_gen *g)
{
	struct cidr c;
	u128 lo, hi;

	if (cidr_parse(s, strlen(s), true, &c))
		return -EINVAL;
	cidr_to_range(&c, &lo, &hi);
	rangeset_add(&g->allow[c.family == 6], lo, hi, 0);
	return 0;
}

/* Ranges with the lowest address first: the order the kernel gets them. */
static int apply_usage(void)
{
	fprintf(stderr, "Usage: nftblock apply [--config FILE] [--state-dir DIR] "
		"[--force] [--confirm SECONDS]\n"
		"       nftblock apply --format FMT FILE... "
		"[--country CC]... [--direction in|out|both|forward|all]\n"
		"                      [--allow ADDR[/LEN]]... "
		"[--state-dir DIR] [--force] [--confirm SECONDS]\n"
		"                      [--config FILE] [--permit FILE]... "
		"[--permit-format FMT]\n");
	return EX_USAGE;
}

/* Parse and compile the feed files into g's maps. */
static int build_gen(enum feed_format fmt, char **files, int nfiles,
		     const struct ccset *want, bool any_country,
		     struct nft_gen *g)
{
	struct compile_report rep;
	struct parse_ctx ctx;
	struct ccset named;
	int ret;

	parse_ctx_init(&ctx, NULL);
	ret = cmd_parse_files(&ctx, fmt, files, nfiles);
	/* CC=FILE names its country, even a region such as AP */
	ccset_init(&named, false);
	for (int f = 0; f < 2 && !ret && fmt == FMT_CIDR && !any_country; f++)
		for (size_t i = 0; i < ctx.out[f].n; i++)
			ccset_add(&named, ctx.out[f].v[i].tag);
	if (fmt == FMT_CIDR && !any_country) {
		want = &named;
		any_country = true;
	}
	for (int f = 0; f < 2 && !ret; f++) {
		for (size_t i = 0; i < ctx.out[f].n; i++) {
			if (ctx.out[f].v[i].tag)
				continue;
			log_err("a CIDR list needs its country: CC=FILE");
			ret = EX_USAGE;
			break;
		}
		if (ret)
			break;
		rangeset_free(&g->map[f]);
		compile_family(&ctx.out[f], any_country ? want : NULL,
			       &g->map[f], &rep);
		if (rep.bogon_ranges)
			log_warn("IPv%d: removed %zu special-purpose range(s)",
				 f ? 6 : 4, rep.bogon_ranges);
	}
	parse_ctx_free(&ctx);
	return ret;
}

/* The allow-list: permit FILEs into g->permit.  A CIDR list is taken as
 * it is (CC=FILE tags it); other formats keep the countries of want. */
static int build_permit(enum feed_format fmt, char **files, int nfiles,
			const struct ccset *want, bool any_country,
			struct nft_gen *g)
{
	struct parse_ctx ctx;
	int ret;

	if (fmt != FMT_CIDR && !any_country) {
		log_err("name the allowed countries in the config's [allow]");
		return EX_USAGE;
	}
	parse_ctx_init(&ctx, NULL);
	ret = cmd_parse_files(&ctx, fmt, files, nfiles);
	for (int f = 0; f < 2 && !ret; f++) {
		rangeset_free(&g->permit[f]);
		if (fmt == FMT_CIDR) {
			rangeset_move(&g->permit[f], &ctx.out[f]);
			rangeset_normalize(&g->permit[f]);
		} else {
			compile_family(&ctx.out[f], want, &g->permit[f], NULL);
		}
	}
	parse_ctx_free(&ctx);
	return ret;
}

/* --config: the policy, and the countries of [block] / [allow]. */
static int apply_config(const char *path, bool permit, struct nft_gen *g,
			struct ccset *block, struct ccset *allow,
			bool *any_block, bool *any_allow)
{
	struct conf c;
	int ret = cmd_load_config(path, NULL, &c);

	if (ret)
		return ret;
	policy_from_conf(&c, g);
	conf_countries_expand(&c.block, block);
	conf_countries_expand(&c.allow, allow);
	*any_block = c.block.any;
	*any_allow = c.allow.any;
	if (permit && !g->permit_dirs)	/* --permit, [allow] without countries */
		g->permit_dirs = policy_dirs(c.allow.direction);
	conf_free(&c);
	return 0;
}

/* apply --permit: the allow-list files and their countries. */
struct apermit {
	char **files;
	int n;
	enum feed_format fmt;
	struct ccset want;	/* the config's [allow] countries */
	bool any_country;
};

/*
 * The policy of apply with files: --config's (policy_from_conf; without
 * --country its [block] countries are the ones kept), then --direction
 * (already in g->dirs) and --allow (in g->allow) on top.  Feed files
 * without a direction block in and out; --permit without --config is an
 * allow-list inbound.
 */
static int apply_policy(const char *config, struct apermit *ap, bool files,
			struct nft_gen *g, struct ccset *want, bool *any_country)
{
	unsigned dirs = g->dirs;
	struct ccset block;
	bool any_block = false;
	int ret;

	ccset_init(&block, false);
	ccset_init(&ap->want, false);
	if (config) {
		ret = apply_config(config, ap->n > 0, g, &block, &ap->want,
				   &any_block, &ap->any_country);
		if (ret)
			return ret;
	} else if (ap->n) {
		g->permit_dirs = NFT_DIR_IN;
	}
	if (!*any_country && any_block) {
		*want = block;
		*any_country = true;
	}
	if (!dirs && !g->dirs && files)	/* feed files: block them */
		dirs = NFT_DIR_IN | NFT_DIR_OUT;
	if (dirs)
		g->dirs = dirs;
	for (int f = 0; f < 2; f++)
		rangeset_normalize(&g->allow[f]);
	return 0;
}

/*
 * apply without files: the current stored generation, offline (boot).  A
 * broken configuration must not leave the host unprotected: its state-dir
 * is used when it parses, else the default.
 */
static void state_dir_of(const char *config, const char *given, char *buf,
			 size_t n)
{
	struct conf c;

	if (given) {
		snprintf(buf, n, "%s", given);
		return;
	}
	if (cmd_load_config(config, NULL, &c)) {
		log_warn("using the default state directory %s",
			 DEFAULT_STATE_DIR);
		snprintf(buf, n, "%s", DEFAULT_STATE_DIR);
		return;
	}
	snprintf(buf, n, "%s", c.state_dir);
	conf_free(&c);
}

static int apply_stored(const char *config, const char *state_dir,
			const struct sync_opts *so)
{
	char dir[PATH_MAX];

	state_dir_of(config, state_dir, dir, sizeof(dir));
	return sync_apply_stored(dir, 0, so, stdout);
}

int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "country", required_argument, NULL, 'c' },
		{ "direction", required_argument, NULL, 'd' },
		{ "allow", required_argument, NULL, 'a' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'C' },
		{ "force", no_argument, NULL, 'o' },
		{ "confirm", required_argument, NULL, 'W' },
		{ "max-batch", required_argument, NULL, 'B' },
		{ "test-fail-last", no_argument, NULL, 'F' },
		{ "permit", required_argument, NULL, 'P' },
		{ "permit-format", required_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct apermit ap = { .fmt = FMT_CIDR };
	struct kopts ko = { 0 };
	struct sync_opts so = { 0 };
	const char *config = NULL;
	enum feed_format fmt = FMT_CIDR;
	bool have_fmt = false, any_country = false;
	struct ccset want;
	struct nft_gen g;
	uint64_t v;
	uint32_t tag;
	int c, ret;

	nft_gen_init(&g);
	g.dirs = 0;
	ap.files = xcalloc((size_t)argc, sizeof(*ap.files));
	ccset_init(&want, false);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = 0;
		switch (c) {
		case 'f':
			ret = parse_format_from_name(optarg, &fmt);
			have_fmt = true;
			break;
		case 'c':
			ret = cmd_parse_country(optarg, &tag);
			if (!ret)
				ccset_add(&want, tag);
			any_country = true;
			break;
		case 'd':
			ret = parse_dir(optarg, &g.dirs);
			break;
		case 'a':
			ret = parse_allow(optarg, &g);
			break;
		case 's':
			ko.state_dir = optarg;
			break;
		case 'C':
			config = optarg;
			break;
		case 'o':
			so.force = true;
			break;
		case 'W':
			ret = util_parse_u64(optarg, strlen(optarg),
					     MAX_CONFIRM_SECONDS, &v);
			so.confirm = (unsigned)v;
			ret = ret || !v ? -EINVAL : 0;
			break;
		case 'B':
			ret = util_parse_u64(optarg, strlen(optarg), SIZE_MAX,
					     &v);
			so.nft.max_batch = (size_t)v;
			break;
		case 'F':
			so.nft.fail_last = true;
			break;
		case 'P':
			ap.files[ap.n++] = optarg;
			break;
		case 'Q':
			ret = parse_format_from_name(optarg, &ap.fmt);
			break;
		default:
			ret = -EINVAL;
			break;
		}
		if (ret) {
			if (optarg)
				log_err("bad argument '%s'", optarg);
			ret = apply_usage();
			goto out;
		}
	}
	if (!have_fmt && optind == argc && !any_country && !ap.n) {
		ret = apply_stored(config, ko.state_dir, &so);
		goto out;
	}
	/* feed files need --format; --permit alone is fine */
	if (have_fmt != (optind < argc) || (optind == argc && !ap.n)) {
		ret = apply_usage();
		goto out;
	}
	if (!ko.state_dir)
		ko.state_dir = DEFAULT_STATE_DIR;
	ret = apply_policy(config, &ap, optind < argc, &g, &want,
			   &any_country);
	if (!ret && optind < argc) {
		if (fmt != FMT_CIDR && !any_country) {
			log_err("name the countries to block with --country");
			ret = EX_USAGE;
			goto out;
		}
		ret = build_gen(fmt, argv + optind, argc - optind, &want,
				any_country, &g);
	}
	if (!ret && ap.n)
		ret = build_permit(ap.fmt, ap.files, ap.n, &ap.want,
				   ap.any_country, &g);
	if (!ret)
		ret = sync_commit(ko.state_dir, &g, &so, stdout);
out:
	free(ap.files);
	nft_gen_free(&g);
	return ret;
}

/* --state-dir DIR only; returns optind or -1 on a usage error. */
static int kernel_opts(int argc, char **argv, struct kopts *ko)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			ko->state_dir = optarg;
		else if (c == 'C' && ko->config_ok)
			ko->config = optarg;
		else
			return -1;
	}
	return optind;
}

int cmd_disable(int argc, char **argv)
{
	struct kopts ko = { .config_ok = true };
	char dir[PATH_MAX];

	if (kernel_opts(argc, argv, &ko) != argc) {
		fprintf(stderr, "Usage: nftblock disable [--config FILE] "
			"[--state-dir DIR]\n");
		return EX_USAGE;
	}
	state_dir_of(ko.config, ko.state_dir, dir, sizeof(dir));
	return sync_disable(dir, stdout);
}

int cmd_enable(int argc, char **argv)
{
	struct kopts ko = { .config_ok = true };
	struct sync_opts so = { 0 };
	char dir[PATH_MAX];

	if (kernel_opts(argc, argv, &ko) != argc) {
		fprintf(stderr, "Usage: nftblock enable [--config FILE] "
			"[--state-dir DIR]\n");
		return EX_USAGE;
	}
	state_dir_of(ko.config, ko.state_dir, dir, sizeof(dir));
	return sync_enable(dir, &so, stdout);
}

/* label, or the tag's name (lists named by the recorded state g) */
static void print_ranges(const struct rangeset *s, const char *label,
			 const struct nft_gen *g)
{
	struct cidr c[MAX_CIDRS_PER_RANGE];
	char buf[CIDR_STRLEN], name[MAX_LISTS * (MAX_LIST_NAME + 1) + 8];

	for (size_t i = 0; i < s->n; i++) {
		size_t n = cidr_from_range(s->family, s->v[i].lo, s->v[i].hi, c,
					   MAX_CIDRS_PER_RANGE);

		for (size_t k = 0; k < n; k++)
			printf("%s %s\n", label ? label :
			       lists_tag_name(g, s->v[i].tag, name,
					      sizeof(name)),
			       cidr_format(&c[k], buf));
	}
}

int cmd_dump(int argc, char **argv)
{
	struct rangeset map[2], allow[2];
	struct kopts ko = { .state_dir = DEFAULT_STATE_DIR };
	struct state st;
	int ret;

	if (kernel_opts(argc, argv, &ko) != argc) {
		fprintf(stderr, "Usage: nftblock dump [--state-dir DIR]\n");
		return EX_USAGE;
	}
	for (int f = 0; f < 2; f++) {
		rangeset_init(&map[f], f ? 6 : 4);
		rangeset_init(&allow[f], f ? 6 : 4);
	}
	ret = nft_dump(map, allow);
	if (ret) {
		ret = sync_kernel_error(ret, "dump");
		goto out;
	}
	/* the lists' names: from the recorded state */
	if (state_load(ko.state_dir, &st))
		nft_gen_init(&st.gen);
	for (int f = 0; f < 2; f++)
		print_ranges(&allow[f], "allow", NULL);
	for (int f = 0; f < 2; f++)
		print_ranges(&map[f], NULL, &st.gen);
	state_free(&st);
	ret = fflush(stdout) ? EX_IOERR : EX_OK;
out:
	for (int f = 0; f < 2; f++) {
		rangeset_free(&map[f]);
		rangeset_free(&allow[f]);
	}
	return ret;
}

/* why for an address in a list's range: named from the recorded state */
static int why_list(const char *a, int family, const struct nft_why *w,
		    bool json, struct conf *conf)
{
	char name[MAX_LISTS * (MAX_LIST_NAME + 1) + 8], dir[PATH_MAX];
	char lo[CIDR_STRLEN], hi[CIDR_STRLEN];
	bool scoped = false;
	struct state st;

	state_dir_of(NULL, conf ? conf->state_dir : NULL, dir, sizeof(dir));
	if (state_load(dir, &st))
		nft_gen_init(&st.gen);
	lists_tag_name(&st.gen, w->tag, name, sizeof(name));
	for (size_t k = 0; k < st.gen.nlists; k++)
		if (w->tag & (1u << k) && lists_scoped(&st.gen.lists[k]))
			scoped = true;
	cidr_format_addr(family, w->lo, lo);
	cidr_format_addr(family, w->hi, hi);
	if (json)
		printf("{\"address\":\"%s\",\"family\":%d,\"verdict\":"
		       "\"%s\",\"rule\":\"%s\",\"exception\":%s,"
		       "\"range\":{\"first\":\"%s\",\"last\":\"%s\"}}\n",
		       a, family, w->allowed ? "accept" : scoped ? "scoped" :
		       "drop", name, w->allowed ? "true" : "false", lo, hi);
	else
		printf("%s: %s range %s-%s: %s\n", a, name, lo, hi,
		       w->allowed ? "exception: accept" : scoped ?
		       "drop for the list's ports/protocols (see stats)" :
		       "drop");
	state_free(&st);
	if (conf)
		conf_free(conf);
	return fflush(stdout) ? EX_IOERR : EX_OK;
}

static int why_usage(void)
{
	fprintf(stderr, "Usage: nftblock why [--config FILE] [--json] ADDR\n");
	return EX_USAGE;
}

int cmd_why(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char a[CIDR_STRLEN], lo[CIDR_STRLEN], hi[CIDR_STRLEN], cc[3];
	const char *config = NULL;
	bool json = false, loaded = false;
	struct nft_why w;
	struct conf conf;
	int family, ret, i;
	u128 addr;

	while ((i = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (i == 'c')
			config = optarg;
		else if (i == 'j')
			json = true;
		else if (i != 's')	/* accepted, unused: kept for scripts */
			return why_usage();
	}
	i = optind;
	if (i != argc - 1)
		return why_usage();
	if (cidr_parse_addr(argv[i], strlen(argv[i]), &family, &addr)) {
		log_err("'%s' is not an address", argv[i]);
		return EX_USAGE;
	}
	ret = nft_why(family, addr, &w);
	if (ret)
		return sync_kernel_error(ret, "why");
	/* the data's source is extra: a default config that does not load is
	 * reported and the kernel's answer given anyway */
	ret = cmd_load_config_soft(config, &conf, &loaded);
	if (ret && config)
		return ret;
	cidr_format_addr(family, addr, a);
	if (w.found && (w.tag & NFT_LIST_TAG))
		return why_list(a, family, &w, json, loaded ? &conf : NULL);
	if (json)
		goto report;
	if (w.found)
		printf("%s: country %s range %s-%s", a, cc_format(w.tag, cc),
		       cidr_format_addr(family, w.lo, lo),
		       cidr_format_addr(family, w.hi, hi));
	else
		printf("%s: no country range", a);
	if (w.allowed)
		printf(": exception: accept\n");
	else if (w.found)
		printf(": drop (counter cc_%s: %llu packets, %llu bytes)\n", cc,
		       (unsigned long long)w.packets,
		       (unsigned long long)w.bytes);
	else
		printf(": accept\n");
report:
	ret = cmd_why_report(family, addr, &w, json, loaded ? &conf : NULL);
	if (loaded)
		conf_free(&conf);
	return ret;
}
