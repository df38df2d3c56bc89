/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * defs.h - project-wide limits and small types.
 *
 * Every limit that bounds external data lives here, with the reason for its
 * value.  Nothing here allocates or does I/O.
 */
#ifndef NFTBLOCK_DEFS_H
#define NFTBLOCK_DEFS_H

#include <stddef.h>
#include <stdint.h>

#ifndef NFTBLOCK_VERSION
#define NFTBLOCK_VERSION	"0.1.0"
#endif

/* Where the feed catalogue and the configuration live (set by make). */
#ifndef NFTBLOCK_DATADIR
#define NFTBLOCK_DATADIR	"/usr/share"
#endif
#ifndef NFTBLOCK_SYSCONFDIR
#define NFTBLOCK_SYSCONFDIR	"/etc"
#endif

/* Addresses of both families are held as 128-bit unsigned integers. */
typedef unsigned __int128 u128;

#define MAX_FEED_BYTES		(256u << 20)	/* the largest real feed (a geolocation CSV, uncompressed) is ~60 MiB */
#define MAX_LINE_BYTES		4096u		/* the longest real feed line is < 200 bytes; a 1 MiB line is hostile */
#define MAX_FEED_LINES		(8u << 20)	/* the largest real feed has ~1.5 M lines */
#define MAX_RANGES		(16u << 20)	/* more ranges than any world feed holds (~1.4 M) */
#define MAX_CIDRS_PER_RANGE	256u		/* an IPv6 range splits into at most 254 prefixes */
#define MAX_CSV_FIELDS		16u		/* GeoLite2 blocks have 7 columns, IP2Location 4 */
#define MAX_COUNTRIES		676u		/* every two-letter code A-Z x A-Z */
#define MAX_GEONAMES		(1u << 20)	/* GeoLite2 locations has ~250 rows; bound the join table */
#define MAX_ERR_BYTES		256u		/* one error message, already escaped */
#define MAX_QUOTED_BYTES	48u		/* untrusted text quoted in a message is cut here */
#define MAX_STATE_BYTES		(128u << 20)	/* a world map of 1.4 M IPv6 ranges is ~50 MiB */
#define MAX_STATE_RANGES	(4u << 20)	/* per set in a state file; above any world feed */
#define MAX_GENERATIONS		8u		/* generations kept for rollback: a week of daily changes */
#define MAX_GENERATION_ID	99999999u	/* eight digits in the file name */

/* Configuration and feed catalogue (conf.c). */
#define MAX_CONF_BYTES		(1u << 20)	/* a config file of 1 MiB is not hand-written */
#define MAX_CONF_FILES		256u		/* conf.d and feeds.d entries read */
#define MAX_CONF_FEEDS		128u		/* feed sections; the catalogue ships ~8 */
#define MAX_CONF_GROUPS		32u		/* region:/continent: entries per list */
#define MAX_CONF_PORTS		64u		/* exception ports */
#define MAX_SOURCES		8u		/* sources: a primary and a few fallbacks */
#define MAX_URL_BYTES		2048u		/* longer URLs are refused by most servers */
#define MAX_FEED_URLS		8u		/* rir: five registries' files */
#define MAX_GROW_PCT		100000u		/* max-grow above 1000x is no limit at all */
#define MAX_LOG_PREFIX_BYTES	127u		/* the kernel's NF_LOG_PREFIXLEN is 128 with the NUL */
#define MAX_LOG_RATE		10000u		/* log lines per unit of time; more floods the journal */
#define MAX_LOG_BURST		10000u		/* packets logged at once before the rate applies */
#define MAX_LISTS		16u		/* named block-list sections ([list:NAME]): one bit each in a map tag */
#define MAX_LIST_NAME		24u		/* "ls_" + name is a chain and counter name */
#define MAX_LIST_SOURCES	8u		/* files and feed URLs of one list */
#define MAX_LIST_EXPIRE		(3650u * 86400u)	/* expire: ten years is "never" */
#define MAX_LIST_ENTRIES	(1u << 20)	/* addresses of one list; the largest public lists hold ~100k */
#define MAX_SEEN_BYTES		(64u << 20)	/* first-seen records of every list */

/* Fetching (fetch.c).  Defaults; [nftblock] keys override them. */
#define FETCH_CONNECT_TIMEOUT	20u		/* seconds to open a connection */
#define FETCH_TIMEOUT		600u		/* seconds for a whole transfer: 60 MiB on a slow line */
#define FETCH_LOW_SPEED_TIME	60u		/* seconds below FETCH_LOW_SPEED_BYTES: a stalled server */
#define FETCH_LOW_SPEED_BYTES	64u		/* bytes per second */
#define FETCH_RETRIES		2u		/* retries after a transient failure */
#define FETCH_RETRY_DELAY_MS	5000u		/* first backoff; doubled per retry */
#define FETCH_MAX_REDIRS	5L		/* mirrors redirect once or twice */
#define MAX_FETCH_TIMEOUT	86400u		/* a timeout key above a day is a typo */
#define MAX_HEADER_BYTES	512u		/* ETag / Last-Modified values kept */
#define MAX_CHECKSUM_BYTES	(1u << 20)	/* MD5SUM files list ~250 countries */
#define MAX_META_BYTES		4096u		/* cache metadata file */
#define MAX_COUNTS_BYTES	(64u << 10)	/* cache per-country counts file */

/* Status, statistics and metrics (json.c, lastrun.c, metrics.c). */
#define MAX_JSON_DEPTH		16u		/* our documents nest 3 deep */
#define MAX_LASTRUN_BYTES	4096u		/* last-run: five short key=value lines */
#define MAX_LASTRUN_MSG		512u		/* one summary line of a run */
#define MAX_COUNTERS		1024u		/* 676 country counters plus a few of the rules' own */
#define MAX_COUNTER_NAME	64u		/* ours are "cc_XX", "deny"; longer ones are not nftblock's */
#define MAX_METRICS_BYTES	(1u << 20)	/* ~700 countries x 4 lines of < 120 bytes */

/* Resident mode (cmd_daemon.c). */
#define DAEMON_INTERVAL		86400u		/* seconds between syncs: the feeds change daily */
#define MAX_DAEMON_INTERVAL	(30u * 86400u)	/* a month-old block list is stale */
#define DAEMON_JITTER_PCT	10u		/* spread the hosts' syncs over the servers */
#define DAEMON_RETRY_MS		5000u		/* a failed probe or restore is tried again */
#define MAX_RESTORES_PER_MIN	30u		/* more: another tool keeps fighting us; back off */

/* A country code packed into a tag: 'C' << 8 | 'N'.  0 means "no country". */
#define CC_TAG(a, b)		((uint32_t)(unsigned char)(a) << 8 | (unsigned char)(b))

#endif
