// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * checksum.c - the checksum files feeds publish next to their data.
 *
 * Accepted lines (any number, '#' comments and blank lines ignored, LF or
 * CRLF, last line with or without its newline):
 *
 *   MD5 (name) = hex          BSD style (md5(1), "md5sum --tag"; RIRs)
 *   SHA256 (name) = hex       BSD style; "SHA2-256(name)= hex" (OpenSSL 3)
 *   hex  name / hex *name     GNU style (md5sum, sha256sum; ipdeny MD5SUM)
 *   hex                       a bare digest
 *
 * hex is 32 (MD5) or 64 (SHA-256) hex digits, either case.  Only parsing is
 * done here; computing a digest is the fetcher's business.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "parse.h"
#include "util.h"

struct sum_line {
	struct checksum sum;
	const char *name;	/* NULL: a bare digest */
	size_t nlen;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length of the run of hex digits at s[0..len). */
static size_t hexrun(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && hexval(s[i]) >= 0)
		i++;
	return i;
}

/* Decode exactly 2 * kind hex digits. */
static int hex_decode(const char *s, size_t len, enum digest_kind kind,
		      struct checksum *out)
{
	if (len != 2 * (size_t)kind || hexrun(s, len) != len)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	for (size_t i = 0; i < (size_t)kind; i++)
		out->digest[i] = (uint8_t)(hexval(s[2 * i]) << 4 |
					   hexval(s[2 * i + 1]));
	return 0;
}

static int bsd_algo(const char *s, size_t len, enum digest_kind *kind)
{
	if (util_eq_nocase(s, len, "MD5")) {
		*kind = DIGEST_MD5;
		return 0;
	}
	if (util_eq_nocase(s, len, "SHA256") ||
	    util_eq_nocase(s, len, "SHA2-256")) {
		*kind = DIGEST_SHA256;
		return 0;
	}
	return -EINVAL;
}

/* "ALGO (name) = hex", "ALGO(name)= hex".  The name may hold ") = ", so
 * the digest is what follows the last '='. */
static int sum_bsd(const char *s, size_t len, struct sum_line *out,
		   const char **why)
{
	const char *open = memchr(s, '(', len), *eq = memrchr(s, '=', len);
	const char *close, *hex;
	size_t alen, hlen;
	enum digest_kind kind;

	if (!open || !eq || eq < open) {
		*why = "not a checksum line";
		return -EINVAL;
	}
	alen = (size_t)(open - s);
	util_trim(s, &alen);
	if (bsd_algo(s, alen, &kind)) {
		*why = "unsupported digest algorithm";
		return -EINVAL;
	}
	hlen = len - (size_t)(eq + 1 - s);
	hex = util_trim(eq + 1, &hlen);
	close = eq;
	while (close > open && (close[-1] == ' ' || close[-1] == '\t'))
		close--;
	/* "(name)": at least one byte between the parentheses */
	if (close < open + 3 || close[-1] != ')') {
		*why = "not a checksum line";
		return -EINVAL;
	}
	if (hex_decode(hex, hlen, kind, &out->sum)) {
		*why = "bad digest";
		return -EINVAL;
	}
	out->name = open + 1;
	out->nlen = (size_t)(close - 1 - (open + 1));
	return 0;
}

/* "hex  name", "hex *name" (binary mode), "hex name", or a bare "hex". */
static int sum_gnu(const char *s, size_t len, struct sum_line *out,
		   const char **why)
{
	size_t h = hexrun(s, len), i;

	*why = "bad digest";
	if (h != 2 * DIGEST_MD5 && h != 2 * DIGEST_SHA256)
		return -EINVAL;
	if (hex_decode(s, h, h == 2 * DIGEST_MD5 ? DIGEST_MD5 : DIGEST_SHA256,
		       &out->sum))
		return -EINVAL;
	out->name = NULL;
	out->nlen = 0;
	if (h == len)
		return 0;
	*why = "not a checksum line";
	if (s[h] != ' ' && s[h] != '\t')
		return -EINVAL;
	i = h + 1;
	if (i < len && (s[i] == ' ' || s[i] == '*'))
		i++;
	if (i == len)
		return -EINVAL;
	out->name = s + i;
	out->nlen = len - i;
	return 0;
}

static int sum_parse_line(const char *s, size_t len, struct sum_line *out,
			  const char **why)
{
	/* GNU style escapes names holding '\\' or a newline with a leading
	 * backslash; the name is only compared, so drop the marker */
	if (len && s[0] == '\\') {
		s++;
		len--;
	}
	if (hexrun(s, len) >= 2 * DIGEST_MD5)
		return sum_gnu(s, len, out, why);
	return sum_bsd(s, len, out, why);
}

static void base_name(const char **s, size_t *len)
{
	const char *slash = memrchr(*s, '/', *len);

	if (slash) {
		*len -= (size_t)(slash + 1 - *s);
		*s = slash + 1;
	}
}

static bool sum_matches(const struct sum_line *l, const char *fname)
{
	const char *f = fname, *n = l->name;
	size_t flen = strlen(fname), nlen = l->nlen;

	if (!n)
		return false;
	base_name(&f, &flen);
	base_name(&n, &nlen);
	return flen == nlen && !memcmp(f, n, flen);
}

static int sum_fail(char *err, size_t errlen, size_t line, const char *why,
		    const char *quote, size_t qlen)
{
	char q[MAX_QUOTED_BYTES * 4 + 8];

	if (!err || !errlen)
		return -EINVAL;
	if (line && qlen)
		snprintf(err, errlen, "line %zu: %s: \"%s\"", line, why,
			 log_escape(quote, qlen, q, sizeof(q)));
	else if (line)
		snprintf(err, errlen, "line %zu: %s", line, why);
	else if (qlen)
		snprintf(err, errlen, "%s: \"%s\"", why,
			 log_escape(quote, qlen, q, sizeof(q)));
	else
		snprintf(err, errlen, "%s", why);
	return -EINVAL;
}

struct sum_pick {
	size_t total;		/* digests in the file */
	size_t matched;		/* digests whose name matches fname */
	struct checksum first, match;
	bool conflict;		/* fname listed twice with different digests */
};

static void sum_note(struct sum_pick *p, const struct sum_line *l,
		     const char *fname)
{
	if (p->total++ == 0)
		p->first = l->sum;
	if (!fname || !sum_matches(l, fname))
		return;
	if (p->matched++ == 0)
		p->match = l->sum;
	else if (memcmp(&p->match, &l->sum, sizeof(l->sum)))
		p->conflict = true;
}

static int sum_choose(const struct sum_pick *p, const char *fname,
		      struct checksum *out, char *err, size_t errlen)
{
	if (p->total == 0)
		return sum_fail(err, errlen, 0, "no checksum in file", NULL, 0);
	/* one digest: take it whatever file it names (ARIN's .md5 names the
	 * dated file while we fetch "latest") */
	if (p->total == 1) {
		*out = p->first;
		return 0;
	}
	if (!fname)
		return sum_fail(err, errlen, 0,
				"several checksums and no file name", NULL, 0);
	if (p->conflict)
		return sum_fail(err, errlen, 0, "conflicting checksums for",
				fname, strlen(fname));
	if (!p->matched)
		return sum_fail(err, errlen, 0, "no checksum for", fname,
				strlen(fname));
	*out = p->match;
	return 0;
}

/*
 * Find the digest for fname in the checksum file buf[0..len) (see the top of
 * this file and parse.h).  Returns 0 and writes *out, or -EINVAL with the
 * reason (and line) in err[errlen] when err is not NULL.
 */
int parse_checksum(const char *buf, size_t len, const char *fname,
		   struct checksum *out, char *err, size_t errlen)
{
	struct sum_pick pick;
	struct sum_line l;
	const char *line, *why;
	size_t pos = 0, n, lineno = 0;

	if (err && errlen)
		err[0] = '\0';
	if (len > MAX_CHECKSUM_BYTES)
		return sum_fail(err, errlen, 0, "checksum file too large",
				NULL, 0);
	if (memchr(buf, '\0', len))
		return sum_fail(err, errlen, 0, "NUL byte in checksum file",
				NULL, 0);
	memset(&pick, 0, sizeof(pick));
	while ((line = util_next_line(buf, len, &pos, &n))) {
		lineno++;
		if (n > MAX_LINE_BYTES)
			return sum_fail(err, errlen, lineno, "line too long",
					line, n);
		line = util_trim(line, &n);
		if (n == 0 || line[0] == '#')
			continue;
		if (sum_parse_line(line, n, &l, &why))
			return sum_fail(err, errlen, lineno, why, line, n);
		sum_note(&pick, &l, fname);
	}
	return sum_choose(&pick, fname, out, err, errlen);
}
