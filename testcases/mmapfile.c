/* mmapfile: file mappings, private (copy-on-write) and shared (written
 * through), against read/write on the same file.  argv[1]: a writable dir. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char **argv)
{
	char path[256];
	char buf[3 * 4096 + 100], c;
	snprintf(path, sizeof(path), "%s/mapfile", argc > 1 ? argv[1] : ".");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = 'a' + i % 26;
	CHECK(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	char *p = mmap(NULL, sizeof(buf), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED && memcmp(p, buf, sizeof(buf)) == 0);
	/* past EOF inside the last page: zeros */
	CHECK(p[sizeof(buf)] == 0 && p[4 * 4096 - 1] == 0);
	p[0] = 'Z';
	CHECK(pread(fd, &c, 1, 0) == 1 && c == 'a');
	char *s = mmap(NULL, sizeof(buf), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED && s[0] == 'a');
	s[1] = 'Q';
	s[4096 + 2] = 'R';
	CHECK(msync(s, sizeof(buf), MS_SYNC) == 0);
	CHECK(pread(fd, &c, 1, 1) == 1 && c == 'Q');
	CHECK(pread(fd, &c, 1, 4096 + 2) == 1 && c == 'R');
	CHECK(pwrite(fd, "W", 1, 3) == 1 && s[3] == 'W');
	/* the private copy keeps its own byte 0, sees untouched pages change */
	CHECK(p[0] == 'Z' && p[4096 + 2] == 'R');
	CHECK(munmap(s, sizeof(buf)) == 0);
	s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	s[10] = 'S';
	CHECK(munmap(s, 4096) == 0);
	CHECK(pread(fd, &c, 1, 10) == 1 && c == 'S');
	/* rights: a read-only descriptor cannot be mapped shared-writable */
	int ro = open(path, O_RDONLY);
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED && errno == EACCES);
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0) != MAP_FAILED);
	/* shared anonymous memory */
	int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED && sh[0] == 0);
	close(ro);
	close(fd);
	unlink(path);
	printf("%d failures\n", fails);
	return fails != 0;
}
