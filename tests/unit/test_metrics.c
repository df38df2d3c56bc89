// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_metrics.c - the Prometheus textfile (exact text, label escaping,
 * missing parts left out, atomic write) and the per-country source record
 * it reports (cache-dir/sources plus the feeds' cache metadata).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "cache.h"
#include "conf.h"
#include "metrics.h"
#include "srcinfo.h"
#include "util.h"

static char dir[64];

static int setup(void **ctx)
{
	(void)ctx;
	snprintf(dir, sizeof(dir), "/tmp/nbk-metrics-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **ctx)
{
	char cmd[128];

	(void)ctx;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *format(const struct metrics *m)
{
	char *buf;
	size_t len;

	assert_int_equal(metrics_format(m, &buf, &len), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

static void has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
	fail_msg("no line \"%s\" in:\n%s", line, text);
}

static void full(struct metrics *m, struct nft_counter *ctr,
		 struct srcinfo *si, struct lastrun *lr)
{
	memset(m, 0, sizeof(*m));
	memset(ctr, 0, 3 * sizeof(*ctr));
	strcpy(ctr[0].name, "cc_CN");
	ctr[0].tag = CC_TAG('C', 'N');
	ctr[0].packets = 12;
	ctr[0].bytes = 1008;
	strcpy(ctr[1].name, "cc_RU");
	ctr[1].tag = CC_TAG('R', 'U');
	strcpy(ctr[2].name, "deny");
	ctr[2].packets = 3;
	ctr[2].bytes = 180;
	memset(si, 0, sizeof(*si));
	si->v[0] = (struct src_cc){ CC_TAG('C', 'N'), "rir", 1000 };
	si->v[1] = (struct src_cc){ CC_TAG('R', 'U'), "my\"fe\\ed", 0 };
	si->v[2] = (struct src_cc){ CC_TAG('K', 'P'), "my\"fe\\ed", 4000 };
	si->n = 3;
	memset(lr, 0, sizeof(*lr));
	lr->time = 4500;
	lr->ok = false;
	lr->success = 3000;
	*m = (struct metrics){ .now = 5000, .have_kernel = true, .table = true,
			       .ctr = ctr, .nctr = 3, .have_ranges = true,
			       .ranges = { 7, 2 }, .src = si, .last = lr };
}

static void test_format(void **ctx)
{
	struct nft_counter ctr[3];
	struct srcinfo *si = calloc(1, sizeof(*si));
	struct lastrun lr;
	struct metrics m;
	char *t;

	(void)ctx;
	full(&m, ctr, si, &lr);
	t = format(&m);
	has_line(t, "# TYPE nftblock_drops_packets_total counter");
	has_line(t, "nftblock_drops_packets_total{country=\"CN\"} 12");
	has_line(t, "nftblock_drops_packets_total{country=\"RU\"} 0");
	has_line(t, "nftblock_drops_bytes_total{country=\"CN\"} 1008");
	has_line(t, "nftblock_counter_packets_total{name=\"deny\"} 3");
	has_line(t, "nftblock_counter_bytes_total{name=\"deny\"} 180");
	has_line(t, "nftblock_table_present 1");
	has_line(t, "# TYPE nftblock_ranges gauge");
	has_line(t, "nftblock_ranges{family=\"4\"} 7");
	has_line(t, "nftblock_ranges{family=\"6\"} 2");
	has_line(t, "nftblock_feed_age_seconds{country=\"CN\",source=\"rir\"} 4000");
	/* label values escaped; a country without cached data left out */
	has_line(t, "nftblock_feed_age_seconds{country=\"KP\","
		 "source=\"my\\\"fe\\\\ed\"} 1000");
	assert_null(strstr(t, "country=\"RU\",source"));
	has_line(t, "nftblock_last_run_timestamp_seconds 4500");
	has_line(t, "nftblock_last_run_ok 0");
	has_line(t, "nftblock_last_success_timestamp_seconds 3000");
	assert_null(strstr(t, "nftblock_drops_packets_total{name"));
	/* a family's TYPE line comes before its samples, once */
	assert_null(strstr(strstr(t, "# TYPE nftblock_drops_packets_total") + 1,
			   "# TYPE nftblock_drops_packets_total"));
	assert_true(strstr(t, "# TYPE nftblock_drops_packets_total") <
		    strstr(t, "nftblock_drops_packets_total{"));
	free(t);
	free(si);
}

static void test_format_missing(void **ctx)
{
	struct metrics m = { .now = 5 };
	char *t;

	(void)ctx;
	t = format(&m);		/* nothing known: an empty, valid file */
	assert_string_equal(t, "");
	free(t);
	m.have_kernel = true;	/* kernel asked, table absent */
	t = format(&m);
	assert_string_equal(t, "# HELP nftblock_table_present 1 when table "
			    "inet nftblock exists.\n# TYPE "
			    "nftblock_table_present gauge\n"
			    "nftblock_table_present 0\n");
	free(t);
}

static void test_write_file(void **ctx)
{
	struct nft_counter ctr[3];
	struct srcinfo *si = calloc(1, sizeof(*si));
	struct lastrun lr;
	struct metrics m;
	char path[128], *want, *got;
	size_t len;
	struct stat st;
	struct dirent *e;
	DIR *d;
	int n = 0;

	(void)ctx;
	full(&m, ctr, si, &lr);
	snprintf(path, sizeof(path), "%s/nftblock.prom", dir);
	assert_int_equal(metrics_write_file(path, &m), 0);
	ctr[0].packets = 13;	/* replaced on the next write */
	assert_int_equal(metrics_write_file(path, &m), 0);
	want = format(&m);
	assert_int_equal(util_read_file(path, 1 << 20, false, &got, &len), 0);
	assert_string_equal(got, want);
	has_line(got, "nftblock_drops_packets_total{country=\"CN\"} 13");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	d = opendir(dir);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(n, 1);
	snprintf(path, sizeof(path), "%s/", dir);
	assert_int_equal(metrics_write_file(path, &m), -EISDIR);
	assert_int_equal(metrics_write_file("/nonexistent/x.prom", &m), -ENOENT);
	free(want);
	free(got);
	free(si);
}

static void load_conf(struct conf *c, const char *extra)
{
	char text[1024], err[256];
	int n;

	conf_init(c);
	n = snprintf(text, sizeof(text), "[nftblock]\ncache-dir = %s\n"
		     "state-dir = %s\n[feed:world]\nurl = file:///w.csv\n"
		     "format = csv\n[feed:percc]\nurl = file:///{cc}.zone\n"
		     "format = cidr\n%s", dir, dir, extra);
	assert_int_equal(conf_parse(c, "t.conf", text, (size_t)n, 0, err,
				    sizeof(err)), 0);
}

static void put_meta(const char *key, int64_t fetched)
{
	struct cache_meta m = { .fetched = fetched };

	assert_int_equal(cache_put(dir, key, "x\n", 2, &m), 0);
}

static void test_srcinfo(void **ctx)
{
	static const char sources[] = "CN percc\nRU world\nDE percc\n"
		"bad line\nXX\nAP world\nCN world\nZZ percc\nFR a/b\n"
		"US unknownfeed\n";
	struct srcinfo *si = calloc(1, sizeof(*si));
	const struct src_cc *e;
	struct conf c;
	char prom[128];

	(void)ctx;
	load_conf(&c, "");
	assert_int_equal(srcinfo_load(&c, si), -ENOENT);
	assert_int_equal(cache_write_file(dir, "sources", sources,
					  sizeof(sources) - 1), 0);
	put_meta("percc.CN.0", 2000);
	put_meta("percc.CN.1", 1500);	/* the older of two files counts */
	put_meta("world.0", 3000);
	put_meta("unknownfeed.US.0", 100);
	assert_int_equal(srcinfo_load(&c, si), 0);
	assert_int_equal(si->n, 5);	/* CN RU DE AP US */
	e = srcinfo_find(si, CC_TAG('C', 'N'));
	assert_non_null(e);
	assert_string_equal(e->feed, "percc");
	assert_int_equal(e->fetched, 1500);
	e = srcinfo_find(si, CC_TAG('R', 'U'));
	assert_string_equal(e->feed, "world");
	assert_int_equal(e->fetched, 3000);
	e = srcinfo_find(si, CC_TAG('D', 'E'));
	assert_string_equal(e->feed, "percc");
	assert_int_equal(e->fetched, 0);	/* named, not cached */
	assert_non_null(srcinfo_find(si, CC_TAG('A', 'P')));
	assert_int_equal(srcinfo_find(si, CC_TAG('U', 'S'))->fetched, 100);
	assert_null(srcinfo_find(si, CC_TAG('Z', 'Z')));
	assert_null(srcinfo_find(si, CC_TAG('F', 'R')));
	/* metrics_write without prometheus-file writes nothing */
	assert_int_equal(metrics_write(&c, 5000), 0);
	snprintf(prom, sizeof(prom), "%s/nftblock.prom", dir);
	assert_int_equal(access(prom, F_OK), -1);
	conf_free(&c);
	free(si);
}

static void test_conf_key(void **ctx)
{
	struct conf c;
	char err[256];
	static const char bad[] = "[nftblock]\nprometheus-file = rel.prom\n";

	(void)ctx;
	load_conf(&c, "[nftblock]\nprometheus-file = /var/lib/prometheus/"
		  "node-exporter/nftblock.prom\n");
	assert_string_equal(c.prometheus_file,
			    "/var/lib/prometheus/node-exporter/nftblock.prom");
	conf_free(&c);
	conf_init(&c);
	assert_null(c.prometheus_file);
	assert_int_equal(conf_parse(&c, "b.conf", bad, sizeof(bad) - 1, 0, err,
				    sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "b.conf:2:"));
	conf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_missing),
		cmocka_unit_test_setup_teardown(test_write_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_srcinfo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_key, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
