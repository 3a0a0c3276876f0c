/* tracestructs: system calls whose arguments are structs, for comparing
 * vmcore's trace with strace's (scripts/tests/test_trace.py): sockets and
 * their addresses, terminal ioctls on fd 0 (run it with a terminal there)
 * and on a pipe, clone3 from pthread_create and as a fork, epoll.  Most
 * calls here fail on purpose (bad descriptors, families nobody has): their
 * arguments are decoded all the same.  tracenet.c has the socket and event
 * calls that succeed.
 * Exits 0 natively and in the guest; prints what went wrong and exits 1
 * otherwise.  Works in the current directory. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int fails;
#define EXPECT(c)                                                             \
	do {                                                                  \
		if (!(c)) {                                                   \
			printf("FAIL %s (line %d, errno %d)\n", #c, __LINE__, errno); \
			fails++;                                              \
		}                                                             \
	} while (0)
/* a call the guest kernel may not implement yet */
/* a call not implemented, or given the -1 of a socket() without its family */
#define OK_OR_ENOSYS(r) EXPECT((r) >= 0 || errno == ENOSYS || errno == EBADF)
/* socket()/socketpair() of a kernel without the family */
#define OK_OR_NOFAMILY(r) EXPECT((r) >= 0 || errno == EAFNOSUPPORT)
#define FAILS(r) EXPECT((r) < 0)

static void *thread_fn(void *arg)
{
	return arg;
}

/* fd 0 is a terminal: set known modes, read them back, restore them */
static void terminal(void)
{
	struct termios orig, t, now;
	if (ioctl(0, TCGETS, &orig) < 0) {
		printf("fd 0 is not a terminal: terminal ioctls skipped\n");
		return;
	}
	t = orig;
	t.c_iflag = ICRNL | IXON;
	t.c_oflag = OPOST | ONLCR;
	t.c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t.c_lflag = ISIG | ICANON | IEXTEN | ECHOCTL;
	EXPECT(ioctl(0, TCSETS, &t) == 0);
	EXPECT(ioctl(0, TCGETS, &now) == 0);
	EXPECT(now.c_iflag == t.c_iflag && now.c_oflag == t.c_oflag && now.c_cflag == t.c_cflag &&
	       now.c_lflag == t.c_lflag);
	EXPECT(ioctl(0, TCSETSW, &orig) == 0);
	struct winsize ws;
	EXPECT(ioctl(0, TIOCGWINSZ, &ws) == 0);
	EXPECT(ioctl(0, TIOCSWINSZ, &ws) == 0);
	int pgrp;
	/* not our controlling terminal (yet) */
	EXPECT(ioctl(0, TIOCGPGRP, &pgrp) < 0 && errno == ENOTTY);
	/* a session of our own, with fd 0 as its terminal (natively setsid
	 * succeeds; the guest's init leads its session already) */
	setsid();
	EXPECT(getsid(0) == getpid());
	EXPECT(ioctl(0, TIOCSCTTY, 0) == 0);
	EXPECT(ioctl(0, TIOCGPGRP, &pgrp) == 0 && pgrp == getpgrp());
	EXPECT(ioctl(0, TIOCSPGRP, &pgrp) == 0);
}

static void not_a_terminal(int fd)
{
	struct termios t;
	struct winsize ws;
	EXPECT(ioctl(fd, TCGETS, &t) < 0 && errno == ENOTTY);
	EXPECT(ioctl(fd, TIOCGWINSZ, &ws) < 0 && errno == ENOTTY);
}

static void sockets(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	OK_OR_NOFAMILY(s);
	struct sockaddr_un un = { .sun_family = AF_UNIX, .sun_path = "tracestructs.sock" };
	socklen_t unlen = offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path) + 1;
	unlink(un.sun_path);
	FAILS(connect(s, (struct sockaddr *)&un, unlen)); /* nobody listens there */
	OK_OR_ENOSYS(bind(s, (struct sockaddr *)&un, unlen));
	struct sockaddr_un got;
	socklen_t len = sizeof(got);
	OK_OR_ENOSYS(getsockname(s, (struct sockaddr *)&got, &len));
	unlink(un.sun_path);
	/* an abstract name: a NUL first, the rest counted by the length */
	struct sockaddr_un abstract = { .sun_family = AF_UNIX, .sun_path = "\0tracestructs" };
	FAILS(connect(s, (struct sockaddr *)&abstract, offsetof(struct sockaddr_un, sun_path) + 13));
	FAILS(accept4(s, NULL, NULL, SOCK_CLOEXEC)); /* not listening */

	int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP);
	OK_OR_NOFAMILY(u);
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(80) };
	in.sin_addr.s_addr = inet_addr("127.0.0.1");
	OK_OR_ENOSYS(connect(u, (struct sockaddr *)&in, sizeof(in)));
	OK_OR_ENOSYS(sendto(u, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&in, sizeof(in)));
	EXPECT(sendto(-1, "y", 1, 0, NULL, 0) < 0);

	/* IPv6 may be off on the host: only the decoding matters */
	int s6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(443), .sin6_flowinfo = htonl(5) };
	EXPECT(inet_pton(AF_INET6, "::1", &in6.sin6_addr) == 1);
	connect(s6, (struct sockaddr *)&in6, sizeof(in6));

	/* a family nobody knows, and one decoded by its fields */
	struct sockaddr_storage ss = { .ss_family = 12345 };
	memcpy((char *)&ss + 2, "abc\1", 4);
	FAILS(connect(u, (struct sockaddr *)&ss, 8));
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK, .nl_pid = 1234, .nl_groups = 5 };
	FAILS(bind(-1, (struct sockaddr *)&nl, sizeof(nl)));

	int sv[2];
	OK_OR_NOFAMILY(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	FAILS(shutdown(-1, SHUT_RDWR));
	FAILS(listen(-1, 5));
}

static void clones(void)
{
	pthread_attr_t attr;
	pthread_t th;
	EXPECT(pthread_attr_init(&attr) == 0);
	EXPECT(pthread_attr_setstacksize(&attr, 256 * 1024) == 0);
	EXPECT(pthread_create(&th, &attr, thread_fn, NULL) == 0);
	EXPECT(pthread_join(th, NULL) == 0);
	pthread_attr_destroy(&attr);

	/* clone3 as fork */
	struct clone_args ca = { .exit_signal = SIGCHLD };
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(0);
	int status;
	EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* the kernel writes the child's pid back: shown after the call */
	pid_t ptid = 0;
	struct clone_args cb = { .flags = CLONE_PARENT_SETTID, .parent_tid = (uintptr_t)&ptid,
				 .exit_signal = SIGCHLD };
	pid = syscall(SYS_clone3, &cb, sizeof(cb));
	if (pid == 0)
		_exit(0);
	EXPECT(pid > 0 && ptid == pid);
	EXPECT(waitpid(pid, &status, 0) == pid);

	EXPECT(syscall(SYS_clone3, NULL, sizeof(ca)) < 0 && errno == EFAULT);
	EXPECT(syscall(SYS_clone3, &ca, 10) < 0 && errno == EINVAL);
}

static void epolls(void)
{
	int p[2];
	EXPECT(pipe(p) == 0);
	/* fixed descriptor numbers, whatever the sockets took */
	EXPECT(dup2(p[0], 10) == 10 && dup2(p[1], 11) == 11);
	close(p[0]);
	close(p[1]);
	not_a_terminal(10);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	OK_OR_ENOSYS(ep);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u64 = 0x100000000ULL | 10 };
	OK_OR_ENOSYS(epoll_ctl(ep, EPOLL_CTL_ADD, 10, &ev));
	ev.events = EPOLLOUT;
	ev.data.u64 = 11;
	OK_OR_ENOSYS(epoll_ctl(ep, EPOLL_CTL_ADD, 11, &ev));
	ev.events = EPOLLOUT | EPOLLRDHUP;
	OK_OR_ENOSYS(epoll_ctl(ep, EPOLL_CTL_MOD, 11, &ev));
	OK_OR_ENOSYS(epoll_ctl(ep, EPOLL_CTL_DEL, 11, NULL));
	ev.events = EPOLLOUT;
	OK_OR_ENOSYS(epoll_ctl(ep, EPOLL_CTL_ADD, 11, &ev));
	EXPECT(write(11, "x", 1) == 1);
	struct epoll_event evs[4];
	int n = epoll_wait(ep, evs, 4, 0);
	EXPECT(n == 2 || (n < 0 && errno == ENOSYS));
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	n = epoll_pwait(ep, evs, 4, 0, &set);
	EXPECT(n == 1 || (n < 0 && errno == ENOSYS));
	FAILS(epoll_wait(-1, evs, 4, 0));
}

int main(void)
{
	terminal();
	sockets();
	clones();
	epolls();
	if (fails)
		printf("%d failed\n", fails);
	return fails ? 1 : 0;
}
