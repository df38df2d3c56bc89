/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xmalloc.h - allocation that never returns NULL.
 *
 * Running out of memory is fatal (STYLE.md): these print a message and abort.
 * Sizes are overflow-checked.
 */
#ifndef NFTBLOCK_XMALLOC_H
#define NFTBLOCK_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
/* realloc(p, nmemb * size), checking the multiplication. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * Grow an array so that it holds at least need elements of size bytes;
 * *cap is updated.  Growth is geometric so appends are amortised O(1).
 */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);

#endif
