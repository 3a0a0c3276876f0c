/* IP-level ancillary data of UDP on loopback: the receive options
 * (IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVORIGDSTADDR; IPV6_RECV*),
 * the control messages recvmsg puts and their order, truncation
 * (MSG_CTRUNC) with small control buffers, sendmsg's IP_TTL / IP_TOS /
 * IP_PKTINFO / IPV6_HOPLIMIT / IPV6_TCLASS / IPV6_PKTINFO and their
 * errors, SOL_SOCKET messages on inet sockets, SO_TIMESTAMP(NS).
 * Prints what each call gives for comparison with a native run; argv[1]
 * picks a section: v4 v6 dual send4 send6 trunc ts. */
#include "inet_common.h"
#include <time.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define SOL_UDP 17
#define IPV6_FLOWINFO 11

static int cmsg_flags;

/* every control message of a received msghdr, decoded when whole */
static void dump(const char *what, long r, struct msghdr *mh)
{
	show(what, r);
	if (r < 0)
		return;
	printf("  flags%s%s controllen %zu\n", mh->msg_flags & MSG_CTRUNC ? " CTRUNC" : "",
	       mh->msg_flags & MSG_TRUNC ? " TRUNC" : "", (size_t)mh->msg_controllen);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t dl = c->cmsg_len >= CMSG_LEN(0) ? c->cmsg_len - CMSG_LEN(0) : 0;
		printf("  cmsg level %d type %d len %zu:", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len);
		const unsigned char *d = CMSG_DATA(c);
		char a[64] = "", b[64] = "";
		if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_PKTINFO && dl == sizeof(struct in_pktinfo)) {
			struct in_pktinfo pi;
			memcpy(&pi, d, sizeof(pi));
			inet_ntop(AF_INET, &pi.ipi_spec_dst, a, sizeof(a));
			inet_ntop(AF_INET, &pi.ipi_addr, b, sizeof(b));
			printf(" ifindex %d spec_dst %s addr %s", pi.ipi_ifindex, a, b);
		} else if (c->cmsg_level == SOL_IPV6 && (c->cmsg_type == IPV6_PKTINFO || c->cmsg_type == IPV6_2292PKTINFO) &&
			   dl == sizeof(struct in6_pktinfo)) {
			struct in6_pktinfo pi;
			memcpy(&pi, d, sizeof(pi));
			inet_ntop(AF_INET6, &pi.ipi6_addr, a, sizeof(a));
			printf(" ifindex %d addr %s", pi.ipi6_ifindex, a);
		} else if ((c->cmsg_type == IP_ORIGDSTADDR && c->cmsg_level == SOL_IP && dl == sizeof(struct sockaddr_in)) ||
			   (c->cmsg_type == IPV6_ORIGDSTADDR && c->cmsg_level == SOL_IPV6 &&
			    dl == sizeof(struct sockaddr_in6))) {
			struct sockaddr_in6 s6;
			memcpy(&s6, d, dl);
			show_name("", &s6, dl);
			if (dl == sizeof(s6))
				printf("   flowinfo %u scope %u", s6.sin6_flowinfo, s6.sin6_scope_id);
		} else if (c->cmsg_level == SOL_SOCKET && (c->cmsg_type == SO_TIMESTAMP || c->cmsg_type == SO_TIMESTAMPNS)) {
			struct timespec now, t;
			clock_gettime(CLOCK_REALTIME, &now);
			long long v[2];
			memcpy(v, d, MIN(dl, sizeof(v)));
			t.tv_sec = v[0];
			long long sub = c->cmsg_type == SO_TIMESTAMP ? v[1] * 1000 : v[1];
			bool sane = dl == 16 && now.tv_sec - t.tv_sec <= 10 && now.tv_sec >= t.tv_sec && sub >= 0 &&
				    sub < 1000000000;
			printf(" time %s", sane ? "sane" : "odd");
		} else if (dl == sizeof(int)) {
			int v;
			memcpy(&v, d, sizeof(v));
			printf(" int %d", v);
		} else {
			for (size_t i = 0; i < dl && i < 32; i++)
				printf(" %02x", d[i]);
		}
		printf("\n");
	}
	fflush(stdout);
}

/* one datagram received with a control buffer of clen bytes */
static void rcv(const char *what, int fd, size_t clen)
{
	static union { char buf[512]; struct cmsghdr align; } ctl;
	char data[64];
	struct sockaddr_storage from;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = clen ? ctl.buf : NULL, .msg_controllen = clen };
	memset(ctl.buf, 0xee, sizeof(ctl.buf));
	memset(&from, 0, sizeof(from));
	long r = recvmsg(fd, &mh, MSG_DONTWAIT | cmsg_flags);
	dump(what, r, &mh);
	if (r >= 0 && mh.msg_namelen)
		show_name("  from", &from, mh.msg_namelen);
	if (r >= 0 && clen && clen < sizeof(ctl.buf))
		printf("  byte after %s\n", (unsigned char)ctl.buf[clen] == 0xee ? "untouched" : "written");
}

/* a cmsg list under construction */
struct cbuf {
	union { char buf[512]; struct cmsghdr align; } u;
	size_t len;
};

static void add(struct cbuf *c, int level, int type, const void *data, size_t dlen)
{
	struct cmsghdr *h = (struct cmsghdr *)(c->u.buf + c->len);
	memset(h, 0, CMSG_SPACE(dlen));
	h->cmsg_len = CMSG_LEN(dlen);
	h->cmsg_level = level;
	h->cmsg_type = type;
	memcpy(CMSG_DATA(h), data, dlen);
	c->len += CMSG_SPACE(dlen);
}

static void addint(struct cbuf *c, int level, int type, int v)
{
	add(c, level, type, &v, sizeof(v));
}

static long snd(int fd, const void *dst, socklen_t dl, struct cbuf *c, size_t clen)
{
	struct iovec iov = { "data", 4 };
	struct msghdr mh = { .msg_name = (void *)dst, .msg_namelen = dl, .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c ? c->u.buf : NULL, .msg_controllen = c ? clen : 0 };
	return sendmsg(fd, &mh, 0);
}

static void try_send(const char *what, int fd, const void *dst, socklen_t dl, struct cbuf *c, int rfd)
{
	show(what, snd(fd, dst, dl, c, c ? c->len : 0));
	if (rfd >= 0)
		rcv("  got", rfd, 256);
}

static void opt(const char *what, int fd, int level, int name)
{
	show_int_opt(what, fd, level, name);
	unsigned char b = 0x77;
	socklen_t l = 1;
	int r = getsockopt(fd, level, name, &b, &l);
	if (r < 0)
		show("  len 1", r);
	else
		printf("  len 1: %d (len %u)\n", b, (unsigned)l);
}

static int udp4(const char *ip, int *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = sin4(ip, 0);
	if (bind(fd, (void *)&a, sizeof(a)) < 0)
		perror("bind");
	if (port)
		*port = port_of(fd);
	return fd;
}

static int udp6(const char *ip, int *port, bool v6only)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	setint(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only);
	struct sockaddr_in6 a = sin6(ip, 0);
	if (bind(fd, (void *)&a, sizeof(a)) < 0)
		perror("bind6");
	if (port)
		*port = port_of(fd);
	return fd;
}

static const int opts4[] = { IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVORIGDSTADDR };
static const char *const names4[] = { "IP_PKTINFO", "IP_RECVTTL", "IP_RECVTOS", "IP_RECVORIGDSTADDR" };
static const int opts6[] = { IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS, IPV6_RECVORIGDSTADDR,
			     IPV6_2292PKTINFO, IPV6_2292HOPLIMIT };
static const char *const names6[] = { "IPV6_RECVPKTINFO", "IPV6_RECVHOPLIMIT", "IPV6_RECVTCLASS",
				      "IPV6_RECVORIGDSTADDR", "IPV6_2292PKTINFO", "IPV6_2292HOPLIMIT" };

static void v4(void)
{
	int port, r = udp4("0.0.0.0", &port), s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in dst = sin4("127.0.0.1", port), dst3 = sin4("127.0.0.3", port);
	for (int i = 0; i < 4; i++)
		opt(names4[i], r, SOL_IP, opts4[i]);
	try_send("none asked", s, &dst, sizeof(dst), NULL, r);
	for (int i = 0; i < 4; i++) {
		show(names4[i], setint(r, SOL_IP, opts4[i], i == 2 ? 5 : 1));
		opt(names4[i], r, SOL_IP, opts4[i]);
		try_send("  send", s, &dst, sizeof(dst), NULL, r);
	}
	unsigned char one = 1;
	show("IP_RECVTOS len 1", setsockopt(r, SOL_IP, IP_RECVTOS, &one, 1));
	opt("IP_RECVTOS", r, SOL_IP, IP_RECVTOS);
	try_send("to 127.0.0.3", s, &dst3, sizeof(dst3), NULL, r);
	show("IP_TTL 7", setint(s, SOL_IP, IP_TTL, 7));
	show("IP_TOS 0x28", setint(s, SOL_IP, IP_TOS, 0x28));
	try_send("options", s, &dst, sizeof(dst), NULL, r);
	struct cbuf c = { .len = 0 };
	addint(&c, SOL_IP, IP_TTL, 9);
	unsigned char tos = 0x10;
	add(&c, SOL_IP, IP_TOS, &tos, 1);
	try_send("cmsg ttl 9 tos byte", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	addint(&c, SOL_IP, IP_TOS, 0xfc);
	try_send("cmsg tos int", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	struct in_pktinfo pi = { 0 };
	inet_pton(AF_INET, "127.0.0.2", &pi.ipi_spec_dst);
	add(&c, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
	try_send("pktinfo src 127.0.0.2", s, &dst, sizeof(dst), &c, r);
	pi.ipi_ifindex = 1;
	c.len = 0;
	add(&c, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
	try_send("pktinfo lo src 127.0.0.2", s, &dst3, sizeof(dst3), &c, r);
	show("IP_TTL -1", setint(s, SOL_IP, IP_TTL, -1));
	show("IP_TOS 0", setint(s, SOL_IP, IP_TOS, 0));
	for (int i = 0; i < 4; i += 2) {
		show(names4[i], setint(r, SOL_IP, opts4[i], 0));
		opt(names4[i], r, SOL_IP, opts4[i]);
	}
	show("IP_RECVTTL len 0", setsockopt(r, SOL_IP, IP_RECVTTL, &one, 0));
	opt("IP_RECVTTL", r, SOL_IP, IP_RECVTTL);
	try_send("origdst only", s, &dst, sizeof(dst), NULL, r);
	/* connected sockets, and TCP gives none of these */
	int cs = socket(AF_INET, SOCK_DGRAM, 0);
	show("connect", connect(cs, (void *)&dst, sizeof(dst)));
	setint(r, SOL_IP, IP_PKTINFO, 1);
	try_send("connected", cs, NULL, 0, NULL, r);
	close(cs);
	close(s);
	close(r);
	int lport, l = listener4("127.0.0.1", 4, &lport);
	int t = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in ta = sin4("127.0.0.1", lport);
	show("tcp connect", connect(t, (void *)&ta, sizeof(ta)));
	int a = accept(l, NULL, NULL);
	for (int i = 0; i < 4; i++)
		setint(a, SOL_IP, opts4[i], 1);
	opt("tcp IP_PKTINFO", a, SOL_IP, IP_PKTINFO);
	show("tcp send", send(t, "tcp", 3, 0));
	struct pollfd p = { a, POLLIN, 0 };
	poll(&p, 1, 5000);
	rcv("tcp recvmsg", a, 256);
	close(t);
	close(a);
	close(l);
}

static void v6(void)
{
	int port, r = udp6("::", &port, true), s = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 dst = sin6("::1", port);
	for (int i = 0; i < 6; i++)
		opt(names6[i], r, SOL_IPV6, opts6[i]);
	try_send("none asked", s, &dst, sizeof(dst), NULL, r);
	for (int i = 0; i < 6; i++) {
		show(names6[i], setint(r, SOL_IPV6, opts6[i], i == 1 ? 7 : 1));
		opt(names6[i], r, SOL_IPV6, opts6[i]);
		try_send("  send", s, &dst, sizeof(dst), NULL, r);
	}
	unsigned char one = 1;
	show("IPV6_RECVTCLASS len 1", setsockopt(r, SOL_IPV6, IPV6_RECVTCLASS, &one, 1));
	for (int i = 0; i < 4; i++)
		show("set IP option on v6", setint(r, SOL_IP, opts4[i], 1));
	try_send("IP options ignored for v6", s, &dst, sizeof(dst), NULL, r);
	for (int i = 3; i < 6; i++)
		setint(r, SOL_IPV6, opts6[i], 0);
	show("IPV6_UNICAST_HOPS 5", setint(s, SOL_IPV6, IPV6_UNICAST_HOPS, 5));
	show("IPV6_TCLASS 0x40", setint(s, SOL_IPV6, IPV6_TCLASS, 0x40));
	show("IP_TTL on v6 sender", setint(s, SOL_IP, IP_TTL, 99));
	try_send("options", s, &dst, sizeof(dst), NULL, r);
	struct cbuf c = { .len = 0 };
	addint(&c, SOL_IPV6, IPV6_HOPLIMIT, 3);
	addint(&c, SOL_IPV6, IPV6_TCLASS, 0x22);
	try_send("cmsg hops 3 tclass 0x22", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	addint(&c, SOL_IPV6, IPV6_HOPLIMIT, -1);
	addint(&c, SOL_IPV6, IPV6_TCLASS, -1);
	try_send("cmsg -1 -1", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	addint(&c, SOL_IPV6, IPV6_HOPLIMIT, 0);
	addint(&c, SOL_IPV6, IPV6_TCLASS, 0);
	addint(&c, SOL_IP, IP_TTL, 0); /* another family's level: ignored */
	try_send("cmsg 0 0", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	struct in6_pktinfo pi = { .ipi6_ifindex = 1 };
	inet_pton(AF_INET6, "::1", &pi.ipi6_addr);
	add(&c, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	try_send("pktinfo lo ::1", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	memset(&pi, 0, sizeof(pi));
	add(&c, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	try_send("pktinfo any", s, &dst, sizeof(dst), &c, r);
	show("IPV6_UNICAST_HOPS -1", setint(s, SOL_IPV6, IPV6_UNICAST_HOPS, -1));
	show("IPV6_TCLASS -1", setint(s, SOL_IPV6, IPV6_TCLASS, -1));
	opt("IPV6_TCLASS", s, SOL_IPV6, IPV6_TCLASS);
	opt("IPV6_UNICAST_HOPS", s, SOL_IPV6, IPV6_UNICAST_HOPS);
	try_send("defaults", s, &dst, sizeof(dst), NULL, r);
	/* an IPv4 socket has no IPv6 level */
	int s4 = socket(AF_INET, SOCK_DGRAM, 0);
	show("IPV6_RECVPKTINFO on v4", setint(s4, SOL_IPV6, IPV6_RECVPKTINFO, 1));
	opt("IPV6_RECVPKTINFO on v4", s4, SOL_IPV6, IPV6_RECVPKTINFO);
	close(s4);
	close(s);
	close(r);
}

static void dual(void)
{
	int port, r = udp6("::", &port, false), s = socket(AF_INET, SOCK_DGRAM, 0);
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in dst = sin4("127.0.0.1", port);
	struct sockaddr_in6 dstm = sin6("::ffff:127.0.0.1", port), dst6 = sin6("::1", port);
	for (int i = 0; i < 4; i++)
		setint(r, SOL_IPV6, opts6[i], 1);
	show("IP_TTL 21", setint(s, SOL_IP, IP_TTL, 21));
	try_send("v4 with IPV6 options", s, &dst, sizeof(dst), NULL, r);
	try_send("v6 with IPV6 options", s6, &dst6, sizeof(dst6), NULL, r);
	for (int i = 0; i < 4; i++)
		show(names4[i], setint(r, SOL_IP, opts4[i], 1));
	try_send("v4 with both", s, &dst, sizeof(dst), NULL, r);
	try_send("v6 with both", s6, &dst6, sizeof(dst6), NULL, r);
	setint(r, SOL_IPV6, IPV6_RECVPKTINFO, 0);
	try_send("v4 without IPV6_RECVPKTINFO", s, &dst, sizeof(dst), NULL, r);
	/* a dual-stack sender to a v4-mapped address: IPv4's options */
	show("s6 IP_TTL 13", setint(s6, SOL_IP, IP_TTL, 13));
	show("s6 IP_TOS 0x48", setint(s6, SOL_IP, IP_TOS, 0x48));
	show("s6 IPV6_UNICAST_HOPS 4", setint(s6, SOL_IPV6, IPV6_UNICAST_HOPS, 4));
	try_send("s6 to mapped", s6, &dstm, sizeof(dstm), NULL, r);
	try_send("s6 to ::1", s6, &dst6, sizeof(dst6), NULL, r);
	struct cbuf c = { .len = 0 };
	addint(&c, SOL_IPV6, IPV6_HOPLIMIT, 300); /* ignored for IPv4 */
	addint(&c, SOL_IPV6, IPV6_TCLASS, 2);
	addint(&c, SOL_IP, IP_TTL, 11);
	try_send("s6 mapped cmsgs", s6, &dstm, sizeof(dstm), &c, r);
	c.len = 0;
	struct in6_pktinfo pi = { 0 };
	inet_pton(AF_INET6, "::ffff:127.0.0.2", &pi.ipi6_addr);
	add(&c, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	try_send("s6 mapped pktinfo 127.0.0.2", s6, &dstm, sizeof(dstm), &c, r);
	c.len = 0;
	inet_pton(AF_INET6, "::1", &pi.ipi6_addr);
	add(&c, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	try_send("s6 mapped pktinfo ::1", s6, &dstm, sizeof(dstm), &c, r);
	c.len = 0;
	add(&c, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi) - 1);
	try_send("s6 mapped pktinfo short", s6, &dstm, sizeof(dstm), &c, r);
	c.len = 0;
	addint(&c, SOL_IP, IP_TTL, 0);
	try_send("s6 mapped IP_TTL 0", s6, &dstm, sizeof(dstm), &c, r);
	try_send("s6 to ::1 IP_TTL 0", s6, &dst6, sizeof(dst6), &c, r);
	/* an AF_INET socket's IPV6_PKTINFO is another level's */
	c.len = 0;
	add(&c, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi) - 1);
	try_send("v4 socket IPV6_PKTINFO", s, &dst, sizeof(dst), &c, r);
	close(s);
	close(s6);
	close(r);
}

static void send4(void)
{
	int port, r = udp4("127.0.0.1", &port), s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in dst = sin4("127.0.0.1", port);
	struct cbuf c;
	setint(r, SOL_IP, IP_RECVTTL, 1);
#define ONE(what, level, type, val) \
	do { c.len = 0; addint(&c, level, type, val); try_send(what, s, &dst, sizeof(dst), &c, r); } while (0)
	ONE("IP_TTL 0", SOL_IP, IP_TTL, 0);
	ONE("IP_TTL 255", SOL_IP, IP_TTL, 255);
	ONE("IP_TTL 256", SOL_IP, IP_TTL, 256);
	ONE("IP_TTL -1", SOL_IP, IP_TTL, -1);
	ONE("IP_TOS 256", SOL_IP, IP_TOS, 256);
	ONE("IP_TOS -1", SOL_IP, IP_TOS, -1);
	ONE("IP_TOS 255", SOL_IP, IP_TOS, 255);
	ONE("unknown IP type", SOL_IP, 200, 1);
	ONE("IP_RECVTTL as cmsg", SOL_IP, IP_RECVTTL, 1);
	ONE("IPV6_HOPLIMIT on v4", SOL_IPV6, IPV6_HOPLIMIT, 1);
	ONE("level 99", 99, 1, 1);
	ONE("SOL_UDP", SOL_UDP, 200, 1);
	ONE("SOL_SOCKET unknown", SOL_SOCKET, 200, 1);
	ONE("SOL_SOCKET SCM_RIGHTS", SOL_SOCKET, SCM_RIGHTS, 0);
	ONE("SOL_SOCKET SCM_CREDENTIALS", SOL_SOCKET, SCM_CREDENTIALS, 0);
	ONE("SOL_SOCKET SO_MARK", SOL_SOCKET, SO_MARK, 0);
	ONE("SOL_SOCKET SO_PRIORITY 3", SOL_SOCKET, SO_PRIORITY, 3);
	ONE("SOL_SOCKET SO_PRIORITY 7", SOL_SOCKET, SO_PRIORITY, 7);
	ONE("SOL_SOCKET SO_TIMESTAMPING 1", SOL_SOCKET, SO_TIMESTAMPING, 1);
	ONE("SOL_SOCKET SO_TIMESTAMPING 4", SOL_SOCKET, SO_TIMESTAMPING, 4);
	ONE("SOL_SOCKET SO_TIMESTAMP", SOL_SOCKET, SO_TIMESTAMP, 1);
	c.len = 0;
	add(&c, SOL_IP, IP_TTL, "\x05", 1);
	try_send("IP_TTL one byte", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	add(&c, SOL_IP, IP_TOS, "\x05\x00", 2);
	try_send("IP_TOS two bytes", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	add(&c, SOL_IP, IP_TTL, "\x05\0\0\0\0\0\0\0", 8);
	try_send("IP_TTL eight bytes", s, &dst, sizeof(dst), &c, r);
	struct in_pktinfo pi = { .ipi_ifindex = 99 };
	c.len = 0;
	add(&c, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
	try_send("pktinfo ifindex 99", s, &dst, sizeof(dst), &c, r);
	const char *srcs[] = { "10.255.255.1", "224.0.0.1", "255.255.255.255", "0.1.2.3", "127.9.9.9" };
	for (int i = 0; i < 5; i++) {
		memset(&pi, 0, sizeof(pi));
		inet_pton(AF_INET, srcs[i], &pi.ipi_spec_dst);
		c.len = 0;
		add(&c, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
		printf("spec_dst %s\n", srcs[i]);
		try_send("  pktinfo", s, &dst, sizeof(dst), &c, r);
	}
	c.len = 0;
	add(&c, SOL_IP, IP_PKTINFO, &pi, sizeof(pi) - 1);
	try_send("pktinfo short", s, &dst, sizeof(dst), &c, r);
	/* the list itself */
	c.len = 0;
	addint(&c, SOL_IP, IP_TTL, 33);
	struct cmsghdr *h = (struct cmsghdr *)c.u.buf;
	h->cmsg_len = 0;
	try_send("cmsg_len 0", s, &dst, sizeof(dst), &c, r);
	h->cmsg_len = sizeof(*h) - 1;
	try_send("cmsg_len 15", s, &dst, sizeof(dst), &c, r);
	h->cmsg_len = CMSG_LEN(sizeof(int)) + 100;
	try_send("cmsg_len past end", s, &dst, sizeof(dst), &c, r);
	h->cmsg_len = CMSG_LEN(sizeof(int));
	show("controllen 8", snd(s, &dst, sizeof(dst), &c, 8));
	rcv("  got", r, 256);
	show("controllen 20 (len 20 = data cut)", snd(s, &dst, sizeof(dst), &c, 19));
	rcv("  got", r, 256);
	show("controllen 20", snd(s, &dst, sizeof(dst), &c, 20));
	rcv("  got", r, 256);
	addint(&c, SOL_IP, IP_TOS, 4);
	show("second header cut", snd(s, &dst, sizeof(dst), &c, CMSG_SPACE(sizeof(int)) + 15));
	rcv("  got", r, 256);
	show("second header whole, data cut", snd(s, &dst, sizeof(dst), &c, CMSG_SPACE(sizeof(int)) + 16));
	rcv("  got", r, 256);
	addint(&c, SOL_IP, IP_TTL, 0);
	try_send("bad third", s, &dst, sizeof(dst), &c, r);
	/* errors come after the address checks */
	c.len = 0;
	addint(&c, SOL_IP, IP_TTL, 0);
	struct sockaddr_in far = sin4("192.0.2.1", 9);
	(void)far;
	try_send("no address", s, NULL, 0, &c, -1);
	struct sockaddr_in p0 = sin4("127.0.0.1", 0);
	try_send("port 0", s, &p0, sizeof(p0), &c, -1);
	close(s);
	close(r);
#undef ONE
}

static void send6(void)
{
	int port, r = udp6("::1", &port, true), s = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 dst = sin6("::1", port);
	struct cbuf c;
	setint(r, SOL_IPV6, IPV6_RECVHOPLIMIT, 1);
	setint(r, SOL_IPV6, IPV6_RECVTCLASS, 1);
#define ONE(what, level, type, val) \
	do { c.len = 0; addint(&c, level, type, val); try_send(what, s, &dst, sizeof(dst), &c, r); } while (0)
	ONE("HOPLIMIT 256", SOL_IPV6, IPV6_HOPLIMIT, 256);
	ONE("HOPLIMIT -2", SOL_IPV6, IPV6_HOPLIMIT, -2);
	ONE("HOPLIMIT 255", SOL_IPV6, IPV6_HOPLIMIT, 255);
	ONE("TCLASS 256", SOL_IPV6, IPV6_TCLASS, 256);
	ONE("TCLASS -2", SOL_IPV6, IPV6_TCLASS, -2);
	ONE("TCLASS 255", SOL_IPV6, IPV6_TCLASS, 255);
	ONE("unknown IPV6 type", SOL_IPV6, 200, 1);
	ONE("IPV6_RECVHOPLIMIT as cmsg", SOL_IPV6, IPV6_RECVHOPLIMIT, 1);
	ONE("DONTFRAG 1", SOL_IPV6, IPV6_DONTFRAG, 1);
	ONE("DONTFRAG 2", SOL_IPV6, IPV6_DONTFRAG, 2);
	ONE("FLOWINFO 0", SOL_IPV6, IPV6_FLOWINFO, 0);
	ONE("FLOWINFO label", SOL_IPV6, IPV6_FLOWINFO, (int)htonl(0x12345));
	ONE("IP_TTL on v6", SOL_IP, IP_TTL, 0);
	ONE("SOL_SOCKET unknown", SOL_SOCKET, 200, 1);
	ONE("SOL_SOCKET SO_MARK", SOL_SOCKET, SO_MARK, 0);
	c.len = 0;
	add(&c, SOL_IPV6, IPV6_HOPLIMIT, "\x05", 1);
	try_send("HOPLIMIT one byte", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	add(&c, SOL_IPV6, IPV6_TCLASS, "\x05\0\0\0\0", 5);
	try_send("TCLASS five bytes", s, &dst, sizeof(dst), &c, r);
	struct in6_pktinfo pi = { .ipi6_ifindex = 99 };
	c.len = 0;
	add(&c, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	try_send("pktinfo ifindex 99", s, &dst, sizeof(dst), &c, r);
	const char *srcs[] = { "2001:db8::1", "fe80::1", "::ffff:127.0.0.1", "::1" };
	for (int i = 0; i < 4; i++) {
		memset(&pi, 0, sizeof(pi));
		inet_pton(AF_INET6, srcs[i], &pi.ipi6_addr);
		c.len = 0;
		add(&c, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
		printf("src %s\n", srcs[i]);
		try_send("  pktinfo", s, &dst, sizeof(dst), &c, r);
	}
	c.len = 0;
	add(&c, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi) - 1);
	try_send("pktinfo short", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	char longer[sizeof(pi) + 4] = { 0 };
	memcpy(longer, &pi, sizeof(pi));
	add(&c, SOL_IPV6, IPV6_PKTINFO, longer, sizeof(longer));
	try_send("pktinfo longer", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	add(&c, SOL_IPV6, IPV6_2292PKTINFO, &pi, sizeof(pi));
	try_send("2292pktinfo", s, &dst, sizeof(dst), &c, r);
	c.len = 0;
	addint(&c, SOL_IPV6, IPV6_HOPLIMIT, 300);
	struct cmsghdr *h = (struct cmsghdr *)c.u.buf;
	h->cmsg_len = CMSG_LEN(sizeof(int)) + 100;
	try_send("cmsg_len past end", s, &dst, sizeof(dst), &c, r);
	close(s);
	close(r);
#undef ONE
}

static void trunc_(void)
{
	int port, r = udp6("::1", &port, true), s = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 dst = sin6("::1", port);
	setint(r, SOL_IPV6, IPV6_RECVHOPLIMIT, 1);
	setint(r, SOL_IPV6, IPV6_RECVTCLASS, 1);
	size_t sizes[] = { 0, 1, 15, 16, 17, 19, 20, 23, 24, 25, 39, 40, 41, 44, 47, 48, 49, 100 };
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "v6 control %zu", sizes[i]);
		snd(s, &dst, sizeof(dst), NULL, 0);
		rcv(what, r, sizes[i]);
	}
	/* MSG_PEEK keeps the datagram and puts the messages each time */
	snd(s, &dst, sizeof(dst), NULL, 0);
	cmsg_flags = MSG_PEEK;
	rcv("peek", r, 100);
	cmsg_flags = 0;
	rcv("after peek", r, 100);
	/* a NULL control pointer with a length */
	snd(s, &dst, sizeof(dst), NULL, 0);
	{
		char data[16];
		struct iovec iov = { data, sizeof(data) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = NULL, .msg_controllen = 64 };
		long n = recvmsg(r, &mh, MSG_DONTWAIT);
		show("NULL control", n);
		printf("  flags %#x controllen %zu\n", mh.msg_flags, (size_t)mh.msg_controllen);
		rcv("  then", r, 100);
	}
	close(r);
	close(s);
	int p4, r4 = udp4("127.0.0.1", &p4), s4 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in d4 = sin4("127.0.0.1", p4);
	setint(r4, SOL_IP, IP_RECVTOS, 1);
	setint(r4, SOL_IP, IP_RECVTTL, 1);
	setint(r4, SOL_IP, IP_PKTINFO, 1);
	size_t s4z[] = { 16, 17, 28, 31, 32, 33, 47, 48, 49, 52, 55, 56, 64, 65, 68, 100 };
	for (unsigned i = 0; i < sizeof(s4z) / sizeof(s4z[0]); i++) {
		char what[64];
		snprintf(what, sizeof(what), "v4 control %zu", s4z[i]);
		snd(s4, &d4, sizeof(d4), NULL, 0);
		rcv(what, r4, s4z[i]);
	}
	close(r4);
	close(s4);
}

static void ts(void)
{
	int port, r = udp4("127.0.0.1", &port), s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in dst = sin4("127.0.0.1", port);
	opt("SO_TIMESTAMP", r, SOL_SOCKET, SO_TIMESTAMP);
	opt("SO_TIMESTAMPNS", r, SOL_SOCKET, SO_TIMESTAMPNS);
	show("SO_TIMESTAMP on", setint(r, SOL_SOCKET, SO_TIMESTAMP, 1));
	opt("SO_TIMESTAMP", r, SOL_SOCKET, SO_TIMESTAMP);
	opt("SO_TIMESTAMPNS", r, SOL_SOCKET, SO_TIMESTAMPNS);
	setint(r, SOL_IP, IP_RECVTTL, 1);
	try_send("timestamp", s, &dst, sizeof(dst), NULL, r);
	show("SO_TIMESTAMPNS on", setint(r, SOL_SOCKET, SO_TIMESTAMPNS, 1));
	opt("SO_TIMESTAMP", r, SOL_SOCKET, SO_TIMESTAMP);
	opt("SO_TIMESTAMPNS", r, SOL_SOCKET, SO_TIMESTAMPNS);
	try_send("timestampns", s, &dst, sizeof(dst), NULL, r);
	show("SO_TIMESTAMP on again", setint(r, SOL_SOCKET, SO_TIMESTAMP, 1));
	opt("SO_TIMESTAMPNS", r, SOL_SOCKET, SO_TIMESTAMPNS);
	try_send("timestamp again", s, &dst, sizeof(dst), NULL, r);
	show("SO_TIMESTAMPNS off", setint(r, SOL_SOCKET, SO_TIMESTAMPNS, 0));
	opt("SO_TIMESTAMP", r, SOL_SOCKET, SO_TIMESTAMP);
	try_send("off", s, &dst, sizeof(dst), NULL, r);
	show("SO_TIMESTAMP short", setsockopt(r, SOL_SOCKET, SO_TIMESTAMP, "", 1));
	close(r);
	close(s);
	/* TCP: the time of the last data read, IP options give nothing */
	int lport, l = listener4("127.0.0.1", 4, &lport);
	int t = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in ta = sin4("127.0.0.1", lport);
	show("tcp connect", connect(t, (void *)&ta, sizeof(ta)));
	int a = accept(l, NULL, NULL);
	show("tcp SO_TIMESTAMP", setint(a, SOL_SOCKET, SO_TIMESTAMP, 1));
	setint(a, SOL_IP, IP_RECVTTL, 1);
	struct pollfd p = { a, POLLIN, 0 };
	/* Linux stamps a TCP segment only once the timestamping it turns on
	 * for the first socket that asks has taken effect (a deferred work):
	 * until then a read gives no SCM_TIMESTAMP.  Wait for that event,
	 * reading single bytes, so that what follows is the steady state. */
	bool stamped = false;
	for (int i = 0; i < 1000 && !stamped; i++) {
		send(t, "w", 1, 0);
		poll(&p, 1, 5000);
		union { char buf[256]; struct cmsghdr align; } wc;
		char wb[8];
		struct iovec wiov = { wb, 1 };
		struct msghdr wm = { .msg_iov = &wiov, .msg_iovlen = 1, .msg_control = wc.buf, .msg_controllen = 256 };
		if (recvmsg(a, &wm, MSG_DONTWAIT) == 1 && CMSG_FIRSTHDR(&wm) &&
		    CMSG_FIRSTHDR(&wm)->cmsg_type == SCM_TIMESTAMP)
			stamped = true;
	}
	printf("tcp segments stamped: %s\n", stamped ? "yes" : "no");
	show("tcp send", send(t, "tcp", 3, 0));
	poll(&p, 1, 5000);
	rcv("tcp recvmsg", a, 256);
	show("tcp SO_TIMESTAMPNS", setint(a, SOL_SOCKET, SO_TIMESTAMPNS, 1));
	show("tcp send", send(t, "tcp", 3, 0));
	poll(&p, 1, 5000);
	rcv("tcp recvmsg", a, 256);
	rcv("tcp recvmsg empty", a, 256);
	show("tcp send", send(t, "tcp", 3, 0));
	poll(&p, 1, 5000);
	rcv("tcp recvmsg short control", a, 20);
	show("tcp SO_TIMESTAMP off", setint(a, SOL_SOCKET, SO_TIMESTAMP, 0));
	show("tcp send", send(t, "tcp", 3, 0));
	poll(&p, 1, 5000);
	rcv("tcp recvmsg off", a, 256);
	close(t);
	close(a);
	close(l);
	/* AF_UNIX: datagrams and records carry it, a stream does not */
	int types[] = { SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM };
	for (int i = 0; i < 3; i++) {
		int sv[2];
		show("socketpair", socketpair(AF_UNIX, types[i], 0, sv));
		show("unix SO_TIMESTAMPNS", setint(sv[1], SOL_SOCKET, SO_TIMESTAMPNS, 1));
		show("unix send", send(sv[0], "unix", 4, 0));
		rcv("unix recvmsg", sv[1], 256);
		close(sv[0]);
		close(sv[1]);
	}
}

int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "v4";
	if (!strcmp(w, "v4"))
		v4();
	else if (!strcmp(w, "v6"))
		v6();
	else if (!strcmp(w, "dual"))
		dual();
	else if (!strcmp(w, "send4"))
		send4();
	else if (!strcmp(w, "send6"))
		send6();
	else if (!strcmp(w, "trunc"))
		trunc_();
	else if (!strcmp(w, "ts"))
		ts();
	else
		return 2;
	printf("== %s done\n", w);
	return 0;
}
