// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.c - what every feed parser shares (line walking, limits, errors,
 * output), the format table, and the plain CIDR list parser.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "parse.h"
#include "util.h"

static const char *const format_names[FMT_COUNT] = {
	[FMT_CIDR] = "cidr",
	[FMT_RIR] = "rir",
	[FMT_CSV] = "csv",
	[FMT_IP2LOCATION] = "ip2location",
	[FMT_TORGEOIP] = "torgeoip",
	[FMT_MAXMIND] = "maxmind",
};

int parse_format_from_name(const char *name, enum feed_format *out)
{
	for (int f = 0; f < FMT_COUNT; f++) {
		if (!strcmp(name, format_names[f])) {
			*out = (enum feed_format)f;
			return 0;
		}
	}
	return -EINVAL;
}

const char *parse_format_name(enum feed_format f)
{
	return (unsigned)f < FMT_COUNT ? format_names[f] : "?";
}

void parse_ctx_init(struct parse_ctx *ctx, const char *name)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->name = name;
	rangeset_init(&ctx->out[0], 4);
	rangeset_init(&ctx->out[1], 6);
}

void parse_ctx_reset(struct parse_ctx *ctx)
{
	rangeset_clear(&ctx->out[0]);
	rangeset_clear(&ctx->out[1]);
	ctx->records = 0;
	ctx->skipped = 0;
}

void parse_ctx_free(struct parse_ctx *ctx)
{
	if (!ctx)
		return;
	rangeset_free(&ctx->out[0]);
	rangeset_free(&ctx->out[1]);
	parse_maxmind_free(ctx->geo);
	ctx->geo = NULL;
}

int parse_fail(struct parse_ctx *ctx, const char *reason, const char *quote,
	       size_t qlen)
{
	char q[MAX_QUOTED_BYTES * 4 + 8];

	if (qlen)
		snprintf(ctx->err, sizeof(ctx->err), "%s: \"%s\"", reason,
			 log_escape(quote, qlen, q, sizeof(q)));
	else
		snprintf(ctx->err, sizeof(ctx->err), "%s", reason);
	ctx->err_line = ctx->lines;
	return -EINVAL;
}

void parse_keep(struct parse_ctx *ctx, int family, u128 lo, u128 hi,
		uint32_t tag)
{
	unsigned fam = ctx->families ? ctx->families : 3;
	unsigned bit = family == 4 ? 1 : 2;

	if (!(fam & bit) || (ctx->want && !ccset_has(ctx->want, tag))) {
		ctx->skipped++;
		return;
	}
	rangeset_add(&ctx->out[family == 4 ? 0 : 1], lo, hi, tag);
	ctx->records++;
}

int parse_each_line(struct parse_ctx *ctx, const char *buf, size_t len,
		    char comment_char, parse_line_fn fn, void *arg)
{
	size_t pos = 0, n;
	const char *line;
	int ret;

	if (memchr(buf, '\0', len))
		return parse_fail(ctx, "NUL byte in feed", NULL, 0);
	ctx->lines = 0;
	while ((line = util_next_line(buf, len, &pos, &n))) {
		if (++ctx->lines > MAX_FEED_LINES)
			return parse_fail(ctx, "too many lines", NULL, 0);
		if (n > MAX_LINE_BYTES)
			return parse_fail(ctx, "line too long", line, n);
		line = util_trim(line, &n);
		if (n == 0 || (comment_char && line[0] == comment_char))
			continue;
		ret = fn(ctx, line, n, arg);
		if (ret)
			return ret;
	}
	return 0;
}

bool parse_looks_like_html(const char *buf, size_t len)
{
	size_t i = 0;

	/* skip a UTF-8 byte order mark and leading white space */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
			   buf[i] == '\n'))
		i++;
	/* no CIDR list, CSV or registry file starts with '<'; every HTML,
	 * XML or captive-portal page does */
	return i < len && buf[i] == '<';
}

static int cidr_line(struct parse_ctx *ctx, const char *line, size_t len,
		     void *arg)
{
	const char *end = line;
	struct cidr c;
	u128 lo, hi;
	int ret;

	(void)arg;
	/* the prefix, then optionally white space and a "#" comment */
	while (end < line + len && *end != ' ' && *end != '\t' && *end != '#')
		end++;
	if (end < line + len) {
		size_t rest = len - (size_t)(end - line);
		const char *r = util_trim(end, &rest);

		if (rest && r[0] != '#')
			return parse_fail(ctx, "trailing text after prefix",
					  line, len);
	}
	ret = cidr_parse(line, (size_t)(end - line), true, &c);
	if (ret)
		return parse_fail(ctx, ret == -ERANGE ?
				  "host bits set under the prefix length" :
				  "not a valid prefix", line,
				  (size_t)(end - line));
	cidr_to_range(&c, &lo, &hi);
	parse_keep(ctx, c.family, lo, hi, ctx->cc);
	return 0;
}

int parse_cidr_list(struct parse_ctx *ctx, const char *buf, size_t len)
{
	return parse_each_line(ctx, buf, len, '#', cidr_line, NULL);
}

typedef int (*parser_fn)(struct parse_ctx *, const char *, size_t);

static const parser_fn parsers[FMT_COUNT] = {
	[FMT_CIDR] = parse_cidr_list,
	[FMT_RIR] = parse_rir,
	[FMT_CSV] = parse_csv,
	[FMT_IP2LOCATION] = parse_ip2location,
	[FMT_TORGEOIP] = parse_torgeoip,
	[FMT_MAXMIND] = parse_maxmind,
};

int parse_buffer(struct parse_ctx *ctx, enum feed_format fmt, const char *buf,
		 size_t len)
{
	size_t seen = ctx->records + ctx->skipped;
	int ret;

	ctx->lines = 0;
	ctx->err_line = 0;
	ctx->err[0] = '\0';
	if ((unsigned)fmt >= FMT_COUNT)
		return parse_fail(ctx, "unknown format", NULL, 0);
	if (len > MAX_FEED_BYTES)
		return parse_fail(ctx, "feed too large", NULL, 0);
	if (parse_looks_like_html(buf, len))
		return parse_fail(ctx, "looks like an HTML page, not a feed",
				  NULL, 0);
	ret = parsers[fmt](ctx, buf, len);
	if (ret)
		return ret;
	/* a GeoLite2 locations file holds no ranges; parse_maxmind()
	 * checks its own files */
	if (fmt != FMT_MAXMIND && ctx->records + ctx->skipped == seen) {
		ctx->lines = 0;
		return parse_fail(ctx, "empty feed (no records)", NULL, 0);
	}
	return 0;
}
