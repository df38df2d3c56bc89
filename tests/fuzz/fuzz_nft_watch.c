// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_nft_watch.c - libFuzzer target for the nf_tables event reader.
 *
 * The input is one datagram of "kernel" events, delivered through a
 * socketpair to nft_watch_read().  Invariants: it returns 0 and drains the
 * socket; whatever the input left pending, a NEWGEN of this process closes
 * it, after which a commit by another tool to a foreign table is not
 * reported as touching table inet nftblock.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include "nft.h"

#define MAX_INPUT	60000u	/* one datagram fits the socket buffer */

/* a committer that is not this process, whatever its pid */
#define OTHER_PID	((uint32_t)getpid() ^ 1u)

static int sv[2] = { -1, -1 };

/* A NEWGEN by pid, optionally after a DELTABLE of inet table. */
static size_t commit(char *buf, const char *table, uint32_t pid)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlattr *a;
	size_t off = 0;

	if (table) {
		memset(h, 0, 64);
		h->nlmsg_type = NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_DELTABLE;
		((struct nfgenmsg *)(h + 1))->nfgen_family = NFPROTO_INET;
		a = (struct nlattr *)(buf + NLMSG_HDRLEN + 4);
		a->nla_type = NFTA_TABLE_NAME;
		a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(table) + 1);
		strcpy((char *)a + NLA_HDRLEN, table);
		h->nlmsg_len = NLMSG_HDRLEN + 4 + NLA_ALIGN(a->nla_len);
		off = h->nlmsg_len;
		h = (struct nlmsghdr *)(buf + off);
	}
	memset(h, 0, 32);
	h->nlmsg_type = NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWGEN;
	a = (struct nlattr *)((char *)h + NLMSG_HDRLEN + 4);
	a->nla_type = NFTA_GEN_PROC_PID;
	a->nla_len = NLA_HDRLEN + 4;
	pid = htonl(pid);
	memcpy((char *)a + NLA_HDRLEN, &pid, 4);
	h->nlmsg_len = NLMSG_HDRLEN + 4 + 8;
	return off + h->nlmsg_len;
}

static void deliver(const void *buf, size_t len, bool *changed)
{
	if (send(sv[1], buf, len, 0) != (ssize_t)len)
		abort();
	if (nft_watch_read(sv[0], changed) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[256] __attribute__((aligned(4)));
	bool changed;

	if (sv[0] < 0 && socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		abort();
	if (size > MAX_INPUT || size == 0)
		return 0;
	deliver(data, size, &changed);
	deliver(buf, commit(buf, NULL, (uint32_t)getpid()), &changed);
	deliver(buf, commit(buf, "foreign", OTHER_PID), &changed);
	if (changed)
		abort();
	deliver(buf, commit(buf, "nftblock", OTHER_PID), &changed);
	if (!changed)
		abort();
	return 0;
}
