/* threads8: eight threads with mutexes, condition variables and TLS; then
 * threads that exit while others block in futex waits (joins, a condition
 * variable), all joined. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include "check.h"

#define N 8
static __thread long tls_counter;
static __thread int tls_id = -1;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long total;
static int go, done;

static void *worker(void *arg)
{
	tls_id = (int)(long)arg;
	pthread_mutex_lock(&m);
	while (!go)
		pthread_cond_wait(&cv, &m);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < 20000; i++) {
		tls_counter++;
		pthread_mutex_lock(&m);
		total++;
		pthread_mutex_unlock(&m);
	}
	return (void *)(tls_counter == 20000 && tls_id == (int)(long)arg ? 1L : 0L);
}

static void *blocker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	while (!done)
		pthread_cond_wait(&cv, &m);
	pthread_mutex_unlock(&m);
	return NULL;
}

static void *quick(void *arg)
{
	usleep(1000 * (long)arg);
	return arg;
}

int main(void)
{
	pthread_t t[N];
	for (long i = 0; i < N; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	usleep(20000);
	pthread_mutex_lock(&m);
	go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
	int ok = 1;
	for (int i = 0; i < N; i++) {
		void *r;
		pthread_join(t[i], &r);
		ok &= r == (void *)1L;
	}
	CHECK(ok && total == N * 20000L && tls_counter == 0);
	/* blockers wait on a condition variable while quick threads come and go */
	pthread_t b[4], q[16];
	for (int i = 0; i < 4; i++)
		pthread_create(&b[i], NULL, blocker, NULL);
	for (long i = 0; i < 16; i++)
		pthread_create(&q[i], NULL, quick, (void *)(i % 5));
	long sum = 0;
	for (int i = 0; i < 16; i++) {
		void *r;
		pthread_join(q[i], &r);
		sum += (long)r;
	}
	pthread_mutex_lock(&m);
	done = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
	for (int i = 0; i < 4; i++)
		pthread_join(b[i], NULL);
	CHECK(sum == 30);
	printf("%d failures\n", fails);
	return fails != 0;
}
