/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft.h - the kernel side: nftblock's own nftables table, programmed over
 * netlink (libnftnl + libmnl) in atomic transactions.
 *
 * nft.c is the only module that talks to the kernel.  Its interface speaks
 * nftblock types only: range sets whose tags are country codes.
 *
 * Ruleset (table inet nftblock).  Each base chain input / output / forward
 * (priority filter - 10, policy accept) exists when a block-list or an
 * allow-list direction needs it, and holds, in this order ("addr" is the
 * source inbound, the destination outbound, both in forward):
 *   1. iif/oif lo accept                          (not in forward)
 *   2. addr @allow4 / @allow6 accept              exceptions, SSH client
 *   3. world-open ports: input "meta l4proto tcp th dport 80 accept";
 *      output "ct direction reply ... th sport 80 accept" (their replies)
 *   4. addr @deny4 / @deny6 counter "deny" drop   block-list dirs, a family
 *                                                 with deny addresses
 *   5. addr vmap @geo4_N / @geo6_N                block-list dirs only
 *   6. allow-list dirs, per family with permit ranges:
 *      ICMPv6 133-136 (router and neighbour discovery) accept (in, out);
 *      ICMPv6 packet too big, ICMP fragmentation needed accept (in, fwd);
 *      DHCP / DHCPv6 replies accept (in), requests accept (out);
 *      addr != @permit4_N / @permit6_N counter "notallowed" drop
 *      (forward: either end not allowed)
 * With [log] drops, every drop (4, 6, the cc_XX chains) is preceded by a
 * rule with the same match, a limit and a log statement (prefix + reason).
 * With early set, chain prerouting (priority raw, -300) holds the inbound
 * rules 1-6 too, so that blocked sources are dropped before conntrack.
 *
 *   map geo4_N / geo6_N          interval maps, address range : jump cc_XX
 *   set permit4_N / permit6_N    interval sets: the allowed countries' ranges
 *                                and the never-block ranges (compile.h)
 *   set allow4 / allow6          interval sets of always-accepted addresses
 *   set deny4 / deny6            interval sets of always-dropped addresses
 *   set gen                      one element: the generation fingerprint
 *   chain cc_XX                  counter name "cc_XX" drop
 *   counter cc_XX, deny, notallowed
 * N (0..NFT_SLOTS-1) is the slot of the live maps: a full replace fills the
 * maps of a free slot and switches the rules to them.  A policy change
 * (directions, ports, log, early, a family gaining or losing its permit
 * ranges or deny addresses) is a full replace; element changes are diffs.
 */
#ifndef NFTBLOCK_NFT_H
#define NFTBLOCK_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "defs.h"

#define NFT_TABLE	"nftblock"

enum nft_dir {
	NFT_DIR_IN = 1,
	NFT_DIR_OUT = 2,
	NFT_DIR_FWD = 4,
};

/* A world-open port range ([exceptions] ports). */
struct nft_port {
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t lo, hi;		/* 1 <= lo <= hi */
};

/* Logging of drops ([log]); the kernel's log, rate-limited per rule. */
struct nft_log {
	bool on;
	char prefix[MAX_LOG_PREFIX_BYTES + 1];	/* printable, no quotes */
	unsigned rate, per;		/* rate packets per "per" seconds */
	unsigned burst;			/* packets */
	unsigned level;			/* syslog level 0..7 */
};

/* Whole protocols a list's scope names (NFT_PROTO_* bits). */
#define NFT_PROTO_TCP	1u
#define NFT_PROTO_UDP	2u
#define NFT_PROTO_ICMP	4u	/* ICMP and ICMPv6 */

/*
 * Map tags of the lists: NFT_LIST_TAG | the bit of each list that holds
 * the range (lists[k] is bit k); country tags are below 0x10000.
 */
#define NFT_LIST_TAG	0x01000000u
#define NFT_LIST_MASK	((1u << MAX_LISTS) - 1u)

/*
 * A named block list ([list:NAME]).  Unscoped (no ports, no protocols), it
 * drops everything like a country; scoped, only packets to ports[] or of
 * protos.  Its ranges share the geo maps with the countries (painted by
 * lists_paint(), lists.h): one lookup per packet either way.
 */
struct nft_list {
	char name[MAX_LIST_NAME + 1];
	struct nft_port ports[MAX_CONF_PORTS];	/* destination ports */
	size_t nports;
	unsigned protos;		/* NFT_PROTO_* */
	struct rangeset set[2];		/* normal; tag: the Unix time the
					 * entry lapses, 0 never */
};

/* One generation: everything the table holds. */
struct nft_gen {
	unsigned dirs;			/* block-list directions (NFT_DIR_*) */
	struct rangeset map[2];		/* [0] IPv4, [1] IPv6; tags: countries */
	struct rangeset allow[2];	/* always accepted, tag 0 */
	unsigned permit_dirs;		/* allow-list directions (NFT_DIR_*) */
	struct rangeset permit[2];	/* allow-list countries, tag = country */
	struct rangeset deny[2];	/* [block] addresses, tag 0 */
	struct nft_port ports[MAX_CONF_PORTS];	/* world-open, inbound */
	size_t nports;
	struct nft_log log;		/* [log] drops */
	bool early;			/* inbound drops before conntrack */
	struct nft_list lists[MAX_LISTS];	/* [list:NAME] sections */
	size_t nlists;
};

/* What nftblock knows about what it last committed (see state.h). */
struct nft_prev {
	struct nft_gen *gen;		/* NULL: nothing trusted */
	uint64_t fp;			/* fingerprint, slot in the low bits */
	uint32_t genid;			/* ruleset generation after our commit */
};

enum nft_mode { NFT_UNCHANGED, NFT_DIFF, NFT_FULL };

/* What an apply did. */
struct nft_result {
	enum nft_mode mode;
	const char *why_full;		/* reason for a full replace (static) */
	size_t del_elems, add_elems;	/* map/set element operations sent */
	size_t msgs, txns, bytes;	/* netlink messages, transactions, bytes */
	size_t restarts;		/* ERESTART (generation changed) retries */
	uint64_t fp;			/* the new fingerprint (with slot) */
	uint32_t genid;			/* ruleset generation after the commit */
	uint64_t kernel_us;		/* in the kernel's hands: sendmsg() of
					 * each transaction to its last ACK */
};

struct nft_opts {
	size_t max_batch;	/* 0: as large as the socket buffer allows */
	bool fail_last;		/* test hook: make the last message fail */
};

/* An empty generation (no directions, logging off).  Free with
 * nft_gen_free(), which accepts NULL. */
void nft_gen_init(struct nft_gen *g);
void nft_gen_free(struct nft_gen *g);

/* True when a and b need the same rules (directions, ports, log, early,
 * which families have permit ranges and deny addresses): their difference
 * is element diffs. */
bool nft_gen_same_policy(const struct nft_gen *a, const struct nft_gen *b);

/* 64-bit fingerprint of a generation's contents (slot bits cleared). */
uint64_t nft_gen_fingerprint(const struct nft_gen *g);

/*
 * Make the kernel hold generation g.  With a trusted prev matching the
 * kernel (same ruleset generation and fingerprint), only the element diff
 * is sent in one transaction; otherwise the maps are replaced atomically
 * (shadow maps filled, rules switched, old maps deleted).  g's map sets must
 * be normal without overlaps across tags.  Returns 0 and fills *res, or
 * -errno: -EPERM without CAP_NET_ADMIN, -EPROTONOSUPPORT / -EAFNOSUPPORT
 * without nf_tables, -ERANGE when the data cannot be loaded.
 */
int nft_apply(const struct nft_gen *g, struct nft_prev *prev,
	      const struct nft_opts *o, struct nft_result *res);

/* Delete table inet nftblock in one transaction.  0, -ENOENT when absent,
 * or -errno. */
int nft_disable(void);

/*
 * Read the live maps back (a set dump: slow on huge maps) into out[0..1]
 * (initialized by the caller; normal, tags are countries), and the
 * exception sets into allow[0..1] (may be NULL).  0, -ENOENT without the
 * table, or -errno.
 */
int nft_dump(struct rangeset out[2], struct rangeset allow[2]);

struct nft_why {
	bool allowed;		/* in the exception set */
	bool found;		/* in a country's range */
	uint32_t tag;		/* the country */
	u128 lo, hi;		/* the range holding the address */
	uint64_t packets, bytes;	/* the country counter */
};

/* Look one address up in the kernel (single-element gets, no dump). */
int nft_why(int family, u128 addr, struct nft_why *out);

/* What the kernel last refused, with the message and the element it was
 * about ("" when nothing failed).  Valid until the next call. */
const char *nft_last_error(void);

/* Read the ruleset generation and our table's fingerprint (0: none). */
int nft_probe(uint32_t *genid, uint64_t *fp);

/* A named counter of table inet nftblock. */
struct nft_counter {
	char name[MAX_COUNTER_NAME];	/* longer names are cut */
	uint32_t tag;			/* country of a "cc_XX" counter; 0: other */
	uint64_t packets, bytes;
};

/*
 * Read every named counter of table inet nftblock (the countries' cc_XX and
 * any others, e.g. "deny") in one dump, without resetting them.  *out is a
 * fresh array of *n counters in the kernel's order (the caller frees it;
 * NULL when there are none).  Returns 0, -ENOENT without the table, -E2BIG
 * past MAX_COUNTERS, or -errno.  *out and *n are written only on success.
 */
int nft_counters(struct nft_counter **out, size_t *n);

/* What the kernel holds of nftblock's table, for status reports. */
struct nft_info {
	bool table;		/* table inet nftblock exists */
	unsigned dirs;		/* NFT_DIR_* bits of the base chains present */
	uint32_t genid;		/* the ruleset generation */
	uint64_t fp;		/* the fingerprint in set gen (with slot); 0: none */
};

/* Read *out (no set dump but the one-element gen set).  Returns 0 (a
 * missing table is out->table == false), or -errno. */
int nft_info(struct nft_info *out);

/*
 * Open a netlink socket subscribed to nf_tables events (NFNLGRP_NFTABLES),
 * non-blocking and close-on-exec, for poll().  Returns the fd (close(2) it)
 * or -errno.
 */
int nft_watch_open(void);

/*
 * Drain the events queued on fd (at most a bounded number of reads; poll
 * again for the rest).  *ours_changed is set when a commit by a process
 * other than this one and other than an "nftblock" command touched table
 * inet nftblock (any object message naming it: delete table/chain/set/
 * rule/element, flush ruleset, additions), or when events were lost to a
 * receive buffer overrun (ENOBUFS): the table may have changed, re-probe.
 * Returns 0 or -errno.
 */
int nft_watch_read(int fd, bool *ours_changed);

/*
 * Leave (pause) or rejoin the event group around one's own big commits:
 * with a listener the kernel builds an event per map element, which makes
 * a world-sized full replace about four times slower.  Events of the
 * paused time are lost: re-probe after resuming.  0 or -errno.
 */
int nft_watch_pause(int fd, bool pause);

/* What a buffer of nf_tables replies says (nft_decode). */
struct nft_readback {
	uint32_t genid;		/* NFT_MSG_NEWGEN */
	bool table;		/* a NEWTABLE reply was seen */
	unsigned bases;		/* base chains of our table: bit 0 input,
				 * 1 output, 2 forward */
	unsigned slots[2];	/* geo4_N / geo6_N sets present, bit N */
	bool fp_ok;		/* set gen held exactly one element */
	uint64_t fp;		/* its fingerprint */
	uint64_t packets, bytes;	/* the last counter object */
	struct rangeset elems;	/* the other sets' elements as ranges
				 * (initialized by the caller, family) */
};

/*
 * Decode buf[0..len), a run of netlink messages as the kernel sends them
 * to nft_probe, nft_dump and nft_why (generation, table, chain, set,
 * set-element and counter replies, errors, DONE), with the same callbacks,
 * into out.  Pure: no socket; for tests and fuzzing.  Returns 0, or -errno
 * of an error message or a malformed buffer (-EBADMSG, -EPROTO...); on
 * error out->elems may hold part of the ranges and the rest is untouched.
 */
int nft_decode(const void *buf, size_t len, int family,
	       struct nft_readback *out);

#endif
