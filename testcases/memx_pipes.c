/* Many pipes, each filled: TOTAL pipes made by processes of up to PER
 * pipes each (fewer when the hard fd limit is lower: each process raises
 * its soft limit to what it needs, and more processes are used), all held
 * at once.  Pipe buffers are guest memory: past what mem= gives, pipe() or
 * write() fails with the errno Linux gives (ENFILE, EMFILE, ENOMEM), and
 * the host's memory stays bounded.
 * argv: TOTAL PER [BYTES to write into each, default 65536]. */
#include "memx.h"
#define MIN_RL(a, b) ((a) < (b) ? (a) : (b))
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/wait.h>

struct report {
	long pipes, bytes;
	int pipe_err, write_err;
	long first_size, last_size;
};

/* Reports go through shared memory charged before the pipes fill memory
 * (a pipe write may find none left); a child says it is done by stopping. */
static void child(int per, long bytes, struct report *out)
{
	struct report r = { 0 };
	struct rlimit rl;
	static char buf[65536];
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)(2 * per + 16)) {
		rl.rlim_cur = MIN_RL(rl.rlim_max, (rlim_t)(2 * per + 16));
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(buf, 'p', sizeof(buf));
	for (int i = 0; i < per; i++) {
		int fds[2];
		if (pipe2(fds, O_NONBLOCK) < 0) {
			r.pipe_err = errno;
			break;
		}
		r.pipes++;
		long size = fcntl(fds[1], F_GETPIPE_SZ);
		if (i == 0)
			r.first_size = size;
		r.last_size = size;
		for (long done = 0; done < bytes;) {
			ssize_t n = write(fds[1], buf, MIN_RL(sizeof(buf), (size_t)(bytes - done)));
			if (n < 0) {
				if (errno != EAGAIN && !r.write_err)
					r.write_err = errno;
				break;
			}
			done += n;
			r.bytes += n;
		}
	}
	*out = r;
	for (;;)
		raise(SIGSTOP); /* hold everything until the parent kills us */
}

int main(int argc, char **argv)
{
	int total = argc > 1 ? atoi(argv[1]) : 20000, per = argc > 2 ? atoi(argv[2]) : 1000;
	long bytes = argc > 3 ? atol(argv[3]) : 65536;
	struct rlimit hard;
	if (getrlimit(RLIMIT_NOFILE, &hard) == 0 && hard.rlim_max < (rlim_t)(2 * per + 16))
		per = (hard.rlim_max - 16) / 2;
	int nproc = (total + per - 1) / per;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("MEMX_NOBODY")) {
		/* natively: an unprivileged user, as the pipe limits are for */
		struct rlimit rl = { 4096, 4096 };
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			return 1;
	}
	struct report *reps = mmap(NULL, 256 * sizeof(*reps), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (reps == MAP_FAILED)
		return 1;
	memset(reps, 0, 256 * sizeof(*reps));
	pid_t pids[256];
	struct report all = { 0 };
	int errs[8] = { 0 }, werrs[8] = { 0 }, ne = 0, nw = 0;
	long min_size = 1L << 30, max_size = 0;
	for (int i = 0; i < nproc && i < 256; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			child(MIN_RL(per, total - i * per), bytes, &reps[i]);
		int st = 0;
		if (pids[i] < 0 || waitpid(pids[i], &st, WUNTRACED) != pids[i] || !WIFSTOPPED(st)) {
			printf("child %d: no report (%s, status %#x)\n", i,
			       pids[i] < 0 ? strerrorname_np(errno) : "ran", st);
			nproc = i;
			break;
		}
		struct report r = reps[i];
		all.pipes += r.pipes;
		all.bytes += r.bytes;
		if (r.pipes) {
			min_size = MIN_RL(min_size, MIN_RL(r.first_size, r.last_size));
			max_size = r.first_size > max_size ? r.first_size : max_size;
		}
		if (r.pipe_err && ne < 8) {
			int seen = 0;
			for (int k = 0; k < ne; k++)
				seen |= errs[k] == r.pipe_err;
			if (!seen)
				errs[ne++] = r.pipe_err;
		}
		if (r.write_err && nw < 8) {
			int seen = 0;
			for (int k = 0; k < nw; k++)
				seen |= werrs[k] == r.write_err;
			if (!seen)
				werrs[nw++] = r.write_err;
		}
	}
	printf("pipes %ld bytes %ld sizes %ld..%ld\n", all.pipes, all.bytes, min_size, max_size);
	for (int k = 0; k < ne; k++)
		printf("pipe error %s\n", strerrorname_np(errs[k]));
	for (int k = 0; k < nw; k++)
		printf("write error %s\n", strerrorname_np(werrs[k]));
	memx_wait();
	int bad = 0, st;
	for (int i = 0; i < nproc; i++)
		kill(pids[i], SIGKILL);
	while (wait(&st) > 0)
		bad += !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL;
	printf("children gone, %d oddly\n", bad);
	return 0;
}
