/* Small kernel services: the big kernel lock, clocks, allocation. */
#include <vmcore/kernel.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t bkl = PTHREAD_MUTEX_INITIALIZER;

void bkl_lock(void)
{
	pthread_mutex_lock(&bkl);
}

void bkl_unlock(void)
{
	pthread_mutex_unlock(&bkl);
}

pthread_mutex_t *bkl_mutex(void)
{
	return &bkl;
}

void bkl_wait(pthread_cond_t *c)
{
	pthread_cond_wait(c, &bkl);
}

void bkl_wait_timeout(pthread_cond_t *c, const struct timespec *abs)
{
	pthread_cond_timedwait(c, &bkl, abs);
}

static u64 mono_base;

u64 ktime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	u64 now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (!mono_base)
		mono_base = now;
	return now - mono_base;
}

void *kzalloc(size_t n)
{
	return calloc(1, n);
}

char *kstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}
