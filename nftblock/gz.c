// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gz.h"
#include "xmalloc.h"

bool gz_is_gzip(const char *buf, size_t len)
{
	return len >= 2 && (unsigned char)buf[0] == 0x1f &&
	       (unsigned char)buf[1] == 0x8b;
}

int gz_inflate(const char *buf, size_t len, size_t max, char **out,
	       size_t *outlen)
{
	z_stream zs;
	size_t cap = len * 4 + 4096, n = 0;
	char *p;
	int ret, zr = Z_OK;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)	/* 16: gzip wrapper only */
		return -ENOMEM;
	if (cap > max + 1)
		cap = max + 1;
	p = xmalloc(cap);
	zs.next_in = (Bytef *)(uintptr_t)buf;
	zs.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	while (zr != Z_STREAM_END) {
		if (n + 1 >= cap) {
			if (cap > max) {
				ret = -EFBIG;
				goto out;
			}
			p = xgrow(p, &cap, cap + 1, 1);
		}
		zs.next_out = (Bytef *)p + n;
		zs.avail_out = (uInt)(cap - 1 - n);
		zr = inflate(&zs, Z_NO_FLUSH);
		n = zs.total_out;
		if (zr != Z_OK && zr != Z_STREAM_END &&
		    !(zr == Z_BUF_ERROR && zs.avail_out == 0)) {
			ret = -EINVAL;	/* corrupt, or truncated input */
			goto out;
		}
		if (n > max) {
			ret = -EFBIG;
			goto out;
		}
	}
	if (zs.avail_in) {	/* trailing garbage or a second member */
		ret = -EINVAL;
		goto out;
	}
	p[n] = '\0';
	*out = p;
	*outlen = n;
	p = NULL;
	ret = 0;
out:
	inflateEnd(&zs);
	free(p);
	return ret;
}
