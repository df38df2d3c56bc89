// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fetch.c - download one URL into memory.  The only file that includes
 * <curl/curl.h>.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "conf.h"
#include "fetch.h"
#include "log.h"
#include "xmalloc.h"

#define USER_AGENT	"nftblock/" NFTBLOCK_VERSION
#define LIBCURL_SONAME	"libcurl.so.4"	/* the ABI of <curl/curl.h> 7.x, 8.x */

struct sink {
	struct fetch_result *r;
	size_t cap;
	size_t max;
	bool too_big;
};

/*
 * libcurl is opened by the first fetch, not linked: linked, it and the TLS,
 * Kerberos, LDAP and IDN libraries it pulls in are mapped into every
 * nftblock process, ~7 MiB resident for apply, why and the daemon between
 * syncs (the registry world's apply: 37 -> 30 MiB peak).  Only the fetching
 * child of sync and fetch opens it.
 */
static struct {
	void *dl;
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode rc);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
} lc;

/* dlsym's object pointer into a function pointer (POSIX: they convert). */
#define LC_SYM(field, name) \
	((*(void **)&lc.field = dlsym(lc.dl, name)) != NULL)

static int curl_load(void)
{
	if (lc.dl)
		return 0;
	lc.dl = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lc.dl) {
		log_err("cannot load libcurl: %s", dlerror());
		return -ENOSYS;
	}
	if (LC_SYM(global_init, "curl_global_init") &&
	    LC_SYM(global_cleanup, "curl_global_cleanup") &&
	    LC_SYM(easy_init, "curl_easy_init") &&
	    LC_SYM(easy_setopt, "curl_easy_setopt") &&
	    LC_SYM(easy_perform, "curl_easy_perform") &&
	    LC_SYM(easy_getinfo, "curl_easy_getinfo") &&
	    LC_SYM(easy_cleanup, "curl_easy_cleanup") &&
	    LC_SYM(easy_strerror, "curl_easy_strerror") &&
	    LC_SYM(slist_append, "curl_slist_append") &&
	    LC_SYM(slist_free_all, "curl_slist_free_all"))
		return 0;
	log_err("%s: a symbol is missing: %s", LIBCURL_SONAME, dlerror());
	dlclose(lc.dl);
	memset(&lc, 0, sizeof(lc));
	return -ENOSYS;
}

int fetch_init(void)
{
	int ret = curl_load();

	if (ret)
		return ret;
	return lc.global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -EIO;
}

/* libcurl stays loaded: unloading it would run its and OpenSSL's exit
 * handlers from unmapped code. */
void fetch_cleanup(void)
{
	if (lc.global_cleanup)
		lc.global_cleanup();
}

void fetch_result_free(struct fetch_result *r)
{
	if (!r)
		return;
	free(r->buf);
	r->buf = NULL;
	r->len = 0;
}

/* Body bytes: append, and abort the transfer past the cap (curl then
 * fails with CURLE_WRITE_ERROR). */
static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	struct fetch_result *r = s->r;
	size_t len = size * n;

	if (len > s->max || r->len > s->max - len) {
		s->too_big = true;
		return 0;
	}
	r->buf = xgrow(r->buf, &s->cap, r->len + len + 1, 1);
	memcpy(r->buf + r->len, p, len);
	r->len += len;
	r->buf[r->len] = '\0';
	return len;
}

/* Keep a validator header's value when it is short printable text (it
 * goes back to the server and into the cache metadata file). */
static void keep_header(char *dst, const char *v, size_t len)
{
	while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' ||
		       v[len - 1] == ' '))
		len--;
	while (len && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	if (len == 0 || len >= MAX_HEADER_BYTES)
		return;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct fetch_result *r = arg;
	size_t len = size * n;

	/* a new response (after a redirect): forget the previous one's */
	if (len > 5 && !strncmp(p, "HTTP/", 5)) {
		r->etag[0] = '\0';
		r->last_modified[0] = '\0';
	} else if (len > 5 && !strncasecmp(p, "ETag:", 5)) {
		keep_header(r->etag, p + 5, len - 5);
	} else if (len > 14 && !strncasecmp(p, "Last-Modified:", 14)) {
		keep_header(r->last_modified, p + 14, len - 14);
	}
	return len;
}

static struct curl_slist *validators(const struct fetch_opts *o)
{
	struct curl_slist *h = NULL;
	char line[MAX_HEADER_BYTES + 32];

	if (o->etag && *o->etag) {
		snprintf(line, sizeof(line), "If-None-Match: %s", o->etag);
		h = lc.slist_append(h, line);
	}
	if (o->last_modified && *o->last_modified) {
		snprintf(line, sizeof(line), "If-Modified-Since: %s",
			 o->last_modified);
		h = lc.slist_append(h, line);
	}
	return h;
}

/* Protocols: https and local files always; http only when the feed says
 * insecure = yes.  A redirect may only go to https (or stay on http when
 * http was asked for), never from https down to http, never to a file. */
static void set_protocols(CURL *h, const char *url, const struct fetch_opts *o)
{
	bool http = o->allow_http && !strncmp(url, "http://", 7);

	lc.easy_setopt(h, CURLOPT_PROTOCOLS_STR,
		       o->allow_http ? "https,http,file" : "https,file");
	lc.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR,
		       http ? "https,http" : "https");
}

static CURL *make_handle(const char *url, const struct fetch_opts *o,
			 struct sink *s, struct curl_slist *hdrs, char *ebuf)
{
	CURL *h = lc.easy_init();

	if (!h)
		return NULL;
	lc.easy_setopt(h, CURLOPT_URL, url);
	set_protocols(h, url, o);
	lc.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	lc.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	lc.easy_setopt(h, CURLOPT_MAXREDIRS, FETCH_MAX_REDIRS);
	lc.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	lc.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file)
		lc.easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
	lc.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)o->connect_timeout);
	lc.easy_setopt(h, CURLOPT_TIMEOUT, (long)o->timeout);
	lc.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)FETCH_LOW_SPEED_BYTES);
	lc.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)o->low_speed_time);
	lc.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->max);
	lc.easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
	lc.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	lc.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	lc.easy_setopt(h, CURLOPT_WRITEDATA, s);
	lc.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	lc.easy_setopt(h, CURLOPT_HEADERDATA, s->r);
	lc.easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	return h;
}

/* A failure worth another attempt: the network or the server's load. */
static bool transient(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_OK:
		return status >= 500 || status == 429 || status == 408;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* Turn curl's verdict into our return code and r->err. */
static int verdict(CURL *h, CURLcode rc, const struct sink *s,
		   const char *ebuf, const char *shown)
{
	struct fetch_result *r = s->r;
	curl_off_t cl = -1;

	if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(r->err, sizeof(r->err), "%s: oversize: larger than "
			 "%zu bytes", shown, s->max);
		return -EFBIG;
	}
	if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
		snprintf(r->err, sizeof(r->err), "%s: redirect to a "
			 "disallowed protocol refused (%s)", shown,
			 *ebuf ? ebuf : lc.easy_strerror(rc));
		return -EPROTO;
	}
	if (rc == CURLE_PARTIAL_FILE) {
		snprintf(r->err, sizeof(r->err), "%s: truncated download "
			 "(%s)", shown, *ebuf ? ebuf : lc.easy_strerror(rc));
		return -EIO;
	}
	if (rc != CURLE_OK) {
		snprintf(r->err, sizeof(r->err), "%s: download failed: %s",
			 shown, *ebuf ? ebuf : lc.easy_strerror(rc));
		return -EIO;
	}
	lc.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->status == 304) {
		r->not_modified = true;
		return 0;
	}
	if (r->status != 200 && r->status != 0) {
		snprintf(r->err, sizeof(r->err), "%s: HTTP status %ld", shown,
			 r->status);
		return -EIO;
	}
	/* belt and braces: curl reports a short body as CURLE_PARTIAL_FILE */
	lc.easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (cl >= 0 && (curl_off_t)r->len != cl) {
		snprintf(r->err, sizeof(r->err), "%s: truncated download "
			 "(%zu of %lld bytes)", shown, r->len, (long long)cl);
		return -EIO;
	}
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int attempt(const char *url, const struct fetch_opts *o,
		   struct fetch_result *r, bool *again)
{
	struct sink s = { .r = r, .max = o->max_bytes };
	struct curl_slist *hdrs = validators(o);
	const char *shown = o->display_url ? o->display_url : url;
	char ebuf[CURL_ERROR_SIZE] = "";
	CURL *h;
	CURLcode rc;
	int ret;

	fetch_result_free(r);
	memset(r, 0, sizeof(*r));
	h = make_handle(url, o, &s, hdrs, ebuf);
	if (!h) {
		lc.slist_free_all(hdrs);
		snprintf(r->err, sizeof(r->err), "%s: cannot start curl", shown);
		return -ENOMEM;
	}
	rc = lc.easy_perform(h);
	ret = verdict(h, rc, &s, ebuf, shown);
	*again = ret && !s.too_big && transient(rc, r->status);
	if (ret)
		fetch_result_free(r);
	lc.easy_cleanup(h);
	lc.slist_free_all(hdrs);
	return ret;
}

int fetch_url(const char *url, const struct fetch_opts *o,
	      struct fetch_result *r)
{
	unsigned delay = o->retry_delay_ms;
	bool again;
	int ret;

	memset(r, 0, sizeof(*r));
	if (conf_url_allowed(url, o->allow_http)) {
		snprintf(r->err, sizeof(r->err), "%s: URL scheme not allowed "
			 "(https:// or file:///; http:// needs insecure = yes)",
			 o->display_url ? o->display_url : url);
		return -EINVAL;
	}
	if (curl_load()) {
		snprintf(r->err, sizeof(r->err), "cannot load %s",
			 LIBCURL_SONAME);
		return -ENOSYS;
	}
	for (unsigned i = 0;; i++) {
		ret = attempt(url, o, r, &again);
		if (!ret || !again || i >= o->retries)
			break;
		log_debug("%s; retrying in %u ms", r->err, delay);
		sleep_ms(delay);
		delay = delay > UINT32_MAX / 2 ? delay : delay * 2;
	}
	return ret;
}
