/* procs: copy-on-write isolation after fork both ways, 1000 forks with exit
 * and wait, fork+exec of a static program (argv[1]) and of a dynamic one
 * (argv[2], optional), a shared futex across fork through a MAP_SHARED
 * page, and a zombie reparented when its parent dies. */
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

extern char **environ;
static int cow_global = 1;

static long futex(int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static int run(const char *path)
{
	int st;
	pid_t p = fork();
	if (!p) {
		char *av[] = { (char *)path, NULL };
		execve(path, av, environ);
		_exit(127);
	}
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	int st;
	/* COW: the child's writes stay in the child ... */
	char *heap = malloc(100000);
	memset(heap, 'p', 100000);
	pid_t p = fork();
	if (!p) {
		cow_global = 2;
		memset(heap, 'c', 100000);
		_exit(cow_global == 2 && heap[99999] == 'c' ? 0 : 1);
	}
	waitpid(p, &st, 0);
	CHECK(WEXITSTATUS(st) == 0 && cow_global == 1 && heap[0] == 'p' && heap[99999] == 'p');
	/* ... and the parent's stay in the parent */
	int pfd[2];
	if (pipe(pfd) < 0)
		return 1;
	p = fork();
	if (!p) {
		char c;
		if (read(pfd[0], &c, 1) != 1)
			_exit(2);
		_exit(cow_global == 1 && heap[5] == 'p' ? 0 : 1);
	}
	cow_global = 3;
	memset(heap, 'P', 100000);
	if (write(pfd[1], "x", 1) != 1)
		return 1;
	waitpid(p, &st, 0);
	CHECK(WEXITSTATUS(st) == 0);
	/* 1000 forks, each exiting with its number's low bits */
	int bad = 0;
	for (int i = 0; i < 1000; i++) {
		p = fork();
		if (!p)
			_exit(i & 0x7f);
		if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0x7f))
			bad++;
	}
	CHECK(bad == 0);
	if (argc > 1)
		CHECK(run(argv[1]) == 0);
	if (argc > 2)
		CHECK(run(argv[2]) == 0);
	/* a shared futex across fork, through a MAP_SHARED page */
	int *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	*word = 0;
	p = fork();
	if (!p) {
		while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0)
			futex(word, FUTEX_WAIT, 0);
		_exit(*word == 42 ? 0 : 1);
	}
	usleep(50000);
	__atomic_store_n(word, 42, __ATOMIC_SEQ_CST);
	long woken = 0;
	for (int i = 0; i < 100 && woken == 0; i++) {
		woken = futex(word, FUTEX_WAKE, 1);
		if (!woken)
			usleep(1000);
	}
	waitpid(p, &st, 0);
	CHECK(WEXITSTATUS(st) == 0);
	/* a process whose parent dies is reparented */
	if (pipe(pfd) < 0)
		return 1;
	p = fork();
	if (!p) {
		pid_t orig = getpid();
		pid_t g = fork();
		if (!g) {
			char c;
			if (read(pfd[0], &c, 1) != 1)
				_exit(1);
			int reparented = getppid() != orig;
			if (write(pfd[1], reparented ? "y" : "n", 1) != 1)
				_exit(1);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(p, &st, 0);
	if (write(pfd[1], "go", 1) != 1)
		return 1;
	usleep(100000);
	char ans = 0;
	close(pfd[1]);
	/* the grandchild's answer follows the byte it consumed */
	while (read(pfd[0], &ans, 1) == 1 && ans != 'y' && ans != 'n')
		;
	CHECK(ans == 'y');
	printf("%d failures\n", fails);
	return fails != 0;
}
