// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "xmalloc.h"

int util_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	u128 v;
	int ret = util_parse_u128(s, len, max, &v);

	if (!ret)
		*out = (uint64_t)v;
	return ret;
}

int util_parse_u128(const char *s, size_t len, u128 max, u128 *out)
{
	u128 v = 0;
	size_t i;

	if (len == 0 || len > 48)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return -EINVAL;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return -ERANGE;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int read_fd(int fd, size_t max, char **buf, size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	char *p;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
		return -EINVAL;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return -EFBIG;
	/* +2: room for the NUL and one byte to see a file that grew */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 65536;
	p = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap)
			p = xgrow(p, &cap, cap + 1, 1);
		r = read(fd, p + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(p);
			return (int)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			free(p);
			return -EFBIG;
		}
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int util_read_file(const char *path, size_t max, bool follow, char **buf,
		   size_t *len)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return -errno;
	ret = read_fd(fd, max, buf, len);
	close(fd);
	return ret;
}

const char *util_next_line(const char *buf, size_t len, size_t *pos,
			   size_t *linelen)
{
	const char *s, *nl;
	size_t n;

	if (*pos >= len)
		return NULL;
	s = buf + *pos;
	nl = memchr(s, '\n', len - *pos);
	n = nl ? (size_t)(nl - s) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n && s[n - 1] == '\r')
		n--;
	*linelen = n;
	return s;
}

const char *util_trim(const char *s, size_t *len)
{
	size_t n = *len;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

bool util_eq(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

bool util_eq_nocase(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

int util_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)	/* 0 for a non-empty write: never loop */
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int util_tmp_open(const char *dir, const char *name, char tmp[PATH_MAX])
{
	int fd;

	if ((size_t)snprintf(tmp, PATH_MAX, "%s/.%s.XXXXXX", dir, name) >=
	    PATH_MAX)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int util_tmp_commit(int fd, const char *tmp, const char *dir,
		    const char *name, mode_t mode, int ret)
{
	char dst[PATH_MAX];

	if (!ret && (size_t)snprintf(dst, sizeof(dst), "%s/%s", dir, name) >=
	    sizeof(dst))
		ret = -ENAMETOOLONG;
	if (!ret && fchmod(fd, mode))
		ret = -errno;
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, dst))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	/* make the rename itself durable */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

int util_write_file_atomic(const char *dir, const char *name, const void *buf,
			   size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	int fd = util_tmp_open(dir, name, tmp);

	if (fd < 0)
		return fd;
	return util_tmp_commit(fd, tmp, dir, name, mode,
			       util_write_all(fd, buf, len));
}

int util_lock(const char *dir, const char *name, bool wait, mode_t mode)
{
	char path[PATH_MAX];
	int fd, ret;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) {
		if (errno == EINTR)
			continue;
		ret = errno == EWOULDBLOCK ? -EAGAIN : -errno;
		close(fd);
		return ret;
	}
	return fd;
}
