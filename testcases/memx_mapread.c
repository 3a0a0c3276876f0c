/* A file mapping much larger than memory, read fully, twice: clean page
 * cache is reclaimed, nobody is OOM-killed, every page has its data.
 * argv[1]: the file, whose 8 bytes at each page are the page's index. */
#include "check.h"
#include "memx.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>

static long scan(const char *p, size_t len)
{
	long bad = 0;
	for (size_t off = 0; off < len; off += 4096) {
		uint64_t v;
		memcpy(&v, p + off, 8);
		if (v != off / 4096 && bad++ < 5)
			printf("mapped page %zu reads %llu\n", off / 4096, (unsigned long long)v);
	}
	return bad;
}

/* "hold": a child maps the file and reads it all, then stops (or, with
 * "spin", runs on in user mode), keeping the cache mapped; the parent then
 * uses what the commit limit gives it. */
static int hold(const char *name, int spin)
{
	/* "I am running" from the child, in a page present before the fork */
	volatile int *flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (flag == MAP_FAILED)
		return 1;
	*flag = 0;
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(name, O_RDONLY);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0)
			_exit(1);
		char *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED || scan(p, st.st_size))
			_exit(2);
		*flag = 1;
		for (volatile unsigned long n = 0; spin; n++)
			;
		for (;;)
			raise(SIGSTOP);
	}
	int st;
	if (spin) {
		while (!*flag) /* the child runs guest code from then on */
			;
	} else {
		CHECK(pid > 0 && waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st));
	}
	size_t big = (size_t)(meminfo("CommitLimit") - meminfo("Committed_AS")) * 1024 * 3 / 4 & ~4095UL;
	printf("Cached %ld kB, MemFree %ld kB; touching %zu kB\n", meminfo("Cached"),
	       meminfo("MemFree"), big / 1024);
	unsigned char *q = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED);
	if (q != MAP_FAILED) {
		for (size_t off = 0; off < big; off += 4096)
			q[off] = 1;
		CHECK(q[big - 4096] == 1);
	}
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	printf("fails %d\n", fails);
	memx_wait();
	return fails != 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[2], "hold"))
		return hold(argv[1], 0);
	if (argc > 2 && !strcmp(argv[2], "spin"))
		return hold(argv[1], 1);
	int fd = open(argc > 1 ? argv[1] : "/big", O_RDONLY);
	CHECK(fd >= 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0);
	size_t len = st.st_size;
	char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return 1;
	CHECK(scan(p, len) == 0);
	CHECK(scan(p, len) == 0);
	char *s = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED);
	if (s != MAP_FAILED)
		CHECK(scan(s, len) == 0);
	/* read(2) through the cache as well */
	static char buf[1 << 16];
	long bad = 0;
	for (off_t off = 0; off < (off_t)len; off += sizeof(buf)) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);
		if (n != sizeof(buf)) {
			printf("pread at %lld: %zd\n", (long long)off, n);
			bad++;
			break;
		}
		for (size_t k = 0; k < sizeof(buf); k += 4096) {
			uint64_t v;
			memcpy(&v, buf + k, 8);
			if (v != (uint64_t)(off + k) / 4096) {
				if (bad < 5)
					printf("page %lld reads %llu\n", (long long)(off + k) / 4096,
					       (unsigned long long)v);
				bad++;
			}
		}
	}
	CHECK(bad == 0);
	printf("fails %d\n", fails);
	memx_wait();
	return fails != 0;
}
