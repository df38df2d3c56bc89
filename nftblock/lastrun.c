// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lastrun.c - write and read state-dir/last-run (see lastrun.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lastrun.h"
#include "util.h"

#define MAX_PATH_BYTES	4096u	/* PATH_MAX */
#define MAX_EXIT	255u	/* an exit status is one byte */

/* Copy s[0..n) to out (n + 1 bytes) with control bytes as '?': the
 * message stays one line of text, whoever wrote the file. */
static void clean(char *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[n] = '\0';
}

int lastrun_write(const char *dir, const struct lastrun *lr)
{
	char buf[MAX_LASTRUN_BYTES], msg[MAX_LASTRUN_MSG];
	int64_t success = lr->success;
	int n;

	clean(msg, lr->message, strnlen(lr->message, sizeof(msg) - 1));
	if (lr->ok && !success)
		success = lr->time;
	n = snprintf(buf, sizeof(buf), "time=%" PRId64 "\nresult=%s\nexit=%u\n"
		     "message=%s\ngeneration=%" PRIu64 "\nsuccess=%" PRId64 "\n",
		     lr->time, lr->ok ? "ok" : "failed", lr->exit, msg,
		     lr->generation, success);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	return util_write_file_atomic(dir, LASTRUN_FILE, buf, (size_t)n, 0644);
}

static int num(const char *v, size_t vl, uint64_t max, uint64_t *out)
{
	return util_parse_u64(v, vl, max, out) ? -EBADMSG : 0;
}

/* One "key=value" line into lr; seen collects bit 0 (time), 1 (result). */
static int read_line(struct lastrun *lr, const char *l, size_t n,
		     unsigned *seen)
{
	const char *eq = memchr(l, '=', n), *v;
	size_t kl, vl;
	uint64_t x;
	int ret = 0;

	if (!eq)
		return -EBADMSG;
	kl = (size_t)(eq - l);
	v = eq + 1;
	vl = n - kl - 1;
	if (util_eq(l, kl, "time") || util_eq(l, kl, "success")) {
		ret = num(v, vl, INT64_MAX, &x);
		if (l[0] == 't') {
			lr->time = (int64_t)x;
			*seen |= 1;
		} else {
			lr->success = (int64_t)x;
		}
	} else if (util_eq(l, kl, "result")) {
		if (!util_eq(v, vl, "ok") && !util_eq(v, vl, "failed"))
			return -EBADMSG;
		lr->ok = v[0] == 'o';
		*seen |= 2;
	} else if (util_eq(l, kl, "exit")) {
		ret = num(v, vl, MAX_EXIT, &x);
		lr->exit = (unsigned)x;
	} else if (util_eq(l, kl, "generation")) {
		ret = num(v, vl, UINT64_MAX, &x);
		lr->generation = x;
	} else if (util_eq(l, kl, "message")) {
		if (vl >= sizeof(lr->message))
			vl = sizeof(lr->message) - 1;
		clean(lr->message, v, vl);
	}
	return ret;
}

int lastrun_parse(const char *buf, size_t len, struct lastrun *lr)
{
	struct lastrun r;
	const char *l;
	size_t pos = 0, n;
	unsigned seen = 0;
	int ret = 0;

	if (len > MAX_LASTRUN_BYTES)
		return -EBADMSG;
	memset(&r, 0, sizeof(r));
	/* len is capped, so is the number of lines */
	while (!ret && (l = util_next_line(buf, len, &pos, &n)))
		if (n)
			ret = read_line(&r, l, n, &seen);
	if (!ret && seen != 3)
		ret = -EBADMSG;
	if (!ret)
		*lr = r;
	return ret;
}

int lastrun_read(const char *dir, struct lastrun *lr)
{
	char path[MAX_PATH_BYTES], *buf;
	size_t len;
	int ret;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, LASTRUN_FILE) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	ret = util_read_file(path, MAX_LASTRUN_BYTES, false, &buf, &len);
	if (ret == -EFBIG)
		return -EBADMSG;
	if (ret)
		return ret;
	ret = lastrun_parse(buf, len, lr);
	free(buf);
	return ret;
}
