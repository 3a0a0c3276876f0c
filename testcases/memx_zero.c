/* A read-only private anonymous mapping far larger than memory, read
 * fully, takes no frames (the zero page) and kills nobody; a page made
 * writable afterwards is a private copy.  argv[1]: MiB to map. */
#include "check.h"
#include "memx.h"
#include <errno.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024, len = mib << 20;
	setvbuf(stdout, NULL, _IOLBF, 0);
	long free0 = meminfo("MemFree"), commit0 = meminfo("Committed_AS");
	unsigned char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return 1;
	unsigned long sum = 0;
	for (size_t off = 0; off < len; off += 4096)
		sum += p[off] + p[off + 4095];
	CHECK(sum == 0);
	long free1 = meminfo("MemFree");
	printf("MemFree drop %ld kB\n", free0 - free1);
	CHECK(free0 - free1 < 1024); /* page tables live outside physmem */
	CHECK(meminfo("Committed_AS") == commit0); /* read-only: not charged */
	/* one page made writable: charged, copied, written; its neighbours
	 * stay zero */
	CHECK(mprotect(p + 4096, 4096, PROT_READ | PROT_WRITE) == 0);
	p[4096] = 7;
	CHECK(p[4096] == 7 && p[0] == 0 && p[8192] == 0);
	/* making all of it writable needs the memory: ENOMEM with mem= small */
	errno = 0;
	int r = mprotect(p, len, PROT_READ | PROT_WRITE);
	printf("mprotect all: %s\n", r == 0 ? "ok" : strerror(errno));
	if (r == 0)
		mprotect(p, len, PROT_READ);
	/* committed memory is still all there: most of what is left */
	size_t big = (size_t)(meminfo("CommitLimit") - meminfo("Committed_AS")) * 1024 / 2 & ~4095UL;
	printf("limit %ld committed %ld\n", meminfo("CommitLimit"), meminfo("Committed_AS"));
	unsigned char *q = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED);
	if (q != MAP_FAILED) {
		for (size_t off = 0; off < big; off += 4096)
			q[off] = 1;
		CHECK(q[big - 4096] == 1);
	}
	sum = 0;
	for (size_t off = 0; off < len; off += 4096)
		sum += p[off];
	CHECK(sum == 7);
	printf("fails %d\n", fails);
	memx_wait();
	return fails != 0;
}
