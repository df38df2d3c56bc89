/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seen.h - when each address of each named list was first seen: the
 * authority for list-wide expiry ([list:NAME] expire).
 *
 * One binary file, SEEN_FILE in the state directory: "NFBSEEN1", u32
 * version, u32 list count, per list: u32 name length, the name, u64 count4,
 * u64 count6, (lo, hi, first-seen) records (IPv4 addresses as u32, IPv6 as
 * 16 bytes big-endian, the time as u32), then a CRC-32 of all the
 * preceding bytes.  Little-endian.  Written to a temporary file, fsynced,
 * renamed; read with a size cap (MAX_SEEN_BYTES).
 */
#ifndef NFTBLOCK_SEEN_H
#define NFTBLOCK_SEEN_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "defs.h"

#define SEEN_FILE "seen"

/* One list's addresses with the time each was first seen: normal range
 * sets whose tag is the first-seen time (Unix seconds). */
struct seen_list {
	char name[MAX_LIST_NAME + 1];
	struct rangeset first[2];	/* [0] IPv4, [1] IPv6 */
};

struct seendb {
	struct seen_list *v;
	size_t n;
};

void seendb_init(struct seendb *db);
/* Accepts a zeroed or freed db. */
void seendb_free(struct seendb *db);

/* Load dir/SEEN_FILE.  0 (a missing file is an empty db), -EBADMSG when
 * corrupt (magic, version, size, CRC, names, sets not normal, a name
 * twice), or -errno.  db is initialized here and empty on error. */
int seendb_load(const char *dir, struct seendb *db);
/* Decode a file's bytes (the same checks); encode is its inverse. */
int seendb_decode(const void *buf, size_t len, struct seendb *db);
void seendb_encode(const struct seendb *db, uint8_t **buf, size_t *len);
/* Write atomically; creates dir (0700) when missing.  0 or -errno; the
 * old file is then unchanged. */
int seendb_save(const char *dir, const struct seendb *db);

/* The list called name, or NULL. */
struct seen_list *seendb_find(struct seendb *db, const char *name);

/*
 * Record that list name holds cur[0..1] now (any tags, any order; not
 * modified): addresses already recorded keep their first-seen time, new
 * ones get now, addresses no longer listed are forgotten (an entry that
 * leaves the list and comes back later is new again).  Creates the list
 * when missing (at most MAX_LISTS: NULL beyond).  The result is normal.
 */
struct seen_list *seendb_update(struct seendb *db, const char *name,
				const struct rangeset cur[2], uint32_t now);

/* Forget the lists whose names are not in names[0..n). */
void seendb_retain(struct seendb *db, const char *const *names, size_t n);

#endif
