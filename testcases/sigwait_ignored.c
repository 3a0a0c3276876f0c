/* sigwait_ignored: a signal whose action is to be ignored (SIGCHLD,
 * SIGWINCH, SIGURG at SIG_DFL) is kept while it is blocked, and also while
 * rt_sigtimedwait waits for it (the wait lifts the mask): a supervisor
 * that blocks SIGCHLD and waits for it in sigtimedwait (trinity's main
 * loop) must see its children die.  The child waits until the parent sleeps
 * in the wait (its /proc stat says S), then exits. */
#include "check.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char state_of(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return '?';
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* the child: wait for the parent to sleep, then die (or send SIG) */
static pid_t spawn(int sig)
{
	pid_t parent = getpid();
	pid_t c = fork();
	if (c == 0) {
		for (int i = 0; i < 20000 && state_of(parent) != 'S'; i++)
			usleep(500);
		if (sig)
			kill(parent, sig);
		_exit(0);
	}
	return c;
}

static int waited(int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	struct timespec ts = { 10, 0 };
	siginfo_t si;
	return sigtimedwait(&set, &si, &ts);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access("/proc/self", F_OK) < 0) { /* the guest's init: its own /proc */
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGWINCH, SIG_DFL);

	pid_t c = spawn(0);
	CHECK(waited(SIGCHLD) == SIGCHLD);
	CHECK(waitpid(c, NULL, 0) == c);
	c = spawn(SIGWINCH);
	CHECK(waited(SIGWINCH) == SIGWINCH);
	CHECK(waitpid(c, NULL, 0) == c);
	/* blocked and not waited for: pending, taken later */
	c = fork();
	if (c == 0)
		_exit(0);
	CHECK(waitpid(c, NULL, 0) == c);
	sigset_t pend;
	CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGCHLD));
	CHECK(waited(SIGCHLD) == SIGCHLD);
	return fails ? 1 : 0;
}
