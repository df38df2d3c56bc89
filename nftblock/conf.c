// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf.c - parse the configuration contract (DESIGN.md) from buffers.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "log.h"
#include "region.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_CONF_LINES		(64u << 10)	/* bound on lines read per file */
#define MAX_CONF_WORDS		4096u		/* words in one list value */

enum section { SEC_NONE, SEC_NFTBLOCK, SEC_BLOCK, SEC_ALLOW, SEC_EXCEPT,
	       SEC_FEED, SEC_LOG, SEC_LIST };

struct pstate {
	struct conf *c;
	const char *name;
	size_t line;
	unsigned flags;
	enum section sec;
	struct conf_feed *feed;
	struct conf_list *list;
	char *err;
	size_t errlen;
};

static int perr(struct pstate *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct pstate *p, const char *fmt, ...)
{
	char msg[MAX_ERR_BYTES];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%zu: %s", p->name, p->line, msg);
	return -EINVAL;
}

/* Quote untrusted value text for a message. */
static const char *q(const char *s, size_t len, char *buf, size_t n)
{
	return log_escape(s, len, buf, n);
}

void conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->sources[0] = xstrdup("rir");
	c->nsources = 1;
	c->cache_dir = xstrdup("/var/cache/nftblock");
	c->state_dir = xstrdup("/var/lib/nftblock");
	c->max_shrink = 40;
	c->max_grow = 100;
	c->connect_timeout = FETCH_CONNECT_TIMEOUT;
	c->timeout = FETCH_TIMEOUT;
	c->low_speed_time = FETCH_LOW_SPEED_TIME;
	c->retries = FETCH_RETRIES;
	c->retry_delay_ms = FETCH_RETRY_DELAY_MS;
	c->max_feed_bytes = MAX_FEED_BYTES;
	ccset_init(&c->block.set, false);
	ccset_init(&c->allow.set, false);
	c->block.direction = DIR_BOTH;
	c->allow.direction = DIR_IN;
	rangeset_init(&c->except[0], 4);
	rangeset_init(&c->except[1], 6);
	rangeset_init(&c->block_addrs[0], 4);
	rangeset_init(&c->block_addrs[1], 6);
	c->log.prefix = xstrdup("nftblock: ");
	c->log.rate = 10;
	c->log.per = 60;
	c->log.burst = 5;
	c->log.level = 4;	/* warn, as nft's log statement */
}

static void feed_free(struct conf_feed *f)
{
	free(f->name);
	free(f->url);
	free(f->url6);
	free(f->checksum);
	free(f->licence);
	free(f->attribution);
	if (f->licence_key)
		explicit_bzero(f->licence_key, strlen(f->licence_key));
	free(f->licence_key);
}

static void groups_free(struct conf_countries *cs)
{
	for (size_t i = 0; i < cs->ngroups; i++)
		free(cs->groups[i]);
	cs->ngroups = 0;
}

static void list_free(struct conf_list *l)
{
	groups_free(&l->countries);
	rangeset_free(&l->addrs[0]);
	rangeset_free(&l->addrs[1]);
	for (size_t i = 0; i < l->nfiles; i++)
		free(l->files[i]);
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsources; i++)
		free(c->sources[i]);
	free(c->cache_dir);
	free(c->state_dir);
	free(c->ca_file);
	free(c->feeds_dir);
	free(c->prometheus_file);
	groups_free(&c->block);
	groups_free(&c->allow);
	rangeset_free(&c->except[0]);
	rangeset_free(&c->except[1]);
	rangeset_free(&c->block_addrs[0]);
	rangeset_free(&c->block_addrs[1]);
	free(c->log.prefix);
	for (size_t i = 0; i < c->nlists; i++)
		list_free(&c->lists[i]);
	free(c->lists);
	for (size_t i = 0; i < c->nfeeds; i++)
		feed_free(&c->feeds[i]);
	free(c->feeds);
	memset(c, 0, sizeof(*c));
}

struct conf_feed *conf_feed_find(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nfeeds; i++)
		if (!strcmp(c->feeds[i].name, name))
			return &c->feeds[i];
	return NULL;
}

/* Next white-space separated word of v[*pos..len); NULL at the end. */
static const char *next_word(const char *v, size_t len, size_t *pos,
			     size_t *wlen)
{
	size_t i = *pos, s;

	while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
		i++;
	if (i == len)
		return NULL;
	s = i;
	while (i < len && v[i] != ' ' && v[i] != '\t' && v[i] != ',')
		i++;
	*pos = i;
	*wlen = i - s;
	return v + s;
}

/* ---- value handlers ---- */

static int set_str(struct pstate *p, char **dst, const char *v, size_t len)
{
	char b[MAX_ERR_BYTES];

	if (len > MAX_URL_BYTES)
		return perr(p, "value too long");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
			return perr(p, "control character in value '%s'",
				    q(v, len, b, sizeof(b)));
	free(*dst);
	*dst = len ? xstrndup(v, len) : NULL;
	return 0;
}

static int set_path(struct pstate *p, char **dst, const char *v, size_t len)
{
	char b[MAX_ERR_BYTES];

	if (len && v[0] != '/')
		return perr(p, "'%s' is not an absolute path",
			    q(v, len, b, sizeof(b)));
	return set_str(p, dst, v, len);
}

static int set_uint(struct pstate *p, unsigned *dst, const char *v,
		    size_t len, unsigned max, bool pct)
{
	char b[MAX_ERR_BYTES];
	uint64_t n;
	size_t l = len;

	if (pct && l && v[l - 1] == '%')
		l--;
	if (util_parse_u64(v, l, max, &n))
		return perr(p, "'%s' is not a number from 0 to %u%s",
			    q(v, len, b, sizeof(b)), max, pct ? "%" : "");
	*dst = (unsigned)n;
	return 0;
}

static int set_bool(struct pstate *p, int *dst, const char *v, size_t len)
{
	char b[MAX_ERR_BYTES];

	if (util_eq(v, len, "yes") || util_eq(v, len, "true") ||
	    util_eq(v, len, "1"))
		*dst = 1;
	else if (util_eq(v, len, "no") || util_eq(v, len, "false") ||
		 util_eq(v, len, "0"))
		*dst = 0;
	else
		return perr(p, "'%s' is not yes or no",
			    q(v, len, b, sizeof(b)));
	return 0;
}

static int set_sources(struct pstate *p, const char *v, size_t len)
{
	char *tmp[MAX_SOURCES];
	const char *w;
	size_t pos = 0, wl, n = 0;
	char b[MAX_ERR_BYTES];

	while ((w = next_word(v, len, &pos, &wl))) {
		if (n == MAX_SOURCES) {
			while (n)
				free(tmp[--n]);
			return perr(p, "more than %u sources", MAX_SOURCES);
		}
		for (size_t i = 0; i < wl; i++) {
			char ch = w[i];

			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			      ch == '-' || ch == '_')) {
				while (n)
					free(tmp[--n]);
				return perr(p, "'%s' is not a feed name",
					    q(w, wl, b, sizeof(b)));
			}
		}
		tmp[n++] = xstrndup(w, wl);
	}
	if (!n)
		return perr(p, "sources needs at least one feed");
	for (size_t i = 0; i < p->c->nsources; i++)
		free(p->c->sources[i]);
	memcpy(p->c->sources, tmp, n * sizeof(tmp[0]));
	p->c->nsources = n;
	return 0;
}

static int add_country_word(struct pstate *p, struct conf_countries *cs,
			    const char *w, size_t wl)
{
	char b[MAX_ERR_BYTES];
	uint32_t tag;

	if (memchr(w, ':', wl)) {
		if (!region_known(w, wl))
			return perr(p, "unknown region or continent '%s'",
				    q(w, wl, b, sizeof(b)));
		if (cs->ngroups == MAX_CONF_GROUPS)
			return perr(p, "more than %u regions/continents",
				    MAX_CONF_GROUPS);
		cs->groups[cs->ngroups++] = xstrndup(w, wl);
		return 0;
	}
	switch (wl == 2 ? cc_parse(w, wl, &tag) : CC_BAD) {
	case CC_COUNTRY:
	case CC_REGION:
		ccset_add(&cs->set, tag);
		return 0;
	default:
		return perr(p, "'%s' is not a country code",
			    q(w, wl, b, sizeof(b)));
	}
}

static int set_countries(struct pstate *p, struct conf_countries *cs,
			 const char *v, size_t len)
{
	const char *w;
	size_t pos = 0, wl, n = 0;
	int ret;

	ccset_init(&cs->set, false);
	groups_free(cs);
	cs->any = false;
	while ((w = next_word(v, len, &pos, &wl))) {
		if (++n > MAX_CONF_WORDS)
			return perr(p, "too many countries");
		ret = add_country_word(p, cs, w, wl);
		if (ret)
			return ret;
		cs->any = true;
	}
	return 0;
}

static int set_direction(struct pstate *p, enum conf_direction *dst,
			 const char *v, size_t len)
{
	static const struct { const char *n; enum conf_direction d; } t[] = {
		{ "in", DIR_IN }, { "out", DIR_OUT }, { "both", DIR_BOTH },
		{ "forward", DIR_FORWARD }, { "all", DIR_ALL },
	};
	char b[MAX_ERR_BYTES];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (util_eq(v, len, t[i].n)) {
			*dst = t[i].d;
			return 0;
		}
	}
	return perr(p, "direction '%s' is not in, out, both, forward or all",
		    q(v, len, b, sizeof(b)));
}

/* A list of addresses and prefixes into set[0] (IPv4) and set[1] (IPv6),
 * replacing what they held. */
static int set_addrlist(struct pstate *p, struct rangeset set[2],
			bool no_default, const char *v, size_t len)
{
	const char *w;
	size_t pos = 0, wl, n = 0;
	char b[MAX_ERR_BYTES];
	struct cidr cd;

	rangeset_clear(&set[0]);
	rangeset_clear(&set[1]);
	while ((w = next_word(v, len, &pos, &wl))) {
		if (++n > MAX_CONF_WORDS)
			return perr(p, "too many addresses");
		if (cidr_parse(w, wl, true, &cd))
			return perr(p, "'%s' is not an address or prefix",
				    q(w, wl, b, sizeof(b)));
		if (no_default && cd.len == 0)
			return perr(p, "'%s' would block every address (for "
				    "allow-list mode use [allow])",
				    q(w, wl, b, sizeof(b)));
		rangeset_add_cidr(&set[cd.family == 6], &cd, 0);
	}
	rangeset_normalize(&set[0]);
	rangeset_normalize(&set[1]);
	return 0;
}

static int set_addresses(struct pstate *p, const char *v, size_t len)
{
	return set_addrlist(p, p->c->except, false, v, len);
}

static int parse_port(struct pstate *p, const char *w, size_t wl,
		      struct conf_port *out)
{
	const char *slash = memchr(w, '/', wl), *dash;
	char b[MAX_ERR_BYTES];
	uint64_t lo, hi;
	size_t pl;

	if (!slash)
		goto bad;
	if (util_eq(w, (size_t)(slash - w), "tcp"))
		out->proto = IPPROTO_TCP;
	else if (util_eq(w, (size_t)(slash - w), "udp"))
		out->proto = IPPROTO_UDP;
	else
		goto bad;
	slash++;
	pl = wl - (size_t)(slash - w);
	dash = memchr(slash, '-', pl);
	if (util_parse_u64(slash, dash ? (size_t)(dash - slash) : pl, 65535,
			   &lo))
		goto bad;
	hi = lo;
	if (dash && util_parse_u64(dash + 1, pl - (size_t)(dash + 1 - slash),
				   65535, &hi))
		goto bad;
	if (lo == 0 || hi < lo)
		goto bad;
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return 0;
bad:
	return perr(p, "'%s' is not tcp/PORT, udp/PORT or PROTO/LO-HI",
		    q(w, wl, b, sizeof(b)));
}

/* A list of ports into ports[MAX_CONF_PORTS], *n of them. */
static int set_ports(struct pstate *p, struct conf_port *ports, size_t *n,
		     const char *v, size_t len)
{
	const char *w;
	size_t pos = 0, wl;
	int ret;

	*n = 0;
	while ((w = next_word(v, len, &pos, &wl))) {
		if (*n == MAX_CONF_PORTS)
			return perr(p, "more than %u ports", MAX_CONF_PORTS);
		ret = parse_port(p, w, wl, &ports[*n]);
		if (ret)
			return ret;
		(*n)++;
	}
	return 0;
}

/* ---- [log] ---- */

/* "nftblock: " or "\"nftblock: \"" (quotes keep outer white space):
 * printable ASCII without '"' and '\\', as the kernel logs it. */
static int set_log_prefix(struct pstate *p, const char *v, size_t len)
{
	char b[MAX_ERR_BYTES];

	if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
		v++;
		len -= 2;
	}
	if (len > MAX_LOG_PREFIX_BYTES)
		return perr(p, "log prefix longer than %u bytes",
			    MAX_LOG_PREFIX_BYTES);
	for (size_t i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] > 0x7e || v[i] == '"' || v[i] == '\\')
			return perr(p, "log prefix '%s' holds a quote, a "
				    "backslash or a non-printable character",
				    q(v, len, b, sizeof(b)));
	free(p->c->log.prefix);
	p->c->log.prefix = xstrndup(v, len);
	return 0;
}

/* "N/second", "N/minute", "N/hour", "N/day". */
static int set_log_rate(struct pstate *p, const char *v, size_t len)
{
	static const struct { const char *n; unsigned s; } units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 },
		{ "day", 86400 },
	};
	const char *slash = memchr(v, '/', len);
	char b[MAX_ERR_BYTES];
	uint64_t n;
	size_t ul;

	if (!slash || util_parse_u64(v, (size_t)(slash - v), MAX_LOG_RATE,
				     &n) || n == 0)
		goto bad;
	ul = len - (size_t)(slash + 1 - v);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (util_eq(slash + 1, ul, units[i].n)) {
			p->c->log.rate = (unsigned)n;
			p->c->log.per = units[i].s;
			return 0;
		}
	}
bad:
	return perr(p, "rate '%s' is not N/second, N/minute, N/hour or N/day "
		    "with N from 1 to %u", q(v, len, b, sizeof(b)),
		    MAX_LOG_RATE);
}

static const char *const log_levels[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

static int set_log_level(struct pstate *p, const char *v, size_t len)
{
	char b[MAX_ERR_BYTES];

	for (unsigned i = 0; i < 8; i++) {
		if (util_eq(v, len, log_levels[i])) {
			p->c->log.level = i;
			return 0;
		}
	}
	return perr(p, "log level '%s' is not emerg, alert, crit, err, warn, "
		    "notice, info or debug", q(v, len, b, sizeof(b)));
}

const char *conf_log_level_name(unsigned level)
{
	return level < 8 ? log_levels[level] : "?";
}

static int key_log(struct pstate *p, const char *k, size_t kl, const char *v,
		   size_t vl)
{
	struct conf_log *l = &p->c->log;
	int on, ret;

	if (util_eq(k, kl, "drops")) {
		ret = set_bool(p, &on, v, vl);
		if (!ret)
			l->drops = on;
		return ret;
	}
	if (util_eq(k, kl, "prefix"))
		return set_log_prefix(p, v, vl);
	if (util_eq(k, kl, "rate"))
		return set_log_rate(p, v, vl);
	if (util_eq(k, kl, "burst")) {
		ret = set_uint(p, &l->burst, v, vl, MAX_LOG_BURST, false);
		if (!ret && l->burst == 0)
			return perr(p, "burst must be at least 1");
		return ret;
	}
	if (util_eq(k, kl, "level"))
		return set_log_level(p, v, vl);
	return 1;
}

/* ---- sections ---- */

static int key_nftblock(struct pstate *p, const char *k, size_t kl,
			const char *v, size_t vl)
{
	struct conf *c = p->c;
	unsigned n;
	int ret;

	if (util_eq(k, kl, "sources"))
		return set_sources(p, v, vl);
	if (util_eq(k, kl, "cache-dir"))
		return vl ? set_path(p, &c->cache_dir, v, vl) :
			    perr(p, "cache-dir may not be empty");
	if (util_eq(k, kl, "state-dir"))
		return vl ? set_path(p, &c->state_dir, v, vl) :
			    perr(p, "state-dir may not be empty");
	if (util_eq(k, kl, "ca-file"))
		return set_path(p, &c->ca_file, v, vl);
	if (util_eq(k, kl, "feeds-dir"))
		return set_path(p, &c->feeds_dir, v, vl);
	if (util_eq(k, kl, "prometheus-file"))
		return set_path(p, &c->prometheus_file, v, vl);
	if (util_eq(k, kl, "max-shrink"))
		return set_uint(p, &c->max_shrink, v, vl, 100, true);
	if (util_eq(k, kl, "max-grow"))
		return set_uint(p, &c->max_grow, v, vl, MAX_GROW_PCT, true);
	if (util_eq(k, kl, "connect-timeout"))
		return set_uint(p, &c->connect_timeout, v, vl,
				MAX_FETCH_TIMEOUT, false);
	if (util_eq(k, kl, "timeout"))
		return set_uint(p, &c->timeout, v, vl, MAX_FETCH_TIMEOUT, false);
	if (util_eq(k, kl, "low-speed-time"))
		return set_uint(p, &c->low_speed_time, v, vl,
				MAX_FETCH_TIMEOUT, false);
	if (util_eq(k, kl, "retries"))
		return set_uint(p, &c->retries, v, vl, 10, false);
	if (util_eq(k, kl, "retry-delay-ms"))
		return set_uint(p, &c->retry_delay_ms, v, vl, 600000, false);
	if (util_eq(k, kl, "max-feed-size")) {
		ret = set_uint(p, &n, v, vl, MAX_FEED_BYTES, false);
		if (!ret)
			c->max_feed_bytes = n;
		return ret;
	}
	return 1;
}

static int key_countries(struct pstate *p, struct conf_countries *cs,
			 const char *k, size_t kl, const char *v, size_t vl)
{
	if (util_eq(k, kl, "countries"))
		return set_countries(p, cs, v, vl);
	if (util_eq(k, kl, "direction"))
		return set_direction(p, &cs->direction, v, vl);
	return 1;
}

static int key_block(struct pstate *p, const char *k, size_t kl,
		     const char *v, size_t vl)
{
	int on, ret;

	if (util_eq(k, kl, "addresses"))
		return set_addrlist(p, p->c->block_addrs, true, v, vl);
	if (util_eq(k, kl, "early")) {
		ret = set_bool(p, &on, v, vl);
		if (!ret)
			p->c->block_early = on;
		return ret;
	}
	return key_countries(p, &p->c->block, k, kl, v, vl);
}

static int key_except(struct pstate *p, const char *k, size_t kl,
		      const char *v, size_t vl)
{
	if (util_eq(k, kl, "addresses"))
		return set_addresses(p, v, vl);
	if (util_eq(k, kl, "ports"))
		return set_ports(p, p->c->ports, &p->c->nports, v, vl);
	return 1;
}

static int set_format(struct pstate *p, int *dst, const char *v, size_t len)
{
	char name[32], b[MAX_ERR_BYTES];
	enum feed_format f;

	if (len == 0 || len >= sizeof(name))
		goto bad;
	memcpy(name, v, len);
	name[len] = '\0';
	if (parse_format_from_name(name, &f))
		goto bad;
	*dst = (int)f;
	return 0;
bad:
	return perr(p, "unknown format '%s' (cidr, rir, csv, ip2location, "
		    "torgeoip, maxmind)", q(v, len, b, sizeof(b)));
}

static int set_scope(struct pstate *p, enum feed_scope *dst, const char *v,
		     size_t len)
{
	char b[MAX_ERR_BYTES];

	if (util_eq(v, len, "per-country"))
		*dst = SCOPE_COUNTRY;
	else if (util_eq(v, len, "world"))
		*dst = SCOPE_WORLD;
	else
		return perr(p, "scope '%s' is not per-country or world",
			    q(v, len, b, sizeof(b)));
	return 0;
}

static int key_feed(struct pstate *p, const char *k, size_t kl, const char *v,
		    size_t vl)
{
	struct conf_feed *f = p->feed;

	if (util_eq(k, kl, "url"))
		return set_str(p, &f->url, v, vl);
	if (util_eq(k, kl, "url6"))
		return set_str(p, &f->url6, v, vl);
	if (util_eq(k, kl, "checksum"))
		return set_str(p, &f->checksum, v, vl);
	if (util_eq(k, kl, "licence") || util_eq(k, kl, "license"))
		return set_str(p, &f->licence, v, vl);
	if (util_eq(k, kl, "attribution"))
		return set_str(p, &f->attribution, v, vl);
	if (util_eq(k, kl, "licence-key") || util_eq(k, kl, "license-key"))
		return set_str(p, &f->licence_key, v, vl);
	if (util_eq(k, kl, "format"))
		return set_format(p, &f->format, v, vl);
	if (util_eq(k, kl, "insecure"))
		return set_bool(p, &f->insecure, v, vl);
	if (util_eq(k, kl, "scope"))
		return set_scope(p, &f->scope, v, vl);
	return 1;
}

static struct conf_feed *feed_add(struct conf *c, const char *name,
				  size_t len)
{
	struct conf_feed *f;

	c->feeds = xgrow(c->feeds, &c->feeds_cap, c->nfeeds + 1,
			 sizeof(*c->feeds));
	f = &c->feeds[c->nfeeds++];
	memset(f, 0, sizeof(*f));
	f->name = xstrndup(name, len);
	f->format = -1;
	f->insecure = -1;
	return f;
}

static int open_feed(struct pstate *p, const char *n, size_t nl)
{
	char name[64], b[MAX_ERR_BYTES];

	if (nl == 0 || nl >= sizeof(name))
		goto bad;
	for (size_t i = 0; i < nl; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') ||
		      (n[i] >= '0' && n[i] <= '9') || n[i] == '-' ||
		      n[i] == '_'))
			goto bad;
	memcpy(name, n, nl);
	name[nl] = '\0';
	p->feed = conf_feed_find(p->c, name);
	if (!p->feed) {
		if (p->c->nfeeds == MAX_CONF_FEEDS)
			return perr(p, "more than %u feeds", MAX_CONF_FEEDS);
		p->feed = feed_add(p->c, n, nl);
		snprintf(p->feed->where, sizeof(p->feed->where), "%s:%zu",
			 p->name, p->line);
	}
	p->sec = SEC_FEED;
	return 0;
bad:
	return perr(p, "bad feed name '%s' (a-z, 0-9, '-', '_')",
		    q(n, nl, b, sizeof(b)));
}

/* ---- [list:NAME] ---- */

struct conf_list *conf_list_find(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nlists; i++)
		if (!strcmp(c->lists[i].name, name))
			return &c->lists[i];
	return NULL;
}

/* n digits of s as a number in [lo, hi]; -1 when it is not. */
static long digits(const char *s, size_t n, long lo, long hi)
{
	uint64_t v;

	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	if (util_parse_u64(s, n, (uint64_t)hi, &v) || (long)v < lo)
		return -1;
	return (long)v;
}

/* "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM[:SS]Z" as Unix time. */
static int parse_until(const char *s, size_t n, uint32_t *out)
{
	struct tm tm = { 0 };
	long y, mo, d, h = 0, mi = 0, se = 0;
	time_t t;

	if (n != 10 && n != 17 && n != 20)
		return -EINVAL;
	y = digits(s, 4, 1970, 2105);
	mo = n >= 10 && s[4] == '-' ? digits(s + 5, 2, 1, 12) : -1;
	d = s[7] == '-' ? digits(s + 8, 2, 1, 31) : -1;
	if (y < 0 || mo < 0 || d < 0)
		return -EINVAL;
	if (n > 10) {
		if (s[10] != 'T' || s[13] != ':' || s[n - 1] != 'Z')
			return -EINVAL;
		h = digits(s + 11, 2, 0, 23);
		mi = digits(s + 14, 2, 0, 59);
		se = n == 20 ? (s[16] == ':' ? digits(s + 17, 2, 0, 59) : -1)
			     : 0;
		if (h < 0 || mi < 0 || se < 0)
			return -EINVAL;
	}
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)se;
	t = timegm(&tm);
	/* timegm normalises 02-31 to 03-03: refuse such dates */
	if (t <= 0 || t > (time_t)UINT32_MAX || tm.tm_mday != (int)d)
		return -EINVAL;
	*out = (uint32_t)t;
	return 0;
}

int conf_list_entry(const char *s, size_t len, struct cidr *cd,
		    uint32_t *until)
{
	const char *w, *u;
	size_t pos = 0, wl, ul;

	*until = 0;
	w = next_word(s, len, &pos, &wl);
	if (!w || cidr_parse(w, wl, true, cd) || cd->len == 0)
		return -EINVAL;
	u = next_word(s, len, &pos, &ul);
	if (!u)
		return 0;
	if (!util_eq(u, ul, "until"))
		return -EINVAL;
	u = next_word(s, len, &pos, &ul);
	if (!u || parse_until(u, ul, until) || !*until)
		return -EINVAL;
	return next_word(s, len, &pos, &ul) ? -EINVAL : 0;
}

/* "ADDR [until DATE] ADDR ...": each entry tagged with its lapse time. */
static int set_list_addrs(struct pstate *p, struct conf_list *l,
			  const char *v, size_t len)
{
	const char *w;
	size_t pos = 0, wl, n = 0, next, nl;
	char b[MAX_ERR_BYTES];
	struct cidr cd;
	uint32_t until;

	rangeset_clear(&l->addrs[0]);
	rangeset_clear(&l->addrs[1]);
	while ((w = next_word(v, len, &pos, &wl))) {
		if (++n > MAX_CONF_WORDS)
			return perr(p, "too many addresses");
		/* take "until DATE" with the address */
		next = pos;
		if (next_word(v, len, &next, &nl) == v + next - nl &&
		    util_eq(v + next - nl, nl, "until")) {
			if (!next_word(v, len, &next, &nl))
				return perr(p, "'until' without a date");
			pos = next;
			wl = (size_t)(v + pos - w);
		}
		if (conf_list_entry(w, wl, &cd, &until))
			return perr(p, "'%s' is not ADDR[/LEN] [until "
				    "YYYY-MM-DD]", q(w, wl, b, sizeof(b)));
		rangeset_add_cidr(&l->addrs[cd.family == 6], &cd, until);
	}
	rangeset_normalize(&l->addrs[0]);
	rangeset_normalize(&l->addrs[1]);
	return 0;
}

static int set_list_files(struct pstate *p, struct conf_list *l,
			  const char *v, size_t len)
{
	const char *w;
	size_t pos = 0, wl;
	char b[MAX_ERR_BYTES];

	for (size_t i = 0; i < l->nfiles; i++)
		free(l->files[i]);
	l->nfiles = 0;
	while ((w = next_word(v, len, &pos, &wl))) {
		if (l->nfiles == MAX_LIST_SOURCES)
			return perr(p, "more than %u files", MAX_LIST_SOURCES);
		if (w[0] != '/' || wl > MAX_URL_BYTES)
			return perr(p, "'%s' is not an absolute path",
				    q(w, wl, b, sizeof(b)));
		l->files[l->nfiles++] = xstrndup(w, wl);
	}
	return 0;
}

/* "90d", "12h", "30m", "45s"; "0" or "never": no expiry. */
static int set_expire(struct pstate *p, uint32_t *dst, const char *v,
		      size_t len)
{
	static const struct { char u; uint64_t s; } units[] = {
		{ 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
	};
	char b[MAX_ERR_BYTES];
	uint64_t n;

	if (util_eq(v, len, "0") || util_eq(v, len, "never")) {
		*dst = 0;
		return 0;
	}
	for (size_t i = 0; len > 1 && i < sizeof(units) / sizeof(units[0]);
	     i++) {
		if (v[len - 1] != units[i].u)
			continue;
		if (util_parse_u64(v, len - 1, MAX_LIST_EXPIRE / units[i].s,
				   &n) || !n)
			break;
		*dst = (uint32_t)(n * units[i].s);
		return 0;
	}
	return perr(p, "expire '%s' is not a duration like 90d, 12h, 30m "
		    "or 45s (at most %u days), or never",
		    q(v, len, b, sizeof(b)), MAX_LIST_EXPIRE / 86400);
}

static int set_protocols(struct pstate *p, unsigned *dst, const char *v,
			 size_t len)
{
	const char *w;
	size_t pos = 0, wl;
	char b[MAX_ERR_BYTES];

	*dst = 0;
	while ((w = next_word(v, len, &pos, &wl))) {
		if (util_eq(w, wl, "tcp"))
			*dst |= PROTO_TCP;
		else if (util_eq(w, wl, "udp"))
			*dst |= PROTO_UDP;
		else if (util_eq(w, wl, "icmp"))
			*dst |= PROTO_ICMP;
		else
			return perr(p, "protocol '%s' is not tcp, udp or icmp",
				    q(w, wl, b, sizeof(b)));
	}
	return 0;
}

/* url / insecure / checksum go to the list's feed section "list:NAME". */
static int key_list_feed(struct pstate *p, struct conf_list *l,
			 const char *k, size_t kl, const char *v, size_t vl)
{
	char name[MAX_LIST_NAME + 8];
	struct conf_feed *f;
	int ret;

	snprintf(name, sizeof(name), "list:%s", l->name);
	f = conf_feed_find(p->c, name);
	if (!f) {
		if (p->c->nfeeds == MAX_CONF_FEEDS)
			return perr(p, "more than %u feeds", MAX_CONF_FEEDS);
		f = feed_add(p->c, name, strlen(name));
		f->format = FMT_CIDR;
		f->scope = SCOPE_WORLD;
		snprintf(f->where, sizeof(f->where), "%s", l->where);
	}
	p->feed = f;
	ret = key_feed(p, k, kl, v, vl);
	l->feed = f->url != NULL;
	return ret;
}

static int key_list(struct pstate *p, const char *k, size_t kl,
		    const char *v, size_t vl)
{
	struct conf_list *l = p->list;

	if (util_eq(k, kl, "addresses"))
		return set_list_addrs(p, l, v, vl);
	if (util_eq(k, kl, "countries"))
		return set_countries(p, &l->countries, v, vl);
	if (util_eq(k, kl, "files"))
		return set_list_files(p, l, v, vl);
	if (util_eq(k, kl, "expire"))
		return set_expire(p, &l->expire, v, vl);
	if (util_eq(k, kl, "ports"))
		return set_ports(p, l->ports, &l->nports, v, vl);
	if (util_eq(k, kl, "protocols"))
		return set_protocols(p, &l->protos, v, vl);
	if (util_eq(k, kl, "url") || util_eq(k, kl, "insecure") ||
	    util_eq(k, kl, "checksum"))
		return key_list_feed(p, l, k, kl, v, vl);
	return 1;
}

static int open_list(struct pstate *p, const char *n, size_t nl)
{
	char b[MAX_ERR_BYTES];
	struct conf_list *l;
	size_t cap = p->c->nlists;

	if (nl == 0 || nl > MAX_LIST_NAME)
		goto bad;
	for (size_t i = 0; i < nl; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') ||
		      (n[i] >= '0' && n[i] <= '9') || n[i] == '-' ||
		      n[i] == '_'))
			goto bad;
	for (size_t i = 0; i < p->c->nlists; i++)
		if (util_eq(n, nl, p->c->lists[i].name)) {
			p->list = &p->c->lists[i];
			p->sec = SEC_LIST;
			return 0;
		}
	if (p->c->nlists == MAX_LISTS)
		return perr(p, "more than %u [list:NAME] sections", MAX_LISTS);
	p->c->lists = xgrow(p->c->lists, &cap, p->c->nlists + 1,
			    sizeof(*p->c->lists));
	l = &p->c->lists[p->c->nlists++];
	memset(l, 0, sizeof(*l));
	memcpy(l->name, n, nl);
	ccset_init(&l->countries.set, false);
	rangeset_init(&l->addrs[0], 4);
	rangeset_init(&l->addrs[1], 6);
	snprintf(l->where, sizeof(l->where), "%s:%zu", p->name, p->line);
	p->list = l;
	p->sec = SEC_LIST;
	return 0;
bad:
	return perr(p, "bad list name '%s' (1 to %u of a-z, 0-9, '-', '_')",
		    q(n, nl, b, sizeof(b)), MAX_LIST_NAME);
}

static int open_section(struct pstate *p, const char *s, size_t len)
{
	char b[MAX_ERR_BYTES];

	s = util_trim(s, &len);
	if (len > 5 && !memcmp(s, "feed:", 5))
		return open_feed(p, s + 5, len - 5);
	if (p->flags & CONF_CATALOGUE)
		return perr(p, "a feed file holds only [feed:NAME] sections");
	if (len > 5 && !memcmp(s, "list:", 5))
		return open_list(p, s + 5, len - 5);
	if (util_eq(s, len, "nftblock"))
		p->sec = SEC_NFTBLOCK;
	else if (util_eq(s, len, "block"))
		p->sec = SEC_BLOCK;
	else if (util_eq(s, len, "allow"))
		p->sec = SEC_ALLOW;
	else if (util_eq(s, len, "exceptions"))
		p->sec = SEC_EXCEPT;
	else if (util_eq(s, len, "log"))
		p->sec = SEC_LOG;
	else
		return perr(p, "unknown section '[%s]'",
			    q(s, len, b, sizeof(b)));
	return 0;
}

static int set_key(struct pstate *p, const char *k, size_t kl, const char *v,
		   size_t vl)
{
	char b[MAX_ERR_BYTES];
	int ret;

	switch (p->sec) {
	case SEC_NFTBLOCK:
		ret = key_nftblock(p, k, kl, v, vl);
		break;
	case SEC_BLOCK:
		ret = key_block(p, k, kl, v, vl);
		break;
	case SEC_ALLOW:
		ret = key_countries(p, &p->c->allow, k, kl, v, vl);
		break;
	case SEC_EXCEPT:
		ret = key_except(p, k, kl, v, vl);
		break;
	case SEC_FEED:
		ret = key_feed(p, k, kl, v, vl);
		break;
	case SEC_LOG:
		ret = key_log(p, k, kl, v, vl);
		break;
	case SEC_LIST:
		ret = key_list(p, k, kl, v, vl);
		break;
	default:
		return perr(p, "'%s' outside any [section]",
			    q(k, kl, b, sizeof(b)));
	}
	if (ret == 1)
		return perr(p, "unknown key '%s'", q(k, kl, b, sizeof(b)));
	return ret;
}

/* Cut a "#" comment: at the start or after white space. */
static size_t strip_comment(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' ||
				    s[i - 1] == '\t'))
			return i;
	return len;
}

static int conf_line(struct pstate *p, const char *s, size_t len)
{
	const char *eq, *k, *v;
	char b[MAX_ERR_BYTES];
	size_t kl, vl;

	len = strip_comment(s, len);
	s = util_trim(s, &len);
	if (len == 0)
		return 0;
	if (memchr(s, '\0', len))
		return perr(p, "NUL byte");
	if (s[0] == '[') {
		if (s[len - 1] != ']')
			return perr(p, "section header without ']'");
		return open_section(p, s + 1, len - 2);
	}
	eq = memchr(s, '=', len);
	if (!eq)
		return perr(p, "expected 'key = value', got '%s'",
			    q(s, len, b, sizeof(b)));
	kl = (size_t)(eq - s);
	vl = len - kl - 1;
	v = util_trim(eq + 1, &vl);
	k = util_trim(s, &kl);
	if (kl == 0)
		return perr(p, "missing key before '='");
	return set_key(p, k, kl, v, vl);
}

int conf_parse(struct conf *c, const char *name, const char *buf, size_t len,
	       unsigned flags, char *err, size_t errlen)
{
	struct pstate p = { .c = c, .name = name, .flags = flags, .err = err,
			    .errlen = errlen };
	const char *line;
	size_t pos = 0, n;
	int ret;

	if (len > MAX_CONF_BYTES)
		return perr(&p, "file larger than %u bytes", MAX_CONF_BYTES);
	while ((line = util_next_line(buf, len, &pos, &n))) {
		if (++p.line > MAX_CONF_LINES)
			return perr(&p, "too many lines");
		if (n > MAX_LINE_BYTES)
			return perr(&p, "line too long");
		ret = conf_line(&p, line, n);
		if (ret)
			return ret;
	}
	return 0;
}

void conf_countries_expand(const struct conf_countries *cs,
			   struct ccset *out)
{
	uint32_t tags[MAX_COUNTRIES];
	size_t n = ccset_list(&cs->set, tags);

	for (size_t i = 0; i < n; i++)
		ccset_add(out, tags[i]);
	/* every group was checked when parsed */
	for (size_t i = 0; i < cs->ngroups; i++)
		region_expand(cs->groups[i], strlen(cs->groups[i]), out);
}

const char *conf_direction_name(enum conf_direction d)
{
	static const char *const names[] = {
		"none", "in", "out", "both", "forward", "in+forward",
		"out+forward", "all",
	};

	return (unsigned)d < 8 ? names[d] : "?";
}

static void fill_str(char **dst, const char *src)
{
	if (!*dst && src)
		*dst = xstrdup(src);
}

void conf_merge_catalogue(struct conf *c, const struct conf *cat)
{
	for (size_t i = 0; i < cat->nfeeds; i++) {
		const struct conf_feed *s = &cat->feeds[i];
		struct conf_feed *d = conf_feed_find(c, s->name);

		if (!d) {
			if (c->nfeeds == MAX_CONF_FEEDS)
				continue;
			d = feed_add(c, s->name, strlen(s->name));
			memcpy(d->where, s->where, sizeof(d->where));
		}
		fill_str(&d->url, s->url);
		fill_str(&d->url6, s->url6);
		fill_str(&d->checksum, s->checksum);
		fill_str(&d->licence, s->licence);
		fill_str(&d->attribution, s->attribution);
		fill_str(&d->licence_key, s->licence_key);
		if (d->format < 0)
			d->format = s->format;
		if (d->insecure < 0)
			d->insecure = s->insecure;
		if (d->scope == SCOPE_UNSET)
			d->scope = s->scope;
	}
}

enum feed_scope conf_feed_scope(const struct conf_feed *f)
{
	const char *u = f->url ? f->url : f->url6;

	if (f->scope != SCOPE_UNSET)
		return f->scope;
	if (u && (strstr(u, "{cc}") || strstr(u, "{CC}")))
		return SCOPE_COUNTRY;
	return SCOPE_WORLD;
}

int conf_url_allowed(const char *url, bool insecure)
{
	if (!strncmp(url, "https://", 8) || !strncmp(url, "file:///", 8))
		return 0;
	if (insecure && !strncmp(url, "http://", 7))
		return 0;
	return -EINVAL;
}

/* Check every URL template of one white-space separated list. */
static int check_urls(const struct conf_feed *f, const char *list,
		      bool need_cc, char *err, size_t errlen)
{
	char b[MAX_ERR_BYTES], u[MAX_URL_BYTES + 1];
	const char *w;
	size_t pos = 0, wl, n = 0;

	while ((w = next_word(list, strlen(list), &pos, &wl))) {
		if (++n > MAX_FEED_URLS)
			goto fail_many;
		memcpy(u, w, wl);
		u[wl] = '\0';
		if (conf_url_allowed(u, f->insecure == 1)) {
			snprintf(err, errlen, "%s: feed '%s': URL '%s' is not "
				 "https:// or file:/// (http:// needs "
				 "insecure = yes)", f->where, f->name,
				 log_escape(w, wl, b, sizeof(b)));
			return -EINVAL;
		}
		if (need_cc && !strstr(u, "{cc}") && !strstr(u, "{CC}")) {
			snprintf(err, errlen, "%s: feed '%s' is per-country but "
				 "its URL has no {cc} or {CC}", f->where,
				 f->name);
			return -EINVAL;
		}
	}
	return 0;
fail_many:
	snprintf(err, errlen, "%s: feed '%s' has more than %u URLs", f->where,
		 f->name, MAX_FEED_URLS);
	return -EINVAL;
}

static int check_feed(const struct conf_feed *f, char *err, size_t errlen)
{
	bool cc = conf_feed_scope(f) == SCOPE_COUNTRY;
	int ret;

	if (!f->url && !f->url6) {
		snprintf(err, errlen, "%s: feed '%s' has no url", f->where,
			 f->name);
		return -EINVAL;
	}
	if (f->format < 0) {
		snprintf(err, errlen, "%s: feed '%s' has no format", f->where,
			 f->name);
		return -EINVAL;
	}
	ret = f->url ? check_urls(f, f->url, cc, err, errlen) : 0;
	if (!ret && f->url6)
		ret = check_urls(f, f->url6, cc, err, errlen);
	/* "{url}.md5", "{dir}MD5SUM": beside the data file, same scheme */
	if (!ret && f->checksum && strncmp(f->checksum, "{url}", 5) &&
	    strncmp(f->checksum, "{dir}", 5))
		ret = check_urls(f, f->checksum, false, err, errlen);
	return ret;
}

/* Every list has a source; a list's feed has a URL the rules allow. */
static int check_lists(const struct conf *c, char *err, size_t errlen)
{
	char name[MAX_LIST_NAME + 8];

	for (size_t i = 0; i < c->nlists; i++) {
		const struct conf_list *l = &c->lists[i];
		const struct conf_feed *f;

		snprintf(name, sizeof(name), "list:%s", l->name);
		f = conf_feed_find(c, name);
		if (f && !f->url) {
			snprintf(err, errlen, "%s: [list:%s] sets insecure or "
				 "checksum but no url", l->where, l->name);
			return -EINVAL;
		}
		if (f && check_feed(f, err, errlen))
			return -EINVAL;
		if (!l->feed && !l->nfiles && !l->countries.any &&
		    !l->addrs[0].n && !l->addrs[1].n) {
			snprintf(err, errlen, "%s: [list:%s] has no entries: set "
				 "addresses, files, url or countries", l->where,
				 l->name);
			return -EINVAL;
		}
	}
	return 0;
}

int conf_check(const struct conf *c, char *err, size_t errlen)
{
	const struct conf_feed *f;
	int ret;

	for (size_t i = 0; i < c->nsources; i++) {
		f = conf_feed_find(c, c->sources[i]);
		if (!f) {
			snprintf(err, errlen, "sources: no feed called '%s' "
				 "(not in the catalogue nor a [feed:%s] "
				 "section)", c->sources[i], c->sources[i]);
			return -EINVAL;
		}
		ret = check_feed(f, err, errlen);
		if (ret)
			return ret;
	}
	return check_lists(c, err, errlen);
}
