/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * defs.h - project-wide limits and small types.
 *
 * Every limit that bounds external data lives here, with the reason for its
 * value.  Nothing here allocates or does I/O.
 */
#ifndef NFTBLOCK_DEFS_H
#define NFTBLOCK_DEFS_H

#include <stddef.h>
#include <stdint.h>

#ifndef NFTBLOCK_VERSION
#define NFTBLOCK_VERSION	"0.1.0"
#endif

/* Addresses of both families are held as 128-bit unsigned integers. */
typedef unsigned __int128 u128;

#define MAX_FEED_BYTES		(256u << 20)	/* the largest real feed (a geolocation CSV, uncompressed) is ~60 MiB */
#define MAX_LINE_BYTES		4096u		/* the longest real feed line is < 200 bytes; a 1 MiB line is hostile */
#define MAX_FEED_LINES		(8u << 20)	/* the largest real feed has ~1.5 M lines */
#define MAX_RANGES		(16u << 20)	/* more ranges than any world feed holds (~1.4 M) */
#define MAX_CIDRS_PER_RANGE	256u		/* an IPv6 range splits into at most 254 prefixes */
#define MAX_CSV_FIELDS		16u		/* GeoLite2 blocks have 7 columns, IP2Location 4 */
#define MAX_COUNTRIES		676u		/* every two-letter code A-Z x A-Z */
#define MAX_GEONAMES		(1u << 20)	/* GeoLite2 locations has ~250 rows; bound the join table */
#define MAX_ERR_BYTES		256u		/* one error message, already escaped */
#define MAX_QUOTED_BYTES	48u		/* untrusted text quoted in a message is cut here */
#define MAX_STATE_BYTES		(128u << 20)	/* a world map of 1.4 M IPv6 ranges is ~50 MiB */
#define MAX_STATE_RANGES	(4u << 20)	/* per set in a state file; above any world feed */

/* A country code packed into a tag: 'C' << 8 | 'N'.  0 means "no country". */
#define CC_TAG(a, b)		((uint32_t)(unsigned char)(a) << 8 | (unsigned char)(b))

#endif
