/* sched_nice: niceness and scheduling policies as Linux has them, for the
 * caller's identity (run as root and as nobody).  Prints each outcome.
 * Only ever changes itself and its own child: run natively as root, a
 * call on another process would change the host's. */
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int r)
{
	printf("%s: %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

static int getprio(int which, int who)
{
	errno = 0;
	int r = getpriority(which, who);
	return errno ? -100 - errno : r;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("nice now %d\n", getprio(PRIO_PROCESS, 0));
	show("setpriority 5", setpriority(PRIO_PROCESS, 0, 5));
	printf("nice now %d\n", getprio(PRIO_PROCESS, 0));
	show("setpriority 3 (lower)", setpriority(PRIO_PROCESS, 0, 3));
	printf("nice now %d\n", getprio(PRIO_PROCESS, 0));
	show("setpriority 100 (clamped)", setpriority(PRIO_PROCESS, 0, 100));
	printf("nice now %d\n", getprio(PRIO_PROCESS, 0));
	show("setpriority -100 (clamped)", setpriority(PRIO_PROCESS, 0, -100));
	printf("nice now %d\n", getprio(PRIO_PROCESS, 0));
	show("setpriority bad which", setpriority(7, 0, 1));
	show("setpriority no such pid", setpriority(PRIO_PROCESS, 999999, 1));
	/* a process group of our own: only we and our child are in it (never
	 * another process of the host: these calls would change it) */
	setpgid(0, 0);
	int go[2], ready[2], inherited = -1;
	pipe(go);
	pipe(ready);
	pid_t c = fork();
	if (c == 0) {
		char b;
		int n = getprio(PRIO_PROCESS, 0);
		write(ready[1], &n, sizeof(n));
		close(go[1]);
		read(go[0], &b, 1);
		printf("child's nice after the group's %d\n", getprio(PRIO_PROCESS, 0));
		_exit(0);
	}
	close(go[0]);
	read(ready[0], &inherited, sizeof(inherited));
	printf("child inherits nice %d\n", inherited);
	show("setpriority of the child 18", setpriority(PRIO_PROCESS, c, 18));
	printf("child nice %d\n", getprio(PRIO_PROCESS, c));
	printf("pgrp nice %d\n", getprio(PRIO_PGRP, 0));
	show("setpriority of the group 19", setpriority(PRIO_PGRP, 0, 19));
	close(go[1]);
	waitpid(c, NULL, 0);
	errno = 0;
	printf("nice(1) -> %d\n", nice(1));
	printf("policy %d\n", sched_getscheduler(0));
	struct sched_param sp = { .sched_priority = 10 };
	show("SCHED_FIFO 10", sched_setscheduler(0, SCHED_FIFO, &sp));
	printf("policy %d\n", sched_getscheduler(0));
	sp.sched_priority = 0;
	sched_getparam(0, &sp);
	printf("priority %d\n", sp.sched_priority);
	sp.sched_priority = 5;
	show("SCHED_OTHER 5 (bad)", sched_setscheduler(0, SCHED_OTHER, &sp));
	sp.sched_priority = 0;
	show("SCHED_OTHER", sched_setscheduler(0, SCHED_OTHER, &sp));
	show("SCHED_BATCH", sched_setscheduler(0, SCHED_BATCH, &sp));
	printf("policy %d\n", sched_getscheduler(0));
	show("SCHED_IDLE", sched_setscheduler(0, SCHED_IDLE, &sp));
	show("back to SCHED_OTHER", sched_setscheduler(0, SCHED_OTHER, &sp));
	printf("policy %d\n", sched_getscheduler(0));
	show("policy 42", sched_setscheduler(0, 42, &sp));
	show("no such pid", sched_setscheduler(999999, SCHED_OTHER, &sp));
	show("NULL param", sched_setscheduler(0, SCHED_OTHER, NULL));
	printf("max FIFO %d RR %d OTHER %d bad %d\n", sched_get_priority_max(SCHED_FIFO),
	       sched_get_priority_max(SCHED_RR), sched_get_priority_max(SCHED_OTHER),
	       sched_get_priority_max(42));
	printf("min FIFO %d OTHER %d\n", sched_get_priority_min(SCHED_FIFO),
	       sched_get_priority_min(SCHED_OTHER));

	/* CPU affinity: our own, set and read back (only ever ourselves) */
	cpu_set_t set, got;
	CPU_ZERO(&set);
	show("sched_getaffinity", sched_getaffinity(0, sizeof(set), &set));
	printf("affinity has cpu 0: %d\n", CPU_ISSET(0, &set));
	show("sched_getaffinity -1", sched_getaffinity(-1, sizeof(set), &set));
	show("sched_getaffinity len 1", syscall(SYS_sched_getaffinity, 0, 1, &set));
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	show("sched_setaffinity {0}", sched_setaffinity(0, sizeof(set), &set));
	sched_getaffinity(0, sizeof(got), &got);
	printf("affinity now {0}: %d\n", CPU_EQUAL(&set, &got));
	CPU_ZERO(&set);
	show("sched_setaffinity {}", sched_setaffinity(0, sizeof(set), &set));
	show("sched_setaffinity no such pid", sched_setaffinity(999999, sizeof(got), &got));

	/* CPU-time clocks of a thread and of a process */
	clockid_t cid;
	struct timespec ts;
	printf("pthread_getcpuclockid: %d\n", pthread_getcpuclockid(pthread_self(), &cid));
	show("clock_gettime(thread clock)", clock_gettime(cid, &ts));
	show("clock_getres(thread clock)", clock_getres(cid, &ts));
	printf("clock_getcpuclockid: %d\n", clock_getcpuclockid(getpid(), &cid));
	show("clock_gettime(process clock)", clock_gettime(cid, &ts));
	show("clock_gettime(no such process)", clock_gettime((clockid_t)(((unsigned)~999999 << 3) | 2), &ts));
	return 0;
}
