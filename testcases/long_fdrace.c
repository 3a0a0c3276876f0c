/* long_fdrace: a task blocks in read() on a pipe while another task that
 * shares its descriptor table closes that descriptor (or dup2s another
 * file over it).  As on Linux, the sleeping read keeps the file open: a
 * write that follows still has a reader, and the read returns the data.
 * Once the read has returned nothing holds the read end: a write fails
 * with EPIPE.
 * The reader is a process made with clone(CLONE_FILES), so that the closer
 * can wait until it sleeps in the kernel (its /proc/PID/stat state is S);
 * if the close still came first (the read fails with EBADF) the round is
 * run again.  Then threads do the same many times, where a close may come
 * before or after the read starts: both are right, a read that ends
 * without the data after a successful write is not. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

struct reader {
	int fd;
	volatile int tid;
	ssize_t n;
	int err;
	char buf[16];
};

static void *reader(void *arg)
{
	struct reader *r = arg;
	r->tid = syscall(SYS_gettid);
	r->n = read(r->fd, r->buf, sizeof(r->buf));
	r->err = r->n < 0 ? errno : 0;
	return NULL;
}

static char state_of(int pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

static void drop(int fd, int use_dup2)
{
	if (use_dup2) {
		int q[2];
		if (pipe(q) == 0) {
			dup2(q[0], fd);
			close(q[0]);
			close(q[1]);
		}
	} else {
		close(fd);
	}
}

/* The reader a process sharing our table: 1 when its read slept through
 * the close and got the data, 0 when the close came first, -1 if wrong. */
static int round_files(int use_dup2, int *epipe_after)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		char buf[16];
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (n < 0)
			_exit(errno == EBADF ? 2 : 3);
		_exit(n == 5 && !memcmp(buf, "hello", 5) ? 0 : n == 0 ? 5 : 4);
	}
	if (pid < 0)
		return -1;
	char st;
	while ((st = state_of(pid)) != 'S' && st != '?')
		sched_yield();
	drop(p[0], use_dup2);
	ssize_t w = write(p[1], "hello", 5);
	int werr = w < 0 ? errno : 0, status;
	waitpid(pid, &status, 0);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status), res;
	/* first: the read saw a closed descriptor, or the other pipe */
	if ((code == 2 || (use_dup2 && code == 5)) && w < 0 && werr == EPIPE)
		res = 0;
	else if (code == 0 && w == 5)
		res = 1;
	else {
		printf("round: write %zd (%s), reader status %d\n", w, strerror(werr), code);
		res = -1;
	}
	*epipe_after = write(p[1], "x", 1) < 0 && errno == EPIPE;
	close(p[1]);
	if (use_dup2)
		close(p[0]);
	return res;
}

/* The reader a thread: -1 only for a wrong outcome. */
static int round_thread(int use_dup2, int *epipe_after)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	struct reader r = { .fd = p[0] };
	pthread_t th;
	pthread_create(&th, NULL, reader, &r);
	while (!r.tid)
		sched_yield();
	drop(p[0], use_dup2);
	ssize_t w = write(p[1], "hello", 5);
	int werr = w < 0 ? errno : 0;
	pthread_join(th, NULL);
	int res = 0;
	/* Right: the read slept through the close and got the data; or the
	 * close came first (EBADF, or EOF of the other pipe after a dup2) and
	 * the write found no reader; or the read slept, the write went in,
	 * and the read was restarted after the close (a stop signal from
	 * outside, as a loaded machine may send): EBADF, the data unread; or
	 * the dup2 came before the read began, which met the new pipe's EOF,
	 * while the old pipe's reader was not yet gone (Linux puts the last
	 * reference of a closed file late): the write went in (seen natively
	 * once under load).
	 * Wrong: a close that took the file from under a sleeping read, whose
	 * write then found no reader and whose read ended in EOF. */
	if (w == 5 && !(r.n == 5 && !memcmp(r.buf, "hello", 5)) && !(r.n < 0 && r.err == EBADF) &&
	    !(use_dup2 && r.n == 0))
		res = -1;
	if (w < 0 && !(werr == EPIPE && ((r.n < 0 && r.err == EBADF) || (use_dup2 && r.n == 0))))
		res = -1;
	if (res < 0)
		printf("thread round: write %zd (%s), read %zd (%s)\n", w, strerror(werr), r.n,
		       strerror(r.err));
	*epipe_after = write(p[1], "x", 1) < 0 && errno == EPIPE;
	close(p[1]);
	if (use_dup2)
		close(p[0]);
	return res;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	for (int use_dup2 = 0; use_dup2 < 2; use_dup2++) {
		int res = 0, epipe = 0;
		for (int i = 0; i < 50 && res == 0; i++)
			res = round_files(use_dup2, &epipe);
		printf("%s while a read sleeps:\n", use_dup2 ? "dup2 over the descriptor" : "close");
		CHECK(res == 1);
		CHECK(epipe);
	}
	/* many rounds: the reference taken for a read must always be put */
	int bad = 0, epipe;
	for (int i = 0; i < 200; i++)
		if (round_files(i & 1, &epipe) < 0 || !epipe)
			bad++;
	CHECK(bad == 0);
	bad = 0;
	for (int i = 0; i < 500; i++)
		if (round_thread(i & 1, &epipe) < 0 || !epipe)
			bad++;
	CHECK(bad == 0);
	return fails != 0;
}
