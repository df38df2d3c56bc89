/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * feed.h - feed URL templates.  Pure.
 *
 * Placeholders: {cc} / {CC} the country code in lower / upper case,
 * {family} 4 or 6, {yyyy} {mm} the current UTC year and month (monthly
 * databases), {key} the feed's licence key (secret), {url} the data URL
 * and {dir} its directory with the final '/' (in checksum templates).
 */
#ifndef NFTBLOCK_FEED_H
#define NFTBLOCK_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct feed_vars {
	uint32_t cc;		/* 0: none (a world feed) */
	int family;		/* 4 or 6 */
	time_t now;
	const char *key;	/* licence key or NULL */
	const char *url;	/* the data URL for {url} or NULL */
	bool redact;		/* write {key} as "REDACTED" (for messages) */
};

/*
 * Expand the template t[0..tlen) into out[n].  Returns 0, -EINVAL for an
 * unknown placeholder or one without a value (naming it in out when
 * n allows), -ENAMETOOLONG when out is too small.
 */
int feed_expand(const char *t, size_t tlen, const struct feed_vars *v,
		char *out, size_t n);

/* The last path segment of url (for checksum files that list names). */
const char *feed_basename(const char *url);

#endif
