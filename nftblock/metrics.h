/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metrics.h - the Prometheus textfile ([nftblock] prometheus-file), for
 * node_exporter's textfile collector.
 *
 *   nftblock_drops_packets_total{country="CN"}   the cc_CN counter
 *   nftblock_drops_bytes_total{country="CN"}
 *   nftblock_counter_packets_total{name="deny"}   other counters of the table
 *   nftblock_counter_bytes_total{name="deny"}
 *   nftblock_table_present                        1 when table inet nftblock exists
 *   nftblock_ranges{family="4"}                   ranges of the applied generation
 *   nftblock_feed_age_seconds{country=,source=}  age of the cached data
 *   nftblock_last_run_timestamp_seconds, nftblock_last_run_ok
 *   nftblock_last_success_timestamp_seconds
 *
 * A metric whose source is missing (no table, no state file, no last-run)
 * is left out rather than reported as 0.
 */
#ifndef NFTBLOCK_METRICS_H
#define NFTBLOCK_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "lastrun.h"
#include "nft.h"
#include "srcinfo.h"

struct metrics {
	int64_t now;
	bool have_kernel;		/* the kernel could be asked */
	bool table;			/* table inet nftblock exists */
	struct nft_counter *ctr;	/* ctr[0..nctr) */
	size_t nctr;
	bool have_ranges;		/* a state file was read */
	size_t ranges[2];		/* [0] IPv4, [1] IPv6 */
	struct srcinfo *src;		/* NULL: no sources file */
	struct lastrun *last;		/* NULL: no last-run file */
};

/*
 * Format m as Prometheus text exposition into a fresh buffer (the caller
 * frees *buf).  Countries are listed in m's order; label values are
 * escaped ('\\', '"', newline).  Returns 0, or -EFBIG past
 * MAX_METRICS_BYTES, or -ENOMEM.
 */
int metrics_format(const struct metrics *m, char **buf, size_t *len);

/* Format m and replace path atomically (mode 0644): a scraper sees the old
 * file or the new one.  Returns 0 or -errno. */
int metrics_write_file(const char *path, const struct metrics *m);

/*
 * Fill m with what the metrics report: the kernel's counters and table;
 * with a configuration c (may be NULL) also the state file's range counts,
 * cache-dir/sources with the feeds' metadata and state-dir/last-run.  Parts
 * that cannot be read are left out.  Free with metrics_release().
 */
void metrics_gather(const struct conf *c, int64_t now, struct metrics *m);

/* Free what metrics_gather() allocated; accepts a zeroed m. */
void metrics_release(struct metrics *m);

/*
 * Gather what the metrics report (kernel counters and table, the state
 * file's range counts, cache-dir/sources and feed metadata, state-dir/
 * last-run) and write c->prometheus_file; does nothing (0) when that is
 * not set.  Parts that cannot be read are left out.  Returns 0 or -errno
 * from writing the file.
 */
int metrics_write(const struct conf *c, int64_t now);

#endif
