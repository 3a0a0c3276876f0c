/* UDP on loopback (AF_INET and AF_INET6): bind, connect and its AF_UNSPEC
 * undoing, sendto/recvfrom, datagram boundaries, MSG_TRUNC, MSG_PEEK, the
 * ECONNREFUSED a connected socket learns from loopback's ICMP, options
 * and poll.  Prints what each call gives, for comparison with a native
 * run; argv[1] picks a section. */
#include "inet_common.h"
#include <linux/sockios.h>

static void basic(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	show_int_opt("SO_SNDBUF", a, SOL_SOCKET, SO_SNDBUF);
	show_int_opt("SO_RCVBUF", a, SOL_SOCKET, SO_RCVBUF);
	show_int_opt("SO_PROTOCOL", a, SOL_SOCKET, SO_PROTOCOL);
	show_poll("fresh", a, 0);
	struct sockaddr_in la = sin4("127.0.0.1", 0);
	show("bind", bind(a, (void *)&la, sizeof(la)));
	sockname("a name", a, false);
	sockname("a peer", a, true);
	struct sockaddr_in dst = sin4("127.0.0.1", port_of(a));
	char buf[256];
	show("recv empty", recv(a, buf, sizeof(buf), MSG_DONTWAIT));
	show("send unconnected", send(b, "x", 1, 0));
	show("sendto", sendto(b, "hello", 5, 0, (void *)&dst, sizeof(dst)));
	sockname("b autobound", b, false);
	show("sendto 2", sendto(b, "world!", 6, 0, (void *)&dst, sizeof(dst)));
	show("sendto empty", sendto(b, "", 0, 0, (void *)&dst, sizeof(dst)));
	int n = -1;
	show("FIONREAD", ioctl(a, FIONREAD, &n));
	printf("first datagram %d\n", n);
	show_poll("a with data", a, 0);
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	show("recvfrom peek", recvfrom(a, buf, sizeof(buf), MSG_PEEK, (void *)&from, &fl));
	show_name("from", &from, fl);
	show("recv trunc", recv(a, buf, 2, 0));
	struct msghdr mh = { 0 };
	struct iovec iov = { buf, 3 };
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_name = &from;
	mh.msg_namelen = sizeof(from);
	show("recvmsg short", recvmsg(a, &mh, 0));
	printf("flags %#x namelen %u\n", mh.msg_flags, (unsigned)mh.msg_namelen);
	show("recv MSG_TRUNC empty", recv(a, buf, 0, MSG_TRUNC));
	show("recv after", recv(a, buf, sizeof(buf), MSG_DONTWAIT));
	show("sendto port 0", sendto(b, "x", 1, 0, (void *)&la, sizeof(la)));
	struct sockaddr_in far = sin4("192.0.2.1", 9);
	(void)far;
	show("sendto short addr", sendto(b, "x", 1, 0, (void *)&dst, sizeof(dst) - 1));
	struct sockaddr_in bad = dst;
	bad.sin_family = AF_INET6;
	show("sendto wrong family", sendto(b, "x", 1, 0, (void *)&bad, sizeof(bad)));
	bad.sin_family = AF_UNSPEC;
	show("sendto unspec", sendto(b, "u", 1, 0, (void *)&bad, sizeof(bad)));
	show("recv unspec", recv(a, buf, sizeof(buf), MSG_DONTWAIT));
	static char big[70000];
	show("sendto 65507", sendto(b, big, 65507, 0, (void *)&dst, sizeof(dst)));
	show("sendto 65508", sendto(b, big, 65508, 0, (void *)&dst, sizeof(dst)));
	show("recv big", recv(a, big, sizeof(big), 0));
	show("listen", listen(a, 1));
	show("accept", accept(a, NULL, NULL));
	show("shutdown unconnected", shutdown(a, SHUT_RD));
	show_poll("after SHUT_RD", a, 0);
	show("recv after SHUT_RD", recv(a, buf, 1, 0));
	close(a);
	close(b);
	/* bind conflicts: SO_REUSEADDR lets two share */
	a = socket(AF_INET, SOCK_DGRAM, 0);
	b = socket(AF_INET, SOCK_DGRAM, 0);
	bind(a, (void *)&la, sizeof(la));
	la.sin_port = htons(port_of(a));
	show("bind in use", bind(b, (void *)&la, sizeof(la)));
	close(a);
	close(b);
	a = socket(AF_INET, SOCK_DGRAM, 0);
	b = socket(AF_INET, SOCK_DGRAM, 0);
	setint(a, SOL_SOCKET, SO_REUSEADDR, 1);
	setint(b, SOL_SOCKET, SO_REUSEADDR, 1);
	la.sin_port = 0;
	bind(a, (void *)&la, sizeof(la));
	la.sin_port = htons(port_of(a));
	show("bind reuseaddr", bind(b, (void *)&la, sizeof(la)));
	close(a);
	close(b);
	show("SO_BROADCAST", (a = socket(AF_INET, SOCK_DGRAM, 0), setint(a, SOL_SOCKET, SO_BROADCAST, 1)));
	show_int_opt("SO_BROADCAST", a, SOL_SOCKET, SO_BROADCAST);
	show("set IP_TOS", setint(a, IPPROTO_IP, IP_TOS, 0x13));
	show_int_opt("IP_TOS", a, IPPROTO_IP, IP_TOS);
	show_int_opt("IP_TTL", a, IPPROTO_IP, IP_TTL);
	show_int_opt("IP_MULTICAST_TTL", a, IPPROTO_IP, IP_MULTICAST_TTL);
	show("bind multicast", (la = sin4("224.0.0.1", 0), bind(a, (void *)&la, sizeof(la))));
	close(a);
}

static void conn(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in la = sin4("127.0.0.1", 0);
	bind(a, (void *)&la, sizeof(la));
	bind(c, (void *)&la, sizeof(la));
	struct sockaddr_in da = sin4("127.0.0.1", port_of(a)), dc = sin4("127.0.0.1", port_of(c));
	show("connect", connect(b, (void *)&da, sizeof(da)));
	sockname("b name", b, false);
	sockname("b peer", b, true);
	show("send", send(b, "one", 3, 0));
	char buf[64];
	show("recv", recv(a, buf, sizeof(buf), 0));
	/* a connected socket takes only its peer's datagrams */
	show("c sends to b", sendto(c, "stranger", 8, 0, (void *)&la, 0) < 0 ? -1 : 0);
	struct sockaddr_in db;
	socklen_t dl = sizeof(db);
	getsockname(b, (void *)&db, &dl);
	show("c sendto b", sendto(c, "stranger", 8, 0, (void *)&db, sizeof(db)));
	show("a sendto b", sendto(a, "peer", 4, 0, (void *)&db, sizeof(db)));
	show("b recv", recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	printf("got %.4s\n", buf);
	show("b recv again", recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	show("sendto other on connected", sendto(b, "tc", 2, 0, (void *)&dc, sizeof(dc)));
	show("c got", recv(c, buf, sizeof(buf), MSG_DONTWAIT));
	/* the peer goes: ECONNREFUSED for the next call */
	close(a);
	show("send to closed", send(b, "x", 1, 0));
	show_poll("after refused", b, 0);
	show("send again", send(b, "x", 1, 0));
	show("send third", send(b, "x", 1, 0));
	show("recv refused", recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	show("recv after", recv(b, buf, sizeof(buf), MSG_DONTWAIT));
	show("send fourth", send(b, "x", 1, 0));
	show_int_opt("SO_ERROR", b, SOL_SOCKET, SO_ERROR);
	show_int_opt("SO_ERROR again", b, SOL_SOCKET, SO_ERROR);
	/* sendto a closed port from a connected socket: no error */
	show("sendto closed unconnected", sendto(c, "x", 1, 0, (void *)&da, sizeof(da)));
	show_int_opt("c SO_ERROR", c, SOL_SOCKET, SO_ERROR);
	/* AF_UNSPEC: disconnect */
	struct sockaddr un = { .sa_family = AF_UNSPEC };
	show("disconnect", connect(b, &un, sizeof(un)));
	sockname("b name after", b, false);
	sockname("b peer after", b, true);
	show("send after disconnect", send(b, "x", 1, 0));
	show("shutdown disconnected", shutdown(b, SHUT_WR));
	close(b);
	/* connect to a foreign address */
	b = socket(AF_INET, SOCK_DGRAM, 0);
	show("connect any", connect(b, (void *)&(struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(9) },
				       sizeof(struct sockaddr_in)));
	sockname("peer of any", b, true);
	sockname("name of any", b, false);
	show("connect short", connect(b, (void *)&dc, 8));
	show("shutdown connected", shutdown(b, SHUT_WR));
	show("send after SHUT_WR", send(b, "x", 1, MSG_NOSIGNAL));
	show_poll("after SHUT_WR", b, 0);
	close(b);
	close(c);
}

static void v6(void)
{
	int a = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 la = sin6("::", 0);
	show("bind ::", bind(a, (void *)&la, sizeof(la)));
	int port = port_of(a);
	int b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in d4 = sin4("127.0.0.1", port);
	show("v4 sendto ::", sendto(b, "four", 4, 0, (void *)&d4, sizeof(d4)));
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	char buf[64];
	show("recvfrom", recvfrom(a, buf, sizeof(buf), 0, (void *)&from, &fl));
	show_name("from", &from, fl);
	/* reply to the mapped address */
	show("reply", sendto(a, "back", 4, 0, (void *)&from, fl));
	struct sockaddr_in f4;
	socklen_t f4l = sizeof(f4);
	show("v4 recvfrom", recvfrom(b, buf, sizeof(buf), 0, (void *)&f4, &f4l));
	show_name("reply from", &f4, f4l);
	int c = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 d6 = sin6("::1", port);
	show("v6 sendto", sendto(c, "six", 3, 0, (void *)&d6, sizeof(d6)));
	fl = sizeof(from);
	show("recvfrom v6", recvfrom(a, buf, sizeof(buf), 0, (void *)&from, &fl));
	show_name("from", &from, fl);
	sockname("c autobound", c, false);
	show("v6 sendto v4 sockaddr", sendto(c, "mix", 3, 0, (void *)&d4, sizeof(d4)));
	fl = sizeof(from);
	show("recvfrom mix", recvfrom(a, buf, sizeof(buf), MSG_DONTWAIT, (void *)&from, &fl));
	show_name("from", &from, fl);
	static char big[70000];
	show("v6 sendto 65527", sendto(c, big, 65527, 0, (void *)&d6, sizeof(d6)));
	show("v6 sendto 65528", sendto(c, big, 65528, 0, (void *)&d6, sizeof(d6)));
	show("recv big", recv(a, big, sizeof(big), MSG_DONTWAIT));
	close(c);
	c = socket(AF_INET6, SOCK_DGRAM, 0);
	setint(c, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	show("v6only sendto mapped", sendto(c, "x", 1, 0,
					    (void *)&(struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_port = htons(port),
									    .sin6_addr.s6_addr = { [10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1 } },
					    sizeof(struct sockaddr_in6)));
	show_int_opt("IPV6_TCLASS", c, IPPROTO_IPV6, IPV6_TCLASS);
	show("set IPV6_TCLASS", setint(c, IPPROTO_IPV6, IPV6_TCLASS, 0x20));
	show_int_opt("IPV6_TCLASS", c, IPPROTO_IPV6, IPV6_TCLASS);
	show_int_opt("IP_TTL on v6", c, IPPROTO_IP, IP_TTL);
	show("connect v6", connect(c, (void *)&d6, sizeof(d6)));
	sockname("c peer", c, true);
	sockname("c name", c, false);
	close(c);
	close(b);
	close(a);
}

/* sendmmsg/recvmmsg, on UDP and on an AF_UNIX datagram pair */
static void mmsg_on(const char *what, int tx, int rx, struct sockaddr *dst, socklen_t dl)
{
	char data[3][16] = { "first", "second!", "third.." };
	struct iovec iov[3];
	struct mmsghdr mv[3];
	memset(mv, 0, sizeof(mv));
	for (int i = 0; i < 3; i++) {
		iov[i].iov_base = data[i];
		iov[i].iov_len = strlen(data[i]);
		mv[i].msg_hdr.msg_iov = &iov[i];
		mv[i].msg_hdr.msg_iovlen = 1;
		mv[i].msg_hdr.msg_name = dst;
		mv[i].msg_hdr.msg_namelen = dl;
	}
	printf("%s:\n", what);
	show("sendmmsg", sendmmsg(tx, mv, 3, 0));
	printf("lens %u %u %u\n", mv[0].msg_len, mv[1].msg_len, mv[2].msg_len);
	char in[5][16];
	struct iovec riov[5];
	struct mmsghdr rv[5];
	memset(rv, 0, sizeof(rv));
	for (int i = 0; i < 5; i++) {
		riov[i].iov_base = in[i];
		riov[i].iov_len = i == 1 ? 3 : 16;
		rv[i].msg_hdr.msg_iov = &riov[i];
		rv[i].msg_hdr.msg_iovlen = 1;
	}
	show("recvmmsg waitforone", recvmmsg(rx, rv, 5, MSG_WAITFORONE, NULL));
	for (int i = 0; i < 3; i++)
		printf("  %u '%.*s' flags %#x\n", rv[i].msg_len, (int)rv[i].msg_len, in[i], rv[i].msg_hdr.msg_flags);
	show("recvmmsg empty nonblock", recvmmsg(rx, rv, 5, MSG_DONTWAIT, NULL));
	show("sendmmsg vlen 0", sendmmsg(tx, mv, 0, 0));
	struct timespec ts = { 0, -1 };
	show("recvmmsg bad timeout", recvmmsg(rx, rv, 1, MSG_DONTWAIT, &ts));
}

static void mmsg(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in la = sin4("127.0.0.1", 0);
	bind(a, (void *)&la, sizeof(la));
	struct sockaddr_in dst = sin4("127.0.0.1", port_of(a));
	mmsg_on("udp", b, a, (void *)&dst, sizeof(dst));
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	mmsg_on("unix", sv[0], sv[1], NULL, 0);
	show("sendmmsg on a pipe", (pipe(sv), sendmmsg(sv[1], NULL, 1, 0)));
	show("sendmmsg bad fd", sendmmsg(999, NULL, 1, 0));
}

/* UDP-Lite: its own port table, the coverage options and what a
 * receiver's least coverage drops, on both families */
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif
#define UDPLITE_SEND_CSCOV 10
#define UDPLITE_RECV_CSCOV 11

static void lite_set(const char *what, int fd, int name, int v)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s set %d", what, v);
	show(buf, setsockopt(fd, IPPROTO_UDPLITE, name, &v, sizeof(v)));
	show_int_opt(what, fd, IPPROTO_UDPLITE, name);
}

static void lite_recv(const char *what, int fd)
{
	char buf[64];
	long n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	printf("%s: %ld%s%s\n", what, n, n < 0 ? " " : "", n < 0 ? strerrorname_np(errno) : "");
}

static void lite(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE), b = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	show("socket", a < 0 ? -1 : 0);
	show_int_opt("SO_PROTOCOL", a, SOL_SOCKET, SO_PROTOCOL);
	show_int_opt("SO_TYPE", a, SOL_SOCKET, SO_TYPE);
	show("stream udplite", socket(AF_INET, SOCK_STREAM, IPPROTO_UDPLITE));
	show_int_opt("SEND_CSCOV fresh", a, IPPROTO_UDPLITE, UDPLITE_SEND_CSCOV);
	show_int_opt("RECV_CSCOV fresh", a, IPPROTO_UDPLITE, UDPLITE_RECV_CSCOV);
	struct sockaddr_in la = sin4("127.0.0.1", 0);
	show("bind", bind(a, (void *)&la, sizeof(la)));
	/* a plain UDP socket may take the same port: another table */
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in same = sin4("127.0.0.1", port_of(a));
	show("udp bind same port", bind(u, (void *)&same, sizeof(same)));
	int a2 = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	show("udplite bind same port", bind(a2, (void *)&same, sizeof(same)));
	show("udp sendto", sendto(u, "plain", 5, 0, (void *)&same, sizeof(same)));
	lite_recv("udplite gets udp's", a);
	lite_recv("udp gets its own", u);
	show("coverage on udp", setsockopt(u, IPPROTO_UDPLITE, UDPLITE_SEND_CSCOV, &(int){ 8 }, sizeof(int)));
	show("coverage at SOL_UDP", setsockopt(b, IPPROTO_UDP, UDPLITE_SEND_CSCOV, &(int){ 20 }, sizeof(int)));
	show_int_opt("SEND_CSCOV via SOL_UDP", b, IPPROTO_UDP, UDPLITE_SEND_CSCOV);
	show("short optlen", setsockopt(b, IPPROTO_UDPLITE, UDPLITE_SEND_CSCOV, "x", 1));
	lite_set("SEND_CSCOV", b, UDPLITE_SEND_CSCOV, 3);
	lite_set("SEND_CSCOV", b, UDPLITE_SEND_CSCOV, 100000);
	lite_set("SEND_CSCOV", b, UDPLITE_SEND_CSCOV, -5);
	lite_set("SEND_CSCOV", b, UDPLITE_SEND_CSCOV, 0);
	const char msg[40] = "0123456789012345678901234567890123456789";
	show("full cover send", sendto(b, msg, 40, 0, (void *)&same, sizeof(same)));
	lite_recv("full cover", a);
	/* the receiver wants at least 20 bytes covered */
	lite_set("RECV_CSCOV", a, UDPLITE_RECV_CSCOV, 20);
	lite_set("SEND_CSCOV", b, UDPLITE_SEND_CSCOV, 16);
	show("cover 16 send", sendto(b, msg, 40, 0, (void *)&same, sizeof(same)));
	lite_recv("cover 16 to 20", a);
	lite_set("SEND_CSCOV", b, UDPLITE_SEND_CSCOV, 28);
	show("cover 28 send", sendto(b, msg, 40, 0, (void *)&same, sizeof(same)));
	lite_recv("cover 28 to 20", a);
	/* coverage past the datagram is full coverage */
	lite_set("SEND_CSCOV", b, UDPLITE_SEND_CSCOV, 16);
	show("short send", sendto(b, msg, 4, 0, (void *)&same, sizeof(same)));
	lite_recv("cover 16 of 12", a);
	/* a receiver asking full coverage refuses any partial one */
	lite_set("RECV_CSCOV", a, UDPLITE_RECV_CSCOV, 0);
	lite_set("SEND_CSCOV", b, UDPLITE_SEND_CSCOV, 28);
	show("partial to full", sendto(b, msg, 40, 0, (void *)&same, sizeof(same)));
	lite_recv("partial to full", a);
	lite_set("SEND_CSCOV", b, UDPLITE_SEND_CSCOV, 0);
	show("full to full", sendto(b, msg, 40, 0, (void *)&same, sizeof(same)));
	lite_recv("full to full", a);
	/* IPv6 */
	int c = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE), d = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE);
	struct sockaddr_in6 l6 = sin6("::1", 0);
	show("bind6", bind(c, (void *)&l6, sizeof(l6)));
	struct sockaddr_in6 to6 = sin6("::1", port_of(c));
	show("connect6", connect(d, (void *)&to6, sizeof(to6)));
	show("send6", send(d, "six", 3, 0));
	lite_recv("recv6", c);
	close(a), close(a2), close(b), close(c), close(d), close(u);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *what = argc > 1 ? argv[1] : "basic";
	if (!strcmp(what, "basic"))
		basic();
	else if (!strcmp(what, "conn"))
		conn();
	else if (!strcmp(what, "v6"))
		v6();
	else if (!strcmp(what, "mmsg"))
		mmsg();
	else if (!strcmp(what, "lite"))
		lite();
	else
		return 2;
	printf("== %s done\n", what);
	return 0;
}
