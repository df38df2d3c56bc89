/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - a tiny streaming JSON writer (RFC 8259) for the commands'
 * --json output.
 *
 * Values are written as they come; the writer tracks commas and nesting.
 * Strings are escaped: '"', '\\' and the control characters U+0000..U+001F
 * always, and bytes that are not well-formed UTF-8 become U+FFFD, so any
 * byte string (feed names, kernel messages) yields valid JSON.  Output is
 * compact, one document per line.
 */
#ifndef NFTBLOCK_JSON_H
#define NFTBLOCK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "defs.h"

struct json {
	FILE *f;
	unsigned depth;
	bool first[MAX_JSON_DEPTH + 1];	/* no member written yet at depth */
	bool overflow;			/* nested deeper than MAX_JSON_DEPTH */
};

/* Start a document on f. */
void json_init(struct json *j, FILE *f);

/*
 * Each call writes one value.  key names it inside an object; pass NULL
 * inside an array or for the top-level value.  Nesting deeper than
 * MAX_JSON_DEPTH is a programming error: it is recorded in j->overflow and
 * the output is then not valid.
 */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
void json_strn(struct json *j, const char *key, const char *s, size_t len);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* End the document with a newline.  Returns 0, or -EIO when f failed. */
int json_end(struct json *j);

/* Write s[0..len) as a quoted, escaped JSON string to f (see above). */
void json_escape(FILE *f, const char *s, size_t len);

#endif
