// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cache.c - the download cache: raw bytes plus metadata, written
 * atomically, read back with a size cap and a hash check.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "digest.h"
#include "util.h"
#include "xmalloc.h"

#define MAX_PATH_BYTES	4096u	/* PATH_MAX */

static int path_of(char *out, const char *dir, const char *name,
		   const char *suffix)
{
	int n = snprintf(out, MAX_PATH_BYTES, "%s/%s%s", dir, name, suffix);

	return n < 0 || (size_t)n >= MAX_PATH_BYTES ? -ENAMETOOLONG : 0;
}

int cache_lock(const char *dir)
{
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return util_lock(dir, "lock", false, 0644);
}

int cache_write_file(const char *dir, const char *name, const char *buf,
		     size_t len)
{
	return util_write_file_atomic(dir, name, buf, len, 0644);
}

int cache_read_file(const char *dir, const char *name, size_t max, char **buf,
		    size_t *len)
{
	char path[MAX_PATH_BYTES];
	int ret = path_of(path, dir, name, "");

	return ret ? ret : util_read_file(path, max, false, buf, len);
}

static int meta_format(const struct cache_meta *m, char *out, size_t n)
{
	char hex[65];
	int w;

	w = snprintf(out, n, "etag=%s\nlast-modified=%s\nfetched=%" PRId64
		     "\nsize=%" PRIu64 "\nsha256=%s\n", m->etag,
		     m->last_modified, m->fetched, m->size,
		     digest_hex(&m->sha256, hex));
	return w < 0 || (size_t)w >= n ? -ENAMETOOLONG : w;
}

int cache_put(const char *dir, const char *key, const char *buf, size_t len,
	      struct cache_meta *m)
{
	char name[MAX_PATH_BYTES], meta[MAX_META_BYTES];
	int ret, w;

	m->size = len;
	ret = digest_compute(DIGEST_SHA256, buf, len, &m->sha256);
	if (ret)
		return ret;
	w = meta_format(m, meta, sizeof(meta));
	if (w < 0)
		return w;
	snprintf(name, sizeof(name), "%s.data", key);
	ret = cache_write_file(dir, name, buf, len);
	if (ret)
		return ret;
	snprintf(name, sizeof(name), "%s.meta", key);
	return cache_write_file(dir, name, meta, (size_t)w);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int parse_hex(const char *s, size_t len, struct checksum *out)
{
	if (len != 64)
		return -EINVAL;
	for (size_t i = 0; i < 32; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out->digest[i] = (uint8_t)(hi << 4 | lo);
	}
	out->kind = DIGEST_SHA256;
	return 0;
}

static int meta_line(struct cache_meta *m, const char *l, size_t n)
{
	const char *eq = memchr(l, '=', n);
	size_t kl, vl;
	uint64_t v;

	if (!eq)
		return -EBADMSG;
	kl = (size_t)(eq - l);
	vl = n - kl - 1;
	eq++;
	if (util_eq(l, kl, "etag") || util_eq(l, kl, "last-modified")) {
		char *dst = l[0] == 'e' ? m->etag : m->last_modified;

		if (vl >= MAX_HEADER_BYTES)
			return -EBADMSG;
		memcpy(dst, eq, vl);
		dst[vl] = '\0';
		return 0;
	}
	if (util_eq(l, kl, "fetched") || util_eq(l, kl, "size")) {
		if (util_parse_u64(eq, vl, INT64_MAX, &v))
			return -EBADMSG;
		if (l[0] == 'f')
			m->fetched = (int64_t)v;
		else
			m->size = v;
		return 0;
	}
	if (util_eq(l, kl, "sha256"))
		return parse_hex(eq, vl, &m->sha256) ? -EBADMSG : 0;
	return -EBADMSG;
}

static int meta_parse(const char *buf, size_t len, struct cache_meta *m)
{
	const char *l;
	size_t pos = 0, n;
	int ret;

	memset(m, 0, sizeof(*m));
	while ((l = util_next_line(buf, len, &pos, &n))) {
		ret = meta_line(m, l, n);
		if (ret)
			return ret;
	}
	return m->sha256.kind == DIGEST_SHA256 ? 0 : -EBADMSG;
}

int cache_meta_read(const char *dir, const char *key, struct cache_meta *m)
{
	char name[MAX_PATH_BYTES], *mb = NULL;
	struct cache_meta tmp;
	size_t ml;
	int ret;

	if ((size_t)snprintf(name, sizeof(name), "%s.meta", key) >=
	    sizeof(name))
		return -ENAMETOOLONG;
	ret = cache_read_file(dir, name, MAX_META_BYTES, &mb, &ml);
	if (ret)
		return ret == -EFBIG ? -EBADMSG : ret;
	ret = meta_parse(mb, ml, &tmp);
	free(mb);
	if (!ret)
		*m = tmp;
	return ret;
}

int cache_get(const char *dir, const char *key, size_t max, char **buf,
	      size_t *len, struct cache_meta *m)
{
	char name[MAX_PATH_BYTES], *mb = NULL, *db = NULL;
	struct checksum sum;
	size_t ml, dl;
	int ret;

	snprintf(name, sizeof(name), "%s.meta", key);
	ret = cache_read_file(dir, name, MAX_META_BYTES, &mb, &ml);
	if (ret)
		return ret;
	ret = meta_parse(mb, ml, m);
	if (ret)
		goto out;
	snprintf(name, sizeof(name), "%s.data", key);
	ret = cache_read_file(dir, name, max, &db, &dl);
	if (ret)
		goto out;
	ret = digest_compute(DIGEST_SHA256, db, dl, &sum);
	if (!ret && (dl != m->size || !digest_equal(&sum, &m->sha256)))
		ret = -EBADMSG;
	if (!ret) {
		*buf = db;
		*len = dl;
		db = NULL;
	}
out:
	free(db);
	free(mb);
	return ret;
}
