// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - run a fuzz target over every file of a corpus directory (or the
 * files named), without libFuzzer.  "make check" uses it so that CI exercises
 * every target on its corpus and the fixtures.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, size_t *count)
{
	char *buf;
	size_t len;

	if (util_read_file(path, 64u << 20, true, &buf, &len))
		return -1;
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	(*count)++;
	return 0;
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char p[4096];

	if (stat(path, &st))
		return -1;
	if (!S_ISDIR(st.st_mode))
		return run_file(path, count);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		if (run_path(p, count)) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	size_t count = 0;

	for (int i = 1; i < argc; i++) {
		if (run_path(argv[i], &count)) {
			fprintf(stderr, "replay: cannot read %s\n", argv[i]);
			return 1;
		}
	}
	printf("replayed %zu inputs\n", count);
	return count ? 0 : 1;
}
