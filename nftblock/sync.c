// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sync.c - the pipeline (see sync.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cc.h"
#include "conf.h"
#include "fetch.h"
#include "genstore.h"
#include "lastrun.h"
#include "lists.h"
#include "listsrc.h"
#include "metrics.h"
#include "log.h"
#include "policy.h"
#include "privsep.h"
#include "state.h"
#include "sync.h"
#include "update.h"
#include "util.h"

#define CONFIRM_POLL_MS		100	/* how often the rollback watcher looks */

int sync_kernel_error(int err, const char *what)
{
	switch (err) {
	case -EPERM:
	case -EACCES:
		log_err("%s: permission denied (CAP_NET_ADMIN is needed)", what);
		return EX_NOPERM;
	case -EPROTONOSUPPORT:
	case -EAFNOSUPPORT:
	case -EOPNOTSUPP:
		log_err("%s: nf_tables is not available in this kernel", what);
		return EX_UNAVAILABLE;
	case -ENOENT:
		log_err("%s: table inet %s does not exist", what, NFT_TABLE);
		return EX_UNAVAILABLE;
	case -ERANGE:
		log_err("%s: the final switch does not fit one transaction of "
			"the socket buffer; nothing was changed", what);
		return EX_UNAVAILABLE;
	case -EBUSY:
		log_err("%s: every map slot is taken; run disable first", what);
		return EX_UNAVAILABLE;
	case -ESRCH:
		log_err("%s: table inet %s has no live generation", what,
			NFT_TABLE);
		return EX_UNAVAILABLE;
	default:
		log_err("%s: the kernel refused the transaction (%s); nothing "
			"was changed", what, strerror(-err));
		if (*nft_last_error())
			log_err("%s: %s", what, nft_last_error());
		return EX_PROTOCOL;
	}
}

uint32_t sync_now(void)
{
	time_t t = time(NULL);

	return t < 0 ? 0 : t > (time_t)UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

/* ---- the SSH client ---- */

bool sync_ssh_client(int *family, u128 *addr)
{
	static const char *const vars[] = { "SSH_CONNECTION", "SSH_CLIENT" };

	for (size_t i = 0; i < 2; i++) {
		const char *v = getenv(vars[i]);
		size_t len;

		if (!v || !*v)
			continue;
		len = strcspn(v, " ");
		if (cidr_parse_addr(v, len, family, addr))
			continue;
		/* ::ffff:a.b.c.d: a dual-stack sshd's IPv4 client */
		if (*family == 6 && *addr >> 32 == 0xffff) {
			*family = 4;
			*addr &= 0xffffffffu;
		}
		return true;
	}
	return false;
}

/* Whether g's rules would drop the SSH client (inbound or its replies
 * outbound); *why names the rule. */
/* Does a scoped list of mask drop tcp port? */
static bool scope_drops(const struct nft_gen *g, uint32_t mask, uint16_t port)
{
	for (size_t k = 0; k < g->nlists; k++) {
		const struct nft_list *l = &g->lists[k];

		if (!(mask & (1u << k)))
			continue;
		if (l->protos & NFT_PROTO_TCP)
			return true;
		for (size_t i = 0; i < l->nports; i++)
			if (l->ports[i].proto == IPPROTO_TCP &&
			    l->ports[i].lo <= port && port <= l->ports[i].hi)
				return true;
	}
	return false;
}

/* The port of this host's SSH server (SSH_CONNECTION's fourth field). */
static uint16_t ssh_port(void)
{
	const char *v = getenv("SSH_CONNECTION"), *p;
	uint64_t port;

	if (!v || !(p = strrchr(v, ' ')) || util_parse_u64(p + 1, strlen(p + 1),
							   65535, &port) ||
	    !port)
		return 22;
	return (uint16_t)port;
}

static bool blocked_by(const struct nft_gen *g, int family, u128 addr,
		       char *why, size_t n)
{
	static const unsigned dirs[] = { NFT_DIR_IN, NFT_DIR_OUT };
	char cc[3], name[64];

	for (size_t i = 0; i < 2; i++) {
		uint32_t tag = 0;

		switch (policy_verdict(g, family, addr, dirs[i], &tag)) {
		case POLICY_COUNTRY:
			snprintf(why, n, "country %s", cc_format(tag, cc));
			return true;
		case POLICY_DENY:
			snprintf(why, n, "[block] addresses");
			return true;
		case POLICY_LIST:
			snprintf(why, n, "%s", lists_tag_name(g, tag, name,
							      sizeof(name)));
			return true;
		case POLICY_SCOPED:
			if (!scope_drops(g, tag, ssh_port()))
				break;
			snprintf(why, n, "%s (tcp/%u)", lists_tag_name(g, tag,
				 name, sizeof(name)), ssh_port());
			return true;
		case POLICY_NOTALLOWED:
			snprintf(why, n, "not in the [allow] countries");
			return true;
		default:
			break;
		}
	}
	return false;
}

/* Refuse a generation that would cut off the running SSH session; then
 * keep its client reachable with an exception (*added: one was added). */
static int protect_ssh(struct nft_gen *g, bool force, bool *added)
{
	char a[CIDR_STRLEN], why[64];
	bool blocked;
	int family;
	u128 addr;

	*added = false;
	if (!sync_ssh_client(&family, &addr))
		return 0;
	blocked = blocked_by(g, family, addr, why, sizeof(why));
	cidr_format_addr(family, addr, a);
	if (blocked && !force) {
		log_err("refused: this change would block your SSH client %s "
			"(%s); add it to [exceptions] addresses, or use "
			"--force (it then stays reachable through an exception "
			"until the next run without it)", a, why);
		return EX_NOPERM;
	}
	if (blocked)
		log_warn("SSH client %s (%s): kept reachable by an exception "
			 "(--force)", a, why);
	if (rangeset_lookup(&g->allow[family == 6], addr))
		return 0;
	rangeset_add(&g->allow[family == 6], addr, addr, 0);
	rangeset_normalize(&g->allow[family == 6]);
	*added = true;
	return 0;
}

/* Take the session's exception out again: stored generations hold what
 * the configuration and the feeds say, not who ran the command. */
static void unprotect_ssh(struct nft_gen *g)
{
	struct rangeset one, rest;
	int family, f;
	u128 addr;

	if (!sync_ssh_client(&family, &addr))
		return;
	f = family == 6;
	rangeset_init(&one, family);
	rangeset_init(&rest, family);
	rangeset_add(&one, addr, addr, 0);
	rangeset_subtract(&g->allow[f], &one, &rest);
	rangeset_move(&g->allow[f], &rest);
	rangeset_free(&one);
	rangeset_free(&rest);
}

/* ---- applying ---- */

static void print_result(FILE *out, const struct nft_result *r,
			 const struct nft_gen *g)
{
	static const char *const modes[] = { "unchanged", "diff", "full" };

	fprintf(out, "apply: mode=%s removed=%zu added=%zu transactions=%zu "
		"messages=%zu bytes=%zu ranges4=%zu ranges6=%zu "
		"kernel_ms=%.1f\n",
		modes[r->mode], r->del_elems, r->add_elems, r->txns, r->msgs,
		r->bytes, g->map[0].n, g->map[1].n, (double)r->kernel_us / 1e3);
	if (r->mode == NFT_FULL && r->why_full)
		log_info("full replace: %s", r->why_full);
	if (r->restarts)
		log_info("restarted %zu time(s): the ruleset changed meanwhile",
			 r->restarts);
}

/*
 * nft_apply against the recorded state, then record the new one.  The
 * state file is written while the kernel commits (state_save_start) and
 * renamed into place only after the commit succeeded.
 */
static int apply_locked(const char *state_dir, const struct nft_gen *g,
			const struct nft_opts *no, FILE *out)
{
	struct state_save *save = NULL;
	struct nft_result res;
	struct nft_prev prev = { 0 };
	struct state st, now;
	int ret;

	ret = state_load(state_dir, &st);
	if (ret == -EBADMSG)
		log_warn("%s: state file is corrupt; replacing the maps",
			 state_dir);
	if (!ret) {
		prev.gen = &st.gen;
		prev.fp = st.fp;
		prev.genid = st.genid;
	}
	if (state_save_start(state_dir, g, &save))
		save = NULL;	/* state_save() below says why */
	ret = nft_apply(g, &prev, no, &res);
	state_free(&st);
	if (ret || res.mode == NFT_UNCHANGED)
		state_save_cancel(save);
	if (ret)
		return sync_kernel_error(ret, "apply");
	if (out)
		print_result(out, &res, g);
	if (res.mode == NFT_UNCHANGED)
		return EX_OK;	/* the state file already says this */
	if (save) {
		ret = state_save_finish(save, res.fp, res.genid);
	} else {
		now.gen = *g;
		now.fp = res.fp;
		now.genid = res.genid;
		ret = state_save(state_dir, &now);
	}
	if (ret) {
		log_err("%s: cannot save state: %s", state_dir,
			strerror(-ret));
		return EX_CANTCREAT;
	}
	return EX_OK;
}

/* Return to generation id (0: no table at all). */
static int roll_back(const char *state_dir, uint32_t id)
{
	struct nft_opts no = { 0 };
	struct nft_gen g;
	int ret;

	if (!id) {
		ret = nft_disable();
		state_remove(state_dir);
		return ret == -ENOENT ? 0 : ret;
	}
	ret = genstore_load(state_dir, id, &g);
	if (ret)
		return ret;
	ret = apply_locked(state_dir, &g, &no, NULL) ? -EIO : 0;
	nft_gen_free(&g);
	if (!ret)
		genstore_set_current(state_dir, id);
	return ret;
}

/* state_dir/NAME SUFFIX into buf: the confirm and disabled marks. */
static int state_path(const char *state_dir, const char *name,
		      const char *suffix, char *buf, size_t n)
{
	if ((size_t)snprintf(buf, n, "%s/%s%s", state_dir, name, suffix) >= n)
		return -ENAMETOOLONG;
	return 0;
}

/* The watcher outlives the command: it must not hold its output open
 * (a caller reading the output until EOF would wait for the deadline). */
static void detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	close(fd);
}

/* The detached watcher: unless the confirm file is gone by the deadline,
 * take it (rename: confirm and watcher cannot both win) and roll back. */
static void __attribute__((noreturn))
watch_confirm(const char *state_dir, unsigned seconds, uint32_t id)
{
	char path[PATH_MAX], taken[PATH_MAX];
	struct timespec poll = { 0, CONFIRM_POLL_MS * 1000000L };
	time_t deadline = time(NULL) + (time_t)seconds;
	int lock, ret;

	setsid();
	signal(SIGHUP, SIG_IGN);
	detach_stdio();
	if (state_path(state_dir, SYNC_CONFIRM_FILE, "", path,
		       sizeof(path)) ||
	    state_path(state_dir, SYNC_CONFIRM_FILE, ".expired", taken,
		       sizeof(taken)))
		_exit(EX_SOFTWARE);
	while (time(NULL) < deadline && !access(path, F_OK))
		nanosleep(&poll, NULL);
	if (rename(path, taken))
		_exit(EX_OK);	/* confirmed */
	lock = state_lock(state_dir);
	ret = roll_back(state_dir, id);
	unlink(taken);
	openlog("nftblock", LOG_PID, LOG_DAEMON);
	if (ret)
		syslog(LOG_ERR, "no confirmation within %u s; rolling back "
		       "to generation %u failed: %s", seconds, id,
		       strerror(-ret));
	else
		syslog(LOG_WARNING, "no confirmation within %u s: rolled "
		       "back to %s%u", seconds, id ? "generation " :
		       "no table", id);
	if (lock >= 0)
		close(lock);
	_exit(ret ? EX_UNAVAILABLE : EX_OK);
}

static int arm_confirm(const char *state_dir, unsigned seconds, uint32_t id,
		       FILE *out)
{
	char text[64];
	pid_t pid;
	int ret;

	snprintf(text, sizeof(text), "%u %lld\n", id,
		 (long long)time(NULL) + seconds);
	ret = util_write_file_atomic(state_dir, SYNC_CONFIRM_FILE, text,
				     strlen(text), 0600);
	if (ret) {
		log_err("%s: cannot arm the rollback: %s", state_dir,
			strerror(-ret));
		return ret;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		watch_confirm(state_dir, seconds, id);
	fprintf(out, "confirm: run 'nftblock confirm' within %u s, or %s%u "
		"comes back\n", seconds, id ? "generation " : "no table",
		id);
	return 0;
}

int sync_apply(const char *state_dir, struct nft_gen *g,
	       const struct sync_opts *o, uint32_t rollback_to, FILE *out)
{
	char path[PATH_MAX];
	bool added;
	int lock, ret;

	/* a stored generation may hold entries that lapsed since */
	if (lists_drop_lapsed(g, sync_now()))
		log_info("lists: entries that lapsed since were left out");
	ret = protect_ssh(g, o->force, &added);
	if (ret)
		return ret;
	lock = state_lock(state_dir);
	if (lock < 0) {
		log_err("%s: cannot lock the state directory: %s; nothing was "
			"changed", state_dir, strerror(-lock));
		if (added)
			unprotect_ssh(g);
		/* not root: say what is missing, as the kernel would */
		return lock == -EACCES || lock == -EPERM ?
		       sync_kernel_error(-EPERM, "apply") : EX_CANTCREAT;
	}
	/* a new apply replaces a pending confirmation */
	if (!state_path(state_dir, SYNC_CONFIRM_FILE, "", path, sizeof(path)))
		unlink(path);
	ret = apply_locked(state_dir, g, &o->nft, out);
	close(lock);	/* before the watcher forks: it must not hold it */
	if (added)
		unprotect_ssh(g);
	if (!ret && o->confirm && arm_confirm(state_dir, o->confirm,
					      rollback_to, out))
		ret = EX_CANTCREAT;
	return ret;
}

bool sync_is_disabled(const char *state_dir)
{
	char path[PATH_MAX];

	return !state_path(state_dir, SYNC_DISABLED_FILE, "", path,
			   sizeof(path)) &&
	       !access(path, F_OK);
}

int sync_disable(const char *state_dir, FILE *out)
{
	static const char text[] = "disabled by 'nftblock disable'\n";
	char path[PATH_MAX];
	int lock, ret;

	lock = state_lock(state_dir);
	ret = nft_disable();
	if (ret && ret != -ENOENT) {
		if (lock >= 0)
			close(lock);
		return sync_kernel_error(ret, "disable");
	}
	fprintf(out, "disable: table inet %s %s\n", NFT_TABLE,
		ret == -ENOENT ? "was not there" : "removed");
	ret = state_remove(state_dir);
	if (ret)
		log_warn("%s: %s", state_dir, strerror(-ret));
	/* a pending --confirm must not bring it back */
	if (!state_path(state_dir, SYNC_CONFIRM_FILE, "", path, sizeof(path)))
		unlink(path);
	ret = util_write_file_atomic(state_dir, SYNC_DISABLED_FILE, text,
				     sizeof(text) - 1, 0600);
	if (ret)
		log_warn("%s: cannot record that nftblock is disabled (%s): "
			 "the next sync or boot applies again", state_dir,
			 strerror(-ret));
	if (lock >= 0)
		close(lock);
	return EX_OK;
}

int sync_enable(const char *state_dir, const struct sync_opts *o, FILE *out)
{
	char path[PATH_MAX];

	if (!state_path(state_dir, SYNC_DISABLED_FILE, "", path,
			sizeof(path)) && unlink(path) &&
	    errno != ENOENT) {
		log_err("%s: %s", path, strerror(errno));
		return EX_CANTCREAT;
	}
	return sync_apply_stored(state_dir, 0, o, out);
}

int sync_confirm(const char *state_dir, FILE *out)
{
	char path[PATH_MAX];

	if (state_path(state_dir, SYNC_CONFIRM_FILE, "", path, sizeof(path)))
		return EX_USAGE;
	if (unlink(path)) {
		log_err("nothing waits for confirmation in %s (rolled back "
			"already, or never asked)", state_dir);
		return EX_UNAVAILABLE;
	}
	fprintf(out, "confirm: kept\n");
	return EX_OK;
}

int sync_apply_stored(const char *state_dir, uint32_t id,
		      const struct sync_opts *o, FILE *out)
{
	uint32_t ids[MAX_GENERATIONS], cur = 0, use = id;
	struct nft_gen g;
	int n, ret;

	if (!id && sync_is_disabled(state_dir)) {
		fprintf(out, "apply: disabled: nothing applied (nftblock "
			"enable turns it on)\n");
		return EX_OK;
	}
	n = genstore_list(state_dir, ids);
	genstore_current(state_dir, &cur);
	if (!use)
		use = cur;
	for (;;) {
		ret = use ? genstore_load(state_dir, use, &g) : -ENOENT;
		if (ret != -EBADMSG || id)
			break;
		/* a damaged current generation: fall back to an older one */
		log_err("%s: generation %u is corrupt; trying the one before",
			state_dir, use);
		while (n > 0 && ids[n - 1] >= use)
			n--;
		use = n > 0 ? ids[n - 1] : 0;
	}
	if (ret == -ENOENT) {
		log_err("%s: no stored generation%s; run sync first", state_dir,
			id ? " with that number" : "");
		return EX_NOINPUT;
	}
	if (ret) {
		log_err("%s: generation %u: %s", state_dir, use,
			ret == -EBADMSG ? "corrupt" : strerror(-ret));
		return EX_DATAERR;
	}
	fprintf(out, "generation: %u\n", use);
	ret = sync_apply(state_dir, &g, o, cur, out);
	nft_gen_free(&g);
	if (!ret && use != cur && genstore_set_current(state_dir, use))
		log_warn("%s: cannot record the current generation", state_dir);
	return ret;
}

/* ---- the unprivileged half ---- */

struct child_arg {
	const struct conf *c;
	const struct sync_opts *o;
	struct ccset block, permit, listcc, all;
	bool fetch_only;	/* no ranges: the fetch command */
};

/* In the child: download (unless offline), then compile from the cache
 * and write the ranges.  Its exit code says how the feeds went. */
static int child_main(void *p, int fd)
{
	struct child_arg *a = p;
	struct rangeset sets[PS_NSETS][2];
	struct update_result ur = { 0 };
	unsigned missing = 0, m2 = 0, m3 = 0, m4 = 0;
	int ret = 0, code = EX_OK;

	if (!a->o->offline) {
		if (fetch_init()) {
			log_err("cannot initialise libcurl");
			return EX_SOFTWARE;
		}
		ret = update_run(a->c, &a->all, a->o->force, stdout, &ur);
		fetch_cleanup();
		if (ret == -EAGAIN) {
			log_err("%s: another nftblock run holds the cache lock",
				a->c->cache_dir);
			return EX_TEMPFAIL;
		}
		if (ret) {
			log_err("%s: %s", a->c->cache_dir, strerror(-ret));
			return EX_CANTCREAT;
		}
		if (!ret)
			ret = update_lists(a->c, a->o->force, stdout, &ur);
		if (ret) {
			log_err("%s: %s", a->c->cache_dir, strerror(-ret));
			return EX_CANTCREAT;
		}
		code = ur.refused ? EX_TEMPFAIL : EX_OK;
		if (ur.missing)
			code = EX_UNAVAILABLE;
	}
	if (a->fetch_only) {
		fflush(stdout);
		return code;
	}
	for (unsigned s = 0; s < PS_NSETS; s++) {
		rangeset_init(&sets[s][0], 4);
		rangeset_init(&sets[s][1], 6);
	}
	ret = update_load(a->c, &a->block, sets[PS_BLOCK], &missing);
	if (!ret)
		ret = update_load(a->c, &a->permit, sets[PS_PERMIT], &m2);
	if (!ret)
		ret = update_load(a->c, &a->listcc, sets[PS_LISTCC], &m3);
	if (!ret)
		ret = update_load_lists(a->c, sets[PS_LIST], &m4);
	if (!ret)
		ret = privsep_write(fd, sets);
	for (unsigned s = 0; s < PS_NSETS; s++) {
		rangeset_free(&sets[s][0]);
		rangeset_free(&sets[s][1]);
	}
	if (ret)
		return ret == -EBADMSG ? EX_DATAERR : EX_IOERR;
	return missing + m2 + m3 + m4 ? EX_UNAVAILABLE : code;
}

/* ---- plan ---- */

static char *u128_str(u128 v, char buf[40])
{
	char t[40];
	size_t n = 0;

	do {
		t[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

struct cc_delta {
	uint32_t tag;
	size_t pfx[2];		/* prefixes removed, added */
	u128 addrs[2];
};

static struct cc_delta *delta_of(struct cc_delta *d, size_t *n, uint32_t tag)
{
	for (size_t i = 0; i < *n; i++)
		if (d[i].tag == tag)
			return &d[i];
	memset(&d[*n], 0, sizeof(d[*n]));
	d[*n].tag = tag;
	return &d[(*n)++];
}

static void count_delta(const struct rangeset *s, int dir,
			struct cc_delta *d, size_t *n)
{
	struct cidr c[MAX_CIDRS_PER_RANGE];

	for (size_t i = 0; i < s->n; i++) {
		struct cc_delta *e = delta_of(d, n, s->v[i].tag);

		e->pfx[dir] += cidr_from_range(s->family, s->v[i].lo,
					       s->v[i].hi, c,
					       MAX_CIDRS_PER_RANGE);
		e->addrs[dir] += s->v[i].hi - s->v[i].lo + 1;
	}
}

static int delta_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct cc_delta *)a)->tag;
	uint32_t y = ((const struct cc_delta *)b)->tag;

	return (x > y) - (x < y);
}

/* Print, per country and family, what turning old[] into now[] changes;
 * returns the number of range operations. */
static size_t plan_sets(FILE *out, const char *label,
			const struct rangeset old[2],
			const struct rangeset now[2])
{
	struct cc_delta *d = calloc(MAX_COUNTRIES + 1, sizeof(*d));
	char cc[3], a[40], b[40];
	size_t changes = 0;

	for (int f = 0; f < 2 && d; f++) {
		struct rangeset rem, add;
		size_t n = 0;

		rangeset_init(&rem, f ? 6 : 4);
		rangeset_init(&add, f ? 6 : 4);
		rangeset_diff(&old[f], &now[f], &rem, &add);
		count_delta(&rem, 0, d, &n);
		count_delta(&add, 1, d, &n);
		qsort(d, n, sizeof(*d), delta_cmp);
		for (size_t i = 0; i < n; i++)
			fprintf(out, "plan: %s%s IPv%d: +%zu prefixes (+%s "
				"addresses) -%zu prefixes (-%s addresses)\n",
				label, cc_format(d[i].tag, cc), f ? 6 : 4,
				d[i].pfx[1], u128_str(d[i].addrs[1], a),
				d[i].pfx[0], u128_str(d[i].addrs[0], b));
		changes += rem.n + add.n;
		rangeset_free(&rem);
		rangeset_free(&add);
	}
	free(d);
	return changes;
}

/* Address lists without countries: how many ranges go and come. */
static void plan_plain(FILE *out, const char *label,
		       const struct rangeset old[2],
		       const struct rangeset now[2])
{
	size_t del = 0, add = 0;

	for (int f = 0; f < 2; f++) {
		struct rangeset r, a;

		rangeset_init(&r, f ? 6 : 4);
		rangeset_init(&a, f ? 6 : 4);
		rangeset_diff(&old[f], &now[f], &r, &a);
		del += r.n;
		add += a.n;
		rangeset_free(&r);
		rangeset_free(&a);
	}
	if (del || add)
		fprintf(out, "plan: %s: +%zu -%zu ranges\n", label, add, del);
}

/* The date of a lapse time, "2027-02-22 00:00 UTC". */
static char *lapse_str(uint32_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, n, "@%u", t);
	return buf;
}

/* Per list: ranges that go and come, and what lapses next. */
static void plan_lists(FILE *out, const struct nft_gen *old,
		       const struct nft_gen *g)
{
	static const struct rangeset none[2];
	char label[MAX_LIST_NAME + 8], when[40];

	for (size_t k = 0; k < g->nlists; k++) {
		const struct nft_list *l = &g->lists[k];
		const struct rangeset *prev = none;
		uint32_t next;
		size_t n;

		for (size_t j = 0; j < old->nlists; j++)
			if (!strcmp(old->lists[j].name, l->name))
				prev = old->lists[j].set;
		snprintf(label, sizeof(label), "list:%s", l->name);
		plan_plain(out, label, prev == none ? g->lists[k].set : prev,
			   l->set);
		if (prev == none)
			fprintf(out, "plan: %s: new, %zu range(s)\n", label,
				l->set[0].n + l->set[1].n);
		next = lists_next_lapse(l, &n);
		if (next)
			fprintf(out, "plan: %s: %zu entr%s will lapse, the "
				"next at %s\n", label, n, n == 1 ? "y" : "ies",
				lapse_str(next, when, sizeof(when)));
	}
}

/* Print what applying g over old would change. */
static void print_plan(FILE *out, const struct nft_gen *old,
		       const struct nft_gen *g)
{
	size_t changes = plan_sets(out, "", old->map, g->map);

	changes += plan_sets(out, "allow ", old->permit, g->permit);
	plan_plain(out, "exceptions", old->allow, g->allow);
	plan_plain(out, "[block] addresses", old->deny, g->deny);
	plan_lists(out, old, g);
	if (old->dirs != g->dirs)
		fprintf(out, "plan: block directions: %s -> %s\n",
			conf_direction_name((enum conf_direction)old->dirs),
			conf_direction_name((enum conf_direction)g->dirs));
	if (old->permit_dirs != g->permit_dirs)
		fprintf(out, "plan: allow directions: %s -> %s\n",
			conf_direction_name((enum conf_direction)old->permit_dirs),
			conf_direction_name((enum conf_direction)g->permit_dirs));
	if (nft_gen_fingerprint(old) == nft_gen_fingerprint(g))
		fprintf(out, "plan: no change\n");
	else
		fprintf(out, "plan: %zu range operation(s) in the maps\n",
			changes);
}

static int plan(const char *state_dir, const struct nft_gen *g, FILE *out)
{
	struct state st;
	int ret = state_load(state_dir, &st);

	if (ret && ret != -ENOENT)
		log_warn("%s: state file unreadable (%s): comparing with an "
			 "empty table", state_dir, strerror(-ret));
	if (ret == -ENOENT)
		fprintf(out, "plan: nothing applied yet\n");
	print_plan(out, &st.gen, g);
	state_free(&st);
	return EX_OK;
}

/* ---- sync ---- */

static void child_setup(struct child_arg *a, const struct conf *c,
			const struct sync_opts *o)
{
	a->c = c;
	a->o = o;
	ccset_init(&a->block, false);
	ccset_init(&a->permit, false);
	ccset_init(&a->listcc, false);
	ccset_init(&a->all, false);
	conf_countries_expand(&c->block, &a->block);
	conf_countries_expand(&c->allow, &a->permit);
	conf_countries_expand(&c->block, &a->all);
	conf_countries_expand(&c->allow, &a->all);
	for (size_t k = 0; k < c->nlists; k++) {
		conf_countries_expand(&c->lists[k].countries, &a->listcc);
		conf_countries_expand(&c->lists[k].countries, &a->all);
	}
}

int sync_fetch(const struct conf *c, bool force, FILE *out)
{
	struct sync_opts o = { .force = force };
	struct child_arg *a = calloc(1, sizeof(*a));
	pid_t pid;
	int fd, code;

	if (!a)
		return EX_OSERR;
	child_setup(a, c, &o);
	a->fetch_only = true;
	fflush(out);
	fd = privsep_spawn(c->cache_dir, child_main, a, &pid);
	if (fd < 0) {
		free(a);
		log_err("cannot start the unprivileged child: %s",
			strerror(-fd));
		return EX_OSERR;
	}
	close(fd);
	code = privsep_wait(pid);
	free(a);
	return code;
}

/* Store g unless it is the current generation already; *id is the one
 * to run, *cur the one before. */
static int store(const char *state_dir, const struct nft_gen *g,
		 uint32_t *id, uint32_t *cur)
{
	int ret;

	*cur = 0;
	genstore_current(state_dir, cur);
	ret = genstore_save_new(state_dir, g, id);
	if (ret)
		log_err("%s: cannot store the generation: %s", state_dir,
			strerror(-ret));
	return ret;
}

int sync_commit(const char *state_dir, struct nft_gen *g,
		const struct sync_opts *o, FILE *out)
{
	uint32_t id = 0, cur = 0;
	int ret;

	genstore_current(state_dir, &cur);
	ret = sync_apply(state_dir, g, o, cur, out);
	if (ret)
		return ret;
	if (store(state_dir, g, &id, &cur))
		return EX_CANTCREAT;
	fprintf(out, "generation: %u\n", id);
	return EX_OK;
}

/* Run the child and take its validated ranges into g.  Returns the
 * child's code (or EX_SOFTWARE for bad data). */
static int gather(const struct conf *c, struct child_arg *a,
		  struct nft_gen *g, struct rangeset lcc[2],
		  struct rangeset lfeed[2])
{
	struct rangeset sets[PS_NSETS][2];
	pid_t pid;
	int fd, code, ret;

	for (unsigned s = 0; s < PS_NSETS; s++) {
		rangeset_init(&sets[s][0], 4);
		rangeset_init(&sets[s][1], 6);
	}
	fd = privsep_spawn(c->cache_dir, child_main, a, &pid);
	if (fd < 0) {
		log_err("cannot start the unprivileged child: %s",
			strerror(-fd));
		return EX_OSERR;
	}
	ret = privsep_read(fd, sets);
	close(fd);
	code = privsep_wait(pid);
	if (ret && (code == EX_OK || code == EX_TEMPFAIL ||
		    code == EX_UNAVAILABLE)) {
		log_err("the unprivileged child sent invalid ranges");
		code = EX_SOFTWARE;
	}
	for (int f = 0; f < 2; f++) {
		rangeset_move(&g->map[f], &sets[PS_BLOCK][f]);
		rangeset_move(&g->permit[f], &sets[PS_PERMIT][f]);
		rangeset_move(&lcc[f], &sets[PS_LISTCC][f]);
		rangeset_move(&lfeed[f], &sets[PS_LIST][f]);
		for (unsigned s = 0; s < PS_NSETS; s++)
			rangeset_free(&sets[s][f]);
	}
	return code;
}

/* The lists' entries: files, countries, feeds, then expiry (the
 * first-seen records are kept unless planning).  0 or an exit code. */
static int gather_lists(const struct conf *c, const struct sync_opts *o,
			struct nft_gen *g, const struct rangeset lcc[2],
			const struct rangeset lfeed[2])
{
	char err[MAX_ERR_BYTES * 2];
	size_t lapsed;
	int ret;

	if (!g->nlists)
		return 0;
	ret = listsrc_files(c, g, err, sizeof(err));
	if (ret) {
		log_err("%s", err);
		return ret == -EINVAL ? EX_CONFIG : EX_NOINPUT;
	}
	listsrc_merge(c, lcc, lfeed, g);
	ret = listsrc_expire(c, g, c->state_dir, sync_now(), !o->plan,
			     &lapsed);
	if (ret) {
		log_err("%s: first-seen records: %s", c->state_dir,
			strerror(-ret));
		return EX_CANTCREAT;
	}
	if (lapsed)
		log_info("lists: %zu entr%s lapsed", lapsed,
			 lapsed == 1 ? "y has" : "ies have");
	return 0;
}

static int pipeline(const struct conf *c, const struct sync_opts *o,
		    FILE *out)
{
	struct child_arg *a = calloc(1, sizeof(*a));
	struct rangeset lcc[2], lfeed[2];
	struct nft_gen g;
	int code, ret;

	if (!a)
		return EX_OSERR;
	child_setup(a, c, o);
	nft_gen_init(&g);
	for (int f = 0; f < 2; f++) {
		rangeset_init(&lcc[f], f ? 6 : 4);
		rangeset_init(&lfeed[f], f ? 6 : 4);
	}
	code = gather(c, a, &g, lcc, lfeed);
	free(a);
	if (code == EX_OK || code == EX_TEMPFAIL || code == EX_UNAVAILABLE) {
		policy_from_conf(c, &g);
		ret = gather_lists(c, o, &g, lcc, lfeed);
		code = ret ? ret : code;
	}
	for (int f = 0; f < 2; f++) {
		rangeset_free(&lcc[f]);
		rangeset_free(&lfeed[f]);
	}
	if (code != EX_OK && code != EX_TEMPFAIL && code != EX_UNAVAILABLE) {
		log_err("sync: nothing applied; the kernel and the stored "
			"generations are as they were");
		nft_gen_free(&g);
		return code;
	}
	if ((c->block.any && !g.map[0].n && !g.map[1].n) ||
	    (c->allow.any && !g.permit[0].n && !g.permit[1].n)) {
		log_err("sync: refused: no addresses for any %s country; "
			"the kernel keeps what it has", c->block.any &&
			!g.map[0].n && !g.map[1].n ? "blocked" : "allowed");
		nft_gen_free(&g);
		return EX_UNAVAILABLE;
	}
	if (o->plan) {
		ret = plan(c->state_dir, &g, out);
		nft_gen_free(&g);
		return ret ? ret : code;
	}
	if (sync_is_disabled(c->state_dir)) {
		fprintf(out, "sync: disabled: the cache is up to date, the "
			"kernel is left alone (nftblock enable turns it on)\n");
		nft_gen_free(&g);
		return code;
	}
	ret = sync_commit(c->state_dir, &g, o, out);
	nft_gen_free(&g);
	return ret ? ret : code;
}

static const char *code_text(int code)
{
	switch (code) {
	case EX_OK:
		return "ok";
	case EX_TEMPFAIL:
		return "a feed was refused; its last good data was kept";
	case EX_UNAVAILABLE:
		return "a country has no data, or the kernel is unavailable";
	case EX_NOPERM:
		return "refused: permission, or it would block the SSH client";
	case EX_CONFIG:
		return "configuration error";
	default:
		return "failed; the kernel and the generations are unchanged";
	}
}

/* The last-run record status reads, then the Prometheus file. */
static void record(const struct conf *c, int code)
{
	struct lastrun lr = { 0 }, prev;
	uint32_t id = 0;
	int ret;

	lr.time = (int64_t)time(NULL);
	/* a refused feed with the rest applied still protects the host */
	lr.ok = code == EX_OK || code == EX_TEMPFAIL;
	lr.exit = (unsigned)code & 0xff;
	snprintf(lr.message, sizeof(lr.message), "%s", code_text(code));
	if (!genstore_current(c->state_dir, &id))
		lr.generation = id;
	if (lr.ok)
		lr.success = lr.time;
	else if (!lastrun_read(c->state_dir, &prev))
		lr.success = prev.success;
	ret = lastrun_write(c->state_dir, &lr);
	if (ret)
		log_warn("%s: cannot record the last run: %s", c->state_dir,
			 strerror(-ret));
	ret = metrics_write(c, lr.time);
	if (ret)
		log_warn("cannot write the Prometheus file: %s", strerror(-ret));
}

int sync_run(const struct conf *c, const struct sync_opts *o, FILE *out)
{
	int code = pipeline(c, o, out);

	if (!o->plan)
		record(c, code);
	return code;
}
