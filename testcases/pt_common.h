/* What the ptrace testcases (pt_basic, pt_corner) share: CHECK that
 * prints only failures (with errno's name), errno names of results, and
 * wait statuses in words, so that their output can be compared with a
 * native run. */
#ifndef TESTCASES_PT_COMMON_H
#define TESTCASES_PT_COMMON_H
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c)                                                                                       \
	do {                                                                                           \
		if (!(c)) {                                                                            \
			printf("FAIL %s (line %d, errno %s)\n", #c, __LINE__, strerrorname_np(errno)); \
			fails++;                                                                       \
		}                                                                                      \
	} while (0)

static inline const char *err(long r)
{
	return r < 0 ? strerrorname_np(errno) : "ok";
}

static inline const char *sig_name(int s)
{
	const char *n = sigabbrev_np(s);
	return n ? n : "?";
}

/* a wait status in words */
static inline void show_status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %s\n", what, sig_name(WTERMSIG(st)));
	else if (WIFSTOPPED(st))
		printf("%s: stopped %s%s event %d\n", what, sig_name(WSTOPSIG(st) & 0x7f),
		       (WSTOPSIG(st) & 0x80) ? "|0x80" : "", st >> 16);
	else if (WIFCONTINUED(st))
		printf("%s: continued\n", what);
	else
		printf("%s: status %#x\n", what, st);
}

static inline int wait_for(pid_t pid, const char *what)
{
	int st = 0;
	pid_t r = waitpid(pid, &st, __WALL);
	CHECK(r == pid);
	show_status(what, st);
	return st;
}

/* nothing to report for pid yet? */
static inline void wait_none(pid_t pid, const char *what)
{
	int st = 0;
	pid_t r = waitpid(pid, &st, __WALL | WNOHANG);
	if (r == 0)
		printf("%s: nothing\n", what);
	else
		show_status(what, st);
}

/* as the guest's init it has no /proc yet (a writable root): mount it */
static inline void mount_proc_as_init(void)
{
	if (getpid() == 1 && geteuid() == 0 && access("/proc/self/status", R_OK) < 0) {
		mkdir("/proc", 0555);
		CHECK(mount("proc", "/proc", "proc", 0, NULL) == 0);
	}
}
#endif
