/* socketpair(AF_UNIX): stream, datagram and seqpacket pairs, their data
 * calls, shutdown, poll readiness, options, SCM_RIGHTS and credentials.
 * Prints what each call gives, for comparison with a native run. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static const char *pollbits(int fd)
{
	static char buf[128];
	struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
	poll(&p, 1, 0);
	snprintf(buf, sizeof(buf), "%s%s%s%s%s", p.revents & POLLIN ? "IN " : "", p.revents & POLLOUT ? "OUT " : "",
		 p.revents & POLLHUP ? "HUP " : "", p.revents & POLLRDHUP ? "RDHUP " : "",
		 p.revents & POLLERR ? "ERR " : "");
	return buf;
}

static const char *proc = "/proc";
static int have_proc = 1;
static int sigpipes;
static void on_pipe(int s)
{
	(void)s;
	sigpipes++;
}

static void stream(int type, const char *name)
{
	int sv[2];
	char buf[64];
	printf("== %s\n", name);
	show("socketpair", socketpair(AF_UNIX, type, 0, sv));
	struct stat st;
	fstat(sv[0], &st);
	printf("S_ISSOCK %d mode %o\n", S_ISSOCK(st.st_mode), st.st_mode & 0777);
	char link[64], path[64];
	snprintf(path, sizeof(path), "%s/self/fd/%d", proc, sv[0]);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	/* (a guest run as nobody has no procfs: it cannot mount one) */
	if (have_proc && getuid() == 0) /* checked in the root runs */
		printf("link %.8s ok %d\n", link, n > 8 && link[n - 1] == ']' && (unsigned long)atol(link + 8) == st.st_ino);
	printf("poll0 %s\n", pollbits(sv[0]));
	show("write", write(sv[0], "hello", 5));
	show("write", write(sv[0], "world", 5));
	printf("poll1 %s\n", pollbits(sv[1]));
	int avail = -1;
	ioctl(sv[1], FIONREAD, &avail);
	printf("FIONREAD %d\n", avail);
	n = recv(sv[1], buf, 3, MSG_PEEK);
	printf("peek %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	n = read(sv[1], buf, sizeof(buf));
	printf("read %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	show("recv dontwait", recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
	struct iovec iov[3] = { { "ab", 2 }, { "cd", 2 }, { "efg", 3 } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 3 };
	show("sendmsg", sendmsg(sv[1], &mh, 0));
	char b1[3], b2[10];
	struct iovec riov[2] = { { b1, 3 }, { b2, 10 } };
	struct msghdr rh = { .msg_iov = riov, .msg_iovlen = 2 };
	n = recvmsg(sv[0], &rh, 0);
	printf("recvmsg %zd %.3s %.*s flags %x\n", n, b1, (int)(n > 3 ? n - 3 : 0), b2, rh.msg_flags);
	/* truncation of a message */
	show("send 10", send(sv[0], "0123456789", 10, 0));
	rh.msg_iovlen = 1;
	rh.msg_flags = 0;
	n = recvmsg(sv[1], &rh, 0);
	printf("recv3 %zd flags %s\n", n, rh.msg_flags & MSG_TRUNC ? "TRUNC" : "-");
	n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	printf("rest %zd\n", n);
	if (type != SOCK_STREAM) {
		send(sv[0], "0123456789", 10, 0);
		n = recv(sv[1], buf, 2, MSG_TRUNC);
		printf("MSG_TRUNC recv %zd\n", n);
	}
	/* MSG_WAITALL across two writes from a child */
	if (type == SOCK_STREAM) {
		int go[2];
		pipe(go);
		pid_t p = fork();
		if (p == 0) {
			write(sv[0], "abc", 3);
			char c;
			read(go[0], &c, 1);
			write(sv[0], "def", 3);
			_exit(0);
		}
		/* the parent reads once the first half is there */
		while (ioctl(sv[1], FIONREAD, &avail) == 0 && avail < 3)
			usleep(1000);
		write(go[1], "g", 1);
		n = recv(sv[1], buf, 6, MSG_WAITALL);
		printf("waitall %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
		waitpid(p, NULL, 0);
		close(go[0]);
		close(go[1]);
	}
	/* shutdown */
	show("shutdown WR", shutdown(sv[0], SHUT_WR));
	printf("poll after shut: a %s", pollbits(sv[0]));
	printf("b %s\n", pollbits(sv[1]));
	show("read eof", read(sv[1], buf, sizeof(buf)));
	signal(SIGPIPE, on_pipe);
	sigpipes = 0;
	show("write after SHUT_WR", write(sv[0], "x", 1));
	printf("sigpipes %d\n", sigpipes);
	show("send NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
	printf("sigpipes %d\n", sigpipes);
	show("b writes", write(sv[1], "back", 4));
	n = read(sv[0], buf, sizeof(buf));
	printf("a reads %zd\n", n);
	show("shutdown bad", shutdown(sv[0], 7));
	close(sv[1]);
	printf("poll after close: %s\n", pollbits(sv[0]));
	show("read closed", read(sv[0], buf, sizeof(buf)));
	close(sv[0]);
	signal(SIGPIPE, SIG_DFL);
}

static void dgram(void)
{
	int sv[2];
	char buf[64];
	printf("== dgram\n");
	show("socketpair", socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
	printf("cloexec %d nonblock %d\n", !!(fcntl(sv[0], F_GETFD) & FD_CLOEXEC), !!(fcntl(sv[0], F_GETFL) & O_NONBLOCK));
	show("recv empty", recv(sv[0], buf, sizeof(buf), 0));
	show("send a", send(sv[0], "a", 1, 0));
	show("send bb", send(sv[0], "bb", 2, 0));
	show("send empty", send(sv[0], "", 0, 0));
	show("recv", recv(sv[1], buf, sizeof(buf), 0));
	show("recv", recv(sv[1], buf, sizeof(buf), 0));
	show("recv", recv(sv[1], buf, sizeof(buf), 0));
	show("recv", recv(sv[1], buf, sizeof(buf), 0));
	size_t big = 300000;
	char *p = malloc(big);
	memset(p, 'x', big);
	show("send oversize", send(sv[0], p, big, 0));
	int sent = 0;
	while (send(sv[0], p, 1000, 0) == 1000)
		sent++;
	printf("filled: %s, some %d\n", strerrorname_np(errno), sent > 10);
	printf("poll full %s\n", pollbits(sv[0]));
	int got = 0;
	while (recv(sv[1], buf, sizeof(buf), 0) > 0)
		got++;
	printf("drained same %d\n", got == sent);
	printf("poll drained %s\n", pollbits(sv[0]));
	close(sv[1]);
	show("send to closed", send(sv[0], "a", 1, 0));
	show("send again", send(sv[0], "a", 1, 0));
	close(sv[0]);
	free(p);
}

static void streamfill(void)
{
	int sv[2];
	printf("== stream fill\n");
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	char *p = calloc(1, 1 << 20);
	long total = 0, n;
	while ((n = write(sv[0], p, 4096)) > 0)
		total += n;
	printf("filled %s, between %d\n", strerrorname_np(errno), total > 100000 && total <= 1 << 20);
	printf("poll full %s\n", pollbits(sv[0]));
	long got = 0;
	while ((n = read(sv[1], p, 1 << 20)) > 0)
		got += n;
	printf("read all %d\n", got == total);
	/* a big blocking write read by a child */
	int fl = fcntl(sv[0], F_GETFL);
	fcntl(sv[0], F_SETFL, fl & ~O_NONBLOCK);
	fcntl(sv[1], F_SETFL, fl & ~O_NONBLOCK);
	pid_t c = fork();
	if (c == 0) {
		long r = 0;
		close(sv[0]);
		while ((n = read(sv[1], p, 65536)) > 0)
			r += n;
		_exit(r == 1 << 20 ? 0 : 1);
	}
	close(sv[1]);
	n = write(sv[0], p, 1 << 20);
	close(sv[0]);
	int st;
	waitpid(c, &st, 0);
	printf("big write %ld child %d\n", n, WEXITSTATUS(st));
	free(p);
}

static void on_alarm(int s)
{
	(void)s;
}

static void opts(void)
{
	int sv[2], v;
	socklen_t l = sizeof(v);
	printf("== options\n");
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l);
	printf("type %d\n", v);
	getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &l);
	printf("domain %d\n", v);
	getsockopt(sv[0], SOL_SOCKET, SO_PROTOCOL, &v, &l);
	printf("protocol %d\n", v);
	getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &l);
	printf("acceptconn %d\n", v);
	getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &l);
	printf("error %d\n", v);
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &l);
	printf("sndbuf %d\n", v);
	v = 10000;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &l);
	printf("sndbuf set %d\n", v);
	v = 1;
	show("reuseaddr", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	v = 0;
	getsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, &l);
	printf("reuseaddr %d\n", v);
	show("unknown opt", getsockopt(sv[0], SOL_SOCKET, 9999, &v, &l));
	show("unknown set", setsockopt(sv[0], SOL_SOCKET, 9999, &v, sizeof(v)));
	struct ucred c;
	l = sizeof(c);
	getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &c, &l);
	printf("peercred pid ok %d uid %d gid %d\n", c.pid == getpid(), c.uid, c.gid);
	struct timeval tv = { 0, 50000 };
	show("rcvtimeo", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	char b[4];
	show("recv timeout", recv(sv[0], b, 4, 0));
	l = sizeof(tv);
	getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &l);
	printf("rcvtimeo %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
	/* a signal interrupts a blocking read: EINTR without SA_RESTART */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 30000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	show("recv interrupted", recv(sv[1], b, 4, 0));
	show("getsockopt on pipe", getsockopt(0, SOL_SOCKET, SO_TYPE, &v, &l));
	close(sv[0]);
	close(sv[1]);
	show("socketpair bad family", socketpair(AF_MAX + 5, SOCK_STREAM, 0, sv));
	show("socketpair bad type", socketpair(AF_UNIX, 77, 0, sv));
	show("socketpair bad proto", socketpair(AF_UNIX, SOCK_STREAM, 5, sv));
}

static void rights(void)
{
	int sv[2], pfd[2];
	printf("== rights\n");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(pfd);
	char cbuf[CMSG_SPACE(3 * sizeof(int))];
	memset(cbuf, 0, sizeof(cbuf));
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(3 * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(3 * sizeof(int));
	int fds[3] = { pfd[1], pfd[0], sv[0] };
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	show("sendmsg fds", sendmsg(sv[0], &mh, 0));
	char rb[4];
	char rcbuf[CMSG_SPACE(3 * sizeof(int))];
	struct iovec riov = { rb, 4 };
	struct msghdr rh = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rcbuf, .msg_controllen = sizeof(rcbuf) };
	show("recvmsg fds", recvmsg(sv[1], &rh, MSG_CMSG_CLOEXEC));
	c = CMSG_FIRSTHDR(&rh);
	printf("cmsg %d %d len %zu flags %x\n", c ? c->cmsg_level : -1, c ? c->cmsg_type : -1,
	       c ? (size_t)c->cmsg_len : 0, rh.msg_flags);
	int got[3];
	memcpy(got, CMSG_DATA(c), sizeof(got));
	printf("cloexec %d\n", !!(fcntl(got[0], F_GETFD) & FD_CLOEXEC));
	write(got[0], "via", 3);
	char pb[8];
	printf("pipe read %zd\n", read(got[1], pb, 8));
	struct stat a, b;
	fstat(got[2], &a);
	fstat(sv[0], &b);
	printf("same socket %d\n", a.st_ino == b.st_ino);
	for (int i = 0; i < 3; i++)
		close(got[i]);
	/* a control buffer with room for one: MSG_CTRUNC, the others closed */
	sendmsg(sv[0], &mh, 0);
	char small[CMSG_SPACE(sizeof(int))];
	rh.msg_control = small;
	rh.msg_controllen = sizeof(small);
	show("recvmsg small", recvmsg(sv[1], &rh, 0));
	printf("flags ctrunc %d controllen %zu\n", !!(rh.msg_flags & MSG_CTRUNC), (size_t)rh.msg_controllen);
	c = CMSG_FIRSTHDR(&rh);
	int one;
	memcpy(&one, CMSG_DATA(c), sizeof(one));
	close(one);
	close(pfd[1]);
	/* the write end closed everywhere: the read end sees EOF */
	printf("eof %zd\n", read(pfd[0], pb, 8));
	fds[0] = pfd[0];
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), fds, sizeof(fds));
	/* no control buffer at all */
	sendmsg(sv[0], &mh, 0);
	rh.msg_control = NULL;
	rh.msg_controllen = 0;
	show("recvmsg none", recvmsg(sv[1], &rh, 0));
	printf("flags ctrunc %d\n", !!(rh.msg_flags & MSG_CTRUNC));
	/* EMFILE: no descriptor left for the receiver */
	sendmsg(sv[0], &mh, 0);
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	int top = dup(0);
	close(top);
	struct rlimit low = { top, rl.rlim_max };
	setrlimit(RLIMIT_NOFILE, &low);
	rh.msg_control = rcbuf;
	rh.msg_controllen = sizeof(rcbuf);
	show("recvmsg emfile", recvmsg(sv[1], &rh, 0));
	printf("flags ctrunc %d controllen %zu\n", !!(rh.msg_flags & MSG_CTRUNC), (size_t)rh.msg_controllen);
	setrlimit(RLIMIT_NOFILE, &rl);
	/* a bad descriptor */
	fds[0] = 999;
	mh.msg_control = cbuf;
	c = CMSG_FIRSTHDR(&mh);
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	show("sendmsg ebadf", sendmsg(sv[0], &mh, 0));
	/* credentials */
	int on = 1;
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	send(sv[0], "C", 1, 0);
	char ccb[CMSG_SPACE(sizeof(struct ucred))];
	rh.msg_control = ccb;
	rh.msg_controllen = sizeof(ccb);
	show("recvmsg cred", recvmsg(sv[1], &rh, 0));
	c = CMSG_FIRSTHDR(&rh);
	struct ucred uc = { 0 };
	if (c && c->cmsg_type == SCM_CREDENTIALS)
		memcpy(&uc, CMSG_DATA(c), sizeof(uc));
	printf("cred type %d pid ok %d uid %d gid %d\n", c ? c->cmsg_type : -1, uc.pid == getpid(), uc.uid, uc.gid);
	/* forged credentials */
	char fcb[CMSG_SPACE(sizeof(struct ucred))];
	memset(fcb, 0, sizeof(fcb));
	mh.msg_control = fcb;
	mh.msg_controllen = sizeof(fcb);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	struct ucred forged = { getpid(), 4242, 4242 };
	memcpy(CMSG_DATA(c), &forged, sizeof(forged));
	long r = sendmsg(sv[0], &mh, 0);
	show("sendmsg forged uid", r);
	if (r > 0)
		recvmsg(sv[1], &rh, 0);
	forged = (struct ucred){ getpid() == 1 ? 2 : 1, getuid(), getgid() };
	memcpy(CMSG_DATA(c), &forged, sizeof(forged));
	r = sendmsg(sv[0], &mh, 0);
	show("sendmsg forged pid", r);
	if (r > 0)
		recvmsg(sv[1], &rh, 0);
	/* two SCM_RIGHTS arrays, an empty one and another level's message in
	 * one sendmsg: the arrays arrive as one message, the rest is ignored */
	{
		char mcb[CMSG_SPACE(sizeof(int)) * 3 + CMSG_SPACE(0)];
		memset(mcb, 0, sizeof(mcb));
		mh.msg_control = mcb;
		mh.msg_controllen = sizeof(mcb);
		int kinds[4][3] = { { SOL_SOCKET, SCM_RIGHTS, 1 }, { SOL_SOCKET, SCM_RIGHTS, 0 },
				    { SOL_IP, IP_TTL, 1 }, { SOL_SOCKET, SCM_RIGHTS, 1 } };
		int fdv[2] = { pfd[0], sv[0] }, k = 0;
		c = CMSG_FIRSTHDR(&mh);
		for (int i = 0; i < 4 && c; i++, c = CMSG_NXTHDR(&mh, c)) {
			c->cmsg_level = kinds[i][0];
			c->cmsg_type = kinds[i][1];
			c->cmsg_len = CMSG_LEN(kinds[i][2] * sizeof(int));
			if (kinds[i][2] && kinds[i][1] == SCM_RIGHTS)
				memcpy(CMSG_DATA(c), &fdv[k++], sizeof(int));
		}
		int off = 0;
		setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &off, sizeof(off));
		show("sendmsg two arrays", sendmsg(sv[0], &mh, 0));
		char big[CMSG_SPACE(8 * sizeof(int))];
		rh.msg_control = big;
		rh.msg_controllen = sizeof(big);
		show("recvmsg two arrays", recvmsg(sv[1], &rh, 0));
		int nmsg = 0, nfd = 0;
		for (c = CMSG_FIRSTHDR(&rh); c; c = CMSG_NXTHDR(&rh, c), nmsg++)
			if (c->cmsg_type == SCM_RIGHTS) {
				int n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (int i = 0; i < n; i++) {
					int fd;
					memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
					close(fd);
				}
				nfd += n;
			}
		printf("messages %d fds %d ctrunc %d controllen %zu\n", nmsg, nfd, !!(rh.msg_flags & MSG_CTRUNC),
		       (size_t)rh.msg_controllen);
		/* an unknown SOL_SOCKET type is EINVAL */
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_type = 77;
		show("sendmsg unknown type", sendmsg(sv[0], &mh, 0));
	}
	/* a socket sent over itself, then both closed: nothing is left over */
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_control = cbuf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
	show("send self", sendmsg(sv[0], &mh, 0));
	close(sv[0]);
	close(sv[1]);
	close(pfd[0]);
}

/* Pass one descriptor over sv[0], receive it on sv[1]: the new number */
static int pass(int sv[2], int fd)
{
	char cb[CMSG_SPACE(sizeof(int))];
	memset(cb, 0, sizeof(cb));
	struct iovec iov = { "K", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb, .msg_controllen = sizeof(cb) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sv[0], &mh, 0) != 1)
		return -1;
	char rb;
	char rcb[CMSG_SPACE(sizeof(int))];
	struct iovec riov = { &rb, 1 };
	struct msghdr rh = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rcb, .msg_controllen = sizeof(rcb) };
	if (recvmsg(sv[1], &rh, 0) != 1 || !(c = CMSG_FIRSTHDR(&rh)) || c->cmsg_type != SCM_RIGHTS)
		return -1;
	int got;
	memcpy(&got, CMSG_DATA(c), sizeof(int));
	return got;
}

static const char *ftype(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return strerrorname_np(errno);
	switch (st.st_mode & S_IFMT) {
	case S_IFREG: return "reg";
	case S_IFDIR: return "dir";
	case S_IFCHR: return "chr";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "sock";
	case S_IFLNK: return "lnk";
	}
	return st.st_mode & S_IFMT ? "other" : "anon";
}

static void kind(int sv[2], const char *what, int fd)
{
	int got = pass(sv, fd);
	char link[64], a[256] = "", b[256] = "";
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	readlink(link, a, sizeof(a) - 1);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", got);
	readlink(link, b, sizeof(b) - 1);
	printf("%s: received %s, type %s, same file %d, flags same %d\n", what, got >= 0 ? "yes" : "no",
	       got >= 0 ? ftype(got) : "-", got >= 0 && !strcmp(a, b),
	       got >= 0 && fcntl(got, F_GETFL) == fcntl(fd, F_GETFL));
}

/* Every kind of file passes, and the received one is the same open file
 * (a shared offset, the same readiness, the same object) */
static void kinds(void)
{
	int sv[2];
	printf("== kinds\n");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	char path[] = "/tmp/un_pair_kinds.XXXXXX";
	int reg = mkstemp(path);
	write(reg, "0123456789", 10);
	lseek(reg, 3, SEEK_SET);
	kind(sv, "regular", reg);
	int r2 = pass(sv, reg);
	char c = 0;
	read(r2, &c, 1);
	printf("shared offset: read '%c', now at %ld\n", c, (long)lseek(reg, 0, SEEK_CUR));
	unlink(path);
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	kind(sv, "directory", dir);
	int opath = open("/", O_PATH);
	kind(sv, "O_PATH", opath);
	/* a character device: mem 1:3 (null), made here as the guest has no /dev */
	char dev[] = "/tmp/un_pair_null";
	unlink(dev);
	mknod(dev, S_IFCHR | 0666, makedev(1, 3));
	int null = open(dev, O_WRONLY | O_APPEND);
	kind(sv, "character device", null);
	unlink(dev);
	int p[2];
	pipe2(p, O_NONBLOCK);
	kind(sv, "pipe read end", p[0]);
	int pw = pass(sv, p[1]);
	ssize_t w = write(pw, "ab", 2);
	ssize_t rd = read(p[0], &c, 1);
	printf("pipe write through the received end: %zd, read %zd '%c'\n", w, rd, c);
	int efd = eventfd(5, EFD_NONBLOCK);
	kind(sv, "eventfd", efd);
	int e2 = pass(sv, efd);
	unsigned long long v = 0;
	ssize_t n = read(e2, &v, 8);
	printf("eventfd count through it: %zd %llu\n", n, v);
	v = 7;
	write(efd, &v, 8);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	kind(sv, "timerfd", tfd);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	int sfd = signalfd(-1, &m, SFD_NONBLOCK);
	kind(sv, "signalfd", sfd);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
	kind(sv, "epoll", ep);
	int ep2 = pass(sv, ep);
	struct epoll_event out = { 0 };
	int nr = epoll_wait(ep2, &out, 1, 0);
	printf("epoll through it: %d ready, data %llu\n", nr, (unsigned long long)out.data.u64);
	int in = inotify_init1(IN_NONBLOCK);
	kind(sv, "inotify", in);
	int mfd = memfd_create("un_pair", 0);
	ftruncate(mfd, 4096);
	kind(sv, "memfd", mfd);
	int pfd = syscall(SYS_pidfd_open, getpid(), 0);
	kind(sv, "pidfd", pfd);
	int s2[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, s2);
	kind(sv, "socket", s2[0]);
	int tcp = socket(AF_INET, SOCK_STREAM, 0);
	kind(sv, "inet socket", tcp);
	kind(sv, "the passing socket itself", sv[0]);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *only = argc > 1 ? argv[1] : "";
	if (access("/proc/self", F_OK) < 0) {
		/* the guest's init: a procfs of its own on a tmpfs */
		mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
		mkdir("/tmp/proc", 0755);
		mount("proc", "/tmp/proc", "proc", 0, NULL);
		proc = "/tmp/proc";
		have_proc = access("/tmp/proc/self", F_OK) == 0;
	}
	if (!*only || !strcmp(only, "stream"))
		stream(SOCK_STREAM, "stream");
	if (!*only || !strcmp(only, "seqpacket"))
		stream(SOCK_SEQPACKET, "seqpacket");
	if (!*only || !strcmp(only, "dgram"))
		dgram();
	if (!*only || !strcmp(only, "fill"))
		streamfill();
	if (!*only || !strcmp(only, "opts"))
		opts();
	if (!*only || !strcmp(only, "rights"))
		rights();
	if (!*only || !strcmp(only, "kinds"))
		kinds();
	return 0;
}
