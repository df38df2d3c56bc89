// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_state.c - the applied-generation record: round trip, atomic
 * replacement, and every kind of damage refused; the fingerprint.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "testutil.h"
#include "nft.h"
#include "state.h"
#include "util.h"

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
	/* the policy: allow-list ranges, deny addresses, ports, log */
	st->gen.permit_dirs = NFT_DIR_IN | NFT_DIR_FWD;
	rangeset_add(&st->gen.permit[0], 0x05000000, 0x05ffffff, CC_TAG('D', 'E'));
	rangeset_add(&st->gen.permit[0], 0x05000000, 0x0500ffff, CC_TAG('A', 'T'));
	rangeset_add(&st->gen.permit[1], (u128)0x2a01 << 112,
		     ((u128)0x2a01 << 112) + 0xffff, CC_TAG('D', 'E'));
	rangeset_add(&st->gen.deny[1], 1, 1, 0);
	st->gen.ports[0] = (struct nft_port){ 6, 80, 80 };
	st->gen.ports[1] = (struct nft_port){ 17, 60000, 61000 };
	st->gen.nports = 2;
	st->gen.log = (struct nft_log){ true, "nbk: ", 10, 60, 5, 4 };
	st->gen.early = true;
	for (int f = 0; f < 2; f++) {
		rangeset_normalize(&st->gen.map[f]);
		rangeset_normalize(&st->gen.allow[f]);
		rangeset_normalize(&st->gen.permit[f]);
		rangeset_normalize(&st->gen.deny[f]);
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
		same(&a.gen.permit[f], &b.gen.permit[f]);
		same(&a.gen.deny[f], &b.gen.deny[f]);
	}
	assert_int_equal(b.gen.permit[0].n, 2);	/* overlaps across tags kept */
	assert_int_equal(b.gen.permit_dirs, NFT_DIR_IN | NFT_DIR_FWD);
	assert_int_equal(b.gen.nports, 2);
	assert_int_equal(b.gen.ports[1].proto, 17);
	assert_int_equal(b.gen.ports[1].lo, 60000);
	assert_int_equal(b.gen.ports[1].hi, 61000);
	assert_true(b.gen.log.on);
	assert_string_equal(b.gen.log.prefix, "nbk: ");
	assert_int_equal(b.gen.log.rate, 10);
	assert_int_equal(b.gen.log.per, 60);
	assert_int_equal(b.gen.log.burst, 5);
	assert_int_equal(b.gen.log.level, 4);
	assert_true(b.gen.early);
	assert_true(nft_gen_same_policy(&a.gen, &b.gen));
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

/* Rewrite the file's 32-bit word at off and fix the CRC: only the
 * decoder's own checks can refuse it. */
static void patch_u32(size_t off, uint32_t v)
{
	char path[128];
	unsigned char buf[4096];
	uint32_t crc;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	n = pread(fd, buf, sizeof(buf), 0);
	assert_true(n > (ssize_t)(off + 8) && n < (ssize_t)sizeof(buf));
	for (int i = 0; i < 4; i++)
		buf[off + (size_t)i] = (unsigned char)(v >> (8 * i));
	crc = (uint32_t)crc32(0, buf, (uInt)(n - 4));
	for (int i = 0; i < 4; i++)
		buf[n - 4 + i] = (unsigned char)(crc >> (8 * i));
	assert_int_equal(pwrite(fd, buf, (size_t)n, 0), n);
	close(fd);
}

/* Bad policy values under a good checksum, and the old version 1. */
static void test_policy_refused(void **ctx)
{
	/* header: magic 8, version 4, dirs 4, fp 8, genid 4, permit_dirs 4,
	 * 8 counts of 8; then flags, nports, ports (proto, lo, hi) */
	static const struct { size_t off; uint32_t v; } bad[] = {
		{ 8, 1 },		/* version 1: before the policy */
		{ 28, 8 },		/* permit_dirs beyond all */
		{ 96, 4 },		/* unknown flag */
		{ 100, MAX_CONF_PORTS + 1 },	/* too many ports */
		{ 100, 3 },		/* more ports than written */
		{ 104, 1 },		/* protocol ICMP */
		{ 108, 0 },		/* port 0 */
		{ 112, 79 },		/* hi < lo */
		{ 128, 0 },		/* log rate 0 with logging on */
		{ 140, 8 },		/* log level 8 */
		{ 144, MAX_LOG_PREFIX_BYTES + 1 },	/* prefix too long */
		{ 148, '"' },		/* a quote in the prefix */
	};
	struct state a, b;

	(void)ctx;
	fill(&a, 5, 20);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(state_save(dir, &a), 0);
		assert_int_equal(state_load(dir, &b), 0);
		state_free(&b);
		patch_u32(bad[i].off, bad[i].v);
		assert_int_equal(state_load(dir, &b), -EBADMSG);
		assert_int_equal(b.gen.nports, 0);
		state_free(&b);
	}
	state_free(&a);
}

/* Every policy field changes the fingerprint and the policy; element
 * changes of the policy sets change the fingerprint only. */
static void test_policy_fingerprint(void **ctx)
{
	struct state a, b;
	uint64_t fa;

	(void)ctx;
	fill(&a, 6, 30);
	fa = nft_gen_fingerprint(&a.gen);
	for (int field = 0; field < 9; field++) {
		bool policy = true;

		fill(&b, 6, 30);
		switch (field) {
		case 0: b.gen.permit_dirs = NFT_DIR_OUT; break;
		case 1: b.gen.ports[1].hi++; break;
		case 2: b.gen.nports = 1; break;
		case 3: b.gen.log.prefix[0] = 'x'; break;
		case 4: b.gen.log.on = false; break;
		case 5: b.gen.early = false; break;
		case 6: rangeset_clear(&b.gen.permit[1]); break;
		case 7: b.gen.permit[0].v[0].hi--; policy = false; break;
		case 8: b.gen.deny[1].v[0].hi++; policy = false; break;
		}
		assert_true(nft_gen_fingerprint(&b.gen) != fa);
		assert_int_equal(nft_gen_same_policy(&a.gen, &b.gen), !policy);
		state_free(&b);
	}
	/* with logging off its settings do not matter */
	fill(&b, 6, 30);
	a.gen.log.on = b.gen.log.on = false;
	b.gen.log.rate = 99;
	assert_true(nft_gen_same_policy(&a.gen, &b.gen));
	state_free(&a);
	state_free(&b);
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
 * permit_dirs outside the direction bits is refused even with a good checksum. */
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
	buf[28] = 8;	/* permit_dirs (after genid) beyond the direction bits */
	crc = (uint32_t)crc32(0, buf, (uInt)(len - 4));
	for (int i = 0; i < 4; i++)
		buf[len - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
	assert_int_equal(state_decode(buf, len, &b), -EBADMSG);
	assert_int_equal(b.gen.map[0].n, 0);
	state_free(&b);
	free(buf);
	state_free(&a);
}

/* Files in dir other than the lock: the state file and temporaries. */
static int dir_files(void)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, STATE_LOCK))
			n++;
	closedir(d);
	return n;
}

/*
 * The two-phase save gives the very bytes of state_encode() once fp and
 * genid are put in (a world-sized set crosses many stream buffers and
 * chunk boundaries); cancel leaves the old file and no temporary; a
 * failed start (directory not writable) leaves nothing to finish.
 */
static void test_save_two_phase(void **ctx)
{
	struct state a, b, old;
	struct state_save *s;
	uint8_t *buf;
	char *disk;
	size_t len, dlen;
	char path[128];

	(void)ctx;
	fill(&a, 7, 70000);
	fill(&old, 8, 10);
	assert_int_equal(state_save(dir, &old), 0);
	assert_int_equal(state_save_start(dir, &a.gen, &s), 0);
	assert_int_equal(state_save_finish(s, a.fp, a.genid), 0);
	state_encode(&a, &buf, &len);
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	assert_int_equal(util_read_file(path, MAX_STATE_BYTES, false, &disk, &dlen),
			 0);
	assert_int_equal(dlen, len);
	assert_memory_equal(disk, buf, len);
	free(disk);
	assert_int_equal(state_load(dir, &b), 0);
	assert_true(b.fp == a.fp);
	assert_int_equal(b.genid, a.genid);
	same(&a.gen.map[0], &b.gen.map[0]);
	same(&a.gen.map[1], &b.gen.map[1]);
	state_free(&b);
	assert_int_equal(dir_files(), 1);
	/* a large file is decoded by two threads: damage in the part of
	 * either, or in the CRC, is refused */
	for (size_t off = 200; off < len; off += len / 3) {
		buf[off] ^= 0x40;
		assert_int_equal(state_decode(buf, len, &b), -EBADMSG);
		assert_int_equal(b.gen.map[1].n, 0);
		state_free(&b);
		buf[off] ^= 0x40;
	}
	buf[len - 1] ^= 1;
	assert_int_equal(state_decode(buf, len, &b), -EBADMSG);
	state_free(&b);
	buf[len - 1] ^= 1;
	assert_int_equal(state_decode(buf, len, &b), 0);
	state_free(&b);
	free(buf);

	/* cancelled: the file written before stays, no temporary */
	assert_int_equal(state_save(dir, &old), 0);
	assert_int_equal(state_save_start(dir, &a.gen, &s), 0);
	state_save_cancel(s);
	state_save_cancel(NULL);
	assert_int_equal(state_load(dir, &b), 0);
	assert_int_equal(b.genid, old.genid);
	same(&old.gen.map[0], &b.gen.map[0]);
	state_free(&b);
	assert_int_equal(dir_files(), 1);

	if (geteuid() != 0) {	/* root writes anywhere */
		assert_int_equal(chmod(dir, 0500), 0);
		assert_int_equal(state_save_start(dir, &a.gen, &s), -EACCES);
		assert_int_equal(chmod(dir, 0700), 0);
	}
	state_free(&a);
	state_free(&old);
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
		cmocka_unit_test(test_policy_refused),
		cmocka_unit_test(test_policy_fingerprint),
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_save_two_phase),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
