/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache.h - the download cache (cache-dir, /var/cache/nftblock).
 *
 * Each cached file KEY is KEY.data (the raw bytes as downloaded) and
 * KEY.meta (validators, fetch time, size and SHA-256 of the bytes).  Other
 * small files (per-country counts, the source selection) sit beside them.
 * Every write goes to a temporary file in the same directory, is fsynced
 * and renamed; files are opened O_CLOEXEC|O_NOFOLLOW.  The cache holds only
 * data that passed the gates: the last good copy.
 */
#ifndef NFTBLOCK_CACHE_H
#define NFTBLOCK_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "parse.h"

struct cache_meta {
	char etag[MAX_HEADER_BYTES];		/* "" when none */
	char last_modified[MAX_HEADER_BYTES];
	int64_t fetched;			/* Unix time of the download */
	uint64_t size;
	struct checksum sha256;
};

/*
 * Create dir (mode 0755, one level) if needed and take an exclusive lock
 * on dir/lock without waiting.  Returns the lock's fd (>= 0), -EAGAIN when
 * another run holds it, or -errno.  Close the fd to unlock.
 */
int cache_lock(const char *dir);

/*
 * Read KEY's bytes (capped at max) and metadata.  The bytes are checked
 * against the recorded size and SHA-256.  Returns 0, -ENOENT when not
 * cached, -EBADMSG when the files disagree (treat as not cached), or
 * -errno.  The caller frees *buf (NUL-terminated).
 */
int cache_get(const char *dir, const char *key, size_t max, char **buf,
	      size_t *len, struct cache_meta *m);

/* Read KEY's metadata alone (no hash check of the bytes: for reports).
 * Returns 0, -ENOENT when not cached, -EBADMSG when malformed, or -errno. */
int cache_meta_read(const char *dir, const char *key, struct cache_meta *m);

/* Write KEY.data then KEY.meta (m's size and sha256 are set from buf).
 * Returns 0 or -errno. */
int cache_put(const char *dir, const char *key, const char *buf, size_t len,
	      struct cache_meta *m);

/* Atomically replace dir/name with buf[0..len).  Returns 0 or -errno. */
int cache_write_file(const char *dir, const char *name, const char *buf,
		     size_t len);

/* Read dir/name (capped at max) into a fresh NUL-terminated buffer.
 * Returns 0, -ENOENT, -EFBIG or -errno. */
int cache_read_file(const char *dir, const char *name, size_t max, char **buf,
		    size_t *len);

#endif
