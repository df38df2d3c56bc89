/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gz.h - transparent gzip decompression of whole feeds (zlib). */
#ifndef NFTBLOCK_GZ_H
#define NFTBLOCK_GZ_H

#include <stdbool.h>
#include <stddef.h>

/* True when buf starts with the gzip magic bytes. */
bool gz_is_gzip(const char *buf, size_t len);

/*
 * Inflate the gzip stream buf[0..len) into a fresh NUL-terminated buffer.
 * Returns 0, -EFBIG when the output would exceed max bytes (a zip bomb), or
 * -EINVAL for a corrupt or truncated stream.  The caller frees *out.
 */
int gz_inflate(const char *buf, size_t len, size_t max, char **out,
	       size_t *outlen);

#endif
