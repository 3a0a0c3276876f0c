/* mlock, mlock2, munlock, mlockall and munlockall as Linux has them: page
 * rounding, ENOMEM for holes (after locking what comes before one), EINVAL
 * for flags, EPERM and ENOMEM/EAGAIN from RLIMIT_MEMLOCK without
 * CAP_IPC_LOCK, population at lock time unless ONFAULT, MCL_FUTURE for
 * later mmap and brk, and neither fork nor exec keeping locks.  Prints
 * results and VmLck deltas, never addresses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL

static const char *res(long r)
{
	static char b[32];
	if (r >= 0)
		return "ok";
	snprintf(b, sizeof(b), "%s", errno == ENOMEM ? "ENOMEM" : errno == EINVAL ? "EINVAL" :
				       errno == EPERM ? "EPERM" : errno == EAGAIN ? "EAGAIN" : strerror(errno));
	return b;
}

static long vmlck(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmLck:", 6))
			v = atol(line + 6);
	if (f)
		fclose(f);
	return v;
}

static int resident(void *p, size_t n)
{
	unsigned char v[64];
	int c = 0;
	if (mincore(p, n * PG, v) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		c += v[i] & 1;
	return c;
}

static void *map(size_t n, int prot)
{
	return mmap(NULL, n * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static long mlock2_(void *p, size_t len, int flags)
{
	return syscall(SYS_mlock2, p, len, flags);
}

#define SHOW(what, call) printf("%s: %s\n", what, res(call))
#define LCK(what, base) printf("%s: VmLck +%ld\n", what, vmlck() - (base))

static void basics(void)
{
	long b = vmlck();
	char *p = map(8, PROT_READ | PROT_WRITE);
	SHOW("mlock unaligned 1 byte", mlock(p + 100, 1));
	LCK("one page", b);
	SHOW("mlock 0 bytes", mlock(p + 2 * PG, 0));
	SHOW("mlock straddling", mlock(p + 2 * PG - 1, 2));
	LCK("three pages", b);
	printf("resident of 4: %d\n", resident(p, 4));
	SHOW("munlock middle", munlock(p + PG, PG));
	LCK("two pages", b);
	SHOW("munlock all 8", munlock(p, 8 * PG));
	LCK("none", b);
	SHOW("mlock2 ONFAULT", mlock2_(p + 4 * PG, 4 * PG, MLOCK_ONFAULT));
	LCK("onfault four", b);
	printf("resident after ONFAULT: %d\n", resident(p + 4 * PG, 4));
	p[5 * PG] = 1;
	printf("resident after a touch: %d\n", resident(p + 4 * PG, 4));
	SHOW("mlock2 flags 2", mlock2_(p, PG, 2));
	SHOW("mlock2 flags -1", mlock2_(p, PG, -1));
	SHOW("mlock over the ONFAULT ones", mlock(p + 4 * PG, 4 * PG));
	printf("resident after mlock: %d\n", resident(p + 4 * PG, 4));
	munlock(p, 8 * PG);
	/* a hole: what precedes it is locked, then ENOMEM */
	munmap(p + 3 * PG, PG);
	SHOW("mlock across a hole", mlock(p, 8 * PG));
	LCK("before the hole", b);
	SHOW("munlock across a hole", munlock(p, 8 * PG));
	LCK("after munlock", b);
	SHOW("mlock in the hole", mlock(p + 3 * PG, PG));
	SHOW("munlock in the hole", munlock(p + 3 * PG, PG));
	SHOW("mlock wrapping", mlock(p, -PG));
	SHOW("munlock wrapping", munlock(p, -PG));
	munmap(p, 8 * PG);
	char *n = map(2, PROT_NONE);
	SHOW("mlock PROT_NONE", mlock(n, 2 * PG));
	LCK("PROT_NONE", b);
	munlock(n, 2 * PG);
	char *r = map(2, PROT_READ);
	SHOW("mlock read-only", mlock(r, 2 * PG));
	printf("resident read-only: %d\n", resident(r, 2));
	munmap(n, 2 * PG);
	munmap(r, 2 * PG);
	/* MADV_DONTNEED and MADV_FREE refuse locked memory, after dropping
	 * what comes before it */
	char *d = map(3, PROT_READ | PROT_WRITE);
	d[0] = d[PG] = 1;
	mlock2_(d + PG, PG, MLOCK_ONFAULT);
	SHOW("MADV_DONTNEED over a locked page", madvise(d, 3 * PG, MADV_DONTNEED));
	printf("before it: %d, locked: %d\n", d[0], d[PG]);
	SHOW("MADV_FREE of a locked page", madvise(d + PG, PG, MADV_FREE));
	SHOW("MADV_DONTNEED after munlock", (munlock(d, 3 * PG), madvise(d, 3 * PG, MADV_DONTNEED)));
	munmap(d, 3 * PG);
	/* mremap: a locked mapping grows locked and populated */
	char *g = map(1, PROT_READ | PROT_WRITE);
	mlock(g, PG);
	g = mremap(g, PG, 3 * PG, MREMAP_MAYMOVE);
	printf("mremap of a locked page: %s\n", g == MAP_FAILED ? res(-1) : "ok");
	if (g != MAP_FAILED) {
		LCK("grown", b);
		printf("resident grown: %d\n", resident(g, 3));
		munmap(g, 3 * PG);
	}
	LCK("unmapped", b);
}

static void all(void)
{
	long b = vmlck();
	SHOW("mlockall 0", mlockall(0));
	SHOW("mlockall ONFAULT", mlockall(MCL_ONFAULT));
	SHOW("mlockall 8", mlockall(8));
	SHOW("mlockall FUTURE", mlockall(MCL_FUTURE));
	LCK("FUTURE alone", b);
	char *p = map(3, PROT_READ | PROT_WRITE);
	LCK("FUTURE mmap", b);
	printf("resident: %d\n", resident(p, 3));
	void *o = sbrk(0);
	sbrk(2 * PG);
	LCK("FUTURE mmap and brk", b);
	sbrk(-2 * (long)PG);
	(void)o;
	pid_t c = fork();
	if (!c) {
		printf("child: VmLck %ld\n", vmlck());
		map(2, PROT_READ | PROT_WRITE);
		printf("child after mmap: VmLck %ld\n", vmlck());
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	SHOW("mlockall FUTURE|ONFAULT", mlockall(MCL_FUTURE | MCL_ONFAULT));
	char *q = map(3, PROT_READ | PROT_WRITE);
	LCK("FUTURE|ONFAULT mmap", b);
	printf("resident: %d\n", resident(q, 3));
	SHOW("munlockall", munlockall());
	LCK("after munlockall", b);
	munmap(map(1, PROT_READ), PG);
	LCK("mmap after munlockall", b);
	SHOW("mlockall CURRENT", mlockall(MCL_CURRENT));
	printf("VmLck >= 24 kB: %s\n", vmlck() >= 24 ? "yes" : "no");
	long cur = vmlck();
	char *s = map(1, PROT_READ | PROT_WRITE);
	printf("CURRENT, then mmap: VmLck +%ld\n", vmlck() - cur);
	SHOW("mlockall CURRENT|ONFAULT", mlockall(MCL_CURRENT | MCL_ONFAULT));
	SHOW("mlockall CURRENT|FUTURE", mlockall(MCL_CURRENT | MCL_FUTURE));
	fflush(stdout);
	c = fork();
	if (!c) {
		printf("child of mlockall: VmLck %ld\n", vmlck());
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	munmap(p, 3 * PG);
	munmap(q, 3 * PG);
	munmap(s, PG);
}

static void limits(void)
{
	struct rlimit rl;
	getrlimit(RLIMIT_MEMLOCK, &rl);
	printf("RLIMIT_MEMLOCK %lu %lu\n", (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max);
	long b = vmlck();
	char *p = map(16, PROT_READ | PROT_WRITE);
	rl.rlim_cur = 4 * PG;
	SHOW("setrlimit 16 kB", setrlimit(RLIMIT_MEMLOCK, &rl));
	SHOW("mlock 4 pages", mlock(p, 4 * PG));
	SHOW("mlock them again", mlock(p, 4 * PG));
	SHOW("mlock 2 of them and 1 more", mlock(p + 2 * PG, 3 * PG));
	SHOW("mlock2 a fifth", mlock2_(p + 8 * PG, PG, MLOCK_ONFAULT));
	LCK("within the limit", b);
	SHOW("mlock wrapping", mlock(p, -PG));
	char *g = mremap(p, 2 * PG, 3 * PG, 0);
	printf("mremap of locked pages past the limit: %s\n", g == MAP_FAILED ? res(-1) : "ok");
	SHOW("mlockall CURRENT", mlockall(MCL_CURRENT));
	SHOW("mlockall FUTURE", mlockall(MCL_FUTURE));
	void *m = map(8, PROT_READ | PROT_WRITE);
	printf("mmap past the limit: %s\n", m == MAP_FAILED ? res(-1) : "ok");
	if (m != MAP_FAILED)
		munmap(m, 8 * PG);
	SHOW("munlockall", munlockall());
	LCK("after munlockall", b);
	rl.rlim_cur = 0;
	SHOW("setrlimit 0", setrlimit(RLIMIT_MEMLOCK, &rl));
	SHOW("mlock with limit 0", mlock(p, PG));
	SHOW("mlock2 bad flags with limit 0", mlock2_(p, PG, 2));
	SHOW("mlockall with limit 0", mlockall(MCL_CURRENT));
	SHOW("mlockall 0 with limit 0", mlockall(0));
	SHOW("munlock with limit 0", munlock(p, PG));
	SHOW("munlockall with limit 0", munlockall());
	LCK("limit 0", b);
	munlockall();
	munmap(p, 16 * PG);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getpid() == 1 && access("/proc/self", F_OK) < 0)
		mount("proc", "/proc", "proc", 0, NULL); /* init of a guest */
	if (argc > 1 && !strcmp(argv[1], "exec")) {
		printf("after exec: VmLck %ld\n", vmlck());
		munmap(map(1, PROT_READ | PROT_WRITE), PG);
		char *p = map(1, PROT_READ | PROT_WRITE);
		printf("after exec, mmap: VmLck %ld\n", vmlck());
		munmap(p, PG);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "big")) {
		/* the guest's mem= bounds locked memory as any other */
		SHOW("mlockall CURRENT|FUTURE", mlockall(MCL_CURRENT | MCL_FUTURE));
		void *m = mmap(NULL, 1UL << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		printf("big mmap: %s\n", m == MAP_FAILED ? res(-1) : "ok");
		char *f = map(2048, PROT_READ | PROT_WRITE);
		printf("fits: populated %s\n", f != MAP_FAILED && resident(f, 64) == 64 &&
							resident(f + 2047 * PG, 1) == 1 ? "yes" : "no");
		/* then 32 MiB more, a MiB at a time, each populated as made */
		int n = 0;
		for (int i = 0; i < 32; i++) {
			char *c = map(256, PROT_READ | PROT_WRITE);
			n += c != MAP_FAILED && resident(c, 64) == 64 && resident(c + 255 * PG, 1) == 1;
		}
		printf("locked MiBs resident: %d\n", n);
		printf("MEMX-WAIT\n");
		getchar();
		return 0;
	}
	printf("start: VmLck %ld\n", vmlck());
	basics();
	all();
	fflush(stdout);
	pid_t c = fork();
	if (!c) {
		mlockall(MCL_CURRENT | MCL_FUTURE);
		execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
		_exit(127);
	}
	waitpid(c, NULL, 0);
	munlockall();
	limits();
	return 0;
}
