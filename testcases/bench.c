/* bench: micro-benchmarks of the system-call engine.  Prints "name µs"
 * per operation; argv[0] must name this program (fork_exec runs it).  Run as init (pid 1) it powers the machine off at the end,
 * so that the same binary serves vmcore and UML. */
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <signal.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void report(const char *name, double us, int n)
{
	printf("%-14s %10.3f\n", name, us / n);
	fflush(stdout);
}

static void b_getppid(void)
{
	int n = 20000;
	double t = now();
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
	report("getppid", now() - t, n);
}

static void b_touch(void)
{
	int n = 4096;
	char *m = mmap(NULL, (size_t)n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t = now();
	for (int i = 0; i < n; i++)
		m[(size_t)i * 4096] = 1;
	report("touch", now() - t, n);
	munmap(m, (size_t)n * 4096);
}

static void b_mmap(void)
{
	int n = 5000;
	double t = now();
	for (int i = 0; i < n; i++) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p[0] = 1;
		munmap(p, 4096);
	}
	report("mmap", now() - t, n);
}

static void b_clock(void)
{
	int n = 20000;
	struct timespec ts;
	double t = now();
	for (int i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	report("clock_gettime", now() - t, n);
}

static void b_fork(void)
{
	int n = 200;
	double t = now();
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (!p)
			_exit(0);
		waitpid(p, NULL, 0);
	}
	report("fork_exit_wait", now() - t, n);
}

static const char *self = "/bench";

static void b_fork_exec(void)
{
	int n = 100;
	double t = now();
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (!p) {
			char *av[] = { (char *)self, "none", NULL };
			execv(self, av);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
	report("fork_exec_wait", now() - t, n);
}

static void b_pipe(void)
{
	int a[2], b[2], n = 5000;
	char c = 0;
	if (pipe(a) < 0 || pipe(b) < 0)
		return;
	pid_t p = fork();
	if (!p) {
		for (int i = 0; i < n; i++)
			if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	double t = now();
	for (int i = 0; i < n; i++)
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			break;
	report("pipe_pingpong", now() - t, n);
	waitpid(p, NULL, 0);
}

static int fword;

static void *futex_partner(void *arg)
{
	int n = (int)(long)arg;
	for (int i = 0; i < n; i++) {
		while (__atomic_load_n(&fword, __ATOMIC_ACQUIRE) != 1)
			syscall(SYS_futex, &fword, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
		__atomic_store_n(&fword, 0, __ATOMIC_RELEASE);
		syscall(SYS_futex, &fword, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
	return NULL;
}

static void b_futex(void)
{
	int n = 5000;
	pthread_t th;
	pthread_create(&th, NULL, futex_partner, (void *)(long)n);
	double t = now();
	for (int i = 0; i < n; i++) {
		__atomic_store_n(&fword, 1, __ATOMIC_RELEASE);
		syscall(SYS_futex, &fword, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		while (__atomic_load_n(&fword, __ATOMIC_ACQUIRE) != 0)
			syscall(SYS_futex, &fword, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	}
	report("futex_pingpong", now() - t, n);
	pthread_join(th, NULL);
}

static void *nothing(void *arg)
{
	return arg;
}

static void b_thread(void)
{
	int n = 500;
	double t = now();
	for (int i = 0; i < n; i++) {
		pthread_t th;
		pthread_create(&th, NULL, nothing, NULL);
		pthread_join(th, NULL);
	}
	report("thread_create", now() - t, n);
}

static void b_shloop(void)
{
	double t = now();
	pid_t p = fork();
	if (!p) {
		execl("/bin/sh", "sh", "-c", "for i in $(seq 200); do /bin/true; done", (char *)NULL);
		_exit(127);
	}
	int st = 0;
	waitpid(p, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		report("sh_true_x200", now() - t, 1);
}

/* A tracer's round trip through a syscall stop pair: the child makes
 * getppid calls, the parent resumes it with PTRACE_SYSCALL at each entry
 * and exit stop (what strace does per call, less its decoding). */
static void b_ptrace(void)
{
	int n = 5000;
	pid_t p = fork();
	if (!p) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		for (int i = 0; i < n; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	int st = 0;
	waitpid(p, &st, 0);
	double t = now();
	long stops = 0;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, p, 0, 0) < 0 || waitpid(p, &st, 0) != p || !WIFSTOPPED(st))
			break;
		stops++;
	}
	double dt = now() - t;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && stops >= 2L * n)
		report("ptrace_syscall", dt, n);
}

static const struct {
	const char *name;
	void (*fn)(void);
} benches[] = {
	{ "getppid", b_getppid }, { "touch", b_touch }, { "mmap", b_mmap },
	{ "clock_gettime", b_clock }, { "fork", b_fork }, { "exec", b_fork_exec },
	{ "pipe", b_pipe }, { "futex", b_futex }, { "thread", b_thread }, { "shloop", b_shloop },
	{ "ptrace", b_ptrace },
};

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "all";
	self = argv[0];
	if (!strcmp(which, "none"))
		return 0;
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		if (!strcmp(which, "all") || !strcmp(which, benches[i].name))
			benches[i].fn();
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
