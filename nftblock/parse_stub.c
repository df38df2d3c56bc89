// SPDX-License-Identifier: GPL-2.0-or-later
/* TEMPORARY: replaced by the real parsers in progress. */
#include "parse.h"
int parse_csv(struct parse_ctx *ctx, const char *buf, size_t len) { (void)buf; (void)len; return parse_fail(ctx, "csv: not yet", NULL, 0); }
int parse_ip2location(struct parse_ctx *ctx, const char *buf, size_t len) { (void)buf; (void)len; return parse_fail(ctx, "not yet", NULL, 0); }
int parse_torgeoip(struct parse_ctx *ctx, const char *buf, size_t len) { (void)buf; (void)len; return parse_fail(ctx, "not yet", NULL, 0); }
int parse_maxmind(struct parse_ctx *ctx, const char *buf, size_t len) { (void)buf; (void)len; return parse_fail(ctx, "not yet", NULL, 0); }
