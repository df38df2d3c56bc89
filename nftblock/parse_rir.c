// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_rir.c - RIR "delegated" and "delegated-extended" statistics
 * (APNIC, ARIN, RIPE NCC, LACNIC, AFRINIC).
 *
 * The format (NRO "RIR statistics exchange format"):
 *
 *   version|registry|serial|records|startdate|enddate|UTCoffset
 *   registry|*|type|*|count|summary
 *   registry|cc|type|start|value|date|status[|opaque-id[|extensions...]]
 *
 * Quirks handled here, all seen in the real files:
 *  - an IPv4 value is a host count, neither always a power of two nor
 *    aligned: the record is the range start .. start + count - 1, which may
 *    need several prefixes (RIPE: up to 10);
 *  - an IPv6 value is a prefix length;
 *  - records have 7 fields (plain files, and LACNIC extended for
 *    "available") or 8 and more (extended: opaque id, extensions);
 *  - the version line differs per registry (ARIN's serial is a millisecond
 *    time stamp, AFRINIC writes start date 00000000 and UTC offset 00000);
 *  - summary counts can disagree with the records (LACNIC counts ASNs it
 *    does not list): a warning, never a rejection;
 *  - country may be empty or ZZ (nobody's), EU or AP (a region, opt-in).
 * Only "allocated" and "assigned" space belongs to a country; "available"
 * and "reserved" records are checked and skipped.
 */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "parse.h"
#include "util.h"

/* version|registry|serial|records|startdate|enddate|UTCoffset */
#define RIR_VERSION_FIELDS	7
#define RIR_SUMMARY_FIELDS	6
#define RIR_MIN_FIELDS		7	/* a record without opaque id */
#define RIR_SPLIT		8	/* fields split off; the 8th keeps the rest */
#define RIR_DATE_DIGITS		8	/* YYYYMMDD */

enum rir_type { RIR_ASN, RIR_IPV4, RIR_IPV6, RIR_NTYPES };

static const char *const rir_type_names[RIR_NTYPES] = {
	[RIR_ASN] = "asn",
	[RIR_IPV4] = "ipv4",
	[RIR_IPV6] = "ipv6",
};

struct rir_state {
	bool have_version;
	uint64_t version_records;	/* the version line's record count */
	bool have_summary[RIR_NTYPES];
	uint64_t summary[RIR_NTYPES];	/* what the summary lines claim */
	uint64_t seen[RIR_NTYPES];	/* records actually in the file */
};

struct rir_fields {
	const char *f[RIR_SPLIT];
	size_t len[RIR_SPLIT];
	size_t n;
};

/* Split at '|' into at most RIR_SPLIT fields; the last keeps the rest. */
static void rir_split(const char *line, size_t len, struct rir_fields *out)
{
	const char *p = line, *end = line + len;

	out->n = 0;
	for (;;) {
		const char *bar = out->n + 1 < RIR_SPLIT ?
				  memchr(p, '|', (size_t)(end - p)) : NULL;

		out->f[out->n] = p;
		out->len[out->n] = bar ? (size_t)(bar - p) : (size_t)(end - p);
		out->n++;
		if (!bar)
			return;
		p = bar + 1;
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* s[0..len) equals the lower-case word w, ignoring ASCII case.  (Cheaper
 * than strncasecmp, which is locale-aware; this runs twice per record.) */
static bool eq_word(const char *s, size_t len, const char *w)
{
	size_t wl = strlen(w);

	if (len != wl)
		return false;
	if (!memcmp(s, w, len))		/* what the registries write */
		return true;
	for (size_t i = 0; i < len; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];

		if (c != w[i])
			return false;
	}
	return true;
}

/* A registry name: "apnic", "ripencc", ... (letters and digits). */
static bool rir_registry_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_alnum(s[i]))
			return false;
	return len > 0;
}

/* "2" or "2.3": the format version a version line starts with. */
static bool rir_is_version(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]) && s[i] != '.')
			return false;
	return len > 0 && s[0] != '.' && s[len - 1] != '.';
}

/* YYYYMMDD, 00000000 (AFRINIC) or empty (reserved, available). */
static bool rir_date_ok(const char *s, size_t len)
{
	if (len != 0 && len != RIR_DATE_DIGITS)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static int rir_type(const char *s, size_t len)
{
	for (int t = 0; t < RIR_NTYPES; t++)
		if (eq_word(s, len, rir_type_names[t]))
			return t;
	return -1;
}

static int rir_version_line(struct parse_ctx *ctx, struct rir_state *st,
			    const struct rir_fields *fl, const char *line,
			    size_t len)
{
	if (fl->n != RIR_VERSION_FIELDS || !rir_is_version(fl->f[0], fl->len[0]))
		return parse_fail(ctx, "not a RIR statistics file (no version "
				  "line)", line, len);
	if (!rir_registry_ok(fl->f[1], fl->len[1]))
		return parse_fail(ctx, "bad registry name in version line",
				  fl->f[1], fl->len[1]);
	if (util_parse_u64(fl->f[3], fl->len[3], UINT64_MAX,
			   &st->version_records))
		return parse_fail(ctx, "bad record count in version line",
				  fl->f[3], fl->len[3]);
	st->have_version = true;
	return 0;
}

static int rir_summary_line(struct parse_ctx *ctx, struct rir_state *st,
			    const struct rir_fields *fl)
{
	int t = rir_type(fl->f[2], fl->len[2]);
	uint64_t count;

	if (!rir_registry_ok(fl->f[0], fl->len[0]))
		return parse_fail(ctx, "bad registry name", fl->f[0],
				  fl->len[0]);
	if (!util_eq(fl->f[1], fl->len[1], "*") ||
	    !util_eq(fl->f[3], fl->len[3], "*"))
		return parse_fail(ctx, "malformed summary line", fl->f[1],
				  fl->len[1]);
	if (t < 0)
		return parse_fail(ctx, "unknown type in summary line",
				  fl->f[2], fl->len[2]);
	if (util_parse_u64(fl->f[4], fl->len[4], UINT64_MAX, &count))
		return parse_fail(ctx, "bad count in summary line", fl->f[4],
				  fl->len[4]);
	if (st->have_summary[t])
		return parse_fail(ctx, "duplicate summary line", fl->f[2],
				  fl->len[2]);
	st->have_summary[t] = true;
	st->summary[t] = count;
	return 0;
}

/* IPv4: start address and a host count (not necessarily a power of two). */
static int rir_v4(struct parse_ctx *ctx, const struct rir_fields *fl,
		  u128 *lo, u128 *hi)
{
	uint64_t count;
	int family;
	u128 a;

	if (cidr_parse_addr(fl->f[3], fl->len[3], &family, &a) || family != 4)
		return parse_fail(ctx, "bad IPv4 address", fl->f[3],
				  fl->len[3]);
	if (util_parse_u64(fl->f[4], fl->len[4], (uint64_t)1 << 32, &count) ||
	    count == 0)
		return parse_fail(ctx, "bad IPv4 address count", fl->f[4],
				  fl->len[4]);
	if ((uint64_t)a + count - 1 > UINT32_MAX)
		return parse_fail(ctx, "IPv4 range runs past 255.255.255.255",
				  fl->f[4], fl->len[4]);
	*lo = a;
	*hi = a + count - 1;
	return 0;
}

/* IPv6: start address and a prefix length. */
static int rir_v6(struct parse_ctx *ctx, const struct rir_fields *fl,
		  u128 *lo, u128 *hi)
{
	uint64_t plen;
	int family;
	u128 a, host;

	if (cidr_parse_addr(fl->f[3], fl->len[3], &family, &a) || family != 6)
		return parse_fail(ctx, "bad IPv6 address", fl->f[3],
				  fl->len[3]);
	if (util_parse_u64(fl->f[4], fl->len[4], 128, &plen))
		return parse_fail(ctx, "bad IPv6 prefix length", fl->f[4],
				  fl->len[4]);
	host = plen == 0 ? ~(u128)0 : ((u128)1 << (128 - plen)) - 1;
	if (a & host)
		return parse_fail(ctx, "IPv6 address has bits set past the "
				  "prefix length", fl->f[3], fl->len[3]);
	*lo = a;
	*hi = a | host;
	return 0;
}

/* ASN records are not addresses: check their numbers, keep nothing. */
static int rir_asn(struct parse_ctx *ctx, const struct rir_fields *fl)
{
	uint64_t v;

	if (util_parse_u64(fl->f[3], fl->len[3], UINT32_MAX, &v))
		return parse_fail(ctx, "bad AS number", fl->f[3], fl->len[3]);
	if (util_parse_u64(fl->f[4], fl->len[4], (uint64_t)1 << 32, &v) ||
	    v == 0)
		return parse_fail(ctx, "bad AS count", fl->f[4], fl->len[4]);
	return 0;
}

/* Returns 1 when the status makes the space a country's, 0 when not,
 * -EINVAL (after parse_fail) for an unknown status. */
static int rir_status(struct parse_ctx *ctx, const char *s, size_t len)
{
	if (eq_word(s, len, "allocated") || eq_word(s, len, "assigned"))
		return 1;
	if (eq_word(s, len, "available") || eq_word(s, len, "reserved"))
		return 0;
	return parse_fail(ctx, "unknown status", s, len);
}

static int rir_record(struct parse_ctx *ctx, struct rir_state *st,
		      const struct rir_fields *fl, const char *line, size_t len)
{
	enum cc_kind kind;
	uint32_t tag = 0;
	int t, keep, ret;
	u128 lo = 0, hi = 0;

	if (fl->n < RIR_MIN_FIELDS)
		return parse_fail(ctx, "wrong number of fields", line, len);
	if (!rir_registry_ok(fl->f[0], fl->len[0]))
		return parse_fail(ctx, "bad registry name", fl->f[0],
				  fl->len[0]);
	kind = cc_parse(fl->f[1], fl->len[1], &tag);
	if (kind == CC_BAD)
		return parse_fail(ctx, "bad country code", fl->f[1],
				  fl->len[1]);
	t = rir_type(fl->f[2], fl->len[2]);
	if (t < 0)
		return parse_fail(ctx, "unknown type", fl->f[2], fl->len[2]);
	if (t == RIR_IPV4)
		ret = rir_v4(ctx, fl, &lo, &hi);
	else if (t == RIR_IPV6)
		ret = rir_v6(ctx, fl, &lo, &hi);
	else
		ret = rir_asn(ctx, fl);
	if (ret)
		return ret;
	if (!rir_date_ok(fl->f[5], fl->len[5]))
		return parse_fail(ctx, "bad date", fl->f[5], fl->len[5]);
	keep = rir_status(ctx, fl->f[6], fl->len[6]);
	if (keep < 0)
		return keep;
	st->seen[t]++;
	if (t == RIR_ASN)
		return 0;
	if (keep && (kind == CC_COUNTRY || kind == CC_REGION))
		parse_keep(ctx, t == RIR_IPV4 ? 4 : 6, lo, hi, tag);
	else
		ctx->skipped++;
	return 0;
}

static int rir_line(struct parse_ctx *ctx, const char *line, size_t len,
		    void *arg)
{
	struct rir_state *st = arg;
	struct rir_fields fl;

	rir_split(line, len, &fl);
	if (!st->have_version)
		return rir_version_line(ctx, st, &fl, line, len);
	if (fl.n == RIR_SUMMARY_FIELDS &&
	    util_eq(fl.f[5], fl.len[5], "summary"))
		return rir_summary_line(ctx, st, &fl);
	if (rir_is_version(fl.f[0], fl.len[0]))
		return parse_fail(ctx, "second version line", line, len);
	return rir_record(ctx, st, &fl, line, len);
}

/* Summary and version-line counts that disagree with the records: LACNIC
 * publishes such files, and the records are still good. */
static void rir_check_counts(struct parse_ctx *ctx, const struct rir_state *st)
{
	const char *name = ctx->name ? ctx->name : "RIR statistics";
	uint64_t total = 0;

	for (int t = 0; t < RIR_NTYPES; t++) {
		total += st->seen[t];
		if (!st->have_summary[t] || st->summary[t] == st->seen[t])
			continue;
		log_warn("%s: summary line says %llu %s records, the file "
			 "holds %llu", name, (unsigned long long)st->summary[t],
			 rir_type_names[t], (unsigned long long)st->seen[t]);
		ctx->warnings++;
	}
	if (st->have_version && st->version_records != total) {
		log_warn("%s: version line says %llu records, the file holds "
			 "%llu", name, (unsigned long long)st->version_records,
			 (unsigned long long)total);
		ctx->warnings++;
	}
}

/*
 * Parse RIR delegated(-extended) statistics (see the top of this file).
 * Contract as parse_buffer(): 0, or -EINVAL with ctx->err and ctx->err_line
 * set at the first malformed line.  Count mismatches only warn
 * (ctx->warnings).
 */
int parse_rir(struct parse_ctx *ctx, const char *buf, size_t len)
{
	struct rir_state st;
	int ret;

	memset(&st, 0, sizeof(st));
	ret = parse_each_line(ctx, buf, len, '#', rir_line, &st);
	if (ret)
		return ret;
	rir_check_counts(ctx, &st);
	return 0;
}
