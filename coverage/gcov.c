/* gcov in the kernel: each object file's counters (registered by the
 * constructors GCC emits, which reach __gcov_init through the linker's
 * --wrap) are listed here, so that debugfs can serve them as .gcda files
 * while the kernel runs (__gcov_info_to_gcda), reset them, and write them
 * into the build tree at halt or on SIGUSR2, merged with what earlier runs
 * left there (libgcov's own dump). */
#include "coverage.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef CONFIG_GCOV
#include <gcov.h>

#define MAX_OBJS 512
static struct gcov_info *objs[MAX_OBJS];
static char *names[MAX_OBJS];
static int nobjs;
static pthread_mutex_t gcov_lock = PTHREAD_MUTEX_INITIALIZER;

void __real___gcov_init(struct gcov_info *info);
void __wrap___gcov_init(struct gcov_info *info);

static void name_fn(const char *name, void *arg)
{
	*(char **)arg = name ? strdup(name) : NULL;
}

static void skip_dump(const void *d, unsigned n, void *arg)
{
}

static void *alloc_fn(unsigned n, void *arg)
{
	return malloc(n);
}

void __wrap___gcov_init(struct gcov_info *info)
{
	__real___gcov_init(info);
	if (nobjs < MAX_OBJS) {
		char *name = NULL;
		/* the file name comes with the first callback; the data is not
		 * wanted yet */
		__gcov_info_to_gcda(info, name_fn, skip_dump, alloc_fn, &name);
		objs[nobjs] = info;
		names[nobjs++] = name;
	}
}

int gcov_count(void)
{
	return nobjs;
}

const char *gcov_name(int i)
{
	return i >= 0 && i < nobjs && names[i] ? names[i] : "";
}

struct image {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void ignore_name(const char *name, void *arg)
{
}

static void append(const void *d, unsigned n, void *arg)
{
	struct image *im = arg;
	if (im->failed)
		return;
	if (im->len + n > im->cap) {
		size_t nc = im->cap ? im->cap * 2 : 4096;
		while (nc < im->len + n)
			nc *= 2;
		char *nb = realloc(im->buf, nc);
		if (!nb) {
			im->failed = true;
			return;
		}
		im->buf = nb;
		im->cap = nc;
	}
	memcpy(im->buf + im->len, d, n);
	im->len += n;
}

long gcov_snapshot(int i, void **buf)
{
	if (i < 0 || i >= nobjs)
		return -ENOENT;
	struct image im = { 0 };
	pthread_mutex_lock(&gcov_lock);
	__gcov_info_to_gcda(objs[i], ignore_name, append, alloc_fn, &im);
	pthread_mutex_unlock(&gcov_lock);
	if (im.failed) {
		free(im.buf);
		return -ENOMEM;
	}
	*buf = im.buf;
	return im.len;
}

void gcov_reset_all(void)
{
	pthread_mutex_lock(&gcov_lock);
	__gcov_reset();
	pthread_mutex_unlock(&gcov_lock);
}

void gcov_dump_all(void)
{
	pthread_mutex_lock(&gcov_lock);
	__gcov_dump();
	__gcov_reset(); /* counted once: what follows adds to the files */
	pthread_mutex_unlock(&gcov_lock);
}

#else

int gcov_count(void)
{
	return 0;
}

const char *gcov_name(int i)
{
	return "";
}

long gcov_snapshot(int i, void **buf)
{
	return -ENOENT;
}

void gcov_reset_all(void)
{
}

void gcov_dump_all(void)
{
}

#endif

/* SIGUSR2 from the host: a thread of its own writes the data out (libgcov
 * is not for signal handlers). */
static int dump_pipe[2] = { -1, -1 };

static void sigusr2(int sig)
{
	char c = 1;
	if (write(dump_pipe[1], &c, 1) < 0) {
		/* a dump is pending already */
	}
}

static void *dump_thread(void *arg)
{
	char c;
	while (read(dump_pipe[0], &c, 1) > 0)
		gcov_dump_all();
	return NULL;
}

void coverage_init(void)
{
	if (!gcov_count() || pipe2(dump_pipe, O_CLOEXEC) < 0)
		return;
	pthread_t th;
	if (pthread_create(&th, NULL, dump_thread, NULL) == 0) {
		pthread_detach(th);
		signal(SIGUSR2, sigusr2);
	}
}

#ifdef CONFIG_PROFILE
#include <sys/gmon.h>
#endif

void coverage_halt(void)
{
	gcov_dump_all();
	kprofile_write();
#ifdef CONFIG_PROFILE
	_mcleanup(); /* gmon.out, which exit() would write */
#endif
}
