// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics.c - the Prometheus textfile: format, atomic write, gathering.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc.h"
#include "metrics.h"
#include "state.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_PATH_BYTES	4096u	/* PATH_MAX */

/* A label value, escaped as the text exposition format wants. */
static void label(FILE *f, const char *name, const char *v)
{
	fprintf(f, "%s=\"", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void head(FILE *f, const char *name, const char *type,
		 const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One counter family over the counters that are (country) or are not
 * country counters; bytes selects the value. */
static void counters(FILE *f, const struct metrics *m, bool country,
		     bool bytes)
{
	const char *name = country ?
		(bytes ? "nftblock_drops_bytes_total" :
		 "nftblock_drops_packets_total") :
		(bytes ? "nftblock_counter_bytes_total" :
		 "nftblock_counter_packets_total");
	bool any = false;
	char cc[3];

	for (size_t i = 0; i < m->nctr; i++) {
		const struct nft_counter *c = &m->ctr[i];

		if (!c->tag != !country)
			continue;
		if (!any)
			head(f, name, "counter", country ?
			     (bytes ? "Bytes dropped by a country's rule." :
			      "Packets dropped by a country's rule.") :
			     (bytes ? "Bytes counted by a named counter." :
			      "Packets counted by a named counter."));
		any = true;
		fprintf(f, "%s{", name);
		if (country)
			label(f, "country", cc_format(c->tag, cc));
		else
			label(f, "name", c->name);
		fprintf(f, "} %" PRIu64 "\n", bytes ? c->bytes : c->packets);
	}
}

static void kernel(FILE *f, const struct metrics *m)
{
	if (m->have_kernel) {
		head(f, "nftblock_table_present", "gauge",
		     "1 when table inet nftblock exists.");
		fprintf(f, "nftblock_table_present %d\n", m->table ? 1 : 0);
		for (int k = 0; k < 4; k++)
			counters(f, m, k < 2, k & 1);
	}
	if (m->have_ranges) {
		head(f, "nftblock_ranges", "gauge",
		     "Address ranges of the applied generation.");
		fprintf(f, "nftblock_ranges{family=\"4\"} %zu\n"
			"nftblock_ranges{family=\"6\"} %zu\n",
			m->ranges[0], m->ranges[1]);
	}
}

static void feeds(FILE *f, const struct metrics *m)
{
	bool any = false;
	char cc[3];

	for (size_t i = 0; m->src && i < m->src->n; i++) {
		const struct src_cc *e = &m->src->v[i];

		if (!e->fetched)
			continue;
		if (!any)
			head(f, "nftblock_feed_age_seconds", "gauge",
			     "Age of the cached data a country's ranges come "
			     "from.");
		any = true;
		fputs("nftblock_feed_age_seconds{", f);
		label(f, "country", cc_format(e->tag, cc));
		fputc(',', f);
		label(f, "source", e->feed);
		fprintf(f, "} %" PRId64 "\n",
			m->now > e->fetched ? m->now - e->fetched : 0);
	}
}

static void lastrun(FILE *f, const struct lastrun *l)
{
	if (!l)
		return;
	head(f, "nftblock_last_run_timestamp_seconds", "gauge",
	     "When the last sync ended.");
	fprintf(f, "nftblock_last_run_timestamp_seconds %" PRId64 "\n",
		l->time);
	head(f, "nftblock_last_run_ok", "gauge",
	     "1 when the last sync succeeded.");
	fprintf(f, "nftblock_last_run_ok %d\n", l->ok ? 1 : 0);
	if (!l->success)
		return;
	head(f, "nftblock_last_success_timestamp_seconds", "gauge",
	     "When a sync last succeeded.");
	fprintf(f, "nftblock_last_success_timestamp_seconds %" PRId64 "\n",
		l->success);
}

int metrics_format(const struct metrics *m, char **buf, size_t *len)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);

	if (!f)
		return -ENOMEM;
	kernel(f, m);
	feeds(f, m);
	lastrun(f, m->last);
	if (fclose(f)) {
		free(p);
		return -ENOMEM;
	}
	if (n > MAX_METRICS_BYTES) {
		free(p);
		return -EFBIG;
	}
	*buf = p;
	*len = n;
	return 0;
}

int metrics_write_file(const char *path, const struct metrics *m)
{
	char dir[MAX_PATH_BYTES];
	const char *slash = strrchr(path, '/');
	size_t len;
	char *buf;
	int ret;

	if (!*path || (slash && !slash[1]))
		return -EISDIR;
	if (!slash) {
		strcpy(dir, ".");
	} else if ((size_t)(slash - path) >= sizeof(dir)) {
		return -ENAMETOOLONG;
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if (slash == path)
			strcpy(dir, "/");
	}
	ret = metrics_format(m, &buf, &len);
	if (ret)
		return ret;
	ret = util_write_file_atomic(dir, slash ? slash + 1 : path, buf, len,
				     0644);
	free(buf);
	return ret;
}

/* The range counts of the applied generation, from the state file. */
static void ranges_of(const struct conf *c, struct metrics *m)
{
	struct state st;

	if (state_load(c->state_dir, &st))
		return;
	m->have_ranges = true;
	m->ranges[0] = st.gen.map[0].n;
	m->ranges[1] = st.gen.map[1].n;
	state_free(&st);
}

void metrics_gather(const struct conf *c, int64_t now, struct metrics *m)
{
	struct lastrun lr;
	int ret;

	memset(m, 0, sizeof(*m));
	m->now = now;
	ret = nft_counters(&m->ctr, &m->nctr);
	m->have_kernel = !ret || ret == -ENOENT;
	m->table = !ret;
	if (!c)
		return;
	ranges_of(c, m);
	m->src = xcalloc(1, sizeof(*m->src));
	if (srcinfo_load(c, m->src)) {
		free(m->src);
		m->src = NULL;
	}
	if (!lastrun_read(c->state_dir, &lr)) {
		m->last = xmalloc(sizeof(*m->last));
		*m->last = lr;
	}
}

void metrics_release(struct metrics *m)
{
	free(m->ctr);
	free(m->src);
	free(m->last);
	m->ctr = NULL;
	m->src = NULL;
	m->last = NULL;
	m->nctr = 0;
}

int metrics_write(const struct conf *c, int64_t now)
{
	struct metrics m;
	int ret;

	if (!c->prometheus_file)
		return 0;
	metrics_gather(c, now, &m);
	ret = metrics_write_file(c->prometheus_file, &m);
	metrics_release(&m);
	return ret;
}
