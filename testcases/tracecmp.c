/* tracecmp: a fixed set of system calls for comparing vmcore's trace with
 * strace's: openat with flags, read/write of text and binary data, failing
 * calls, mmap/mprotect, fork with exit and kill statuses, wait4,
 * rt_sigaction, execve with argv/envp, the stat family, pipes, poll,
 * nanosleep.  Works in the current directory. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void handler(int s)
{
	(void)s;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return 3;
	int fd = openat(AT_FDCWD, "data.txt", O_RDWR | O_CREAT | O_TRUNC, 0640);
	syscall(SYS_write, fd, "some text\n", 10);
	static const unsigned char bin[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 'a', '\t', '"' };
	syscall(SYS_write, fd, bin, sizeof(bin));
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	char buf[64];
	syscall(SYS_read, fd, buf, sizeof(buf));
	syscall(SYS_close, fd);
	syscall(SYS_openat, AT_FDCWD, "nonexistent/file", O_RDONLY | O_CLOEXEC);
	syscall(SYS_close, 12345);
	syscall(SYS_openat, AT_FDCWD, "data.txt", O_WRONLY | O_APPEND | O_NOFOLLOW);
	struct stat st;
	syscall(SYS_newfstatat, AT_FDCWD, "data.txt", &st, 0);
	syscall(SYS_newfstatat, AT_FDCWD, "missing", &st, AT_SYMLINK_NOFOLLOW);
	void *m = (void *)syscall(SYS_mmap, NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	syscall(SYS_mprotect, m, 4096, PROT_READ);
	syscall(SYS_munmap, m, 8192);
	struct sigaction sa = { .sa_handler = handler };
	sigaction(SIGUSR1, &sa, NULL);
	int p[2];
	syscall(SYS_pipe2, p, O_CLOEXEC);
	syscall(SYS_write, p[1], "x", 1);
	struct pollfd pf = { p[0], POLLIN, 0 };
	syscall(SYS_poll, &pf, 1, 100);
	struct timespec ts = { 0, 1000000 };
	syscall(SYS_nanosleep, &ts, NULL);
	pid_t c = fork();
	if (!c)
		_exit(5);
	int status;
	syscall(SYS_wait4, c, &status, 0, NULL);
	c = fork();
	if (!c) {
		pause();
		_exit(0);
	}
	syscall(SYS_kill, c, SIGTERM);
	syscall(SYS_wait4, c, &status, 0, NULL);
	c = fork();
	if (!c) {
		char *av[] = { argv[0], "child", NULL };
		char *ev[] = { "A=1", "B=2", NULL };
		syscall(SYS_execve, argv[0], av, ev);
		_exit(9);
	}
	syscall(SYS_wait4, c, &status, 0, NULL);
	syscall(SYS_unlinkat, AT_FDCWD, "data.txt", 0);
	return 0;
}
