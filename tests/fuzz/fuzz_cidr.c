// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_cidr.c - the plain CIDR list parser on arbitrary bytes.  Beyond the
 * invariants of fuzzcheck.h, every range it returns must be exactly one
 * prefix that formats canonically and parses back (as a prefix and as a
 * one-line list) to the same value.
 */
#include <string.h>

#include "fuzzcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const struct range *r, int family)
{
	struct cidr c[2], back;
	char text[CIDR_STRLEN];
	struct parse_ctx again;
	u128 lo, hi;

	if (cidr_from_range(family, r->lo, r->hi, c, 2) != 1)
		abort();
	cidr_format(&c[0], text);
	if (cidr_parse(text, strlen(text), false, &back) ||
	    back.family != family || back.addr != c[0].addr ||
	    back.len != c[0].len)
		abort();
	cidr_to_range(&back, &lo, &hi);
	if (lo != r->lo || hi != r->hi)
		abort();
	parse_ctx_init(&again, "fuzz");
	if (parse_cidr_list(&again, text, strlen(text)) ||
	    again.out[family == 4 ? 0 : 1].n != 1 ||
	    again.out[family == 4 ? 0 : 1].v[0].lo != r->lo ||
	    again.out[family == 4 ? 0 : 1].v[0].hi != r->hi)
		abort();
	parse_ctx_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_ctx ctx;
	int ret;

	parse_ctx_init(&ctx, "fuzz");
	ctx.cc = CC_TAG('D', 'E');
	ret = parse_buffer(&ctx, FMT_CIDR, (const char *)data, size);
	fuzz_check(&ctx, ret, false);
	for (int f = 0; !ret && f < 2; f++)
		for (size_t i = 0; i < ctx.out[f].n; i++)
			roundtrip(&ctx.out[f].v[i], f ? 6 : 4);
	parse_ctx_free(&ctx);
	return 0;
}
