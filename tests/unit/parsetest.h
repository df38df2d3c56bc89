/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parsetest.h - table-driven parser tests: run a parser over a buffer and
 * compare its output, written as text, or its error with what the table says.
 */
#ifndef NFTBLOCK_PARSETEST_H
#define NFTBLOCK_PARSETEST_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "parse.h"
#include "util.h"

/* case tables leave the fields they do not need out */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct pcase {
	const char *name;
	const char *in;
	const char *out;	/* "lo-hi CC;..." (IPv4 first), or NULL: error */
	const char *err;	/* substring of ctx.err when out is NULL */
	size_t line;		/* ctx.err_line expected on error */
	size_t skipped;		/* records skipped, checked on success */
};

/* Write every range of ctx as "lo-hi CC;" into buf, IPv4 first, in the
 * order the parser appended them. */
static inline void pt_dump(const struct parse_ctx *ctx, char *buf, size_t cap)
{
	char a[CIDR_STRLEN], b[CIDR_STRLEN], cc[3];
	size_t n = 0;

	buf[0] = '\0';
	for (int f = 0; f < 2; f++) {
		const struct rangeset *s = &ctx->out[f];

		for (size_t i = 0; i < s->n && n < cap; i++)
			n += (size_t)snprintf(buf + n, cap - n, "%s-%s %s;",
				cidr_format_addr(s->family, s->v[i].lo, a),
				cidr_format_addr(s->family, s->v[i].hi, b),
				cc_format(s->v[i].tag, cc));
	}
}

static inline int pt_run(struct parse_ctx *ctx, enum feed_format fmt,
			 const char *in, size_t len)
{
	parse_ctx_init(ctx, "test");
	return parse_buffer(ctx, fmt, in, len);
}

static inline void pt_check(enum feed_format fmt, const struct pcase *c)
{
	struct parse_ctx ctx;
	char got[4096];
	int ret;

	ret = pt_run(&ctx, fmt, c->in, strlen(c->in));
	if (c->out) {
		if (ret)
			fail_msg("%s: unexpected error line %zu: %s", c->name,
				 ctx.err_line, ctx.err);
		pt_dump(&ctx, got, sizeof(got));
		if (strcmp(got, c->out))
			fail_msg("%s:\n got  %s\n want %s", c->name, got,
				 c->out);
		if (ctx.skipped != c->skipped)
			fail_msg("%s: skipped %zu, want %zu", c->name,
				 ctx.skipped, c->skipped);
	} else {
		if (ret != -EINVAL)
			fail_msg("%s: accepted, want error \"%s\"", c->name,
				 c->err);
		if (!strstr(ctx.err, c->err))
			fail_msg("%s: error \"%s\", want \"%s\"", c->name,
				 ctx.err, c->err);
		if (ctx.err_line != c->line)
			fail_msg("%s: error at line %zu, want %zu (%s)", c->name,
				 ctx.err_line, c->line, ctx.err);
	}
	parse_ctx_free(&ctx);
}

/*
 * Every fixture in dir: files named good-* must parse with records, bad-*
 * and hostile-* must be rejected.  Returns the number of files checked.
 */
static inline size_t pt_fixtures(enum feed_format fmt, const char *dir)
{
	struct dirent *de;
	size_t count = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d))) {
		struct parse_ctx ctx;
		char path[1024], *buf;
		size_t len;
		bool good = !strncmp(de->d_name, "good-", 5);
		int ret;

		if (!good && strncmp(de->d_name, "bad-", 4) &&
		    strncmp(de->d_name, "hostile-", 8))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(util_read_file(path, MAX_FEED_BYTES, false,
						&buf, &len), 0);
		ret = pt_run(&ctx, fmt, buf, len);
		if (good && (ret || !ctx.records))
			fail_msg("%s: %s", path, ctx.err);
		if (!good && ret != -EINVAL)
			fail_msg("%s: accepted", path);
		parse_ctx_free(&ctx);
		free(buf);
		count++;
	}
	closedir(d);
	return count;
}

#endif
