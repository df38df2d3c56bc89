// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_kernel.c - "apply", "disable", "dump", "why": the kernel commands.
 *
 * The text front end: feed files are parsed and compiled here; nft.c gets
 * validated binary range sets only.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "compile.h"
#include "log.h"
#include "nft.h"
#include "state.h"
#include "util.h"

#define DEFAULT_STATE_DIR	"/var/lib/nftblock"

/* Settings the kernel commands share (the config file will fill these). */
struct kopts {
	const char *state_dir;
};

static int kernel_exit(int err, const char *what)
{
	switch (err) {
	case -EPERM:
	case -EACCES:
		log_err("%s: permission denied (CAP_NET_ADMIN is needed)", what);
		return EX_NOPERM;
	case -EPROTONOSUPPORT:
	case -EAFNOSUPPORT:
	case -EOPNOTSUPP:
		log_err("%s: nf_tables is not available in this kernel", what);
		return EX_UNAVAILABLE;
	case -ENOENT:
		log_err("%s: table inet %s does not exist", what, NFT_TABLE);
		return EX_UNAVAILABLE;
	case -ERANGE:
		log_err("%s: the final switch does not fit one transaction of "
			"the socket buffer; nothing was changed", what);
		return EX_UNAVAILABLE;
	case -EBUSY:
		log_err("%s: every map slot is taken; run disable first", what);
		return EX_UNAVAILABLE;
	case -ESRCH:
		log_err("%s: table inet %s has no live generation", what,
			NFT_TABLE);
		return EX_UNAVAILABLE;
	default:
		log_err("%s: the kernel refused the transaction (%s); nothing "
			"was changed", what, strerror(-err));
		if (*nft_last_error())
			log_err("%s: %s", what, nft_last_error());
		return EX_PROTOCOL;
	}
}

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
	fprintf(stderr, "Usage: nftblock apply --format FMT FILE... "
		"[--country CC]... [--direction in|out|both|forward|all]\n"
		"                      [--allow ADDR[/LEN]]... "
		"[--state-dir DIR]\n");
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

static void print_result(const struct nft_result *r, const struct nft_gen *g)
{
	static const char *const modes[] = { "unchanged", "diff", "full" };

	printf("apply: mode=%s removed=%zu added=%zu transactions=%zu "
	       "messages=%zu bytes=%zu ranges4=%zu ranges6=%zu\n",
	       modes[r->mode], r->del_elems, r->add_elems, r->txns, r->msgs,
	       r->bytes, g->map[0].n, g->map[1].n);
	if (r->mode == NFT_FULL && r->why_full)
		log_info("full replace: %s", r->why_full);
	if (r->restarts)
		log_info("restarted %zu time(s): the ruleset changed meanwhile",
			 r->restarts);
}

static int do_apply_locked(const struct kopts *ko, struct nft_gen *g,
			   const struct nft_opts *no)
{
	struct nft_result res;
	struct nft_prev prev = { 0 };
	struct state st, out;
	int ret;

	ret = state_load(ko->state_dir, &st);
	if (ret == -EBADMSG)
		log_warn("%s: state file is corrupt; replacing the maps",
			 ko->state_dir);
	if (!ret) {
		prev.gen = &st.gen;
		prev.fp = st.fp;
		prev.genid = st.genid;
	}
	ret = nft_apply(g, &prev, no, &res);
	state_free(&st);
	if (ret)
		return kernel_exit(ret, "apply");
	print_result(&res, g);
	if (res.mode == NFT_UNCHANGED)
		return EX_OK;	/* the state file already says this */
	out.gen = *g;
	out.fp = res.fp;
	out.genid = res.genid;
	ret = state_save(ko->state_dir, &out);
	if (ret) {
		log_err("%s: cannot save state: %s", ko->state_dir,
			strerror(-ret));
		return EX_CANTCREAT;
	}
	return EX_OK;
}

/* Apply under the state directory's lock: concurrent runs take turns. */
static int do_apply(const struct kopts *ko, struct nft_gen *g,
		    const struct nft_opts *no)
{
	int lock, ret;

	lock = state_lock(ko->state_dir);
	if (lock < 0) {
		log_err("%s: cannot lock the state directory: %s; nothing was "
			"changed", ko->state_dir, strerror(-lock));
		/* not root: say what is missing, as the kernel would */
		return lock == -EACCES || lock == -EPERM ?
		       kernel_exit(lock, "apply") : EX_CANTCREAT;
	}
	ret = do_apply_locked(ko, g, no);
	close(lock);
	return ret;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "country", required_argument, NULL, 'c' },
		{ "direction", required_argument, NULL, 'd' },
		{ "allow", required_argument, NULL, 'a' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "max-batch", required_argument, NULL, 'B' },
		{ "test-fail-last", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kopts ko = { DEFAULT_STATE_DIR };
	struct nft_opts no = { 0 };
	enum feed_format fmt = FMT_CIDR;
	bool have_fmt = false, any_country = false;
	struct ccset want;
	struct nft_gen g;
	uint64_t v;
	uint32_t tag;
	int c, ret;

	nft_gen_init(&g);
	g.dirs = NFT_DIR_IN | NFT_DIR_OUT;
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
		case 'B':
			ret = util_parse_u64(optarg, strlen(optarg), SIZE_MAX,
					     &v);
			no.max_batch = (size_t)v;
			break;
		case 'F':
			no.fail_last = true;
			break;
		default:
			ret = -EINVAL;
			break;
		}
		if (ret) {
			if (optarg)
				log_err("bad argument '%s'", optarg);
			nft_gen_free(&g);
			return apply_usage();
		}
	}
	if (!have_fmt || optind >= argc) {
		nft_gen_free(&g);
		return apply_usage();
	}
	if (fmt != FMT_CIDR && !any_country) {
		log_err("name the countries to block with --country");
		nft_gen_free(&g);
		return EX_USAGE;
	}
	for (int f = 0; f < 2; f++)
		rangeset_normalize(&g.allow[f]);
	ret = build_gen(fmt, argv + optind, argc - optind, &want, any_country,
			&g);
	if (!ret)
		ret = do_apply(&ko, &g, &no);
	nft_gen_free(&g);
	return ret;
}

/* --state-dir DIR only; returns optind or -1 on a usage error. */
static int kernel_opts(int argc, char **argv, struct kopts *ko)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's')
			return -1;
		ko->state_dir = optarg;
	}
	return optind;
}

int cmd_disable(int argc, char **argv)
{
	struct kopts ko = { DEFAULT_STATE_DIR };
	int ret;

	if (kernel_opts(argc, argv, &ko) != argc) {
		fprintf(stderr, "Usage: nftblock disable [--state-dir DIR]\n");
		return EX_USAGE;
	}
	ret = nft_disable();
	if (ret && ret != -ENOENT)
		return kernel_exit(ret, "disable");
	printf("disable: table inet %s %s\n", NFT_TABLE,
	       ret == -ENOENT ? "was not there" : "removed");
	ret = state_remove(ko.state_dir);
	if (ret)
		log_warn("%s: %s", ko.state_dir, strerror(-ret));
	return EX_OK;
}

static void print_ranges(const struct rangeset *s, const char *label)
{
	struct cidr c[MAX_CIDRS_PER_RANGE];
	char buf[CIDR_STRLEN], cc[3];

	for (size_t i = 0; i < s->n; i++) {
		size_t n = cidr_from_range(s->family, s->v[i].lo, s->v[i].hi, c,
					   MAX_CIDRS_PER_RANGE);

		for (size_t k = 0; k < n; k++)
			printf("%s %s\n", label ? label :
			       cc_format(s->v[i].tag, cc), cidr_format(&c[k], buf));
	}
}

int cmd_dump(int argc, char **argv)
{
	struct rangeset map[2], allow[2];
	struct kopts ko = { DEFAULT_STATE_DIR };
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
		ret = kernel_exit(ret, "dump");
		goto out;
	}
	for (int f = 0; f < 2; f++)
		print_ranges(&allow[f], "allow");
	for (int f = 0; f < 2; f++)
		print_ranges(&map[f], NULL);
	ret = fflush(stdout) ? EX_IOERR : EX_OK;
out:
	for (int f = 0; f < 2; f++) {
		rangeset_free(&map[f]);
		rangeset_free(&allow[f]);
	}
	return ret;
}

int cmd_why(int argc, char **argv)
{
	struct kopts ko = { DEFAULT_STATE_DIR };
	char a[CIDR_STRLEN], lo[CIDR_STRLEN], hi[CIDR_STRLEN], cc[3];
	struct nft_why w;
	int family, ret, i = kernel_opts(argc, argv, &ko);
	u128 addr;

	if (i != argc - 1) {
		fprintf(stderr, "Usage: nftblock why [--state-dir DIR] ADDR\n");
		return EX_USAGE;
	}
	if (cidr_parse_addr(argv[i], strlen(argv[i]), &family, &addr)) {
		log_err("'%s' is not an address", argv[i]);
		return EX_USAGE;
	}
	ret = nft_why(family, addr, &w);
	if (ret)
		return kernel_exit(ret, "why");
	cidr_format_addr(family, addr, a);
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
	return EX_OK;
}
