// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_state.c - the state file decoder (state_decode) on hostile bytes.
 *
 * Each input is decoded as it is and once more with a correct CRC-32
 * trailer, so that the fuzzer gets past the checksum.  Invariants: the
 * result is 0 or -EBADMSG; an error leaves an empty generation; a success
 * gives normal sets of in-family ranges (the lists' too), directions <= 7,
 * and encodes back to exactly the input bytes (the format has one spelling
 * per state); a version 2 input encodes as version 3, which decodes and
 * encodes to itself.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "state.h"

static void check_set(const struct rangeset *s)
{
	if (!rangeset_is_normal(s))
		abort();
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].lo > s->v[i].hi || s->v[i].hi > cidr_max(s->family))
			abort();
}

static void one(const uint8_t *data, size_t size)
{
	struct state st;
	uint8_t *enc;
	size_t len;
	int ret = state_decode(data, size, &st);

	if (ret != 0 && ret != -EBADMSG)
		abort();
	if (ret) {
		for (int f = 0; f < 2; f++)
			if (st.gen.map[f].n || st.gen.allow[f].n)
				abort();
		state_free(&st);
		return;
	}
	if (st.gen.dirs > 7 || st.gen.nlists > MAX_LISTS)
		abort();
	for (int f = 0; f < 2; f++) {
		check_set(&st.gen.map[f]);
		check_set(&st.gen.allow[f]);
		for (size_t k = 0; k < st.gen.nlists; k++)
			check_set(&st.gen.lists[k].set[f]);
	}
	state_encode(&st, &enc, &len);
	if (data[8] == 2 && !(data[9] | data[10] | data[11])) {
		struct state again;
		uint8_t *enc2;
		size_t len2;

		if (state_decode(enc, len, &again))
			abort();
		state_encode(&again, &enc2, &len2);
		if (len2 != len || memcmp(enc2, enc, len))
			abort();
		free(enc2);
		state_free(&again);
	} else if (len != size || memcmp(enc, data, size)) {
		abort();
	}
	free(enc);
	state_free(&st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;
	uint32_t crc;

	one(data, size);
	if (size < 4)
		return 0;
	fixed = malloc(size);
	if (!fixed)
		abort();
	memcpy(fixed, data, size);
	crc = (uint32_t)crc32(0, fixed, (uInt)(size - 4));
	for (int i = 0; i < 4; i++)
		fixed[size - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
	one(fixed, size);
	free(fixed);
	return 0;
}
