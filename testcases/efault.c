/* efault: system calls given bad pointers fail with EFAULT, never crash. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int fails;

static void check(const char *what, long r)
{
	int ok = r == -1 && errno == EFAULT;
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		fails++;
}

int main(void)
{
	void *bad[3];
	bad[0] = (void *)1;
	bad[1] = (void *)0xffff800000000000UL;
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m, 4096);
	bad[2] = m;
	int fd = open("/proc/self/exe", O_RDONLY);
	if (fd < 0)
		fd = open("/", O_RDONLY | O_DIRECTORY);
	int p[2];
	if (pipe(p) < 0)
		return 2;
	for (int i = 0; i < 3; i++) {
		printf("pointer %d\n", i);
		if (write(p[1], "xyz", 3) != 3)
			return 2;
		check("read", syscall(SYS_read, p[0], bad[i], 3));
		check("write", syscall(SYS_write, 1, bad[i], 10));
		check("stat path", syscall(SYS_newfstatat, AT_FDCWD, bad[i], m, 0));
		struct stat st;
		(void)st;
		check("stat buffer", syscall(SYS_newfstatat, AT_FDCWD, "/", bad[i], 0));
		check("open", syscall(SYS_openat, AT_FDCWD, bad[i], O_RDONLY));
		check("uname", syscall(SYS_uname, bad[i]));
		check("clock_gettime", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad[i]));
		check("pipe", syscall(SYS_pipe2, bad[i], 0));
		check("getcwd", syscall(SYS_getcwd, bad[i], 100));
	}
	/* the process is intact */
	printf("%d failures\n", fails);
	return fails != 0;
}
