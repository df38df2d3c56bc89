/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h - checked number parsing, bounded file reading, small text helpers. */
#ifndef NFTBLOCK_UTIL_H
#define NFTBLOCK_UTIL_H

#include <endian.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "defs.h"

/*
 * Parse the decimal number s[0..len) into *out.  Only digits are accepted
 * (no sign, no spaces, not empty); leading zeros are allowed.  Returns 0, or
 * -EINVAL for bad text, -ERANGE above max.  *out is written only on success.
 */
int util_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

/* Same for a 128-bit value (IP2Location writes IPv6 addresses as decimals). */
int util_parse_u128(const char *s, size_t len, u128 max, u128 *out);

/*
 * Read a whole regular file into a fresh buffer (NUL-terminated, not counted
 * in *len).  Opened with O_CLOEXEC|O_NOFOLLOW unless follow is set (command
 * line arguments may be symlinks).  Returns 0, -EFBIG when the file exceeds
 * max bytes, or -errno.  The caller frees *buf.
 */
int util_read_file(const char *path, size_t max, bool follow, char **buf,
		   size_t *len);

/*
 * Write buf[0..len) to dir/name atomically: a temporary file in dir
 * (mkostemp, O_CLOEXEC), fsync, chmod mode, rename over name, fsync dir.
 * Readers see the old file or the new one, never a part.  Returns 0 or
 * -errno; on error the old file is untouched and the temporary removed.
 */
int util_write_file_atomic(const char *dir, const char *name, const void *buf,
			   size_t len, mode_t mode);

/* The two halves of util_write_file_atomic, for a file written in pieces:
 * util_tmp_open() creates the temporary beside dir/name (its path into
 * tmp) and returns its fd or -errno; util_tmp_commit() takes ret, the
 * writer's result so far: when 0 it does chmod, fsync, close, rename and
 * the directory fsync, otherwise (or on any error) it closes and removes
 * the temporary.  Returns 0 or -errno; fd is closed either way. */
int util_tmp_open(const char *dir, const char *name, char tmp[PATH_MAX]);
int util_tmp_commit(int fd, const char *tmp, const char *dir,
		    const char *name, mode_t mode, int ret);

/* A u128 to and from 16 big-endian bytes (network order: the state and
 * pipe records, the kernel's keys). */
static inline void util_put_be128(uint8_t *p, u128 a)
{
	uint64_t hi = htobe64((uint64_t)(a >> 64)), lo = htobe64((uint64_t)a);

	memcpy(p, &hi, 8);
	memcpy(p + 8, &lo, 8);
}

static inline u128 util_get_be128(const uint8_t *p)
{
	uint64_t hi, lo;

	memcpy(&hi, p, 8);
	memcpy(&lo, p + 8, 8);
	return (u128)be64toh(hi) << 64 | be64toh(lo);
}

/* write() all of buf[0..len) to fd, again after EINTR.  0 or -errno. */
int util_write_all(int fd, const void *buf, size_t len);

/* Split off the next line of buf[*pos..len): returns its start and sets
 * *linelen (without "\n" or "\r\n"); NULL at the end.  */
const char *util_next_line(const char *buf, size_t len, size_t *pos,
			   size_t *linelen);

/* Trim spaces and tabs at both ends of s[0..*len). Returns the new start. */
const char *util_trim(const char *s, size_t *len);

/* True when s[0..len) equals the NUL-terminated word w. */
bool util_eq(const char *s, size_t len, const char *w);

/* ASCII case-insensitive version of util_eq. */
bool util_eq_nocase(const char *s, size_t len, const char *w);

/*
 * Take an exclusive flock on dir/name (created with mode, O_NOFOLLOW;
 * opened read-only, so that an existing lock file works on a read-only
 * mount too), waiting for it when wait is set.  Returns the fd (close it
 * to unlock), -EAGAIN when another process holds it and wait is false, or
 * -errno.
 */
int util_lock(const char *dir, const char *name, bool wait, mode_t mode);

#endif
