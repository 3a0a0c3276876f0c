/* long_pipes: WORKERS processes (default 8) each do ITERS rounds (default
 * 300) of pipe + fork: the child writes a line to the pipe and exits, the
 * parent closes its write end, reads to end of file and reaps the child.
 * With "threads" every worker runs two threads doing the same at once, so
 * that one thread forks while the other sits in read() on its own pipe
 * (the child then holds a copy of the other thread's write end, until it
 * exits).  Every read must end: a lost reference to a pipe's write end
 * shows as a worker that never finishes.  Prints one summary line.
 *   long_pipes [fork|threads] [WORKERS] [ITERS] */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int iters = 300;

/* One round; 0 when the child's line came through and it exited 0. */
static int round_once(int i)
{
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t c = fork();
	if (c < 0)
		return 2;
	if (c == 0) {
		close(p[0]);
		char line[32];
		int n = snprintf(line, sizeof(line), "round %d\n", i);
		_exit(write(p[1], line, n) == n ? 0 : 3);
	}
	close(p[1]);
	char buf[64];
	size_t got = 0;
	for (;;) {
		ssize_t r = read(p[0], buf + got, sizeof(buf) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	close(p[0]);
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
		return 4;
	char want[32];
	int n = snprintf(want, sizeof(want), "round %d\n", i);
	return got == (size_t)n && !memcmp(buf, want, n) ? 0 : 5;
}

static void *loop(void *arg)
{
	(void)arg;
	long bad = 0;
	for (int i = 0; i < iters; i++) {
		int e = round_once(i);
		if (e) {
			if (!bad)
				fprintf(stderr, "pid %d round %d: failure %d (%s)\n", getpid(), i, e,
					strerror(errno));
			bad++;
		}
	}
	return (void *)bad;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 && !strcmp(argv[1], "threads");
	int workers = argc > 2 ? atoi(argv[2]) : 8;
	if (argc > 3)
		iters = atoi(argv[3]);
	for (int w = 0; w < workers; w++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid)
			continue;
		long bad = 0;
		if (threads) {
			/* a small stack: the runs are made with mem=32M, whose
			 * strict commit would not hold 8 workers' 8 MiB stacks
			 * copied by every fork */
			pthread_t t;
			pthread_attr_t a;
			pthread_attr_init(&a);
			pthread_attr_setstacksize(&a, 256 << 10);
			if (pthread_create(&t, &a, loop, NULL))
				_exit(10);
			bad = (long)loop(NULL);
			void *r;
			pthread_join(t, &r);
			bad += (long)r;
		} else {
			bad = (long)loop(NULL);
		}
		_exit(bad ? 11 : 0);
	}
	int ok = 0, st;
	for (int w = 0; w < workers; w++)
		if (wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	printf("%s: %d of %d workers did %d rounds%s\n", threads ? "threads" : "fork", ok, workers,
	       iters, threads ? " in each of two threads" : "");
	return ok == workers ? 0 : 1;
}
