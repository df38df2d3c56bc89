// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unzip.c - read zip archives from memory with libarchive (GeoLite2
 * Country CSV downloads).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "log.h"
#include "unzip.h"
#include "xmalloc.h"

#define LIBARCHIVE_SONAME	"libarchive.so.13"	/* <archive.h> 3.x */

/*
 * libarchive is opened by the first unzip, not linked: linked, it and the
 * XML, ICU and C++ libraries it pulls in are mapped into every nftblock
 * process (about 2 MiB resident); only a fetch of a zip feed needs it.
 */
static struct {
	void *dl;
	struct archive *(*read_new)(void);
	int (*support_format_zip)(struct archive *a);
	int (*open_memory)(struct archive *a, const void *buf, size_t len);
	int (*next_header)(struct archive *a, struct archive_entry **e);
	la_ssize_t (*read_data)(struct archive *a, void *buf, size_t len);
	int (*read_free)(struct archive *a);
	const char *(*pathname)(struct archive_entry *e);
	__LA_MODE_T (*filetype)(struct archive_entry *e);
} la;

/* dlsym's object pointer into a function pointer (POSIX: they convert). */
#define LA_SYM(field, name) \
	((*(void **)&la.field = dlsym(la.dl, name)) != NULL)

static int archive_load(void)
{
	if (la.dl)
		return 0;
	la.dl = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!la.dl) {
		log_err("cannot load libarchive: %s", dlerror());
		return -ENOSYS;
	}
	if (LA_SYM(read_new, "archive_read_new") &&
	    LA_SYM(support_format_zip, "archive_read_support_format_zip") &&
	    LA_SYM(open_memory, "archive_read_open_memory") &&
	    LA_SYM(next_header, "archive_read_next_header") &&
	    LA_SYM(read_data, "archive_read_data") &&
	    LA_SYM(read_free, "archive_read_free") &&
	    LA_SYM(pathname, "archive_entry_pathname") &&
	    LA_SYM(filetype, "archive_entry_filetype"))
		return 0;
	log_err("%s: a symbol is missing: %s", LIBARCHIVE_SONAME, dlerror());
	dlclose(la.dl);
	memset(&la, 0, sizeof(la));
	return -ENOSYS;
}

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
	while ((got = la.read_data(a, chunk, sizeof(chunk))) > 0) {
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

	while ((rc = la.next_header(a, &e)) == ARCHIVE_OK) {
		const char *path = la.pathname(e);

		if (la.filetype(e) != AE_IFREG || !path ||
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
	struct unzip_member *v;
	struct archive *a;
	size_t cnt = 0;
	int ret = archive_load();

	if (ret)
		return ret;
	v = xcalloc(MAX_ZIP_MEMBERS, sizeof(*v));
	a = la.read_new();
	ret = -EINVAL;
	if (!a)
		goto out;
	la.support_format_zip(a);
	if (la.open_memory(a, buf, len) != ARCHIVE_OK)
		goto out;
	ret = walk(a, suffixes, max, v, &cnt);
out:
	if (a)
		la.read_free(a);
	if (ret) {
		unzip_free(v, cnt);
		return ret;
	}
	*out = v;
	*n = cnt;
	return 0;
}
