/* AF_NETLINK sockets and NETLINK_ROUTE, printing what a host with only lo
 * says the same way: the dumps are checked whole (sequence, port, the
 * closing NLMSG_DONE) but only lo's messages are printed.
 * netlink_route CASE: sock (socket, bind, names, options), link, addr,
 * route, errors (acks, NLMSG_ERROR, permissions), peek (MSG_PEEK and
 * MSG_TRUNC, short buffers), unicast (between two netlink sockets), flood
 * (receive queues bounded by SO_RCVBUF), opts (SOL_NETLINK options). */
#include <errno.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];
static unsigned seq = 100;

#define E(x) ((x) < 0 ? strerror(errno) : "ok")

static int nlsock(int type)
{
	int fd = socket(AF_NETLINK, type, NETLINK_ROUTE);
	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("bind");
		exit(1);
	}
	return fd;
}

static u_int32_t portid(int fd)
{
	struct sockaddr_nl a;
	socklen_t l = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &l);
	return a.nl_pid;
}

static void request(int fd, int type, int flags, const void *body, size_t len)
{
	struct {
		struct nlmsghdr h;
		char b[256];
	} req;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(len);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = flags;
	req.h.nlmsg_seq = ++seq;
	memcpy(req.b, body, len);
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k)) < 0)
		printf("sendto: %s\n", strerror(errno));
}

static void attrs(struct rtattr *a, int len, int kind)
{
	char s[64];
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		void *d = RTA_DATA(a);
		int dl = RTA_PAYLOAD(a);
		if (kind == 'l') {
			switch (a->rta_type) {
			case IFLA_IFNAME: printf(" name=%s", (char *)d); break;
			case IFLA_MTU: printf(" mtu=%u", *(unsigned *)d); break;
			case IFLA_TXQLEN: printf(" txqlen=%u", *(unsigned *)d); break;
			case IFLA_OPERSTATE: printf(" operstate=%u", *(unsigned char *)d); break;
			case IFLA_LINKMODE: printf(" linkmode=%u", *(unsigned char *)d); break;
			case IFLA_QDISC: printf(" qdisc=%s", (char *)d); break;
			case IFLA_GROUP: printf(" group=%u", *(unsigned *)d); break;
			case IFLA_CARRIER: printf(" carrier=%u", *(unsigned char *)d); break;
			case IFLA_ADDRESS:
			case IFLA_BROADCAST:
				printf(" %s=", a->rta_type == IFLA_ADDRESS ? "addr" : "brd");
				for (int i = 0; i < dl; i++)
					printf("%s%02x", i ? ":" : "", ((unsigned char *)d)[i]);
				break;
			case IFLA_STATS: printf(" stats=%d", dl >= 96); break;
			}
		} else if (kind == 'a') {
			switch (a->rta_type) {
			case IFA_ADDRESS:
			case IFA_LOCAL:
				inet_ntop(dl == 4 ? AF_INET : AF_INET6, d, s, sizeof(s));
				printf(" %s=%s", a->rta_type == IFA_ADDRESS ? "address" : "local", s);
				break;
			case IFA_LABEL: printf(" label=%s", (char *)d); break;
			case IFA_FLAGS: printf(" flags=%#x", *(unsigned *)d); break;
			case IFA_BROADCAST: printf(" broadcast"); break;
			case IFA_CACHEINFO: {
				struct ifa_cacheinfo *ci = d;
				printf(" valid=%#x prefered=%#x", ci->ifa_valid, ci->ifa_prefered);
				break;
			}
			}
		} else {
			switch (a->rta_type) {
			case RTA_DST:
			case RTA_PREFSRC:
				inet_ntop(dl == 4 ? AF_INET : AF_INET6, d, s, sizeof(s));
				printf(" %s=%s", a->rta_type == RTA_DST ? "dst" : "src", s);
				break;
			case RTA_TABLE: printf(" table=%u", *(unsigned *)d); break;
			case RTA_PRIORITY: printf(" metric=%u", *(unsigned *)d); break;
			case RTA_OIF: printf(" oif=%u", *(unsigned *)d); break;
			case RTA_PREF: printf(" pref=%u", *(unsigned char *)d); break;
			}
		}
	}
}

static int oif_of(struct rtmsg *r, int len)
{
	struct rtattr *a = RTM_RTA(r);
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTA_OIF)
			return *(int *)RTA_DATA(a);
	return 0;
}

/* read answers until NLMSG_DONE / NLMSG_ERROR or, for a plain request,
 * its one answer; print lo's messages */
static void answers(int fd, int plain)
{
	u_int32_t me = portid(fd);
	int bad = 0, msgs = 0;
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 5000) != 1) {
			printf("no answer\n");
			return;
		}
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0) {
			printf("recvmsg: %s\n", strerror(errno));
			return;
		}
		if (mh.msg_namelen != sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid != 0 ||
		    (mh.msg_flags & MSG_TRUNC))
			printf("odd datagram: namelen %u pid %u flags %#x\n", mh.msg_namelen, from.nl_pid, mh.msg_flags);
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			msgs++;
			if (h->nlmsg_seq != seq || h->nlmsg_pid != me)
				bad++;
			if (h->nlmsg_type == NLMSG_DONE) {
				printf("done: len %u flags %#x error %d bad %d\n", h->nlmsg_len, h->nlmsg_flags,
				       *(int *)NLMSG_DATA(h), bad);
				return;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				printf("error: len %u flags %#x error %d (%s) of type %u seq ok %d bad %d\n", h->nlmsg_len,
				       h->nlmsg_flags, e->error, strerror(-e->error), e->msg.nlmsg_type,
				       e->msg.nlmsg_seq == seq, bad);
				return;
			}
			if (h->nlmsg_type == RTM_NEWLINK) {
				struct ifinfomsg *i = NLMSG_DATA(h);
				if (i->ifi_index == 1) {
					printf("link flags %#x family %d type %u index %d change %#x multi %d:", i->ifi_flags,
					       i->ifi_family, i->ifi_type, i->ifi_index, i->ifi_change,
					       !!(h->nlmsg_flags & NLM_F_MULTI));
					attrs(IFLA_RTA(i), IFLA_PAYLOAD(h), 'l');
					printf("\n");
				}
			} else if (h->nlmsg_type == RTM_NEWADDR) {
				struct ifaddrmsg *i = NLMSG_DATA(h);
				if (i->ifa_index == 1) {
					printf("addr family %d prefixlen %d flags %#x scope %d:", i->ifa_family,
					       i->ifa_prefixlen, i->ifa_flags, i->ifa_scope);
					attrs(IFA_RTA(i), IFA_PAYLOAD(h), 'a');
					printf("\n");
				}
			} else if (h->nlmsg_type == RTM_NEWROUTE) {
				struct rtmsg *r = NLMSG_DATA(h);
				if (oif_of(r, RTM_PAYLOAD(h)) == 1) {
					printf("route family %d dst_len %d src_len %d tos %d table %d protocol %d scope %d "
					       "type %d flags %#x:",
					       r->rtm_family, r->rtm_dst_len, r->rtm_src_len, r->rtm_tos, r->rtm_table,
					       r->rtm_protocol, r->rtm_scope, r->rtm_type, r->rtm_flags);
					attrs(RTM_RTA(r), RTM_PAYLOAD(h), 'r');
					printf("\n");
				}
			} else {
				printf("type %u\n", h->nlmsg_type);
			}
			if (plain)
				return;
		}
	}
}

static void dump(int fd, int type, int family)
{
	struct rtgenmsg g = { .rtgen_family = family };
	request(fd, type, NLM_F_REQUEST | NLM_F_DUMP, &g, sizeof(g));
	answers(fd, 0);
}

static void case_sock(void)
{
	printf("stream: %s\n", E(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE)));
	printf("seqpacket: %s\n", E(socket(AF_NETLINK, SOCK_SEQPACKET, NETLINK_ROUTE)));
	printf("protocol 32: %s\n", E(socket(AF_NETLINK, SOCK_RAW, 32)));
	printf("protocol -1: %s\n", E(socket(AF_NETLINK, SOCK_RAW, -1)));
	int sv[2];
	printf("socketpair: %s\n", E(socketpair(AF_NETLINK, SOCK_RAW, 0, sv)));
	int d = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE);
	printf("dgram: %s\n", E(d));
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	struct sockaddr_nl a;
	socklen_t l = sizeof(a);
	memset(&a, 0x55, sizeof(a));
	int r = getsockname(fd, (struct sockaddr *)&a, &l);
	printf("unbound name: %d len %u family %d pid %u groups %u\n", r, l, a.nl_family, a.nl_pid, a.nl_groups);
	l = sizeof(a);
	r = getpeername(fd, (struct sockaddr *)&a, &l);
	printf("peer: %d len %u pid %u\n", r, l, a.nl_pid);
	struct sockaddr_nl b = { .nl_family = AF_NETLINK };
	printf("bind short: %s\n", E(bind(fd, (struct sockaddr *)&b, 4)));
	b.nl_family = AF_UNIX;
	printf("bind AF_UNIX: %s\n", E(bind(fd, (struct sockaddr *)&b, sizeof(b))));
	b.nl_family = AF_NETLINK;
	printf("bind: %s\n", E(bind(fd, (struct sockaddr *)&b, sizeof(b))));
	u_int32_t p1 = portid(fd);
	printf("autobound to pid: %d\n", p1 == (u_int32_t)getpid());
	printf("bind again same: %s\n", E(bind(fd, (struct sockaddr *)&b, sizeof(b))));
	b.nl_pid = p1;
	printf("bind again own pid: %s\n", E(bind(fd, (struct sockaddr *)&b, sizeof(b))));
	b.nl_pid = p1 + 1000000;
	printf("bind again other pid: %s\n", E(bind(fd, (struct sockaddr *)&b, sizeof(b))));
	int fd2 = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	b.nl_pid = p1;
	printf("bind taken: %s\n", E(bind(fd2, (struct sockaddr *)&b, sizeof(b))));
	b.nl_pid = 0;
	printf("bind second: %s\n", E(bind(fd2, (struct sockaddr *)&b, sizeof(b))));
	u_int32_t p2 = portid(fd2);
	printf("second differs, not pid: %d %d\n", p2 != p1, p2 != (u_int32_t)getpid());
	/* a socket of another protocol may take the same id */
	int fd3 = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	b.nl_pid = p1;
	printf("same id, other protocol: %s\n", E(bind(fd3, (struct sockaddr *)&b, sizeof(b))));
	close(fd3);
	/* autobind at the first send */
	int fd4 = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	struct rtgenmsg g = { AF_PACKET };
	request(fd4, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &g, sizeof(g));
	printf("bound by send: %d\n", portid(fd4) != 0);
	close(fd4);
	/* after close its id is free again */
	close(fd2);
	int fd5 = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	b.nl_pid = p2;
	printf("freed id: %s\n", E(bind(fd5, (struct sockaddr *)&b, sizeof(b))));
	close(fd5);
	int v = 32768, got = 0;
	socklen_t vl = sizeof(got);
	printf("SO_RCVBUF set: %s\n", E(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v))));
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &vl);
	printf("SO_RCVBUF %d\n", got);
	vl = sizeof(got);
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &got, &vl);
	printf("SO_TYPE %d\n", got);
	vl = sizeof(got);
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &got, &vl);
	printf("SO_PROTOCOL %d\n", got);
	vl = sizeof(got);
	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &got, &vl);
	printf("SO_DOMAIN %d\n", got);
	printf("listen: %s\n", E(listen(fd, 1)));
	printf("shutdown: %s\n", E(shutdown(fd, SHUT_RDWR)));
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	int pr = poll(&p, 1, 0);
	printf("poll: %d %#x\n", pr, p.revents);
	printf("recv empty: %s\n", E(recv(fd, buf, sizeof(buf), MSG_DONTWAIT)));
}

static void case_errors(int fd)
{
	struct ifinfomsg ifi = { .ifi_index = 1 };
	printf("-- link 1 with ack\n");
	request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, &ifi, sizeof(ifi));
	answers(fd, 1);
	answers(fd, 1);
	printf("-- link 9999\n");
	ifi.ifi_index = 9999;
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	answers(fd, 1);
	printf("-- link of no index nor name\n");
	ifi.ifi_index = 0;
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	answers(fd, 1);
	printf("-- unknown type\n");
	request(fd, RTM_MAX + 1, NLM_F_REQUEST | NLM_F_ACK, &ifi, sizeof(ifi));
	answers(fd, 1);
	printf("-- new link (needs CAP_NET_ADMIN)\n");
	ifi.ifi_index = 1;
	request(fd, RTM_SETLINK, NLM_F_REQUEST, &ifi, 4);
	/* as root this would change lo: the request is a bare header that
	 * Linux refuses either way (EPERM or, as root, EINVAL/ENODEV...) */
	struct pollfd p = { fd, POLLIN, 0 };
	if (poll(&p, 1, 5000) == 1) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (void *)buf;
		struct nlmsgerr *e = NLMSG_DATA(h);
		printf("answer %zd type %u error nonzero %d eperm %d\n", n > 0 ? (ssize_t)1 : n, h->nlmsg_type,
		       e->error != 0, e->error == -EPERM);
	}
	printf("-- not a request, with ack\n");
	request(fd, RTM_GETLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	answers(fd, 1);
	printf("-- NLMSG_NOOP with ack\n");
	request(fd, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, &ifi, sizeof(ifi));
	answers(fd, 1);
	printf("-- two requests in one datagram\n");
	struct {
		struct nlmsghdr h1;
		struct rtgenmsg g1;
		char pad1[3];
		struct nlmsghdr h2;
		struct rtgenmsg g2;
		char pad2[3];
	} two;
	memset(&two, 0, sizeof(two));
	two.h1.nlmsg_len = two.h2.nlmsg_len = NLMSG_LENGTH(1);
	two.h1.nlmsg_type = two.h2.nlmsg_type = NLMSG_NOOP;
	two.h1.nlmsg_flags = two.h2.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	two.h1.nlmsg_seq = seq;
	two.h2.nlmsg_seq = seq;
	printf("send: %zd\n", send(fd, &two, sizeof(two), 0));
	answers(fd, 1);
	answers(fd, 1);
	printf("send short: %zd\n", send(fd, &two, 10, 0));
	printf("nothing queued: %s\n", E(recv(fd, buf, sizeof(buf), MSG_DONTWAIT)));
}

static void case_peek(int fd)
{
	struct ifinfomsg ifi = { .ifi_index = 1 };
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	struct pollfd p = { fd, POLLIN, 0 };
	int pr = poll(&p, 1, 5000);
	printf("poll: %d %#x\n", pr, p.revents);
	/* iproute2's way: a zero-length peek with MSG_TRUNC tells the size */
	struct iovec iov = { NULL, 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t full = recvmsg(fd, &mh, MSG_PEEK | MSG_TRUNC);
	printf("peek trunc: size>100 %d flags %#x\n", full > 100, mh.msg_flags);
	ssize_t n = recv(fd, buf, 20, MSG_PEEK);
	printf("peek 20: %zd\n", n);
	mh.msg_flags = 0;
	iov.iov_base = buf;
	iov.iov_len = 16;
	n = recvmsg(fd, &mh, 0);
	struct nlmsghdr *h = (void *)buf;
	printf("read 16: %zd flags %#x type %u len matches %d\n", n, mh.msg_flags, h->nlmsg_type,
	       h->nlmsg_len == (unsigned)full);
	printf("rest gone: %s\n", E(recv(fd, buf, sizeof(buf), MSG_DONTWAIT)));
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	poll(&p, 1, 5000);
	n = recv(fd, buf, 8, MSG_TRUNC);
	printf("recv MSG_TRUNC: full %d\n", n == full);
	/* read() and write() are one message each */
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	poll(&p, 1, 5000);
	printf("read: full %d\n", read(fd, buf, sizeof(buf)) == full);
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = { { NLMSG_LENGTH(sizeof(ifi)), RTM_GETLINK, NLM_F_REQUEST, ++seq, 0 }, ifi };
	printf("write: %zd\n", write(fd, &req, sizeof(req)));
	poll(&p, 1, 5000);
	printf("read again: full %d\n", read(fd, buf, sizeof(buf)) == full);
}

static void case_unicast(void)
{
	int a = nlsock(SOCK_RAW), b = nlsock(SOCK_DGRAM);
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = portid(b) };
	ssize_t n = sendto(a, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to));
	printf("send to a user: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	if (n == 5) {
		struct sockaddr_nl from;
		socklen_t l = sizeof(from);
		n = recvfrom(b, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &l);
		printf("got %zd from a %d\n", n, from.nl_pid == portid(a));
	}
	to.nl_pid = 0x7ffffff0;
	n = sendto(a, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to));
	printf("send to nobody's port: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	to.nl_pid = 0;
	to.nl_family = AF_INET;
	n = sendto(a, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to));
	printf("send AF_INET name: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	to.nl_family = AF_NETLINK;
	n = sendto(a, "hello", 5, 0, (struct sockaddr *)&to, 6);
	printf("send short name: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	/* garbage to the kernel is dropped silently */
	n = sendto(a, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to));
	printf("send garbage to kernel: %zd; queued %s\n", n, E(recv(a, buf, sizeof(buf), MSG_DONTWAIT)));
	int big = 300000;
	char *p = calloc(1, big);
	n = send(a, p, big, 0);
	printf("send huge: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	free(p);
	struct sockaddr_nl c = { .nl_family = AF_NETLINK, .nl_pid = portid(b) };
	printf("connect: %s\n", E(connect(a, (struct sockaddr *)&c, sizeof(c))));
	socklen_t l = sizeof(c);
	getpeername(a, (struct sockaddr *)&c, &l);
	printf("peer is b %d\n", c.nl_pid == portid(b));
	c.nl_family = AF_UNSPEC;
	printf("disconnect: %s\n", E(connect(a, (struct sockaddr *)&c, sizeof(c))));
	l = sizeof(c);
	getpeername(a, (struct sockaddr *)&c, &l);
	printf("peer now %u\n", c.nl_pid);
}

/* a reader that does not read: the kernel's answers stop at SO_RCVBUF
 * and it hears ENOBUFS first; a user's sends to it stop with EAGAIN */
static void case_flood(void)
{
	int fd = nlsock(SOCK_RAW);
	struct ifinfomsg ifi = { .ifi_index = 1 };
	for (int i = 0; i < 2000; i++)
		request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	printf("first recv: %zd %s\n", n, n < 0 ? strerror(errno) : "");
	int got = 0;
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	printf("answers kept: some %d not all %d; then %s\n", got > 10, got < 2000, strerror(errno));
	/* and it works again */
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	answers(fd, 1);

	int a = nlsock(SOCK_RAW), b = nlsock(SOCK_RAW);
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = portid(b) };
	int sent = 0;
	for (; sent < 100000; sent++)
		if (sendto(a, buf, 1000, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to)) < 0)
			break;
	printf("user sends: stopped %d by %s\n", sent < 100000, strerror(errno));
	n = recv(b, buf, sizeof(buf), MSG_DONTWAIT);
	printf("receiver's first recv: %zd\n", n);
}

static void getopt_show(int fd, const char *what, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);
	int r = getsockopt(fd, SOL_NETLINK, name, &v, &l);
	printf("get %s: %d %s %d len %u\n", what, r, r < 0 ? strerror(errno) : "", v, l);
}

static void case_opts(void)
{
	int fd = nlsock(SOCK_RAW), one = 1, zero = 0;
	static const struct { const char *n; int o; } flags[] = {
		{ "PKTINFO", NETLINK_PKTINFO }, { "BROADCAST_ERROR", NETLINK_BROADCAST_ERROR },
		{ "NO_ENOBUFS", NETLINK_NO_ENOBUFS }, { "CAP_ACK", NETLINK_CAP_ACK },
		{ "EXT_ACK", NETLINK_EXT_ACK }, { "GET_STRICT_CHK", NETLINK_GET_STRICT_CHK },
		{ "LISTEN_ALL_NSID", NETLINK_LISTEN_ALL_NSID },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		getopt_show(fd, flags[i].n, flags[i].o);
		int r = setsockopt(fd, SOL_NETLINK, flags[i].o, &one, sizeof(one));
		printf("set %s: %s\n", flags[i].n, E(r));
		getopt_show(fd, flags[i].n, flags[i].o);
		setsockopt(fd, SOL_NETLINK, flags[i].o, &zero, sizeof(zero));
	}
	char c = 1;
	printf("set short: %s\n", E(setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &c, 1)));
	getopt_show(fd, "CAP_ACK after short", NETLINK_CAP_ACK);
	int v;
	socklen_t l = 2;
	printf("get short: %s\n", E(getsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &v, &l)));
	printf("set unknown: %s\n", E(setsockopt(fd, SOL_NETLINK, 99, &one, sizeof(one))));
	l = sizeof(v);
	printf("get unknown: %s\n", E(getsockopt(fd, SOL_NETLINK, 99, &v, &l)));
	printf("set SOL_IP: %s\n", E(setsockopt(fd, SOL_IP, 1, &one, sizeof(one))));
	unsigned char mem[64];
	memset(mem, 0xee, sizeof(mem));
	l = sizeof(mem);
	int r = getsockopt(fd, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, mem, &l);
	printf("memberships before: %d len %u\n", r, l);
	int g = 0;
	printf("add group 0: %s\n", E(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g))));
	g = 1000;
	printf("add group 1000: %s\n", E(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g))));
	g = RTNLGRP_LINK;
	printf("add link group: %s\n", E(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g))));
	g = 33; /* past the 32 of nl_groups (RTNLGRP_BRVLAN) */
	printf("add group 33: %s\n", E(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g))));
	l = sizeof(mem);
	r = getsockopt(fd, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, mem, &l);
	printf("memberships: %d len>=8 %d words %#x %#x\n", r, l >= 8, *(unsigned *)mem, *(unsigned *)(mem + 4));
	struct sockaddr_nl a;
	l = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &l);
	printf("name groups %#x\n", a.nl_groups);
	g = RTNLGRP_LINK;
	printf("drop link group: %s\n", E(setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &g, sizeof(g))));
	struct sockaddr_nl b = { .nl_family = AF_NETLINK, .nl_pid = portid(fd), .nl_groups = 1u << (RTNLGRP_IPV4_IFADDR - 1) };
	printf("bind groups: %s\n", E(bind(fd, (struct sockaddr *)&b, sizeof(b))));
	l = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &l);
	printf("name groups %#x\n", a.nl_groups);
	l = sizeof(mem);
	getsockopt(fd, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, mem, &l);
	printf("memberships: words %#x %#x\n", *(unsigned *)mem, *(unsigned *)(mem + 4));

	/* CAP_ACK: an error comes with the request's header only */
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	struct ifinfomsg ifi = { .ifi_index = 9999 };
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	answers(fd, 1);
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &zero, sizeof(zero));
	/* PKTINFO: each datagram tells its group (0: unicast) */
	setsockopt(fd, SOL_NETLINK, NETLINK_PKTINFO, &one, sizeof(one));
	ifi.ifi_index = 1;
	request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	struct pollfd p = { fd, POLLIN, 0 };
	poll(&p, 1, 5000);
	char cbuf[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(fd, &mh, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	printf("pktinfo: %d cmsg %d level %d type %d len %zu group %u\n", n > 0, cm != NULL, cm ? cm->cmsg_level : -1,
	       cm ? cm->cmsg_type : -1, cm ? (size_t)cm->cmsg_len : 0, cm ? *(unsigned *)CMSG_DATA(cm) : 0);
	setsockopt(fd, SOL_NETLINK, NETLINK_PKTINFO, &zero, sizeof(zero));
	/* NO_ENOBUFS: an overrun is not told */
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	for (int i = 0; i < 2000; i++)
		request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	printf("no_enobufs first recv: %d\n", n > 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *c = argc > 1 ? argv[1] : "link";
	if (!strcmp(c, "sock")) {
		case_sock();
		return 0;
	}
	if (!strcmp(c, "opts")) {
		case_opts();
		return 0;
	}
	if (!strcmp(c, "flood")) {
		case_flood();
		return 0;
	}
	if (!strcmp(c, "unicast")) {
		case_unicast();
		return 0;
	}
	int fd = nlsock(SOCK_RAW);
	if (!strcmp(c, "link")) {
		dump(fd, RTM_GETLINK, AF_UNSPEC);
		dump(fd, RTM_GETLINK, AF_PACKET);
		struct ifinfomsg ifi = { .ifi_index = 1 };
		request(fd, RTM_GETLINK, NLM_F_REQUEST, &ifi, sizeof(ifi));
		answers(fd, 1);
		/* by name */
		struct {
			struct ifinfomsg i;
			struct rtattr a;
			char name[4];
		} byname = { { 0 }, { RTA_LENGTH(3), IFLA_IFNAME }, "lo" };
		request(fd, RTM_GETLINK, NLM_F_REQUEST, &byname, sizeof(byname));
		answers(fd, 1);
		strcpy(byname.name, "xx");
		request(fd, RTM_GETLINK, NLM_F_REQUEST, &byname, sizeof(byname));
		answers(fd, 1);
	} else if (!strcmp(c, "addr")) {
		dump(fd, RTM_GETADDR, AF_UNSPEC);
		dump(fd, RTM_GETADDR, AF_INET);
		dump(fd, RTM_GETADDR, AF_INET6);
	} else if (!strcmp(c, "route")) {
		dump(fd, RTM_GETROUTE, AF_UNSPEC);
		dump(fd, RTM_GETROUTE, AF_INET);
		dump(fd, RTM_GETROUTE, AF_INET6);
	} else if (!strcmp(c, "errors")) {
		case_errors(fd);
	} else if (!strcmp(c, "peek")) {
		case_peek(fd);
	}
	return 0;
}
