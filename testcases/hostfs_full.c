/* hostfs_full: what a guest sees of a host disk at hostfs's reserve
 * (booted with hostfs_reserve= larger than the host's free space): every
 * write, writeback and fallocate is ENOSPC and statfs shows no space, while
 * reading, creating names and unlinking go on.  Run on a writable hostfs
 * root; prints one line per step. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <unistd.h>

static const char *e(long r)
{
	return r < 0 ? strerrorname_np(errno) : "0";
}

int main(void)
{
	char buf[4096];
	memset(buf, 'x', sizeof(buf));
	int fd = open("hostfs_full.data", O_RDWR | O_CREAT | O_TRUNC, 0644);
	printf("create: %s\n", fd < 0 ? strerrorname_np(errno) : "0");
	ssize_t n = write(fd, buf, sizeof(buf));
	printf("write: %s\n", n < 0 ? strerrorname_np(errno) : "written");
	printf("fallocate: %s\n", e(fallocate(fd, 0, 0, 1 << 20)));
	printf("ftruncate (sparse): %s\n", e(ftruncate(fd, 8192)));
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m != MAP_FAILED) {
		m[0] = 'y';
		printf("msync: %s\n", e(msync(m, 8192, MS_SYNC)));
		munmap(m, 8192);
	}
	struct statfs st;
	if (fstatfs(fd, &st) == 0)
		printf("statfs: bavail %s\n", st.f_bavail == 0 ? "0" : "nonzero");
	close(fd);
	printf("unlink: %s\n", e(unlink("hostfs_full.data")));
	return 0;
}
