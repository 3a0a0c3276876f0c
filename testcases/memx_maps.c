/* Mappings are bounded (vm.max_map_count, 65530): splitting one big
 * PROT_NONE mapping page by page with mprotect, and making new mappings,
 * stop with ENOMEM; munmap of what exists still works. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
	size_t len = 1UL << 30;
	char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	long n = 0;
	int err = 0;
	for (size_t off = 0; off + 8192 <= len; off += 8192, n++)
		if (mprotect(p + off, 4096, PROT_READ) < 0) {
			err = errno;
			break;
		}
	printf("mprotect splits stopped by %s after about %ldk\n", err ? strerrorname_np(err) : "nothing",
	       n / 1000);
	void *q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("another mmap: %s\n", q == MAP_FAILED ? strerrorname_np(errno) : "ok");
	printf("munmap all: %s\n", munmap(p, len) == 0 ? "ok" : strerrorname_np(errno));
	q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap after: %s\n", q == MAP_FAILED ? strerrorname_np(errno) : "ok");
	return 0;
}
