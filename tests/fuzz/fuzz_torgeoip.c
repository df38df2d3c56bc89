// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_torgeoip.c - the torgeoip parser on arbitrary bytes; see fuzzcheck.h. */
#include "fuzzcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(FMT_TORGEOIP, data, size);
	return 0;
}
