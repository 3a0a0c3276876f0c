/* Sparse tmpfs files: 1-byte pwrites far out (1 TiB, 2^62) cost a page
 * each, read back as zeros with the bytes in place; st_blocks counts the
 * pages held.  argv[1]: a tmpfs mount point. */
#include "check.h"
#include "memx.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/mnt";
	char path[256];
	static char buf[1 << 20];
	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK(mount("tmpfs", dir, "tmpfs", 0, "") == 0);
	const off_t tib = 1LL << 40;
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/sparse%d", dir, i);
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		CHECK(fd >= 0);
		CHECK(pwrite(fd, "w", 1, tib - 4096) == 1); /* just below 1 TiB */
		CHECK(pwrite(fd, "x", 1, tib) == 1);
		CHECK(pwrite(fd, "y", 1, 1LL << 62) == 1);
		struct stat st;
		CHECK(fstat(fd, &st) == 0 && st.st_size == (1LL << 62) + 1);
		CHECK(st.st_blocks <= 3 * 8);
		char c = 0;
		CHECK(pread(fd, &c, 1, tib) == 1 && c == 'x');
		CHECK(pread(fd, &c, 1, 1LL << 62) == 1 && c == 'y');
		/* a MiB of hole just before each byte reads as zeros */
		memset(buf, 0xff, sizeof(buf));
		CHECK(pread(fd, buf, sizeof(buf), tib - sizeof(buf) - 4096) == (ssize_t)sizeof(buf));
		int zero = 1;
		for (size_t k = 0; k < sizeof(buf); k++)
			zero &= buf[k] == 0;
		CHECK(zero);
		CHECK(pread(fd, buf, 4096, tib - 4096) == 4096 && buf[0] == 'w' && buf[1] == 0 &&
		      buf[4095] == 0);
		CHECK(pread(fd, buf, 2, tib) == 2 && buf[0] == 'x' && buf[1] == 0);
		/* past the largest file size: EFBIG */
		errno = 0;
		CHECK(pwrite(fd, "z", 1, 0x7fffffffffffffffLL) == -1 && errno == EFBIG);
		/* truncating gives the pages back */
		CHECK(ftruncate(fd, tib - 4096) == 0 && fstat(fd, &st) == 0 && st.st_blocks == 0);
		CHECK(pwrite(fd, "x", 1, tib) == 1);
		close(fd);
	}
	printf("fails %d\n", fails);
	memx_wait();
	return fails != 0;
}
