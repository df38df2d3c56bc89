/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fetch.h - download one URL into memory (the only user of libcurl).
 *
 * https:// with certificate checks, file:/// for local mirrors, http://
 * only when the caller allows it; redirects are limited and never lead to
 * a weaker protocol.  Connect, total and low-speed timeouts, a size cap
 * enforced while the body arrives, retries with exponential backoff on
 * transient failures, conditional requests (ETag / Last-Modified), proxies
 * from the environment as curl reads them.
 */
#ifndef NFTBLOCK_FETCH_H
#define NFTBLOCK_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "defs.h"

struct fetch_opts {
	const char *ca_file;		/* NULL: the system's CA bundle */
	bool allow_http;		/* the feed says insecure = yes */
	unsigned connect_timeout;	/* seconds */
	unsigned timeout;		/* seconds, whole transfer */
	unsigned low_speed_time;	/* seconds below FETCH_LOW_SPEED_BYTES/s */
	unsigned retries;		/* after the first attempt */
	unsigned retry_delay_ms;	/* first backoff, doubled each time */
	size_t max_bytes;		/* body size cap */
	const char *etag;		/* validators of the cached copy, or NULL */
	const char *last_modified;
	const char *display_url;	/* URL for messages (secrets redacted) */
};

struct fetch_result {
	bool not_modified;		/* 304: buf is empty */
	char *buf;			/* the body, NUL-terminated; caller frees */
	size_t len;
	long status;			/* HTTP status; 0 for file:// */
	char etag[MAX_HEADER_BYTES];	/* validators of the answer ("" none) */
	char last_modified[MAX_HEADER_BYTES];
	char err[MAX_ERR_BYTES];	/* why it failed */
};

/* Once per process, before any thread: opens libcurl (not linked: see
 * fetch.c) and initialises it.  Returns 0, -ENOSYS (libcurl cannot be
 * loaded) or -EIO. */
int fetch_init(void);
void fetch_cleanup(void);

/*
 * GET url into r (zeroed first).  Returns 0 for a complete body (200, or a
 * file) or a 304, else -EIO (network, TLS, HTTP status, truncated body),
 * -EFBIG (larger than max_bytes), -EPROTO (redirect to a disallowed
 * protocol), -EINVAL (URL scheme not allowed) or -ENOSYS (no libcurl),
 * with the cause in r->err.
 */
int fetch_url(const char *url, const struct fetch_opts *o,
	      struct fetch_result *r);

/* Free r->buf; accepts a zeroed result. */
void fetch_result_free(struct fetch_result *r);

#endif
