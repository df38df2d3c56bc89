// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unzip.c - read zip archives from memory with libarchive (GeoLite2
 * Country CSV downloads).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "unzip.h"
#include "xmalloc.h"

bool unzip_is_zip(const char *buf, size_t len)
{
	return len >= 4 && !memcmp(buf, "PK\x03\x04", 4);
}

void unzip_free(struct unzip_member *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].name);
		free(m[i].data);
	}
	free(m);
}

static bool wanted(const char *path, const char *const *suffixes)
{
	size_t pl = strlen(path);

	for (size_t i = 0; suffixes[i]; i++) {
		size_t sl = strlen(suffixes[i]);

		if (pl >= sl && !strcmp(path + pl - sl, suffixes[i]))
			return true;
	}
	return false;
}

/* Read the current entry's data, at most max bytes. */
static int read_member(struct archive *a, size_t max, struct unzip_member *m)
{
	size_t cap = 0;
	la_ssize_t got;
	char chunk[65536];

	m->data = NULL;
	m->len = 0;
	while ((got = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		if ((size_t)got > max - m->len)
			return -EFBIG;
		m->data = xgrow(m->data, &cap, m->len + (size_t)got + 1, 1);
		memcpy(m->data + m->len, chunk, (size_t)got);
		m->len += (size_t)got;
	}
	if (got < 0)
		return -EINVAL;
	if (!m->data)
		m->data = xcalloc(1, 1);
	m->data[m->len] = '\0';
	return 0;
}

static int walk(struct archive *a, const char *const *suffixes, size_t max,
		struct unzip_member *v, size_t *n)
{
	struct archive_entry *e;
	int rc, ret;

	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *path = archive_entry_pathname(e);

		if (archive_entry_filetype(e) != AE_IFREG || !path ||
		    !wanted(path, suffixes))
			continue;
		if (*n == MAX_ZIP_MEMBERS)
			return -EFBIG;
		ret = read_member(a, max, &v[*n]);
		v[*n].name = xstrdup(path);
		(*n)++;
		if (ret)
			return ret;
	}
	return rc == ARCHIVE_EOF ? 0 : -EINVAL;
}

int unzip_extract(const char *buf, size_t len, const char *const *suffixes,
		  size_t max, struct unzip_member **out, size_t *n)
{
	struct unzip_member *v = xcalloc(MAX_ZIP_MEMBERS, sizeof(*v));
	struct archive *a = archive_read_new();
	size_t cnt = 0;
	int ret = -EINVAL;

	if (!a)
		goto out;
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK)
		goto out;
	ret = walk(a, suffixes, max, v, &cnt);
out:
	if (a)
		archive_read_free(a);
	if (ret) {
		unzip_free(v, cnt);
		return ret;
	}
	*out = v;
	*n = cnt;
	return 0;
}
