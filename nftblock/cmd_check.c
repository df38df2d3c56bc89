// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_check.c - "nftblock check-config": load and check the whole
 * configuration (the files, the conf.d drop-ins, the feed catalogue) the
 * way every command does, and print what it amounts to.  Reads files
 * only: no network, no cache, no kernel.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "listsrc.h"
#include "log.h"
#include "policy.h"

static int check_usage(FILE *f, int ret)
{
	fprintf(f, "Usage: nftblock check-config [--config FILE] "
		"[--feeds-dir DIR]\n");
	return ret;
}

/* "CN KP + continent:SA = 16 countries" */
static void print_countries(FILE *f, const struct conf_countries *cs)
{
	uint32_t tags[MAX_COUNTRIES];
	struct ccset all;
	char cc[3];
	size_t n;

	n = ccset_list(&cs->set, tags);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? " " : "", cc_format(tags[i], cc));
	for (size_t i = 0; i < cs->ngroups; i++)
		fprintf(f, "%s%s", i || n ? " " : "", cs->groups[i]);
	ccset_init(&all, false);
	conf_countries_expand(cs, &all);
	n = ccset_list(&all, tags);
	fprintf(f, " (%zu %s)\n", n, n == 1 ? "country" : "countries");
}

/* The prefixes of a normal set pair, IPv4 first; "none" when empty. */
static void print_addrs(FILE *f, const struct rangeset set[2])
{
	struct cidr cd[MAX_CIDRS_PER_RANGE];
	char buf[CIDR_STRLEN];
	size_t k, printed = 0;

	for (int fam = 0; fam < 2; fam++) {
		for (size_t i = 0; i < set[fam].n; i++) {
			k = cidr_from_range(fam ? 6 : 4, set[fam].v[i].lo,
					    set[fam].v[i].hi, cd,
					    MAX_CIDRS_PER_RANGE);
			for (size_t j = 0; j < k; j++)
				fprintf(f, "%s%s", printed++ ? " " : "",
					cidr_format(&cd[j], buf));
		}
	}
	fprintf(f, "%s\n", printed ? "" : "none");
}

/* "tcp/25 udp/60000-61000" (nothing when n is 0) */
static void print_ports(FILE *f, const struct conf_port *ports, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct conf_port *p = &ports[i];

		fprintf(f, "%s%s/%u", i ? " " : "",
			p->proto == IPPROTO_TCP ? "tcp" : "udp", p->lo);
		if (p->hi != p->lo)
			fprintf(f, "-%u", p->hi);
	}
}

/* One line per [list:NAME]: its sources, expiry and scope. */
static void print_lists(FILE *f, const struct conf *c)
{
	for (size_t k = 0; k < c->nlists; k++) {
		const struct conf_list *l = &c->lists[k];

		fprintf(f, "list %s (%s): %zu address range(s), %zu file(s)%s",
			l->name, conf_direction_name(c->block.direction),
			l->addrs[0].n + l->addrs[1].n, l->nfiles,
			l->feed ? ", a feed" : "");
		if (l->countries.any) {
			fprintf(f, ", countries: ");
			print_countries(f, &l->countries);
		} else {
			fprintf(f, "\n");
		}
		if (l->expire)
			fprintf(f, "list %s: entries lapse %u s after first "
				"seen\n", l->name, l->expire);
		if (!l->nports && !l->protos)
			continue;
		fprintf(f, "list %s: only ", l->name);
		print_ports(f, l->ports, l->nports);
		fprintf(f, "%s%s%s%s\n", l->nports && l->protos ? " " : "",
			l->protos & PROTO_TCP ? "tcp " : "",
			l->protos & PROTO_UDP ? "udp " : "",
			l->protos & PROTO_ICMP ? "icmp" : "");
	}
}

static const char *per_name(unsigned per)
{
	switch (per) {
	case 1:
		return "second";
	case 60:
		return "minute";
	case 3600:
		return "hour";
	default:
		return "day";
	}
}

static void print_policy(FILE *f, const struct conf *c)
{
	if (!c->block.any && !c->allow.any && !c->nlists)
		fprintf(f, "policy: nothing is blocked yet: name countries "
			"in [block] or [allow]\n");
	if (c->block.any) {
		fprintf(f, "block (%s): ",
			conf_direction_name(c->block.direction));
		print_countries(f, &c->block);
	}
	if (c->allow.any) {
		fprintf(f, "allow only (%s): ",
			conf_direction_name(c->allow.direction));
		print_countries(f, &c->allow);
	}
	fprintf(f, "block addresses (%s): ",
		conf_direction_name(c->block.direction));
	print_addrs(f, c->block_addrs);
	fprintf(f, "exceptions: addresses: ");
	print_addrs(f, c->except);
	print_lists(f, c);
	fprintf(f, "exceptions: ports open to every country: ");
	print_ports(f, c->ports, c->nports);
	fprintf(f, "%s\n", c->nports ? "" : "none");
}

static void print_summary(FILE *f, const struct conf *c)
{
	fprintf(f, "sources:");
	for (size_t i = 0; i < c->nsources; i++)
		fprintf(f, " %s%s", c->sources[i],
			i == 0 && c->nsources > 1 ? ", fallbacks:" : "");
	fprintf(f, "\n");
	print_policy(f, c);
	if (c->log.drops)
		fprintf(f, "log drops: yes, prefix \"%s\", %u/%s, burst %u, "
			"level %s\n", c->log.prefix, c->log.rate,
			per_name(c->log.per), c->log.burst,
			conf_log_level_name(c->log.level));
	else
		fprintf(f, "log drops: no\n");
	fprintf(f, "paths: cache-dir %s, state-dir %s, ca-file %s\n",
		c->cache_dir, c->state_dir,
		c->ca_file ? c->ca_file : "(system bundle)");
	fprintf(f, "limits: max-shrink %u%%, max-grow %u%%, max-feed-size "
		"%llu bytes, timeout %u s, connect-timeout %u s, retries %u\n",
		c->max_shrink, c->max_grow,
		(unsigned long long)c->max_feed_bytes, c->timeout,
		c->connect_timeout, c->retries);
}

/* The lists' files parse (file:line errors, exit 78). */
static int check_list_files(struct conf *c)
{
	char err[MAX_ERR_BYTES * 2];
	struct nft_gen g;
	int ret;

	nft_gen_init(&g);
	policy_from_conf(c, &g);
	ret = listsrc_files(c, &g, err, sizeof(err));
	nft_gen_free(&g);
	if (!ret)
		return EX_OK;
	log_err("%s", err);
	conf_free(c);
	return ret == -EINVAL ? EX_CONFIG : EX_NOINPUT;
}

int cmd_check_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "feeds-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *feeds_dir = NULL;
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
		case 'h':
			return check_usage(stdout, EX_OK);
		default:
			return check_usage(stderr, EX_USAGE);
		}
	}
	if (optind != argc)
		return check_usage(stderr, EX_USAGE);
	printf("files read:\n");
	cmd_config_trace(stdout);
	ret = cmd_load_config(config, feeds_dir, &c);
	cmd_config_trace(NULL);
	if (!ret)
		ret = check_list_files(&c);
	if (ret)
		return ret;
	printf("configuration is valid\n");
	print_summary(stdout, &c);
	conf_free(&c);
	if (fflush(stdout) || ferror(stdout))
		return EX_IOERR;
	return EX_OK;
}
