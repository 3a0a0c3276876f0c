/* vfork children that are gone before the parent wakes: a CLONE_VFORK
 * thread that exits at once (freed on exit: nobody reaps a thread), and
 * vfork'd processes reaped by another thread of the parent while the
 * vforking thread still waits.  vmcore read the freed child to learn
 * that the wait was over (found by its fuzzer under ASAN). */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static int thread_exits(void *arg)
{
	(void)arg;
	syscall(SYS_exit, 0); /* only this thread */
	return 0;
}

static void *reaper(void *arg)
{
	int *n = arg;
	while (*n > 0) {
		pid_t p = waitpid(-1, NULL, __WALL);
		if (p > 0)
			__atomic_sub_fetch(n, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int ok = 0;
	for (int i = 0; i < 50; i++) {
		char *stack = malloc(65536);
		int tid = clone(thread_exits, stack + 65536,
				CLONE_VM | CLONE_VFORK | CLONE_THREAD | CLONE_SIGHAND | CLONE_FS | CLONE_FILES, NULL);
		ok += tid > 0;
		free(stack); /* the thread is gone: vfork returned after its exit */
	}
	CHECK(ok == 50);

	int left = 50;
	pthread_t th;
	pthread_create(&th, NULL, reaper, &left);
	int forked = 0;
	for (int i = 0; i < 50; i++) {
		pid_t p = vfork();
		if (p == 0)
			_exit(3);
		forked += p > 0;
	}
	pthread_join(th, NULL);
	CHECK(forked == 50);
	CHECK(left == 0);
	printf("vfork_gone done\n");
	return fails != 0;
}
