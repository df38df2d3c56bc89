/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sync.h - the pipeline (L4): the one place that calls fetch, the stored
 * generations and the kernel in order.
 *
 * sync: in an unprivileged child (privsep.h) download what the
 * configuration needs into the cache (unless offline), parse the last good
 * copies and compile them; the parent gets binary ranges, re-validates
 * them, adds the policy of the configuration, stores the result as a new
 * generation (genstore.h) and applies it (nft.h), recording what the kernel
 * holds in the state file (state.h).  Functions here return sysexits(3)
 * codes and print their one-line results to out.
 */
#ifndef NFTBLOCK_SYNC_H
#define NFTBLOCK_SYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "nft.h"

struct conf;

#define SYNC_CONFIRM_FILE	"confirm"
#define SYNC_DISABLED_FILE	"disabled"
#define MAX_CONFIRM_SECONDS	86400u	/* a confirmation window above a day is a typo */

struct sync_opts {
	bool force;		/* lift the size gates and the SSH client check */
	bool offline;		/* no download: use the cache as it is */
	bool plan;		/* print what would change; change nothing */
	unsigned confirm;	/* roll back after this many seconds unless
				 * confirmed (0: no confirmation) */
	struct nft_opts nft;	/* kernel tuning and test hooks */
};

/* The whole pipeline for configuration c.  Returns EX_OK, EX_TEMPFAIL
 * (some feed was refused; the rest applied), EX_UNAVAILABLE (a country
 * has no data; nothing else wrong), or the code of the failure (the kernel
 * and the stored generations are then as they were). */
int sync_run(const struct conf *c, const struct sync_opts *o, FILE *out);

/* The fetch stage alone, in the unprivileged child (output to stdout).
 * Returns EX_OK, EX_TEMPFAIL (some feed refused), EX_UNAVAILABLE (a
 * country without data) or the failure's code. */
int sync_fetch(const struct conf *c, bool force, FILE *out);

/*
 * Apply generation g and record it in state_dir's state file, under the
 * state lock.  The SSH client's exception is added for the kernel and
 * taken out of g again before returning.  rollback_to is the
 * generation to return to when o->confirm is set (0: none: disable).
 */
int sync_apply(const char *state_dir, struct nft_gen *g,
	       const struct sync_opts *o, uint32_t rollback_to, FILE *out);

/*
 * Apply g (sync_apply; a --confirm rollback returns to the generation
 * current before), then store it as a new generation unless it is the
 * current one, and print "generation: N".
 */
int sync_commit(const char *state_dir, struct nft_gen *g,
		const struct sync_opts *o, FILE *out);

/*
 * Apply a stored generation: id, or 0 for the current one; a corrupt
 * current generation falls back to the previous stored ones.  Makes it the
 * current one.  (apply without files, rollback, boot.)
 */
int sync_apply_stored(const char *state_dir, uint32_t id,
		      const struct sync_opts *o, FILE *out);

/*
 * disable: delete the table and the state file, and leave a mark so that
 * sync and apply without files (the timer, boot) stay off until enable.
 * enable: remove the mark and apply the current stored generation.
 */
int sync_disable(const char *state_dir, FILE *out);
int sync_enable(const char *state_dir, const struct sync_opts *o, FILE *out);
bool sync_is_disabled(const char *state_dir);

/* Keep what a --confirm apply did: stop the pending rollback. */
int sync_confirm(const char *state_dir, FILE *out);

/* Map an nft_apply()/nft_*() error to a message and a sysexits code. */
int sync_kernel_error(int err, const char *what);

/*
 * The client address of the SSH session this process runs in
 * (SSH_CONNECTION, else SSH_CLIENT), IPv4-mapped IPv6 as IPv4.  Returns
 * true and sets family and addr when there is one.
 */
bool sync_ssh_client(int *family, u128 *addr);

/* The time now as Unix seconds (list expiry). */
uint32_t sync_now(void);

#endif
