/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf.h - the configuration contract (DESIGN.md) parsed from buffers.
 *
 * Pure: the caller reads the files (nftblock.conf, the conf.d files, the feed
 * catalogue) and hands each one in with its name.  "[section]" headers,
 * "key = value", "#" comments (at the start of a line or after white
 * space).  A later value of a key replaces the earlier one, so conf.d files
 * override nftblock.conf.  Unknown sections or keys and bad values are
 * errors reported as "file:line: reason".
 */
#ifndef NFTBLOCK_CONF_H
#define NFTBLOCK_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc.h"
#include "cidr.h"
#include "defs.h"
#include "parse.h"

enum conf_direction {
	DIR_NONE = 0,
	DIR_IN = 1,
	DIR_OUT = 2,
	DIR_BOTH = DIR_IN | DIR_OUT,
	DIR_FORWARD = 4,
	DIR_ALL = DIR_BOTH | DIR_FORWARD,
};

enum feed_scope { SCOPE_UNSET, SCOPE_COUNTRY, SCOPE_WORLD };

/* A countries list: plain codes in set, "region:X" / "continent:X" kept as
 * written for the stages that expand them. */
struct conf_countries {
	struct ccset set;
	bool any;		/* at least one code, region or continent */
	char *groups[MAX_CONF_GROUPS];
	size_t ngroups;
	enum conf_direction direction;
};

struct conf_port {
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t lo, hi;
};

/* Whole protocols a block list can be limited to ([list:NAME] protocols). */
enum conf_proto { PROTO_TCP = 1, PROTO_UDP = 2, PROTO_ICMP = 4 };

/*
 * A [list:NAME] section: a named block list of addresses and prefixes
 * (inline, local files, a feed) and countries, with its own counter, an
 * optional expiry and an optional port / protocol scope.
 */
struct conf_list {
	char name[MAX_LIST_NAME + 1];	/* [a-z0-9_-] */
	struct conf_countries countries;	/* direction unused */
	struct rangeset addrs[2];	/* inline entries; tag: the Unix time
					 * the entry lapses ("until"), 0 never */
	char *files[MAX_LIST_SOURCES];	/* absolute paths */
	size_t nfiles;
	bool feed;			/* url set: feed section "list:NAME" */
	uint32_t expire;		/* seconds after first seen; 0: never */
	struct conf_port ports[MAX_CONF_PORTS];	/* scope: destination ports */
	size_t nports;
	unsigned protos;		/* scope: enum conf_proto bits */
	char where[MAX_ERR_BYTES / 2];	/* "file:line" of its header */
};

/* [log]: logging of dropped packets (the kernel's log, rate-limited). */
struct conf_log {
	bool drops;		/* log what the country rules drop */
	char *prefix;		/* never NULL; at most MAX_LOG_PREFIX_BYTES */
	unsigned rate;		/* lines per "per" seconds, 1..MAX_LOG_RATE */
	unsigned per;		/* 1, 60, 3600 or 86400 */
	unsigned burst;		/* 1..MAX_LOG_BURST */
	unsigned level;		/* syslog level 0 (emerg) .. 7 (debug) */
};

/* A [feed:NAME] section.  Unset strings are NULL, unset enums 0 / -1, so
 * that a config section can override single keys of a shipped feed. */
struct conf_feed {
	char *name;
	char *url;		/* white-space separated templates */
	char *url6;
	char *checksum;		/* URL template; "{url}" is the data URL */
	char *licence;
	char *attribution;
	char *licence_key;	/* secret: never printed */
	int format;		/* enum feed_format, -1: unset */
	int insecure;		/* -1 unset, 0 no, 1 yes */
	enum feed_scope scope;
	char where[MAX_ERR_BYTES / 2];	/* "file:line" of its header */
};

struct conf {
	char *sources[MAX_SOURCES];
	size_t nsources;
	char *cache_dir;
	char *state_dir;
	char *ca_file;		/* NULL: the system's bundle only */
	char *feeds_dir;	/* NULL: the default catalogue path */
	char *prometheus_file;	/* NULL: no metrics textfile */
	unsigned max_shrink;	/* percent, 0: off */
	unsigned max_grow;	/* percent, 0: off */
	/* fetch tuning (seconds unless said) */
	unsigned connect_timeout;
	unsigned timeout;
	unsigned low_speed_time;
	unsigned retries;
	unsigned retry_delay_ms;
	uint64_t max_feed_bytes;

	struct conf_countries block;
	struct conf_countries allow;
	struct rangeset except[2];	/* [0] IPv4, [1] IPv6, normal */
	struct conf_port ports[MAX_CONF_PORTS];
	size_t nports;

	struct conf_feed *feeds;
	size_t nfeeds, feeds_cap;

	/* [block] addresses: always dropped in [block]'s direction, whatever
	 * their country ([exceptions] still come first) */
	struct rangeset block_addrs[2];	/* [0] IPv4, [1] IPv6, normal */
	struct conf_log log;
	struct conf_list *lists;	/* [list:NAME] sections, in order */
	size_t nlists;
	bool block_early;	/* [block] early: inbound drops before conntrack */
};

/* Only [feed:NAME] sections are allowed (a catalogue file). */
#define CONF_CATALOGUE	1u

/* Set every default (DESIGN.md).  Free with conf_free(). */
void conf_init(struct conf *c);
/* Free everything c holds; accepts a zeroed or freed conf. */
void conf_free(struct conf *c);

/*
 * Parse one file's text buf[0..len) named name into c, on top of what c
 * already holds.  Returns 0, or -EINVAL with "name:line: reason" in
 * err[errlen] (c may then hold part of the file: discard it).
 */
int conf_parse(struct conf *c, const char *name, const char *buf, size_t len,
	       unsigned flags, char *err, size_t errlen);

/*
 * The countries a list stands for: its codes plus the countries of its
 * region: and continent: entries, added to out (which the caller
 * initialises).
 */
void conf_countries_expand(const struct conf_countries *cs,
			   struct ccset *out);

/* The text of a direction: "in", "out", "both", "forward", "all" or,
 * for a combination the syntax cannot write, "in+forward" etc. */
const char *conf_direction_name(enum conf_direction d);

/* The syslog name of a [log] level ("warn"). */
const char *conf_log_level_name(unsigned level);

/* The [list:NAME] section called name, or NULL. */
struct conf_list *conf_list_find(const struct conf *c, const char *name);

/*
 * Parse one list entry "ADDR[/LEN] [until DATE]" of a list file's line
 * (white space separated; DATE is YYYY-MM-DD, midnight UTC, or
 * YYYY-MM-DDTHH:MM[:SS]Z) into *cd and *until (0: no until).  Returns 0 or
 * -EINVAL.
 */
int conf_list_entry(const char *s, size_t len, struct cidr *cd,
		    uint32_t *until);

/* The feed section called name, or NULL. */
struct conf_feed *conf_feed_find(const struct conf *c, const char *name);

/*
 * Fill the keys a configuration's [feed:NAME] sections leave unset from the
 * catalogue's feed of the same name, and add catalogue feeds the
 * configuration does not name.  cat is left unchanged.
 */
void conf_merge_catalogue(struct conf *c, const struct conf *cat);

/*
 * Check what only the whole configuration can tell: every source names a
 * known feed with a URL and a format, URLs use an allowed scheme, a
 * per-country feed has a country placeholder.  Returns 0 or -EINVAL with
 * the reason (naming the feed and where it was defined) in err.
 */
int conf_check(const struct conf *c, char *err, size_t errlen);

/* The scope a feed declares, or, unset, per-country when its URL holds a
 * country placeholder and world otherwise. */
enum feed_scope conf_feed_scope(const struct conf_feed *f);

/* "https://", "file://" or (insecure) "http://": the scheme checks every
 * URL template and fetch share.  Returns 0 or -EINVAL. */
int conf_url_allowed(const char *url, bool insecure);

#endif
