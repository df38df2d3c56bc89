// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_nft_watch.c - nft_watch_read() over hand-built nf_tables events,
 * delivered through a datagram socketpair (no kernel, no privileges):
 * which commits count as another tool touching table inet nftblock, the
 * committer named by NEWGEN, a commit split over reads, hostile messages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include "testutil.h"
#include "nft.h"

/* One datagram of netlink messages. */
struct dgram {
	char buf[4096] __attribute__((aligned(4)));
	size_t len;		/* bytes used */
	size_t cur;		/* offset of the message being built */
};

/* a committer that is not this process, whatever its pid */
#define OTHER_PID	((uint32_t)getpid() ^ 1u)

static int sv[2];

static void msg_begin(struct dgram *d, uint16_t type, uint8_t family)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(d->buf + d->len);
	struct nfgenmsg *g = (struct nfgenmsg *)(h + 1);

	memset(h, 0, NLMSG_HDRLEN + sizeof(*g));
	h->nlmsg_type = (uint16_t)(NFNL_SUBSYS_NFTABLES << 8 | type);
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	d->cur = d->len;
	d->len += NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*g));
	h->nlmsg_len = (uint32_t)(d->len - d->cur);
}

static void msg_attr(struct dgram *d, uint16_t type, const void *p,
		     size_t n)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(d->buf + d->cur);
	struct nlattr *a = (struct nlattr *)(d->buf + d->len);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	memcpy((char *)a + NLA_HDRLEN, p, n);
	memset((char *)a + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	d->len += NLA_HDRLEN + NLA_ALIGN(n);
	h->nlmsg_len = (uint32_t)(d->len - d->cur);
}

static void msg_str(struct dgram *d, uint16_t type, const char *s)
{
	msg_attr(d, type, s, strlen(s) + 1);
}

/* An object message: type (NFT_MSG_DEL*...) naming table in family. */
static void obj(struct dgram *d, uint16_t type, uint8_t family,
		const char *table)
{
	msg_begin(d, type, family);
	msg_str(d, 1, table);	/* NFTA_*_TABLE / NFTA_TABLE_NAME */
	if (type != NFT_MSG_DELTABLE && type != NFT_MSG_NEWTABLE)
		msg_str(d, 2, "input");
}

/* NEWGEN: the end of a commit by pid/name. */
static void gen(struct dgram *d, uint32_t pid, const char *name)
{
	uint32_t v = htonl(7), p = htonl(pid);

	msg_begin(d, NFT_MSG_NEWGEN, AF_UNSPEC);
	msg_attr(d, NFTA_GEN_ID, &v, 4);
	msg_attr(d, NFTA_GEN_PROC_PID, &p, 4);
	msg_str(d, NFTA_GEN_PROC_NAME, name);
}

/* Send d and read it back through nft_watch_read(). */
static bool deliver(struct dgram *d)
{
	bool changed = true;

	assert_int_equal(send(sv[1], d->buf, d->len, 0), (ssize_t)d->len);
	assert_int_equal(nft_watch_read(sv[0], &changed), 0);
	memset(d, 0, sizeof(*d));
	return changed;
}

static int setup(void **ctx)
{
	(void)ctx;
	return socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv);
}

static int teardown(void **ctx)
{
	(void)ctx;
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static void test_empty(void **ctx)
{
	bool changed = true;

	(void)ctx;
	assert_int_equal(nft_watch_read(sv[0], &changed), 0);
	assert_false(changed);
}

/* nft flush ruleset / delete table by another tool */
static void test_foreign_tool(void **ctx)
{
	static const uint16_t types[] = {
		NFT_MSG_DELTABLE, NFT_MSG_DELCHAIN, NFT_MSG_DELSET,
		NFT_MSG_DELRULE, NFT_MSG_DELSETELEM, NFT_MSG_NEWRULE,
		NFT_MSG_NEWTABLE, NFT_MSG_DELOBJ,
	};
	struct dgram d = { 0 };

	(void)ctx;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		obj(&d, types[i], NFPROTO_INET, "nftblock");
		gen(&d, OTHER_PID, "nft");
		assert_true(deliver(&d));
	}
	/* a flush: other tables first, ours among them */
	obj(&d, NFT_MSG_DELRULE, NFPROTO_INET, "foreign");
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_IPV4, "other");
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "nftblock");
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "zzz");
	gen(&d, OTHER_PID, "firewalld");
	assert_true(deliver(&d));
}

static void test_not_ours(void **ctx)
{
	struct dgram d = { 0 };

	(void)ctx;
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "foreign");
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_IPV4, "nftblock");	/* ip, not inet */
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "nftblock2");
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "nftbloc");
	gen(&d, OTHER_PID, "nft");
	assert_false(deliver(&d));
	/* trace events and other subsystems are not commits */
	obj(&d, NFT_MSG_TRACE, NFPROTO_INET, "nftblock");
	msg_begin(&d, 1, NFPROTO_INET);
	((struct nlmsghdr *)(d.buf + d.cur))->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8;
	msg_str(&d, 1, "nftblock");
	gen(&d, OTHER_PID, "nft");
	assert_false(deliver(&d));
}

/* our own commits and other nftblock commands' are not damage */
static void test_nftblock_commits(void **ctx)
{
	struct dgram d = { 0 };

	(void)ctx;
	obj(&d, NFT_MSG_DELSET, NFPROTO_INET, "nftblock");
	gen(&d, (uint32_t)getpid(), "whatever");
	assert_false(deliver(&d));
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "nftblock");
	gen(&d, 1, "nftblock");
	assert_false(deliver(&d));
	/* then another tool: counted again */
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "nftblock");
	gen(&d, 1, "nftblockd");
	assert_true(deliver(&d));
}

/* a commit's events split over two reads: decided at its NEWGEN */
static void test_split(void **ctx)
{
	struct dgram d = { 0 };

	(void)ctx;
	obj(&d, NFT_MSG_DELCHAIN, NFPROTO_INET, "nftblock");
	assert_false(deliver(&d));
	gen(&d, OTHER_PID, "nft");
	assert_true(deliver(&d));
	obj(&d, NFT_MSG_DELCHAIN, NFPROTO_INET, "nftblock");
	assert_false(deliver(&d));
	gen(&d, (uint32_t)getpid(), "nftblock");
	assert_false(deliver(&d));
	/* several datagrams queued: one read drains them all */
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "foreign");
	gen(&d, OTHER_PID, "nft");
	assert_int_equal(send(sv[1], d.buf, d.len, 0), (ssize_t)d.len);
	memset(&d, 0, sizeof(d));
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "nftblock");
	gen(&d, OTHER_PID, "nft");
	assert_true(deliver(&d));
	test_empty(ctx);
}

/* damaged messages: no crash, no read past the datagram, re-check */
static void test_hostile(void **ctx)
{
	struct dgram d = { 0 };
	char s[8] = "nftblock";		/* no NUL */

	(void)ctx;
	msg_begin(&d, NFT_MSG_DELTABLE, NFPROTO_INET);
	msg_attr(&d, 1, s, sizeof(s));
	gen(&d, OTHER_PID, "nft");
	assert_false(deliver(&d));	/* an unterminated name is not ours */
	/* a message longer than the datagram */
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "foreign");
	((struct nlmsghdr *)(d.buf + d.cur))->nlmsg_len = 3000;
	assert_true(deliver(&d));
	/* an attribute running past its message */
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "nftblock");
	((struct nlattr *)(d.buf + d.cur + NLMSG_HDRLEN + 4))->nla_len = 2000;
	gen(&d, OTHER_PID, "nft");
	deliver(&d);		/* either answer; it must not crash */
	/* too short for its header */
	memset(d.buf, 0, 8);
	d.len = 8;
	assert_true(deliver(&d));
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "foreign");
	gen(&d, OTHER_PID, "nft");
	deliver(&d);		/* a new commit decides afresh */
	obj(&d, NFT_MSG_DELTABLE, NFPROTO_INET, "foreign");
	gen(&d, OTHER_PID, "nft");
	assert_false(deliver(&d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_foreign_tool),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_nftblock_commits),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
