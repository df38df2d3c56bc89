// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "cc.h"
#include "defs.h"

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

enum cc_kind cc_parse(const char *s, size_t len, uint32_t *tag)
{
	int a, b;

	if (len == 0 || (len == 1 && s[0] == '-') ||
	    (len == 2 && s[0] == '?' && s[1] == '?'))
		return CC_NONE;
	if (len != 2)
		return CC_BAD;
	a = upper((unsigned char)s[0]);
	b = upper((unsigned char)s[1]);
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
		return CC_BAD;
	if (a == 'Z' && b == 'Z')
		return CC_NONE;
	if (a == 'U' && b == 'K') {
		a = 'G';
		b = 'B';
	}
	*tag = CC_TAG(a, b);
	if ((a == 'E' && b == 'U') || (a == 'A' && b == 'P'))
		return CC_REGION;
	return CC_COUNTRY;
}

char *cc_format(uint32_t tag, char *buf)
{
	buf[0] = (char)(tag >> 8 & 0xff);
	buf[1] = (char)(tag & 0xff);
	buf[2] = '\0';
	return buf;
}

static unsigned cc_index(uint32_t tag)
{
	unsigned a = (tag >> 8 & 0xff) - 'A', b = (tag & 0xff) - 'A';

	return a < 26 && b < 26 ? a * 26 + b : MAX_COUNTRIES;
}

void ccset_init(struct ccset *s, bool all)
{
	memset(s, 0, sizeof(*s));
	s->all = all;
}

void ccset_add(struct ccset *s, uint32_t tag)
{
	unsigned i = cc_index(tag);

	if (i < MAX_COUNTRIES)
		s->bits[i / 8] |= (uint8_t)(1u << (i % 8));
}

bool ccset_has(const struct ccset *s, uint32_t tag)
{
	unsigned i = cc_index(tag);

	if (i >= MAX_COUNTRIES)
		return false;
	if (s->bits[i / 8] & (1u << (i % 8)))
		return true;
	/* "all" means every country; regions must be named */
	return s->all && tag != CC_TAG('E', 'U') && tag != CC_TAG('A', 'P');
}

size_t ccset_list(const struct ccset *s, uint32_t *out)
{
	size_t n = 0;

	for (unsigned i = 0; i < MAX_COUNTRIES; i++) {
		uint32_t tag = CC_TAG('A' + i / 26, 'A' + i % 26);

		if (ccset_has(s, tag))
			out[n++] = tag;
	}
	return n;
}
