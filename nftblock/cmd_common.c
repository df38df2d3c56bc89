// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_common.c - helpers the commands share: reading feed files given on the
 * command line, country arguments.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "gz.h"
#include "log.h"
#include "util.h"

int cmd_parse_country(const char *arg, uint32_t *tag)
{
	uint32_t t;

	switch (cc_parse(arg, strlen(arg), &t)) {
	case CC_COUNTRY:
	case CC_REGION:
		*tag = t;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Read path, gunzipping it when compressed.  Prints why on failure. */
static int read_feed(const char *path, char **buf, size_t *len)
{
	char *raw, *plain;
	size_t rawlen, plainlen;
	int ret;

	ret = util_read_file(path, MAX_FEED_BYTES, true, &raw, &rawlen);
	if (ret) {
		log_err("%s: %s", path, ret == -EFBIG ? "file too large" :
			strerror(-ret));
		return EX_NOINPUT;
	}
	if (!gz_is_gzip(raw, rawlen)) {
		*buf = raw;
		*len = rawlen;
		return 0;
	}
	ret = gz_inflate(raw, rawlen, MAX_FEED_BYTES, &plain, &plainlen);
	free(raw);
	if (ret) {
		log_err("%s: %s", path, ret == -EFBIG ?
			"decompressed feed too large" : "corrupt gzip data");
		return EX_DATAERR;
	}
	*buf = plain;
	*len = plainlen;
	return 0;
}

/* Parse one feed already in memory; prints "file:line: reason" on error. */
static int parse_loaded(struct parse_ctx *ctx, enum feed_format fmt,
			const char *path, const char *buf, size_t len)
{
	ctx->name = path;
	if (parse_buffer(ctx, fmt, buf, len) == 0)
		return 0;
	if (ctx->err_line)
		log_err("%s:%zu: %s", path, ctx->err_line, ctx->err);
	else
		log_err("%s: %s", path, ctx->err);
	return EX_DATAERR;
}

/*
 * Parse arg (a path, or "CC=path" for a CIDR list).  only_loc selects the
 * GeoLite2 pass: 1 parses the file only when it is a locations file (told by
 * its header, whatever its name), 0 only when it is not, -1 always.
 */
static int parse_one(struct parse_ctx *ctx, enum feed_format fmt,
		     const char *arg, int only_loc)
{
	const char *path = arg, *eq = strchr(arg, '=');
	size_t len;
	char *buf;
	int ret;

	ctx->cc = 0;
	if (fmt == FMT_CIDR && eq && eq - arg == 2) {
		if (cc_parse(arg, 2, &ctx->cc) != CC_COUNTRY &&
		    cc_parse(arg, 2, &ctx->cc) != CC_REGION) {
			log_err("%s: not a country code before '='", arg);
			return EX_USAGE;
		}
		path = eq + 1;
	}
	ret = read_feed(path, &buf, &len);
	if (ret)
		return ret;
	if (only_loc < 0 || only_loc == parse_maxmind_is_locations(buf, len))
		ret = parse_loaded(ctx, fmt, path, buf, len);
	free(buf);
	return ret;
}

int cmd_parse_files(struct parse_ctx *ctx, enum feed_format fmt, char **files,
		    int nfiles)
{
	int ret;

	if (fmt != FMT_MAXMIND) {
		for (int i = 0; i < nfiles; i++) {
			ret = parse_one(ctx, fmt, files[i], -1);
			if (ret)
				return ret;
		}
		return 0;
	}
	/* GeoLite2 blocks files join against the locations files: read those
	 * first (blocks files are read twice; they are at most a few ten MiB) */
	for (int pass = 1; pass >= 0; pass--) {
		for (int i = 0; i < nfiles; i++) {
			ret = parse_one(ctx, fmt, files[i], pass);
			if (ret)
				return ret;
		}
	}
	return 0;
}
