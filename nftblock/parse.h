/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.h - strict, bounded parsers for every feed format.
 *
 * A parser reads one whole file held in memory (at most MAX_FEED_BYTES) and
 * appends its ranges, tagged with their country, to ctx->out[0] (IPv4) and
 * ctx->out[1] (IPv6).  The first bad line rejects the whole file: the parser
 * returns -EINVAL and ctx->err holds "reason" with ctx->err_line set; the
 * caller prints "file:line: reason" and must discard everything the parser
 * appended (see parse_ctx_reset()).  Output sets are not normalized.
 */
#ifndef NFTBLOCK_PARSE_H
#define NFTBLOCK_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc.h"
#include "cidr.h"
#include "defs.h"

enum feed_format {
	FMT_CIDR,		/* one prefix per line: ipdeny, ipverse, own lists */
	FMT_RIR,		/* RIR delegated(-extended) statistics */
	FMT_CSV,		/* start,end,cc: DB-IP lite, ip-location-db */
	FMT_IP2LOCATION,	/* "from","to","CC","Country": decimal integers */
	FMT_TORGEOIP,		/* Tor geoip/geoip6: from,to,CC (integers or addresses) */
	FMT_MAXMIND,		/* GeoLite2 Country CSV: blocks + locations */
	FMT_COUNT
};

/* "cidr", "rir", ... -> format.  Returns 0 or -EINVAL. */
int parse_format_from_name(const char *name, enum feed_format *out);
const char *parse_format_name(enum feed_format f);

struct maxmind_geo;		/* geoname_id -> country join table */

struct parse_ctx {
	/* in */
	const char *name;	/* file name for messages (not owned) */
	uint32_t cc;		/* FMT_CIDR: the country of the whole list */
	const struct ccset *want;	/* countries to keep; NULL: all */
	unsigned families;	/* bit 0: IPv4, bit 1: IPv6 (0 means both) */
	struct maxmind_geo *geo;	/* FMT_MAXMIND: filled by the locations file */
	/* out */
	struct rangeset out[2];	/* [0] IPv4, [1] IPv6; tags are countries */
	size_t lines;		/* lines read so far */
	size_t records;		/* ranges kept */
	size_t skipped;		/* records not kept (pseudo codes, status, filter) */
	size_t warnings;
	size_t err_line;	/* 1-based line of the error; 0: whole file */
	char err[MAX_ERR_BYTES];
};

/* Zero ctx and set its fields; out sets empty. */
void parse_ctx_init(struct parse_ctx *ctx, const char *name);
/* Drop every range appended so far (after an error). */
void parse_ctx_reset(struct parse_ctx *ctx);
/* Free the output sets and the join table (if this ctx owns one). */
void parse_ctx_free(struct parse_ctx *ctx);

/*
 * Parse buf[0..len) (not NUL-terminated necessarily) in format fmt.
 * FMT_MAXMIND files may be passed in any order: the locations file
 * (header "geoname_id,locale_code,...") must come before the blocks files
 * that use it, so callers pass locations first (parse_files() sorts them).
 * Returns 0 or -EINVAL (see above).
 */
int parse_buffer(struct parse_ctx *ctx, enum feed_format fmt, const char *buf,
		 size_t len);

/* Individual parsers, same contract as parse_buffer(). */
int parse_cidr_list(struct parse_ctx *ctx, const char *buf, size_t len);
int parse_rir(struct parse_ctx *ctx, const char *buf, size_t len);
int parse_csv(struct parse_ctx *ctx, const char *buf, size_t len);
int parse_ip2location(struct parse_ctx *ctx, const char *buf, size_t len);
int parse_torgeoip(struct parse_ctx *ctx, const char *buf, size_t len);
int parse_maxmind(struct parse_ctx *ctx, const char *buf, size_t len);

/*
 * GeoLite2: the join table filled by locations files lives in ctx->geo and
 * is freed by parse_ctx_free() through parse_maxmind_free() (accepts NULL).
 * parse_maxmind_is_locations() tells a locations file by its header line.
 */
void parse_maxmind_free(struct maxmind_geo *geo);
bool parse_maxmind_is_locations(const char *buf, size_t len);

/*
 * For CSV parser modules: split one line into at most MAX_CSV_FIELDS fields
 * at ',' with optional RFC 4180 quoting (no line breaks inside quotes; ""
 * stays doubled in the field).  f[] must hold MAX_CSV_FIELDS entries; fields
 * point into line.  Returns 0 and sets *nf, or parse_fail()'s -EINVAL.
 */
struct csv_field {
	const char *s;
	size_t len;
	bool quoted;
};
int parse_csv_split(struct parse_ctx *ctx, const char *line, size_t len,
		    struct csv_field *f, size_t *nf);

/* True when the buffer looks like an HTML or captive-portal page. */
bool parse_looks_like_html(const char *buf, size_t len);

/*
 * Checksum files.  BSD style "MD5 (name) = hex" / "SHA256 (name) = hex" and
 * GNU style "hex  name" / "hex *name", any number of lines, with or without a
 * final newline.  Finds the digest for file name fname (compared by base name;
 * NULL: the file must hold exactly one digest).
 */
enum digest_kind { DIGEST_MD5 = 16, DIGEST_SHA256 = 32 };
struct checksum {
	enum digest_kind kind;	/* digest length in bytes */
	uint8_t digest[32];
};
int parse_checksum(const char *buf, size_t len, const char *fname,
		   struct checksum *out, char *err, size_t errlen);


/*
 * For parser modules: call fn once per line of buf that is neither blank nor
 * a comment starting with comment_char (0: none), with CR/LF stripped and
 * ctx->lines set to the line number.  Enforces MAX_LINE_BYTES and
 * MAX_FEED_LINES, refuses NUL bytes, and stops at the first error fn returns.
 */
typedef int (*parse_line_fn)(struct parse_ctx *ctx, const char *line,
			     size_t len, void *arg);
int parse_each_line(struct parse_ctx *ctx, const char *buf, size_t len,
		    char comment_char, parse_line_fn fn, void *arg);

/* Record an error for the current line; always returns -EINVAL.  Untrusted
 * text is passed as quote[0..qlen) and escaped (qlen 0: none). */
int parse_fail(struct parse_ctx *ctx, const char *reason, const char *quote,
	       size_t qlen);

/* Append lo..hi of family (4/6) with country tag, honouring ctx->want and
 * ctx->families; counts records/skipped. */
void parse_keep(struct parse_ctx *ctx, int family, u128 lo, u128 hi,
		uint32_t tag);

#endif
