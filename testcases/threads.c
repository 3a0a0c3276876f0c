/* threads: pthread mutexes, condition variables and joins across four
 * threads; fork from a threaded process; exit_group from a thread. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000; i++) {
		pthread_mutex_lock(&m);
		counter++;
		pthread_mutex_unlock(&m);
	}
	pthread_mutex_lock(&m);
	ready++;
	pthread_cond_broadcast(&c);
	pthread_mutex_unlock(&m);
	return (void *)(long)syscall(SYS_gettid);
}

static void *exiter(void *arg)
{
	exit((int)(long)arg);
}

int main(void)
{
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	pthread_mutex_lock(&m);
	while (ready < 4)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	int distinct = 1;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(th[i], &r);
		if ((long)r == getpid())
			distinct = 0;
	}
	printf("counter %ld, thread ids distinct %d\n", counter, distinct);
	fflush(stdout);
	pid_t p = fork();
	if (!p) {
		printf("child of a threaded process runs\n");
		fflush(stdout);
		_exit(7);
	}
	int st;
	waitpid(p, &st, 0);
	printf("child status %d\n", WEXITSTATUS(st));
	fflush(stdout);
	p = fork();
	if (!p) {
		pthread_t t2;
		pthread_create(&t2, NULL, exiter, (void *)5);
		for (;;)
			pause();
	}
	waitpid(p, &st, 0);
	printf("exit from a thread ends the group: status %d\n", WEXITSTATUS(st));
	return 0;
}
