/* memfd: memfd_create and file seals, preadv2/pwritev2, as Linux has
 * them.  Prints each check (mounts /proc first as a guest's init). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int fails;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		fails++;
}

static int err_is(long r, int e)
{
	return r < 0 && errno == e;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getpid() == 1) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	int fd = memfd_create("test", 0);
	check(fd >= 0, "memfd_create");
	check(write(fd, "hello world", 11) == 11, "write");
	char buf[64] = "";
	check(pread(fd, buf, sizeof(buf), 0) == 11 && !memcmp(buf, "hello world", 11), "read back");
	struct stat st;
	check(fstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode) &&
		      (st.st_mode & 07777) == 0777, "fstat: a regular file of 11 bytes, mode 0777");
	char link[64], want[] = "/memfd:test (deleted)";
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(buf, link, sizeof(link));
	check(n == (ssize_t)strlen(want) && !memcmp(link, want, n), "its /proc/self/fd name");
	check(fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL, "without MFD_ALLOW_SEALING: F_SEAL_SEAL");
	check(err_is(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM), "and no more seals (EPERM)");
	check((fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0, "no close-on-exec without MFD_CLOEXEC");
	close(fd);

	check(err_is(memfd_create("x", 0x100), EINVAL), "unknown flags: EINVAL");
	char longname[300];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	check(err_is(memfd_create(longname, 0), EINVAL), "a name over 249 bytes: EINVAL");

	fd = memfd_create("sealed", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	check(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "MFD_CLOEXEC");
	check(fcntl(fd, F_GET_SEALS) == 0, "MFD_ALLOW_SEALING: no seals yet");
	check(ftruncate(fd, 8192) == 0, "ftruncate to 8192");
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "a shared writable mapping");
	memcpy(m + 4096, "through the map", 15);
	check(pread(fd, buf, 15, 4096) == 15 && !memcmp(buf, "through the map", 15),
	      "the mapping's writes reach the file");
	munmap(m, 8192);
	check(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK) == 0, "seal the size");
	check(fcntl(fd, F_GET_SEALS) == (F_SEAL_GROW | F_SEAL_SHRINK), "F_GET_SEALS");
	check(err_is(ftruncate(fd, 16384), EPERM), "grow: EPERM");
	check(err_is(ftruncate(fd, 100), EPERM), "shrink: EPERM");
	check(ftruncate(fd, 8192) == 0, "the same size: fine");
	check(err_is(pwrite(fd, "x", 1, 8192), EPERM), "a write past the end: EPERM");
	check(pwrite(fd, "y", 1, 10) == 1, "a write inside: fine");
	check(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0, "seal writes");
	check(err_is(pwrite(fd, "z", 1, 0), EPERM), "write: EPERM");
	check(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
		      errno == EPERM, "a shared writable mapping: EPERM");
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "a shared read-only mapping: fine");
	check(err_is(mprotect(m, 4096, PROT_READ | PROT_WRITE), EACCES), "made writable: EACCES");
	munmap(m, 4096);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	check(m != MAP_FAILED, "a private writable mapping: fine");
	munmap(m, 4096);
	check(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) == 0 &&
		      err_is(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM), "F_SEAL_SEAL ends sealing");
	check(err_is(fcntl(fd, F_ADD_SEALS, 0x100), EINVAL) || err_is(fcntl(fd, F_ADD_SEALS, 0x100), EPERM),
	      "unknown seals refused");
	int p[2];
	pipe(p);
	check(err_is(fcntl(p[0], F_GET_SEALS), EINVAL), "a pipe has no seals: EINVAL");
	close(fd);

	/* preadv2 / pwritev2 */
	fd = memfd_create("rw2", 0);
	struct iovec iov = { "abcdef", 6 };
	check(pwritev2(fd, &iov, 1, 0, 0) == 6, "pwritev2 at 0");
	iov.iov_base = "XY";
	iov.iov_len = 2;
	check(pwritev2(fd, &iov, 1, 1, 0) == 2, "pwritev2 at 1");
	check(pwritev2(fd, &iov, 1, 0, RWF_APPEND) == 2, "RWF_APPEND");
	char rb[16] = "";
	struct iovec ri = { rb, sizeof(rb) };
	check(preadv2(fd, &ri, 1, 0, 0) == 8 && !memcmp(rb, "aXYdefXY", 8), "preadv2 sees both");
	check(lseek(fd, 2, SEEK_SET) == 2 && preadv2(fd, &ri, 1, -1, 0) == 6 &&
		      lseek(fd, 0, SEEK_CUR) == 8, "offset -1: the file position, advanced");
	check(err_is(preadv2(fd, &ri, 1, 0, 0x1000), EOPNOTSUPP), "unknown flags: EOPNOTSUPP");
	check(err_is(preadv2(fd, &ri, 1, -2, 0), EINVAL), "offset -2: EINVAL");
	check(err_is(preadv2(p[0], &ri, 1, 0, 0), ESPIPE), "a pipe at an offset: ESPIPE");
	check(err_is(preadv2(p[0], &ri, 1, -1, RWF_NOWAIT), EAGAIN), "an empty pipe, RWF_NOWAIT: EAGAIN");
	return fails != 0;
}
