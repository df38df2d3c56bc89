/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seen.h - when each address of each named block list was first seen.
 *
 * A list-wide "expire = 90d" counts from the time an entry first appeared
 * in the list; this record, one binary file SEEN_FILE in the state
 * directory, is the authority for that time (kernel element timeouts are
 * not: they restart on every reload).  The file is written like the state
 * file: a temporary in the same directory, fsync, rename, fsync of the
 * directory; it is read with O_NOFOLLOW and a size cap (MAX_SEEN_BYTES).
 *
 * Layout: integers little-endian, addresses big-endian (4 or 16 bytes):
 *   "NFBSEEN1" | u32 version | u32 lists |
 *   per list: u8 name length | name | per family (IPv4, then IPv6):
 *     u32 count | count x (lo, hi, u32 first-seen time) |
 *   u32 CRC-32 (zlib's) of all the preceding bytes.
 * There is no padding and no reserved field: a db has exactly one
 * spelling, so decode followed by encode gives back the same bytes.
 *
 * Limits: at most MAX_LISTS lists, names of 1..MAX_LIST_NAME characters
 * [a-z0-9_-], at most MAX_LIST_ENTRIES ranges per family of a list, at
 * most MAX_SEEN_BYTES for the file.
 */
#ifndef NFTBLOCK_SEEN_H
#define NFTBLOCK_SEEN_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "defs.h"

#define SEEN_FILE	"seen"

/* One list's addresses with the time each was first seen: normal range
 * sets whose tag is the first-seen time (Unix seconds, uint32).  Ranges
 * of different times never overlap: an address has one first-seen time. */
struct seen_list {
	char name[MAX_LIST_NAME + 1];
	struct rangeset first[2];	/* [0] IPv4, [1] IPv6 */
};

struct seendb {
	struct seen_list *v;
	size_t n;
};

/* An empty db.  seendb_free() releases it and leaves it empty again. */
void seendb_init(struct seendb *db);
void seendb_free(struct seendb *db);	/* accepts a zeroed / freed db */

/* Load dir/SEEN_FILE.  0 (a missing file is an empty db and 0), -EBADMSG
 * when corrupt (magic, version, size, CRC, names, sets not normal, a name
 * twice), or -errno.  db is initialized here and empty on error. */
int seendb_load(const char *dir, struct seendb *db);

/*
 * Pure decode of a file's bytes (same checks as seendb_load, and times
 * overlapping within a family are corrupt too).  Returns 0 or -EBADMSG;
 * db is initialized here and empty on error (free it either way).
 */
int seendb_decode(const void *buf, size_t len, struct seendb *db);

/* Encode db as a file's bytes into *buf (malloc'd, the caller frees) and
 * *len: the inverse of seendb_decode.  Does not check the limits (see
 * seendb_save). */
void seendb_encode(const struct seendb *db, uint8_t **buf, size_t *len);

/*
 * Write atomically (temp in dir, fsync, rename, fsync dir); creates dir
 * 0700 when missing.  0 or -errno; on error the old file is unchanged and
 * no temporary is left behind.  A db that seendb_load would refuse is not
 * written: -EINVAL for bad names, duplicates or sets that are not normal,
 * -EFBIG above MAX_LISTS, MAX_LIST_ENTRIES or MAX_SEEN_BYTES.
 */
int seendb_save(const char *dir, const struct seendb *db);

/* The list called name, or NULL. */
struct seen_list *seendb_find(struct seendb *db, const char *name);

/*
 * Record that list name currently holds cur[0..1] (any tags, any order;
 * not modified): addresses already recorded keep their first-seen time,
 * new ones get now, addresses no longer listed are forgotten (a list entry
 * that leaves the feed and comes back later is new again).  Creates the
 * list when missing.  The result is normal.  Returns the list, or NULL
 * (db unchanged) when name is not a valid list name or the db already
 * holds MAX_LISTS other lists.
 *
 * Bound: should a family's times split into more than MAX_LIST_ENTRIES
 * ranges (entries leaving and coming back inside larger prefixes, run
 * after run), each maximal run of cur's addresses is given the latest
 * time recorded inside it: an address may then look newer than it is,
 * never older, so it never expires early.  A family of cur with more
 * than MAX_LIST_ENTRIES disjoint ranges stays too big for seendb_save.
 */
struct seen_list *seendb_update(struct seendb *db, const char *name,
				const struct rangeset cur[2], uint32_t now);

/* Forget the lists whose names are not in names[0..n).  The others keep
 * their order. */
void seendb_retain(struct seendb *db, const char *const *names, size_t n);

#endif
