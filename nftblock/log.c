// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>

#include "defs.h"
#include "log.h"

static enum log_level log_level = LOG_LVL_INFO;

void log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

static void __attribute__((format(printf, 3, 0)))
log_v(enum log_level lvl, const char *tag, const char *fmt,
		  va_list ap)
{
	if (lvl > log_level)
		return;
	fputs("nftblock: ", stderr);
	if (tag)
		fputs(tag, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define LOG_FN(name, lvl, tag)					\
	void name(const char *fmt, ...)				\
	{							\
		va_list ap;					\
		va_start(ap, fmt);				\
		log_v(lvl, tag, fmt, ap);			\
		va_end(ap);					\
	}

LOG_FN(log_err, LOG_LVL_ERR, NULL)
LOG_FN(log_warn, LOG_LVL_WARN, "warning: ")
LOG_FN(log_info, LOG_LVL_INFO, NULL)
LOG_FN(log_debug, LOG_LVL_DEBUG, "debug: ")

char *log_escape(const char *s, size_t len, char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; i < len && i < MAX_QUOTED_BYTES; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 5 >= n)
			break;
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (i < len && o + 4 < n) {
		out[o++] = '.';
		out[o++] = '.';
		out[o++] = '.';
	}
	out[o] = '\0';
	return out;
}
