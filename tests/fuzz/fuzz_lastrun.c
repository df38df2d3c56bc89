// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_lastrun.c - libFuzzer target for the last-run record parser.
 *
 * Invariants: success gives an exit status below 256, times that are not
 * negative and a NUL-terminated message without control bytes; failure is
 * -EBADMSG with the output untouched.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lastrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lastrun lr, untouched;
	int ret;

	memset(&lr, 0x5a, sizeof(lr));
	untouched = lr;
	ret = lastrun_parse((const char *)data, size, &lr);
	if (ret) {
		if (ret != -EBADMSG || memcmp(&lr, &untouched, sizeof(lr)))
			abort();
		return 0;
	}
	if (lr.exit > 255 || lr.time < 0 || lr.success < 0)
		abort();
	if (!memchr(lr.message, '\0', sizeof(lr.message)))
		abort();
	for (size_t i = 0; lr.message[i]; i++)
		if ((unsigned char)lr.message[i] < 0x20 ||
		    lr.message[i] == 0x7f)
			abort();
	return 0;
}
