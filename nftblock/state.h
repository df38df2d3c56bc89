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
#define STATE_LOCK	"lock"

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

/*
 * Decode the bytes of a state file, buf[0..len), into st (initialized
 * here; free with state_free()).  Pure: no I/O.  Returns 0 or -EBADMSG
 * (the same checks as state_load); st holds an empty generation on error.
 */
int state_decode(const void *buf, size_t len, struct state *st);

/* Encode st as a state file's bytes into *buf (malloc'd, the caller
 * frees) and *len.  state_decode() of the result gives st back. */
void state_encode(const struct state *st, uint8_t **buf, size_t *len);

/* Write st atomically; creates dir (0700) when missing.  0 or -errno. */
int state_save(const char *dir, const struct state *st);

/*
 * state_save() in two halves, so that the file is written while the kernel
 * commits (a world's state is ~4 MB: encoding, writing and fsyncing it
 * takes as long as a small commit).  state_save_start() writes g to a
 * temporary file in dir from a second thread; the fingerprint and the
 * ruleset generation, known only after the commit, are put in by
 * state_save_finish(), which waits for the thread, completes the CRC and
 * renames the file into place (0 or -errno; the old file stays on error).
 * state_save_cancel() (NULL is fine) stops the thread and removes the
 * temporary.  g is read by the thread: it must not change or be freed
 * before finish or cancel.  start returns 0 or -errno (nothing to finish).
 * The caller holds the state lock: start removes temporaries that a
 * killed run left behind.
 */
struct state_save;
int state_save_start(const char *dir, const struct nft_gen *g,
		     struct state_save **out);
int state_save_finish(struct state_save *s, uint64_t fp, uint32_t genid);
void state_save_cancel(struct state_save *s);

/*
 * Take the exclusive lock of the state directory (dir/STATE_LOCK, flock),
 * waiting while another run holds it, so that concurrent applies run one
 * after the other: each reads the state the previous one wrote.  Creates
 * dir (0700) when missing.  Returns the lock's fd (close it to unlock) or
 * -errno.
 */
int state_lock(const char *dir);

/* Remove the state file (after disable).  0 or -errno (ENOENT is 0). */
int state_remove(const char *dir);

/* The same for another file name in dir (a stored generation). */
int state_save_as(const char *dir, const char *name, const struct state *st);
int state_load_from(const char *dir, const char *name, struct state *st);

void state_free(struct state *st);

#endif
