/* A guest program in a known state, for the kernel's gdb helpers
 * (scripts/tests/test_gdb_helpers.py): main -> outer -> middle -> inner,
 * which opens known files, names a second thread "waiter" (which makes
 * one getpid() and parks in pause), prints where its marker bytes are,
 * makes one getppid() and blocks in read() on descriptor 42, a pipe nobody
 * writes, for ever.  getpid and getppid are each thread's last call before
 * its block in the flight recorder (/proc/PID/task/TID/syscalls): a
 * watcher that sees them there and the thread asleep knows it blocks. */
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

char marker[] = "vmcore-gdb-helpers marker 0123456789abcdef";
static sem_t named;

static void *waiter(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "waiter");
	sem_post(&named);
	getpid();
	for (;;)
		pause();
	return NULL;
}

static void __attribute__((noinline)) inner(int depth)
{
	int p[2];
	char c;
	pthread_t th;
	if (pipe(p) < 0 || dup2(p[0], 42) < 0)
		return;
	open("/kstate.data", O_RDONLY);
	/* a pattern across a page boundary of an anonymous mapping */
	char *m = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 64; i++)
		m[4096 - 32 + i] = 'A' + i % 26;
	sem_init(&named, 0, 0);
	pthread_create(&th, NULL, waiter, NULL);
	sem_wait(&named);
	printf("kstate depth %d marker %p %s\n", depth, (void *)marker, marker);
	printf("kstate span %p %.64s\n", (void *)(m + 4096 - 32), m + 4096 - 32);
	fflush(stdout);
	getppid();
	if (read(42, &c, 1) < 0) /* @blocked */
		perror("read");
}

static void __attribute__((noinline)) middle(int depth)
{
	inner(depth + 1);
}

static void __attribute__((noinline)) outer(int depth)
{
	middle(depth + 1);
}

int main(void)
{
	outer(1);
	return 0;
}
