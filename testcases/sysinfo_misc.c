/* sysinfo_misc: identity, clocks, sleeping, randomness, limits, signal
 * dispositions and masks, affinity, TLS base and brk. */
#include <asm/prctl.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static __thread int tls_var = 7;
static void handler(int s)
{
	(void)s;
}

static double ts(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
	struct utsname u;
	CHECK(uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "x86_64") == 0);
	CHECK(getpid() > 0 && getppid() >= 0 && syscall(SYS_gettid) == getpid());
	CHECK(getuid() == geteuid() && getgid() == getegid());
	double a = ts(CLOCK_MONOTONIC);
	struct timespec req = { 0, 10 * 1000 * 1000 };
	CHECK(nanosleep(&req, NULL) == 0);
	double b = ts(CLOCK_MONOTONIC);
	CHECK(b - a >= 0.0099);
	CHECK(b - a < 2.0);
	struct timeval tv;
	CHECK(gettimeofday(&tv, NULL) == 0);
	double rt = ts(CLOCK_REALTIME);
	CHECK(rt - (tv.tv_sec + tv.tv_usec / 1e6) < 1.0 && (long)rt - time(NULL) <= 1);
	CHECK(ts(CLOCK_PROCESS_CPUTIME_ID) >= 0);
	unsigned char r[32] = { 0 };
	int nz = 0;
	CHECK(getrandom(r, sizeof(r), 0) == 32);
	for (int i = 0; i < 32; i++)
		nz |= r[i];
	CHECK(nz != 0);
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur > 0);
	CHECK(prlimit(0, RLIMIT_NOFILE, NULL, &rl) == 0 && rl.rlim_cur >= 64);
	struct sysinfo si;
	CHECK(sysinfo(&si) == 0 && si.totalram > 0 && si.mem_unit > 0);
	struct sigaction sa = { .sa_handler = handler }, old;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == handler);
	CHECK(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);
	sigset_t set, got;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &got) == 0 && sigismember(&got, SIGUSR1));
	cpu_set_t cs;
	CHECK(sched_getaffinity(0, sizeof(cs), &cs) == 0 && CPU_COUNT(&cs) >= 1);
	unsigned long fs = 0;
	CHECK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0);
	unsigned long self;
	__asm__("mov %%fs:0, %0" : "=r"(self));
	CHECK(fs == self && tls_var == 7);
	void *b0 = sbrk(0);
	char *nb = sbrk(65536);
	CHECK(nb == b0 && nb != (void *)-1);
	nb[65535] = 1;
	CHECK(sbrk(0) == (char *)b0 + 65536);
	CHECK(brk(b0) == 0 && sbrk(0) == b0);
	CHECK(syscall(100000) == -1 && errno == ENOSYS);
	printf("%d failures\n", fails);
	return fails != 0;
}
