// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for util.c, log.c and gz.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "testutil.h"
#include "gz.h"
#include "log.h"
#include "util.h"
#include "xmalloc.h"

static void test_parse_u64(void **state)
{
	static const struct {
		const char *s;
		uint64_t max;
		int ret;
		uint64_t v;
	} cases[] = {
		{ "0", 10, 0, 0 }, { "00000", 10, 0, 0 }, { "10", 10, 0, 10 },
		{ "11", 10, -ERANGE, 0 }, { "", 10, -EINVAL, 0 },
		{ "-1", 10, -EINVAL, 0 }, { "+1", 10, -EINVAL, 0 },
		{ " 1", 10, -EINVAL, 0 }, { "1 ", 10, -EINVAL, 0 },
		{ "0x10", 99, -EINVAL, 0 },
		{ "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", UINT64_MAX, -ERANGE, 0 },
		{ "4294967296", UINT32_MAX, -ERANGE, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint64_t v = 12345;
		int ret = util_parse_u64(cases[i].s, strlen(cases[i].s),
					 cases[i].max, &v);

		if (ret != cases[i].ret)
			fail_msg("'%s': %d", cases[i].s, ret);
		assert_true(v == (ret ? 12345 : cases[i].v));
	}
}

static void test_parse_u128(void **state)
{
	const char *max = "340282366920938463463374607431768211455";
	const char *over = "340282366920938463463374607431768211456";
	u128 v;

	(void)state;
	assert_int_equal(util_parse_u128(max, strlen(max), ~(u128)0, &v), 0);
	assert_true(v == ~(u128)0);
	assert_int_equal(util_parse_u128(over, strlen(over), ~(u128)0, &v),
			 -ERANGE);
	assert_int_equal(util_parse_u128("1a", 2, ~(u128)0, &v), -EINVAL);
}

static void test_lines_trim(void **state)
{
	const char *buf = "a\r\n\nbb\ncc";
	size_t pos = 0, n;
	const char *l;

	(void)state;
	l = util_next_line(buf, strlen(buf), &pos, &n);
	assert_true(n == 1 && l[0] == 'a');
	l = util_next_line(buf, strlen(buf), &pos, &n);
	assert_int_equal(n, 0);
	l = util_next_line(buf, strlen(buf), &pos, &n);
	assert_true(n == 2 && !memcmp(l, "bb", 2));
	l = util_next_line(buf, strlen(buf), &pos, &n);
	assert_true(n == 2 && !memcmp(l, "cc", 2));
	assert_null(util_next_line(buf, strlen(buf), &pos, &n));
	n = 6;
	l = util_trim(" \tx y\t", &n);
	assert_true(n == 3 && !memcmp(l, "x y", 3));
	assert_true(util_eq("abc", 3, "abc"));
	assert_false(util_eq("abc", 2, "abc"));
	assert_true(util_eq_nocase("ABC", 3, "abc"));
}

static void test_read_file(void **state)
{
	char dir[] = "/tmp/nftblock-test-XXXXXX", path[128], link[128];
	char *buf;
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	f = fopen(path, "w");
	fputs("0123456789", f);
	fclose(f);
	assert_int_equal(util_read_file(path, 10, false, &buf, &len), 0);
	assert_int_equal(len, 10);
	assert_int_equal(buf[10], '\0');
	free(buf);
	assert_int_equal(util_read_file(path, 9, false, &buf, &len), -EFBIG);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(util_read_file(link, 100, false, &buf, &len), -ELOOP);
	assert_int_equal(util_read_file(link, 100, true, &buf, &len), 0);
	free(buf);
	assert_int_equal(util_read_file(dir, 100, true, &buf, &len), -EINVAL);
	assert_int_equal(util_read_file("/nonexistent/x", 100, true, &buf,
					&len), -ENOENT);
	unlink(link);
	unlink(path);
	rmdir(dir);
}

static void test_escape(void **state)
{
	char out[256];

	(void)state;
	assert_string_equal(log_escape("a\nb\\", 4, out, sizeof(out)),
			    "a\\x0ab\\x5c");
	memset(out, 'x', sizeof(out));
	log_escape("0123456789012345678901234567890123456789012345678901234567"
		   "89", 60, out, sizeof(out));
	assert_int_equal(strlen(out), MAX_QUOTED_BYTES + 3);
	assert_string_equal(out + MAX_QUOTED_BYTES, "...");
}

/* gzip-compress src with zlib (the test's own encoder). */
static size_t gzip(const char *src, size_t n, char *dst, size_t cap)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)src;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)dst;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	n = zs.total_out;
	deflateEnd(&zs);
	return n;
}

static void test_gz(void **state)
{
	size_t big = 4u << 20, zn, n;
	char *src = xcalloc(1, big), *z = xmalloc(big), *out;

	(void)state;
	memcpy(src, "1.2.3.0/24\n", 11);
	zn = gzip(src, big, z, big);
	assert_true(gz_is_gzip(z, zn));
	assert_false(gz_is_gzip(src, big));
	assert_int_equal(gz_inflate(z, zn, big, &out, &n), 0);
	assert_int_equal(n, big);
	assert_memory_equal(out, src, big);
	free(out);
	/* a bomb: 4 MiB of zeros refused under a 1 MiB cap */
	assert_int_equal(gz_inflate(z, zn, 1u << 20, &out, &n), -EFBIG);
	/* truncated stream */
	assert_int_equal(gz_inflate(z, zn / 2, big, &out, &n), -EINVAL);
	/* trailing garbage */
	z[zn] = 'x';
	assert_int_equal(gz_inflate(z, zn + 1, big, &out, &n), -EINVAL);
	/* corrupt data */
	z[zn / 2] ^= 0x55;
	assert_int_not_equal(gz_inflate(z, zn, big, &out, &n), 0);
	free(src);
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_u128),
		cmocka_unit_test(test_lines_trim),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_gz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
