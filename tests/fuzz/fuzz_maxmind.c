// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_maxmind.c - the GeoLite2 parser on arbitrary bytes.  The input is
 * split at the first 0x01 byte into a locations file and a blocks file,
 * parsed in that order into one ctx (as cmd_parse_files() does); without the
 * marker the whole input is one file.  See fuzzcheck.h for the invariants.
 */
#include <string.h>

#include "fuzzcheck.h"

#define MARKER	'\x01'

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	const char *mark = memchr(buf, MARKER, size);
	size_t first = mark ? (size_t)(mark - buf) : size;
	struct parse_ctx ctx;
	int ret;

	parse_ctx_init(&ctx, "fuzz");
	ret = parse_buffer(&ctx, FMT_MAXMIND, buf, first);
	fuzz_check(&ctx, ret, false);
	if (mark) {
		/* a failed locations file must leave a usable ctx */
		ret = parse_buffer(&ctx, FMT_MAXMIND, mark + 1,
				   size - first - 1);
		fuzz_check(&ctx, ret, false);
	}
	parse_ctx_free(&ctx);
	return 0;
}
