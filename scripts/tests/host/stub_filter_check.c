/* Host-side check of the stub's seccomp filter (vmcore/host/seccomp.c):
 * for each case, a child installs the very program the stubs install and
 * makes one host call; the parent prints whether the child survived it
 * ("allowed") or died of SIGSYS ("killed").  Built and run by
 * scripts/tests/test_isolation_stub.py; not part of ./linux.
 * "stub_filter_check bench": ns per host munmap/mprotect call (what a
 * batch op costs the host) without, then with, the filter installed. */
#include <vmcore/host.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/seccomp.h>

/* the stub base of a kernel on this host (vmcore/host/ptrace.c) */
u64 stub_base = STUB_BASE_MAX;

#define FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)
#define SF (MAP_SHARED | MAP_FIXED)

static const struct {
	const char *name;
	long nr, a[6];
} cases[] = {
	{ "mmap_below", SYS_mmap, { STUB_BASE_MAX - 0x2000, 0x2000, PROT_READ, SF, 3, 0 } },
	{ "mmap_to_the_stub", SYS_mmap, { STUB_BASE_MAX - 0x1000, 0x1000, PROT_READ, SF, 3, 0 } },
	{ "mmap_across_the_stub", SYS_mmap, { STUB_BASE_MAX - 0x1000, 0x2000, PROT_READ, SF, 3, 0 } },
	{ "mmap_at_the_stub", SYS_mmap, { STUB_BASE_MAX, 0x1000, PROT_READ, SF, 3, 0 } },
	{ "mmap_carry_to_the_stub", SYS_mmap, { 0x7eff80000000, 0x80000000, PROT_READ, SF, 3, 0 } },
	{ "mmap_carry_past_the_stub", SYS_mmap, { 0x7eff80000000, 0x80001000, PROT_READ, SF, 3, 0 } },
	{ "mmap_wrapping_len", SYS_mmap, { 0x1000, -0x1000L, PROT_READ, SF, 3, 0 } },
	{ "mmap_private", SYS_mmap, { 0x100000, 0x1000, PROT_READ, MAP_PRIVATE | MAP_FIXED, 3, 0 } },
	{ "mmap_anonymous", SYS_mmap, { 0x100000, 0x1000, PROT_READ, SF | MAP_ANONYMOUS, -1, 0 } },
	{ "mmap_other_fd", SYS_mmap, { 0x100000, 0x1000, PROT_READ, SF, 4, 0 } },
	{ "mmap_odd_prot", SYS_mmap, { 0x100000, 0x1000, PROT_READ | 0x10, SF, 3, 0 } },
	{ "munmap_below", SYS_munmap, { 0x100000, 0x1000 } },
	{ "munmap_stub_data", SYS_munmap, { STUB_BASE_MAX + 0x10000, 0x1000 } },
	{ "mprotect_below", SYS_mprotect, { 0x100000, 0x1000, PROT_READ } },
	{ "mprotect_stub_code", SYS_mprotect, { STUB_BASE_MAX, 0x1000, PROT_READ | PROT_WRITE } },
	{ "clone_process", SYS_clone, { SIGCHLD } },
	{ "getpid", SYS_getpid, { 0 } },
	{ "openat", SYS_openat, { -100, (long)"/", 0 } },
	{ "gettimeofday", SYS_gettimeofday, { 0 } },
	{ "pause_skipped", -1, { 0 } },
};

static long filter[1024];

static double ns_per_call(void)
{
	struct timespec a, b;
	const int n = 200000;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		syscall(SYS_munmap, 0x100000, 0x1000);
		syscall(SYS_mprotect, 0x100000, 0x1000, PROT_READ);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (2.0 * n);
}

int main(int argc, char **argv)
{
	int fd = memfd_create("check", 0);
	if (fd < 0 || dup2(fd, 3) < 0 || ftruncate(3, 1 << 20) < 0)
		return 1;
	if (!stub_filter_build(filter, sizeof(filter), (u64)(uintptr_t)filter, FLAGS)) {
		fprintf(stderr, "the filter does not fit\n");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "bench")) {
		/* the filtered run in a child that may only exit afterwards,
		 * its figure in shared memory */
		double *on_p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		double off = ns_per_call();
		pid_t p = fork();
		if (p == 0) {
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
			    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, filter))
				_exit(99);
			*on_p = ns_per_call();
			syscall(SYS_exit, 0);
		}
		int st;
		waitpid(p, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			return 1;
		double on = *on_p;
		printf("host munmap/mprotect: %.0f ns without the filter, %.0f ns with it (%+.0f ns)\n", off,
		       on, on - off);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pid_t p = fork();
		if (p == 0) {
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
			    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, filter))
				_exit(99);
			if (cases[i].nr >= 0)
				syscall(cases[i].nr, cases[i].a[0], cases[i].a[1], cases[i].a[2], cases[i].a[3],
					cases[i].a[4], cases[i].a[5]);
			syscall(SYS_exit, 0);
		}
		int st;
		waitpid(p, &st, 0);
		printf("%s: %s\n", cases[i].name,
		       WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS ? "killed"
		       : WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "allowed" : "broken");
	}
	return 0;
}
