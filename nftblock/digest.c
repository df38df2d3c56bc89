// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * digest.c - MD5 and SHA-256 through libcrypto's EVP interface: checksum
 * files published beside feeds use MD5 (RIR, ipdeny); the cache records
 * SHA-256.
 */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "digest.h"

int digest_compute(enum digest_kind kind, const void *buf, size_t len,
		   struct checksum *out)
{
	const EVP_MD *md;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;

	switch (kind) {
	case DIGEST_MD5:
		md = EVP_md5();
		break;
	case DIGEST_SHA256:
		md = EVP_sha256();
		break;
	default:
		return -EINVAL;
	}
	if (!md || !EVP_Digest(buf, len, d, &dl, md, NULL) ||
	    dl != (unsigned int)kind)
		return -ENOSYS;
	out->kind = kind;
	memset(out->digest, 0, sizeof(out->digest));
	memcpy(out->digest, d, dl);
	return 0;
}

bool digest_equal(const struct checksum *a, const struct checksum *b)
{
	return a->kind == b->kind &&
	       !memcmp(a->digest, b->digest, (size_t)a->kind);
}

char *digest_hex(const struct checksum *c, char *hex)
{
	static const char x[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < (size_t)c->kind && i < sizeof(c->digest); i++) {
		hex[2 * i] = x[c->digest[i] >> 4];
		hex[2 * i + 1] = x[c->digest[i] & 15];
	}
	hex[2 * i] = '\0';
	return hex;
}
