/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzzcheck.h - invariants every parser's output must hold, checked by the
 * fuzz targets after each input: a known return value, an error message on
 * failure, and on success ranges with lo <= hi <= the family's largest
 * address, tagged with a country (two letters A-Z) unless untagged is allowed.
 */
#ifndef NFTBLOCK_FUZZCHECK_H
#define NFTBLOCK_FUZZCHECK_H

#include <errno.h>
#include <stdlib.h>

#include "parse.h"

static inline void fuzz_check_tag(uint32_t tag, bool untagged_ok)
{
	unsigned a = tag >> 8, b = tag & 0xff;

	if (tag == 0 && untagged_ok)
		return;
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
		abort();
}

static inline void fuzz_check(const struct parse_ctx *ctx, int ret,
			      bool untagged_ok)
{
	if (ret != 0 && ret != -EINVAL)
		abort();
	if (ret) {
		if (ctx->err[0] == '\0')
			abort();
		return;
	}
	if (ctx->records != ctx->out[0].n + ctx->out[1].n)
		abort();
	for (int f = 0; f < 2; f++) {
		const struct rangeset *s = &ctx->out[f];

		if (s->family != (f ? 6 : 4))
			abort();
		for (size_t i = 0; i < s->n; i++) {
			if (s->v[i].lo > s->v[i].hi ||
			    s->v[i].hi > cidr_max(s->family))
				abort();
			fuzz_check_tag(s->v[i].tag, untagged_ok);
		}
	}
}

/* Parse data as one file of fmt and check the result. */
static inline void fuzz_one(enum feed_format fmt, const uint8_t *data,
			    size_t size)
{
	struct parse_ctx ctx;
	int ret;

	parse_ctx_init(&ctx, "fuzz");
	ret = parse_buffer(&ctx, fmt, (const char *)data, size);
	fuzz_check(&ctx, ret, false);
	parse_ctx_free(&ctx);
}

#endif
