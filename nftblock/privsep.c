// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * privsep.c - the unprivileged child and its record pipe (see privsep.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "cc.h"
#include "defs.h"
#include "log.h"
#include "privsep.h"
#include "util.h"

#define REC_BYTES	40	/* set, family, 2 pad, tag, lo[16], hi[16] */
#define REC_END		0xff	/* the set byte of the end record */
#define MAX_CAP_NUMBER	63	/* capability numbers fit a u64 mask */

static int capset_zero(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Empty the bounding set: nothing can be regained by execve. */
static int drop_bounding(void)
{
	for (int cap = 0; cap <= MAX_CAP_NUMBER; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) <= 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			return -errno;
	}
	return 0;
}

/* The unprivileged user, when it exists and owns dir. */
static bool switch_target(const char *dir, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(PRIVSEP_USER);
	struct stat st;

	if (!pw || !pw->pw_uid || !dir || stat(dir, &st) ||
	    st.st_uid != pw->pw_uid)
		return false;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return true;
}

static int drop_privileges(const char *owner_dir)
{
	uid_t uid;
	gid_t gid;

	/* without CAP_SETPCAP (an unprivileged caller) these fail, and
	 * there is nothing to drop: the final check decides */
	prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS_LOCKED |
	      SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
	      SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0);
	drop_bounding();
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (geteuid() == 0 && switch_target(owner_dir, &uid, &gid)) {
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
		    setresuid(uid, uid, uid))
			return -errno;
	}
	if (capset_zero())
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return privsep_check_dropped();
}

int privsep_check_dropped(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	for (int i = 0; i < 2; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return -EPERM;
	for (int cap = 0; cap <= MAX_CAP_NUMBER; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) > 0)
			return -EPERM;
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : -EPERM;
}

int privsep_spawn(const char *owner_dir, int (*fn)(void *arg, int fd),
		  void *arg, pid_t *pid)
{
	int p[2], ret;
	pid_t child;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	child = fork();
	if (child < 0) {
		ret = -errno;
		close(p[0]);
		close(p[1]);
		return ret;
	}
	if (child == 0) {
		sigset_t none;

		close(p[0]);
		signal(SIGPIPE, SIG_DFL);
		/* the daemon blocks SIGTERM/SIGHUP for its signalfd: a stop
		 * during a download must end the child at once */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		ret = drop_privileges(owner_dir);
		if (ret) {
			log_err("cannot drop privileges: %s", strerror(-ret));
			_exit(EX_OSERR);
		}
		ret = fn(arg, p[1]);
		fflush(NULL);
		_exit(ret);
	}
	close(p[1]);
	*pid = child;
	return p[0];
}

static void encode(uint8_t *b, unsigned set, int family, const struct range *r)
{
	memset(b, 0, REC_BYTES);
	b[0] = (uint8_t)set;
	b[1] = (uint8_t)family;
	memcpy(b + 4, &r->tag, 4);
	util_put_be128(b + 8, r->lo);
	util_put_be128(b + 24, r->hi);
}

#define WBATCH	1024	/* records per write(): 40 KiB */

int privsep_write(int fd, struct rangeset sets[PS_NSETS][2])
{
	uint8_t *buf = malloc(WBATCH * REC_BYTES);
	size_t k = 0;
	int ret = buf ? 0 : -ENOMEM;

	for (unsigned s = 0; s < PS_NSETS && !ret; s++)
		for (int f = 0; f < 2 && !ret; f++)
			for (size_t i = 0; i < sets[s][f].n && !ret; i++) {
				encode(buf + k++ * REC_BYTES, s,
				       sets[s][f].family, &sets[s][f].v[i]);
				if (k == WBATCH) {
					ret = util_write_all(fd, buf, k * REC_BYTES);
					k = 0;
				}
			}
	if (!ret) {
		memset(buf + k * REC_BYTES, 0, REC_BYTES);
		buf[k++ * REC_BYTES] = REC_END;
		ret = util_write_all(fd, buf, k * REC_BYTES);
	}
	free(buf);
	return ret;
}

/* One record into sets; -EBADMSG when it is not valid. */
static int take(const uint8_t *b, struct rangeset sets[PS_NSETS][2])
{
	struct rangeset *s;
	enum cc_kind kind;
	uint32_t tag, back = 0;
	u128 lo, hi;
	char cc[3];
	int f;

	if (b[0] >= PS_NSETS || (b[1] != 4 && b[1] != 6) || b[2] || b[3])
		return -EBADMSG;
	f = b[1] == 6;
	memcpy(&tag, b + 4, 4);
	lo = util_get_be128(b + 8);
	hi = util_get_be128(b + 24);
	s = &sets[b[0]][f];
	cc_format(tag, cc);
	kind = cc_parse(cc, 2, &back);
	/* PS_LIST: the tag is the list's index, else a country */
	if (b[0] == PS_LIST ? tag >= MAX_LISTS :
	    back != tag || (kind != CC_COUNTRY && kind != CC_REGION))
		return -EBADMSG;
	if (lo > hi || hi > cidr_max(b[1]) || s->n >= MAX_STATE_RANGES)
		return -EBADMSG;
	rangeset_add(s, lo, hi, tag);
	return 0;
}

static ssize_t read_full(int fd, uint8_t *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : (ssize_t)got;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int privsep_read(int fd, struct rangeset sets[PS_NSETS][2])
{
	uint8_t b[REC_BYTES];
	bool end = false;

	while (!end) {
		if (read_full(fd, b, REC_BYTES) != REC_BYTES)
			return -EBADMSG;
		if (b[0] == REC_END)
			end = true;
		else if (take(b, sets))
			return -EBADMSG;
	}
	/* nothing may follow the end record */
	if (read_full(fd, b, 1) != 0)
		return -EBADMSG;
	for (unsigned s = 0; s < PS_NSETS; s++)
		for (int f = 0; f < 2; f++)
			if (!rangeset_is_normal(&sets[s][f]))
				return -EBADMSG;
	return 0;
}

int privsep_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EX_OSERR;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return EX_SOFTWARE;
}
