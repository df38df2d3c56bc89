// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_nft.c - the netlink read-back decoder (nft_decode): the callbacks
 * that turn generation, table, chain, set, set-element and counter replies
 * back into nftblock's view and ranges, on hostile message buffers.
 *
 * Input: one byte whose low bit picks the family of the element keys (0:
 * IPv4, 1: IPv6), then the netlink messages.  Invariants: a negative errno
 * or 0; on success the ranges are normal, lo <= hi <= the family's last
 * address, and the slot bits name only NFT_SLOTS (8) slots.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nft_readback rb;
	const struct rangeset *s = &rb.elems;
	int family, ret;
	void *buf;

	if (size < 1)
		return 0;
	log_set_level(LOG_LVL_ERR);
	family = data[0] & 1 ? 6 : 4;
	/* netlink messages are 4-byte aligned: give the decoder its own copy */
	buf = malloc(size);
	if (!buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	memset(&rb, 0, sizeof(rb));
	rangeset_init(&rb.elems, family);
	ret = nft_decode(buf, size - 1, family, &rb);
	if (ret > 0)
		abort();
	if (ret == 0) {
		if (!rangeset_is_normal(s) || rb.slots[0] > 0xff ||
		    rb.slots[1] > 0xff || rb.bases > 7)
			abort();
		for (size_t i = 0; i < s->n; i++)
			if (s->v[i].lo > s->v[i].hi ||
			    s->v[i].hi > cidr_max(family))
				abort();
	}
	rangeset_free(&rb.elems);
	free(buf);
	return 0;
}
