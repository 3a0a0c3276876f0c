/* tracenet: socket and event-notification calls that succeed, for comparing
 * vmcore's trace of their results with strace's (scripts/tests/
 * test_trace_net.py): msghdr with SCM_RIGHTS and SCM_CREDENTIALS, socket
 * options, UDP with addresses, sendmmsg/recvmmsg, a TCP connection with
 * accept's peer, eventfd, timerfd, signalfd, inotify, pidfds and waitid,
 * epoll_create and epoll_pwait2.  Every call's result is checked; exits 0
 * natively and in the guest, prints what went wrong and exits 1 otherwise.
 * Works in the current directory. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int fails;
#define EXPECT(c)                                                                     \
	do {                                                                          \
		if (!(c)) {                                                           \
			printf("FAIL %s (line %d, errno %d)\n", #c, __LINE__, errno); \
			fails++;                                                      \
		}                                                                     \
	} while (0)

/* socketpair: options, a message with a descriptor and credentials */
static void unix_msgs(void)
{
	int sv[2];
	EXPECT(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	int one = 1, v = -1;
	socklen_t len = sizeof(v);
	EXPECT(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0);
	EXPECT(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &len) == 0 && v == 1 && len == 4);
	len = sizeof(v);
	EXPECT(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_DGRAM);
	struct linger lg = { 1, 5 }, lg2;
	EXPECT(setsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
	len = sizeof(lg2);
	EXPECT(getsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg2, &len) == 0 && lg2.l_onoff && lg2.l_linger == 5);
	struct timeval tv = { 2, 500000 };
	EXPECT(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	struct ucred cr;
	len = sizeof(cr);
	EXPECT(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 && cr.pid == getpid());
	EXPECT(getsockopt(sv[0], SOL_SOCKET, 12345, &v, &len) < 0 && errno == ENOPROTOOPT);
	EXPECT(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, NULL, 4) < 0 && errno == EFAULT);

	char data[] = "hello, world";
	struct iovec iov[2] = { { data, 5 }, { data + 5, 7 } };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	int passed = 1;
	memcpy(CMSG_DATA(c), &passed, sizeof(int));
	EXPECT(sendmsg(sv[0], &mh, MSG_NOSIGNAL) == 12);

	char in[32];
	struct iovec riov = { in, sizeof(in) };
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} rctl;
	struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rctl.buf, .msg_controllen = sizeof(rctl.buf) };
	EXPECT(recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC) == 12 && memcmp(in, data, 12) == 0);
	int got = -1;
	for (c = CMSG_FIRSTHDR(&rm); c; c = CMSG_NXTHDR(&rm, c))
		if (c->cmsg_type == SCM_RIGHTS)
			memcpy(&got, CMSG_DATA(c), sizeof(int));
	EXPECT(got >= 0 && fcntl(got, F_GETFD) == FD_CLOEXEC);
	close(got);
	/* nothing queued: the msghdr is not shown after a failure */
	EXPECT(recvmsg(sv[1], &rm, MSG_DONTWAIT) < 0 && errno == EAGAIN);
	EXPECT(sendmsg(sv[0], NULL, 0) < 0 && errno == EFAULT);
	close(sv[0]);
	close(sv[1]);
}

/* UDP on loopback: addresses both ways, batches of datagrams */
static void udp(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	EXPECT(a >= 0 && b >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	EXPECT(bind(a, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	EXPECT(getsockname(a, (struct sockaddr *)&sa, &len) == 0);
	int one = 1;
	EXPECT(setsockopt(b, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) == 0);
	EXPECT(sendto(b, "ping", 4, 0, (struct sockaddr *)&sa, sizeof(sa)) == 4);
	char buf[16];
	struct sockaddr_in from;
	len = sizeof(from);
	EXPECT(recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) == 4);
	/* ancillary data of the IP level, and a name longer than the address */
	EXPECT(setsockopt(a, SOL_IP, IP_PKTINFO, &one, sizeof(one)) == 0);
	EXPECT(setsockopt(a, SOL_IP, IP_RECVTTL, &one, sizeof(one)) == 0);
	EXPECT(sendto(b, "pong", 4, 0, (struct sockaddr *)&sa, sizeof(sa)) == 4);
	struct sockaddr_storage ss;
	struct iovec iov1 = { buf, sizeof(buf) };
	union {
		char c[128];
		struct cmsghdr align;
	} ctl;
	struct msghdr m = { .msg_name = &ss, .msg_namelen = sizeof(ss), .msg_iov = &iov1, .msg_iovlen = 1,
			    .msg_control = ctl.c, .msg_controllen = sizeof(ctl.c) };
	EXPECT(recvmsg(a, &m, 0) == 4 && m.msg_namelen == sizeof(struct sockaddr_in));
	EXPECT(setsockopt(a, SOL_IP, IP_PKTINFO, &(int){ 0 }, sizeof(int)) == 0);
	EXPECT(setsockopt(a, SOL_IP, IP_RECVTTL, &(int){ 0 }, sizeof(int)) == 0);
	EXPECT(connect(b, (struct sockaddr *)&sa, sizeof(sa)) == 0);

	struct iovec iov[2] = { { "one", 3 }, { "three", 5 } };
	struct mmsghdr mm[2] = { { .msg_hdr = { .msg_iov = &iov[0], .msg_iovlen = 1 } },
				 { .msg_hdr = { .msg_iov = &iov[1], .msg_iovlen = 1 } } };
	EXPECT(sendmmsg(b, mm, 2, 0) == 2 && mm[0].msg_len == 3 && mm[1].msg_len == 5);
	char r0[8], r1[8];
	struct iovec riov[2] = { { r0, sizeof(r0) }, { r1, sizeof(r1) } };
	struct sockaddr_in n0, n1;
	struct mmsghdr rmm[2] = {
		{ .msg_hdr = { .msg_name = &n0, .msg_namelen = sizeof(n0), .msg_iov = &riov[0], .msg_iovlen = 1 } },
		{ .msg_hdr = { .msg_name = &n1, .msg_namelen = sizeof(n1), .msg_iov = &riov[1], .msg_iovlen = 1 } }
	};
	EXPECT(recvmmsg(a, rmm, 2, MSG_DONTWAIT, NULL) == 2 && rmm[1].msg_len == 5);
	struct timespec ts = { 0, 0 };
	EXPECT(recvmmsg(a, rmm, 2, MSG_DONTWAIT, &ts) < 0 && errno == EAGAIN);
	close(a);
	close(b);
}

/* TCP on loopback: accept shows the peer, getpeername, TCP options */
static void tcp(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT(l >= 0 && c >= 0);
	int one = 1;
	EXPECT(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	EXPECT(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	EXPECT(listen(l, 4) == 0);
	EXPECT(getsockname(l, (struct sockaddr *)&sa, &len) == 0);
	EXPECT(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
	EXPECT(connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	struct sockaddr_in peer;
	len = sizeof(peer);
	int s = accept(l, (struct sockaddr *)&peer, &len);
	EXPECT(s >= 0);
	len = sizeof(peer);
	EXPECT(getpeername(c, (struct sockaddr *)&peer, &len) == 0);
	int v = 0;
	len = sizeof(v);
	EXPECT(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 1);
	len = sizeof(v);
	EXPECT(getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == 0);
	EXPECT(send(c, "GET", 3, MSG_MORE) == 3);
	EXPECT(shutdown(c, SHUT_WR) == 0);
	char buf[8];
	EXPECT(recv(s, buf, sizeof(buf), MSG_WAITALL) == 3);
	close(s);
	close(c);
	close(l);
}

static void events(void)
{
	int e = eventfd(3, EFD_CLOEXEC | EFD_NONBLOCK);
	EXPECT(e >= 0);
	eventfd_t ev;
	EXPECT(eventfd_read(e, &ev) == 0 && ev == 3);
	close(e);

	int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	EXPECT(t >= 0);
	struct itimerspec its = { .it_interval = { 1, 500 }, .it_value = { 100, 0 } }, old;
	EXPECT(timerfd_settime(t, 0, &its, NULL) == 0);
	its.it_value.tv_sec = 0; /* disarm, and read what was set */
	its.it_interval.tv_sec = 0;
	its.it_interval.tv_nsec = 0;
	EXPECT(timerfd_settime(t, 0, &its, &old) == 0 && old.it_interval.tv_sec == 1);
	EXPECT(timerfd_gettime(t, &old) == 0 && old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0);
	EXPECT(timerfd_settime(t, 4, &its, NULL) < 0 && errno == EINVAL);
	close(t);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	int sf = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	EXPECT(sf >= 0);
	close(sf);

	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	EXPECT(in >= 0);
	/* a directory of its own: strace's output in "." would fire a watch there */
	EXPECT(mkdir("tracenet.d", 0755) == 0 || errno == EEXIST);
	int wd = inotify_add_watch(in, "tracenet.d", IN_CREATE | IN_DELETE | IN_MODIFY | IN_ONESHOT);
	EXPECT(wd >= 0);
	EXPECT(inotify_rm_watch(in, wd) == 0);
	EXPECT(rmdir("tracenet.d") == 0);
	EXPECT(inotify_add_watch(in, "no such dir", IN_ALL_EVENTS) < 0 && errno == ENOENT);
	close(in);

	int ep = epoll_create(8);
	EXPECT(ep >= 0);
	int p[2];
	EXPECT(pipe2(p, O_CLOEXEC) == 0);
	struct epoll_event eev = { .events = EPOLLIN, .data.fd = p[0] };
	EXPECT(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &eev) == 0);
	EXPECT(write(p[1], "x", 1) == 1);
	struct epoll_event got[2];
	struct timespec zero = { 0, 0 };
	EXPECT(syscall(SYS_epoll_pwait2, ep, got, 2, &zero, NULL, 8) == 1);
	close(ep);
	close(p[0]);
	close(p[1]);
}

static void pidfds(void)
{
	int go[2];
	EXPECT(pipe(go) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(go[1]);
		read(go[0], &c, 1); /* until killed */
		_exit(3);
	}
	close(go[0]);
	int pfd = syscall(SYS_pidfd_open, pid, 0);
	EXPECT(pfd >= 0);
	int fd = syscall(SYS_pidfd_getfd, pfd, 1, 0);
	EXPECT(fd >= 0);
	close(fd);
	EXPECT(syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) == 0);
	siginfo_t si;
	memset(&si, 0, sizeof(si)); /* waitid fills in neither si_utime nor si_stime */
	EXPECT(waitid(P_PIDFD, pfd, &si, WEXITED) == 0 && si.si_code == CLD_KILLED && si.si_status == SIGKILL);
	EXPECT(syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) < 0 && errno == ESRCH);
	close(pfd);
	close(go[1]);
}

int main(void)
{
	unix_msgs();
	udp();
	tcp();
	events();
	pidfds();
	if (fails)
		printf("%d failed\n", fails);
	return fails ? 1 : 0;
}
