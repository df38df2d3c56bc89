// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse_csv.c - the range formats: "start,end,cc" CSV (DB-IP lite,
 * ip-location-db), IP2Location LITE DB1 (quoted decimal integers) and Tor's
 * geoip/geoip6 files, plus the CSV field splitter every CSV parser shares.
 */
#include <errno.h>
#include <string.h>

#include "parse.h"
#include "util.h"

/* ::ffff:0:0/96, RFC 4291 2.5.5.2: IP2Location's IPv6 files repeat the whole
 * IPv4 space there, as decimals 281470681743360 .. 281474976710655. */
#define V4MAPPED_LO	((u128)0xffff << 32)
#define V4MAPPED_HI	(V4MAPPED_LO | UINT32_MAX)

/*
 * One field: RFC 4180 quoting without line breaks.  A quoted field is
 * '"' ... '"' followed by ',' or the end of the line; "" inside stands for one
 * quote and is left doubled in f->s (no field we interpret holds a quote).
 * A quote inside an unquoted field is an error.  Returns the position after
 * the field's separator, or NULL on a quoting error.
 */
static const char *csv_field(const char *p, const char *end,
			     struct csv_field *f)
{
	const char *q;

	f->quoted = p < end && *p == '"';
	if (!f->quoted) {
		q = p;
		while (q < end && *q != ',' && *q != '"')
			q++;
		if (q < end && *q == '"')
			return NULL;
		f->s = p;
		f->len = (size_t)(q - p);
		return q;
	}
	for (q = p + 1; q < end; q++) {
		if (*q != '"')
			continue;
		if (q + 1 < end && q[1] == '"') {
			q++;
			continue;
		}
		break;
	}
	if (q >= end || (q + 1 < end && q[1] != ','))
		return NULL;
	f->s = p + 1;
	f->len = (size_t)(q - p - 1);
	return q + 1;
}

/* A UTF-8 byte order mark some editors put in front of a CSV file. */
static size_t bom_len(const char *buf, size_t len)
{
	return len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
}

int parse_csv_split(struct parse_ctx *ctx, const char *line, size_t len,
		    struct csv_field *f, size_t *nf)
{
	const char *p = line, *end = line + len;
	size_t n = 0;

	for (;;) {
		if (n == MAX_CSV_FIELDS)
			return parse_fail(ctx, "too many fields", line, len);
		p = csv_field(p, end, &f[n]);
		if (!p)
			return parse_fail(ctx, "bad quoting", line, len);
		n++;
		if (p == end)
			break;
		p++;	/* the ',' */
	}
	*nf = n;
	return 0;
}

/* Classify the country field; CC_BAD is an error, CC_NONE is skipped. */
static int row_country(struct parse_ctx *ctx, const struct csv_field *f,
		       uint32_t *tag)
{
	switch (cc_parse(f->s, f->len, tag)) {
	case CC_COUNTRY:
	case CC_REGION:
		return 1;
	case CC_NONE:
		ctx->skipped++;
		return 0;
	default:
		return parse_fail(ctx, "bad country code", f->s, f->len);
	}
}

/* start and end as address text, same family, start <= end. */
static int addr_pair(struct parse_ctx *ctx, const struct csv_field *f,
		     int *family, u128 *lo, u128 *hi)
{
	int fa, fb;

	if (cidr_parse_addr(f[0].s, f[0].len, &fa, lo))
		return parse_fail(ctx, "not an address", f[0].s, f[0].len);
	if (cidr_parse_addr(f[1].s, f[1].len, &fb, hi))
		return parse_fail(ctx, "not an address", f[1].s, f[1].len);
	if (fa != fb)
		return parse_fail(ctx, "start and end of different families",
				  NULL, 0);
	if (*lo > *hi)
		return parse_fail(ctx, "start after end", NULL, 0);
	*family = fa;
	return 0;
}

/* A header line of plain words, e.g. "ip_range_start,ip_range_end,country". */
static bool is_header(const struct csv_field *f, size_t nf)
{
	for (size_t i = 0; i < nf; i++) {
		if (f[i].len == 0)
			return false;
		for (size_t k = 0; k < f[i].len; k++) {
			char c = f[i].s[k];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			      c == '_' || c == ' '))
				return false;
		}
	}
	return true;
}

static int csv_line(struct parse_ctx *ctx, const char *line, size_t len,
		    void *arg)
{
	struct csv_field f[MAX_CSV_FIELDS];
	bool *first = arg;
	size_t nf;
	int family, ret;
	uint32_t tag;
	u128 lo, hi;

	ret = parse_csv_split(ctx, line, len, f, &nf);
	if (ret)
		return ret;
	if (*first && is_header(f, nf)) {
		*first = false;
		return 0;
	}
	*first = false;
	if (nf != 3)
		return parse_fail(ctx, "expected 3 fields (start,end,country)",
				  line, len);
	ret = addr_pair(ctx, f, &family, &lo, &hi);
	if (ret)
		return ret;
	ret = row_country(ctx, &f[2], &tag);
	if (ret <= 0)
		return ret;
	parse_keep(ctx, family, lo, hi, tag);
	return 0;
}

/*
 * Range CSV "start,end,cc" (DB-IP lite, ip-location-db): addresses as text,
 * both families in one file or in separate files, fields optionally quoted,
 * '#' comments and one header line of plain words allowed.  Pseudo codes
 * (empty, ZZ, '-') are skipped; EU and AP are kept with their tag.
 */
int parse_csv(struct parse_ctx *ctx, const char *buf, size_t len)
{
	size_t b = bom_len(buf, len);
	bool first = true;

	return parse_each_line(ctx, buf + b, len - b, '#', csv_line, &first);
}

/*
 * IP2Location: the family of a file is that of its first row (its end
 * address decides: an IPv6 DB1 file starts with "0","281470681743359"), so
 * a number past 2^32 - 1 in an IPv4 file is an error, not an IPv6 row.
 */
enum i2l_family { I2L_UNKNOWN, I2L_V4, I2L_V6 };

/* Keep an IPv6 row, reporting its part inside ::ffff:0:0/96 as IPv4: an
 * IPv6 DB1 file carries all of IPv4 there, and the kernel's IPv6 map never
 * sees IPv4-mapped addresses on the wire. */
static void keep_v6_row(struct parse_ctx *ctx, u128 lo, u128 hi, uint32_t tag)
{
	if (lo < V4MAPPED_LO) {
		parse_keep(ctx, 6, lo, hi < V4MAPPED_LO ? hi : V4MAPPED_LO - 1,
			   tag);
		if (hi < V4MAPPED_LO)
			return;
		lo = V4MAPPED_LO;
	}
	if (lo <= V4MAPPED_HI) {
		parse_keep(ctx, 4, lo - V4MAPPED_LO,
			   (hi < V4MAPPED_HI ? hi : V4MAPPED_HI) - V4MAPPED_LO,
			   tag);
		if (hi <= V4MAPPED_HI)
			return;
		lo = V4MAPPED_HI + 1;
	}
	parse_keep(ctx, 6, lo, hi, tag);
}

static int i2l_number(struct parse_ctx *ctx, const struct csv_field *f,
		      u128 max, u128 *v)
{
	int ret = util_parse_u128(f->s, f->len, max, v);

	if (ret == -ERANGE)
		return parse_fail(ctx, max == UINT32_MAX ?
				  "number past 2^32 - 1 in an IPv4 file" :
				  "number past 2^128 - 1", f->s, f->len);
	if (ret)
		return parse_fail(ctx, "not a decimal number", f->s, f->len);
	return 0;
}

static int i2l_line(struct parse_ctx *ctx, const char *line, size_t len,
		    void *arg)
{
	struct csv_field f[MAX_CSV_FIELDS];
	enum i2l_family *fam = arg;
	size_t nf;
	uint32_t tag;
	u128 lo, hi, max;
	int ret;

	ret = parse_csv_split(ctx, line, len, f, &nf);
	if (ret)
		return ret;
	/* DB1 has 4 columns; the larger LITE databases add more after them */
	if (nf < 4)
		return parse_fail(ctx, "expected 4 fields (from,to,code,name)",
				  line, len);
	max = *fam == I2L_V4 ? (u128)UINT32_MAX : ~(u128)0;
	if (i2l_number(ctx, &f[0], max, &lo) || i2l_number(ctx, &f[1], max, &hi))
		return -EINVAL;
	if (lo > hi)
		return parse_fail(ctx, "start after end", NULL, 0);
	if (*fam == I2L_UNKNOWN)
		*fam = hi > UINT32_MAX ? I2L_V6 : I2L_V4;
	ret = row_country(ctx, &f[2], &tag);
	if (ret <= 0)
		return ret;
	if (*fam == I2L_V4)
		parse_keep(ctx, 4, lo, hi, tag);
	else
		keep_v6_row(ctx, lo, hi, tag);
	return 0;
}

/*
 * IP2Location LITE DB1 (and the larger LITE databases' first four columns):
 * "from","to","CC","Country name" with decimal integer addresses, quotes
 * optional.  IPv4 and IPv6 files are told apart by their first row (see
 * above); the IPv4-mapped rows of an IPv6 file come out as IPv4.  "-" rows
 * (unallocated space) are skipped.
 */
int parse_ip2location(struct parse_ctx *ctx, const char *buf, size_t len)
{
	enum i2l_family fam = I2L_UNKNOWN;
	size_t b = bom_len(buf, len);

	return parse_each_line(ctx, buf + b, len - b, 0, i2l_line, &fam);
}

/* Both fields plain decimals: a Tor geoip IPv4 row. */
static bool is_decimal(const struct csv_field *f)
{
	for (size_t i = 0; i < f->len; i++)
		if (f->s[i] < '0' || f->s[i] > '9')
			return false;
	return f->len > 0;
}

static int tor_line(struct parse_ctx *ctx, const char *line, size_t len,
		    void *arg)
{
	struct csv_field f[MAX_CSV_FIELDS];
	size_t nf;
	int family = 4, ret;
	uint32_t tag;
	uint64_t a, b;
	u128 lo, hi;

	(void)arg;
	ret = parse_csv_split(ctx, line, len, f, &nf);
	if (ret)
		return ret;
	if (nf != 3)
		return parse_fail(ctx, "expected 3 fields (low,high,country)",
				  line, len);
	if (is_decimal(&f[0]) && is_decimal(&f[1])) {
		if (util_parse_u64(f[0].s, f[0].len, UINT32_MAX, &a) ||
		    util_parse_u64(f[1].s, f[1].len, UINT32_MAX, &b))
			return parse_fail(ctx, "IPv4 number past 2^32 - 1",
					  line, len);
		if (a > b)
			return parse_fail(ctx, "start after end", NULL, 0);
		lo = a;
		hi = b;
	} else {
		ret = addr_pair(ctx, f, &family, &lo, &hi);
		if (ret)
			return ret;
	}
	ret = row_country(ctx, &f[2], &tag);
	if (ret <= 0)
		return ret;
	parse_keep(ctx, family, lo, hi, tag);
	return 0;
}

/*
 * Tor geoip and geoip6 (also the IPFire-derived files Debian ships in
 * tor-geoipdb): '#' comments, then "INTIPLOW,INTIPHIGH,CC" with decimal IPv4
 * integers, or "IPV6LOW,IPV6HIGH,CC" with addresses.  "??" (no country) is
 * skipped, UK is read as GB, other obsolete codes (CS, AN) are kept as-is.
 */
int parse_torgeoip(struct parse_ctx *ctx, const char *buf, size_t len)
{
	size_t b = bom_len(buf, len);

	return parse_each_line(ctx, buf + b, len - b, '#', tor_line, NULL);
}
