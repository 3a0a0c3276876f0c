/* Shared by the fm_* programs: where they work and how they report.
 *
 * fm_setup(FS): "tmpfs" mounts a tmpfs (size=256k,nr_inodes=64) on
 * ./fm_mnt and works there (natively in a mount namespace of its own, so
 * the host sees nothing; the guest's mount is its own kernel's); "host"
 * works in ./fm_dir, a host directory (hostfs in the guest).  fm_drop(UID)
 * then becomes UID:UID if UID is not "-" (setgroups(0) first; a kernel
 * without it has no supplementary groups to drop either).
 *
 * R(name, expr) prints "name: 0" or "name: ERRNO" (the result of a call
 * returning -1/errno), so that the guest's and Linux's lines compare. */
#ifndef FM_COMMON_H
#define FM_COMMON_H
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static inline const char *fm_err(long r)
{
	static char buf[32];
	if (r >= 0) {
		snprintf(buf, sizeof(buf), "%ld", r);
		return buf;
	}
	const char *n = strerrorname_np(errno);
	return n ? n : "E?";
}

#define R(name, expr)                                                                              \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(expr);                                                            \
		printf("%s: %s\n", name, fm_err(r_));                                              \
	} while (0)

static int fm_tmpfs;

static inline void fm_setup(const char *fs, const char *opts)
{
	if (!strcmp(fs, "tmpfs")) {
		fm_tmpfs = 1;
		/* natively: a private mount namespace; the guest has none to make */
		if (unshare(CLONE_NEWNS) == 0)
			mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
		mkdir("fm_mnt", 0755);
		if (mount("tmpfs", "fm_mnt", "tmpfs", 0, opts ? opts : "size=256k,nr_inodes=64") < 0) {
			perror("mount tmpfs");
			exit(2);
		}
		if (chdir("fm_mnt") < 0)
			exit(2);
		chmod(".", 0777);
	} else {
		mkdir("fm_dir", 0777);
		chmod("fm_dir", 0777);
		if (chdir("fm_dir") < 0)
			exit(2);
	}
}

static inline void fm_drop(const char *uid)
{
	if (!uid || !strcmp(uid, "-"))
		return;
	unsigned id = strtoul(uid, NULL, 10);
	if (setgroups(0, NULL) < 0 && errno != ENOSYS) {
		perror("setgroups");
		exit(2);
	}
	if (setresgid(id, id, id) < 0 || setresuid(id, id, id) < 0) {
		perror("setresuid");
		exit(2);
	}
}

/* wait until the coarse clock (the one file times come from) is past ts */
static inline void fm_tick_past(struct timespec ts)
{
	struct timespec now;
	do
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
	while (now.tv_sec < ts.tv_sec || (now.tv_sec == ts.tv_sec && now.tv_nsec <= ts.tv_nsec));
}

static inline int ts_cmp(struct timespec a, struct timespec b)
{
	if (a.tv_sec != b.tv_sec)
		return a.tv_sec < b.tv_sec ? -1 : 1;
	return a.tv_nsec < b.tv_nsec ? -1 : a.tv_nsec > b.tv_nsec;
}
#endif
