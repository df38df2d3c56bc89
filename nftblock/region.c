// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * region.c - registry regions and continents as lists of country codes.
 *
 * Sources (public, stable; re-check when ISO 3166 changes):
 *  - registry regions: the service regions the five RIRs publish (NRO /
 *    IANA), one registry per code;
 *  - continents: the Continent column of GeoNames' countryInfo.txt
 *    (CC BY 4.0), without the withdrawn codes AN and CS.
 * tests/unit/test_region.c checks that both tables cover the same codes
 * and that no code is listed twice in either.
 */
#include <errno.h>
#include <string.h>

#include "region.h"
#include "util.h"

static const struct group {
	const char *name;
	const char *codes;	/* sorted, one space between codes */
} groups[] = {
	{ "region:afrinic",
	  "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ "
	  "GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SL SN "
	  "SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW" },
	{ "region:apnic",
	  "AF AP AS AU BD BN BT CC CK CN CX FJ FM GU HK ID IN IO JP KH KI KP "
	  "KR LA LK MH MM MN MO MP MV MY NC NF NP NR NU NZ PF PG PH PK PN PW "
	  "SB SG TF TH TK TL TO TV TW VN VU WF WS" },
	{ "region:arin",
	  "AG AI AQ BB BL BM BS BV CA DM GD GP HM JM KN KY LC MF MQ MS PM PR "
	  "SH TC UM US VC VG VI" },
	{ "region:lacnic",
	  "AR AW BO BQ BR BZ CL CO CR CU CW DO EC FK GF GS GT GY HN HT MX NI "
	  "PA PE PY SR SV SX TT UY VE" },
	{ "region:ripencc",
	  "AD AE AL AM AT AX AZ BA BE BG BH BY CH CY CZ DE DK EE ES EU FI FO "
	  "FR GB GE GG GI GL GR HR HU IE IL IM IQ IR IS IT JE JO KG KW KZ LB "
	  "LI LT LU LV MC MD ME MK MT NL NO OM PL PS PT QA RO RS RU SA SE SI "
	  "SJ SK SM SY TJ TM TR UA UZ VA XK YE" },
	{ "continent:AF",
	  "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ "
	  "GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL "
	  "SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW" },
	{ "continent:AN", "AQ BV GS HM TF" },
	{ "continent:AS",
	  "AE AF AM AZ BD BH BN BT CC CN GE HK ID IL IN IO IQ IR JO JP KG KH "
	  "KP KR KW KZ LA LB LK MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH "
	  "TJ TM TR TW UZ VN YE" },
	{ "continent:EU",
	  "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR "
	  "HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS "
	  "RU SE SI SJ SK SM UA VA XK" },
	{ "continent:NA",
	  "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM "
	  "KN KY LC MF MQ MS MX NI PA PM PR SV SX TC TT US VC VG VI" },
	{ "continent:OC",
	  "AS AU CK CX FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TL "
	  "TO TV UM VU WF WS" },
	{ "continent:SA", "AR BO BR CL CO EC FK GF GY PE PY SR UY VE" },
};

#define NGROUPS	(sizeof(groups) / sizeof(groups[0]))

static const struct group *find(const char *s, size_t len)
{
	for (size_t i = 0; i < NGROUPS; i++)
		if (util_eq_nocase(s, len, groups[i].name))
			return &groups[i];
	return NULL;
}

bool region_known(const char *s, size_t len)
{
	return find(s, len) != NULL;
}

int region_expand(const char *s, size_t len, struct ccset *set)
{
	const struct group *g = find(s, len);
	const char *p;
	uint32_t tag;
	int n = 0;

	if (!g)
		return -ENOENT;
	/* the table is ours: "XX XX ... XX", every code well formed */
	for (p = g->codes;; p += 3) {
		if (cc_parse(p, 2, &tag) != CC_BAD) {
			ccset_add(set, tag);
			n++;
		}
		if (p[2] != ' ')
			break;
	}
	return n;
}

const char *region_name(size_t i)
{
	return i < NGROUPS ? groups[i].name : NULL;
}
