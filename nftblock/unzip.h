/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unzip.h - members of a zip archive held in memory (libarchive). */
#ifndef NFTBLOCK_UNZIP_H
#define NFTBLOCK_UNZIP_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_ZIP_MEMBERS	64u	/* GeoLite2 Country CSV zips hold ~12 files */

struct unzip_member {
	char *name;		/* path inside the archive */
	char *data;		/* NUL-terminated */
	size_t len;
};

/* True when buf starts with a zip local file header. */
bool unzip_is_zip(const char *buf, size_t len);

/*
 * Extract the regular-file members of the zip archive buf[0..len) whose
 * base name ends with one of the NULL-terminated suffixes, each capped at
 * max bytes, into a fresh array *out of *n members.  Returns 0, -EFBIG
 * (a member over max, or more than MAX_ZIP_MEMBERS), -EINVAL (corrupt),
 * or -ENOSYS (libarchive, opened at the first call, cannot be loaded).
 * Free with unzip_free().
 */
int unzip_extract(const char *buf, size_t len, const char *const *suffixes,
		  size_t max, struct unzip_member **out, size_t *n);

void unzip_free(struct unzip_member *m, size_t n);

#endif
