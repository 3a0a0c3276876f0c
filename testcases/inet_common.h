/* Helpers of the inet_*.c tests: print what a call gives (its value or
 * its errno's name) so that a guest run and a native one can be compared
 * line by line; addresses on loopback with ports the kernel picks (only
 * whether a port is in the ephemeral range is printed, never its number). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static inline void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
	fflush(stdout);
}

static inline struct sockaddr_in sin4(const char *ip, int port)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static inline struct sockaddr_in6 sin6(const char *ip, int port)
{
	struct sockaddr_in6 a;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

/* "ADDR:eph" or "ADDR:0" / "ADDR:PORT" for the fixed ones asked */
static inline void show_name(const char *what, const void *sa, socklen_t len)
{
	char buf[64] = "?";
	int port = -1;
	const struct sockaddr *s = sa;
	if (s->sa_family == AF_INET) {
		const struct sockaddr_in *a = sa;
		inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
		port = ntohs(a->sin_port);
	} else if (s->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = sa;
		inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
		port = ntohs(a->sin6_port);
	}
	printf("%s: fam %d len %u %s:%s\n", what, s->sa_family, (unsigned)len, buf,
	       port == 0 ? "0" : port >= 32768 && port <= 60999 ? "eph" : "other");
	fflush(stdout);
}

static inline void sockname(const char *what, int fd, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	int r = peer ? getpeername(fd, (void *)&ss, &l) : getsockname(fd, (void *)&ss, &l);
	if (r < 0)
		show(what, r);
	else
		show_name(what, &ss, l);
}

static inline int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	getsockname(fd, (void *)&ss, &l);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static inline void show_poll(const char *what, int fd, int timeout)
{
	struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP | POLLPRI, 0 };
	int r = poll(&p, 1, timeout);
	printf("%s: poll %d revents %#x\n", what, r, p.revents);
	fflush(stdout);
}

static inline void show_int_opt(const char *what, int fd, int level, int name)
{
	int v = -12345;
	socklen_t l = sizeof(v);
	int r = getsockopt(fd, level, name, &v, &l);
	if (r < 0)
		show(what, r);
	else
		printf("%s: %d (len %u)\n", what, v, (unsigned)l);
	fflush(stdout);
}

static inline int setint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

/* a listener on 127.0.0.1 (or ADDR) at a kernel-chosen port */
static inline int listener4(const char *ip, int backlog, int *port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = sin4(ip, 0);
	if (bind(s, (void *)&a, sizeof(a)) < 0 || listen(s, backlog) < 0) {
		perror("listener");
		exit(1);
	}
	*port = port_of(s);
	return s;
}
