// SPDX-License-Identifier: GPL-2.0-or-later
/* TEMPORARY: replaced by the real parsers in progress. */
#include "parse.h"
int parse_rir(struct parse_ctx *ctx, const char *buf, size_t len) { (void)buf; (void)len; return parse_fail(ctx, "rir: not yet", NULL, 0); }
int parse_checksum(const char *buf, size_t len, const char *fname, struct checksum *out, char *err, size_t errlen) { (void)buf; (void)len; (void)fname; (void)out; (void)err; (void)errlen; return -1; }
