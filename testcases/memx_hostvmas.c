/* More scattered mappings than one host process may have (the host's
 * vm.max_map_count, 65530): a large read-only anonymous mapping read one
 * page in every 32, by a forked child and then by its parent, with the
 * pages they share copy-on-write written by both in between.  Linux runs it; every page keeps its
 * contents, and neither process sees the other's writes.
 * argv[1]: GiB to map read-only (default 9: ~73,000 separate runs). */
#include "check.h"
#include "memx.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define STRIDE 32 /* pages */
#define WPAGES 2048

static unsigned long sweep(const unsigned char *p, size_t pages)
{
	unsigned long sum = 0;
	for (size_t i = 0; i < pages; i += STRIDE)
		sum += p[i * 4096];
	return sum;
}

/* the written region: one word per page, in an order that scatters the
 * frames (every 7th page first) */
static void fill(uint64_t *w, uint64_t tag)
{
	for (size_t s = 0; s < 7; s++)
		for (size_t i = s; i < WPAGES; i += 7)
			w[i * 512] = tag ^ (i * 0x9e3779b97f4a7c15ULL);
}

static size_t wrong(const uint64_t *w, uint64_t tag)
{
	size_t bad = 0;
	for (size_t i = 0; i < WPAGES; i++)
		bad += w[i * 512] != (tag ^ (i * 0x9e3779b97f4a7c15ULL));
	return bad;
}

int main(int argc, char **argv)
{
	size_t gib = argc > 1 ? strtoul(argv[1], NULL, 0) : 9;
	size_t pages = gib << 18;
	setvbuf(stdout, NULL, _IOLBF, 0);
	unsigned char *p = mmap(NULL, pages * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				-1, 0);
	uint64_t *w = mmap(NULL, WPAGES * 4096UL, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && w != MAP_FAILED);
	if (p == MAP_FAILED || w == MAP_FAILED)
		return 1;
	fill(w, 1);

	/* a child sweeps (its host mappings overflow) and writes its copy of
	 * the pages it shares with us copy-on-write; then we write ours */
	int up[2], down[2];
	CHECK(pipe(up) == 0 && pipe(down) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		size_t bad = wrong(w, 1);
		unsigned long s = sweep(p, pages);
		fill(w, 2);
		s += sweep(p, pages);
		bad += wrong(w, 2);
		char c = (bad == 0 && s == 0) ? 'y' : 'n';
		if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(2);
		_exit(wrong(w, 2) != 0);
	}
	CHECK(pid > 0);
	if (pid < 0)
		return 1;
	close(up[1]);
	close(down[0]);
	char c = 0;
	CHECK(read(up[0], &c, 1) == 1 && c == 'y');
	CHECK(wrong(w, 1) == 0); /* the child's writes are its own */
	fill(w, 3);
	CHECK(write(down[1], "g", 1) == 1);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(wrong(w, 3) == 0);
	/* and now ours overflow, twice */
	CHECK(sweep(p, pages) == 0);
	CHECK(wrong(w, 3) == 0);
	fill(w, 4);
	CHECK(sweep(p, pages) == 0);
	CHECK(wrong(w, 4) == 0);
	printf("fails %d\n", fails);
	memx_wait();
	return fails != 0;
}
