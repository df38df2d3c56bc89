// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * genstore.c - stored generations (see genstore.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "genstore.h"
#include "state.h"
#include "util.h"

#define CURRENT_FILE	"current"
#define MAX_CURRENT_BYTES	64u	/* "12345678\n" */

static int gen_dir(const char *state_dir, char *buf, size_t n)
{
	if ((size_t)snprintf(buf, n, "%s/%s", state_dir, GENSTORE_DIR) >= n)
		return -ENAMETOOLONG;
	return 0;
}

static void gen_name(uint32_t id, char buf[32])
{
	snprintf(buf, 32, "%08u.gen", id);
}

/* "NNNNNNNN.gen" -> id; other names (temporary files) are skipped. */
static bool parse_name(const char *name, uint32_t *id)
{
	uint64_t v;

	if (strlen(name) != 12 || strcmp(name + 8, ".gen") ||
	    util_parse_u64(name, 8, MAX_GENERATION_ID, &v) || !v)
		return false;
	*id = (uint32_t)v;
	return true;
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* All ids (sorted) into a growing array; bounded by MAX_CONF_FILES. */
static int list_all(const char *state_dir, uint32_t *ids, size_t cap)
{
	char dir[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	int ret = gen_dir(state_dir, dir, sizeof(dir));

	if (ret)
		return ret;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) != NULL && n < cap)
		if (parse_name(de->d_name, &ids[n]))
			n++;
	closedir(d);
	qsort(ids, n, sizeof(*ids), id_cmp);
	return (int)n;
}

int genstore_list(const char *state_dir, uint32_t *ids)
{
	uint32_t all[MAX_GENERATIONS * 4];
	int n = list_all(state_dir, all, sizeof(all) / sizeof(all[0]));
	size_t skip;

	if (n < 0)
		return n;
	skip = (size_t)n > MAX_GENERATIONS ? (size_t)n - MAX_GENERATIONS : 0;
	memcpy(ids, all + skip, ((size_t)n - skip) * sizeof(*ids));
	return (int)((size_t)n - skip);
}

int genstore_load(const char *state_dir, uint32_t id, struct nft_gen *g)
{
	char dir[PATH_MAX], name[32];
	struct state st;
	int ret = gen_dir(state_dir, dir, sizeof(dir));

	if (ret)
		return ret;
	gen_name(id, name);
	ret = state_load_from(dir, name, &st);
	if (ret) {
		state_free(&st);
		return ret;
	}
	*g = st.gen;
	return 0;
}

int genstore_current(const char *state_dir, uint32_t *id)
{
	uint32_t ids[MAX_GENERATIONS];
	char path[PATH_MAX], *buf;
	size_t len, tl;
	const char *t;
	uint64_t v;
	int n;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", state_dir,
			     GENSTORE_DIR, CURRENT_FILE) >= sizeof(path))
		return -ENAMETOOLONG;
	if (!util_read_file(path, MAX_CURRENT_BYTES, false, &buf, &len)) {
		tl = strcspn(buf, "\n");
		t = util_trim(buf, &tl);
		n = util_parse_u64(t, tl, MAX_GENERATION_ID, &v);
		free(buf);
		if (!n && v) {
			*id = (uint32_t)v;
			return 0;
		}
	}
	n = genstore_list(state_dir, ids);
	if (n <= 0)
		return n ? n : -ENOENT;
	*id = ids[n - 1];
	return 0;
}

int genstore_set_current(const char *state_dir, uint32_t id)
{
	char dir[PATH_MAX], text[32];
	int ret = gen_dir(state_dir, dir, sizeof(dir));

	if (ret)
		return ret;
	snprintf(text, sizeof(text), "%u\n", id);
	return util_write_file_atomic(dir, CURRENT_FILE, text, strlen(text),
				      0600);
}

/* Remove the oldest generations beyond MAX_GENERATIONS, sparing keep. */
static void prune(const char *state_dir, const char *dir, uint32_t keep)
{
	uint32_t all[MAX_GENERATIONS * 4];
	char path[PATH_MAX], name[32];
	int n = list_all(state_dir, all, sizeof(all) / sizeof(all[0]));

	for (int i = 0; n > (int)MAX_GENERATIONS && i < n - (int)MAX_GENERATIONS;
	     i++) {
		if (all[i] == keep)
			continue;
		gen_name(all[i], name);
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) <
		    sizeof(path))
			unlink(path);
	}
}

/* Store the encoded generation buf[0..len) as the newest, make it current
 * and prune. */
static int save_bytes(const char *state_dir, const uint8_t *buf, size_t len,
		      uint32_t *id)
{
	uint32_t ids[MAX_GENERATIONS], cur = 0, next;
	char dir[PATH_MAX], name[32];
	int n, ret = gen_dir(state_dir, dir, sizeof(dir));

	if (ret)
		return ret;
	if (mkdir(state_dir, 0700) && errno != EEXIST)
		return -errno;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	n = genstore_list(state_dir, ids);
	if (n < 0)
		return n;
	next = n ? ids[n - 1] + 1 : 1;
	if (next > MAX_GENERATION_ID)
		return -EOVERFLOW;
	gen_name(next, name);
	ret = util_write_file_atomic(dir, name, buf, len, 0600);
	if (!ret)
		ret = genstore_set_current(state_dir, next);
	if (ret)
		return ret;
	genstore_current(state_dir, &cur);
	prune(state_dir, dir, cur);
	*id = next;
	return 0;
}

int genstore_save(const char *state_dir, const struct nft_gen *g,
		  uint32_t *id)
{
	struct state st = { .gen = *g };
	uint8_t *buf;
	size_t len;
	int ret;

	state_encode(&st, &buf, &len);
	ret = save_bytes(state_dir, buf, len, id);
	free(buf);
	return ret;
}

/* Does generation id hold exactly the bytes buf[0..len)?  A size check
 * first; no decoding (a world generation decodes into ~10 MB). */
static bool same_bytes(const char *state_dir, uint32_t id, const uint8_t *buf,
		       size_t len)
{
	char path[PATH_MAX], name[32], *old;
	size_t olen;
	struct stat sb;
	bool same;

	gen_name(id, name);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", state_dir,
			     GENSTORE_DIR, name) >= sizeof(path) ||
	    lstat(path, &sb) || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size != len ||
	    util_read_file(path, MAX_STATE_BYTES, false, &old, &olen))
		return false;
	same = olen == len && !memcmp(old, buf, len);
	free(old);
	return same;
}

int genstore_save_new(const char *state_dir, const struct nft_gen *g,
		      uint32_t *id)
{
	struct state st = { .gen = *g };
	uint32_t cur;
	uint8_t *buf;
	size_t len;
	int ret;

	state_encode(&st, &buf, &len);
	if (!genstore_current(state_dir, &cur) &&
	    same_bytes(state_dir, cur, buf, len)) {
		*id = cur;
		ret = 0;
	} else {
		ret = save_bytes(state_dir, buf, len, id);
	}
	free(buf);
	return ret;
}
