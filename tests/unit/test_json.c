// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_json.c - the JSON writer: RFC 8259 string escaping (quotes,
 * backslash, every control character, ill-formed UTF-8 replaced by
 * U+FFFD), commas and nesting.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "json.h"

/* Escape s[0..len) and compare with want. */
static void check_escape(const char *s, size_t len, const char *want)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);

	assert_non_null(f);
	json_escape(f, s, len);
	assert_int_equal(fclose(f), 0);
	if (strcmp(p, want))
		fail_msg("escape: got %s, want %s", p, want);
	free(p);
}

#define ESC(lit, want) check_escape(lit, sizeof(lit) - 1, want)

static void test_escape_ascii(void **ctx)
{
	(void)ctx;
	ESC("", "\"\"");
	ESC("plain text/with slash", "\"plain text/with slash\"");
	ESC("a\"b\\c", "\"a\\\"b\\\\c\"");
	ESC("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	ESC("\x01\x1f", "\"\\u0001\\u001f\"");
	ESC("\x00x", "\"\\u0000x\"");		/* an embedded NUL */
	ESC("\x7f~", "\"\x7f~\"");		/* DEL needs no escape */
}

static void test_escape_every_control(void **ctx)
{
	char s[1], want[16];

	(void)ctx;
	for (int c = 0; c < 0x20; c++) {
		s[0] = (char)c;
		switch (c) {
		case '\b': strcpy(want, "\"\\b\""); break;
		case '\f': strcpy(want, "\"\\f\""); break;
		case '\n': strcpy(want, "\"\\n\""); break;
		case '\r': strcpy(want, "\"\\r\""); break;
		case '\t': strcpy(want, "\"\\t\""); break;
		default: snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		}
		check_escape(s, 1, want);
	}
}

static void test_escape_utf8(void **ctx)
{
	(void)ctx;
	ESC("Z\xc3\xbcrich", "\"Z\xc3\xbcrich\"");		/* U+00FC */
	ESC("\xe2\x82\xac", "\"\xe2\x82\xac\"");		/* U+20AC */
	ESC("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");	/* U+1F600 */
	ESC("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");		/* U+FFFF */
	ESC("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	/* ill-formed: one U+FFFD per byte that starts no valid sequence */
	ESC("\xc3", "\"\\ufffd\"");				/* truncated */
	ESC("\xc3(", "\"\\ufffd(\"");
	ESC("\xc0\xaf", "\"\\ufffd\\ufffd\"");			/* overlong '/' */
	ESC("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	ESC("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	ESC("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	ESC("\xff\xfe", "\"\\ufffd\\ufffd\"");
	ESC("\x80", "\"\\ufffd\"");				/* lone continuation */
	ESC("\xe2\x82", "\"\\ufffd\\ufffd\"");			/* cut at the end */
}

/* Random bytes: the output never holds a raw control byte or a byte that
 * is not part of well-formed UTF-8, and starts and ends with a quote. */
static void test_escape_random(void **ctx)
{
	uint64_t seed = 0x9e3779b97f4a7c15u;
	unsigned char s[64];

	(void)ctx;
	for (int round = 0; round < 2000; round++) {
		size_t n = test_rand(&seed) % sizeof(s), len = 0;
		char *p = NULL;
		FILE *f;

		for (size_t i = 0; i < n; i++)
			s[i] = (unsigned char)test_rand(&seed);
		f = open_memstream(&p, &len);
		json_escape(f, (const char *)s, n);
		fclose(f);
		assert_true(len >= 2 && p[0] == '"' && p[len - 1] == '"');
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)p[i];

			assert_true(c >= 0x20);
			if (c == '"')
				assert_true(i == 0 || i == len - 1 ||
					    p[i - 1] == '\\');
			/* only bytes copied from valid sequences are > 0x7f:
			 * each lead byte is followed by continuations */
			if (c >= 0xc2 && c <= 0xf4)
				assert_true(i + 1 < len &&
					    ((unsigned char)p[i + 1] & 0xc0) == 0x80);
		}
		free(p);
	}
}

static void test_document(void **ctx)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);
	struct json j;

	(void)ctx;
	json_init(&j, f);
	json_obj_begin(&j, NULL);
	json_str(&j, "name", "cc_CN");
	json_str(&j, "none", NULL);
	json_u64(&j, "big", UINT64_MAX);
	json_i64(&j, "neg", -5);
	json_bool(&j, "t", true);
	json_arr_begin(&j, "list");
	json_u64(&j, NULL, 1);
	json_obj_begin(&j, NULL);
	json_null(&j, "k\"ey");
	json_obj_end(&j);
	json_arr_begin(&j, NULL);
	json_arr_end(&j);
	json_arr_end(&j);
	json_obj_begin(&j, "empty");
	json_obj_end(&j);
	json_obj_end(&j);
	assert_int_equal(json_end(&j), 0);
	fclose(f);
	assert_string_equal(p, "{\"name\":\"cc_CN\",\"none\":null,"
			    "\"big\":18446744073709551615,\"neg\":-5,"
			    "\"t\":true,\"list\":[1,{\"k\\\"ey\":null},[]],"
			    "\"empty\":{}}\n");
	assert_false(j.overflow);
	free(p);
}

static void test_depth_overflow(void **ctx)
{
	FILE *f = fopen("/dev/null", "w");
	struct json j;

	(void)ctx;
	json_init(&j, f);
	for (unsigned i = 0; i < MAX_JSON_DEPTH; i++)
		json_arr_begin(&j, NULL);
	assert_false(j.overflow);
	json_arr_begin(&j, NULL);
	assert_true(j.overflow);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_ascii),
		cmocka_unit_test(test_escape_every_control),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_escape_random),
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_depth_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
