// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft.c - the only module that talks to the kernel (libmnl + libnftnl).
 *
 * A generation is applied as one nfnetlink batch (BATCH_BEGIN ... END):
 * object creations, then element deletions, then element additions.  Kernel
 * behaviour this relies on (checked on 6.18, present since 5.x, so on 6.1):
 *  - nfnetlink processes a batch synchronously inside sendmsg(), so every
 *    reply is queued on our socket when sendmsg() returns;
 *  - NLM_F_ACK on BATCH_END is honoured only since 6.10, so the ACK is asked
 *    on the last real message; its ACK is delivered after the commit result
 *    (a commit error is queued first);
 *  - NFNL_BATCH_GENID makes the kernel refuse the batch with ERESTART when
 *    another commit happened since we read the generation;
 *  - an interval element is a start key and an end key (last + 1) flagged
 *    NFT_SET_ELEM_INTERVAL_END, sent in ascending order; a range that reaches
 *    the top of the address space has no end element (as nft does);
 *  - the rbtree backend accepts an end and a start element with the same key
 *    (adjacent ranges of different countries);
 *  - table userdata cannot be updated, so the fingerprint is the single
 *    element of set "gen", deleted and re-added by every diff: a diff against
 *    a kernel holding another generation fails with ENOENT as a whole.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include "cc.h"
#include "compile.h"
#include "log.h"
#include "lists.h"
#include "nft.h"
#include "util.h"
#include "xmalloc.h"

#define NFT_SLOTS		8	/* map slots: live + stale shadows */
#define SLOT_MASK		((uint64_t)NFT_SLOTS - 1)
#define NEST_LIMIT		60000u	/* nla_len is 16 bits: keep a nest < 64 KiB */
#define MSG_RESERVE		(80u << 10)	/* room reserved per message */
#define MSG_HDR_BYTES		256u	/* header, table and set names, nest */
#define OBJ_BYTES		(1u << 20)	/* a full replace's objects and rules:
						 * ~2 KiB a country, 250 countries */
#define BUF_MARGIN		(64u << 10)	/* sndbuf head room per batch */
#define MAX_BATCH_BYTES		(256u << 20)	/* SO_SNDBUFFORCE ceiling */
#define MIN_BATCH_BYTES		(256u << 10)	/* below this, give up shrinking */
#define RCVBUF_BYTES		(4u << 20)	/* room for error replies */
#define RECV_BYTES		(128u << 10)	/* one recv(): above any dump message */
#define MAX_WHY_STEPS		64	/* adjacent ranges walked back by why */
#define MAX_RESTARTS		5	/* ERESTART retries (generation raced) */
#define TYPE_IPADDR		7	/* nft datatypes (src/datatype.h) */
#define TYPE_IP6ADDR		8
#define TYPE_MARK		19
#define TYPE_BITS		6	/* nft concatenation type encoding */

#define NBASES			4	/* input, output, forward, prerouting */
#define BASE_PRE		3	/* prerouting: inbound, before conntrack */
#define PRIO_FILTER		-10	/* before a filter table at priority 0 */
#define PRIO_RAW		-300	/* NF_IP_PRI_RAW: before conntrack (-200) */
#define ICMPV6_ND_FIRST		133	/* router solicitation, RFC 4861 */
#define ICMPV6_ND_LAST		136	/* neighbour advertisement */
#define ICMPV6_PKT_TOOBIG	2	/* path MTU discovery, RFC 8201 */
#define ICMP_UNREACH		3	/* with code 4: fragmentation needed, */
#define ICMP_FRAG_NEEDED	4	/* path MTU discovery, RFC 1191 */

static const char *const base_names[NBASES] = { "input", "output",
						"forward", "prerouting" };
static const unsigned base_hooks[NBASES] = { NF_INET_LOCAL_IN,
					     NF_INET_LOCAL_OUT,
					     NF_INET_FORWARD,
					     NF_INET_PRE_ROUTING };

/* ---- netlink socket ---------------------------------------------------- */

/* The last error the kernel reported, mapped to its message and element. */
static char last_error[MAX_ERR_BYTES];

const char *nft_last_error(void)
{
	return last_error;
}


struct nl {
	struct mnl_socket *sk;
	unsigned portid;
	uint32_t seq;
	size_t sndbuf;
	size_t budget;		/* bytes per transaction last used */
	bool forced;		/* SO_SNDBUFFORCE worked */
};

static int nl_open(struct nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	last_error[0] = 0;
	nl->sk = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		int ret = -errno;

		mnl_socket_close(nl->sk);
		nl->sk = NULL;
		return ret;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)time(NULL);
	/* errors without the echoed request, with the failing attribute */
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	return 0;
}

/*
 * The last closed socket, still open.  Closing a netfilter socket right
 * after a commit blocks: on NETLINK_URELEASE nf_tables flushes the commit's
 * deferred release, which waits for an RCU grace period (10-25 ms measured,
 * as long as a small commit).  Kept open, the socket is released at the
 * next nl_close() or at exit, after the caller's own work (writing the
 * state file) has overlapped that wait.  Never used again.
 */
static int parked_fd = -1;

static void nl_close(struct nl *nl)
{
	int fd;

	if (!nl->sk)
		return;
	fd = fcntl(mnl_socket_get_fd(nl->sk), F_DUPFD_CLOEXEC, 0);
	if (parked_fd >= 0)
		close(parked_fd);
	parked_fd = fd;		/* -1 when dup failed: closed now, slower */
	mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

/*
 * Size the socket buffers for a batch of want bytes.  SO_*BUFFORCE needs
 * CAP_NET_ADMIN in the initial namespace; elsewhere the kernel caps
 * SO_SNDBUF at 2 * net.core.wmem_max.  Sets nl->sndbuf to what we got.
 */
static void nl_size_buffers(struct nl *nl, size_t want)
{
	int fd = mnl_socket_get_fd(nl->sk);
	int v = (int)(want > MAX_BATCH_BYTES ? MAX_BATCH_BYTES : want);
	int r = RCVBUF_BYTES, got = 0;
	socklen_t len = sizeof(got);

	nl->forced = setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v,
				sizeof(v)) == 0;
	if (!nl->forced)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &r, sizeof(r)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r, sizeof(r));
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &got, &len) == 0 && got > 0)
		nl->sndbuf = (size_t)got;
}

/*
 * True when buf[0..len) is a run of whole netlink messages.  libmnl 1.0.4's
 * mnl_nlmsg_ok() compares nlmsg_len as an int, so a length of 2 GiB or more
 * would walk mnl_cb_run() off the buffer; such a buffer is refused first.
 */
static bool msgs_ok(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t n = nlh->nlmsg_len;

		if (n < sizeof(*nlh) || n > len)
			return false;
		n = NLMSG_ALIGN(n);
		if (n >= len)
			break;
		p += n;
		len -= n;
	}
	return true;
}

/* Send one request and run cb over every reply until done (dump) or the
 * answer/ACK.  Returns 0 or -errno from the kernel. */
static int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data)
{
	static char buf[RECV_BYTES];
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (!msgs_ok(buf, (size_t)n))
			return -EBADMSG;
		ret = mnl_cb_run(buf, (size_t)n, seq, nl->portid, cb, data);
		if (ret < 0)
			return -errno;
		if (ret == MNL_CB_STOP || !(nlh->nlmsg_flags & NLM_F_DUMP))
			return 0;
	}
}

/* ---- batches -------------------------------------------------------------
 * Messages are built back to back into one buffer (no BEGIN/END); a
 * transaction is a run of them, sent with BEGIN and END around it in one
 * sendmsg().  Each message remembers what it is about, for errors.
 */

struct bmsg {
	size_t off;
	uint16_t type;
	int8_t family;		/* of the elements: 4, 6, 0 */
	const char *what;	/* object or set name (static or in names) */
	const struct rangeset *rs;	/* element messages: the ranges */
	const uint32_t *ord;	/* their order (NULL: as stored) */
	size_t first;		/* position of the first range in that order */
};

struct batch {
	char *buf;
	size_t len, cap;
	struct bmsg *m;
	size_t n, mcap;
	uint32_t seq0;		/* seq of message 0 */
	size_t elems;		/* element operations (ranges) */
};

static void batch_init(struct batch *b, uint32_t seq0)
{
	memset(b, 0, sizeof(*b));
	b->seq0 = seq0;
}

static void batch_free(struct batch *b)
{
	free(b->buf);
	free(b->m);
	memset(b, 0, sizeof(*b));
}

/* Room for bytes more at once: a world-sized batch grown by doubling
 * would leave its smaller copies behind, resident. */
static void batch_reserve(struct batch *b, size_t bytes)
{
	if (b->len + bytes > b->cap) {
		b->buf = xreallocarray(b->buf, b->len + bytes, 1);
		b->cap = b->len + bytes;
	}
}

/* Start a message; the returned header stays valid until batch_end(). */
static struct nlmsghdr *batch_hdr(struct batch *b, uint16_t type,
				  uint16_t flags, const char *what)
{
	struct bmsg *m;

	b->buf = xgrow(b->buf, &b->cap, b->len + MSG_RESERVE, 1);
	b->m = xgrow(b->m, &b->mcap, b->n + 1, sizeof(*b->m));
	m = &b->m[b->n];
	memset(m, 0, sizeof(*m));
	m->off = b->len;
	m->type = type;
	m->what = what;
	return nftnl_nlmsg_build_hdr(b->buf + b->len, type, NFPROTO_INET,
				     flags, b->seq0 + (uint32_t)b->n);
}

static void batch_end(struct batch *b, struct nlmsghdr *nlh)
{
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	b->n++;
}

static struct nlmsghdr *batch_msg(struct batch *b, size_t i)
{
	return (struct nlmsghdr *)(b->buf + b->m[i].off);
}

static size_t batch_bytes(const struct batch *b, size_t from, size_t to)
{
	size_t end = to < b->n ? b->m[to].off : b->len;

	return end - b->m[from].off;
}

/* ---- objects ------------------------------------------------------------- */

static void put_table(struct batch *b)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	/* flags 0: a table someone made dormant wakes up again */
	nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, 0);
	nlh = batch_hdr(b, NFT_MSG_NEWTABLE, NLM_F_CREATE, "table");
	nftnl_table_nlmsg_build_payload(nlh, t);
	batch_end(b, nlh);
	nftnl_table_free(t);
}

static void put_chain(struct batch *b, uint16_t type, const char *name,
		      int base)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (base >= 0 && type == NFT_MSG_NEWCHAIN) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, base_hooks[base]);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, base == BASE_PRE ?
				    PRIO_RAW : PRIO_FILTER);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = batch_hdr(b, type, type == NFT_MSG_NEWCHAIN ? NLM_F_CREATE : 0,
			base >= 0 ? base_names[base] : "country chain");
	nftnl_chain_nlmsg_build_payload(nlh, c);
	batch_end(b, nlh);
	nftnl_chain_free(c);
}

/* Delete every rule of a chain. */
static void put_flush_chain(struct batch *b, const char *name)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, name);
	nlh = batch_hdr(b, NFT_MSG_DELRULE, 0, "flush chain");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	batch_end(b, nlh);
	nftnl_rule_free(r);
}

static void put_set(struct batch *b, const char *name, int family, bool map,
		    bool excl, uint32_t id)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;

	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	if (family == 0) {	/* gen: mark . mark, 64 bits */
		nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE,
				  TYPE_MARK << TYPE_BITS | TYPE_MARK);
		nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, 8);
	} else {
		nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE,
				  family == 4 ? TYPE_IPADDR : TYPE_IP6ADDR);
		nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, family == 4 ? 4 : 16);
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_INTERVAL |
				  (map ? NFT_SET_MAP : 0));
	}
	if (map)
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
	nlh = batch_hdr(b, NFT_MSG_NEWSET,
			NLM_F_CREATE | (excl ? NLM_F_EXCL : 0), "set");
	nftnl_set_nlmsg_build_payload(nlh, s);
	batch_end(b, nlh);
	nftnl_set_free(s);
}

static void put_del_set(struct batch *b, const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;

	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nlh = batch_hdr(b, NFT_MSG_DELSET, 0, "delete old map");
	nftnl_set_nlmsg_build_payload(nlh, s);
	batch_end(b, nlh);
	nftnl_set_free(s);
}

static void put_counter(struct batch *b, const char *name)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh;

	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, NFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	/* without NLM_F_EXCL an existing counter is left as it is */
	nlh = batch_hdr(b, NFT_MSG_NEWOBJ, NLM_F_CREATE, "counter");
	nftnl_obj_nlmsg_build_payload(nlh, o);
	batch_end(b, nlh);
	nftnl_obj_free(o);
}

/* ---- rules ---------------------------------------------------------------- */

static void e_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void e_cmp(struct nftnl_rule *r, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

static void e_verdict(struct nftnl_rule *r, int verdict)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	nftnl_rule_add_expr(r, e);
}

static void e_cmp_op(struct nftnl_rule *r, uint32_t op, const void *data,
		     uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

static void e_payload(struct nftnl_rule *r, uint32_t base, uint32_t off,
		      uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_rule_add_expr(r, e);
}

/* meta nfproto F (0: any family) */
static void e_family(struct nftnl_rule *r, int family)
{
	uint8_t proto = family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6;

	if (!family)
		return;
	e_meta(r, NFT_META_NFPROTO);
	e_cmp(r, &proto, 1);
}

/* meta l4proto P */
static void e_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	e_meta(r, NFT_META_L4PROTO);
	e_cmp(r, &proto, 1);
}

/* th sport/dport lo-hi (network order compares bytewise, as nft does) */
static void e_port(struct nftnl_rule *r, bool dport, uint16_t lo, uint16_t hi)
{
	uint16_t l = htons(lo), h = htons(hi);

	e_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, dport ? 2 : 0, 2);
	if (lo == hi) {
		e_cmp(r, &l, 2);
		return;
	}
	e_cmp_op(r, NFT_CMP_GTE, &l, 2);
	e_cmp_op(r, NFT_CMP_LTE, &h, 2);
}

/* meta nfproto F; FAMILY-addr (src or dst) -> lookup set (vmap when map,
 * "not in set" when inv) */
static void e_addr(struct nftnl_rule *r, int family, bool dst,
		   const char *set, bool map, bool inv)
{
	struct nftnl_expr *e;

	e_family(r, family);
	/* IPv4 saddr at 12, daddr at 16; IPv6 saddr at 8, daddr at 24 */
	e_payload(r, NFT_PAYLOAD_NETWORK_HEADER, family == 4 ?
		  (dst ? 16 : 12) : (dst ? 24 : 8), family == 4 ? 4 : 16);
	e = nftnl_expr_alloc("lookup");
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	if (map)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
	if (inv)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	nftnl_rule_add_expr(r, e);
}

/* counter name "name" */
static void e_counter(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc("objref");

	nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE, NFT_OBJECT_COUNTER);
	nftnl_expr_set_str(e, NFTNL_EXPR_OBJREF_IMM_NAME, name);
	nftnl_rule_add_expr(r, e);
}

/*
 * limit rate R/unit burst B packets; log prefix "PREFIX" + reason + " "
 * level L.  A limit over its rate ends the rule, so it never stands in the
 * rule that drops: the caller puts the log rule first.
 */
static void e_log(struct nftnl_rule *r, const struct nft_log *l,
		  const char *reason)
{
	char prefix[MAX_LOG_PREFIX_BYTES + 1];
	struct nftnl_expr *e = nftnl_expr_alloc("limit");

	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, l->rate);
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, l->per);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, l->burst);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_FLAGS, 0);
	nftnl_rule_add_expr(r, e);
	/* cut to the kernel's NF_LOG_PREFIXLEN (a cut reason is fine) */
	if (snprintf(prefix, sizeof(prefix), "%s%s ", l->prefix, reason) < 0)
		prefix[0] = '\0';
	e = nftnl_expr_alloc("log");
	nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_LEVEL, l->level);
	nftnl_rule_add_expr(r, e);
}

static struct nftnl_rule *rule_new(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

static void put_rule(struct batch *b, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh;

	nlh = batch_hdr(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
			"rule");
	nftnl_rule_nlmsg_build_payload(nlh, r);
	batch_end(b, nlh);
	nftnl_rule_free(r);
}

static void slot_name(char *buf, size_t n, const char *pfx, int family,
		      unsigned slot)
{
	snprintf(buf, n, "%s%d_%u", pfx, family, slot);
}

/* What matches a packet to drop: addr (not) in set, or everything of a
 * family (set NULL). */
struct dmatch {
	int family;
	bool dst;
	const char *set;
	bool inv;
};

/* A drop rule's end: the log statement of its log rule, or counter name
 * NAME drop. */
static void e_drop_tail(struct nftnl_rule *r, bool logrule,
			const struct nft_log *l, const char *counter)
{
	if (logrule) {
		e_log(r, l, counter);
		return;
	}
	e_counter(r, counter);
	e_verdict(r, NF_DROP);
}

/* [log rule] then "match counter name NAME drop" */
static void put_drop(struct batch *b, const char *chain,
		     const struct dmatch *m, const struct nft_log *l,
		     const char *counter)
{
	struct nftnl_rule *r;

	for (int logrule = l->on ? 1 : 0; logrule >= 0; logrule--) {
		r = rule_new(chain);
		if (m->set)
			e_addr(r, m->family, m->dst, m->set, false, m->inv);
		else
			e_family(r, m->family);
		e_drop_tail(r, logrule, l, counter);
		put_rule(b, r);
	}
}

/* The base chain's role: prerouting filters inbound like input. */
static int role_of(int d)
{
	return d == BASE_PRE ? 0 : d;
}

/* Does role d look at the destination (dst 1) / source (dst 0)?  In:
 * source; out: destination; forward: both. */
static bool side_used(int role, int dst)
{
	return !((role == 0 && dst) || (role == 1 && !dst));
}

/* Rules 1-3: loopback, exceptions, world-open ports. */
static void put_accepts(struct batch *b, const struct nft_gen *g, int d)
{
	const char *chain = base_names[d];
	int role = role_of(d);
	uint32_t lo = 1;	/* "lo" is ifindex 1 in every namespace */
	uint8_t reply = 1;	/* IP_CT_DIR_REPLY */
	struct nftnl_rule *r;
	char set[16];

	if (role != 2) {
		r = rule_new(chain);
		e_meta(r, role == 0 ? NFT_META_IIF : NFT_META_OIF);
		e_cmp(r, &lo, sizeof(lo));
		e_verdict(r, NF_ACCEPT);
		put_rule(b, r);
	}
	for (int f = 4; f <= 6; f += 2)
		for (int dst = 0; dst < 2; dst++) {
			if (!side_used(role, dst))
				continue;
			snprintf(set, sizeof(set), "allow%d", f);
			r = rule_new(chain);
			e_addr(r, f, dst, set, false, false);
			e_verdict(r, NF_ACCEPT);
			put_rule(b, r);
		}
	for (size_t i = 0; i < g->nports && role != 2; i++) {
		struct nftnl_expr *e;

		r = rule_new(chain);
		if (role == 1) {	/* only the replies of the service */
			e = nftnl_expr_alloc("ct");
			nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY,
					   NFT_CT_DIRECTION);
			nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
			nftnl_rule_add_expr(r, e);
			e_cmp(r, &reply, 1);
		}
		e_l4proto(r, g->ports[i].proto);
		e_port(r, role == 0, g->ports[i].lo, g->ports[i].hi);
		e_verdict(r, NF_ACCEPT);
		put_rule(b, r);
	}
}

/* Rules 4-5 (block-list): deny set, then the country maps of slot. */
static void put_blocklist(struct batch *b, const struct nft_gen *g, int d,
			  unsigned slot)
{
	const char *chain = base_names[d];
	int role = role_of(d);
	struct nftnl_rule *r;
	char set[16];

	for (int f = 4; f <= 6; f += 2)
		for (int dst = 0; dst < 2; dst++) {
			struct dmatch m = { f, dst, set, false };

			/* no lookup per packet for an empty set */
			if (!side_used(role, dst) || !g->deny[f == 6].n)
				continue;
			snprintf(set, sizeof(set), "deny%d", f);
			put_drop(b, chain, &m, &g->log, "deny");
		}
	for (int f = 4; f <= 6; f += 2)
		for (int dst = 0; dst < 2; dst++) {
			if (!side_used(role, dst))
				continue;
			slot_name(set, sizeof(set), "geo", f, slot);
			r = rule_new(chain);
			e_addr(r, f, dst, set, true, false);
			put_rule(b, r);
		}
}

/* udp sport S dport D accept, family f */
static void put_udp_accept(struct batch *b, const char *chain, int f,
			   uint16_t sport, uint16_t dport)
{
	struct nftnl_rule *r = rule_new(chain);

	e_family(r, f);
	e_l4proto(r, IPPROTO_UDP);
	e_port(r, false, sport, sport);
	e_port(r, true, dport, dport);
	e_verdict(r, NF_ACCEPT);
	put_rule(b, r);
}

/*
 * Path MTU discovery: "packet too big" / "fragmentation needed" come from
 * any router on the path, whatever its country; dropping them would stall
 * connections with allowed peers (a PMTU black hole).
 */
static void put_pmtu_accept(struct batch *b, const char *chain, int f)
{
	uint8_t v4[2] = { ICMP_UNREACH, ICMP_FRAG_NEEDED };
	uint8_t v6 = ICMPV6_PKT_TOOBIG;
	struct nftnl_rule *r = rule_new(chain);

	e_family(r, f);
	e_l4proto(r, f == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	/* type, code */
	e_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, f == 4 ? 2 : 1);
	e_cmp(r, f == 4 ? (const void *)v4 : &v6, f == 4 ? 2 : 1);
	e_verdict(r, NF_ACCEPT);
	put_rule(b, r);
}

/* Rule 6 (allow-list) for family f: what the link needs, then the
 * allowed ranges; the rest is dropped. */
static void put_allowlist(struct batch *b, const struct nft_gen *g, int d,
			  int f, unsigned slot)
{
	const char *chain = base_names[d];
	int role = role_of(d);
	uint8_t nd[2] = { ICMPV6_ND_FIRST, ICMPV6_ND_LAST };
	struct nftnl_rule *r;
	char set[16];

	if (f == 6 && role != 2) {	/* ND is link-local: never forwarded */
		r = rule_new(chain);
		e_family(r, 6);
		e_l4proto(r, IPPROTO_ICMPV6);
		e_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
		e_cmp_op(r, NFT_CMP_GTE, &nd[0], 1);
		e_cmp_op(r, NFT_CMP_LTE, &nd[1], 1);
		e_verdict(r, NF_ACCEPT);
		put_rule(b, r);
	}
	if (role != 1)	/* to this host, or to a LAN host through it */
		put_pmtu_accept(b, chain, f);
	/* DHCP (67/68) and DHCPv6 (547/546): server replies in, client
	 * requests out (a unicast renewal may go to any address) */
	if (role == 0)
		put_udp_accept(b, chain, f, f == 4 ? 67 : 547,
			       f == 4 ? 68 : 546);
	else if (role == 1)
		put_udp_accept(b, chain, f, f == 4 ? 68 : 546,
			       f == 4 ? 67 : 547);
	slot_name(set, sizeof(set), "permit", f, slot);
	/* forward: both ends must be allowed */
	for (int dst = 0; dst < 2; dst++) {
		struct dmatch m = { f, dst, set, true };

		if (side_used(role, dst))
			put_drop(b, chain, &m, &g->log, "notallowed");
	}
}

/* The rules of base chain d using slot's maps (the order in nft.h). */
static void put_base_rules(struct batch *b, const struct nft_gen *g, int d,
			   unsigned slot)
{
	unsigned bit = 1u << role_of(d);

	put_accepts(b, g, d);
	if (g->dirs & bit)
		put_blocklist(b, g, d, slot);
	for (int f = 4; f <= 6 && (g->permit_dirs & bit); f += 2)
		if (g->permit[f == 6].n)
			put_allowlist(b, g, d, f, slot);
}

/* chain cc_XX { [limit log]; counter name "cc_XX"; drop } (and the counter) */
static void put_country(struct batch *b, const char *name,
			const struct nft_log *l)
{
	struct dmatch all = { 0, false, NULL, false };

	put_counter(b, name);
	put_chain(b, NFT_MSG_NEWCHAIN, name, -1);
	put_flush_chain(b, name);
	put_drop(b, name, &all, l, name);
}

/* The verdict chain of a map tag: cc_XX for a country (once per element
 * of a full replace: no snprintf), lx_MASK (hex) for lists. */
static void cc_chain(uint32_t tag, char buf[8])
{
	if (tag & NFT_LIST_TAG) {
		snprintf(buf, 8, "lx_%04x", tag & NFT_LIST_MASK & 0xffffu);
		return;
	}
	memcpy(buf, "cc_", 3);
	cc_format(tag, buf + 3);
}

/* A list's counter: "ls_NAME". */
static void list_counter(const struct nft_list *l, char *buf, size_t n)
{
	snprintf(buf, n, "ls_%s", l->name);
}

/* [limit log] counter name C drop, for packets of proto (0: any) to ports
 * lo-hi (0: any). */
static void put_scope_drop(struct batch *b, const char *chain, uint8_t proto,
			   uint16_t lo, uint16_t hi, const struct nft_log *l,
			   const char *counter)
{
	for (int logrule = l->on ? 1 : 0; logrule >= 0; logrule--) {
		struct nftnl_rule *r = rule_new(chain);

		if (proto)
			e_l4proto(r, proto);
		if (lo)
			e_port(r, true, lo, hi);
		e_drop_tail(r, logrule, l, counter);
		put_rule(b, r);
	}
}

/* chain lx_BIT of list k: its counter and the drops of its scope */
static void put_list_chain(struct batch *b, const struct nft_gen *g, size_t k)
{
	const struct nft_list *l = &g->lists[k];
	char chain[8], ctr[MAX_COUNTER_NAME];

	cc_chain(NFT_LIST_TAG | 1u << k, chain);
	list_counter(l, ctr, sizeof(ctr));
	put_counter(b, ctr);
	put_chain(b, NFT_MSG_NEWCHAIN, chain, -1);
	put_flush_chain(b, chain);
	if (!l->nports && !l->protos)
		put_scope_drop(b, chain, 0, 0, 0, &g->log, ctr);
	for (size_t i = 0; i < l->nports; i++)
		put_scope_drop(b, chain, l->ports[i].proto, l->ports[i].lo,
			       l->ports[i].hi, &g->log, ctr);
	if (l->protos & NFT_PROTO_TCP)
		put_scope_drop(b, chain, IPPROTO_TCP, 0, 0, &g->log, ctr);
	if (l->protos & NFT_PROTO_UDP)
		put_scope_drop(b, chain, IPPROTO_UDP, 0, 0, &g->log, ctr);
	if (l->protos & NFT_PROTO_ICMP) {
		put_scope_drop(b, chain, IPPROTO_ICMP, 0, 0, &g->log, ctr);
		put_scope_drop(b, chain, IPPROTO_ICMPV6, 0, 0, &g->log, ctr);
	}
}

/* chain lx_MASK of ranges several scoped lists hold: each list's rules */
static void put_combo_chain(struct batch *b, uint32_t tag)
{
	char chain[8], to[8];

	cc_chain(tag, chain);
	put_chain(b, NFT_MSG_NEWCHAIN, chain, -1);
	put_flush_chain(b, chain);
	for (unsigned k = 0; k < MAX_LISTS; k++) {
		struct nftnl_rule *r;
		struct nftnl_expr *e;

		if (!(tag & (1u << k)))
			continue;
		cc_chain(NFT_LIST_TAG | 1u << k, to);
		r = rule_new(chain);
		e = nftnl_expr_alloc("immediate");
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT,
				   (uint32_t)NFT_JUMP);
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, to);
		nftnl_rule_add_expr(r, e);
		put_rule(b, r);
	}
}

/* ---- elements ------------------------------------------------------------- */

/* An attribute header at p (nested: NLA_F_NESTED, as libmnl sets it) for
 * payload bytes; returns where the payload goes. */
static uint8_t *attr_at(uint8_t *p, uint16_t type, size_t payload)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + payload),
			    .nla_type = type };

	memcpy(p, &a, sizeof(a));
	return p + NLA_HDRLEN;
}

/*
 * One set element at the message's tail: key (start or interval end),
 * for a map start "jump chain".  The bytes libmnl's nest and put calls
 * would write, written in place: a world map is ~400k elements, and ten
 * library calls each took most of a full replace's own time.
 */
static void put_elem(struct nlmsghdr *nlh, int family, u128 key, bool end,
		     const char *chain)
{
	size_t w = family == 4 ? 4 : 16, keyn = 2 * NLA_HDRLEN + w;
	size_t cl = chain ? strlen(chain) + 1 : 0;
	size_t chainn = NLA_HDRLEN + NLA_ALIGN(cl);
	size_t datan = 3 * NLA_HDRLEN + NLA_ALIGN(4) + chainn;
	size_t elemn = NLA_HDRLEN + keyn + (end ? NLA_HDRLEN + NLA_ALIGN(4) :
				0) + (chain ? datan : 0);
	uint8_t *p = mnl_nlmsg_get_payload_tail(nlh), *q;
	uint32_t v;

	p = attr_at(p, NFTA_LIST_ELEM | NLA_F_NESTED, elemn - NLA_HDRLEN);
	p = attr_at(p, NFTA_SET_ELEM_KEY | NLA_F_NESTED, keyn - NLA_HDRLEN);
	p = attr_at(p, NFTA_DATA_VALUE, w);
	if (family == 4) {
		v = htonl((uint32_t)key);
		memcpy(p, &v, 4);
	} else {
		util_put_be128(p, key);
	}
	p += w;
	if (end) {
		p = attr_at(p, NFTA_SET_ELEM_FLAGS, 4);
		v = htonl(NFT_SET_ELEM_INTERVAL_END);
		memcpy(p, &v, 4);
		p += 4;
	}
	if (chain) {
		p = attr_at(p, NFTA_SET_ELEM_DATA | NLA_F_NESTED,
			    datan - NLA_HDRLEN);
		p = attr_at(p, NFTA_DATA_VERDICT | NLA_F_NESTED,
			    datan - 2 * NLA_HDRLEN);
		p = attr_at(p, NFTA_VERDICT_CODE, 4);
		v = htonl((uint32_t)NFT_JUMP);
		memcpy(p, &v, 4);
		q = attr_at(p + 4, NFTA_VERDICT_CHAIN, cl);
		memcpy(q, chain, cl);
		memset(q + cl, 0, NLA_ALIGN(cl) - cl);
	}
	nlh->nlmsg_len += (uint32_t)elemn;
}

struct elw {
	struct batch *b;
	struct nlmsghdr *nlh;
	struct nlattr *list;
	uint16_t type;
	const char *set;
	int family;
	const struct rangeset *rs;
	const uint32_t *ord;
};

static void elw_open(struct elw *w, size_t first)
{
	uint16_t flags = w->type == NFT_MSG_NEWSETELEM ?
			 NLM_F_CREATE | NLM_F_EXCL : 0;

	w->nlh = batch_hdr(w->b, w->type, flags, w->set);
	w->b->m[w->b->n].family = (int8_t)w->family;
	w->b->m[w->b->n].rs = w->rs;
	w->b->m[w->b->n].ord = w->ord;
	w->b->m[w->b->n].first = first;
	mnl_attr_put_strz(w->nlh, NFTA_SET_ELEM_LIST_TABLE, NFT_TABLE);
	mnl_attr_put_strz(w->nlh, NFTA_SET_ELEM_LIST_SET, w->set);
	w->list = mnl_attr_nest_start(w->nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
}

static void elw_close(struct elw *w)
{
	if (!w->nlh)
		return;
	mnl_attr_nest_end(w->nlh, w->list);
	batch_end(w->b, w->nlh);
	w->nlh = NULL;
}

/*
 * Element messages for every range of rs, in the order ord (NULL: as
 * stored), on set name (add or delete), one nest per message kept under
 * NEST_LIMIT.  map: data is "jump cc_XX".
 */
static void put_elems(struct batch *b, uint16_t type, const char *set,
		      const struct rangeset *rs, const uint32_t *ord, bool map)
{
	struct elw w = { .b = b, .type = type, .set = set,
			 .family = rs->family, .rs = rs, .ord = ord };
	bool data = map && type == NFT_MSG_NEWSETELEM;
	u128 top = cidr_max(rs->family);
	char chain[8];

	for (size_t i = 0; i < rs->n; i++) {
		const struct range *r = &rs->v[ord ? ord[i] : i];

		if (w.nlh && (char *)mnl_nlmsg_get_payload_tail(w.nlh) -
		    (char *)w.list > NEST_LIMIT)
			elw_close(&w);
		if (!w.nlh)
			elw_open(&w, i);
		if (data)
			cc_chain(r->tag, chain);
		put_elem(w.nlh, rs->family, r->lo, false, data ? chain : NULL);
		if (r->hi != top)
			put_elem(w.nlh, rs->family, r->hi + 1, true, NULL);
		b->elems++;
	}
	elw_close(&w);
}

/*
 * At most how many bytes put_elems() writes for rs: a start element (key,
 * with map data "jump cc_XX") and an end element (key, flags) a range,
 * and a message header per NEST_LIMIT bytes of them.
 */
static size_t elems_bytes(const struct rangeset *rs, bool map)
{
	size_t key = 2 * NLA_HDRLEN + NLA_ALIGN(rs->family == 4 ? 4 : 16);
	size_t data = 4 * NLA_HDRLEN + NLA_ALIGN(4) + NLA_ALIGN(sizeof("cc_XX"));
	size_t per = 2 * NLA_HDRLEN + 2 * key + NLA_HDRLEN + NLA_ALIGN(4) +
		     (map ? data : 0);
	size_t bytes = rs->n * per;

	return bytes + (bytes / NEST_LIMIT + 1) * MSG_HDR_BYTES;
}

/* Flush a set (DELSETELEM without a list). */
static void put_flush_set(struct batch *b, const char *set)
{
	struct nlmsghdr *nlh = batch_hdr(b, NFT_MSG_DELSETELEM, 0, set);

	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFT_TABLE);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	batch_end(b, nlh);
}

/* The gen set's one element: the fingerprint as mark . mark. */
static void put_gen(struct batch *b, uint16_t type, uint64_t fp)
{
	struct nlmsghdr *nlh;
	struct nlattr *list, *e, *k;
	uint32_t v[2] = { htonl((uint32_t)(fp >> 32)), htonl((uint32_t)fp) };

	nlh = batch_hdr(b, type, type == NFT_MSG_NEWSETELEM ?
			NLM_F_CREATE | NLM_F_EXCL : 0, "gen");
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFT_TABLE);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, "gen");
	list = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
	e = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	k = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_KEY);
	mnl_attr_put(nlh, NFTA_DATA_VALUE, sizeof(v), v);
	mnl_attr_nest_end(nlh, k);
	mnl_attr_nest_end(nlh, e);
	mnl_attr_nest_end(nlh, list);
	batch_end(b, nlh);
}

/* ---- sending -------------------------------------------------------------- */

struct txn_err {
	uint32_t last_seq;	/* the message that asked for the ACK */
	int err;		/* first error, -errno */
	size_t msg;		/* its message index, or SIZE_MAX */
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS, 0: none */
	size_t nerr;
	bool acked;
};

static void put_batch_marker(char *buf, uint16_t type, uint32_t seq,
			     uint32_t genid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = htons(NFNL_SUBSYS_NFTABLES);
	if (type == NFNL_MSG_BATCH_BEGIN)
		mnl_attr_put_u32(nlh, NFNL_BATCH_GENID, htonl(genid));
}

static void parse_error(struct batch *b, const struct nlmsghdr *nlh,
			struct txn_err *te)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t idx, hl = sizeof(*e);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return;		/* too short to be an error: not ours */
	idx = e->msg.nlmsg_seq - b->seq0;
	if (e->error == 0) {
		if (e->msg.nlmsg_seq == te->last_seq)
			te->acked = true;
		return;
	}
	te->nerr++;
	if (te->err)
		return;
	te->err = e->error;
	te->msg = idx < b->n ? idx : SIZE_MAX;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hl += e->msg.nlmsg_len - sizeof(e->msg);
	if (hl > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_for_each(a, nlh, hl) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			te->offs = mnl_attr_get_u32(a);
	}
}

/* Drain every queued reply (nfnetlink answered inside sendmsg()). */
static int drain(struct nl *nl, struct batch *b, struct txn_err *te)
{
	static char buf[RECV_BYTES];
	int fd = mnl_socket_get_fd(nl->sk);

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 :
			       -errno;
		if (!msgs_ok(buf, (size_t)n))
			return -EBADMSG;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			if (nlh->nlmsg_type == NLMSG_ERROR)
				parse_error(b, nlh, te);
	}
}

/* Which range of an element message an error offset points into. */
static size_t err_range(struct batch *b, const struct txn_err *te)
{
	const struct bmsg *m = &b->m[te->msg];
	struct nlmsghdr *nlh = batch_msg(b, te->msg);
	const struct nlattr *a, *e;
	size_t starts = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS)
			continue;
		mnl_attr_for_each_nested(e, a) {
			const struct nlattr *f;
			bool end = false;

			mnl_attr_for_each_nested(f, e)
				if (mnl_attr_get_type(f) == NFTA_SET_ELEM_FLAGS)
					end = true;
			if (!end)
				starts++;
			if ((const char *)e - (const char *)nlh <= (long)te->offs &&
			    (const char *)e + e->nla_len - (const char *)nlh >
			    (long)te->offs)
				return m->first + (starts ? starts - 1 : 0);
		}
	}
	return SIZE_MAX;
}

static void report_error(struct batch *b, const struct txn_err *te)
{
	char lo[CIDR_STRLEN], hi[CIDR_STRLEN], cc[3];
	const struct bmsg *m;
	size_t r;

	if (te->msg == SIZE_MAX) {
		snprintf(last_error, sizeof(last_error), "batch refused: %s",
			 strerror(-te->err));
		return;
	}
	m = &b->m[te->msg];
	if (!m->rs || !te->offs ||
	    (r = err_range(b, te)) == SIZE_MAX || r >= m->rs->n ||
	    (m->ord && (r = m->ord[r]) >= m->rs->n)) {
		snprintf(last_error, sizeof(last_error), "message %zu (%s): %s",
			 te->msg, m->what, strerror(-te->err));
		return;
	}
	snprintf(last_error, sizeof(last_error),
		 "message %zu (%s %s): element %s-%s (%s): %s", te->msg,
		 m->type == NFT_MSG_NEWSETELEM ? "add to" : "delete from",
		 m->what, cidr_format_addr(m->family, m->rs->v[r].lo, lo),
		 cidr_format_addr(m->family, m->rs->v[r].hi, hi),
		 cc_format(m->rs->v[r].tag, cc), strerror(-te->err));
}

/*
 * Send messages [from, to) as one transaction checked against genid.
 * The last message carries NLM_F_ACK.  Returns 0 or the kernel's -errno.
 */
static int send_txn(struct nl *nl, struct batch *b, size_t from, size_t to,
		    uint32_t genid, bool fail_last)
{
	char begin[64], end[64];
	struct nlmsghdr *last = batch_msg(b, to - 1);
	struct txn_err te = { .msg = SIZE_MAX, .last_seq = last->nlmsg_seq };
	uint16_t type = last->nlmsg_type;
	struct iovec iov[3];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa),
			     .msg_iov = iov, .msg_iovlen = 3 };
	int ret;

	put_batch_marker(begin, NFNL_MSG_BATCH_BEGIN, nl->seq++, genid);
	put_batch_marker(end, NFNL_MSG_BATCH_END, nl->seq++, 0);
	last->nlmsg_flags |= NLM_F_ACK;
	if (fail_last)	/* test hook: a message type the kernel refuses */
		last->nlmsg_type = NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_MAX;
	iov[0] = (struct iovec){ begin, ((struct nlmsghdr *)begin)->nlmsg_len };
	iov[1] = (struct iovec){ b->buf + b->m[from].off,
				 batch_bytes(b, from, to) };
	iov[2] = (struct iovec){ end, ((struct nlmsghdr *)end)->nlmsg_len };
	ret = sendmsg(mnl_socket_get_fd(nl->sk), &mh, 0) < 0 ? -errno : 0;
	last->nlmsg_type = type;
	if (ret)
		return ret;
	ret = drain(nl, b, &te);
	if (te.err) {
		report_error(b, &te);
		return te.err;
	}
	if (ret)
		return ret;
	return te.acked ? 0 : -EIO;
}

/* ---- reading the kernel --------------------------------------------------- */

struct kview {
	uint32_t genid;
	bool table;
	unsigned bases;		/* base chains present, bit d */
	unsigned slots[2];	/* geo4_N / geo6_N present, bit N */
	unsigned pslots[2];	/* permit4_N / permit6_N present, bit N */
	unsigned deny;		/* deny4 (bit 0) / deny6 (bit 1) present */
	bool have_gen;		/* set gen exists */
	bool fp_ok;		/* gen holds one element */
	uint64_t fp;
};

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == NFTA_GEN_ID &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			*(uint32_t *)data = ntohl(mnl_attr_get_u32(a));
	return MNL_CB_OK;
}

static int get_genid(struct nl *nl, uint32_t *genid)
{
	char buf[256];
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN,
						     AF_UNSPEC, 0, nl->seq++);

	return nl_talk(nl, nlh, gen_cb, genid);
}

/*
 * Replies are decoded with libmnl and checked attribute by attribute:
 * libnftnl's parsers abort() the process on an attribute of an unexpected
 * size ("kernel ABI is broken"), and nothing a socket delivers may do that.
 * A malformed attribute makes its message (or element) be ignored.
 */
struct attrs {
	const struct nlattr **tb;
	unsigned max;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct attrs *at = data;
	unsigned type = mnl_attr_get_type(a);

	if (type <= at->max)
		at->tb[type] = a;
	return MNL_CB_OK;
}

/* The attributes of a message (after its nfgenmsg), or of a nest. */
static int msg_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
		     unsigned max)
{
	struct attrs at = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, &at) < 0 ?
		-EBADMSG : 0;
}

static int nest_attrs(const struct nlattr *nest, const struct nlattr **tb,
		      unsigned max)
{
	struct attrs at = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (!nest || mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -EBADMSG;
	return mnl_attr_parse_nested(nest, attr_cb, &at) < 0 ? -EBADMSG : 0;
}

/* A NUL-terminated string attribute, or NULL. */
static const char *attr_str(const struct nlattr *a)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return NULL;
	return mnl_attr_get_str(a);
}

static bool attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	*v = ntohl(mnl_attr_get_u32(a));
	return true;
}

static bool attr_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return false;
	*v = be64toh(mnl_attr_get_u64(a));
	return true;
}

/* The name of a chain or set (attribute name_attr) of our table, or NULL
 * (NFTA_{CHAIN,SET}_TABLE is attribute 1 in both). */
static const char *our_name(const struct nlmsghdr *nlh, unsigned name_attr)
{
	const struct nlattr *tb[NFTA_CHAIN_NAME + 1];
	const char *t;

	if (msg_attrs(nlh, tb, NFTA_CHAIN_NAME))
		return NULL;
	t = attr_str(tb[NFTA_CHAIN_TABLE]);
	if (!t || strcmp(t, NFT_TABLE))
		return NULL;
	return attr_str(tb[name_attr]);
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kview *v = data;
	const char *n = our_name(nlh, NFTA_CHAIN_NAME);

	for (int d = 0; n && d < NBASES; d++)
		if (!strcmp(n, base_names[d]))
			v->bases |= 1u << d;
	return MNL_CB_OK;
}

/* PFX4_N / PFX6_N (our own names, parsed strictly): bit N of slots[f]. */
static void slot_seen(const char *n, const char *pfx, unsigned slots[2])
{
	size_t l = strlen(pfx);

	if (strlen(n) == l + 3 && !strncmp(n, pfx, l) && n[l + 1] == '_' &&
	    (n[l] == '4' || n[l] == '6') && n[l + 2] >= '0' &&
	    n[l + 2] < '0' + NFT_SLOTS)
		slots[n[l] == '6'] |= 1u << (n[l + 2] - '0');
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct kview *v = data;
	const char *n = our_name(nlh, NFTA_SET_NAME);

	if (!n)
		return MNL_CB_OK;
	if (!strcmp(n, "gen"))
		v->have_gen = true;
	if (!strcmp(n, "deny4") || !strcmp(n, "deny6"))
		v->deny |= n[4] == '6' ? 2u : 1u;
	slot_seen(n, "geo", v->slots);
	slot_seen(n, "permit", v->pslots);
	return MNL_CB_OK;
}

/* One set element as a reply holds it. */
struct kelem {
	const uint8_t *key;
	uint32_t klen;
	uint32_t flags;
	const char *chain;	/* jump target of a map element, or NULL */
};

typedef void (*kelem_fn)(const struct kelem *e, void *data);

/* Decode one NFTA_LIST_ELEM; false when it is malformed. */
static bool elem_parse(const struct nlattr *el, struct kelem *e)
{
	const struct nlattr *tb[NFTA_SET_ELEM_FLAGS + 1];	/* > KEY, DATA */
	const struct nlattr *val[NFTA_DATA_VERDICT + 1];
	const struct nlattr *vd[NFTA_VERDICT_CHAIN + 1];

	memset(e, 0, sizeof(*e));
	if (nest_attrs(el, tb, NFTA_SET_ELEM_FLAGS) ||
	    nest_attrs(tb[NFTA_SET_ELEM_KEY], val, NFTA_DATA_VERDICT) ||
	    !val[NFTA_DATA_VALUE])
		return false;
	e->key = mnl_attr_get_payload(val[NFTA_DATA_VALUE]);
	e->klen = mnl_attr_get_payload_len(val[NFTA_DATA_VALUE]);
	if (tb[NFTA_SET_ELEM_FLAGS] && !attr_u32(tb[NFTA_SET_ELEM_FLAGS],
						 &e->flags))
		return false;
	if (tb[NFTA_SET_ELEM_DATA] &&
	    !nest_attrs(tb[NFTA_SET_ELEM_DATA], val, NFTA_DATA_VERDICT) &&
	    !nest_attrs(val[NFTA_DATA_VERDICT], vd, NFTA_VERDICT_CHAIN))
		e->chain = attr_str(vd[NFTA_VERDICT_CHAIN]);
	return true;
}

/* Run fn over the well-formed elements of a set-element reply; *set is
 * the set's name (NULL when absent). */
static void elems_parse(const struct nlmsghdr *nlh, const char **set,
			kelem_fn fn, void *data)
{
	const struct nlattr *tb[NFTA_SET_ELEM_LIST_ELEMENTS + 1];
	const struct nlattr *list, *el;
	struct kelem e;

	*set = NULL;
	if (msg_attrs(nlh, tb, NFTA_SET_ELEM_LIST_ELEMENTS))
		return;
	*set = attr_str(tb[NFTA_SET_ELEM_LIST_SET]);
	if (!fn)
		return;
	list = tb[NFTA_SET_ELEM_LIST_ELEMENTS];
	if (!list || mnl_attr_validate(list, MNL_TYPE_NESTED) < 0)
		return;
	mnl_attr_for_each_nested(el, list)
		if (mnl_attr_get_type(el) == NFTA_LIST_ELEM &&
		    elem_parse(el, &e))
			fn(&e, data);
}

static void elem_gen_fn(const struct kelem *e, void *data)
{
	struct kview *v = data;

	if (e->klen == 8) {
		v->fp = (uint64_t)e->key[0] << 56 | (uint64_t)e->key[1] << 48 |
			(uint64_t)e->key[2] << 40 | (uint64_t)e->key[3] << 32 |
			(uint64_t)e->key[4] << 24 | (uint64_t)e->key[5] << 16 |
			(uint64_t)e->key[6] << 8 | e->key[7];
		v->fp_ok = !v->fp_ok;	/* two elements: not ours */
	}
}

static int gen_elems_cb(const struct nlmsghdr *nlh, void *data)
{
	const char *set;

	elems_parse(nlh, &set, elem_gen_fn, data);
	return MNL_CB_OK;
}

/* Dump request for the objects of type (GETCHAIN/GETSET/GETSETELEM). */
static struct nlmsghdr *dump_req(struct nl *nl, char *buf, uint16_t type,
				 const char *set)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET,
						     NLM_F_DUMP, nl->seq++);

	/* NFTA_{CHAIN,SET,SET_ELEM_LIST}_TABLE are all attribute 1 */
	mnl_attr_put_strz(nlh, NFTA_SET_TABLE, NFT_TABLE);
	if (set)
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	return nlh;
}

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	*(bool *)data = true;
	return MNL_CB_OK;
}

static int read_view(struct nl *nl, struct kview *v)
{
	char buf[512];
	struct nlmsghdr *nlh;
	int ret;

	memset(v, 0, sizeof(*v));
	ret = get_genid(nl, &v->genid);
	if (ret)
		return ret;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, 0,
				    nl->seq++);
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, NFT_TABLE);
	ret = nl_talk(nl, nlh, table_cb, &v->table);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	ret = nl_talk(nl, dump_req(nl, buf, NFT_MSG_GETCHAIN, NULL), chain_cb, v);
	if (!ret)
		ret = nl_talk(nl, dump_req(nl, buf, NFT_MSG_GETSET, NULL),
			      set_cb, v);
	if (!ret && v->have_gen)
		ret = nl_talk(nl, dump_req(nl, buf, NFT_MSG_GETSETELEM, "gen"),
			      gen_elems_cb, v);
	return ret;
}

/* ---- apply ------------------------------------------------------------------ */

void nft_gen_init(struct nft_gen *g)
{
	memset(g, 0, sizeof(*g));
	for (int f = 0; f < 2; f++) {
		rangeset_init(&g->map[f], f ? 6 : 4);
		rangeset_init(&g->allow[f], f ? 6 : 4);
		rangeset_init(&g->permit[f], f ? 6 : 4);
		rangeset_init(&g->deny[f], f ? 6 : 4);
		for (size_t k = 0; k < MAX_LISTS; k++)
			rangeset_init(&g->lists[k].set[f], f ? 6 : 4);
	}
}

void nft_gen_free(struct nft_gen *g)
{
	if (!g)
		return;
	for (int f = 0; f < 2; f++) {
		rangeset_free(&g->map[f]);
		rangeset_free(&g->allow[f]);
		rangeset_free(&g->permit[f]);
		rangeset_free(&g->deny[f]);
		for (size_t k = 0; k < MAX_LISTS; k++)
			rangeset_free(&g->lists[k].set[f]);
	}
}

static bool same_log(const struct nft_log *a, const struct nft_log *b)
{
	if (!a->on || !b->on)
		return a->on == b->on;
	return a->rate == b->rate && a->per == b->per &&
	       a->burst == b->burst && a->level == b->level &&
	       !strcmp(a->prefix, b->prefix);
}

static bool same_ports(const struct nft_port *a, const struct nft_port *b,
		       size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].proto != b[i].proto || a[i].lo != b[i].lo ||
		    a[i].hi != b[i].hi)
			return false;
	return true;
}

/* The lists' names and scopes (their chains), not their entries. */
static bool same_lists(const struct nft_gen *a, const struct nft_gen *b)
{
	if (a->nlists != b->nlists)
		return false;
	for (size_t k = 0; k < a->nlists; k++) {
		const struct nft_list *x = &a->lists[k], *y = &b->lists[k];

		if (strcmp(x->name, y->name) || x->protos != y->protos ||
		    x->nports != y->nports ||
		    !same_ports(x->ports, y->ports, x->nports))
			return false;
	}
	return true;
}

bool nft_gen_same_policy(const struct nft_gen *a, const struct nft_gen *b)
{
	if (a->dirs != b->dirs || a->permit_dirs != b->permit_dirs ||
	    a->early != b->early || a->nports != b->nports ||
	    !same_log(&a->log, &b->log) || !same_lists(a, b))
		return false;
	for (int f = 0; f < 2; f++)
		if (!a->permit[f].n != !b->permit[f].n ||
		    !a->deny[f].n != !b->deny[f].n)
			return false;
	return same_ports(a->ports, b->ports, a->nports);
}

/* A 64-bit multiply-xorshift mix: fast, good enough to tell generations
 * apart (not a defence against someone forging one). */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* Five independent lanes, one per word of a range, folded at the end:
 * one chain of dependent multiplications through every word made a world
 * map's fingerprint take ~2 ms. */
static uint64_t hash_set(uint64_t h, const struct rangeset *s)
{
	uint64_t l[5] = { 1, 2, 3, 4, 5 };

	for (size_t i = 0; i < s->n; i++) {
		l[0] = mix(l[0], (uint64_t)(s->v[i].lo >> 64));
		l[1] = mix(l[1], (uint64_t)s->v[i].lo);
		l[2] = mix(l[2], (uint64_t)(s->v[i].hi >> 64));
		l[3] = mix(l[3], (uint64_t)s->v[i].hi);
		l[4] = mix(l[4], s->v[i].tag);
	}
	for (int k = 0; k < 5; k++)
		h = mix(h, l[k]);
	return mix(h, s->n);
}

static uint64_t hash_policy(uint64_t h, const struct nft_gen *g)
{
	h = mix(h, g->permit_dirs);
	h = mix(h, g->early);
	for (size_t i = 0; i < g->nports; i++)
		h = mix(h, (uint64_t)g->ports[i].proto << 32 |
			(uint64_t)g->ports[i].lo << 16 | g->ports[i].hi);
	h = mix(h, g->nports);
	h = mix(h, g->log.on);
	if (g->log.on) {
		h = mix(h, (uint64_t)g->log.rate << 32 | g->log.per);
		h = mix(h, (uint64_t)g->log.burst << 32 | g->log.level);
		for (const char *p = g->log.prefix; *p; p++)
			h = mix(h, (unsigned char)*p);
	}
	return h;
}

static uint64_t hash_list(uint64_t h, const struct nft_list *l)
{
	for (const char *p = l->name; *p; p++)
		h = mix(h, (unsigned char)*p);
	h = mix(h, (uint64_t)l->protos << 32 | l->nports);
	for (size_t i = 0; i < l->nports; i++)
		h = mix(h, (uint64_t)l->ports[i].proto << 32 |
			(uint64_t)l->ports[i].lo << 16 | l->ports[i].hi);
	return hash_set(hash_set(h, &l->set[0]), &l->set[1]);
}

uint64_t nft_gen_fingerprint(const struct nft_gen *g)
{
	uint64_t h = mix(0xcbf29ce484222325ull, g->dirs);

	for (int f = 0; f < 2; f++) {
		h = hash_set(h, &g->map[f]);
		h = hash_set(h, &g->allow[f]);
	}
	/* a generation without the policy fields hashes as before */
	if (g->permit_dirs || g->nports || g->log.on || g->early ||
	    g->permit[0].n || g->permit[1].n || g->deny[0].n || g->deny[1].n) {
		for (int f = 0; f < 2; f++) {
			h = hash_set(h, &g->permit[f]);
			h = hash_set(h, &g->deny[f]);
		}
		h = hash_policy(h, g);
	}
	for (size_t k = 0; k < g->nlists; k++)
		h = hash_list(h, &g->lists[k]);
	return h & ~SLOT_MASK;
}

/*
 * The kernel's permit set of family f: the allowed countries' ranges
 * flattened, plus the never-block ranges (the LAN, link-local, multicast),
 * or nothing when the family has no allowed ranges (it is not filtered).
 * out is initialized here; the caller frees it.
 */
static void permit_elems(const struct nft_gen *g, int f, struct rangeset *out)
{
	struct rangeset flat, never;

	rangeset_init(out, f ? 6 : 4);
	if (!g->permit[f].n)
		return;
	rangeset_init(&flat, f ? 6 : 4);
	rangeset_copy(&flat, &g->permit[f]);
	rangeset_flatten(&flat, 0);
	compile_neverblock(f ? 6 : 4, &never);
	rangeset_union(&flat, &never, out);
	rangeset_free(&flat);
	rangeset_free(&never);
}

/* The base chains g needs, bit d (see base_names). */
static unsigned chain_mask(const struct nft_gen *g)
{
	unsigned m = (g->dirs | g->permit_dirs) & 7u;

	if (g->early && (m & NFT_DIR_IN))
		m |= 1u << BASE_PRE;
	return m;
}

static int range_lo_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Merge the index runs a[lo, mid) and a[mid, hi), each in address order,
 * into out[lo, hi). */
static void merge_runs(const struct range *v, const uint32_t *a,
		       uint32_t *out, size_t lo, size_t mid, size_t hi)
{
	size_t i = lo, j = mid, k = lo;

	while (i < mid && j < hi)
		out[k++] = v[a[j]].lo < v[a[i]].lo ? a[j++] : a[i++];
	while (i < mid)
		out[k++] = a[i++];
	while (j < hi)
		out[k++] = a[j++];
}

/*
 * The kernel gets elements in ascending address order, as nft sends them.
 * A normal set is sorted by country, each country's ranges by address:
 * a few hundred ascending runs, merged pairwise (an index, 4 bytes a
 * range, not a copy of the ranges; a qsort of the index took ~20 ms of a
 * world apply).  The caller frees the result.
 */
static uint32_t *addr_order(const struct rangeset *s)
{
	size_t n = s->n, runs = 0;
	uint32_t *a = xcalloc(n ? n : 1, sizeof(*a));
	uint32_t *t = xcalloc(n ? n : 1, sizeof(*t)), *x;
	uint32_t *b = xcalloc(n + 1, sizeof(*b));	/* run starts */

	for (size_t i = 0; i < n; i++) {
		a[i] = (uint32_t)i;
		if (!i || s->v[i].lo < s->v[i - 1].lo)
			b[runs++] = (uint32_t)i;
	}
	while (runs > 1) {
		size_t k = 0;

		for (size_t r = 0; r < runs; r += 2) {
			size_t mid = r + 1 < runs ? b[r + 1] : n;
			size_t hi = r + 2 < runs ? b[r + 2] : n;

			merge_runs(s->v, a, t, b[r], mid, hi);
			b[k++] = b[r];
		}
		runs = k;
		x = a;
		a = t;
		t = x;
	}
	free(t);
	free(b);
	return a;
}

/* Does the normal set s (sorted by tag) hold a range of country t? */
static bool has_tag(const struct rangeset *s, uint32_t t)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {	/* the first range with tag >= t */
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].tag < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->v[lo].tag == t;
}

/* The verdict chains of the tags of a map set, each once (the set is
 * sorted by tag), but those of skip's tags: countries, lists of several
 * scoped lists (a single list's chain is made by put_list_chain). */
static void put_countries(struct batch *b, const struct nft_gen *g,
			  const struct rangeset *rs,
			  const struct rangeset *skip)
{
	char chain[8];

	for (size_t i = 0; i < rs->n; i++) {
		uint32_t t = rs->v[i].tag;

		if (i && rs->v[i - 1].tag == t)
			continue;
		if (skip && has_tag(skip, t))
			continue;
		if (!(t & NFT_LIST_TAG)) {
			cc_chain(t, chain);
			put_country(b, chain, &g->log);
		} else if (t & ((t & NFT_LIST_MASK) - 1)) {
			put_combo_chain(b, t);
		}
	}
}

static const char *const allow_names[2] = { "allow4", "allow6" };
static const char *const deny_names[2] = { "deny4", "deny6" };

/* The sets a diff changes, in del[]/add[] order: geo4, geo6, allow4,
 * allow6, deny4, deny6, permit4, permit6. */
#define NDIFF	8

/* One transaction: delete what prev has and g does not, add the rest.
 * perm[0..1] are g's permit elements, pperm[0..1] prev's. */
static void build_diff(struct batch *b, const struct nft_gen *g,
		       const struct nft_prev *prev, uint64_t fp,
		       const struct rangeset perm[2],
		       const struct rangeset pperm[2],
		       struct rangeset del[NDIFF], struct rangeset add[NDIFF])
{
	static char name[NDIFF][16];	/* referenced by b->m[].what */
	unsigned slot = (unsigned)(prev->fp & SLOT_MASK);

	for (int f = 0; f < 2; f++) {
		slot_name(name[f], sizeof(name[f]), "geo", f ? 6 : 4, slot);
		snprintf(name[2 + f], sizeof(name[2 + f]), "%s", allow_names[f]);
		snprintf(name[4 + f], sizeof(name[4 + f]), "%s", deny_names[f]);
		slot_name(name[6 + f], sizeof(name[6 + f]), "permit",
			  f ? 6 : 4, slot);
		rangeset_diff(&prev->gen->map[f], &g->map[f], &del[f], &add[f]);
		rangeset_diff(&prev->gen->allow[f], &g->allow[f], &del[2 + f],
			      &add[2 + f]);
		rangeset_diff(&prev->gen->deny[f], &g->deny[f], &del[4 + f],
			      &add[4 + f]);
		rangeset_diff(&pperm[f], &perm[f], &del[6 + f], &add[6 + f]);
	}
	for (int f = 0; f < 2; f++)
		put_countries(b, g, &add[f], &prev->gen->map[f]);
	/* a diff is small and ours: sort it in place */
	for (int i = 0; i < NDIFF; i++) {	/* (an empty set's v may be NULL) */
		if (del[i].n)
			qsort(del[i].v, del[i].n, sizeof(*del[i].v),
			      range_lo_cmp);
		if (add[i].n)
			qsort(add[i].v, add[i].n, sizeof(*add[i].v),
			      range_lo_cmp);
	}
	/* first: the fingerprint swap, which fails unless the kernel holds
	 * exactly the generation the diff was computed from */
	put_gen(b, NFT_MSG_DELSETELEM, prev->fp);
	for (int i = 0; i < NDIFF; i++)
		put_elems(b, NFT_MSG_DELSETELEM, name[i], &del[i], NULL, i < 2);
	for (int i = 0; i < NDIFF; i++)
		put_elems(b, NFT_MSG_NEWSETELEM, name[i], &add[i], NULL, i < 2);
	put_gen(b, NFT_MSG_NEWSETELEM, fp);
}

/*
 * Full replace, as three runs of messages: prelude (objects, new maps),
 * fill (elements of the new maps), switch (rules to the new maps, old maps
 * deleted, exceptions and fingerprint rewritten).  *fill_at and *switch_at
 * get the first message index of the last two.
 */
static void build_switch(struct batch *b, const struct nft_gen *g,
			 const struct kview *v, unsigned slot, uint64_t fp);

/* The sets of a full replace: fixed ones, then the new slot's. */
static void put_sets(struct batch *b, unsigned slot, char names[4][16])
{
	put_set(b, "gen", 0, false, false, 1);
	for (int f = 0; f < 2; f++) {
		put_set(b, allow_names[f], f ? 6 : 4, false, false, 2 + f);
		put_set(b, deny_names[f], f ? 6 : 4, false, false, 4 + f);
	}
	for (int f = 0; f < 2; f++) {
		slot_name(names[f], sizeof(names[f]), "geo", f ? 6 : 4, slot);
		put_set(b, names[f], f ? 6 : 4, true, true, 6 + f);
		slot_name(names[2 + f], sizeof(names[2 + f]), "permit",
			  f ? 6 : 4, slot);
		put_set(b, names[2 + f], f ? 6 : 4, false, true, 8 + f);
	}
}

/*
 * bind_first (one transaction only): the rules bind the new maps while they
 * are still empty, so the kernel does not walk every element once per
 * binding; the elements are checked one by one as they are added instead.
 * perm[0..1]: the permit sets' elements (permit_elems()).
 */
static void build_full(struct batch *b, const struct nft_gen *g,
		       uint32_t *const ord[2], const struct rangeset perm[2],
		       const struct kview *v, unsigned slot, uint64_t fp,
		       bool bind_first, size_t *fill_at, size_t *switch_at)
{
	static char names[4][16];	/* referenced by b->m[].what */

	put_table(b);
	put_counter(b, "deny");
	put_counter(b, "notallowed");
	for (size_t k = 0; k < g->nlists; k++)
		put_list_chain(b, g, k);
	for (int f = 0; f < 2; f++)
		put_countries(b, g, &g->map[f], NULL);
	put_sets(b, slot, names);
	if (bind_first) {
		*switch_at = b->n;
		build_switch(b, g, v, slot, fp);
	}
	*fill_at = b->n;
	for (int f = 0; f < 2; f++) {
		put_elems(b, NFT_MSG_NEWSETELEM, names[f], &g->map[f], ord[f],
			  true);
		put_elems(b, NFT_MSG_NEWSETELEM, names[2 + f], &perm[f], NULL,
			  false);
	}
	if (!bind_first) {
		*switch_at = b->n;
		build_switch(b, g, v, slot, fp);
	}
}

/* Delete the maps and sets of every slot but the live one. */
static void put_del_old(struct batch *b, const struct kview *v, unsigned slot)
{
	static char old[2][2][NFT_SLOTS][16];

	for (int f = 0; f < 2; f++) {
		for (unsigned s = 0; s < NFT_SLOTS; s++) {
			if (s == slot)
				continue;
			if (v->slots[f] & (1u << s)) {
				slot_name(old[0][f][s], sizeof(old[0][f][s]),
					  "geo", f ? 6 : 4, s);
				put_del_set(b, old[0][f][s]);
			}
			if (v->pslots[f] & (1u << s)) {
				slot_name(old[1][f][s], sizeof(old[1][f][s]),
					  "permit", f ? 6 : 4, s);
				put_del_set(b, old[1][f][s]);
			}
		}
	}
}

/* Rules to the maps of slot, old maps deleted, exceptions, fingerprint. */
static void build_switch(struct batch *b, const struct nft_gen *g,
			 const struct kview *v, unsigned slot, uint64_t fp)
{
	unsigned mask = chain_mask(g);

	for (int d = 0; d < NBASES; d++) {
		if (mask & (1u << d)) {
			put_chain(b, NFT_MSG_NEWCHAIN, base_names[d], d);
			put_flush_chain(b, base_names[d]);
			put_base_rules(b, g, d, slot);
		} else if (v->bases & (1u << d)) {
			put_flush_chain(b, base_names[d]);
			put_chain(b, NFT_MSG_DELCHAIN, base_names[d], d);
		}
	}
	put_del_old(b, v, slot);
	for (int f = 0; f < 2; f++) {
		put_flush_set(b, allow_names[f]);
		put_elems(b, NFT_MSG_NEWSETELEM, allow_names[f], &g->allow[f],
			  NULL, false);
		put_flush_set(b, deny_names[f]);
		put_elems(b, NFT_MSG_NEWSETELEM, deny_names[f], &g->deny[f],
			  NULL, false);
	}
	put_flush_set(b, "gen");
	put_gen(b, NFT_MSG_NEWSETELEM, fp);
}

static int free_slot(const struct kview *v, unsigned *slot)
{
	unsigned used = v->slots[0] | v->slots[1] | v->pslots[0] |
			v->pslots[1];

	for (unsigned s = 0; s < NFT_SLOTS; s++)
		if (!(used & (1u << s))) {
			*slot = s;
			return 0;
		}
	return -EBUSY;
}

static uint64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* Cut messages [from, to) into transactions of at most budget bytes. */
static int send_runs(struct nl *nl, struct batch *b, size_t from, size_t to,
		     size_t budget, uint32_t *genid, const struct nft_opts *o,
		     struct nft_result *res)
{
	while (from < to) {
		size_t end = from + 1;
		int ret;

		uint64_t t0 = now_us();

		while (end < to && batch_bytes(b, from, end + 1) <= budget)
			end++;
		ret = send_txn(nl, b, from, end, *genid,
			       o->fail_last && end == to);
		res->kernel_us += now_us() - t0;
		if (ret)
			return ret;
		(*genid)++;	/* every commit bumps the generation by one */
		res->txns++;
		res->bytes += batch_bytes(b, from, end);
		from = end;
	}
	return 0;
}

static size_t budget_of(struct nl *nl, const struct nft_opts *o)
{
	size_t bud = nl->sndbuf > 2 * BUF_MARGIN ? nl->sndbuf - BUF_MARGIN :
		     nl->sndbuf / 2;

	if (o->max_batch && o->max_batch < bud)
		bud = o->max_batch;
	nl->budget = bud;
	return bud;
}

/* At most the bytes of a full replace's batch: elements, and room for the
 * objects and rules (a chain, a counter and a rule or two per country). */
static size_t full_bytes(const struct nft_gen *g, const struct rangeset perm[2])
{
	size_t n = OBJ_BYTES + MSG_RESERVE;

	for (int f = 0; f < 2; f++)
		n += elems_bytes(&g->map[f], true) +
		     elems_bytes(&perm[f], false) +
		     elems_bytes(&g->allow[f], false) +
		     elems_bytes(&g->deny[f], false);
	return n;
}

static int apply_full(struct nl *nl, const struct nft_gen *g,
		      const struct kview *v, const struct nft_opts *o,
		      struct nft_result *res)
{
	struct rangeset perm[2];
	uint32_t *ord[2];
	struct batch b;
	size_t fill_at, switch_at, budget;
	uint32_t genid = v->genid;
	unsigned slot;
	uint64_t fp;
	int ret;

	ret = free_slot(v, &slot);
	if (ret)
		return ret;
	fp = nft_gen_fingerprint(g) | slot;
	for (int f = 0; f < 2; f++) {
		ord[f] = addr_order(&g->map[f]);
		permit_elems(g, f, &perm[f]);
	}
	batch_init(&b, nl->seq);
	nl->seq += 1u << 24;
	batch_reserve(&b, full_bytes(g, perm));
	build_full(&b, g, ord, perm, v, slot, fp, true, &fill_at, &switch_at);
	nl_size_buffers(nl, b.len + BUF_MARGIN);
	budget = budget_of(nl, o);
	if (b.len > budget) {	/* several transactions: switch last */
		batch_free(&b);
		batch_init(&b, nl->seq);
		nl->seq += 1u << 24;
		batch_reserve(&b, full_bytes(g, perm));
		build_full(&b, g, ord, perm, v, slot, fp, false, &fill_at,
			   &switch_at);
	}
	res->mode = NFT_FULL;
	res->add_elems = b.elems;
	res->msgs = b.n;
	if (b.len <= budget) {
		ret = send_runs(nl, &b, 0, b.n, b.len, &genid, o, res);
	} else if (batch_bytes(&b, switch_at, b.n) > budget) {
		ret = -ERANGE;
	} else {
		/* the shadow maps fill over several transactions; the live
		 * maps stay complete until the final switch */
		ret = send_runs(nl, &b, 0, switch_at, budget, &genid, o, res);
		if (!ret)
			ret = send_runs(nl, &b, switch_at, b.n, budget, &genid,
					o, res);
	}
	if (!ret) {
		res->fp = fp;
		res->genid = genid;
	}
	batch_free(&b);
	for (int f = 0; f < 2; f++) {
		free(ord[f]);
		rangeset_free(&perm[f]);
	}
	return ret;
}

/* Returns 1 when the diff cannot be used (fall back to full). */
static int apply_diff(struct nl *nl, const struct nft_gen *g,
		      const struct nft_prev *prev, const struct kview *v,
		      const struct nft_opts *o, struct nft_result *res)
{
	struct rangeset del[NDIFF], add[NDIFF], perm[2], pperm[2];
	uint64_t fp = nft_gen_fingerprint(g) | (prev->fp & SLOT_MASK);
	uint32_t genid = v->genid;
	size_t dels = 0;
	struct batch b;
	int ret;

	for (int i = 0; i < NDIFF; i++) {
		rangeset_init(&del[i], i % 2 ? 6 : 4);
		rangeset_init(&add[i], i % 2 ? 6 : 4);
	}
	for (int f = 0; f < 2; f++) {
		permit_elems(g, f, &perm[f]);
		permit_elems(prev->gen, f, &pperm[f]);
	}
	batch_init(&b, nl->seq);
	nl->seq += 1u << 24;
	build_diff(&b, g, prev, fp, perm, pperm, del, add);
	for (int i = 0; i < NDIFF; i++)
		dels += del[i].n;
	res->mode = NFT_DIFF;
	res->del_elems = dels;
	res->add_elems = b.elems - dels;
	res->msgs = b.n;
	if (fp == prev->fp && !b.elems) {
		res->mode = NFT_UNCHANGED;
		res->msgs = 0;
		res->fp = fp;
		res->genid = genid;
		ret = 0;
		goto out;
	}
	nl_size_buffers(nl, b.len + BUF_MARGIN);
	if (b.len > budget_of(nl, o)) {
		res->why_full = "the diff does not fit one transaction";
		ret = 1;
		goto out;
	}
	ret = send_runs(nl, &b, 0, b.n, b.len, &genid, o, res);
	if (ret == -ENOENT || ret == -EEXIST) {
		res->why_full = "the kernel's maps differ from the state";
		log_info("diff refused: %s", last_error);
		ret = 1;
	}
	if (!ret) {
		res->fp = fp;
		res->genid = genid;
	}
out:
	batch_free(&b);
	for (int i = 0; i < NDIFF; i++) {
		rangeset_free(&del[i]);
		rangeset_free(&add[i]);
	}
	for (int f = 0; f < 2; f++) {
		rangeset_free(&perm[f]);
		rangeset_free(&pperm[f]);
	}
	return ret;
}

/* Why the state cannot be used against the kernel view v (NULL: it can). */
static const char *distrust(const struct nft_gen *g, const struct nft_prev *p,
			    const struct kview *v)
{
	unsigned slot = (unsigned)(p->fp & SLOT_MASK);

	if (!v->table)
		return "the table is missing";
	if (!p->gen)
		return "no usable state";
	if (!v->fp_ok || v->fp != p->fp)
		return "the table holds another generation";
	if (v->genid != p->genid)
		return "the ruleset changed since the last apply";
	if (!(v->slots[0] & v->slots[1] & v->pslots[0] & v->pslots[1] &
	      (1u << slot)) || v->deny != 3)
		return "a map is missing";
	if (!nft_gen_same_policy(g, p->gen))
		return "the policy changed";
	if (v->bases != chain_mask(g))
		return "a base chain is missing";
	return NULL;
}

static int apply_gen(const struct nft_gen *g, struct nft_prev *prev,
		     const struct nft_opts *o, struct nft_result *res)
{
	struct nft_opts local = { 0 };
	struct kview v;
	struct nl nl;
	int ret;

	if (o)
		local = *o;
	o = &local;
	memset(res, 0, sizeof(*res));
	ret = nl_open(&nl);
	if (ret)
		return ret;
	for (unsigned try = 0; try <= MAX_RESTARTS; try++) {
		size_t restarts = res->restarts;

		memset(res, 0, sizeof(*res));
		res->restarts = restarts;
		ret = read_view(&nl, &v);
		if (ret)
			break;
		res->why_full = distrust(g, prev, &v);
		ret = 1;
		if (!res->why_full)
			ret = apply_diff(&nl, g, prev, &v, o, res);
		if (ret == 1) {
			const char *why = res->why_full;

			if (prev->gen) {	/* not needed: free it early */
				nft_gen_free(prev->gen);
				prev->gen = NULL;
			}
			memset(res, 0, sizeof(*res));
			res->restarts = restarts;
			res->why_full = why;
			ret = apply_full(&nl, g, &v, o, res);
		}
		/* the socket buffer would not take the batch: smaller
		 * transactions (the maps of a full replace fill over several) */
		if ((ret == -EMSGSIZE || ret == -ENOBUFS) &&
		    nl.budget / 2 >= MIN_BATCH_BYTES)
			local.max_batch = nl.budget / 2;
		else if (ret != -ERESTART)
			break;
		res->restarts++;
	}
	nl_close(&nl);
	return ret;
}

/* A view of g whose maps are the painted ones (lists_paint()): it shares
 * every other set with g.  Free its maps only. */
static void paint_view(const struct nft_gen *g, struct nft_gen *v)
{
	*v = *g;
	for (int f = 0; f < 2; f++)
		lists_paint(g, f, &v->map[f]);
}

/* The kernel's maps hold the lists painted over the countries: apply the
 * painted views of g and prev->gen. */
int nft_apply(const struct nft_gen *g, struct nft_prev *prev,
	      const struct nft_opts *o, struct nft_result *res)
{
	struct nft_gen gv, pv;
	struct nft_prev p2 = *prev;
	int ret;

	if (!g->nlists && !(prev->gen && prev->gen->nlists))
		return apply_gen(g, prev, o, res);
	paint_view(g, &gv);
	if (prev->gen) {
		paint_view(prev->gen, &pv);
		p2.gen = &pv;
	}
	ret = apply_gen(&gv, &p2, o, res);
	if (prev->gen && !p2.gen) {
		/* apply_gen freed the view, and with it the sets it shared
		 * with prev->gen: forget them there */
		for (int f = 0; f < 2; f++) {
			rangeset_init(&prev->gen->allow[f], f ? 6 : 4);
			rangeset_init(&prev->gen->permit[f], f ? 6 : 4);
			rangeset_init(&prev->gen->deny[f], f ? 6 : 4);
			for (size_t k = 0; k < MAX_LISTS; k++)
				rangeset_init(&prev->gen->lists[k].set[f],
					      f ? 6 : 4);
		}
	} else if (prev->gen) {
		rangeset_free(&pv.map[0]);
		rangeset_free(&pv.map[1]);
	}
	rangeset_free(&gv.map[0]);
	rangeset_free(&gv.map[1]);
	return ret;
}

int nft_disable(void)
{
	struct batch b;
	struct nl nl;
	uint32_t genid;
	int ret;

	ret = nl_open(&nl);
	if (ret)
		return ret;
	for (unsigned try = 0; try <= MAX_RESTARTS; try++) {
		struct nftnl_table *t = nftnl_table_alloc();
		struct nlmsghdr *nlh;

		ret = get_genid(&nl, &genid);
		if (ret) {
			nftnl_table_free(t);
			break;
		}
		batch_init(&b, nl.seq);
		nl.seq += 16;
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
		nlh = batch_hdr(&b, NFT_MSG_DELTABLE, 0, "table");
		nftnl_table_nlmsg_build_payload(nlh, t);
		batch_end(&b, nlh);
		nftnl_table_free(t);
		ret = send_txn(&nl, &b, 0, 1, genid, false);
		batch_free(&b);
		if (ret != -ERESTART)
			break;
	}
	nl_close(&nl);
	return ret;
}

int nft_probe(uint32_t *genid, uint64_t *fp)
{
	struct kview v;
	struct nl nl;
	int ret = nl_open(&nl);

	if (ret)
		return ret;
	ret = read_view(&nl, &v);
	nl_close(&nl);
	if (ret)
		return ret;
	*genid = v.genid;
	*fp = v.fp_ok ? v.fp : 0;
	return 0;
}

/* ---- dump and why ------------------------------------------------------------ */

struct kel {
	u128 key;
	uint32_t tag;
	bool end;
};

struct kels {
	struct kel *v;
	size_t n, cap;
	int family;
};

static u128 key_of(const void *p, uint32_t len)
{
	const uint8_t *k = p;
	u128 a = 0;

	for (uint32_t i = 0; i < len; i++)
		a = a << 8 | k[i];
	return a;
}

static uint32_t tag_of_chain(const char *chain)
{
	uint32_t tag, mask = 0;

	if (chain && strlen(chain) == 7 && !strncmp(chain, "lx_", 3)) {
		for (int i = 3; i < 7; i++) {
			char c = chain[i];

			if (c >= '0' && c <= '9')
				mask = mask << 4 | (uint32_t)(c - '0');
			else if (c >= 'a' && c <= 'f')
				mask = mask << 4 | (uint32_t)(c - 'a' + 10);
			else
				return 0;
		}
		return mask && mask <= NFT_LIST_MASK ? NFT_LIST_TAG | mask : 0;
	}

	if (!chain || strlen(chain) != 5 || strncmp(chain, "cc_", 3) ||
	    cc_parse(chain + 3, 2, &tag) == CC_BAD)
		return 0;
	return tag;
}

static void kel_fn(const struct kelem *e, void *data)
{
	struct kels *ks = data;
	struct kel *x;

	if (e->klen != (ks->family == 4 ? 4u : 16u))
		return;
	ks->v = xgrow(ks->v, &ks->cap, ks->n + 1, sizeof(*ks->v));
	x = &ks->v[ks->n++];
	x->key = key_of(e->key, e->klen);
	x->end = e->flags & NFT_SET_ELEM_INTERVAL_END;
	x->tag = x->end ? 0 : tag_of_chain(e->chain);
}

static int kels_cb(const struct nlmsghdr *nlh, void *data)
{
	const char *set;

	elems_parse(nlh, &set, kel_fn, data);
	return MNL_CB_OK;
}

static int kel_cmp(const void *a, const void *b)
{
	const struct kel *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (int)y->end - (int)x->end;	/* an end before a start */
}

/* Turn sorted start/end elements back into ranges. */
static int kels_to_ranges(struct kels *ks, struct rangeset *out)
{
	if (ks->n)	/* an empty set: v is NULL, which qsort may not get */
		qsort(ks->v, ks->n, sizeof(*ks->v), kel_cmp);
	for (size_t i = 0; i < ks->n; i++) {
		const struct kel *s = &ks->v[i];

		if (s->end)
			continue;	/* nft's leading 0/end marker */
		if (i + 1 < ks->n && ks->v[i + 1].end) {
			rangeset_add(out, s->key, ks->v[i + 1].key - 1, s->tag);
			i++;
		} else if (i + 1 == ks->n) {
			rangeset_add(out, s->key, cidr_max(ks->family), s->tag);
		} else {
			return -EPROTO;	/* two starts in a row */
		}
	}
	rangeset_normalize(out);
	return 0;
}

static int dump_set(struct nl *nl, const char *set, int family,
		    struct rangeset *out)
{
	struct kels ks = { .family = family };
	char buf[512];
	int ret;

	ret = nl_talk(nl, dump_req(nl, buf, NFT_MSG_GETSETELEM, set), kels_cb,
		      &ks);
	if (!ret)
		ret = kels_to_ranges(&ks, out);
	free(ks.v);
	return ret;
}

static int live_slot(const struct kview *v, unsigned *slot)
{
	if (!v->table)
		return -ENOENT;
	if (!v->fp_ok || !(v->slots[0] & v->slots[1] &
			   (1u << (v->fp & SLOT_MASK))))
		return -ESRCH;
	*slot = (unsigned)(v->fp & SLOT_MASK);
	return 0;
}

/* One pass of nft_dump; *genid is the generation the view was read at. */
static int dump_once(struct nl *nl, struct rangeset out[2],
		     struct rangeset allow[2], uint32_t *genid)
{
	struct kview v;
	unsigned slot = 0;
	char name[16];
	int ret = read_view(nl, &v);

	*genid = v.genid;
	if (!ret)
		ret = live_slot(&v, &slot);
	for (int f = 0; f < 2 && !ret; f++) {
		out[f].n = 0;
		slot_name(name, sizeof(name), "geo", f ? 6 : 4, slot);
		ret = dump_set(nl, name, f ? 6 : 4, &out[f]);
		if (!ret && allow) {
			allow[f].n = 0;
			ret = dump_set(nl, allow_names[f], f ? 6 : 4,
				       &allow[f]);
		}
	}
	return ret;
}

/*
 * The sets are dumped one by one, so a commit between two dumps (another
 * nftblock apply) could give a mix of generations, or ENOENT for a map
 * the switch deleted: the dump counts only when the ruleset generation is
 * the same after it as before, else it is read again.
 */
int nft_dump(struct rangeset out[2], struct rangeset allow[2])
{
	struct nl nl;
	uint32_t before, after;
	int ret = nl_open(&nl);

	if (ret)
		return ret;
	nl_size_buffers(&nl, 0);
	for (unsigned try = 0;; try++) {
		ret = dump_once(&nl, out, allow, &before);
		if (get_genid(&nl, &after) || after == before)
			break;
		if (try == MAX_RESTARTS) {
			ret = -EAGAIN;
			break;
		}
	}
	nl_close(&nl);
	return ret;
}

/* Get the element of set holding key (end: the end element above it). */
static int get_elem(struct nl *nl, const char *set, int family, u128 key,
		    bool end, struct kels *ks)
{
	char buf[512];
	struct nlmsghdr *nlh;
	struct nlattr *list;

	/* no NLM_F_ACK: the element (or ENOENT) is the whole answer */
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, NFPROTO_INET, 0,
				    nl->seq++);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, NFT_TABLE);
	mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	list = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
	put_elem(nlh, family, key, end, NULL);
	mnl_attr_nest_end(nlh, list);
	ks->n = 0;
	return nl_talk(nl, nlh, kels_cb, ks);
}

static int obj_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFTA_OBJ_DATA + 1], *ctr[NFTA_COUNTER_PACKETS + 1];
	struct nft_why *w = data;
	uint32_t type;
	uint64_t packets, bytes;

	if (!msg_attrs(nlh, tb, NFTA_OBJ_DATA) &&
	    attr_u32(tb[NFTA_OBJ_TYPE], &type) && type == NFT_OBJECT_COUNTER &&
	    !nest_attrs(tb[NFTA_OBJ_DATA], ctr, NFTA_COUNTER_PACKETS) &&
	    attr_u64(ctr[NFTA_COUNTER_PACKETS], &packets) &&
	    attr_u64(ctr[NFTA_COUNTER_BYTES], &bytes)) {
		w->packets = packets;
		w->bytes = bytes;
	}
	return MNL_CB_OK;
}

static int get_counter(struct nl *nl, uint32_t tag, struct nft_why *w)
{
	char buf[512], chain[8];
	struct nlmsghdr *nlh;

	cc_chain(tag, chain);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETOBJ, NFPROTO_INET, 0,
				    nl->seq++);
	mnl_attr_put_strz(nlh, NFTA_OBJ_TABLE, NFT_TABLE);
	mnl_attr_put_strz(nlh, NFTA_OBJ_NAME, chain);
	mnl_attr_put_u32(nlh, NFTA_OBJ_TYPE, htonl(NFT_OBJECT_COUNTER));
	return nl_talk(nl, nlh, obj_cb, w);
}

/*
 * The range of set holding addr.  The end is the first end element above
 * addr; the rbtree's get can step over an end element that shares its key
 * with the next range's start (adjacent countries), so the answer is
 * checked: while a start above lo lies below the end found, the range ends
 * there instead.
 */
static int why_lookup(struct nl *nl, const char *set, int family, u128 addr,
		      struct kels *ks, u128 *lo, u128 *hi, uint32_t *tag)
{
	int ret = get_elem(nl, set, family, addr, false, ks);
	u128 end;

	if (ret || ks->n != 1 || ks->v[0].end)
		return ret ? ret : -ENOENT;
	*lo = ks->v[0].key;
	*tag = ks->v[0].tag;
	*hi = cidr_max(family);
	if (addr == cidr_max(family))
		return 0;
	ret = get_elem(nl, set, family, addr + 1, true, ks);
	if (ret == -ENOENT)
		return 0;
	if (ret || ks->n != 1 || !ks->v[0].end)
		return ret ? ret : -EPROTO;
	end = ks->v[0].key;
	for (unsigned i = 0; i < MAX_WHY_STEPS && end - 1 > addr; i++) {
		ret = get_elem(nl, set, family, end - 1, false, ks);
		if (ret || ks->n != 1 || ks->v[0].key <= *lo)
			break;
		end = ks->v[0].key;
	}
	*hi = end - 1;
	return 0;
}

int nft_why(int family, u128 addr, struct nft_why *out)
{
	struct kels ks = { .family = family };
	struct kview v;
	struct nl nl;
	unsigned slot = 0;
	char name[16];
	u128 lo, hi;
	uint32_t tag;
	int ret = nl_open(&nl);

	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	ret = read_view(&nl, &v);
	if (!ret)
		ret = live_slot(&v, &slot);
	if (ret)
		goto out;
	ret = why_lookup(&nl, allow_names[family == 6], family, addr, &ks,
			 &lo, &hi, &tag);
	if (!ret)
		out->allowed = true;
	slot_name(name, sizeof(name), "geo", family, slot);
	ret = why_lookup(&nl, name, family, addr, &ks, &out->lo, &out->hi,
			 &out->tag);
	if (!ret) {
		out->found = true;
		ret = out->tag & NFT_LIST_TAG ? 0 :
		      get_counter(&nl, out->tag, out);
	}
	if (ret == -ENOENT)
		ret = 0;
out:
	free(ks.v);
	nl_close(&nl);
	return ret;
}

/* ---- counters and info --------------------------------------------------- */

struct ctrs {
	struct nft_counter *v;
	size_t n, cap;
	bool full;
};

static int ctr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctrs *cs = data;
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nft_counter *c;
	const char *t, *name;

	if (!o)
		return MNL_CB_ERROR;
	if (nftnl_obj_nlmsg_parse(nlh, o) < 0)
		goto out;
	t = nftnl_obj_get_str(o, NFTNL_OBJ_TABLE);
	name = nftnl_obj_get_str(o, NFTNL_OBJ_NAME);
	if (!t || !name || strcmp(t, NFT_TABLE) ||
	    nftnl_obj_get_u32(o, NFTNL_OBJ_TYPE) != NFT_OBJECT_COUNTER)
		goto out;
	if (cs->n == MAX_COUNTERS) {
		cs->full = true;
		goto out;
	}
	cs->v = xgrow(cs->v, &cs->cap, cs->n + 1, sizeof(*cs->v));
	c = &cs->v[cs->n++];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->tag = tag_of_chain(name);
	c->packets = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_PKTS);
	c->bytes = nftnl_obj_get_u64(o, NFTNL_OBJ_CTR_BYTES);
out:
	nftnl_obj_free(o);
	return MNL_CB_OK;
}

static int table_exists(struct nl *nl, bool *present)
{
	char buf[512];
	struct nlmsghdr *nlh;
	int ret;

	*present = false;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, 0,
				    nl->seq++);
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, NFT_TABLE);
	ret = nl_talk(nl, nlh, table_cb, present);
	return ret == -ENOENT ? 0 : ret;
}

int nft_counters(struct nft_counter **out, size_t *n)
{
	struct ctrs cs = { 0 };
	struct nlmsghdr *nlh;
	char buf[512];
	bool present;
	struct nl nl;
	int ret = nl_open(&nl);

	if (ret)
		return ret;
	ret = table_exists(&nl, &present);
	if (!ret && !present)
		ret = -ENOENT;
	if (ret)
		goto out;
	/* one dump, filtered by the kernel to our table's counters */
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETOBJ, NFPROTO_INET,
				    NLM_F_DUMP, nl.seq++);
	mnl_attr_put_strz(nlh, NFTA_OBJ_TABLE, NFT_TABLE);
	mnl_attr_put_u32(nlh, NFTA_OBJ_TYPE, htonl(NFT_OBJECT_COUNTER));
	ret = nl_talk(&nl, nlh, ctr_cb, &cs);
	if (!ret && cs.full)
		ret = -E2BIG;
out:
	nl_close(&nl);
	if (ret) {
		free(cs.v);
		return ret;
	}
	*out = cs.v;
	*n = cs.n;
	return 0;
}

int nft_info(struct nft_info *out)
{
	struct kview v;
	struct nl nl;
	int ret = nl_open(&nl);

	if (ret)
		return ret;
	ret = read_view(&nl, &v);
	nl_close(&nl);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	out->table = v.table;
	for (int d = 0; d < 3; d++)
		if (v.bases & 1u << d)
			out->dirs |= 1u << d;
	out->genid = v.genid;
	out->fp = v.fp_ok ? v.fp : 0;
	return 0;
}

/* ---- watching events ------------------------------------------------------- */

#define WATCH_RCVBUF		(8u << 20)	/* a full replace notifies every element */
#define MAX_WATCH_RECVS		1024u	/* recv()s per drain; the rest next poll */

/* A change to our table seen in the current transaction, not yet
 * attributed: the NEWGEN message that closes every commit says who made
 * it.  One watcher per process. */
static bool watch_pending;

int nft_watch_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int grp = NFNLGRP_NFTABLES, sz = WATCH_RCVBUF, fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_NETFILTER);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	/* FORCE needs CAP_NET_ADMIN in the initial namespace */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	watch_pending = false;
	return fd;
}

int nft_watch_pause(int fd, bool pause)
{
	int grp = NFNLGRP_NFTABLES;

	if (setsockopt(fd, SOL_NETLINK, pause ? NETLINK_DROP_MEMBERSHIP :
		       NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		return -errno;
	watch_pending = false;	/* a half-seen commit's NEWGEN may be lost */
	return 0;
}

/* NEWGEN closes a commit: was it ours or another nftblock's? */
static bool gen_is_nftblock(const struct nlmsghdr *nlh)
{
	uint32_t pid = 0;
	const char *name = "";
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) == NFTA_GEN_PROC_PID &&
		    mnl_attr_get_payload_len(a) == 4)
			pid = ntohl(mnl_attr_get_u32(a));
		else if (mnl_attr_get_type(a) == NFTA_GEN_PROC_NAME &&
			 mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(a);
	}
	return pid == (uint32_t)getpid() || !strcmp(name, "nftblock");
}

/* Does an object message name table inet nftblock? */
static bool msg_is_ours(const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g) ||
	    g->nfgen_family != NFPROTO_INET)
		return false;
	/* NFTA_{TABLE_NAME,CHAIN,RULE,SET,SET_ELEM_LIST,OBJ,FLOWTABLE}_TABLE
	 * are all attribute 1 */
	mnl_attr_for_each(a, nlh, sizeof(*g))
		if (mnl_attr_get_type(a) == NFTA_TABLE_NAME)
			return mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0 &&
			       !strcmp(mnl_attr_get_str(a), NFT_TABLE);
	return false;
}

static int watch_cb(const struct nlmsghdr *nlh, void *data)
{
	bool *changed = data;
	uint16_t t = nlh->nlmsg_type;

	if (NFNL_SUBSYS_ID(t) != NFNL_SUBSYS_NFTABLES)
		return MNL_CB_OK;
	switch (NFNL_MSG_TYPE(t)) {
	case NFT_MSG_NEWGEN:
		if (watch_pending && !gen_is_nftblock(nlh))
			*changed = true;
		watch_pending = false;
		break;
	case NFT_MSG_TRACE:
		break;
	default:
		if (msg_is_ours(nlh))
			watch_pending = true;
		break;
	}
	return MNL_CB_OK;
}

/*
 * Run watch_cb over the messages of one datagram.  Returns false when a
 * message is malformed (the rest is skipped).  Not mnl_cb_run(): libmnl's
 * mnl_nlmsg_ok() takes an nlmsg_len above INT_MAX for a negative one.
 */
static bool watch_dgram(const char *buf, size_t n, bool *changed)
{
	const struct nlmsghdr *nlh;
	size_t off = 0, len;

	while (off < n) {
		nlh = (const struct nlmsghdr *)(buf + off);
		len = n - off;
		if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
		    nlh->nlmsg_len > len)
			return false;
		if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(struct nfgenmsg))
			watch_cb(nlh, changed);
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return true;
}

int nft_watch_read(int fd, bool *ours_changed)
{
	static char buf[RECV_BYTES] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool changed = false;
	ssize_t n;

	for (unsigned i = 0; i < MAX_WATCH_RECVS; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* events were dropped: anything may have happened,
			 * the NEWGEN of a half-seen commit too */
			if (!changed)
				log_info("nftables events were lost (receive "
					 "buffer overrun); checking the table");
			changed = true;
			watch_pending = false;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return -errno;
		/* unparsable: we cannot tell what it was, re-check */
		if (!watch_dgram(buf, (size_t)n, &changed))
			changed = true;
	}
	*ours_changed = changed;
	return 0;
}

/* ---- decoding replies without a socket (for fuzzing) ---------------------- */

struct decode_ctx {
	struct kview v;
	struct kels ks;
	struct nft_why w;
};

static int setelems_cb(const struct nlmsghdr *nlh, struct decode_ctx *d)
{
	const char *set;

	/* the set's name says whose callback read_view or dump would run */
	elems_parse(nlh, &set, NULL, NULL);
	if (set && !strcmp(set, "gen"))
		return gen_elems_cb(nlh, &d->v);
	return kels_cb(nlh, &d->ks);
}

/* One reply message, handed to the callback read_view, dump or why uses. */
static int decode_cb(const struct nlmsghdr *nlh, void *data)
{
	struct decode_ctx *d = data;

	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
		return MNL_CB_OK;
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWGEN:
		return gen_cb(nlh, &d->v.genid);
	case NFT_MSG_NEWTABLE:
		return table_cb(nlh, &d->v.table);
	case NFT_MSG_NEWCHAIN:
		return chain_cb(nlh, &d->v);
	case NFT_MSG_NEWSET:
		return set_cb(nlh, &d->v);
	case NFT_MSG_NEWSETELEM:
		return setelems_cb(nlh, d);
	case NFT_MSG_NEWOBJ:
		return obj_cb(nlh, &d->w);
	}
	return MNL_CB_OK;
}

int nft_decode(const void *buf, size_t len, int family,
	       struct nft_readback *out)
{
	struct decode_ctx d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.ks.family = family;
	if (!msgs_ok(buf, len))
		return -EBADMSG;
	/* seq and portid 0: accept any, as a dump's replies carry ours */
	errno = 0;
	ret = mnl_cb_run(buf, len, 0, 0, decode_cb, &d);
	if (ret < 0) {
		ret = errno ? -errno : -EPROTO;
		goto out;
	}
	ret = kels_to_ranges(&d.ks, &out->elems);
	if (ret)
		goto out;
	out->genid = d.v.genid;
	out->table = d.v.table;
	out->bases = d.v.bases;
	out->slots[0] = d.v.slots[0];
	out->slots[1] = d.v.slots[1];
	out->fp_ok = d.v.fp_ok;
	out->fp = d.v.fp;
	out->packets = d.w.packets;
	out->bytes = d.w.bytes;
out:
	free(d.ks.v);
	return ret;
}
