// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for checksum.c: BSD and GNU style checksum files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"
#include "parse.h"
#include "util.h"
#include "xmalloc.h"

#define MD5_A	"7341919e986203f1487c9e46c2d69ddc"
#define MD5_B	"be7d9984d7c52432ee337624f654c8da"
#define SHA_A	"d91b88cf31ea7a29085a01b7d643ceeec1b44cec7c6d9e9b2c3c6c35aa2dd6d3"

/* Hex text to bytes, for expectations written in the test. */
static void unhex(const char *hex, struct checksum *out)
{
	size_t n = strlen(hex) / 2;

	memset(out, 0, sizeof(*out));
	out->kind = n == 16 ? DIGEST_MD5 : DIGEST_SHA256;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out->digest[i] = (uint8_t)v;
	}
}

static void expect_digest(const struct checksum *got, const char *hex)
{
	struct checksum want;

	unhex(hex, &want);
	assert_int_equal(got->kind, want.kind);
	assert_memory_equal(got->digest, want.digest, (size_t)want.kind);
}

static void test_good(void **state)
{
	static const struct {
		const char *in, *fname, *want;
	} cases[] = {
		/* BSD style, with and without final newline, CRLF */
		{ "MD5 (delegated-apnic-latest) = " MD5_A "\n",
		  "delegated-apnic-latest", MD5_A },
		{ "MD5 (delegated-apnic-latest) = " MD5_A,
		  "delegated-apnic-latest", MD5_A },
		{ "MD5 (delegated-apnic-latest) = " MD5_A "\r\n", NULL, MD5_A },
		{ "SHA256 (x.txt) = " SHA_A "\n", "x.txt", SHA_A },
		/* OpenSSL: no blank before '(' or '=', SHA2-256 */
		{ "MD5(x.txt)= " MD5_A "\n", "x.txt", MD5_A },
		{ "SHA2-256(x.txt)= " SHA_A "\n", "x.txt", SHA_A },
		/* upper-case hex */
		{ "MD5 (x) = 7341919E986203F1487C9E46C2D69DDC\n", "x", MD5_A },
		/* GNU style: text and binary mode, one blank, bare digest */
		{ MD5_A "  delegated-arin-extended-20140801\n",
		  "delegated-arin-extended-latest", MD5_A },
		{ MD5_A " *x.zone\n", "x.zone", MD5_A },
		{ MD5_A " x.zone\n", "x.zone", MD5_A },
		{ SHA_A "\n", NULL, SHA_A },
		{ SHA_A "  x\n", NULL, SHA_A },
		/* one digest naming another file: taken (ARIN's dated name) */
		{ "MD5 (delegated-ripencc-20140803) = " MD5_A "\n",
		  "delegated-ripencc-latest", MD5_A },
		/* several lines: matched by base name of fname */
		{ MD5_A "  cn.zone\n" MD5_B "  ru.zone\n",
		  "/var/cache/nftblock/ru.zone", MD5_B },
		{ MD5_A "  ipv4/cn.zone\n" MD5_B "  ipv4/ru.zone\n",
		  "ru.zone", MD5_B },
		{ "# comment\n\nMD5 (a) = " MD5_A "\nMD5 (b) = " MD5_B "\n",
		  "a", MD5_A },
		/* the same name listed twice with the same digest */
		{ MD5_A "  a\n" MD5_A "  a\n" MD5_B "  b\n", "a", MD5_A },
		/* GNU escaped name (leading backslash) */
		{ "\\" MD5_A "  a\\\\b\n" MD5_B "  c\n", "c", MD5_B },
		/* a name holding ") = " */
		{ "MD5 (odd) = name) = " MD5_A "\n", NULL, MD5_A },
	};
	struct checksum sum;
	char err[MAX_ERR_BYTES];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = parse_checksum(cases[i].in, strlen(cases[i].in),
					 cases[i].fname, &sum, err,
					 sizeof(err));

		if (ret)
			fail_msg("case %zu: %s", i, err);
		expect_digest(&sum, cases[i].want);
	}
}

static void test_bad(void **state)
{
	static const struct {
		const char *in, *fname, *err;
	} cases[] = {
		{ "", "x", "no checksum" },
		{ "# only a comment\n\n", "x", "no checksum" },
		{ "MD5 (x) = 7341919e98\n", "x", "bad digest" },
		/* MD5 label with a SHA-256 digest, and the reverse */
		{ "MD5 (x) = " SHA_A "\n", "x", "bad digest" },
		{ "SHA256 (x) = " MD5_A "\n", "x", "bad digest" },
		{ "SHA1 (x) = " MD5_A "\n", "x", "unsupported" },
		{ "MD5 (x) = " MD5_A "zz\n", "x", "bad digest" },
		{ "MD5 x = " MD5_A "\n", "x", "not a checksum line" },
		{ "MD5 () = " MD5_A "\n", "x", "not a checksum line" },
		/* SHA-1 length, 33 digits, glued name, no name after blanks */
		{ "da39a3ee5e6b4b0d3255bfef95601890afd80709  x\n", "x",
		  "bad digest" },
		{ MD5_A "a  x\n", "x", "bad digest" },
		{ MD5_A "x\n", "x", "not a checksum line" },
		{ MD5_A " *\n", "x", "not a checksum line" },
		{ "<html><body>404</body></html>\n", "x", "not a checksum" },
		/* several digests and nothing to choose by */
		{ MD5_A "  a\n" MD5_B "  b\n", NULL, "no file name" },
		{ MD5_A "  a\n" MD5_B "  b\n", "c", "no checksum for" },
		{ MD5_A "  a\n" MD5_B "  a\n", "a", "conflicting" },
		/* an error on a later line names it */
		{ MD5_A "  a\nbogus\n", "a", "line 2" },
	};
	struct checksum sum;
	char err[MAX_ERR_BYTES];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret;

		memset(&sum, 0xa5, sizeof(sum));
		ret = parse_checksum(cases[i].in, strlen(cases[i].in),
				     cases[i].fname, &sum, err, sizeof(err));
		if (ret != -EINVAL || !strstr(err, cases[i].err))
			fail_msg("case %zu: ret %d '%s', want '%s'", i, ret,
				 err, cases[i].err);
		/* nothing written on failure */
		for (size_t k = 0; k < sizeof(sum.digest); k++)
			assert_int_equal(sum.digest[k], 0xa5);
	}
	/* err may be NULL */
	assert_int_equal(parse_checksum("x", 1, NULL, &sum, NULL, 0), -EINVAL);
}

static void test_hostile(void **state)
{
	static const char nul[] = "MD5 (x) = " MD5_A "\0\n";
	size_t big = 1u << 20;
	char *buf = xmalloc(big + 64);
	struct checksum sum;
	char err[MAX_ERR_BYTES];

	(void)state;
	assert_int_equal(parse_checksum(nul, sizeof(nul) - 1, "x", &sum, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
	/* a 1 MiB line, and a file past the size cap */
	memset(buf, 'a', big);
	assert_int_equal(parse_checksum(buf, big - 1, "x", &sum, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line too long"));
	assert_int_equal(parse_checksum(buf, MAX_CHECKSUM_BYTES + 1, "x", &sum,
					err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "too large"));
	/* the quoted text is escaped: no raw control bytes */
	assert_int_equal(parse_checksum("\x1b[31mMD5\n", 9, "x", &sum, err,
					sizeof(err)), -EINVAL);
	assert_null(strchr(err, '\x1b'));
	free(buf);
}

/* The real published .md5 files of the 2014 registry files. */
static void test_real_md5(void **state)
{
	static const struct {
		const char *file, *fname, *want;
	} cases[] = {
		{ "delegated-apnic-20140804.md5", "delegated-apnic-latest",
		  "7341919e986203f1487c9e46c2d69ddc" },
		{ "delegated-lacnic-20140801.md5", "delegated-lacnic-latest",
		  "be7d9984d7c52432ee337624f654c8da" },
		/* no final newline in this one */
		{ "delegated-ripencc-20140803.md5", "delegated-ripencc-latest",
		  "438a155fb15eeb8c87516678f20ce9c9" },
	};
	struct checksum sum;
	char path[256], err[MAX_ERR_BYTES], *buf;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), FIXTURES "/rir/%s", cases[i].file);
		assert_int_equal(util_read_file(path, MAX_CHECKSUM_BYTES, true,
						&buf, &len), 0);
		if (parse_checksum(buf, len, cases[i].fname, &sum, err,
				   sizeof(err)))
			fail_msg("%s: %s", cases[i].file, err);
		expect_digest(&sum, cases[i].want);
		free(buf);
	}
}

/*
 * When the real data is there, the 2014 registry files hash to what their
 * .md5 files say (md5sum computes; parse_checksum reads both sides).
 */
static void test_real_data(void **state)
{
	static const char *const names[] = {
		"delegated-apnic-20140804", "delegated-lacnic-20140801",
		"delegated-ripencc-20140803",
	};
	const char *dir = getenv("NFTBLOCK_DATA");
	char path[512], cmd[1200], out[256], err[MAX_ERR_BYTES], *buf;
	struct checksum want, got;
	size_t len, checked = 0;

	(void)state;
	if (!dir)
		dir = "../shared/data";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		FILE *p;

		snprintf(path, sizeof(path), "%s/rir/%s.md5", dir, names[i]);
		if (access(path, R_OK))
			continue;
		assert_int_equal(util_read_file(path, MAX_CHECKSUM_BYTES, true,
						&buf, &len), 0);
		assert_int_equal(parse_checksum(buf, len, NULL, &want, err,
						sizeof(err)), 0);
		free(buf);
		snprintf(cmd, sizeof(cmd), "md5sum '%s/rir/%s'", dir, names[i]);
		p = popen(cmd, "r");
		if (!p)
			continue;
		if (!fgets(out, sizeof(out), p)) {
			pclose(p);
			continue;
		}
		pclose(p);
		/* md5sum prints GNU style, naming the dated file */
		assert_int_equal(parse_checksum(out, strlen(out), names[i], &got,
						err, sizeof(err)), 0);
		assert_memory_equal(&got, &want, sizeof(got));
		checked++;
	}
	if (!checked)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_real_md5),
		cmocka_unit_test(test_real_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
