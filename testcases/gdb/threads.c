/* gdb threads: eight threads named worker-0 .. worker-7 park in
 * park_here(); when all are there, main calls all_parked(). */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define N 8
static pthread_barrier_t barrier;
volatile int parked;

void park_here(int id)
{
	__atomic_add_fetch(&parked, 1, __ATOMIC_SEQ_CST);
	pthread_barrier_wait(&barrier);
	for (;;)
		pause();                /* @park */
	(void)id;
}

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	char name[16];

	snprintf(name, sizeof(name), "worker-%d", id);
	pthread_setname_np(pthread_self(), name);
	park_here(id);
	return NULL;
}

int all_parked(int n)
{
	return n;                       /* @all_parked */
}

int main(void)
{
	pthread_t t[N];

	pthread_barrier_init(&barrier, NULL, N + 1);
	for (long i = 0; i < N; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			return 1;
	pthread_barrier_wait(&barrier);
	printf("all %d parked\n", all_parked(parked));
	fflush(stdout);
	_exit(0);
}
