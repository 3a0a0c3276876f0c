/* Bad input for the syscall trace: unreadable pointers, huge strings, and
 * buffers that another thread changes or unmaps while a call blocks.
 * Behaves the same natively and in the guest; exits 0 when every call gave
 * the result Linux gives. */
#include "check.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BIG (1 << 20)

static int pfd[2];
static char *wbuf;
static char *rbuf;

static void nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

/* While main blocks writing wbuf into the full pipe: overwrite wbuf, then
 * drain the pipe. */
static void *changer(void *arg)
{
	(void)arg;
	nap();
	memset(wbuf, 'B', 65536 * 2);
	static char sink[65536];
	size_t got = 0;
	while (got < 65536 * 2) {
		ssize_t n = read(pfd[0], sink, sizeof(sink));
		if (n <= 0)
			return (void *)1;
		got += n;
	}
	return NULL;
}

/* While main blocks reading into rbuf: unmap it, then write a byte. */
static void *unmapper(void *arg)
{
	(void)arg;
	nap();
	munmap(rbuf, 4096);
	return write(pfd[1], "x", 1) == 1 ? NULL : (void *)1;
}

int main(void)
{
	struct stat st;
	CHECK(pipe(pfd) == 0);
	/* unreadable pointers: the call fails, the trace shows the address */
	CHECK(syscall(SYS_openat, AT_FDCWD, (char *)1, O_RDONLY) == -1 && errno == EFAULT);
	CHECK(syscall(SYS_write, pfd[1], (char *)0xdead0000, 10) == -1 && errno == EFAULT);
	CHECK(syscall(SYS_newfstatat, AT_FDCWD, ".", (struct stat *)0x10, 0) == -1 && errno == EFAULT);
	CHECK(syscall(SYS_newfstatat, AT_FDCWD, ".", &st, 0) == 0);

	/* huge strings: a path past PATH_MAX, a write of a megabyte */
	char *big = malloc(BIG + 1);
	CHECK(big != NULL);
	memset(big, 'p', BIG);
	big[BIG] = 0;
	CHECK(syscall(SYS_openat, AT_FDCWD, big, O_RDONLY) == -1 && errno == ENAMETOOLONG);
	int fd = open("big.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, big, BIG) == BIG);
	CHECK(close(fd) == 0);
	CHECK(unlink("big.out") == 0);

	/* a write that blocks on a full pipe while another thread changes
	 * its buffer */
	CHECK(fcntl(pfd[1], F_SETPIPE_SZ, 65536) >= 0 || errno == EINVAL);
	wbuf = malloc(65536 * 2);
	CHECK(wbuf != NULL);
	memset(wbuf, 'A', 65536 * 2);
	pthread_t th;
	CHECK(pthread_create(&th, NULL, changer, NULL) == 0);
	CHECK(write(pfd[1], wbuf, 65536 * 2) == 65536 * 2);
	void *res;
	CHECK(pthread_join(th, &res) == 0 && res == NULL);

	/* a read that blocks while another thread unmaps its buffer */
	rbuf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(rbuf != MAP_FAILED);
	CHECK(pthread_create(&th, NULL, unmapper, NULL) == 0);
	CHECK(read(pfd[0], rbuf, 100) == -1 && errno == EFAULT);
	CHECK(pthread_join(th, &res) == 0 && res == NULL);
	free(big);
	free(wbuf);
	return fails ? 1 : 0;
}
