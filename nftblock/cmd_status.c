// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_status.c - "stats", "status" and the report half of "why": what the
 * kernel counts, what is configured, where the data came from, how the
 * last run went.  Text for people, --json for scripts, Prometheus text
 * for node_exporter.  These commands change nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "json.h"
#include "lists.h"
#include "lastrun.h"
#include "log.h"
#include "metrics.h"
#include "nft.h"
#include "srcinfo.h"
#include "state.h"
#include "xmalloc.h"

#define DEFAULT_CONFIG	NFTBLOCK_SYSCONFDIR "/nftblock/nftblock.conf"

int cmd_load_config_soft(const char *path, struct conf *c, bool *loaded)
{
	int ret;

	*loaded = false;
	if (!path && access(DEFAULT_CONFIG, F_OK))
		return 0;
	ret = cmd_load_config(path, NULL, c);
	if (ret)
		return ret;
	*loaded = true;
	return 0;
}

/* "2026-11-22T10:00:00Z" into buf[32]. */
static const char *iso_time(int64_t t, char *buf)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, 32, "%" PRId64, t);
	return buf;
}

/* "3d 4h", "2h 5m", "7m", "12s" into buf[32]. */
static const char *age_text(int64_t s, char *buf)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, 32, "%" PRId64 "d %" PRId64 "h", s / 86400,
			 s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, 32, "%" PRId64 "h %" PRId64 "m", s / 3600,
			 s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, 32, "%" PRId64 "m", s / 60);
	else
		snprintf(buf, 32, "%" PRId64 "s", s);
	return buf;
}

/* ---- stats ------------------------------------------------------------- */

static int ctr_cmp(const void *a, const void *b)
{
	const struct nft_counter *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void stats_json(const struct nft_counter *v, size_t n)
{
	struct json j;
	char cc[3];

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_arr_begin(&j, "counters");
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(&j, NULL);
		json_str(&j, "name", v[i].name);
		json_str(&j, "country", v[i].tag ? cc_format(v[i].tag, cc) :
			 NULL);
		json_u64(&j, "packets", v[i].packets);
		json_u64(&j, "bytes", v[i].bytes);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

static void stats_text(const struct nft_counter *v, size_t n)
{
	char cc[3];

	for (size_t i = 0; i < n; i++)
		printf("%s%s  packets=%" PRIu64 " bytes=%" PRIu64 "\n",
		       strncmp(v[i].name, "ls_", 3) ? "" : "list:",
		       v[i].tag ? cc_format(v[i].tag, cc) :
		       strncmp(v[i].name, "ls_", 3) ? v[i].name : v[i].name + 3,
		       v[i].packets, v[i].bytes);
}

static int stats_prometheus(const struct conf *c)
{
	struct metrics m;
	size_t len;
	char *buf;
	int ret;

	metrics_gather(c, (int64_t)time(NULL), &m);
	ret = metrics_format(&m, &buf, &len);
	metrics_release(&m);
	if (ret) {
		log_err("metrics: %s", strerror(-ret));
		return EX_SOFTWARE;
	}
	fwrite(buf, 1, len, stdout);
	free(buf);
	return EX_OK;
}

static int stats_usage(void)
{
	fprintf(stderr, "Usage: nftblock stats [--config FILE] "
		"[--json | --prometheus]\n");
	return EX_USAGE;
}

/* The counters, text or JSON; a missing table is EX_UNAVAILABLE. */
static int stats_print(bool json)
{
	struct nft_counter *v = NULL;
	size_t n = 0;
	int ret = nft_counters(&v, &n);

	if (ret == -ENOENT) {
		log_err("kernel: table inet %s absent", NFT_TABLE);
		return EX_UNAVAILABLE;
	}
	if (ret == -EPERM || ret == -EACCES) {
		log_err("kernel: permission denied (CAP_NET_ADMIN is needed)");
		return EX_NOPERM;
	}
	if (ret) {
		log_err("kernel: cannot read the counters: %s", strerror(-ret));
		return EX_UNAVAILABLE;
	}
	if (n)
		qsort(v, n, sizeof(*v), ctr_cmp);
	if (json)
		stats_json(v, n);
	else
		stats_text(v, n);
	free(v);
	return fflush(stdout) ? EX_IOERR : EX_OK;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	bool json = false, prom = false, loaded;
	struct conf c;
	int o, ret;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'c')
			path = optarg;
		else if (o == 'j')
			json = true;
		else if (o == 'p')
			prom = true;
		else
			return stats_usage();
	}
	if (optind != argc || (json && prom))
		return stats_usage();
	if (!prom)
		return stats_print(json);
	ret = cmd_load_config_soft(path, &c, &loaded);
	if (ret)
		return ret;
	ret = stats_prometheus(loaded ? &c : NULL);
	if (loaded)
		conf_free(&c);
	return ret;
}

/* ---- status ------------------------------------------------------------ */

struct status {
	const struct conf *c;
	const char *config;		/* the file named, or NULL */
	int64_t now;
	struct ccset block, allow;
	struct srcinfo *src;		/* NULL: no sources file */
	int state_err;			/* 0, -ENOENT, -EBADMSG, -errno */
	struct state st;
	int kernel_err;			/* from nft_info() */
	struct nft_info k;
	int last_err;			/* from lastrun_read() */
	struct lastrun last;
	const char *verdict;		/* one line */
	int exit;
};

static void status_gather(struct status *s)
{
	s->now = (int64_t)time(NULL);
	ccset_init(&s->block, false);
	ccset_init(&s->allow, false);
	conf_countries_expand(&s->c->block, &s->block);
	conf_countries_expand(&s->c->allow, &s->allow);
	s->src = xcalloc(1, sizeof(*s->src));
	if (srcinfo_load(s->c, s->src)) {
		free(s->src);
		s->src = NULL;
	}
	s->state_err = state_load(s->c->state_dir, &s->st);
	s->kernel_err = nft_info(&s->k);
	s->last_err = lastrun_read(s->c->state_dir, &s->last);
}

static bool kernel_matches(const struct status *s)
{
	return !s->kernel_err && !s->state_err && s->k.table && s->k.fp &&
	       s->k.fp == s->st.fp;
}

static bool configured(const struct status *s)
{
	return s->c->block.any || s->c->allow.any;
}

/* The exit code and the one-line verdict, worst first. */
static void status_judge(struct status *s)
{
	if (s->kernel_err == -EPERM || s->kernel_err == -EACCES) {
		s->exit = EX_NOPERM;
		s->verdict = "cannot read the kernel (CAP_NET_ADMIN is needed)";
	} else if (s->kernel_err) {
		s->exit = EX_UNAVAILABLE;
		s->verdict = "cannot read the kernel";
	} else if (s->state_err && s->state_err != -ENOENT) {
		s->exit = EX_DATAERR;
		s->verdict = "the state file cannot be read";
	} else if (!s->state_err && !kernel_matches(s)) {
		s->exit = EX_UNAVAILABLE;
		s->verdict = s->k.table ? "the kernel does not hold the "
			"applied generation" : "not protected: the table is "
			"absent";
	} else if (s->state_err == -ENOENT && configured(s)) {
		s->exit = EX_NOINPUT;
		s->verdict = "nothing applied yet";
	} else if (!s->last_err && !s->last.ok) {
		s->exit = EX_TEMPFAIL;
		s->verdict = "the last run failed; the kernel keeps the last "
			"good data";
	} else {
		s->exit = EX_OK;
		s->verdict = "ok";
	}
}

static const char *mode_name(const struct conf *c)
{
	if (c->block.any && c->allow.any)
		return "block-list and allow-list";
	if (c->block.any)
		return "block-list";
	return c->allow.any ? "allow-list" : "none";
}

static const char *dirs_text(unsigned d)
{
	return conf_direction_name((enum conf_direction)
				   ((d & NFT_DIR_IN ? DIR_IN : 0) |
				    (d & NFT_DIR_OUT ? DIR_OUT : 0) |
				    (d & NFT_DIR_FWD ? DIR_FORWARD : 0)));
}

/* The configured countries, ascending, into tags[MAX_COUNTRIES]. */
static size_t wanted(const struct status *s, uint32_t *tags)
{
	struct ccset all = s->block;
	uint32_t a[MAX_COUNTRIES];
	size_t n = ccset_list(&s->allow, a);

	for (size_t i = 0; i < n; i++)
		ccset_add(&all, a[i]);
	return ccset_list(&all, tags);
}

/* ---- status: text ---- */

static void text_countries(const char *label, const struct ccset *set,
			   enum conf_direction d)
{
	uint32_t tags[MAX_COUNTRIES];
	size_t n = ccset_list(set, tags);
	char cc[3];

	printf("%s:", label);
	for (size_t i = 0; i < n; i++)
		printf(" %s", cc_format(tags[i], cc));
	printf(n ? " (direction %s)\n" : " none\n", conf_direction_name(d));
}

static void text_config(const struct status *s)
{
	printf("config: %s\n", s->config ? s->config : DEFAULT_CONFIG);
	printf("mode: %s\n", mode_name(s->c));
	text_countries("block", &s->block, s->c->block.direction);
	text_countries("allow", &s->allow, s->c->allow.direction);
	printf("sources:");
	for (size_t i = 0; i < s->c->nsources; i++)
		printf(" %s", s->c->sources[i]);
	printf("\n");
}

static void text_feeds(const struct status *s)
{
	uint32_t tags[MAX_COUNTRIES];
	size_t n = wanted(s, tags);
	char cc[3], t[32], a[32];

	for (size_t i = 0; i < n; i++) {
		const struct src_cc *e = s->src ? srcinfo_find(s->src, tags[i]) :
					 NULL;

		printf("feed %s: ", cc_format(tags[i], cc));
		if (!e)
			printf("no data fetched yet\n");
		else if (!e->fetched)
			printf("%s, not in the cache\n", e->feed);
		else
			printf("%s, downloaded %s (%s ago)\n", e->feed,
			       iso_time(e->fetched, t),
			       age_text(s->now - e->fetched, a));
	}
}

/* Per applied list: its ranges and what lapses next. */
static void text_lists(const struct status *s)
{
	char t[32];

	for (size_t k = 0; !s->state_err && k < s->st.gen.nlists; k++) {
		const struct nft_list *l = &s->st.gen.lists[k];
		size_t n;
		uint32_t next = lists_next_lapse(l, &n);

		printf("list %s: ranges4=%zu ranges6=%zu%s", l->name,
		       l->set[0].n, l->set[1].n,
		       lists_scoped(l) ? " (port/protocol scoped)" : "");
		if (next)
			printf(", %zu will lapse, the next at %s", n,
			       iso_time(next, t));
		printf("\n");
	}
}

static void text_state(const struct status *s)
{
	if (s->state_err == -ENOENT)
		printf("state: none in %s (nothing applied yet)\n",
		       s->c->state_dir);
	else if (s->state_err)
		printf("state: %s/%s: %s\n", s->c->state_dir, STATE_FILE,
		       s->state_err == -EBADMSG ? "corrupt" :
		       strerror(-s->state_err));
	else
		printf("state: fingerprint %016" PRIx64 " ranges4=%zu "
		       "ranges6=%zu directions=%s\n", s->st.fp,
		       s->st.gen.map[0].n, s->st.gen.map[1].n,
		       dirs_text(s->st.gen.dirs));
	text_lists(s);
}

static void text_kernel(const struct status *s)
{
	if (s->kernel_err) {
		printf("kernel: cannot read: %s\n", strerror(-s->kernel_err));
		return;
	}
	if (!s->k.table) {
		printf("kernel: table inet %s absent\n", NFT_TABLE);
		return;
	}
	printf("kernel: table inet %s present, chains %s, ", NFT_TABLE,
	       s->k.dirs ? dirs_text(s->k.dirs) : "none");
	if (kernel_matches(s))
		printf("holds the applied generation (fingerprint %016" PRIx64
		       ") ranges4=%zu ranges6=%zu\n", s->k.fp,
		       s->st.gen.map[0].n, s->st.gen.map[1].n);
	else if (!s->k.fp)
		printf("no generation recorded in the table\n");
	else
		printf("fingerprint %016" PRIx64 " is not the state file's\n",
		       s->k.fp);
}

static void text_last(const struct status *s)
{
	char t[32], a[32];

	if (s->last_err == -ENOENT) {
		printf("last run: none recorded\n");
		return;
	}
	if (s->last_err) {
		printf("last run: %s/%s: %s\n", s->c->state_dir, LASTRUN_FILE,
		       s->last_err == -EBADMSG ? "malformed" :
		       strerror(-s->last_err));
		return;
	}
	printf("last run: %s at %s (%s ago), exit %u, generation %" PRIu64
	       "%s%s\n", s->last.ok ? "ok" : "failed",
	       iso_time(s->last.time, t), age_text(s->now - s->last.time, a),
	       s->last.exit, s->last.generation, *s->last.message ? ": " : "",
	       s->last.message);
	if (s->last.success && !s->last.ok)
		printf("last success: %s\n", iso_time(s->last.success, t));
}

static void status_text(const struct status *s)
{
	text_config(s);
	text_feeds(s);
	text_state(s);
	text_kernel(s);
	text_last(s);
	printf("status: %s\n", s->verdict);
}

/* ---- status: JSON ---- */

static void json_countries(struct json *j, const char *key,
			   const struct ccset *set, enum conf_direction d)
{
	uint32_t tags[MAX_COUNTRIES];
	size_t n = ccset_list(set, tags);
	char cc[3];

	json_obj_begin(j, key);
	json_arr_begin(j, "countries");
	for (size_t i = 0; i < n; i++)
		json_str(j, NULL, cc_format(tags[i], cc));
	json_arr_end(j);
	json_str(j, "direction", conf_direction_name(d));
	json_obj_end(j);
}

static void json_config(struct json *j, const struct status *s)
{
	json_obj_begin(j, "config");
	json_str(j, "file", s->config ? s->config : DEFAULT_CONFIG);
	json_str(j, "mode", mode_name(s->c));
	json_countries(j, "block", &s->block, s->c->block.direction);
	json_countries(j, "allow", &s->allow, s->c->allow.direction);
	json_arr_begin(j, "sources");
	for (size_t i = 0; i < s->c->nsources; i++)
		json_str(j, NULL, s->c->sources[i]);
	json_arr_end(j);
	json_str(j, "cache_dir", s->c->cache_dir);
	json_str(j, "state_dir", s->c->state_dir);
	json_obj_end(j);
}

static void json_feeds(struct json *j, const struct status *s)
{
	uint32_t tags[MAX_COUNTRIES];
	size_t n = wanted(s, tags);
	char cc[3];

	json_arr_begin(j, "feeds");
	for (size_t i = 0; i < n; i++) {
		const struct src_cc *e = s->src ? srcinfo_find(s->src, tags[i]) :
					 NULL;

		json_obj_begin(j, NULL);
		json_str(j, "country", cc_format(tags[i], cc));
		json_str(j, "source", e ? e->feed : NULL);
		if (e && e->fetched) {
			json_i64(j, "fetched", e->fetched);
			json_i64(j, "age_seconds", s->now - e->fetched);
		} else {
			json_null(j, "fetched");
			json_null(j, "age_seconds");
		}
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_fp(struct json *j, const char *key, uint64_t fp)
{
	char hex[20];

	snprintf(hex, sizeof(hex), "%016" PRIx64, fp);
	json_str(j, key, hex);
}

static void json_lists(struct json *j, const struct nft_gen *g)
{
	json_arr_begin(j, "lists");
	for (size_t k = 0; k < g->nlists; k++) {
		const struct nft_list *l = &g->lists[k];
		size_t n;
		uint32_t next = lists_next_lapse(l, &n);

		json_obj_begin(j, NULL);
		json_str(j, "name", l->name);
		json_u64(j, "ranges4", l->set[0].n);
		json_u64(j, "ranges6", l->set[1].n);
		json_bool(j, "scoped", lists_scoped(l));
		json_u64(j, "lapsing", n);
		if (next)
			json_i64(j, "next_lapse", next);
		else
			json_null(j, "next_lapse");
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_state(struct json *j, const struct status *s)
{
	json_obj_begin(j, "state");
	json_bool(j, "present", !s->state_err);
	json_str(j, "error", !s->state_err || s->state_err == -ENOENT ? NULL :
		 s->state_err == -EBADMSG ? "corrupt" : strerror(-s->state_err));
	if (!s->state_err) {
		json_fp(j, "fingerprint", s->st.fp);
		json_u64(j, "ranges4", s->st.gen.map[0].n);
		json_u64(j, "ranges6", s->st.gen.map[1].n);
		json_str(j, "directions", dirs_text(s->st.gen.dirs));
		json_lists(j, &s->st.gen);
	}
	json_obj_end(j);
}

static void json_kernel(struct json *j, const struct status *s)
{
	json_obj_begin(j, "kernel");
	json_str(j, "error", s->kernel_err ? strerror(-s->kernel_err) : NULL);
	json_bool(j, "table", !s->kernel_err && s->k.table);
	json_bool(j, "matches_state", kernel_matches(s));
	if (!s->kernel_err && s->k.table) {
		json_str(j, "chains", s->k.dirs ? dirs_text(s->k.dirs) : NULL);
		if (s->k.fp)
			json_fp(j, "fingerprint", s->k.fp);
		else
			json_null(j, "fingerprint");
		json_u64(j, "genid", s->k.genid);
	}
	if (kernel_matches(s)) {
		json_u64(j, "ranges4", s->st.gen.map[0].n);
		json_u64(j, "ranges6", s->st.gen.map[1].n);
	}
	json_obj_end(j);
}

static void json_last(struct json *j, const struct status *s)
{
	if (s->last_err) {
		json_null(j, "last_run");
		return;
	}
	json_obj_begin(j, "last_run");
	json_i64(j, "time", s->last.time);
	json_str(j, "result", s->last.ok ? "ok" : "failed");
	json_u64(j, "exit", s->last.exit);
	json_str(j, "message", s->last.message);
	json_u64(j, "generation", s->last.generation);
	if (s->last.success)
		json_i64(j, "success", s->last.success);
	else
		json_null(j, "success");
	json_obj_end(j);
}

static int status_json(const struct status *s)
{
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_config(&j, s);
	json_feeds(&j, s);
	json_state(&j, s);
	json_kernel(&j, s);
	json_last(&j, s);
	json_str(&j, "status", s->verdict);
	json_u64(&j, "exit", (uint64_t)s->exit);
	json_obj_end(&j);
	return json_end(&j);
}

static int status_usage(void)
{
	fprintf(stderr, "Usage: nftblock status [--config FILE] [--json]\n");
	return EX_USAGE;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct status s = { 0 };
	bool json = false;
	struct conf c;
	int o, ret;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (o == 'c')
			s.config = optarg;
		else if (o == 'j')
			json = true;
		else
			return status_usage();
	}
	if (optind != argc)
		return status_usage();
	ret = cmd_load_config(s.config, NULL, &c);
	if (ret)
		return ret;
	s.c = &c;
	status_gather(&s);
	status_judge(&s);
	if (json)
		ret = status_json(&s);
	else
		status_text(&s);
	if (ret || fflush(stdout))
		s.exit = EX_IOERR;
	if (!s.state_err)
		state_free(&s.st);
	free(s.src);
	conf_free(&c);
	return s.exit;
}

/* ---- why --------------------------------------------------------------- */

static const char *why_rule(const struct nft_why *w, char *buf, size_t n)
{
	char cc[3];

	if (w->allowed)
		return "exception";
	if (!w->found)
		return "no rule: accepted";
	snprintf(buf, n, "country %s", cc_format(w->tag, cc));
	return buf;
}

/* The source of the country's data, or NULL; *si is the caller's. */
static const struct src_cc *why_source(const struct conf *c,
				       const struct nft_why *w,
				       struct srcinfo *si)
{
	if (!c || !w->found || srcinfo_load(c, si))
		return NULL;
	return srcinfo_find(si, w->tag);
}

static void why_json(int family, u128 addr, const struct nft_why *w,
		     const struct src_cc *e)
{
	char a[CIDR_STRLEN], rule[32], cc[3], name[8];
	struct json j;

	json_init(&j, stdout);
	json_obj_begin(&j, NULL);
	json_str(&j, "address", cidr_format_addr(family, addr, a));
	json_u64(&j, "family", (uint64_t)family);
	json_str(&j, "verdict", w->found && !w->allowed ? "drop" : "accept");
	json_str(&j, "rule", why_rule(w, rule, sizeof(rule)));
	json_bool(&j, "exception", w->allowed);
	json_str(&j, "country", w->found ? cc_format(w->tag, cc) : NULL);
	if (w->found) {
		json_obj_begin(&j, "range");
		json_str(&j, "first", cidr_format_addr(family, w->lo, a));
		json_str(&j, "last", cidr_format_addr(family, w->hi, a));
		json_obj_end(&j);
		snprintf(name, sizeof(name), "cc_%s", cc);
		json_obj_begin(&j, "counter");
		json_str(&j, "name", name);
		json_u64(&j, "packets", w->packets);
		json_u64(&j, "bytes", w->bytes);
		json_obj_end(&j);
	} else {
		json_null(&j, "range");
		json_null(&j, "counter");
	}
	json_str(&j, "source", e ? e->feed : NULL);
	if (e && e->fetched)
		json_i64(&j, "fetched", e->fetched);
	else
		json_null(&j, "fetched");
	json_obj_end(&j);
	json_end(&j);
}

int cmd_why_report(int family, u128 addr, const struct nft_why *w,
		   bool json, const struct conf *c)
{
	struct srcinfo *si = xcalloc(1, sizeof(*si));
	const struct src_cc *e = why_source(c, w, si);
	char t[32], cc[3];

	if (json) {
		why_json(family, addr, w, e);
	} else if (e) {
		printf("source: %s from %s", cc_format(w->tag, cc), e->feed);
		if (e->fetched)
			printf(", downloaded %s", iso_time(e->fetched, t));
		printf("\n");
	}
	free(si);
	return fflush(stdout) ? EX_IOERR : EX_OK;
}
