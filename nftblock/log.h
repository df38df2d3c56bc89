/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.h - messages to stderr (or syslog later), with untrusted text escaped. */
#ifndef NFTBLOCK_LOG_H
#define NFTBLOCK_LOG_H

#include <stddef.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Messages above this level are dropped.  Default: LOG_LVL_INFO. */
void log_set_level(enum log_level lvl);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Copy untrusted bytes s[0..len) into out (size n >= 8) as printable ASCII:
 * other bytes become \xHH, and text longer than MAX_QUOTED_BYTES is cut and
 * marked with "...".  Always NUL-terminates.  Returns out.
 */
char *log_escape(const char *s, size_t len, char *out, size_t n);

#endif
