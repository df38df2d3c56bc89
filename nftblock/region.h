/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * region.h - the country groups a countries list may name:
 * "region:NAME", the service region of a Regional Internet Registry
 * (afrinic, apnic, arin, lacnic, ripencc), and "continent:CODE", a
 * continent as GeoNames assigns countries to them (AF AN AS EU NA OC SA).
 *
 * Pure: static tables, no I/O.  The tables are stable public lists: the
 * registries' published service regions (each ISO 3166 code belongs to
 * exactly one registry) and GeoNames' countryInfo continent column (each
 * code belongs to exactly one continent; Russia and Turkey are where
 * GeoNames puts them, EU and AS).  Both cover the same 250 codes: the 249
 * of ISO 3166-1 and XK (Kosovo, used by the feeds).  A registry's region
 * also holds the pseudo code the registry writes for space it did not
 * give a country: EU for ripencc, AP for apnic.
 */
#ifndef NFTBLOCK_REGION_H
#define NFTBLOCK_REGION_H

#include <stdbool.h>
#include <stddef.h>

#include "cc.h"

/* Whether s[0..len) names a known group (case-insensitive). */
bool region_known(const char *s, size_t len);

/*
 * Add the countries of the group s[0..len) ("region:ripencc",
 * "continent:AS", case-insensitive) to set.  Returns the number of codes
 * the group holds, or -ENOENT (set untouched) when the name is unknown.
 */
int region_expand(const char *s, size_t len, struct ccset *set);

/*
 * The name of group i ("region:afrinic", ...) for i from 0, or NULL past
 * the last one: for listing them in messages and tests.
 */
const char *region_name(size_t i);

#endif
