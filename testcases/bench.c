/* bench: micro-benchmarks of the system-call engine.  Prints "name µs"
 * per operation.  Run as init (pid 1) it powers the machine off at the end,
 * so that the same binary serves vmcore and UML. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static const struct {
	const char *name;
	void (*fn)(void);
} benches[] = {
	{ "getppid", b_getppid }, { "touch", b_touch }, { "mmap", b_mmap },
	{ "clock_gettime", b_clock }, { "fork", b_fork },
};

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "all";
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		if (!strcmp(which, "all") || !strcmp(which, benches[i].name))
			benches[i].fn();
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
