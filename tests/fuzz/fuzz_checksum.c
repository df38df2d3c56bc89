// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_checksum.c - libFuzzer target for the checksum file parser.
 *
 * The input is tried with no file name and with a fixed one.  Invariants:
 * success gives an MD5 or SHA-256 digest, failure a NUL-terminated
 * printable message and an untouched output.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static void one(const char *buf, size_t len, const char *fname)
{
	struct checksum sum, untouched;
	char err[MAX_ERR_BYTES];
	int ret;

	memset(&sum, 0x5a, sizeof(sum));
	untouched = sum;
	ret = parse_checksum(buf, len, fname, &sum, err, sizeof(err));
	if (ret == 0) {
		if (sum.kind != DIGEST_MD5 && sum.kind != DIGEST_SHA256)
			abort();
		return;
	}
	if (ret != -EINVAL || memcmp(&sum, &untouched, sizeof(sum)))
		abort();
	if (!memchr(err, '\0', sizeof(err)) || !err[0])
		abort();
	for (size_t i = 0; err[i]; i++)
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one((const char *)data, size, NULL);
	one((const char *)data, size, "delegated-apnic-latest");
	one((const char *)data, size, "/var/cache/nftblock/cn.zone");
	return 0;
}
