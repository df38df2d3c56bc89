/* SPDX-License-Identifier: GPL-2.0-or-later */
/* digest.h - MD5 and SHA-256 of whole buffers (OpenSSL's libcrypto EVP). */
#ifndef NFTBLOCK_DIGEST_H
#define NFTBLOCK_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"

/*
 * Compute the digest of kind (DIGEST_MD5 or DIGEST_SHA256) of buf[0..len)
 * into out->digest and set out->kind.  Returns 0, or -EINVAL for an unknown
 * kind, -ENOSYS when the library refuses the algorithm (MD5 under a FIPS
 * policy).  out is written only on success.
 */
int digest_compute(enum digest_kind kind, const void *buf, size_t len,
		   struct checksum *out);

/* True when a and b hold the same kind and digest. */
bool digest_equal(const struct checksum *a, const struct checksum *b);

/* Lower-case hex of the digest into hex[65]. Returns hex. */
char *digest_hex(const struct checksum *c, char *hex);

#endif
