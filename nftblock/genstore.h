/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * genstore.h - the generations kept on disk for offline apply and rollback.
 *
 * state-dir/generations/NNNNNNNN.gen: one compiled generation each (the
 * state file format, see state.h), numbered upwards, at most
 * MAX_GENERATIONS kept.  state-dir/generations/current names the one the
 * host should run (the newest unless a rollback chose an older one).
 */
#ifndef NFTBLOCK_GENSTORE_H
#define NFTBLOCK_GENSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "nft.h"

#define GENSTORE_DIR	"generations"

/* The stored ids in ascending order into ids[0..MAX_GENERATIONS); returns
 * how many, or -errno (no directory: 0). */
int genstore_list(const char *state_dir, uint32_t *ids);

/*
 * Store g as a new generation (id = newest + 1), make it current, and
 * prune the oldest beyond MAX_GENERATIONS (never the current one).
 * Returns 0 and sets *id, or -errno.
 */
int genstore_save(const char *state_dir, const struct nft_gen *g,
		  uint32_t *id);

/*
 * genstore_save(), unless the current generation holds g already (the
 * same bytes on disk: compared, not decoded): then *id is that one.
 * Returns 0 and sets *id, or -errno.
 */
int genstore_save_new(const char *state_dir, const struct nft_gen *g,
		      uint32_t *id);

/* Load generation id into g (initialised here; free with nft_gen_free).
 * Returns 0, -ENOENT, -EBADMSG (corrupt: checksum, size) or -errno. */
int genstore_load(const char *state_dir, uint32_t id, struct nft_gen *g);

/* The current generation's id: the current file, else the newest.
 * Returns 0, -ENOENT when none is stored, or -errno. */
int genstore_current(const char *state_dir, uint32_t *id);

/* Make id the current generation.  Returns 0 or -errno. */
int genstore_set_current(const char *state_dir, uint32_t id);

#endif
