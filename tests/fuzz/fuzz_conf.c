// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_conf.c - the configuration parser on hostile text: parse, check the
 * whole, expand the country lists, free.  Must never crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[MAX_ERR_BYTES * 2];
	struct ccset all;
	struct conf c;

	conf_init(&c);
	if (!conf_parse(&c, "fuzz.conf", (const char *)data, size, 0, err,
			sizeof(err))) {
		conf_check(&c, err, sizeof(err));
		ccset_init(&all, false);
		conf_countries_expand(&c.block, &all);
		conf_countries_expand(&c.allow, &all);
	}
	conf_free(&c);
	return 0;
}
