/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privsep.h - run the code that touches downloaded bytes in a child that
 * holds no privileges, and get only fixed-size binary ranges back.
 *
 * The child drops every capability (effective, permitted, inheritable,
 * ambient and the bounding set), locks the securebits so that uid 0 grants
 * nothing back, sets no_new_privs, and, when the user PRIVSEP_USER exists
 * and owns the cache directory, switches to it.  It then writes records to
 * a pipe; the parent re-validates every record (privsep_read).
 */
#ifndef NFTBLOCK_PRIVSEP_H
#define NFTBLOCK_PRIVSEP_H

#include <stdint.h>
#include <sys/types.h>

#include "cidr.h"

#define PRIVSEP_USER	"nftblock"

/* Record sets: which rangeset a record belongs to. */
enum privsep_set {
	PS_BLOCK,	/* the blocked countries' ranges */
	PS_PERMIT,	/* the allowed countries' */
	PS_LISTCC,	/* the countries named by lists */
	PS_LIST,	/* the lists' feeds' entries, tag: the list's index */
	PS_NSETS
};

/*
 * Fork a child that drops its privileges (see above; owner_dir is the
 * directory the unprivileged user must own to be switched to), then calls
 * fn(arg, fd) with the write end of the pipe and exits with its return
 * value (a sysexits code).  Returns the read end and sets *pid, or -errno.
 * A child that cannot drop its privileges exits EX_OSERR without calling
 * fn.
 */
int privsep_spawn(const char *owner_dir, int (*fn)(void *arg, int fd),
		  void *arg, pid_t *pid);

/* Write the ranges of sets[0..PS_NSETS) (each [0] IPv4, [1] IPv6) as
 * records, then an end record.  Returns 0 or -errno. */
int privsep_write(int fd, struct rangeset sets[PS_NSETS][2]);

/*
 * Read the child's records into sets (initialised by the caller) until
 * the end record, checking every one: known set and family, lo <= hi
 * within the family, a country tag (PS_LIST: a list index), counts within MAX_STATE_RANGES; the
 * result must be normal.  Returns 0 or -EBADMSG (nothing usable).
 */
int privsep_read(int fd, struct rangeset sets[PS_NSETS][2]);

/* Wait for the child; returns its exit code, or EX_SOFTWARE when it was
 * killed by a signal. */
int privsep_wait(pid_t pid);

/* Test helper: 0 when this process holds no capability in any set and
 * no_new_privs is on, else -EPERM. */
int privsep_check_dropped(void);

#endif
