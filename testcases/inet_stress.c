/* TCP under load on loopback.
 *   echo [MB]: an echo server (a process per connection) and 8 concurrent
 *     client processes moving MB megabytes in all (default 100) and
 *     checking what comes back by checksum;
 *   epoll: one edge-triggered epoll loop serving 4 clients (accept and read
 *     until EAGAIN, echo back), each client checking its replies;
 *   rtt N / stream MB / unixstream MB: timings for scripts/bench.py (round
 *     trips of one byte, a one-way transfer over TCP or an AF_UNIX
 *     socketpair), printed as "TIME seconds".
 * The outcome lines do not depend on timing, for comparison with native. */
#include "inet_common.h"
#include <sys/epoll.h>
#include <time.h>

#define CLIENTS 8
#define CHUNK 65536

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int connect_to(int port)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = sin4("127.0.0.1", port);
	if (connect(c, (void *)&a, sizeof(a)) < 0) {
		perror("connect");
		exit(1);
	}
	return c;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t r = write(fd, c, n);
		if (r <= 0)
			return -1;
		c += r;
		n -= r;
	}
	return 0;
}

static void fill(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		b[i] = seed >> 16;
	}
}

static unsigned long sum(const unsigned char *b, size_t n, unsigned long s)
{
	for (size_t i = 0; i < n; i++)
		s = (s * 31) ^ b[i];
	return s;
}

static int echo(long mb)
{
	int port;
	int l = listener4("127.0.0.1", CLIENTS, &port);
	long per = mb * 1024 * 1024 / CLIENTS;
	pid_t srv = fork();
	if (srv == 0) {
		for (int i = 0; i < CLIENTS; i++) {
			int s = accept(l, NULL, NULL);
			if (s < 0)
				_exit(1);
			if (fork() == 0) {
				static char buf[CHUNK];
				ssize_t r;
				while ((r = read(s, buf, sizeof(buf))) > 0)
					if (write_all(s, buf, r) < 0)
						_exit(2);
				_exit(r < 0 ? 3 : 0);
			}
			close(s);
		}
		int bad = 0, st;
		while (wait(&st) > 0)
			bad |= !WIFEXITED(st) || WEXITSTATUS(st);
		_exit(bad);
	}
	close(l);
	pid_t kids[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			int c = connect_to(port);
			static unsigned char out[CHUNK], in[CHUNK];
			unsigned long ssum = 0, rsum = 0;
			long done = 0;
			unsigned seed = i * 7919 + 1;
			while (done < per) {
				size_t n = per - done < CHUNK ? per - done : CHUNK;
				fill(out, n, seed++);
				ssum = sum(out, n, ssum);
				if (write_all(c, out, n) < 0)
					_exit(4);
				if (recv(c, in, n, MSG_WAITALL) != (ssize_t)n)
					_exit(5);
				rsum = sum(in, n, rsum);
				done += n;
			}
			shutdown(c, SHUT_WR);
			char x;
			if (read(c, &x, 1) != 0)
				_exit(6);
			_exit(ssum == rsum ? 0 : 7);
		}
	}
	int ok = 0;
	for (int i = 0; i < CLIENTS; i++) {
		int st;
		waitpid(kids[i], &st, 0);
		printf("client %d: %s\n", i, WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "checksums match" : "FAILED");
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	int st;
	waitpid(srv, &st, 0);
	printf("server: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "FAILED");
	printf("%d clients moved %ld MB each way\n", ok, mb);
	return ok == CLIENTS ? 0 : 1;
}

#define EP_CLIENTS 4
#define EP_MSGS 200

static int epoll_server(void)
{
	int port;
	int l = listener4("127.0.0.1", 16, &port);
	fcntl(l, F_SETFL, O_NONBLOCK);
	pid_t kids[EP_CLIENTS];
	for (int i = 0; i < EP_CLIENTS; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			close(l);
			int c = connect_to(port);
			char msg[64], back[64];
			for (int m = 0; m < EP_MSGS; m++) {
				int n = snprintf(msg, sizeof(msg), "client %d message %d", i, m);
				if (write_all(c, msg, n) < 0 || recv(c, back, n, MSG_WAITALL) != n || memcmp(msg, back, n))
					_exit(1);
			}
			close(c);
			_exit(0);
		}
	}
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = l };
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	int open_conns = 0, accepted = 0, closed = 0;
	long echoed = 0;
	while (closed < EP_CLIENTS) {
		struct epoll_event evs[16];
		int n = epoll_wait(ep, evs, 16, 10000);
		if (n <= 0) {
			printf("epoll_wait: %d (stuck)\n", n);
			break;
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == l) {
				int s;
				/* edge-triggered: accept until EAGAIN */
				while ((s = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					struct epoll_event e = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = s };
					epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
					open_conns++;
					accepted++;
				}
				continue;
			}
			char buf[4096];
			ssize_t r;
			while ((r = read(fd, buf, sizeof(buf))) > 0) {
				write_all(fd, buf, r);
				echoed += r;
			}
			if (r == 0) {
				close(fd);
				open_conns--;
				closed++;
			} else if (errno != EAGAIN) {
				printf("read: %s\n", strerrorname_np(errno));
				close(fd);
				closed++;
			}
		}
	}
	int ok = 0;
	for (int i = 0; i < EP_CLIENTS; i++) {
		int st;
		waitpid(kids[i], &st, 0);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	printf("accepted %d, closed %d, clients ok %d, echoed %s\n", accepted, closed, ok,
	       echoed > EP_CLIENTS * EP_MSGS * 18 ? "all" : "too little");
	return ok == EP_CLIENTS ? 0 : 1;
}

/* timings for bench.py */
static int rtt(long n)
{
	int port;
	int l = listener4("127.0.0.1", 1, &port);
	pid_t p = fork();
	if (p == 0) {
		int s = accept(l, NULL, NULL);
		char b;
		while (read(s, &b, 1) == 1)
			write(s, &b, 1);
		_exit(0);
	}
	int c = connect_to(port);
	setint(c, IPPROTO_TCP, TCP_NODELAY, 1);
	double t0 = now();
	char b = 'x';
	for (long i = 0; i < n; i++)
		if (write(c, &b, 1) != 1 || read(c, &b, 1) != 1)
			return 1;
	double t = now() - t0;
	close(c);
	waitpid(p, NULL, 0);
	printf("TIME %.6f\n", t);
	return 0;
}

/* mb megabytes one way from wr (in a child) to rd, timed at the reader */
static int stream_over(int rd, int wr, long mb)
{
	pid_t p = fork();
	if (p == 0) {
		close(rd);
		static char buf[CHUNK];
		for (long i = 0; i < mb * 16; i++)
			if (write_all(wr, buf, sizeof(buf)) < 0)
				_exit(1);
		_exit(0);
	}
	close(wr);
	static char buf[CHUNK];
	double t0 = now();
	long got = 0;
	ssize_t r;
	while ((r = read(rd, buf, sizeof(buf))) > 0)
		got += r;
	double t = now() - t0;
	waitpid(p, NULL, 0);
	printf("TIME %.6f\n", got == mb * 1024 * 1024 ? t : -1.0);
	return 0;
}

static int stream(long mb)
{
	int port;
	int l = listener4("127.0.0.1", 1, &port);
	int c = connect_to(port);
	int s = accept(l, NULL, NULL);
	close(l);
	return stream_over(s, c, mb);
}

static int unix_stream(long mb)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	return stream_over(sv[0], sv[1], mb);
}

/* connections stuffed until the guest's memory says no: ENOBUFS (the
 * buffers are charged to the guest), and after closing them all, data
 * flows again */
static int fillmem(void)
{
	int port;
	int l = listener4("127.0.0.1", 512, &port);
	static char buf[CHUNK];
	int fds[800], n = 0, err = 0;
	long total = 0;
	while (n < 800 && !err) {
		int c = connect_to(port);
		int s = accept(l, NULL, NULL);
		fds[n++] = c;
		fds[n++] = s;
		fcntl(c, F_SETFL, O_NONBLOCK);
		ssize_t r;
		while ((r = write(c, buf, sizeof(buf))) > 0)
			total += r;
		if (errno != EAGAIN)
			err = errno;
	}
	printf("stopped by %s after %s\n", err ? strerrorname_np(err) : "nothing",
	       total > 1 << 20 ? "more than 1 MiB" : "little");
	for (int i = 0; i < n; i++)
		close(fds[i]);
	int c = connect_to(port), s = accept(l, NULL, NULL);
	ssize_t w = write(c, buf, 1000);
	ssize_t r = recv(s, buf, 1000, MSG_WAITALL);
	printf("after: write %zd read %zd\n", w, r);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *what = argc > 1 ? argv[1] : "echo";
	long arg = argc > 2 ? atol(argv[2]) : 0;
	if (!strcmp(what, "echo"))
		return echo(arg ? arg : 100);
	if (!strcmp(what, "fillmem"))
		return fillmem();
	if (!strcmp(what, "epoll"))
		return epoll_server();
	if (!strcmp(what, "rtt"))
		return rtt(arg ? arg : 10000);
	if (!strcmp(what, "stream"))
		return stream(arg ? arg : 100);
	if (!strcmp(what, "unixstream"))
		return unix_stream(arg ? arg : 100);
	return 2;
}
