/* TCP on loopback (AF_INET and AF_INET6): connections, their errors, ends,
 * nonblocking connect, backlog, options and poll.  Prints what each call
 * gives, for comparison with a native run; argv[1] picks a section. */
#include "inet_common.h"
#include <linux/sockios.h>

static void basic(void)
{
	int port;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	setint(l, SOL_SOCKET, SO_REUSEADDR, 1);
	struct sockaddr_in la = sin4("127.0.0.1", 0);
	bind(l, (void *)&la, sizeof(la));
	listen(l, 5);
	port = port_of(l);
	sockname("listener name", l, false);
	sockname("listener peer", l, true);
	show_int_opt("SO_ACCEPTCONN", l, SOL_SOCKET, SO_ACCEPTCONN);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	show_int_opt("client ACCEPTCONN", c, SOL_SOCKET, SO_ACCEPTCONN);
	sockname("fresh name", c, false);
	sockname("fresh peer", c, true);
	struct sockaddr_in a = sin4("127.0.0.1", port);
	show("connect", connect(c, (void *)&a, sizeof(a)));
	show("connect again", connect(c, (void *)&a, sizeof(a)));
	sockname("client name", c, false);
	sockname("client peer", c, true);
	struct sockaddr_in pa;
	socklen_t pl = sizeof(pa);
	int s = accept4(l, (void *)&pa, &pl, SOCK_CLOEXEC);
	show("accept4", s >= 0);
	show_name("accepted from", &pa, pl);
	show("cloexec", fcntl(s, F_GETFD) & FD_CLOEXEC);
	show("client port matches", ntohs(pa.sin_port) == port_of(c));
	sockname("server name", s, false);
	sockname("server peer", s, true);
	show("write", write(c, "hello", 5));
	show("send", send(c, " world", 6, 0));
	char buf[64];
	show("recv peek", recv(s, buf, sizeof(buf), MSG_PEEK));
	int n = 0;
	show("FIONREAD", ioctl(s, FIONREAD, &n));
	printf("inq %d\n", n);
	show("read", read(s, buf, sizeof(buf)));
	printf("got '%.*s'\n", 11, buf);
	show("recv dontwait empty", recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	show("write back", write(s, "0123456789", 10));
	show("recv 4", recv(c, buf, 4, 0));
	show("recv rest waitall", recv(c, buf, 6, MSG_WAITALL));
	printf("got '%.6s'\n", buf);
	show("recv oob", recv(c, buf, 1, MSG_OOB));
	show("recv trunc", (send(s, "abc", 3, 0), recv(c, NULL, 2, MSG_TRUNC)));
	show("recv after trunc", recv(c, buf, 10, 0));
	show("sendto with addr", sendto(c, "x", 1, 0, (void *)&a, sizeof(a)));
	show("recvfrom", recvfrom(s, buf, 10, 0, (void *)&pa, &pl));
	printf("recvfrom namelen %u\n", (unsigned)pl);
	struct msghdr mh = { 0 };
	struct iovec iov[2] = { { buf, 3 }, { buf + 3, 3 } };
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	show("sendmsg", (send(c, "abcdef", 6, 0), recvmsg(s, &mh, MSG_WAITALL)));
	printf("flags %#x\n", mh.msg_flags);
	close(s);
	close(c);
	fcntl(l, F_SETFL, O_NONBLOCK);
	show("accept empty", accept(l, NULL, NULL));
	close(l);
	/* the port is free again at once (no TIME_WAIT on a listener) */
	int l2 = socket(AF_INET, SOCK_STREAM, 0);
	setint(l2, SOL_SOCKET, SO_REUSEADDR, 1);
	a = sin4("127.0.0.1", port);
	show("rebind after close", bind(l2, (void *)&a, sizeof(a)));
	show("relisten", listen(l2, 1));
	close(l2);
}

static void errors(void)
{
	show("socket seqpacket", socket(AF_INET, SOCK_SEQPACKET, 0));
	show("socket stream udp", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	show("socket dgram tcp", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
	show("socket6 stream 6", socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP) >= 0);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = sin4("127.0.0.1", 0);
	show("bind short", bind(s, (void *)&a, sizeof(a) - 1));
	a.sin_family = AF_INET6;
	show("bind wrong family", bind(s, (void *)&a, sizeof(a)));
	a = sin4("0.0.0.0", 0);
	a.sin_family = AF_UNSPEC;
	show("bind unspec any", bind(s, (void *)&a, sizeof(a)));
	sockname("after unspec bind", s, false);
	close(s);
	s = socket(AF_INET, SOCK_STREAM, 0);
	a = sin4("127.0.0.1", 0);
	a.sin_family = AF_UNSPEC;
	show("bind unspec loopback", bind(s, (void *)&a, sizeof(a)));
	a = sin4("192.0.2.1", 0);
	show("bind foreign", bind(s, (void *)&a, sizeof(a)));
	a = sin4("127.3.4.5", 0);
	show("bind 127.3.4.5", bind(s, (void *)&a, sizeof(a)));
	sockname("name", s, false);
	show("bind twice", bind(s, (void *)&a, sizeof(a)));
	close(s);
	s = socket(AF_INET, SOCK_STREAM, 0);
	a = sin4("127.0.0.1", 1023);
	int r = bind(s, (void *)&a, sizeof(a));
	show("bind privileged", r);
	close(s);
	/* EADDRINUSE and the reuse rules */
	int port;
	int l = listener4("127.0.0.1", 1, &port);
	s = socket(AF_INET, SOCK_STREAM, 0);
	a = sin4("127.0.0.1", port);
	show("bind in use", bind(s, (void *)&a, sizeof(a)));
	a = sin4("0.0.0.0", port);
	show("bind any in use", bind(s, (void *)&a, sizeof(a)));
	a = sin4("127.0.0.2", port);
	show("bind other addr same port", bind(s, (void *)&a, sizeof(a)));
	close(s);
	s = socket(AF_INET, SOCK_STREAM, 0);
	setint(s, SOL_SOCKET, SO_REUSEADDR, 1);
	a = sin4("127.0.0.1", port);
	show("reuseaddr vs plain listener", bind(s, (void *)&a, sizeof(a)));
	close(s);
	close(l);
	/* two SO_REUSEADDR sockets may share a port until one listens */
	int x = socket(AF_INET, SOCK_STREAM, 0), y = socket(AF_INET, SOCK_STREAM, 0);
	setint(x, SOL_SOCKET, SO_REUSEADDR, 1);
	setint(y, SOL_SOCKET, SO_REUSEADDR, 1);
	a = sin4("127.0.0.1", 0);
	bind(x, (void *)&a, sizeof(a));
	a = sin4("127.0.0.1", port_of(x));
	show("reuseaddr both bind", bind(y, (void *)&a, sizeof(a)));
	show("first listens", listen(x, 1));
	show("second listens", listen(y, 1));
	close(x);
	close(y);
	/* SO_REUSEPORT: two listeners */
	x = socket(AF_INET, SOCK_STREAM, 0);
	y = socket(AF_INET, SOCK_STREAM, 0);
	show("reuseport set", setint(x, SOL_SOCKET, SO_REUSEPORT, 1));
	setint(y, SOL_SOCKET, SO_REUSEPORT, 1);
	show_int_opt("SO_REUSEPORT", x, SOL_SOCKET, SO_REUSEPORT);
	a = sin4("127.0.0.1", 0);
	bind(x, (void *)&a, sizeof(a));
	listen(x, 1);
	a = sin4("127.0.0.1", port_of(x));
	show("reuseport bind", bind(y, (void *)&a, sizeof(a)));
	show("reuseport listen", listen(y, 1));
	int c = socket(AF_INET, SOCK_STREAM, 0);
	show("connect to reuseport", connect(c, (void *)&a, sizeof(a)));
	close(c);
	close(x);
	close(y);
	/* ECONNREFUSED, ENETUNREACH-free errors, EISCONN, ENOTCONN, EPIPE */
	l = listener4("127.0.0.1", 1, &port);
	close(l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	a = sin4("127.0.0.1", port);
	show("connect refused", connect(c, (void *)&a, sizeof(a)));
	show_int_opt("SO_ERROR after refused", c, SOL_SOCKET, SO_ERROR);
	sockname("name after refused", c, false);
	show("connect short", connect(c, (void *)&a, sizeof(a) - 1));
	a.sin_family = AF_INET6;
	show("connect wrong family", connect(c, (void *)&a, sizeof(a)));
	show("send unconnected", send(c, "x", 1, MSG_NOSIGNAL));
	char buf[8];
	show("recv unconnected", recv(c, buf, 1, 0));
	show("shutdown unconnected", shutdown(c, SHUT_WR));
	show("shutdown bad how", shutdown(c, 7));
	show("accept unlistened", accept(c, NULL, NULL));
	close(c);
	l = listener4("127.0.0.1", 1, &port);
	show("listen again", listen(l, 3));
	show("connect on listener", connect(l, (void *)&a, sizeof(a)));
	show("send on listener", send(l, "x", 1, MSG_NOSIGNAL));
	show("recv on listener", recv(l, buf, 1, 0));
	c = socket(AF_INET, SOCK_STREAM, 0);
	a = sin4("127.0.0.1", port);
	connect(c, (void *)&a, sizeof(a));
	show("listen connected", listen(c, 1));
	show("bind connected", bind(c, (void *)&a, sizeof(a)));
	close(c);
	close(l);
	/* listen without bind autobinds */
	l = socket(AF_INET, SOCK_STREAM, 0);
	show("listen unbound", listen(l, 1));
	sockname("autobound", l, false);
	close(l);
	/* EPIPE and SIGPIPE */
	l = listener4("127.0.0.1", 1, &port);
	a = sin4("127.0.0.1", port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	show("connect", connect(c, (void *)&a, sizeof(a)));
	int s2 = accept(l, NULL, NULL);
	shutdown(c, SHUT_WR);
	show("send after SHUT_WR", send(c, "x", 1, MSG_NOSIGNAL));
	signal(SIGPIPE, SIG_IGN);
	show("write after SHUT_WR", write(c, "x", 1));
	signal(SIGPIPE, SIG_DFL);
	pid_t p = fork();
	if (p == 0) {
		write(c, "x", 1);
		_exit(0);
	}
	int st;
	waitpid(p, &st, 0);
	printf("child killed by %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	close(c);
	close(s2);
	close(l);
}

static void ends(void)
{
	int port;
	int l = listener4("127.0.0.1", 4, &port);
	struct sockaddr_in a = sin4("127.0.0.1", port);
	char buf[64];
	/* half close: EOF for the peer, which can still write back */
	int c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	int s = accept(l, NULL, NULL);
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	printf("client state %d\n", ti.tcpi_state);
	show("write", write(c, "data", 4));
	show("shutdown wr", shutdown(c, SHUT_WR));
	show_poll("server after FIN", s, 0);
	show("read", read(s, buf, sizeof(buf)));
	show("read EOF", read(s, buf, sizeof(buf)));
	show("read EOF again", read(s, buf, sizeof(buf)));
	tl = sizeof(ti);
	getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	printf("server state %d\n", ti.tcpi_state);
	tl = sizeof(ti);
	getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	printf("client state %d\n", ti.tcpi_state);
	show_poll("client after SHUT_WR", c, 0);
	show("write back", write(s, "back", 4));
	show("read back", read(c, buf, sizeof(buf)));
	show("server shutdown wr", shutdown(s, SHUT_WR));
	show("client EOF", read(c, buf, sizeof(buf)));
	tl = sizeof(ti);
	getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	printf("client state %d\n", ti.tcpi_state);
	tl = sizeof(ti);
	getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	printf("server state %d\n", ti.tcpi_state);
	show_poll("client both shut", c, 0);
	sockname("peer both shut", c, true);
	close(c);
	close(s);
	/* close with unread data: RST, the peer's read is ECONNRESET */
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	write(c, "unread", 6);
	write(s, "to client", 9);
	close(s);
	show_poll("client after RST", c, 0);
	show("read after RST", read(c, buf, sizeof(buf)));
	show("read after RST again", read(c, buf, sizeof(buf)));
	show_int_opt("SO_ERROR", c, SOL_SOCKET, SO_ERROR);
	show("write after RST", send(c, "x", 1, MSG_NOSIGNAL));
	sockname("peer after RST", c, true);
	close(c);
	/* plain close: EOF, a write draws the RST, the next one EPIPE */
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	close(s);
	show("read EOF", read(c, buf, sizeof(buf)));
	show_poll("client after FIN", c, 0);
	show("first write", send(c, "x", 1, MSG_NOSIGNAL));
	show_poll("client after first write", c, 0);
	show("second write", send(c, "x", 1, MSG_NOSIGNAL));
	show("third write", send(c, "x", 1, MSG_NOSIGNAL));
	show("read", read(c, buf, sizeof(buf)));
	close(c);
	/* SO_LINGER 0: RST at close without unread data */
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	struct linger lg = { 1, 0 };
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(s);
	show("read after linger0 close", read(c, buf, sizeof(buf)));
	close(c);
	/* data sent before accept, and a client gone before accept */
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	write(c, "early", 5);
	close(c);
	s = accept(l, NULL, NULL);
	show("read early", read(s, buf, sizeof(buf)));
	show("then EOF", read(s, buf, sizeof(buf)));
	close(s);
	/* a listener closed with a pending connection: the client is reset */
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	close(l);
	show("read after listener close", read(c, buf, sizeof(buf)));
	close(c);
	/* shutdown(SHUT_RD) */
	l = listener4("127.0.0.1", 4, &port);
	a = sin4("127.0.0.1", port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	show("shutdown rd", shutdown(c, SHUT_RD));
	show_poll("after SHUT_RD", c, 0);
	show("read after SHUT_RD", read(c, buf, sizeof(buf)));
	show("write after SHUT_RD", write(c, "ok", 2));
	show("peer reads", read(s, buf, sizeof(buf)));
	/* AF_UNSPEC connect: disconnect */
	struct sockaddr un = { .sa_family = AF_UNSPEC };
	show("disconnect", connect(c, &un, sizeof(un)));
	sockname("peer after disconnect", c, true);
	show("peer read after disconnect", read(s, buf, sizeof(buf)));
	show("reconnect", connect(c, (void *)&a, sizeof(a)));
	close(c);
	close(s);
	close(l);
}

static void nonblock(void)
{
	int port;
	int l = listener4("127.0.0.1", 1, &port);
	struct sockaddr_in a = sin4("127.0.0.1", port);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("nb connect", connect(c, (void *)&a, sizeof(a)));
	show_poll("nb connected", c, 1000);
	show_int_opt("SO_ERROR", c, SOL_SOCKET, SO_ERROR);
	show("nb connect again", connect(c, (void *)&a, sizeof(a)));
	show("nb connect third", connect(c, (void *)&a, sizeof(a)));
	char buf[8];
	show("nb read", read(c, buf, 1));
	int s = accept(l, NULL, NULL);
	/* fill the connection until EAGAIN, then drain it */
	static char big[1 << 16];
	long total = 0, r;
	while ((r = write(c, big, sizeof(big))) > 0)
		total += r;
	show("fill ends", r);
	printf("filled something: %d\n", total > 100000);
	show_poll("full", c, 0);
	fcntl(s, F_SETFL, O_NONBLOCK);
	long got = 0;
	while ((r = read(s, big, sizeof(big))) > 0)
		got += r;
	printf("drained all: %d\n", got == total);
	show_poll("drained", c, 0);
	close(c);
	close(s);
	close(l);
	/* nonblocking connect to a closed port */
	l = listener4("127.0.0.1", 1, &port);
	close(l);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	a = sin4("127.0.0.1", port);
	show("nb connect refused", connect(c, (void *)&a, sizeof(a)));
	show_poll("refused", c, 1000);
	show("connect again", connect(c, (void *)&a, sizeof(a)));
	show_int_opt("SO_ERROR", c, SOL_SOCKET, SO_ERROR);
	show("connect third", connect(c, (void *)&a, sizeof(a)));
	show_poll("refused again", c, 1000);
	show_int_opt("SO_ERROR", c, SOL_SOCKET, SO_ERROR);
	show("connect fourth", connect(c, (void *)&a, sizeof(a)));
	close(c);
}

static void backlog(void)
{
	int port;
	int l = listener4("127.0.0.1", 1, &port);
	struct sockaddr_in a = sin4("127.0.0.1", port);
	int c[4];
	for (int i = 0; i < 4; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		char what[32];
		snprintf(what, sizeof(what), "connect %d", i);
		show(what, connect(c[i], (void *)&a, sizeof(a)));
	}
	for (int i = 0; i < 4; i++) {
		char what[32];
		snprintf(what, sizeof(what), "client %d", i);
		/* the ones whose SYN was dropped stay unwritable (Linux retries in 1 s) */
		show_poll(what, c[i], i < 2 ? 1000 : 100);
	}
	show_poll("listener", l, 0);
	int s = accept(l, NULL, NULL);
	show("accept", s >= 0);
	close(s);
	s = accept(l, NULL, NULL);
	show("accept", s >= 0);
	close(s);
	/* a blocking connect waits for room: a child accepts later */
	int extra = socket(AF_INET, SOCK_STREAM, 0);
	int d1 = socket(AF_INET, SOCK_STREAM, 0), d2 = socket(AF_INET, SOCK_STREAM, 0);
	for (int i = 0; i < 4; i++)
		close(c[i]);
	fcntl(l, F_SETFL, O_NONBLOCK);
	while ((s = accept(l, NULL, NULL)) >= 0)
		close(s);
	fcntl(l, F_SETFL, 0);
	show("d1", connect(d1, (void *)&a, sizeof(a)));
	show("d2", connect(d2, (void *)&a, sizeof(a)));
	pid_t p = fork();
	if (p == 0) {
		/* accepts once the parent is blocked in connect */
		int x = accept(l, NULL, NULL);
		_exit(x < 0);
	}
	show("blocking connect over backlog", connect(extra, (void *)&a, sizeof(a)));
	int st;
	waitpid(p, &st, 0);
	printf("child %d\n", WEXITSTATUS(st));
	close(extra);
	close(d1);
	close(d2);
	close(l);
}

static void opts(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	show_int_opt("SO_SNDBUF", s, SOL_SOCKET, SO_SNDBUF);
	show_int_opt("SO_RCVBUF", s, SOL_SOCKET, SO_RCVBUF);
	show_int_opt("SO_TYPE", s, SOL_SOCKET, SO_TYPE);
	show_int_opt("SO_PROTOCOL", s, SOL_SOCKET, SO_PROTOCOL);
	show_int_opt("SO_DOMAIN", s, SOL_SOCKET, SO_DOMAIN);
	show_int_opt("TCP_NODELAY", s, IPPROTO_TCP, TCP_NODELAY);
	show("set TCP_NODELAY", setint(s, IPPROTO_TCP, TCP_NODELAY, 1));
	show_int_opt("TCP_NODELAY", s, IPPROTO_TCP, TCP_NODELAY);
	show("set TCP_CORK", setint(s, IPPROTO_TCP, TCP_CORK, 1));
	show_int_opt("TCP_CORK", s, IPPROTO_TCP, TCP_CORK);
	setint(s, IPPROTO_TCP, TCP_CORK, 0);
	show_int_opt("TCP_MAXSEG", s, IPPROTO_TCP, TCP_MAXSEG);
	show("set TCP_MAXSEG 10", setint(s, IPPROTO_TCP, TCP_MAXSEG, 10));
	show("set TCP_MAXSEG 1000", setint(s, IPPROTO_TCP, TCP_MAXSEG, 1000));
	show_int_opt("TCP_MAXSEG", s, IPPROTO_TCP, TCP_MAXSEG);
	show_int_opt("TCP_KEEPIDLE", s, IPPROTO_TCP, TCP_KEEPIDLE);
	show_int_opt("TCP_KEEPINTVL", s, IPPROTO_TCP, TCP_KEEPINTVL);
	show_int_opt("TCP_KEEPCNT", s, IPPROTO_TCP, TCP_KEEPCNT);
	show("set TCP_KEEPIDLE 0", setint(s, IPPROTO_TCP, TCP_KEEPIDLE, 0));
	show("set TCP_KEEPIDLE 30", setint(s, IPPROTO_TCP, TCP_KEEPIDLE, 30));
	show_int_opt("TCP_KEEPIDLE", s, IPPROTO_TCP, TCP_KEEPIDLE);
	show_int_opt("SO_KEEPALIVE", s, SOL_SOCKET, SO_KEEPALIVE);
	show("set SO_KEEPALIVE", setint(s, SOL_SOCKET, SO_KEEPALIVE, 1));
	show_int_opt("SO_KEEPALIVE", s, SOL_SOCKET, SO_KEEPALIVE);
	char cc[16] = { 0 };
	socklen_t cl = sizeof(cc);
	show("TCP_CONGESTION", getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, &cl));
	printf("cc named: %d\n", cc[0] != 0); /* the host's may be another than Linux's default */
	show_int_opt("IP_TOS", s, IPPROTO_IP, IP_TOS);
	show("set IP_TOS", setint(s, IPPROTO_IP, IP_TOS, 0x13));
	show_int_opt("IP_TOS", s, IPPROTO_IP, IP_TOS);
	show_int_opt("IP_TTL", s, IPPROTO_IP, IP_TTL);
	show("set IP_TTL 0", setint(s, IPPROTO_IP, IP_TTL, 0));
	show("set IP_TTL 7", setint(s, IPPROTO_IP, IP_TTL, 7));
	show_int_opt("IP_TTL", s, IPPROTO_IP, IP_TTL);
	show("set IP_TTL -1", setint(s, IPPROTO_IP, IP_TTL, -1));
	show_int_opt("IP_TTL", s, IPPROTO_IP, IP_TTL);
	show_int_opt("IPV6_V6ONLY on v4", s, IPPROTO_IPV6, IPV6_V6ONLY);
	show_int_opt("unknown TCP opt", s, IPPROTO_TCP, 9999);
	show("set unknown SOL_SOCKET", setint(s, SOL_SOCKET, 9999, 1));
	show("set SO_SNDBUF", setint(s, SOL_SOCKET, SO_SNDBUF, 65536));
	show_int_opt("SO_SNDBUF", s, SOL_SOCKET, SO_SNDBUF);
	show("set SO_RCVBUF", setint(s, SOL_SOCKET, SO_RCVBUF, 1));
	show_int_opt("SO_RCVBUF", s, SOL_SOCKET, SO_RCVBUF);
	struct tcp_info ti;
	socklen_t tl = sizeof(ti);
	show("TCP_INFO unconnected", getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &tl));
	printf("state %d\n", ti.tcpi_state);
	tl = 8;
	show("TCP_INFO short", getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &tl));
	printf("len %u state %d\n", (unsigned)tl, ti.tcpi_state);
	int port;
	int l = listener4("127.0.0.1", 1, &port);
	setint(l, IPPROTO_TCP, TCP_NODELAY, 1);
	setint(l, SOL_SOCKET, SO_KEEPALIVE, 1);
	tl = sizeof(ti);
	getsockopt(l, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	printf("listener state %d\n", ti.tcpi_state);
	struct sockaddr_in a = sin4("127.0.0.1", port);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	int as = accept(l, NULL, NULL);
	show_int_opt("accepted TCP_NODELAY", as, IPPROTO_TCP, TCP_NODELAY);
	show_int_opt("accepted SO_KEEPALIVE", as, SOL_SOCKET, SO_KEEPALIVE);
	show_int_opt("connected TCP_MAXSEG", as, IPPROTO_TCP, TCP_MAXSEG);
	show_int_opt("IP_MTU", as, IPPROTO_IP, IP_MTU);
	write(c, "12345", 5);
	tl = sizeof(ti);
	getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &tl);
	printf("connected state %d options %d len %u\n", ti.tcpi_state, ti.tcpi_options != 0, (unsigned)tl);
	int q = -1;
	show("SIOCOUTQ", ioctl(c, SIOCOUTQ, &q));
	show("SIOCINQ", ioctl(as, SIOCINQ, &q));
	printf("inq %d\n", q);
	show("SIOCINQ listener", ioctl(l, SIOCINQ, &q));
	close(as);
	close(c);
	close(l);
	close(s);
}

static void v6(void)
{
	/* a dual-stack listener on :: takes an IPv4 connection */
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	show_int_opt("IPV6_V6ONLY", l, IPPROTO_IPV6, IPV6_V6ONLY);
	show_int_opt("IPV6_UNICAST_HOPS", l, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
	show("set hops", setint(l, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 9));
	show_int_opt("IPV6_UNICAST_HOPS", l, IPPROTO_IPV6, IPV6_UNICAST_HOPS);
	show("set hops 300", setint(l, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 300));
	show_int_opt("IP_TTL on v6", l, IPPROTO_IP, IP_TTL);
	struct sockaddr_in6 a6 = sin6("::", 0);
	show("bind short", bind(l, (void *)&a6, 20));
	show("bind ::", bind(l, (void *)&a6, sizeof(a6)));
	show("set v6only after bind", setint(l, IPPROTO_IPV6, IPV6_V6ONLY, 1));
	show("listen", listen(l, 4));
	sockname("listener", l, false);
	int port = port_of(l);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = sin4("127.0.0.1", port);
	show("v4 connect to ::", connect(c, (void *)&a, sizeof(a)));
	int s = accept(l, NULL, NULL);
	sockname("accepted name", s, false);
	sockname("accepted peer", s, true);
	sockname("v4 client peer", c, true);
	write(c, "v4", 2);
	char buf[8];
	show("read", read(s, buf, sizeof(buf)));
	close(s);
	close(c);
	/* an IPv6 client */
	c = socket(AF_INET6, SOCK_STREAM, 0);
	a6 = sin6("::1", port);
	show("v6 connect", connect(c, (void *)&a6, sizeof(a6)));
	sockname("v6 client name", c, false);
	s = accept(l, NULL, NULL);
	sockname("accepted v6 peer", s, true);
	close(s);
	close(c);
	/* v4-mapped destination from a v6 socket */
	c = socket(AF_INET6, SOCK_STREAM, 0);
	a6 = sin6("::ffff:127.0.0.1", port);
	show("mapped connect", connect(c, (void *)&a6, sizeof(a6)));
	sockname("mapped client name", c, false);
	sockname("mapped client peer", c, true);
	s = accept(l, NULL, NULL);
	sockname("accepted mapped peer", s, true);
	close(s);
	close(c);
	close(l);
	/* IPV6_V6ONLY: IPv4 is refused, and the v4 port is free */
	l = socket(AF_INET6, SOCK_STREAM, 0);
	show("set v6only", setint(l, IPPROTO_IPV6, IPV6_V6ONLY, 1));
	a6 = sin6("::", 0);
	bind(l, (void *)&a6, sizeof(a6));
	listen(l, 4);
	port = port_of(l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	a = sin4("127.0.0.1", port);
	show("v4 connect to v6only", connect(c, (void *)&a, sizeof(a)));
	close(c);
	int l4 = socket(AF_INET, SOCK_STREAM, 0);
	a = sin4("0.0.0.0", port);
	show("v4 bind beside v6only", bind(l4, (void *)&a, sizeof(a)));
	close(l4);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	setint(c, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	a6 = sin6("::ffff:127.0.0.1", port);
	show("v6only mapped connect", connect(c, (void *)&a6, sizeof(a6)));
	a6 = sin6("::ffff:127.0.0.1", 0);
	show("v6only mapped bind", bind(c, (void *)&a6, sizeof(a6)));
	close(c);
	close(l);
	/* a dual-stack :: conflicts with 0.0.0.0 */
	l4 = socket(AF_INET, SOCK_STREAM, 0);
	a = sin4("0.0.0.0", 0);
	bind(l4, (void *)&a, sizeof(a));
	l = socket(AF_INET6, SOCK_STREAM, 0);
	a6 = sin6("::", port_of(l4));
	show("dual bind beside 0.0.0.0", bind(l, (void *)&a6, sizeof(a6)));
	close(l);
	close(l4);
	/* addresses */
	l = socket(AF_INET6, SOCK_STREAM, 0);
	a6 = sin6("2001:db8::1", 0);
	show("bind foreign v6", bind(l, (void *)&a6, sizeof(a6)));
	a6 = sin6("::ffff:192.0.2.1", 0);
	show("bind foreign mapped", bind(l, (void *)&a6, sizeof(a6)));
	a6 = sin6("::1", 0);
	a6.sin6_family = AF_INET;
	show("bind v6 wrong family", bind(l, (void *)&a6, sizeof(a6)));
	a6 = sin6("::1", 0);
	show("bind ::1", bind(l, (void *)&a6, sizeof(a6)));
	sockname("name", l, false);
	close(l);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	a6 = sin6("::1", 1);
	show("connect v6 refused", connect(c, (void *)&a6, sizeof(a6)));
	close(c);
}

/* no interface but lo: another destination is unreachable (guest only:
 * the host has a network) */
static void unreach(void)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = sin4("192.0.2.1", 80);
	show("tcp connect foreign", connect(c, (void *)&a, sizeof(a)));
	sockname("name after", c, false);
	close(c);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a6 = sin6("2001:db8::1", 80);
	show("tcp6 connect foreign", connect(c, (void *)&a6, sizeof(a6)));
	close(c);
	c = socket(AF_INET, SOCK_DGRAM, 0);
	show("udp connect foreign", connect(c, (void *)&a, sizeof(a)));
	show("udp sendto foreign", sendto(c, "x", 1, 0, (void *)&a, sizeof(a)));
	a = sin4("255.255.255.255", 9);
	show("udp broadcast without SO_BROADCAST", sendto(c, "x", 1, 0, (void *)&a, sizeof(a)));
	close(c);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *what = argc > 1 ? argv[1] : "basic";
	if (!strcmp(what, "basic"))
		basic();
	else if (!strcmp(what, "errors"))
		errors();
	else if (!strcmp(what, "ends"))
		ends();
	else if (!strcmp(what, "nonblock"))
		nonblock();
	else if (!strcmp(what, "backlog"))
		backlog();
	else if (!strcmp(what, "opts"))
		opts();
	else if (!strcmp(what, "v6"))
		v6();
	else if (!strcmp(what, "unreach"))
		unreach();
	else
		return 2;
	printf("== %s done\n", what);
	return 0;
}
