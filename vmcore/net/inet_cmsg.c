/* IP-level control messages of inet datagrams (vmcore/inet.h).
 *
 * No packet is built, so what an IP header would carry travels with the
 * datagram in its inet_buf: the destination address and port, the TTL
 * (IPv4) or hop limit (IPv6) and the TOS or traffic class the sender
 * used.  The receiver's options (IP_PKTINFO, IP_RECVTTL, IP_RECVTOS,
 * IP_RECVORIGDSTADDR; IPV6_RECVPKTINFO, _RECVHOPLIMIT, _RECVTCLASS,
 * _RECVORIGDSTADDR and the RFC 2292 pair) decide which control messages
 * recvmsg puts, in Linux's order: IPV6_PKTINFO first on an AF_INET6
 * socket (for IPv4 datagrams too, v4-mapped), then an IPv4 datagram's
 * IP_* messages (ip_cmsg_recv's order) or an IPv6 datagram's IPV6_*
 * ones (ip6_datagram_recv_specific_ctl's order).  A dual-stack socket
 * gives an IPv4 datagram's IP_* messages only when the IP_* options are
 * set on it, and never IPV6_HOPLIMIT / IPV6_TCLASS for it.
 *
 * sendmsg: an IPv4 datagram takes SOL_IP messages (IP_TTL, IP_TOS,
 * IP_PKTINFO) and, on an AF_INET6 socket, IPV6_PKTINFO with a v4-mapped
 * address; an IPv6 one takes SOL_IPV6 messages (IPV6_HOPLIMIT,
 * IPV6_TCLASS, IPV6_PKTINFO, ...).  The other family's level and other
 * protocols' levels are ignored, an unknown type at the datagram's level
 * is EINVAL, and SOL_SOCKET messages are checked as Linux's
 * __sock_cmsg_send checks them, all as Linux's ip_cmsg_send and
 * ip6_datagram_send_ctl.  The only interface is loopback (index 1). */
#include <vmcore/syscall.h>
#include <vmcore/inet.h>
#include <vmcore/cred.h>
#include <string.h>

#define DEFAULT_TTL 64
#define LO_IFINDEX 1

#ifndef SO_TIMESTAMPING_OLD
#define SO_TIMESTAMPING_OLD 37
#endif
#define SO_TIMESTAMPING_NEW_ 65
#define SCM_TXTIME_ 61
#define TX_RECORD_MASK (1u | 2u | 256u | 512u) /* SOF_TIMESTAMPING_TX_* */
#define IP_PROTOCOL_ 52
#define IPV6_FLOWINFO_ 11
#define CAP_NET_ADMIN_ 12
#define CAP_NET_RAW_ 13

/* SOL_SOCKET messages on an inet socket (Linux's __sock_cmsg_send) */
static int sock_cmsg(const struct cmsghdr *h, const void *d)
{
	u32 v = 0;
	if (h->cmsg_len >= CMSG_LEN(sizeof(u32)))
		memcpy(&v, d, sizeof(v));
	switch (h->cmsg_type) {
	case SO_MARK:
		if (!capable(current, CAP_NET_RAW_) && !capable(current, CAP_NET_ADMIN_))
			return -EPERM;
		return h->cmsg_len == CMSG_LEN(sizeof(u32)) ? 0 : -EINVAL;
	case SO_TIMESTAMPING_OLD:
	case SO_TIMESTAMPING_NEW_:
		if (h->cmsg_len != CMSG_LEN(sizeof(u32)))
			return -EINVAL;
		return v & ~TX_RECORD_MASK ? -EINVAL : 0;
	case SCM_TXTIME_:
		return -EINVAL; /* SO_TXTIME is never on here */
	case SCM_RIGHTS:
	case SCM_CREDENTIALS:
		return 0; /* AF_UNIX's, ignored */
	case SO_PRIORITY:
		if (h->cmsg_len != CMSG_LEN(sizeof(u32)))
			return -EINVAL;
		if (v > 6 && !capable(current, CAP_NET_RAW_) && !capable(current, CAP_NET_ADMIN_))
			return -EPERM;
		return 0;
	}
	return -EINVAL;
}

#define UDP_SEGMENT_ 103
#define SOL_UDP 17

/* SOL_UDP messages (Linux's udp_cmsg_send): UDP_SEGMENT only.  A
 * segment size that leaves the datagram whole is one datagram, as in
 * Linux; cutting a send into several datagrams is not done here. */
static int udp_cmsg(const struct cmsghdr *h, const void *d, size_t len)
{
	if (h->cmsg_type != UDP_SEGMENT_ || h->cmsg_len != CMSG_LEN(sizeof(u16)))
		return -EINVAL;
	u16 gso;
	memcpy(&gso, d, sizeof(gso));
	return gso && gso < len ? -EOPNOTSUPP : 0;
}

static int int_of(const void *d)
{
	int v;
	memcpy(&v, d, sizeof(v));
	return v;
}

/* an IPv4 datagram's SOL_IP message */
static int ip_cmsg(const struct cmsghdr *h, const u8 *d, struct inet_tx *tx)
{
	int v;
	switch (h->cmsg_type) {
	case IP_PKTINFO: {
		struct in_pktinfo pi;
		if (h->cmsg_len != CMSG_LEN(sizeof(pi)))
			return -EINVAL;
		memcpy(&pi, d, sizeof(pi));
		if (pi.ipi_ifindex)
			tx->oif = pi.ipi_ifindex;
		tx->has_src = pi.ipi_spec_dst.s_addr != 0;
		memset(&tx->src, 0, sizeof(tx->src));
		tx->src.s6_addr32[2] = htonl(0xffff);
		tx->src.s6_addr32[3] = pi.ipi_spec_dst.s_addr;
		return 0;
	}
	case IP_TTL:
		if (h->cmsg_len != CMSG_LEN(sizeof(int)))
			return -EINVAL;
		v = int_of(d);
		if (v < 1 || v > 255)
			return -EINVAL;
		tx->ttl = v;
		return 0;
	case IP_TOS:
		if (h->cmsg_len == CMSG_LEN(sizeof(int)))
			v = int_of(d);
		else if (h->cmsg_len == CMSG_LEN(sizeof(u8)))
			v = *d;
		else
			return -EINVAL;
		if (v < 0 || v > 255)
			return -EINVAL;
		tx->tos = v;
		return 0;
	case IP_PROTOCOL_:
		if (h->cmsg_len != CMSG_LEN(sizeof(int)))
			return -EINVAL;
		v = int_of(d);
		return v < 1 || v > 255 ? -EINVAL : 0;
	}
	return -EINVAL;
}

static bool v6_loopback(const struct in6_addr *a)
{
	static const struct in6_addr lo = { .s6_addr = { [15] = 1 } };
	return !memcmp(a, &lo, sizeof(*a));
}

/* an IPv6 datagram's SOL_IPV6 message; *hops, *tclass: -1 is the socket's */
static int ip6_cmsg(const struct cmsghdr *h, const u8 *d, struct inet_tx *tx, int *hops, int *tclass)
{
	int v;
	switch (h->cmsg_type) {
	case IPV6_PKTINFO:
	case IPV6_2292PKTINFO: {
		struct in6_pktinfo pi;
		if (h->cmsg_len < CMSG_LEN(sizeof(pi)))
			return -EINVAL;
		memcpy(&pi, d, sizeof(pi));
		if (pi.ipi6_ifindex) {
			if (tx->oif && (int)pi.ipi6_ifindex != tx->oif)
				return -EINVAL;
			tx->oif = pi.ipi6_ifindex;
		}
		if (tx->oif && tx->oif != LO_IFINDEX)
			return -ENODEV;
		if (inet_any(&pi.ipi6_addr, AF_INET6))
			return 0;
		/* a source must be one of ours: ::1 (loopback has no link-local) */
		if (!v6_loopback(&pi.ipi6_addr))
			return -EINVAL;
		tx->has_src = true;
		tx->src = pi.ipi6_addr;
		return 0;
	}
	case IPV6_FLOWINFO_:
		/* loopback carries no flow label to show: nothing to keep */
		return h->cmsg_len < CMSG_LEN(4) ? -EINVAL : 0;
	case IPV6_HOPLIMIT:
	case IPV6_TCLASS:
		/* an int, -1 (the socket's own) to 255 */
		if (h->cmsg_len != CMSG_LEN(sizeof(int)))
			return -EINVAL;
		v = int_of(d);
		if (v < -1 || v > 0xff)
			return -EINVAL;
		*(h->cmsg_type == IPV6_HOPLIMIT ? hops : tclass) = v;
		return 0;
	case IPV6_DONTFRAG:
		if (h->cmsg_len != CMSG_LEN(sizeof(int)))
			return -EINVAL;
		v = int_of(d);
		return v < -1 || v > 1 ? -EINVAL : 0;
	}
	return -EINVAL;
}

/* IPV6_PKTINFO for an IPv4 datagram of a dual-stack socket (ip_cmsg_send's allow_ipv6) */
static int ip6_pktinfo_v4(const struct cmsghdr *h, const u8 *d, struct inet_tx *tx)
{
	struct in6_pktinfo pi;
	if (h->cmsg_len < CMSG_LEN(sizeof(pi)))
		return -EINVAL;
	memcpy(&pi, d, sizeof(pi));
	if (!inet_v4mapped(&pi.ipi6_addr))
		return -EINVAL;
	if (pi.ipi6_ifindex)
		tx->oif = pi.ipi6_ifindex;
	tx->has_src = pi.ipi6_addr.s6_addr32[3] != 0;
	tx->src = pi.ipi6_addr;
	return 0;
}

int inet_cmsg_send(struct inet_sock *sk, struct kmsg *m, const struct in6_addr *dst, struct inet_tx *tx)
{
	bool v4 = inet_v4mapped(dst);
	memset(tx, 0, sizeof(*tx));
	if (v4) {
		tx->ttl = sk->ttl < 0 ? DEFAULT_TTL : sk->ttl;
		tx->tos = sk->tos;
	} else {
		tx->ttl = sk->hops < 0 ? DEFAULT_TTL : sk->hops;
		tx->tos = sk->tclass < 0 ? 0 : sk->tclass;
	}
	int hops = -1, tclass = -2; /* -2: not given */
	size_t size = m->control ? m->controllen : 0, off = 0;
	/* each header must fit whole in what is left (Linux's CMSG_NXTHDR
	 * and CMSG_OK) */
	while (off <= size && size - off >= sizeof(struct cmsghdr)) {
		struct cmsghdr *h = (struct cmsghdr *)((u8 *)m->control + off);
		if (h->cmsg_len < sizeof(struct cmsghdr) || h->cmsg_len > size - off)
			return -EINVAL;
		const u8 *d = CMSG_DATA(h);
		int r = 0;
		if (h->cmsg_level == SOL_SOCKET)
			r = sock_cmsg(h, d);
		else if (h->cmsg_level == SOL_UDP)
			r = udp_cmsg(h, d, m->len);
		else if (v4 && h->cmsg_level == SOL_IP)
			r = ip_cmsg(h, d, tx);
		else if (v4 && h->cmsg_level == SOL_IPV6 && sk->family == AF_INET6 && h->cmsg_type == IPV6_PKTINFO)
			r = ip6_pktinfo_v4(h, d, tx);
		else if (!v4 && h->cmsg_level == SOL_IPV6)
			r = ip6_cmsg(h, d, tx, &hops, &tclass);
		if (r < 0)
			return r;
		off += CMSG_ALIGN(h->cmsg_len);
	}
	if (hops >= 0)
		tx->ttl = hops;
	/* a traffic class of -1 is not the socket's but 0xff: Linux's
	 * ip6_make_flowinfo takes the -1 as it is */
	if (tclass != -2)
		tx->tos = tclass & 0xff;
	return 0;
}

int inet_tx_route(const struct inet_tx *tx, const struct in6_addr *dst, struct in6_addr *src)
{
	if (!inet_v4mapped(dst)) {
		if (tx->has_src)
			*src = tx->src;
		return 0;
	}
	/* the order of Linux's ip_route_output_key_hash_rcu: the source,
	 * then the interface */
	if (tx->has_src) {
		u32 h = ntohl(tx->src.s6_addr32[3]);
		if ((h >> 28) == 0xe || h == 0xffffffff)
			return -EINVAL;
		if ((h >> 24) != 127)
			return -ENETUNREACH; /* not an address of ours: no route from it */
	}
	if (tx->oif && tx->oif != LO_IFINDEX)
		return -ENODEV;
	if (tx->has_src)
		*src = tx->src;
	return 0;
}

/* ---- receiving ---- */

static void put_int(struct kmsg *m, int level, int type, int v)
{
	size_t fit;
	kmsg_put_cmsg(m, level, type, &v, sizeof(v), &fit);
}

void inet_cmsg_recv(struct inet_sock *sk, struct kmsg *m, const struct inet_buf *b)
{
	size_t fit;
	bool v4 = inet_v4mapped(&b->to);
	if (sk->family == AF_INET6 && (sk->rx6 & INET_RX6_PKTINFO)) {
		struct in6_pktinfo pi = { .ipi6_addr = b->to, .ipi6_ifindex = LO_IFINDEX };
		kmsg_put_cmsg(m, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi), &fit);
	}
	if (v4) {
		unsigned f = sk->rx4;
		if (f & INET_RX4_PKTINFO) {
			/* spec_dst: the address a reply would come from, which on
			 * loopback is the one the datagram went to */
			struct in_pktinfo pi = { .ipi_ifindex = LO_IFINDEX };
			pi.ipi_spec_dst.s_addr = pi.ipi_addr.s_addr = b->to.s6_addr32[3];
			kmsg_put_cmsg(m, SOL_IP, IP_PKTINFO, &pi, sizeof(pi), &fit);
		}
		if (f & INET_RX4_TTL)
			put_int(m, SOL_IP, IP_TTL, b->ttl);
		if (f & INET_RX4_TOS)
			kmsg_put_cmsg(m, SOL_IP, IP_TOS, &b->tos, 1, &fit);
		if (f & INET_RX4_ORIGDST) {
			struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(b->to_port) };
			sin.sin_addr.s_addr = b->to.s6_addr32[3];
			kmsg_put_cmsg(m, SOL_IP, IP_ORIGDSTADDR, &sin, sizeof(sin), &fit);
		}
		return;
	}
	if (sk->family != AF_INET6)
		return;
	unsigned f = sk->rx6;
	if (f & INET_RX6_HOPLIMIT)
		put_int(m, SOL_IPV6, IPV6_HOPLIMIT, b->ttl);
	if (f & INET_RX6_TCLASS)
		put_int(m, SOL_IPV6, IPV6_TCLASS, b->tos);
	if (f & INET_RX6_2292PKTINFO) {
		struct in6_pktinfo pi = { .ipi6_addr = b->to, .ipi6_ifindex = LO_IFINDEX };
		kmsg_put_cmsg(m, SOL_IPV6, IPV6_2292PKTINFO, &pi, sizeof(pi), &fit);
	}
	if (f & INET_RX6_2292HOPLIMIT)
		put_int(m, SOL_IPV6, IPV6_2292HOPLIMIT, b->ttl);
	if (f & INET_RX6_ORIGDST) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(b->to_port), .sin6_addr = b->to };
		kmsg_put_cmsg(m, SOL_IPV6, IPV6_ORIGDSTADDR, &sin6, sizeof(sin6), &fit);
	}
}
