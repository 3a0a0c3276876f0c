/* mmap: anonymous mmap, munmap, mprotect, mremap and madvise semantics. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static int mapped(void *p)
{
	unsigned char v;
	return mincore(p, 4096, &v) == 0;
}

int main(void)
{
	long pg = 4096;
	char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK(m[0] == 0 && m[3 * pg + 100] == 0);
	memset(m, 'a', 4 * pg);
	CHECK(munmap(m + pg, pg) == 0);
	CHECK(!mapped(m + pg) && errno == ENOMEM);
	CHECK(mapped(m) && mapped(m + 2 * pg));
	CHECK(msync(m + pg, pg, MS_SYNC) == -1 && errno == ENOMEM);
	CHECK(m[2 * pg] == 'a');
	char *hole = mmap(m + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(hole == m + pg && hole[5] == 0);
	CHECK(mmap(m, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED &&
	      errno == EEXIST);
	CHECK(mprotect(m, pg, PROT_READ) == 0 && m[1] == 'a');
	CHECK(mprotect(m, pg, PROT_READ | PROT_WRITE) == 0);
	m[0] = 'b';
	CHECK(m[0] == 'b');
	CHECK(mprotect(m + 1, pg, PROT_READ) == -1 && errno == EINVAL);
	/* mremap: grow with a move, contents kept, new part zero */
	char *r = mremap(m + 2 * pg, 2 * pg, 16 * pg, MREMAP_MAYMOVE);
	CHECK(r != MAP_FAILED && r[0] == 'a' && r[pg + 7] == 'a' && r[10 * pg] == 0);
	r[15 * pg] = 'z';
	CHECK(r[15 * pg] == 'z');
	/* shrink in place */
	CHECK(mremap(r, 16 * pg, 4 * pg, 0) == r && !mapped(r + 8 * pg));
	/* MREMAP_FIXED to a chosen place */
	char *dst = mmap(NULL, 8 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *f = mremap(r, 4 * pg, 4 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst + 2 * pg);
	CHECK(f == dst + 2 * pg && f[0] == 'a' && !mapped(r));
	CHECK(mremap(f, pg, 2 * pg, MREMAP_FIXED, dst) == MAP_FAILED && errno == EINVAL);
	/* MAP_FIXED over an existing mapping replaces it with zeros */
	char *z = mmap(f, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(z == f && z[0] == 0 && f[pg] == 'a');
	/* madvise(DONTNEED) on private anonymous memory: reads back zero */
	memset(f, 'q', 2 * pg);
	CHECK(madvise(f, 2 * pg, MADV_DONTNEED) == 0 && f[0] == 0 && f[pg + 1] == 0);
	CHECK(madvise(f, pg, 12345) == -1 && errno == EINVAL);
	/* errors */
	CHECK(munmap((char *)m + 1, pg) == -1 && errno == EINVAL);
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	CHECK(mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 12345, 0) == MAP_FAILED && errno == EBADF);
	CHECK(mmap((void *)1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
	      errno == EINVAL);
	CHECK(munmap(dst, 8 * pg) == 0 && munmap(m, 2 * pg) == 0);
	/* a large reservation costs nothing until touched */
	char *big = mmap(NULL, 1UL << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(big != MAP_FAILED && munmap(big, 1UL << 30) == 0);
	printf("%d failures\n", fails);
	return fails != 0;
}
