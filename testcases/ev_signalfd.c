/* ev_signalfd: signalfd and signalfd4 as Linux has them: the mask
 * (SIGKILL/SIGSTOP left out) and its update, flags, EINVAL/EBADF/EFAULT/
 * EAGAIN, the signalfd_siginfo fields of kill, tgkill, sigqueue, a child's
 * exit and a POSIX timer, several records per read, poll readiness woken
 * by another process's signal, a handled signal ending a blocked read. */
#include "ev_common.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static void on_alarm(int s)
{
	(void)s;
}

int main(int argc, char **argv)
{
	ev_setup(&argc, &argv);
	struct signalfd_siginfo si[4];
	sigset_t m, blk;
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR1);
	sigaddset(&blk, SIGUSR2);
	sigaddset(&blk, SIGRTMIN);
	sigaddset(&blk, SIGCHLD);
	sigprocmask(SIG_BLOCK, &blk, NULL);
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGKILL);
	sigaddset(&m, SIGSTOP);
	int fd = signalfd(-1, &m, SFD_NONBLOCK);
	CHECK(fd >= 0);
	CHECK(strcmp(fd_link(fd), "anon_inode:[signalfd]") == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_mode == 0600);
	CHECK((fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) == (O_RDWR | O_NONBLOCK));
	CHECK(!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	int fd2 = signalfd(-1, &m, SFD_CLOEXEC);
	CHECK(fd2 >= 0 && (fcntl(fd2, F_GETFD) & FD_CLOEXEC) && !(fcntl(fd2, F_GETFL) & O_NONBLOCK));
	CHECK(ERR(syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL));
	CHECK(ERR(syscall(SYS_signalfd4, -1, &m, 16, 0), EINVAL));
	CHECK(ERR(syscall(SYS_signalfd4, -1, &m, 8, 0x10), EINVAL));
	CHECK(ERR(syscall(SYS_signalfd4, -1, NULL, 8, 0), EFAULT));
	CHECK(ERR(syscall(SYS_signalfd, 99, &m, 8), EBADF));
	int efd = eventfd(0, 0);
	CHECK(ERR(signalfd(efd, &m, 0), EINVAL));
	close(efd);
	CHECK(ERR(read(fd, si, sizeof(si)), EAGAIN));
	CHECK(ERR(read(fd, si, 127), EINVAL));
	CHECK(revents(fd) == 0);

	/* kill: SI_USER with the sender */
	kill(getpid(), SIGUSR1);
	CHECK(revents(fd) == POLLIN);
	CHECK(read(fd, si, sizeof(si)) == 128);
	CHECK(si[0].ssi_signo == SIGUSR1 && si[0].ssi_code == SI_USER && si[0].ssi_pid == (uint32_t)getpid() &&
	      si[0].ssi_uid == getuid() && si[0].ssi_errno == 0 && si[0].ssi_int == 0 && si[0].ssi_ptr == 0);
	CHECK(revents(fd) == 0);
	/* tgkill: SI_TKILL */
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	CHECK(read(fd, si, 128) == 128 && si[0].ssi_signo == SIGUSR1 && si[0].ssi_code == SI_TKILL &&
	      si[0].ssi_pid == (uint32_t)getpid());

	/* a pending signal outside the mask, then the mask updated */
	kill(getpid(), SIGUSR2);
	CHECK(ERR(read(fd, si, 128), EAGAIN));
	CHECK(revents(fd) == 0);
	sigaddset(&m, SIGUSR2);
	sigaddset(&m, SIGRTMIN);
	CHECK(signalfd(fd, &m, 0) == fd);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK); /* flags of an update change nothing */
	CHECK(revents(fd) == POLLIN);
	CHECK(read(fd, si, 128) == 128 && si[0].ssi_signo == SIGUSR2);

	/* sigqueue: SI_QUEUE with the value; several records in one read */
	union sigval sv;
	sv.sival_int = 42;
	sigqueue(getpid(), SIGRTMIN, sv);
	sv.sival_int = 43;
	sigqueue(getpid(), SIGRTMIN, sv);
	kill(getpid(), SIGUSR1);
	CHECK(read(fd, si, sizeof(si)) == 3 * 128);
	CHECK(si[0].ssi_signo == SIGUSR1);
	CHECK(si[1].ssi_signo == (uint32_t)SIGRTMIN && si[1].ssi_code == SI_QUEUE && si[1].ssi_int == 42 &&
	      si[1].ssi_pid == (uint32_t)getpid());
	CHECK(si[2].ssi_signo == (uint32_t)SIGRTMIN && si[2].ssi_int == 43 && si[2].ssi_ptr == 43);
	CHECK(ERR(read(fd, si, sizeof(si)), EAGAIN));

	/* a child's exit: SIGCHLD's fields, read blocking until it comes */
	sigaddset(&m, SIGCHLD);
	signalfd(fd2, &m, 0);
	pid_t c = fork();
	if (c == 0)
		_exit(7);
	CHECK(read(fd2, si, 128) == 128);
	CHECK(si[0].ssi_signo == SIGCHLD && si[0].ssi_code == CLD_EXITED && si[0].ssi_pid == (uint32_t)c &&
	      si[0].ssi_status == 7 && si[0].ssi_uid == getuid());
	int status;
	CHECK(waitpid(c, &status, 0) == c);

	/* a POSIX timer: SI_TIMER, the timer id, the value */
	timer_t tid;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
	ev.sigev_value.sival_ptr = (void *)0x1234;
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &tid) == 0);
	struct itimerspec its = { { 0, 0 }, { 0, 1000000 } };
	CHECK(timer_settime(tid, 0, &its, NULL) == 0);
	CHECK(read(fd2, si, 128) == 128);
	CHECK(si[0].ssi_signo == SIGUSR2 && si[0].ssi_code == SI_TIMER && si[0].ssi_ptr == 0x1234 &&
	      si[0].ssi_overrun == 0 && si[0].ssi_pid == 0);
	printf("timer id %u\n", si[0].ssi_tid);
	timer_delete(tid);

	/* poll and select woken by another process's signal */
	c = fork();
	if (c == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	struct pollfd p = { fd, POLLIN, 0 };
	CHECK(poll(&p, 1, -1) == 1 && p.revents == POLLIN);
	CHECK(read(fd, si, 128) == 128 && si[0].ssi_signo == SIGUSR1 && si[0].ssi_pid == (uint32_t)c);
	CHECK(read(fd2, si, 128) == 128 && si[0].ssi_signo == SIGCHLD);
	waitpid(c, &status, 0);
	c = fork();
	if (c == 0) {
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(fd, &rs);
	CHECK(select(fd + 1, &rs, NULL, NULL, NULL) == 1 && FD_ISSET(fd, &rs));
	CHECK(read(fd, si, 128) == 128 && si[0].ssi_signo == SIGUSR2);
	waitpid(c, &status, 0);
	while (read(fd2, si, sizeof(si)) < 0 && errno == EINTR)
		;

	/* a handled signal outside the mask ends a blocked read */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval itv = { { 0, 20000 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &itv, NULL);
	CHECK(ERR(read(fd2, si, 128), EINTR));
	memset(&itv, 0, sizeof(itv));
	setitimer(ITIMER_REAL, &itv, NULL);
	close(fd);
	close(fd2);
	printf("%s\n", fails ? "FAILED" : "PASSED");
	return fails != 0;
}
