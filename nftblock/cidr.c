// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cidr.c - addresses, prefixes, ranges and range-set algebra.
 *
 * All set operations are sorts and linear sweeps over flat arrays: no
 * per-element allocation, no trees.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "xmalloc.h"

static int parse_v4(const char *s, size_t len, u128 *addr)
{
	uint32_t a = 0;
	unsigned octets = 0;
	size_t i = 0;

	while (octets < 4) {
		unsigned v = 0, digits = 0;

		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			digits++;
			i++;
		}
		/* "010" is octal to inet_aton and decimal to others: refuse */
		if (digits == 0 || digits > 3 || v > 255 ||
		    (digits > 1 && s[i - digits] == '0'))
			return -EINVAL;
		a = a << 8 | v;
		if (++octets < 4) {
			if (i >= len || s[i] != '.')
				return -EINVAL;
			i++;
		}
	}
	if (i != len)
		return -EINVAL;
	*addr = a;
	return 0;
}

static int parse_v6(const char *s, size_t len, u128 *addr)
{
	unsigned char b[16];
	char tmp[INET6_ADDRSTRLEN + 8];
	u128 a = 0;
	int i;

	if (len == 0 || len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET6, tmp, b) != 1)
		return -EINVAL;
	for (i = 0; i < 16; i++)
		a = a << 8 | b[i];
	*addr = a;
	return 0;
}

int cidr_parse_addr(const char *s, size_t len, int *family, u128 *addr)
{
	u128 a;

	if (memchr(s, ':', len)) {
		if (parse_v6(s, len, &a))
			return -EINVAL;
		*family = 6;
	} else {
		if (parse_v4(s, len, &a))
			return -EINVAL;
		*family = 4;
	}
	*addr = a;
	return 0;
}

static u128 host_mask(int family, unsigned len)
{
	unsigned host = cidr_bits(family) - len;

	return host == 128 ? ~(u128)0 : ((u128)1 << host) - 1;
}

int cidr_parse(const char *s, size_t len, bool allow_bare, struct cidr *out)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	uint64_t plen;
	int family;
	u128 a;

	if (cidr_parse_addr(s, alen, &family, &a))
		return -EINVAL;
	if (slash) {
		const char *p = slash + 1;
		size_t n = len - alen - 1;

		/* "/08" and "/+8" are not prefix lengths anyone writes */
		if (n == 0 || n > 3 || (n > 1 && p[0] == '0'))
			return -EINVAL;
		plen = 0;
		for (size_t i = 0; i < n; i++) {
			if (p[i] < '0' || p[i] > '9')
				return -EINVAL;
			plen = plen * 10 + (uint64_t)(p[i] - '0');
		}
		if (plen > cidr_bits(family))
			return -EINVAL;
	} else if (allow_bare) {
		plen = cidr_bits(family);
	} else {
		return -EINVAL;
	}
	if (a & host_mask(family, (unsigned)plen))
		return -ERANGE;
	out->addr = a;
	out->len = (uint8_t)plen;
	out->family = (uint8_t)family;
	return 0;
}

char *cidr_format_addr(int family, u128 addr, char *buf)
{
	unsigned char b[16];
	int i;

	if (family == 4) {
		uint32_t a = (uint32_t)addr;
		char *p = buf;

		for (i = 3; i >= 0; i--) {
			unsigned v = (a >> (i * 8)) & 255;

			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			if (i)
				*p++ = '.';
		}
		*p = '\0';
		return buf;
	}
	for (i = 15; i >= 0; i--) {
		b[i] = (unsigned char)addr;
		addr >>= 8;
	}
	if (!inet_ntop(AF_INET6, b, buf, CIDR_STRLEN))
		buf[0] = '\0';
	return buf;
}

char *cidr_format(const struct cidr *c, char *buf)
{
	size_t n;

	cidr_format_addr(c->family, c->addr, buf);
	n = strlen(buf);
	buf[n++] = '/';
	if (c->len >= 100)
		buf[n++] = (char)('0' + c->len / 100);
	if (c->len >= 10)
		buf[n++] = (char)('0' + c->len / 10 % 10);
	buf[n++] = (char)('0' + c->len % 10);
	buf[n] = '\0';
	return buf;
}

void cidr_to_range(const struct cidr *c, u128 *lo, u128 *hi)
{
	*lo = c->addr;
	*hi = c->addr | host_mask(c->family, c->len);
}

/* Number of trailing zero bits of x, counting at most bits. */
static unsigned ctz128(u128 x, unsigned bits)
{
	uint64_t l = (uint64_t)x, h = (uint64_t)(x >> 64);
	unsigned n;

	if (l)
		n = (unsigned)__builtin_ctzll(l);
	else if (h)
		n = 64 + (unsigned)__builtin_ctzll(h);
	else
		n = 128;
	return n < bits ? n : bits;
}

/* floor(log2(x)) for x > 0. */
static unsigned log2_128(u128 x)
{
	uint64_t h = (uint64_t)(x >> 64);

	if (h)
		return 127 - (unsigned)__builtin_clzll(h);
	return 63 - (unsigned)__builtin_clzll((uint64_t)x);
}

size_t cidr_from_range(int family, u128 lo, u128 hi, struct cidr *out,
		       size_t max)
{
	unsigned bits = cidr_bits(family);
	size_t n = 0;

	for (;;) {
		u128 span = hi - lo;	/* block size - 1 may be 2^128 - 1 */
		unsigned k = ctz128(lo, bits), ks;

		ks = span == ~(u128)0 ? 128 : log2_128(span + 1);
		if (ks < k)
			k = ks;
		if (n < max) {
			out[n].addr = lo;
			out[n].len = (uint8_t)(bits - k);
			out[n].family = (uint8_t)family;
		}
		n++;
		if (k == 128 || lo + (((u128)1 << k) - 1) == hi)
			return n;
		lo += (u128)1 << k;
	}
}

void rangeset_init(struct rangeset *s, int family)
{
	s->v = NULL;
	s->n = 0;
	s->cap = 0;
	s->family = (uint8_t)family;
}

void rangeset_free(struct rangeset *s)
{
	if (!s)
		return;
	free(s->v);
	s->v = NULL;
	s->n = 0;
	s->cap = 0;
}

void rangeset_clear(struct rangeset *s)
{
	s->n = 0;
}

void rangeset_add(struct rangeset *s, u128 lo, u128 hi, uint32_t tag)
{
	if (s->n == s->cap)
		s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof(*s->v));
	s->v[s->n].lo = lo;
	s->v[s->n].hi = hi;
	s->v[s->n].tag = tag;
	s->n++;
}

void rangeset_add_cidr(struct rangeset *s, const struct cidr *c, uint32_t tag)
{
	u128 lo, hi;

	cidr_to_range(c, &lo, &hi);
	rangeset_add(s, lo, hi, tag);
}

void rangeset_move(struct rangeset *dst, struct rangeset *src)
{
	rangeset_free(dst);
	*dst = *src;
	src->v = NULL;
	src->n = 0;
	src->cap = 0;
}

void rangeset_copy(struct rangeset *dst, const struct rangeset *src)
{
	rangeset_free(dst);
	rangeset_init(dst, src->family);
	if (!src->n)
		return;
	dst->v = xreallocarray(NULL, src->n, sizeof(*dst->v));
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->n = dst->cap = src->n;
}

int range_cmp(const struct range *a, const struct range *b)
{
	if (a->tag != b->tag)
		return a->tag < b->tag ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return 0;
}

/*
 * Sorting.  Range sets are sorted often (normalize, flatten, compile) and
 * are usually made of long sorted runs (one per country or per file), so a
 * natural merge sort with the comparison inlined beats qsort() over 48-byte
 * elements several times over.  Stable; O(n log n) worst case.
 */
#define SORT_MINRUN	32	/* runs shorter than this are insertion-sorted */
#define SORT_TAG_SPACE	65536u	/* country tags are two letters: 16 bits */

enum sort_key {
	KEY_TAG_LO_HI,		/* the normal order of range sets */
	KEY_LO_TAG,		/* compile's sweep order */
	KEY_LO_HI,		/* address order, tags ignored */
};

static inline bool range_lt(const struct range *a, const struct range *b,
			    enum sort_key key)
{
	if (key == KEY_TAG_LO_HI && a->tag != b->tag)
		return a->tag < b->tag;
	if (a->lo != b->lo)
		return a->lo < b->lo;
	if (key == KEY_LO_TAG)
		return a->tag < b->tag;
	return a->hi < b->hi;
}

/* v[start..end) in order, given v[start..mid) already is. */
static void insertion_sort(struct range *v, size_t start, size_t mid,
			   size_t end, enum sort_key key)
{
	for (size_t i = mid; i < end; i++) {
		struct range x = v[i];
		size_t j = i;

		while (j > start && range_lt(&x, &v[j - 1], key)) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

static void reverse(struct range *v, size_t n)
{
	for (size_t i = 0, j = n - 1; i < j; i++, j--) {
		struct range t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/* Cut v into sorted runs of at least SORT_MINRUN (but the last); writes
 * each run's end to ends[] and returns the number of runs. */
static size_t find_runs(struct range *v, size_t n, size_t *ends,
			enum sort_key key)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t j = i + 1;

		if (j < n && range_lt(&v[j], &v[i], key)) {
			/* strictly descending: reversing keeps it stable */
			while (j < n && range_lt(&v[j], &v[j - 1], key))
				j++;
			reverse(v + i, j - i);
		} else {
			while (j < n && !range_lt(&v[j], &v[j - 1], key))
				j++;
		}
		if (j - i < SORT_MINRUN) {
			size_t e = n - i > SORT_MINRUN ? i + SORT_MINRUN : n;

			insertion_sort(v, i, j, e, key);
			j = e;
		}
		ends[k++] = j;
		i = j;
	}
	return k;
}

static void merge_runs(const struct range *a, size_t na, const struct range *b,
		       size_t nb, struct range *out, enum sort_key key)
{
	size_t i = 0, j = 0, o = 0;

	/* already in order (runs of a set built file by file often are) */
	if (na && nb && !range_lt(&b[0], &a[na - 1], key)) {
		memcpy(out, a, na * sizeof(*a));
		memcpy(out + na, b, nb * sizeof(*b));
		return;
	}
	while (i < na && j < nb)
		out[o++] = range_lt(&b[j], &a[i], key) ? b[j++] : a[i++];
	memcpy(out + o, a + i, (na - i) * sizeof(*a));
	o += na - i;
	memcpy(out + o, b + j, (nb - j) * sizeof(*b));
}

/* Natural merge sort: stable, O(n log n), one pass on sorted input. */
static void merge_sort(struct range *v, size_t n, enum sort_key key)
{
	struct range *tmp, *src = v, *dst, *t;
	size_t *ends, k;

	ends = xreallocarray(NULL, n / SORT_MINRUN + 2, sizeof(*ends));
	k = find_runs(v, n, ends, key);
	tmp = k > 1 ? xreallocarray(NULL, n, sizeof(*tmp)) : NULL;
	dst = tmp;
	while (k > 1) {
		size_t start = 0, nk = 0;

		for (size_t r = 0; r < k; r += 2) {
			size_t mid = ends[r], end = r + 1 < k ? ends[r + 1] : mid;

			merge_runs(src + start, mid - start, src + mid,
				   end - mid, dst + start, key);
			ends[nk++] = end;
			start = end;
		}
		k = nk;
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	free(ends);
}

static size_t descents(const struct range *v, size_t n, enum sort_key key)
{
	size_t d = 0;

	for (size_t i = 1; i < n; i++)
		d += range_lt(&v[i], &v[i - 1], key);
	return d;
}

static bool tags_small(const struct range *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].tag >= SORT_TAG_SPACE)
			return false;
	return n <= UINT32_MAX;
}

/* Stable counting sort by tag (all tags below SORT_TAG_SPACE). */
static void counting_sort_by_tag(struct range *v, size_t n)
{
	uint32_t *pos = xcalloc(SORT_TAG_SPACE, sizeof(*pos));
	struct range *tmp = xreallocarray(NULL, n, sizeof(*tmp));

	for (size_t i = 0; i < n; i++)
		pos[v[i].tag]++;
	for (uint32_t t = 0, sum = 0; t < SORT_TAG_SPACE; t++) {
		uint32_t c = pos[t];

		pos[t] = sum;
		sum += c;
	}
	for (size_t i = 0; i < n; i++)
		tmp[pos[v[i].tag]++] = v[i];
	memcpy(v, tmp, n * sizeof(*v));
	free(tmp);
	free(pos);
}

static void range_sort(struct range *v, size_t n, enum sort_key key)
{
	if (n < 2)
		return;
	/*
	 * Sets in address order with the countries interleaved (compile's
	 * map; a registry file per run) take a dozen merge passes by
	 * (tag, lo, hi) but few or none by (lo, hi): sort by address, then
	 * stably by tag in one counting pass.
	 */
	if (key == KEY_TAG_LO_HI && tags_small(v, n) &&
	    descents(v, n, KEY_LO_HI) < descents(v, n, KEY_TAG_LO_HI) / 2) {
		merge_sort(v, n, KEY_LO_HI);
		counting_sort_by_tag(v, n);
		return;
	}
	merge_sort(v, n, key);
}

void range_sort_by_lo(struct range *v, size_t n)
{
	range_sort(v, n, KEY_LO_TAG);
}

static bool sorted(const struct range *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (range_cmp(&v[i - 1], &v[i]) > 0)
			return false;
	return true;
}

/* Merge in place a set already sorted by (tag, lo). */
static void merge_sorted(struct rangeset *s)
{
	size_t o = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct range *cur = &s->v[i];

		if (o) {
			struct range *last = &s->v[o - 1];

			/* overlapping or adjacent (guard hi + 1 overflow) */
			if (last->tag == cur->tag &&
			    (last->hi == cidr_max(s->family) ||
			     cur->lo <= last->hi + 1)) {
				if (cur->hi > last->hi)
					last->hi = cur->hi;
				continue;
			}
		}
		s->v[o++] = *cur;
	}
	s->n = o;
}

void rangeset_normalize(struct rangeset *s)
{
	if (s->n > 1 && !sorted(s->v, s->n))
		range_sort(s->v, s->n, KEY_TAG_LO_HI);
	merge_sorted(s);
}

bool rangeset_is_normal(const struct rangeset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct range *c = &s->v[i], *p = i ? &s->v[i - 1] : NULL;

		if (c->lo > c->hi || c->hi > cidr_max(s->family))
			return false;
		if (!p || p->tag < c->tag)
			continue;
		if (p->tag > c->tag || p->hi == cidr_max(s->family) ||
		    c->lo <= p->hi + 1)
			return false;
	}
	return true;
}

void rangeset_flatten(struct rangeset *s, uint32_t t)
{
	for (size_t i = 0; i < s->n; i++)
		s->v[i].tag = t;
	rangeset_normalize(s);
}

void rangeset_filter_tags(struct rangeset *s, const uint32_t *tags, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < s->n; i++) {
		for (size_t j = 0; j < n; j++) {
			if (s->v[i].tag == tags[j]) {
				s->v[o++] = s->v[i];
				break;
			}
		}
	}
	s->n = o;
}

void rangeset_union(const struct rangeset *a, const struct rangeset *b,
		    struct rangeset *out)
{
	rangeset_init(out, a->family);
	out->v = xreallocarray(NULL, a->n + b->n + 1, sizeof(*out->v));
	out->cap = a->n + b->n + 1;
	/* an empty set's v may be NULL, which memcpy may not get */
	if (a->n)
		memcpy(out->v, a->v, a->n * sizeof(*a->v));
	if (b->n)
		memcpy(out->v + a->n, b->v, b->n * sizeof(*b->v));
	out->n = a->n + b->n;
	rangeset_normalize(out);
}

/*
 * Sweep one tag run a[0..n) against b: emit the parts inside b (keep_in) or
 * outside b.  Both are sorted and non-overlapping, so one pass suffices.
 */
static void sweep_run(const struct range *a, size_t n, const struct rangeset *b,
		      bool keep_in, struct rangeset *out)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		u128 lo = a[i].lo, hi = a[i].hi;
		uint32_t tag = a[i].tag;
		bool done = false;

		while (j < b->n && b->v[j].hi < lo)
			j++;
		for (size_t k = j; k < b->n && b->v[k].lo <= hi && !done; k++) {
			const struct range *r = &b->v[k];

			if (r->lo > lo && !keep_in)
				rangeset_add(out, lo, r->lo - 1, tag);
			if (keep_in)
				rangeset_add(out, r->lo > lo ? r->lo : lo,
					     r->hi < hi ? r->hi : hi, tag);
			if (r->hi >= hi)
				done = true;
			else
				lo = r->hi + 1;
		}
		if (!done && !keep_in)
			rangeset_add(out, lo, hi, tag);
	}
}

static void sweep(const struct rangeset *a, const struct rangeset *b,
		  bool keep_in, struct rangeset *out)
{
	size_t i = 0;

	rangeset_init(out, a->family);
	while (i < a->n) {
		size_t j = i;

		while (j < a->n && a->v[j].tag == a->v[i].tag)
			j++;
		sweep_run(a->v + i, j - i, b, keep_in, out);
		i = j;
	}
}

void rangeset_intersect(const struct rangeset *a, const struct rangeset *b,
			struct rangeset *out)
{
	sweep(a, b, true, out);
}

void rangeset_subtract(const struct rangeset *a, const struct rangeset *b,
		       struct rangeset *out)
{
	sweep(a, b, false, out);
}

void rangeset_diff(const struct rangeset *old, const struct rangeset *new,
		   struct rangeset *removed, struct rangeset *added)
{
	size_t i = 0, j = 0;

	rangeset_init(removed, old->family);
	rangeset_init(added, new->family);
	while (i < old->n || j < new->n) {
		int c;

		if (i == old->n)
			c = 1;
		else if (j == new->n)
			c = -1;
		else
			c = range_cmp(&old->v[i], &new->v[j]);
		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			rangeset_add(removed, old->v[i].lo, old->v[i].hi,
				     old->v[i].tag);
			i++;
		} else {
			rangeset_add(added, new->v[j].lo, new->v[j].hi,
				     new->v[j].tag);
			j++;
		}
	}
}

u128 rangeset_count(const struct rangeset *s)
{
	u128 total = 0;

	for (size_t i = 0; i < s->n; i++) {
		u128 n = s->v[i].hi - s->v[i].lo;	/* size - 1 */

		if (n == ~(u128)0 || __builtin_add_overflow(total, n, &total) ||
		    __builtin_add_overflow(total, 1, &total))
			return ~(u128)0;
	}
	return total;
}

const struct range *rangeset_lookup(const struct rangeset *s, u128 addr)
{
	size_t i = 0;

	while (i < s->n) {
		size_t lo = i, hi = i, end = i;

		while (end < s->n && s->v[end].tag == s->v[i].tag)
			end++;
		/* binary search for the last range with lo <= addr */
		hi = end;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (s->v[mid].lo <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > i && s->v[lo - 1].hi >= addr)
			return &s->v[lo - 1];
		i = end;
	}
	return NULL;
}
