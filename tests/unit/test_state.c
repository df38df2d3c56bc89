// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_state.c - the applied-generation record: round trip, atomic
 * replacement, and every kind of damage refused; the fingerprint.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "nft.h"
#include "state.h"

#include <zlib.h>

static char dir[64];

static int setup(void **ctx)
{
	(void)ctx;
	snprintf(dir, sizeof(dir), "/tmp/nbk-state-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **ctx)
{
	char path[128];

	(void)ctx;
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_LOCK);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void fill(struct state *st, uint64_t seed, size_t n)
{
	memset(st, 0, sizeof(*st));
	nft_gen_init(&st->gen);
	st->gen.dirs = NFT_DIR_IN | NFT_DIR_OUT;
	for (size_t i = 0; i < n; i++) {
		u128 lo4 = (u128)(i * 1024 + 16777216), lo6 = (u128)0x2a << 120 |
			   (u128)i << 64;

		rangeset_add(&st->gen.map[0], lo4, lo4 + 255,
			     CC_TAG('A' + (char)(test_rand(&seed) % 3), 'Z'));
		rangeset_add(&st->gen.map[1], lo6, lo6 + 65535, CC_TAG('C', 'N'));
	}
	rangeset_add(&st->gen.allow[0], 0x09090909, 0x09090909, 0);
	for (int f = 0; f < 2; f++) {
		rangeset_normalize(&st->gen.map[f]);
		rangeset_normalize(&st->gen.allow[f]);
	}
	st->fp = nft_gen_fingerprint(&st->gen) | 3;
	st->genid = 4711;
}

static void same(const struct rangeset *a, const struct rangeset *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_true(a->v[i].lo == b->v[i].lo);
		assert_true(a->v[i].hi == b->v[i].hi);
		assert_int_equal(a->v[i].tag, b->v[i].tag);
	}
}

static void test_roundtrip(void **ctx)
{
	struct state a, b;

	(void)ctx;
	fill(&a, 1, 1000);
	assert_int_equal(state_save(dir, &a), 0);
	assert_int_equal(state_load(dir, &b), 0);
	assert_int_equal(b.gen.dirs, a.gen.dirs);
	assert_true(b.fp == a.fp);
	assert_int_equal(b.genid, 4711);
	for (int f = 0; f < 2; f++) {
		same(&a.gen.map[f], &b.gen.map[f]);
		same(&a.gen.allow[f], &b.gen.allow[f]);
	}
	assert_true(nft_gen_fingerprint(&b.gen) == (a.fp & ~(uint64_t)7));
	state_free(&a);
	state_free(&b);
}

static void test_missing(void **ctx)
{
	struct state b;

	(void)ctx;
	assert_int_equal(state_remove(dir), 0);
	assert_int_equal(state_load(dir, &b), -ENOENT);
	state_free(&b);
}

/* Flip one byte anywhere, or cut the file: always refused. */
static void test_damage(void **ctx)
{
	char path[128];
	struct state a, b;
	struct stat sb;
	uint64_t seed = 7;

	(void)ctx;
	fill(&a, 2, 50);
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	for (int round = 0; round < 40; round++) {
		int fd;
		unsigned char c;
		off_t at;

		assert_int_equal(state_save(dir, &a), 0);
		assert_int_equal(stat(path, &sb), 0);
		fd = open(path, O_RDWR);
		assert_true(fd >= 0);
		at = (off_t)(test_rand(&seed) % (uint64_t)sb.st_size);
		if (round % 4 == 3) {
			assert_int_equal(ftruncate(fd, at), 0);
		} else {
			assert_int_equal(pread(fd, &c, 1, at), 1);
			c ^= (unsigned char)(1u << (round % 8));
			assert_int_equal(pwrite(fd, &c, 1, at), 1);
		}
		close(fd);
		assert_int_equal(state_load(dir, &b), -EBADMSG);
		assert_int_equal(b.gen.map[0].n, 0);
		state_free(&b);
	}
	state_free(&a);
}

static void test_symlink_refused(void **ctx)
{
	char path[128];
	struct state b;

	(void)ctx;
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	unlink(path);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_true(state_load(dir, &b) < 0);
	state_free(&b);
	unlink(path);
}

static void test_fingerprint(void **ctx)
{
	struct state a, b;

	(void)ctx;
	fill(&a, 3, 100);
	fill(&b, 3, 100);
	assert_true(nft_gen_fingerprint(&a.gen) == nft_gen_fingerprint(&b.gen));
	b.gen.map[0].v[5].hi++;
	assert_true(nft_gen_fingerprint(&a.gen) != nft_gen_fingerprint(&b.gen));
	b.gen.map[0].v[5].hi--;
	b.gen.dirs = NFT_DIR_FWD;
	assert_true(nft_gen_fingerprint(&a.gen) != nft_gen_fingerprint(&b.gen));
	assert_int_equal(nft_gen_fingerprint(&a.gen) & 7, 0);
	state_free(&a);
	state_free(&b);
}

/* state_encode/state_decode without files: the same round trip, and a
 * reserved word that is not 0 is refused even with a good checksum. */
static void test_encode_decode(void **ctx)
{
	struct state a, b;
	uint8_t *buf;
	size_t len;
	uint32_t crc;

	(void)ctx;
	fill(&a, 4, 300);
	state_encode(&a, &buf, &len);
	assert_int_equal(state_decode(buf, len, &b), 0);
	assert_true(b.fp == a.fp);
	for (int f = 0; f < 2; f++) {
		same(&a.gen.map[f], &b.gen.map[f]);
		same(&a.gen.allow[f], &b.gen.allow[f]);
	}
	state_free(&b);
	buf[28] = 1;	/* the reserved u32 after genid */
	crc = (uint32_t)crc32(0, buf, (uInt)(len - 4));
	for (int i = 0; i < 4; i++)
		buf[len - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
	assert_int_equal(state_decode(buf, len, &b), -EBADMSG);
	assert_int_equal(b.gen.map[0].n, 0);
	state_free(&b);
	free(buf);
	state_free(&a);
}

/* state_lock excludes a second holder until its fd is closed. */
static void test_lock(void **ctx)
{
	char path[128];
	int fd, other;

	(void)ctx;
	fd = state_lock(dir);
	assert_true(fd >= 0);
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_LOCK);
	other = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	close(fd);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_lock),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
