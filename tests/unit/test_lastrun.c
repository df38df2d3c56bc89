// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lastrun.c - state-dir/last-run: round trip, the message kept to one
 * printable line, atomic replacement, and malformed files refused without
 * touching the caller's record.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "lastrun.h"

static char dir[64];

static int setup(void **ctx)
{
	(void)ctx;
	snprintf(dir, sizeof(dir), "/tmp/nbk-lastrun-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **ctx)
{
	char cmd[128];

	(void)ctx;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, LASTRUN_FILE);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_round_trip(void **ctx)
{
	struct lastrun w = { .time = 1795353104, .ok = true, .exit = 0,
			     .generation = 0xfbeedb3092c8a910u }, r;

	(void)ctx;
	strcpy(w.message, "fetched 3, unchanged 2; applied 12 ranges");
	assert_int_equal(lastrun_write(dir, &w), 0);
	memset(&r, 0x55, sizeof(r));
	assert_int_equal(lastrun_read(dir, &r), 0);
	assert_int_equal(r.time, w.time);
	assert_true(r.ok);
	assert_int_equal(r.exit, 0);
	assert_string_equal(r.message, w.message);
	assert_int_equal(r.generation, w.generation);
	assert_int_equal(r.success, w.time);	/* ok: success = time */

	w.ok = false;
	w.exit = 75;
	w.time += 3600;
	w.success = 1795353104;
	strcpy(w.message, "rir: refused");
	assert_int_equal(lastrun_write(dir, &w), 0);
	assert_int_equal(lastrun_read(dir, &r), 0);
	assert_false(r.ok);
	assert_int_equal(r.exit, 75);
	assert_int_equal(r.success, 1795353104);
	assert_int_equal(r.time, 1795353104 + 3600);
}

static void test_message_one_line(void **ctx)
{
	struct lastrun w = { .time = 1, .ok = false, .exit = 65 }, r;

	(void)ctx;
	strcpy(w.message, "line one\nresult=ok\r\x7f\tend");
	assert_int_equal(lastrun_write(dir, &w), 0);
	assert_int_equal(lastrun_read(dir, &r), 0);
	assert_false(r.ok);	/* the injected "result=ok" stays text */
	assert_string_equal(r.message, "line one?result=ok???end");
	/* a full-length message is kept whole, a longer file value cut */
	memset(w.message, 'm', sizeof(w.message) - 1);
	w.message[sizeof(w.message) - 1] = '\0';
	assert_int_equal(lastrun_write(dir, &w), 0);
	assert_int_equal(lastrun_read(dir, &r), 0);
	assert_int_equal(strlen(r.message), MAX_LASTRUN_MSG - 1);
}

static void test_atomic(void **ctx)
{
	struct lastrun w = { .time = 5, .ok = true };
	struct dirent *e;
	DIR *d;
	struct stat st;
	char path[128];
	int files = 0;

	(void)ctx;
	for (int i = 0; i < 3; i++)
		assert_int_equal(lastrun_write(dir, &w), 0);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' || strlen(e->d_name) > 2)
			files++;
	closedir(d);
	assert_int_equal(files, 1);	/* no temporary left behind */
	snprintf(path, sizeof(path), "%s/%s", dir, LASTRUN_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(lastrun_write("/nonexistent/nbk", &w), -ENOENT);
}

static void test_missing(void **ctx)
{
	struct lastrun r;

	(void)ctx;
	assert_int_equal(lastrun_read(dir, &r), -ENOENT);
}

static void test_lenient(void **ctx)
{
	struct lastrun r;

	(void)ctx;
	/* CRLF, blank lines, keys of a later version, minimal content */
	put("time=10\r\n\r\nresult=ok\r\nfuture-key=whatever\r\n");
	assert_int_equal(lastrun_read(dir, &r), 0);
	/* a hand-edited message with terminal escapes is read as text */
	put("time=1\nresult=ok\nmessage=a\x1b[2Jb\x7f\rc\n");
	assert_int_equal(lastrun_read(dir, &r), 0);
	assert_string_equal(r.message, "a?[2Jb??c");
	put("time=10\r\n\r\nresult=ok\r\nfuture-key=whatever\r\n");
	assert_int_equal(lastrun_read(dir, &r), 0);
	assert_int_equal(r.time, 10);
	assert_true(r.ok);
	assert_int_equal(r.success, 0);
	assert_string_equal(r.message, "");
}

static void test_malformed(void **ctx)
{
	static const char *const bad[] = {
		"",
		"time=1\n",				/* no result */
		"result=ok\n",				/* no time */
		"time=1\nresult=maybe\n",
		"time=1\nresult=OK\n",
		"time=-1\nresult=ok\n",
		"time=1x\nresult=ok\n",
		"time=\nresult=ok\n",
		"time=1\nresult=ok\nexit=256\n",
		"time=1\nresult=ok\ngeneration=18446744073709551616\n",
		"time=1\nresult=ok\njunk\n",
		"time=9223372036854775808\nresult=ok\n",
	};
	struct lastrun r;
	char *big;

	(void)ctx;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i]);
		memset(&r, 0x5a, sizeof(r));
		if (lastrun_read(dir, &r) != -EBADMSG)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(((unsigned char *)&r)[0], 0x5a);
	}
	big = malloc(MAX_LASTRUN_BYTES + 64);
	memset(big, 'x', MAX_LASTRUN_BYTES + 63);
	memcpy(big, "time=1\nresult=ok\nmessage=", 25);
	big[MAX_LASTRUN_BYTES + 63] = '\0';
	put(big);
	free(big);
	assert_int_equal(lastrun_read(dir, &r), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_message_one_line),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_malformed),
	};
	const struct CMUnitTest first[] = {
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(first, setup, teardown) |
	       cmocka_run_group_tests(tests, setup, teardown);
}
