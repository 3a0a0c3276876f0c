/* Named AF_UNIX sockets: bind (path names in the directory given as
 * argv[2], abstract names, autobind), listen/accept/connect and their
 * errors, datagrams sent to a name, getsockname/getpeername and
 * SO_PEERCRED.  Prints what each call gives, for comparison with a native
 * run; argv[1] picks a section. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static socklen_t mkaddr(struct sockaddr_un *a, const char *dir, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

/* an abstract name unique to this run */
static socklen_t mkabstract(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "un_named-%d-%s", getpid(), name);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static socklen_t abstract_len;

static void showname(const char *what, int fd, bool peer)
{
	struct sockaddr_un a;
	socklen_t l = sizeof(a);
	memset(&a, 0, sizeof(a));
	int r = peer ? getpeername(fd, (struct sockaddr *)&a, &l) : getsockname(fd, (struct sockaddr *)&a, &l);
	if (r < 0) {
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
		return;
	}
	const char *p = a.sun_path;
	if (l > offsetof(struct sockaddr_un, sun_path) && a.sun_path[0] == 0)
		printf("%s: abstract %s\n", what, l == 8 ? "autobind" : l == abstract_len ? "named, its length" : "named?");
	else if (l > offsetof(struct sockaddr_un, sun_path))
		printf("%s: len %d path %s\n", what, (int)l, strrchr(p, '/') ? strrchr(p, '/') + 1 : p);
	else
		printf("%s: len %d\n", what, (int)l);
}

static void stream(const char *dir)
{
	struct sockaddr_un a, b;
	socklen_t al = mkaddr(&a, dir, "un_named.sock");
	unlink(a.sun_path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	show("connect missing", connect(c, (struct sockaddr *)&a, al));
	show("listen unbound", listen(s, 5));
	show("bind", bind(s, (struct sockaddr *)&a, al));
	struct stat st;
	show("stat", stat(a.sun_path, &st));
	printf("S_ISSOCK %d\n", S_ISSOCK(st.st_mode));
	show("open socket file", open(a.sun_path, O_RDONLY));
	show("bind again", bind(s, (struct sockaddr *)&a, al));
	int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
	show("bind in use", bind(s2, (struct sockaddr *)&a, al));
	show("connect not listening", connect(c, (struct sockaddr *)&a, al));
	show("accept not listening", accept(s, NULL, NULL));
	showname("sockname", s, false);
	showname("peername unconnected", s, true);
	show("send unconnected", send(c, "x", 1, MSG_NOSIGNAL));
	char buf[32];
	show("recv unconnected", recv(c, buf, 1, MSG_DONTWAIT));
	show("listen", listen(s, 1));
	int v;
	socklen_t vl = sizeof(v);
	getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
	printf("acceptconn %d\n", v);
	show("connect", connect(c, (struct sockaddr *)&a, al));
	show("connect again", connect(c, (struct sockaddr *)&a, al));
	showname("client sockname", c, false);
	showname("client peername", c, true);
	show("send before accept", send(c, "early", 5, 0));
	struct sockaddr_un from;
	socklen_t fl = sizeof(from);
	int x = accept4(s, (struct sockaddr *)&from, &fl, SOCK_CLOEXEC | SOCK_NONBLOCK);
	show("accept4", x >= 0 ? 0 : -1);
	printf("from len %d cloexec %d nonblock %d\n", (int)fl, !!(fcntl(x, F_GETFD) & FD_CLOEXEC),
	       !!(fcntl(x, F_GETFL) & O_NONBLOCK));
	showname("accepted sockname", x, false);
	showname("accepted peername", x, true);
	ssize_t n = recv(x, buf, sizeof(buf), 0);
	printf("early %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	fcntl(s, F_SETFL, O_NONBLOCK);
	show("accept empty nonblock", accept4(s, NULL, NULL, 0));
	fcntl(s, F_SETFL, 0);
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	getsockopt(x, SOL_SOCKET, SO_PEERCRED, &cr, &cl);
	printf("peercred pid ok %d uid %d\n", cr.pid == getpid(), cr.uid);
	/* a backlog of 1: two pending connections fit, the third waits */
	int p1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int p2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int p3 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	show("pending 1", connect(p1, (struct sockaddr *)&a, al));
	show("pending 2", connect(p2, (struct sockaddr *)&a, al));
	show("pending 3", connect(p3, (struct sockaddr *)&a, al));
	struct pollfd pf = { s, POLLIN, 0 };
	int pr = poll(&pf, 1, 0);
	printf("listener poll %d %x\n", pr, pf.revents);
	/* closed before being accepted: accept still gives them, at EOF */
	close(p1);
	close(p2);
	close(p3);
	/* a child connects and blocks; accept lets it in */
	pid_t ch = fork();
	if (ch == 0) {
		int k = socket(AF_UNIX, SOCK_STREAM, 0);
		int r = connect(k, (struct sockaddr *)&a, al);
		write(k, "child", 5);
		_exit(r == 0 ? 0 : 1);
	}
	int acc = 0;
	char cb[8];
	for (;;) {
		int y = accept(s, NULL, NULL);
		if (y < 0)
			break;
		acc++;
		n = read(y, cb, sizeof(cb));
		close(y);
		if (n == 5 && !memcmp(cb, "child", 5))
			break;
	}
	int stt;
	waitpid(ch, &stt, 0);
	printf("accepted %d child %d\n", acc, WEXITSTATUS(stt));
	/* closing with unread data: the peer sees ECONNRESET */
	write(c, "unread", 6);
	close(x);
	show("recv after reset", recv(c, buf, sizeof(buf), 0));
	show("recv after reset again", recv(c, buf, sizeof(buf), 0));
	close(c);
	close(s);
	/* the name stays; a new bind there is EADDRINUSE until unlinked */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	show("bind stale", bind(s, (struct sockaddr *)&a, al));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	show("connect stale", connect(c, (struct sockaddr *)&a, al));
	show("unlink", unlink(a.sun_path));
	show("bind after unlink", bind(s, (struct sockaddr *)&a, al));
	close(s);
	close(c);
	close(s2);
	unlink(a.sun_path);
	/* wrong type */
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(s, (struct sockaddr *)&a, al);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	show("connect wrong type", connect(c, (struct sockaddr *)&a, al));
	show("listen dgram", listen(s, 1));
	show("accept dgram", accept(s, NULL, NULL));
	close(s);
	close(c);
	unlink(a.sun_path);
	/* a socket file that is not a socket; a bad family; a long path */
	mkaddr(&b, dir, "un_named.file");
	close(open(b.sun_path, O_CREAT | O_WRONLY, 0644));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	show("connect to a file", connect(c, (struct sockaddr *)&b, al));
	unlink(b.sun_path);
	b.sun_family = AF_INET;
	show("bind bad family", bind(c, (struct sockaddr *)&b, al));
	show("bind short", bind(c, (struct sockaddr *)&b, 1));
	mkaddr(&b, "/nonexistent-dir", "x");
	show("bind missing dir", bind(c, (struct sockaddr *)&b, sizeof(b)));
	close(c);
}

static void abstract(void)
{
	struct sockaddr_un a;
	socklen_t al = mkabstract(&a, "s");
	abstract_len = al;
	int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	show("connect nobody", connect(c, (struct sockaddr *)&a, al));
	show("bind abstract", bind(s, (struct sockaddr *)&a, al));
	int s2 = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	show("bind abstract in use", bind(s2, (struct sockaddr *)&a, al));
	showname("sockname", s, false);
	show("listen", listen(s, 4));
	show("connect", connect(c, (struct sockaddr *)&a, al));
	int x = accept(s, NULL, NULL);
	show("send", send(c, "one", 3, 0));
	show("send", send(c, "two!", 4, 0));
	char buf[16];
	show("recv", recv(x, buf, sizeof(buf), 0));
	show("recv", recv(x, buf, sizeof(buf), 0));
	close(c);
	show("recv eof", recv(x, buf, sizeof(buf), 0));
	signal(SIGPIPE, SIG_IGN);
	show("send to closed", send(x, "z", 1, 0));
	close(x);
	close(s);
	/* the name goes with the socket */
	show("bind reused", bind(s2, (struct sockaddr *)&a, al));
	close(s2);
	/* autobind */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un fam = { .sun_family = AF_UNIX };
	show("autobind", bind(s, (struct sockaddr *)&fam, sizeof(sa_family_t)));
	showname("autobound", s, false);
	show("bind after autobind", bind(s, (struct sockaddr *)&a, al));
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	showname("unbound", s, false);
	close(s);
}

static void dgram(const char *dir)
{
	struct sockaddr_un a, b;
	socklen_t al = mkaddr(&a, dir, "un_named.dg");
	unlink(a.sun_path);
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	int c = socket(AF_UNIX, SOCK_DGRAM, 0);
	show("sendto missing", sendto(c, "x", 1, 0, (struct sockaddr *)&a, al));
	show("bind", bind(s, (struct sockaddr *)&a, al));
	show("send unconnected", send(c, "x", 1, 0));
	show("sendto", sendto(c, "hello", 5, 0, (struct sockaddr *)&a, al));
	char buf[16];
	struct sockaddr_un from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	printf("recvfrom %zd from len %d\n", n, (int)fl);
	/* a bound sender is named to the receiver */
	socklen_t bl = mkaddr(&b, dir, "un_named.dg2");
	unlink(b.sun_path);
	show("bind sender", bind(c, (struct sockaddr *)&b, bl));
	sendto(c, "named", 5, 0, (struct sockaddr *)&a, al);
	fl = sizeof(from);
	n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	printf("recvfrom %zd from len %d %s\n", n, (int)fl, strrchr(from.sun_path, '/') + 1);
	/* connect: a default destination, and only that peer may send */
	show("connect", connect(c, (struct sockaddr *)&a, al));
	show("send connected", send(c, "dflt", 4, 0));
	show("recv", recv(s, buf, sizeof(buf), 0));
	showname("peername", c, true);
	show("connect receiver to sender", connect(s, (struct sockaddr *)&b, bl));
	int o = socket(AF_UNIX, SOCK_DGRAM, 0);
	show("sendto a connected other", sendto(o, "x", 1, 0, (struct sockaddr *)&a, al));
	struct sockaddr un = { .sa_family = AF_UNSPEC };
	show("disconnect", connect(s, &un, sizeof(un)));
	show("sendto again", sendto(o, "x", 1, 0, (struct sockaddr *)&a, al));
	show("recv", recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	/* the queue of a receiver that is not the sender's peer is bounded */
	int k, sent = 0;
	for (k = 0; k < 100; k++)
		if (sendto(o, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, al) < 0)
			break;
		else
			sent++;
	printf("queued %d then %s\n", sent, strerrorname_np(errno));
	show("shutdown dgram", shutdown(s, SHUT_RD));
	show("sendto shut", sendto(o, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, al));
	close(o);
	close(c);
	close(s);
	show("sendto closed", sendto(socket(AF_UNIX, SOCK_DGRAM, 0), "x", 1, 0, (struct sockaddr *)&a, al));
	unlink(a.sun_path);
	unlink(b.sun_path);
	/* a stream socket given an address to send to */
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	show("sendto on connected stream", sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, al));
	close(sv[0]);
	close(sv[1]);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *only = argc > 1 ? argv[1] : "";
	const char *dir = argc > 2 ? argv[2] : "tmp";
	if (!strcmp(dir, "tmpfs")) {
		/* /tmp; the guest's init (as root) mounts a tmpfs there first */
		if (getpid() == 1)
			mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
		dir = "/tmp";
	}
	if (!*only || !strcmp(only, "stream"))
		stream(dir);
	if (!*only || !strcmp(only, "abstract"))
		abstract();
	if (!*only || !strcmp(only, "dgram"))
		dgram(dir);
	if (!strcmp(only, "leave")) {
		/* a listener's name left behind for the host to look at */
		struct sockaddr_un a;
		socklen_t al = mkaddr(&a, dir, "un_named.left");
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		show("bind", bind(s, (struct sockaddr *)&a, al));
		show("listen", listen(s, 1));
	}
	return 0;
}
