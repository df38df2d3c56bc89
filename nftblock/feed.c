// SPDX-License-Identifier: GPL-2.0-or-later
/* feed.c - expand feed URL templates. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cc.h"
#include "feed.h"

/* Value of placeholder name[0..len) into val[16..]; NULL if unknown. */
static const char *value(const char *name, size_t len,
			 const struct feed_vars *v, char *val, size_t n)
{
	struct tm tm;
	char cc[3];

	if ((len == 2 && !memcmp(name, "cc", 2)) ||
	    (len == 2 && !memcmp(name, "CC", 2))) {
		if (!v->cc)
			return NULL;
		cc_format(v->cc, cc);
		if (name[0] == 'c') {
			cc[0] = (char)(cc[0] - 'A' + 'a');
			cc[1] = (char)(cc[1] - 'A' + 'a');
		}
		snprintf(val, n, "%s", cc);
		return val;
	}
	if (len == 6 && !memcmp(name, "family", 6)) {
		snprintf(val, n, "%d", v->family == 6 ? 6 : 4);
		return val;
	}
	if ((len == 4 && !memcmp(name, "yyyy", 4)) ||
	    (len == 2 && !memcmp(name, "mm", 2))) {
		if (!gmtime_r(&v->now, &tm))
			return NULL;
		if (len == 4)
			snprintf(val, n, "%04d", tm.tm_year + 1900);
		else
			snprintf(val, n, "%02d", tm.tm_mon + 1);
		return val;
	}
	if (len == 3 && !memcmp(name, "key", 3))
		return v->redact ? "REDACTED" : v->key;
	if (len == 3 && !memcmp(name, "url", 3))
		return v->url;
	return NULL;
}

int feed_expand(const char *t, size_t tlen, const struct feed_vars *v,
		char *out, size_t n)
{
	char val[32];
	size_t o = 0, i = 0;

	while (i < tlen) {
		const char *s = t + i, *e, *x;
		size_t l = 1;

		if (*s == '{' && (e = memchr(s, '}', tlen - i))) {
			char dir[2048];

			x = value(s + 1, (size_t)(e - s - 1), v, val,
				  sizeof(val));
			/* {dir}: the data URL up to its last '/' */
			if (!x && e - s == 4 && !memcmp(s, "{dir}", 5) &&
			    v->url && (size_t)(feed_basename(v->url) - v->url) <
					      sizeof(dir)) {
				snprintf(dir, sizeof(dir), "%.*s",
					 (int)(feed_basename(v->url) - v->url),
					 v->url);
				x = dir;
			}
			if (!x) {
				snprintf(out, n, "%.*s", (int)(e - s + 1), s);
				return -EINVAL;
			}
			l = (size_t)(e - s + 1);
			s = x;
			if (strlen(x) + o >= n)
				return -ENAMETOOLONG;
			memcpy(out + o, x, strlen(x));
			o += strlen(x);
		} else {
			if (o + 1 >= n)
				return -ENAMETOOLONG;
			out[o++] = *s;
		}
		i += l;
	}
	if (o >= n)
		return -ENAMETOOLONG;
	out[o] = '\0';
	return 0;
}

const char *feed_basename(const char *url)
{
	const char *q = strchr(url, '?'), *s = url, *p;

	for (p = url; *p && (!q || p < q); p++)
		if (*p == '/')
			s = p + 1;
	return s;
}
