// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_daemon.c - "daemon": the resident mode (nftblockd.service).
 *
 * One thread, one poll() over a signalfd and an nf_tables event socket:
 *  - at start, and whenever another tool's commit touches table inet
 *    nftblock (or events were lost), the table is probed and, when it does
 *    not hold what the state file records, restored from the state file;
 *  - every --interval seconds (plus up to DAEMON_JITTER_PCT % jitter) a
 *    sync runs (sync_run(), in this process; its fetch child unprivileged);
 *  - SIGHUP re-reads the configuration (a bad one keeps the old) and syncs;
 *    SIGTERM and SIGINT end it with status 0.
 * The signals are blocked and read from the signalfd: no handler runs.
 * Commits by this process and by "nftblock" commands (apply, disable) are
 * not treated as damage: the kernel names the committer in its NEWGEN event.
 * After "nftblock disable" (sync_is_disabled()) nothing is restored.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "log.h"
#include "nft.h"
#include "state.h"
#include "sync.h"
#include "util.h"

struct daemon {
	struct conf conf;
	const char *config;	/* --config FILE, NULL: the default files */
	const char *feeds_dir;	/* --feeds-dir DIR or NULL */
	unsigned interval;	/* seconds between syncs */
	uint64_t next_sync;	/* CLOCK_MONOTONIC, ms */
	uint64_t retry_at;	/* a check to retry then; 0: none */
	uint64_t window;	/* start of the restore-rate window */
	unsigned restores;	/* restores in that window */
	uint64_t fp;		/* what the kernel held when last seen */
	uint32_t genid;		/* matching the state file (fp 0: unknown) */
	bool quiet_nostate;	/* "no state file" already said */
	int wfd;		/* the nftables event socket */
	bool deaf;		/* could not rejoin the event group: exit */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* A random number in [0, max]. */
static uint64_t jitter(uint64_t max)
{
	uint64_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	return max ? r % (max + 1) : 0;
}

/* The next sync: delay seconds from now, plus the jitter. */
static void schedule_sync(struct daemon *d, uint64_t delay)
{
	uint64_t ms = (uint64_t)d->interval * 1000u;

	d->next_sync = now_ms() + delay * 1000u +
		       jitter(ms * DAEMON_JITTER_PCT / 100u);
	log_info("next sync in %llu s",
		 (unsigned long long)((d->next_sync - now_ms()) / 1000u));
}

/*
 * The first sync is due one interval after the state file was last
 * written (a restart does not fetch again), at once without one.
 */
static void schedule_first_sync(struct daemon *d)
{
	char path[4096];
	struct stat sb;
	time_t now = time(NULL);
	uint64_t delay = 0;

	snprintf(path, sizeof(path), "%s/%s", d->conf.state_dir, STATE_FILE);
	if (stat(path, &sb) == 0 && sb.st_mtime <= now &&
	    (uint64_t)(now - sb.st_mtime) < d->interval)
		delay = d->interval - (uint64_t)(now - sb.st_mtime);
	schedule_sync(d, delay);
}

/*
 * Our own big commits run with the event group left (nft_watch_pause);
 * what happened meanwhile is found by the re-probe scheduled after.
 */
static void watch_pause(struct daemon *d, bool pause)
{
	int ret = nft_watch_pause(d->wfd, pause);

	if (ret && pause) {
		log_warn("nftables events: cannot leave the group: %s",
			 strerror(-ret));
	} else if (ret) {
		/* blind to other tools from now on: let systemd restart us */
		log_err("nftables events: cannot rejoin the group: %s",
			strerror(-ret));
		d->deaf = true;
	}
	if (!pause)
		d->retry_at = now_ms();
}

/*
 * A sync (sync_run: fetch in an unprivileged child, compile, store, apply),
 * its one-line results on stdout.  Events are paused for all of it: the
 * loop cannot act on them before sync_run() returns anyway.
 */
static int daemon_sync(struct daemon *d)
{
	struct sync_opts o = { 0 };
	int ret;

	watch_pause(d, true);
	ret = sync_run(&d->conf, &o, stdout);
	fflush(stdout);
	watch_pause(d, false);
	if (ret != EX_OK)
		log_warn("sync: exit status %d; the kernel keeps the last good "
			 "generation", ret);
	return ret;
}

static const char *damage(bool start, uint64_t fp, const struct state *st)
{
	if (!fp)
		return start ? "table inet " NFT_TABLE " is missing" :
		       "table inet " NFT_TABLE " removed by another tool";
	if (!start)
		return "table inet " NFT_TABLE " changed by another tool";
	if (fp != st->fp)
		return "table inet " NFT_TABLE " holds another generation";
	return "the ruleset changed since the last apply";
}

/* Another tool keeps changing the table: restore at most
 * MAX_RESTORES_PER_MIN times a minute.  Returns true to wait. */
static bool rate_limited(struct daemon *d, uint64_t now)
{
	if (now - d->window >= 60000u || !d->window) {
		d->window = now;
		d->restores = 0;
	}
	if (++d->restores <= MAX_RESTORES_PER_MIN)
		return false;
	if (d->restores == MAX_RESTORES_PER_MIN + 1)
		log_warn("restored %u times within a minute: another tool "
			 "keeps changing table inet %s; waiting",
			 MAX_RESTORES_PER_MIN, NFT_TABLE);
	d->retry_at = d->window + 60000u;
	return true;
}

/* Replace the table by st's generation and record the new commit. */
static void daemon_restore(struct daemon *d, struct state *st,
			   const char *why, uint64_t t0)
{
	struct nft_prev prev = { NULL, st->fp, st->genid };	/* full */
	struct nft_result res;
	int ret;

	watch_pause(d, true);
	ret = nft_apply(&st->gen, &prev, NULL, &res);
	watch_pause(d, false);
	if (ret) {
		log_err("%s; restoring it failed: %s%s%s", why,
			strerror(-ret), *nft_last_error() ? ": " : "",
			nft_last_error());
		d->retry_at = now_ms() + DAEMON_RETRY_MS;
		return;
	}
	d->fp = st->fp = res.fp;
	d->genid = st->genid = res.genid;
	log_info("%s; restored in %llu ms (%zu IPv4 and %zu IPv6 ranges)",
		 why, (unsigned long long)(now_ms() - t0), st->gen.map[0].n,
		 st->gen.map[1].n);
	ret = state_save(d->conf.state_dir, st);
	if (ret)
		log_warn("%s: cannot save state: %s", d->conf.state_dir,
			 strerror(-ret));
}

static void no_state(struct daemon *d, int err, uint64_t fp)
{
	if (d->quiet_nostate)
		return;
	d->quiet_nostate = true;
	if (err == -ENOENT)
		log_warn("%s: no state file: nothing to restore%s",
			 d->conf.state_dir, fp ? "" : " (no table either)");
	else
		log_err("%s: cannot load the state file: %s; nothing to "
			"restore", d->conf.state_dir, err == -EBADMSG ?
			"it is corrupt" : strerror(-err));
}

/*
 * Make the kernel hold the state file's generation.  start: at start-up
 * (say so); t0: when the change was noticed, for the figure logged.
 */
static void check_locked(struct daemon *d, bool start, uint64_t t0)
{
	struct state st;
	uint32_t genid;
	uint64_t fp;
	int ret;

	d->retry_at = 0;
	ret = nft_probe(&genid, &fp);
	if (ret) {
		log_err("cannot read the ruleset: %s", strerror(-ret));
		d->retry_at = now_ms() + DAEMON_RETRY_MS;
		return;
	}
	if (fp && fp == d->fp && genid == d->genid)
		return;		/* our own commit, or nothing of ours */
	if (sync_is_disabled(d->conf.state_dir)) {
		if (!d->quiet_nostate)
			log_info("disabled by 'nftblock disable': not restoring "
				 "(nftblock enable turns it on)");
		d->quiet_nostate = true;
		return;
	}
	ret = state_load(d->conf.state_dir, &st);
	if (ret) {
		no_state(d, ret, fp);
		return;
	}
	d->quiet_nostate = false;
	if (fp == st.fp && genid == st.genid) {
		d->fp = fp;
		d->genid = genid;
		if (start)
			log_info("table inet %s holds the last good generation",
				 NFT_TABLE);
	} else if (!rate_limited(d, t0)) {
		daemon_restore(d, &st, damage(start, fp, &st), t0);
	}
	state_free(&st);
}

/*
 * check_locked() under the state directory's lock, so that an "nftblock"
 * command applying and saving meanwhile is not taken for damage.
 */
static void daemon_check(struct daemon *d, bool start, uint64_t t0)
{
	int lock = state_lock(d->conf.state_dir);

	check_locked(d, start, t0);
	if (lock >= 0)
		close(lock);
}

static void daemon_reload(struct daemon *d)
{
	struct conf c;

	if (cmd_load_config(d->config, d->feeds_dir, &c)) {
		log_err("SIGHUP: configuration not reloaded; keeping the "
			"previous one");
		return;
	}
	conf_free(&d->conf);
	d->conf = c;
	d->fp = 0;		/* the state directory may have changed */
	d->quiet_nostate = false;
	log_info("SIGHUP: configuration reloaded: state-dir %s, cache-dir %s, "
		 "interval %u s", d->conf.state_dir, d->conf.cache_dir,
		 d->interval);
}

/* Read the pending signals.  Returns 1 to exit, 0 to go on. */
static int daemon_signals(struct daemon *d, int sfd)
{
	struct signalfd_siginfo si;
	bool hup = false;

	for (unsigned i = 0; i < 64; i++) {	/* a handful queue at most */
		if (read(sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
			break;
		if (si.ssi_signo == SIGHUP) {
			hup = true;
			continue;
		}
		log_info("%s: exiting", strsignal((int)si.ssi_signo));
		return 1;
	}
	if (hup) {
		daemon_reload(d);
		daemon_sync(d);
		schedule_sync(d, d->interval);
	}
	return 0;
}

static int poll_timeout(const struct daemon *d)
{
	uint64_t now = now_ms(), due = d->next_sync;

	if (d->retry_at && d->retry_at < due)
		due = d->retry_at;
	if (due <= now)
		return 0;
	return due - now > INT_MAX ? INT_MAX : (int)(due - now);
}

static int daemon_loop(struct daemon *d, int sfd, int wfd)
{
	struct pollfd p[2] = { { sfd, POLLIN, 0 }, { wfd, POLLIN, 0 } };
	bool changed;
	uint64_t now;
	int ret;

	for (;;) {
		if (poll(p, 2, poll_timeout(d)) < 0) {
			if (errno == EINTR)	/* SIGSTOP/SIGCONT */
				continue;
			log_err("poll: %s", strerror(errno));
			return EX_OSERR;
		}
		if (p[0].revents && daemon_signals(d, sfd))
			return EX_OK;
		if (d->deaf)
			return EX_OSERR;
		if (p[1].revents) {
			now = now_ms();
			ret = nft_watch_read(wfd, &changed);
			if (ret) {
				log_err("nftables events: %s", strerror(-ret));
				return EX_OSERR;
			}
			if (changed)
				daemon_check(d, false, now);
		}
		now = now_ms();
		if (d->retry_at && now >= d->retry_at)
			daemon_check(d, false, now);
		if (now_ms() >= d->next_sync) {
			daemon_sync(d);
			schedule_sync(d, d->interval);
		}
		if (d->deaf)
			return EX_OSERR;
	}
}

static int daemon_usage(void)
{
	fprintf(stderr, "Usage: nftblock daemon [--config FILE] "
		"[--feeds-dir DIR] [--interval SECONDS]\n");
	return EX_USAGE;
}

static int daemon_args(int argc, char **argv, struct daemon *d)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "feeds-dir", required_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'c') {
			d->config = optarg;
		} else if (c == 'f') {
			d->feeds_dir = optarg;
		} else if (c == 'i' && !util_parse_u64(optarg, strlen(optarg),
						       MAX_DAEMON_INTERVAL, &v) &&
			   v > 0) {
			d->interval = (unsigned)v;
		} else {
			if (c == 'i')
				log_err("--interval: '%s' is not 1..%u seconds",
					optarg, MAX_DAEMON_INTERVAL);
			return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

static int open_kernel_watch(void)
{
	int fd = nft_watch_open();

	if (fd >= 0)
		return fd;
	log_err("cannot watch nftables events: %s", strerror(-fd));
	if (fd == -EPERM || fd == -EACCES)
		return -EX_NOPERM;
	return -EX_UNAVAILABLE;
}

static int open_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		log_err("signalfd: %s", strerror(errno));
	return fd;
}

int cmd_daemon(int argc, char **argv)
{
	struct daemon d = { .interval = DAEMON_INTERVAL, .wfd = -1 };
	int sfd, wfd, ret;

	if (daemon_args(argc, argv, &d))
		return daemon_usage();
	ret = cmd_load_config(d.config, d.feeds_dir, &d.conf);
	if (ret)
		return ret;
	sfd = open_signals();
	if (sfd < 0) {
		conf_free(&d.conf);
		return EX_OSERR;
	}
	/* events first: nothing is missed between the check and the loop */
	d.wfd = wfd = open_kernel_watch();
	if (wfd < 0) {
		close(sfd);
		conf_free(&d.conf);
		return -wfd;
	}
	log_info("daemon started (pid %ld): state-dir %s, interval %u s",
		 (long)getpid(), d.conf.state_dir, d.interval);
	daemon_check(&d, true, now_ms());
	schedule_first_sync(&d);
	ret = daemon_loop(&d, sfd, wfd);
	close(wfd);
	close(sfd);
	conf_free(&d.conf);
	return ret;
}
