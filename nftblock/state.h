/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - nftblock's record of the generation it last committed.
 *
 * One binary file, STATE_FILE in the state directory: a header (magic,
 * version, fingerprint, ruleset generation, directions, set sizes), the
 * ranges of the four sets (IPv4 map, IPv6 map, IPv4 and IPv6 exceptions)
 * and a CRC-32 trailer.  Written to a temporary file, fsynced and renamed;
 * read with O_NOFOLLOW and a size cap (MAX_STATE_BYTES).
 */
#ifndef NFTBLOCK_STATE_H
#define NFTBLOCK_STATE_H

#include <stdint.h>

#include "nft.h"

#define STATE_FILE	"applied.state"

struct state {
	struct nft_gen gen;
	uint64_t fp;		/* fingerprint with the map slot */
	uint32_t genid;		/* ruleset generation after the commit */
};

/*
 * Load dir/STATE_FILE into st (initialized here; free with state_free()).
 * Returns 0, -ENOENT when there is none, -EBADMSG when it is corrupt (bad
 * magic, size, checksum, or sets that are not normal), or -errno.
 */
int state_load(const char *dir, struct state *st);

/* Write st atomically; creates dir (0700) when missing.  0 or -errno. */
int state_save(const char *dir, const struct state *st);

/* Remove the state file (after disable).  0 or -errno (ENOENT is 0). */
int state_remove(const char *dir);

/* The same for another file name in dir (a stored generation). */
int state_save_as(const char *dir, const char *name, const struct state *st);
int state_load_from(const char *dir, const char *name, struct state *st);

void state_free(struct state *st);

#endif
