/* A full tmpfs: writes store what fits and return its count, then fail
 * with ENOSPC; everything whose write was counted reads back.
 * argv[1]: mount point, argv[2]: size= option ("1m"). */
#include "check.h"
#include "memx.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

static unsigned char pat(long i)
{
	return (unsigned char)(i * 7 + i / 4096);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/mnt";
	char opts[64], path[256];
	static unsigned char buf[12388], rbuf[65536];
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(opts, sizeof(opts), "size=%s", argc > 2 ? argv[2] : "1m");
	CHECK(mount("tmpfs", dir, "tmpfs", 0, opts) == 0);
	snprintf(path, sizeof(path), "%s/fill", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	long total = 0, shorts = 0, writes = 0;
	int err = 0;
	for (;;) {
		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = pat(total + k);
		ssize_t n = write(fd, buf, sizeof(buf));
		if (n < 0) {
			err = errno;
			break;
		}
		writes++;
		if ((size_t)n < sizeof(buf))
			shorts++;
		total += n;
		if (writes > 100000)
			break;
	}
	printf("stored %ld bytes in %ld writes, %ld short, then %s\n", total, writes, shorts,
	       strerror(err));
	CHECK(err == ENOSPC);
	CHECK(shorts <= 1);
	/* again: still full, still ENOSPC, nothing changes */
	errno = 0;
	CHECK(write(fd, buf, 1) == -1 && errno == ENOSPC);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == total);
	/* everything counted is there */
	long off = 0, bad = 0;
	while (off < total) {
		ssize_t n = pread(fd, rbuf, sizeof(rbuf), off);
		if (n <= 0)
			break;
		for (ssize_t k = 0; k < n; k++)
			bad += rbuf[k] != pat(off + k);
		off += n;
	}
	CHECK(off == total && bad == 0);
	/* another file cannot get a page either; an empty one can be made */
	snprintf(path, sizeof(path), "%s/other", dir);
	int fd2 = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd2 >= 0);
	errno = 0;
	CHECK(write(fd2, buf, 100) == -1 && errno == ENOSPC);
	/* freeing space makes room again */
	CHECK(ftruncate(fd, total / 2) == 0);
	CHECK(write(fd2, buf, 100) == 100);
	close(fd2);
	close(fd);
	printf("fails %d\n", fails);
	memx_wait();
	return fails != 0;
}
