/* pidfd: process file descriptors as Linux has them (pidfd_open,
 * pidfd_send_signal, pidfd_getfd, poll, waitid(P_PIDFD)). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define PIDFD_NONBLOCK O_NONBLOCK

static int fails;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		fails++;
}

static int err_is(long r, int e)
{
	return r < 0 && errno == e;
}

static int pidfd_open(pid_t pid, unsigned flags)
{
	return syscall(SYS_pidfd_open, pid, flags);
}

static int pidfd_send_signal(int fd, int sig, siginfo_t *si, unsigned flags)
{
	return syscall(SYS_pidfd_send_signal, fd, sig, si, flags);
}

static volatile pid_t thread_tid;

static void *thread_fn(void *arg)
{
	(void)arg;
	thread_tid = syscall(SYS_gettid);
	pause();
	return NULL;
}

/* a child that waits for its pipe to close, then exits with CODE */
static pid_t child(int *wfd, int code)
{
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		char b;
		close(p[1]);
		read(p[0], &b, 1);
		_exit(code);
	}
	close(p[0]);
	*wfd = p[1];
	return c;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int w;
	pid_t c = child(&w, 5);
	int fd = pidfd_open(c, 0);
	check(fd >= 0, "pidfd_open of a child");
	check(fcntl(fd, F_GETFD) == FD_CLOEXEC, "close-on-exec");
	struct pollfd p = { fd, POLLIN, 0 };
	check(poll(&p, 1, 0) == 0, "not readable while it runs");
	check(pidfd_send_signal(fd, 0, NULL, 0) == 0, "signal 0 probes it");
	check(err_is(pidfd_send_signal(fd, 0, NULL, 0x100), EINVAL), "unknown flags: EINVAL");
	check(err_is(pidfd_send_signal(fd, 0, NULL, 3), EINVAL), "two scope flags: EINVAL");
	check(pidfd_send_signal(fd, 0, NULL, 1) == 0, "PIDFD_SIGNAL_THREAD");
	check(err_is(pidfd_send_signal(fd, 0, NULL, 4), ESRCH),
	      "PIDFD_SIGNAL_PROCESS_GROUP: no group has its id: ESRCH");
	int nb = pidfd_open(c, PIDFD_NONBLOCK);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	check(err_is(waitid(P_PIDFD, nb, &si, WEXITED), EAGAIN), "PIDFD_NONBLOCK: waitid EAGAIN");
	close(nb);
	close(w);
	check(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "readable once it exited");
	memset(&si, 0, sizeof(si));
	check(waitid(P_PIDFD, fd, &si, WEXITED) == 0 && si.si_pid == c && si.si_code == CLD_EXITED &&
		      si.si_status == 5, "waitid(P_PIDFD) reaps it");
	check(err_is(pidfd_send_signal(fd, SIGTERM, NULL, 0), ESRCH), "signal after the end: ESRCH");
	check(poll(&p, 1, 0) == 1, "still readable after the reap");
	close(fd);

	c = child(&w, 0);
	fd = pidfd_open(c, 0);
	check(pidfd_send_signal(fd, SIGTERM, NULL, 0) == 0, "pidfd_send_signal SIGTERM");
	memset(&si, 0, sizeof(si));
	check(waitid(P_PIDFD, fd, &si, WEXITED) == 0 && si.si_code == CLD_KILLED &&
		      si.si_status == SIGTERM, "it was killed by it");
	close(w);
	close(fd);

	c = child(&w, 0);
	fd = pidfd_open(c, 0);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_USER;
	check(err_is(pidfd_send_signal(fd, SIGUSR1, &si, 0), EPERM), "a si_code >= 0 to another: EPERM");
	si.si_signo = SIGUSR2;
	check(err_is(pidfd_send_signal(fd, SIGUSR1, &si, 0), EINVAL), "si_signo differing: EINVAL");
	/* pidfd_getfd: the child's end of its pipe... it has w's reader, fd 3 or so */
	int self = pidfd_open(getpid(), 0);
	int dup = syscall(SYS_pidfd_getfd, self, w, 0);
	check(dup >= 0 && fcntl(dup, F_GETFD) == FD_CLOEXEC, "pidfd_getfd of our own fd, close-on-exec");
	check(err_is(syscall(SYS_pidfd_getfd, self, 999, 0), EBADF), "pidfd_getfd of no fd: EBADF");
	check(err_is(syscall(SYS_pidfd_getfd, self, w, 1), EINVAL), "pidfd_getfd flags: EINVAL");
	close(dup);
	close(self);
	close(w);
	waitpid(c, NULL, 0);
	close(fd);

	check(err_is(pidfd_open(999999, 0), ESRCH), "no such process: ESRCH");
	check(err_is(pidfd_open(getpid(), 1), EINVAL), "unknown flags: EINVAL");
	check(err_is(pidfd_open(0, 0), EINVAL), "pid 0: EINVAL");
	pthread_t th;
	pthread_create(&th, NULL, thread_fn, NULL);
	while (!thread_tid)
		sched_yield();
	check(err_is(pidfd_open(thread_tid, 0), ENOENT), "a thread that is not a leader: ENOENT");
	int pp[2];
	pipe(pp);
	check(err_is(pidfd_send_signal(pp[0], 0, NULL, 0), EBADF), "not a pidfd: EBADF");
	check(err_is(waitid(P_PIDFD, pp[0], &si, WEXITED), EBADF), "waitid on not a pidfd: EBADF");
	return fails != 0;
}
