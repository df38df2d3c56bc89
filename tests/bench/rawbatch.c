// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rawbatch.c - the benchmark's floor: the least code that loads the same
 * interval verdict maps over netlink in one batch (libmnl only, no state,
 * no diff, no rules, no counters).  Not part of nftblock.
 *
 *   rawbatch load RANGES   create table inet rawbench, one chain per
 *                          country, maps geo4/geo6 and every element
 *   rawbatch one RANGES [TABLE MAP4]
 *                          on a loaded table (default rawbench geo4): add
 *                          one element in a gap (one commit), print the
 *                          commit's time, then remove it
 *
 * RANGES: lines "CC FIRST LAST" (addresses), merged per country.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

static const char *TABLE = "rawbench", *SET4 = "geo4";

struct rg { int fam; unsigned char lo[16], hi1[16]; int top; char cc[3]; };

static char *buf;
static size_t len, cap;
static uint32_t seq = 1;

/* type: an NFT_MSG_* (edge 0) or NFNL_MSG_BATCH_BEGIN/END (edge 1) */
static struct nlmsghdr *msgx(uint16_t type, uint16_t flags, int fam, int edge)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *g;

	if (len + 70000 > cap) {
		cap = (cap + 70000) * 2;
		buf = realloc(buf, cap);
	}
	nlh = mnl_nlmsg_put_header(buf + len);
	nlh->nlmsg_type = edge ? type : (NFNL_SUBSYS_NFTABLES << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq++;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = fam;
	g->version = NFNETLINK_V0;
	g->res_id = htons(edge ? NFNL_SUBSYS_NFTABLES : 0);
	return nlh;
}

static struct nlmsghdr *msg(uint16_t type, uint16_t flags, int fam)
{
	return msgx(type, flags, fam, 0);
}

static void done(struct nlmsghdr *nlh) { len += nlh->nlmsg_len; }

static void inc(unsigned char *a, int w, int *carry)
{
	for (int i = w - 1; i >= 0; i--)
		if (++a[i])
			return;
	*carry = 1;
}

static size_t readranges(const char *path, struct rg **out)
{
	FILE *f = fopen(path, "r");
	char cc[8], a[64], b[64];
	size_t n = 0, c = 0;
	struct rg *v = NULL;

	if (!f) { perror(path); exit(1); }
	while (fscanf(f, "%7s %63s %63s", cc, a, b) == 3) {
		if (n == c) v = realloc(v, (c = c * 2 + 1024) * sizeof(*v));
		v[n].fam = strchr(a, ':') ? 6 : 4;
		inet_pton(v[n].fam == 4 ? AF_INET : AF_INET6, a, v[n].lo);
		inet_pton(v[n].fam == 4 ? AF_INET : AF_INET6, b, v[n].hi1);
		v[n].top = 0;
		inc(v[n].hi1, v[n].fam == 4 ? 4 : 16, &v[n].top);
		memcpy(v[n].cc, cc, 2); v[n].cc[2] = 0;
		n++;
	}
	fclose(f);
	*out = v;
	return n;
}

static void elem(struct nlmsghdr *nlh, const unsigned char *k, int w, int end,
		 const char *chain)
{
	struct nlattr *e = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM), *n;

	n = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_KEY);
	mnl_attr_put(nlh, NFTA_DATA_VALUE, w, k);
	mnl_attr_nest_end(nlh, n);
	if (end)
		mnl_attr_put_u32(nlh, NFTA_SET_ELEM_FLAGS, htonl(NFT_SET_ELEM_INTERVAL_END));
	if (chain) {
		struct nlattr *d = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_DATA);
		struct nlattr *v = mnl_attr_nest_start(nlh, NFTA_DATA_VERDICT);

		mnl_attr_put_u32(nlh, NFTA_VERDICT_CODE, htonl((uint32_t)NFT_JUMP));
		mnl_attr_put_strz(nlh, NFTA_VERDICT_CHAIN, chain);
		mnl_attr_nest_end(nlh, v);
		mnl_attr_nest_end(nlh, d);
	}
	mnl_attr_nest_end(nlh, e);
}

static void elems(struct rg *v, size_t n, int fam, uint16_t type)
{
	struct nlmsghdr *nlh = NULL;
	struct nlattr *list = NULL;
	char chain[8];
	int w = fam == 4 ? 4 : 16;

	for (size_t i = 0; i < n; i++) {
		if (v[i].fam != fam)
			continue;
		if (nlh && (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)list > 60000) {
			mnl_attr_nest_end(nlh, list);
			done(nlh);
			nlh = NULL;
		}
		if (!nlh) {
			nlh = msg(type, NLM_F_CREATE, NFPROTO_INET);
			mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, TABLE);
			mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, fam == 4 ? SET4 : "geo6");
			list = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
		}
		snprintf(chain, sizeof(chain), "cc_%s", v[i].cc);
		elem(nlh, v[i].lo, w, 0, type == NFT_MSG_NEWSETELEM ? chain : NULL);
		if (!v[i].top)
			elem(nlh, v[i].hi1, w, 1, NULL);
	}
	if (nlh) {
		mnl_attr_nest_end(nlh, list);
		done(nlh);
	}
}

static int send_batch(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	char rb[65536];
	int fd, v = (int)len + 65536, ret = 0;
	ssize_t r;

	mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID);
	fd = mnl_socket_get_fd(nl);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	if (mnl_socket_sendto(nl, buf, len) < 0) {
		perror("sendto");
		return 1;
	}
	while ((r = recv(fd, rb, sizeof(rb), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)rb;
		int l = (int)r;

		for (; mnl_nlmsg_ok(h, l); h = mnl_nlmsg_next(h, &l))
			if (h->nlmsg_type == NLMSG_ERROR &&
			    ((struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error) {
				fprintf(stderr, "error %d\n", ((struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error);
				ret = 1;
			}
	}
	mnl_socket_close(nl);
	return ret;
}

static void batch_edge(uint16_t t) { done(msgx(t, 0, AF_UNSPEC, 1)); }

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void mkset(const char *name, int fam)
{
	struct nlmsghdr *nlh = msg(NFT_MSG_NEWSET, NLM_F_CREATE, NFPROTO_INET);

	mnl_attr_put_strz(nlh, NFTA_SET_TABLE, TABLE);
	mnl_attr_put_strz(nlh, NFTA_SET_NAME, name);
	mnl_attr_put_u32(nlh, NFTA_SET_FLAGS, htonl(NFT_SET_INTERVAL | NFT_SET_MAP));
	mnl_attr_put_u32(nlh, NFTA_SET_KEY_TYPE, htonl(fam == 4 ? 7 : 8));
	mnl_attr_put_u32(nlh, NFTA_SET_KEY_LEN, htonl(fam == 4 ? 4 : 16));
	mnl_attr_put_u32(nlh, NFTA_SET_DATA_TYPE, htonl(NFT_DATA_VERDICT));
	mnl_attr_put_u32(nlh, NFTA_SET_ID, htonl(fam));
	done(nlh);
}

static int load(struct rg *v, size_t n)
{
	struct nlmsghdr *nlh;
	char seen[26 * 26] = { 0 }, chain[8];

	batch_edge(NFNL_MSG_BATCH_BEGIN);
	nlh = msg(NFT_MSG_NEWTABLE, NLM_F_CREATE, NFPROTO_INET);
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, TABLE);
	done(nlh);
	for (size_t i = 0; i < n; i++) {
		int k = (v[i].cc[0] - 'A') * 26 + (v[i].cc[1] - 'A');

		if (k < 0 || k >= 26 * 26 || seen[k]++)
			continue;
		snprintf(chain, sizeof(chain), "cc_%s", v[i].cc);
		nlh = msg(NFT_MSG_NEWCHAIN, NLM_F_CREATE, NFPROTO_INET);
		mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, TABLE);
		mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, chain);
		done(nlh);
	}
	mkset("geo4", 4);
	mkset("geo6", 6);
	elems(v, n, 4, NFT_MSG_NEWSETELEM);
	elems(v, n, 6, NFT_MSG_NEWSETELEM);
	batch_edge(NFNL_MSG_BATCH_END);
	return send_batch();
}

/* one element in the first IPv4 gap: add it (timed), then remove it */
static int one(struct rg *v, size_t n)
{
	struct rg g = { .fam = 4, .cc = "ZZ" };
	double t;
	int ret;

	for (size_t i = 0; i < n; i++)
		if (v[i].fam == 4 && !v[i].top) {
			int free_ = 1;

			for (size_t k = 0; k < n; k++)
				if (v[k].fam == 4 && !memcmp(v[k].lo, v[i].hi1, 4))
					free_ = 0;
			if (!free_)
				continue;
			memcpy(g.lo, v[i].hi1, 4);
			memcpy(g.hi1, v[i].hi1, 4);
			inc(g.hi1, 4, &g.top);
			memcpy(g.cc, v[i].cc, 3);
			break;
		}
	len = 0;
	batch_edge(NFNL_MSG_BATCH_BEGIN);
	elems(&g, 1, 4, NFT_MSG_NEWSETELEM);
	batch_edge(NFNL_MSG_BATCH_END);
	t = now();
	ret = send_batch();
	printf("one-element commit: %.1f ms\n", (now() - t) * 1e3);
	len = 0;
	batch_edge(NFNL_MSG_BATCH_BEGIN);
	elems(&g, 1, 4, NFT_MSG_DELSETELEM);
	batch_edge(NFNL_MSG_BATCH_END);
	return ret | send_batch();
}

int main(int argc, char **argv)
{
	struct rg *v;
	size_t n;
	double t;
	int ret;

	if (argc != 3 && argc != 5)
		return 2;
	if (argc == 5) {
		TABLE = argv[3];
		SET4 = argv[4];
	}
	n = readranges(argv[2], &v);
	t = now();
	ret = !strcmp(argv[1], "load") ? load(v, n) : one(v, n);
	if (!strcmp(argv[1], "load"))
		printf("raw batch: %zu ranges, %zu bytes, %.3f s\n", n, len, now() - t);
	free(v);
	free(buf);
	return ret;
}
