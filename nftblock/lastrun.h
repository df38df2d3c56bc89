/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lastrun.h - the record of the last sync: state-dir/last-run.
 *
 * A small text file of "key=value" lines, written atomically by the sync
 * after each run and read by "status" and the metrics:
 *
 *   time=EPOCH            when the run ended (Unix seconds)
 *   result=ok|failed
 *   exit=N                the run's exit code (sysexits)
 *   message=TEXT          one line (control bytes become '?', written or read)
 *   generation=N          the generation the kernel holds after the run
 *   success=EPOCH         when a run last succeeded (0: never)
 *
 * Readers ignore keys they do not know (later versions may add some).
 */
#ifndef NFTBLOCK_LASTRUN_H
#define NFTBLOCK_LASTRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defs.h"

#define LASTRUN_FILE	"last-run"

struct lastrun {
	int64_t time;			/* end of the run */
	bool ok;			/* result=ok */
	unsigned exit;			/* 0..255 */
	char message[MAX_LASTRUN_MSG];	/* "" when none */
	uint64_t generation;
	int64_t success;		/* last successful run; 0: unknown */
};

/*
 * Write lr to dir/LASTRUN_FILE atomically (mode 0644).  When lr->ok is set
 * and lr->success is 0, success is written as lr->time.  The message is cut
 * at MAX_LASTRUN_MSG - 1 bytes, and bytes below 0x20 and 0x7f become '?',
 * so the file stays one line per key.  Returns 0 or -errno.
 */
int lastrun_write(const char *dir, const struct lastrun *lr);

/*
 * Parse the text of a last-run file, buf[0..len), into *lr (pure).  Same
 * returns as lastrun_read() without the I/O errors; *lr is written only on
 * success.
 */
int lastrun_parse(const char *buf, size_t len, struct lastrun *lr);

/*
 * Read dir/LASTRUN_FILE into *lr.  Returns 0, -ENOENT when there is none,
 * -EBADMSG when it is malformed (a line without '=', a bad number, a
 * result other than ok/failed, no time or result line), or -errno.  *lr is
 * written only on success.
 */
int lastrun_read(const char *dir, struct lastrun *lr);

#endif
