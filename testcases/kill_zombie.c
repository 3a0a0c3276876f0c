/* kill_zombie: a zombie keeps its pid until it is reaped, so signals to it
 * succeed (and are dropped) as on Linux: kill(pid, 0) and kill(pid, sig),
 * kill of its process group, tgkill, rt_sigqueueinfo and
 * rt_tgsigqueueinfo; after the reap they fail with ESRCH.  Supervisors
 * (trinity's among them) probe children with kill(pid, 0) and wait only
 * for those that answer. */
#include "check.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int esrch(long r)
{
	return r == -1 && errno == ESRCH;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		_exit(3);
	}
	setpgid(c, c); /* the child's own group, whichever runs first */
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PID, c, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == c);
	CHECK(kill(c, 0) == 0);
	CHECK(kill(c, SIGTERM) == 0);
	CHECK(kill(c, SIGKILL) == 0);
	CHECK(kill(-c, 0) == 0);
	CHECK(syscall(SYS_tgkill, c, c, 0) == 0);
	CHECK(syscall(SYS_tgkill, c, c, SIGUSR1) == 0);
	siginfo_t q;
	memset(&q, 0, sizeof(q));
	q.si_signo = SIGUSR1;
	q.si_code = SI_QUEUE;
	q.si_pid = getpid();
	q.si_uid = getuid();
	CHECK(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &q) == 0);
	CHECK(syscall(SYS_rt_tgsigqueueinfo, c, c, SIGUSR1, &q) == 0);
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 3); /* the signals left it as it was */
	CHECK(esrch(kill(c, 0)));
	CHECK(esrch(kill(-c, 0)));
	CHECK(esrch(syscall(SYS_tgkill, c, c, 0)));
	CHECK(esrch(syscall(SYS_rt_sigqueueinfo, c, SIGUSR1, &q)));
	return fails ? 1 : 0;
}
