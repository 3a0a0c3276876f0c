/* Edge-triggered epoll on the event files and terminals: each new event
 * (an eventfd write, a timer's expiry, a signal, pty data, a process's
 * exit) is reported once, even while the file stays readable, and never
 * again without a new one.  Each step prints epoll_wait's result, so the
 * run compares with a native one; the CHECKs say what must hold. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int fails;
#define CHECK(c)                                                              \
	do {                                                                  \
		int ok_ = (c);                                                \
		printf("%s %s\n", ok_ ? "ok" : "FAIL", #c);                   \
		if (!ok_)                                                     \
			fails++;                                              \
	} while (0)

static int ep_one(int fd, unsigned events)
{
	int ep = epoll_create1(0);
	struct epoll_event e = { .events = events | EPOLLET, .data.fd = fd };
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0)
		perror("epoll_ctl");
	return ep;
}

/* epoll_wait's count (timeout ms), and the events of the one reported */
static int w(int ep, int ms)
{
	struct epoll_event e = { 0 };
	int n = epoll_wait(ep, &e, 1, ms);
	return n == 1 ? (int)(e.events | 0x10000) : n;
}
#define IN1 (EPOLLIN | 0x10000)
#define OUT1 (EPOLLOUT | 0x10000)

static void eventfd_case(void)
{
	int fd = eventfd(0, EFD_NONBLOCK);
	int ep = ep_one(fd, EPOLLIN);
	uint64_t v = 1;
	CHECK(w(ep, 0) == 0);
	write(fd, &v, 8);
	CHECK(w(ep, 0) == IN1);
	CHECK(w(ep, 0) == 0);
	write(fd, &v, 8);
	CHECK(w(ep, 0) == IN1);
	CHECK(w(ep, 0) == 0);
	read(fd, &v, 8);
	CHECK(w(ep, 0) == 0);
	close(ep);
	/* writers: a read is their event, a write is not */
	ep = ep_one(fd, EPOLLOUT);
	CHECK(w(ep, 0) == OUT1);
	CHECK(w(ep, 0) == 0);
	v = 1;
	write(fd, &v, 8);
	printf("eventfd EPOLLOUT after a write: %x\n", w(ep, 0));
	read(fd, &v, 8);
	printf("eventfd EPOLLOUT after a read: %x\n", w(ep, 0));
	CHECK(w(ep, 0) == 0);
	close(ep);
	close(fd);
}

static void timerfd_case(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	int ep = ep_one(fd, EPOLLIN);
	struct itimerspec its = { .it_value = { 0, 1000000 } };
	CHECK(w(ep, 0) == 0);
	timerfd_settime(fd, 0, &its, NULL);
	CHECK(w(ep, 5000) == IN1);
	CHECK(w(ep, 0) == 0);
	timerfd_settime(fd, 0, &its, NULL); /* another expiry, nothing read */
	CHECK(w(ep, 5000) == IN1);
	CHECK(w(ep, 0) == 0);
	uint64_t ticks;
	CHECK(read(fd, &ticks, 8) == 8 && ticks >= 1);
	CHECK(w(ep, 0) == 0);
	close(ep);
	close(fd);
}

static void signalfd_case(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	int fd = signalfd(-1, &m, SFD_NONBLOCK);
	int ep = ep_one(fd, EPOLLIN);
	CHECK(w(ep, 0) == 0);
	raise(SIGUSR1);
	CHECK(w(ep, 0) == IN1);
	CHECK(w(ep, 0) == 0);
	raise(SIGUSR2); /* still readable: a new signal is a new event */
	CHECK(w(ep, 0) == IN1);
	CHECK(w(ep, 0) == 0);
	raise(SIGUSR1); /* already pending: not queued again */
	printf("signalfd, a pending signal again: %x\n", w(ep, 0));
	struct signalfd_siginfo si[2];
	CHECK(read(fd, si, sizeof(si)) == 2 * (int)sizeof(si[0]));
	CHECK(w(ep, 0) == 0);
	close(ep);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &m, NULL);
}

static void pty_case(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) {
		perror("ptmx");
		fails++;
		return;
	}
	int s = open(ptsname(m), O_RDWR | O_NOCTTY | O_NONBLOCK);
	struct termios t;
	tcgetattr(s, &t);
	cfmakeraw(&t);
	tcsetattr(s, TCSANOW, &t);
	/* the master's readers: the slave's output */
	int ep = ep_one(m, EPOLLIN);
	CHECK(w(ep, 0) == 0);
	write(s, "a", 1);
	CHECK(w(ep, 1000) == IN1);
	CHECK(w(ep, 0) == 0);
	write(s, "b", 1);
	CHECK(w(ep, 1000) == IN1);
	CHECK(w(ep, 0) == 0);
	char buf[16];
	CHECK(read(m, buf, sizeof(buf)) == 2);
	CHECK(w(ep, 0) == 0);
	close(ep);
	/* the slave's readers: the master's input */
	ep = ep_one(s, EPOLLIN);
	CHECK(w(ep, 0) == 0);
	write(m, "x", 1);
	CHECK(w(ep, 1000) == IN1);
	CHECK(w(ep, 0) == 0);
	write(m, "y", 1);
	CHECK(w(ep, 1000) == IN1);
	CHECK(w(ep, 0) == 0);
	CHECK(read(s, buf, sizeof(buf)) == 2);
	CHECK(w(ep, 0) == 0);
	close(ep);
	close(s);
	close(m);
}

static void pidfd_case(void)
{
	int p[2];
	if (pipe(p) < 0)
		return;
	pid_t c = fork();
	if (c == 0) {
		char x;
		close(p[1]);
		read(p[0], &x, 1);
		_exit(3);
	}
	close(p[0]);
	int fd = syscall(SYS_pidfd_open, c, 0);
	int ep = ep_one(fd, EPOLLIN);
	CHECK(w(ep, 0) == 0);
	close(p[1]); /* the child's read ends: it exits */
	CHECK(w(ep, 5000) == IN1);
	CHECK(w(ep, 0) == 0);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 3);
	printf("pidfd after the reap: %x\n", w(ep, 0)); /* Linux 6.9+: POLLHUP rises */
	CHECK(w(ep, 0) == 0);
	close(ep);
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getpid() == 1) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
		mkdir("/dev", 0755);
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
		mkdir("/dev/pts", 0755);
		mount("devpts", "/dev/pts", "devpts", 0, NULL);
	}
	printf("eventfd:\n");
	eventfd_case();
	printf("timerfd:\n");
	timerfd_case();
	printf("signalfd:\n");
	signalfd_case();
	printf("pty:\n");
	pty_case();
	printf("pidfd:\n");
	pidfd_case();
	printf("done, %d failures\n", fails);
	return fails != 0;
}
