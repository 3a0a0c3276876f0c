/* fuzzer: vmcore's own random-syscall fuzzer (make fuzz, and a short run
 * in the suite).  Run as init:  fuzzer SECONDS SEED WORKERS
 *
 * init supervises WORKERS processes; each makes system calls with random
 * numbers (every x86-64 number, unassigned and out-of-range ones too) and
 * arguments drawn to hit edges: small integers, its own descriptors,
 * pointers into a scratch area, unmapped and kernel-half addresses, the
 * stub's range, page-aligned sizes, random flags.  Nothing is excluded
 * but reboot (which would end the run) and calls aimed at init, so the
 * workers also fork, clone, exec, kill each other, unmap their own code
 * and change their limits; a worker that dies is replaced, one that has
 * run too long is killed.  Counters live in a shared page.  At the end
 * init prints one line of figures and exits 0: the kernel survived.
 * A worker's children are reaped by init as orphans. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 16
#define WORKER_NS 500000000LL /* a worker lives at most this long */
#define SCRATCH (64 * 1024)

/* A worker's count of calls, with its complement: random calls may write
 * anywhere, this page included, and rt_sigreturn may resume the loop with
 * registers taken from the stack; a torn, trampled or implausible count
 * (a worker lives half a second) is dropped. */
#define PLAUSIBLE_CALLS 10000000UL
struct shared {
	volatile unsigned long calls[MAX_WORKERS][2];
};

static unsigned long state;
static unsigned long rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static char *scratch;
static int fds[8];

static unsigned long arg(void)
{
	switch (rnd() % 16) {
	case 0: return 0;
	case 1: return rnd() % 16;
	case 2: return rnd() % 4096;
	case 3: return rnd();
	case 4: return (unsigned long)fds[rnd() % 8];
	case 5: return (unsigned long)(scratch + rnd() % SCRATCH);
	case 6: return (unsigned long)scratch + (rnd() % 16) * 4096;
	case 7: return -(rnd() % 4096);            /* -errno, -1 */
	case 8: return 0x7f0000000000UL + rnd() % 0x20000; /* the stub's pages */
	case 9: return 0xffffffffff600000UL + (rnd() % 4) * 0x400; /* vsyscall */
	case 10: return 0xffff800000000000UL + (rnd() & 0xffffffffUL);
	case 11: return (rnd() % 64) * 4096;
	case 12: return 1UL << (rnd() % 64);
	case 13: return rnd() & 0xffff;
	case 14: return 0x400000 + rnd() % 0x200000;
	default: return 1;
	}
}

static long number(void)
{
	switch (rnd() % 32) {
	case 0: return 335 + rnd() % 200;          /* unassigned, beyond the table */
	case 1: return (long)rnd();                /* anything */
	case 2: return 0x40000000 + rnd() % 548;   /* x32 */
	default: return rnd() % 451;
	}
}

static void worker(int idx, struct shared *sh)
{
	state = (state ^ ((unsigned long)idx << 32) ^ (unsigned long)getpid()) | 1;
	scratch = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED)
		_exit(1);
	for (int i = 0; i < SCRATCH; i++)
		scratch[i] = (char)rnd();
	int p[2] = { -1, -1 };
	if (pipe(p) < 0)
		p[0] = p[1] = -1;
	fds[0] = p[0];
	fds[1] = p[1];
	fds[2] = open("fuzzfile", O_RDWR | O_CREAT, 0644);
	fds[3] = open("/", O_RDONLY | O_DIRECTORY);
	fds[4] = open("/dev/null", O_RDWR);
	fds[5] = 0;
	fds[6] = 1;
	fds[7] = -1;
	for (;;) {
		long nr = number();
		unsigned long a[6];
		for (int i = 0; i < 6; i++)
			a[i] = arg();
		if (nr == SYS_reboot)
			continue;
		/* init is the supervisor: no signal, ptrace or limit aimed at it */
		if ((nr == SYS_kill || nr == SYS_tkill || nr == SYS_ptrace || nr == SYS_prlimit64 ||
		     nr == SYS_process_vm_writev || nr == SYS_pidfd_open) && (int)a[0] <= 1)
			continue;
		if (nr == SYS_tgkill && ((int)a[0] <= 1 || (int)a[1] <= 1))
			continue;
		if (nr == SYS_ptrace && (int)a[1] <= 1)
			continue;
		if (nr == SYS_kill && (int)a[0] == -1)
			continue;
		unsigned long c = sh->calls[idx][0] + 1;
		sh->calls[idx][0] = c;
		sh->calls[idx][1] = ~c;
		long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (r == 0 && (nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone || nr == SYS_clone3))
			syscall(SYS_exit, 0); /* a child (or a thread) made by chance ends at once */
	}
}

static struct shared *sh;
static pid_t pid[MAX_WORKERS];
static unsigned long spawned, killed, by_signal[65], exited, calls, lost;

/* Reaped w (a worker, or one of their orphans): a worker's count joins
 * the total, and how it ended is counted unless we ended it ourselves. */
static void worker_ended(pid_t w, int st, int nw, bool count_death)
{
	for (int i = 0; i < nw; i++) {
		if (pid[i] != w)
			continue;
		pid[i] = 0;
		if (sh->calls[i][1] == ~sh->calls[i][0] && sh->calls[i][0] < PLAUSIBLE_CALLS)
			calls += sh->calls[i][0];
		else
			lost++;
		if (!count_death)
			continue;
		if (WIFSIGNALED(st))
			by_signal[WTERMSIG(st) & 63]++;
		else
			exited++;
	}
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 10;
	state = argc > 2 ? strtoul(argv[2], NULL, 0) | 1 : 88172645463325252UL;
	int nw = argc > 3 ? atoi(argv[3]) : 4;
	if (nw < 1 || nw > MAX_WORKERS)
		nw = 4;
	if (chdir("/tmp") < 0 && chdir("/") < 0)
		return 1;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	long long born[MAX_WORKERS] = { 0 };
	long long end = now_ns() + secs * 1000000000LL;
	while (now_ns() < end) {
		for (int i = 0; i < nw; i++) {
			if (pid[i] > 0)
				continue;
			unsigned long seed = rnd();
			sh->calls[i][0] = 0;
			sh->calls[i][1] = ~0UL;
			pid_t c = fork();
			if (c == 0) {
				state = seed | 1;
				worker(i, sh);
			}
			if (c > 0) {
				pid[i] = c;
				born[i] = now_ns();
				spawned++;
			}
		}
		struct timespec tick = { 0, 20 * 1000000 };
		nanosleep(&tick, NULL);
		int st;
		pid_t w;
		while ((w = waitpid(-1, &st, WNOHANG | __WALL)) > 0)
			worker_ended(w, st, nw, true);
		for (int i = 0; i < nw; i++)
			if (pid[i] > 0 && now_ns() - born[i] > WORKER_NS) {
				kill(pid[i], SIGKILL);
				killed++;
			}
	}
	for (int i = 0; i < nw; i++)
		if (pid[i] > 0)
			kill(pid[i], SIGKILL);
	/* what is left (the workers' children too) goes */
	kill(-1, SIGKILL);
	int st;
	pid_t w;
	while ((w = waitpid(-1, &st, __WALL)) > 0)
		worker_ended(w, st, nw, false);
	printf("\nfuzzer: %lu calls in %d s, %lu workers (%lu exited, %lu killed as stuck, %lu counts lost), "
	       "deaths by signal:", calls, secs, spawned, exited, killed, lost);
	for (int s = 1; s < 65; s++)
		if (by_signal[s])
			printf(" %s=%lu", sigabbrev_np(s) ? sigabbrev_np(s) : "?", by_signal[s]);
	printf("\nfuzzer done\n");
	return 0;
}
