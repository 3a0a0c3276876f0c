/* AF_INET and AF_INET6: what TCP and UDP share (vmcore/inet.h).
 *
 * The two families are registered here; socket() picks the protocol by
 * type and protocol number as Linux's inet_create does (ESOCKTNOSUPPORT
 * for a type with no protocol, EPROTONOSUPPORT for a protocol that is not
 * the type's) and the socket's ops become the protocol's (tcp.c, udp.c),
 * the same table for both families: the family is in the inet_sock.
 *
 * Addresses: every address is held as an IPv6 address, IPv4 ones as
 * v4-mapped (::ffff:a.b.c.d), so one port table per protocol serves both
 * families and a dual-stack AF_INET6 socket (IPV6_V6ONLY off, Linux's
 * default) sees IPv4 peers v4-mapped without translation.  The only
 * interface is loopback: 127.0.0.0/8 and ::1 are local, as are the
 * unspecified addresses (and, for bind, IPv4 multicast and broadcast as
 * Linux allows); any other destination is ENETUNREACH (inet_route, the
 * one place a device back end would plug in) and any other bind address
 * EADDRNOTAVAIL.
 *
 * Ports: a protocol's bound sockets are one list.  Two sockets conflict
 * on a port when their addresses overlap (equal, or either unspecified;
 * :: without IPV6_V6ONLY covers every IPv4 address too) unless both set
 * SO_REUSEADDR (and, for TCP, the other does not listen) or both set
 * SO_REUSEPORT as one user.  Closed sockets leave the table at once (no
 * TIME_WAIT).  Ephemeral ports come from 32768-60999
 * (net.ipv4.ip_local_port_range), from a pseudo-random start as Linux's.
 *
 * Memory: queued data is held in inet_bufs charged to the guest's commit
 * limit (vm_commit_kernel, by pages), as pipe pages are; a guest that fills
 * socket buffers uses its own memory, never the host's beyond its
 * bound (beyond the limit, a small reserve outside it, as pipes have).
 * Per socket the protocols bound their queues (SO_RCVBUF). */
#include <vmcore/syscall.h>
#include <vmcore/mm.h>
#include <vmcore/inet.h>
#include <vmcore/cred.h>
#include <vmcore/strbuf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>

#define PORT_LO 32768
#define PORT_HI 60999
#define DEFAULT_TTL 64

struct inet_sock *inet_all;

/* ---- inet_socks ---- */

struct inet_sock *inet_sk_new(struct inet_proto *p, int family)
{
	struct inet_sock *sk = kzalloc(sizeof(*sk));
	if (!sk)
		return NULL;
	sk->refs = 1;
	sk->proto = p;
	sk->family = family;
	sk->ttl = sk->hops = sk->tclass = -1;
	sk->state = TCPS_CLOSE;
	sk->owner_uid = current ? current->euid : 0;
	if (family == AF_INET) {
		sk->laddr.s6_addr32[2] = sk->raddr.s6_addr32[2] = htonl(0xffff);
	}
	if (p->init && p->init(sk) < 0) {
		free(sk);
		return NULL;
	}
	sk->all_next = inet_all;
	inet_all = sk;
	return sk;
}

void inet_sk_put(struct inet_sock *sk)
{
	if (--sk->refs)
		return;
	for (struct inet_sock **pp = &inet_all; *pp; pp = &(*pp)->all_next)
		if (*pp == sk) {
			*pp = sk->all_next;
			break;
		}
	inet_unbind(sk);
	inet_queue_purge(sk);
	if (sk->proto->destroy)
		sk->proto->destroy(sk);
	free(sk);
}

int inet_create(struct socket *s, struct inet_proto *p, int protocol)
{
	(void)protocol;
	struct inet_sock *sk = inet_sk_new(p, s->family);
	if (!sk)
		return -ENOMEM;
	sk->sock = s;
	s->sk = sk;
	s->ops = p->ops4;
	return 0;
}

void inet_release(struct socket *s)
{
	struct inet_sock *sk = inet_sk(s);
	if (!sk)
		return;
	sk->sock = NULL;
	s->sk = NULL;
	inet_sk_put(sk);
}

/* socket(AF_INET/AF_INET6, type, protocol): which protocol */
static int inet_family_create(struct socket *s, int protocol)
{
	switch (s->type) {
	case SOCK_STREAM:
		if (protocol && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		s->protocol = IPPROTO_TCP;
		return tcp_proto.ops4->create(s, protocol);
	case SOCK_DGRAM:
		if (protocol && protocol != IPPROTO_UDP && protocol != IPPROTO_UDPLITE)
			return -EPROTONOSUPPORT;
		s->protocol = protocol ? protocol : IPPROTO_UDP;
		return udp_proto.ops4->create(s, s->protocol);
	case SOCK_RAW:
		/* raw sockets need CAP_NET_RAW; there are none to have */
		return current && !capable(current, 13 /* CAP_NET_RAW */) ? -EPERM : -EPROTONOSUPPORT;
	}
	return -ESOCKTNOSUPPORT;
}

static const struct proto_ops inet4_family = { .family = AF_INET, .create = inet_family_create };
static const struct proto_ops inet6_family = { .family = AF_INET6, .create = inet_family_create };

__attribute__((constructor)) static void inet_register(void)
{
	sock_register(&inet4_family);
	sock_register(&inet6_family);
}

/* ---- addresses ---- */

static void v4_to_mapped(struct in6_addr *a, u32 v4 /* network order */)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr32[2] = htonl(0xffff);
	a->s6_addr32[3] = v4;
}

int inet_parse(struct inet_sock *sk, const void *addr, int len, bool for_bind, struct in6_addr *a, u16 *port,
	       bool *unspec)
{
	const struct sockaddr *sa = addr;
	*unspec = false;
	if (sk->family == AF_INET6 && len >= (int)sizeof(sa_family_t) && sa->sa_family == AF_INET && !for_bind &&
	    sk->proto->type == SOCK_DGRAM) {
		/* udpv6 sendto/connect take a sockaddr_in too */
		if (len < (int)sizeof(struct sockaddr_in))
			return -EINVAL;
		if (sk->v6only)
			return -ENETUNREACH;
		const struct sockaddr_in *sin = addr;
		v4_to_mapped(a, sin->sin_addr.s_addr);
		*port = ntohs(sin->sin_port);
		return 0;
	}
	if (sk->family == AF_INET) {
		const struct sockaddr_in *sin = addr;
		if (len < (int)sizeof(*sin))
			return -EINVAL;
		if (sin->sin_family == AF_UNSPEC) {
			*unspec = true;
			if (for_bind && sin->sin_addr.s_addr != htonl(INADDR_ANY))
				return -EAFNOSUPPORT;
		} else if (sin->sin_family != AF_INET) {
			return -EAFNOSUPPORT;
		}
		v4_to_mapped(a, sin->sin_addr.s_addr);
		*port = ntohs(sin->sin_port);
		return 0;
	}
	const struct sockaddr_in6 *sin6 = addr;
	if (!for_bind && len >= (int)sizeof(sa_family_t) && sa->sa_family == AF_UNSPEC) {
		*unspec = true;
		memset(a, 0, sizeof(*a));
		*port = 0;
		return 0;
	}
	if (len < 24 /* SIN6_LEN_RFC2133 */)
		return -EINVAL;
	if (sin6->sin6_family != AF_INET6)
		return sk->proto->type == SOCK_DGRAM && !for_bind ? -EINVAL : -EAFNOSUPPORT;
	*a = sin6->sin6_addr;
	*port = ntohs(sin6->sin6_port);
	return 0;
}

int inet_put(struct inet_sock *sk, void *out, const struct in6_addr *a, u16 port)
{
	if (sk->family == AF_INET) {
		struct sockaddr_in *sin = out;
		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr.s_addr = a->s6_addr32[3];
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = out;
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = *a;
	return sizeof(*sin6);
}

static bool v4_loopback(u32 v4)
{
	return (ntohl(v4) >> 24) == 127;
}

static const struct in6_addr loop6 = { .s6_addr = { [15] = 1 } };

bool inet_local(const struct in6_addr *a)
{
	if (inet_v4mapped(a))
		return a->s6_addr32[3] == 0 || v4_loopback(a->s6_addr32[3]);
	return inet_any(a, AF_INET6) || !memcmp(a, &loop6, sizeof(*a));
}

/* bind also takes IPv4 multicast and the broadcast address (Linux's
 * inet_addr_valid_or_nonlocal: RTN_MULTICAST, RTN_BROADCAST) */
static bool bindable(const struct in6_addr *a)
{
	if (inet_local(a))
		return true;
	if (!inet_v4mapped(a))
		return false;
	u32 h = ntohl(a->s6_addr32[3]);
	return (h >> 28) == 0xe || h == 0xffffffff;
}

void inet_fix_dst(struct in6_addr *a)
{
	if (inet_v4mapped(a) && a->s6_addr32[3] == 0)
		a->s6_addr32[3] = htonl(INADDR_LOOPBACK);
	else if (inet_any(a, AF_INET6))
		*a = loop6;
}

int inet_route(const struct inet_sock *sk, const struct in6_addr *dst, struct in6_addr *src)
{
	if (!inet_local(dst))
		return -ENETUNREACH;
	if (sk->bound_addr) {
		/* a socket bound to one family's address cannot reach the other's */
		if (inet_v4mapped(&sk->laddr) != inet_v4mapped(dst))
			return -ENETUNREACH;
		*src = sk->laddr;
		return 0;
	}
	if (inet_v4mapped(dst))
		v4_to_mapped(src, htonl(INADDR_LOOPBACK));
	else
		*src = loop6;
	return 0;
}

/* ---- the port table ---- */

/* the IPv4 and IPv6 addresses a socket covers */
struct cover {
	bool v4, v6;            /* covers some address of the family */
	bool v4any, v6any;
	u32 a4;
	struct in6_addr a6;
};

static void cover_of(const struct inet_sock *sk, const struct in6_addr *a, struct cover *c)
{
	memset(c, 0, sizeof(*c));
	if (inet_v4mapped(a)) {
		c->v4 = true;
		c->a4 = a->s6_addr32[3];
		c->v4any = c->a4 == 0;
		return;
	}
	c->v6 = true;
	c->a6 = *a;
	c->v6any = inet_any(a, AF_INET6);
	if (c->v6any && !sk->v6only && sk->family == AF_INET6)
		c->v4 = c->v4any = true;
}

static bool overlap(const struct cover *x, const struct cover *y)
{
	if (x->v4 && y->v4 && (x->v4any || y->v4any || x->a4 == y->a4))
		return true;
	if (x->v6 && y->v6 && (x->v6any || y->v6any || !memcmp(&x->a6, &y->a6, sizeof(x->a6))))
		return true;
	return false;
}

static bool sk_reuseaddr(const struct inet_sock *sk)
{
	return sk->sock ? sk->sock->reuseaddr : sk->reuseaddr;
}

static bool sk_reuseport(const struct inet_sock *sk)
{
	return sk->sock ? sk->sock->reuseport : sk->reuseport;
}

/* would sk at address a, port conflict with a socket in the table */
static bool conflict(struct inet_sock *sk, const struct in6_addr *a, u16 port, bool strict)
{
	struct cover me, it;
	cover_of(sk, a, &me);
	for (struct inet_sock *o = sk->proto->bound; o; o = o->bind_next) {
		if (o == sk || o->lport != port)
			continue;
		cover_of(o, &o->laddr, &it);
		if (!overlap(&me, &it))
			continue;
		if (strict)
			return true;
		bool tcp = sk->proto->type == SOCK_STREAM;
		if (sk_reuseaddr(sk) && sk_reuseaddr(o) && (!tcp || o->state != TCPS_LISTEN))
			continue;
		if (sk_reuseport(sk) && sk_reuseport(o) && sk->owner_uid == o->owner_uid)
			continue;
		return true;
	}
	return false;
}

static u32 port_rand(void)
{
	static u64 x;
	if (!x) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = ts.tv_nsec ^ ((u64)ts.tv_sec << 20) ^ 0x9e3779b97f4a7c15ULL;
	}
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (u32)x;
}

static void table_add(struct inet_sock *sk)
{
	if (sk->in_table)
		return;
	sk->in_table = true;
	sk->bind_next = sk->proto->bound;
	sk->proto->bound = sk;
	sk->refs++;
}

int inet_bind_port(struct inet_sock *sk, const struct in6_addr *a, u16 port)
{
	if (!port) {
		u32 n = PORT_HI - PORT_LO + 1, start = port_rand() % n;
		for (u32 i = 0; i < n; i++) {
			u16 p = PORT_LO + (start + i) % n;
			/* an ephemeral port is one nobody holds at all */
			if (!conflict(sk, a, p, true)) {
				port = p;
				break;
			}
		}
		if (!port)
			return -EADDRINUSE;
	} else if (conflict(sk, a, port, false)) {
		return -EADDRINUSE;
	}
	sk->laddr = *a;
	sk->lport = port;
	table_add(sk);
	return 0;
}

/* listen re-checks the port against the others now that it listens */
int inet_listen_check(struct inet_sock *sk)
{
	return conflict(sk, &sk->laddr, sk->lport, false) ? -EADDRINUSE : 0;
}

void inet_hash_child(struct inet_sock *sk)
{
	table_add(sk);
}

void inet_unbind(struct inet_sock *sk)
{
	if (!sk->in_table)
		return;
	for (struct inet_sock **pp = &sk->proto->bound; *pp; pp = &(*pp)->bind_next)
		if (*pp == sk) {
			*pp = sk->bind_next;
			break;
		}
	sk->in_table = false;
	/* the table's reference; a socket's last one is dropped by its owner,
	 * so this one never is the last */
	sk->refs--;
}

bool inet_addr_match(const struct inet_sock *sk, const struct in6_addr *a)
{
	struct cover me, it;
	cover_of(sk, &sk->laddr, &me);
	cover_of(sk, a, &it);
	it.v4any = it.v6any = false;
	if (inet_v4mapped(a))
		return me.v4 && (me.v4any || me.a4 == it.a4);
	return me.v6 && (me.v6any || !memcmp(&me.a6, a, sizeof(*a)));
}

int inet_bind(struct socket *s, const void *addr, int len)
{
	struct inet_sock *sk = inet_sk(s);
	struct in6_addr a;
	u16 port;
	bool unspec;
	int r = inet_parse(sk, addr, len, true, &a, &port, &unspec);
	if (r < 0)
		return r;
	bool priv = port && port < 1024 && !capable(current, CAP_NET_BIND_SERVICE);
	if (sk->family == AF_INET) {
		if (!bindable(&a))
			return -EADDRNOTAVAIL;
		if (priv)
			return -EACCES;
		if (sk->lport || sk->state != TCPS_CLOSE)
			return -EINVAL;
	} else {
		if (priv)
			return -EACCES;
		if (sk->lport || sk->state != TCPS_CLOSE)
			return -EINVAL;
		if (inet_v4mapped(&a) && sk->v6only)
			return -EINVAL;
		if (!bindable(&a))
			return -EADDRNOTAVAIL;
	}
	if ((r = inet_bind_port(sk, &a, port)) < 0)
		return r;
	sk->bound_port = port != 0;
	sk->bound_addr = !inet_any(&a, AF_INET6) && !(inet_v4mapped(&a) && !a.s6_addr32[3]);
	return 0;
}

/* a socket with no port gets an ephemeral one at connect/listen/send */
int inet_autobind(struct inet_sock *sk)
{
	if (sk->in_table)
		return 0;
	struct in6_addr any;
	memset(&any, 0, sizeof(any));
	if (sk->family == AF_INET)
		any.s6_addr32[2] = htonl(0xffff);
	return inet_bind_port(sk, &any, 0);
}

int inet_getname(struct socket *s, void *addr, bool peer)
{
	struct inet_sock *sk = inet_sk(s);
	if (peer) {
		if (!sk->rport || sk->state == TCPS_CLOSE || sk->state == TCPS_SYN_SENT)
			return -ENOTCONN;
		return inet_put(sk, addr, &sk->raddr, sk->rport);
	}
	return inet_put(sk, addr, &sk->laddr, sk->lport);
}

/* ---- IP-level options ---- */

static int opt_val(const void *val, int len, int *v)
{
	if (len >= (int)sizeof(int))
		memcpy(v, val, sizeof(int));
	else if (len >= 1)
		*v = *(const u8 *)val;
	else
		return -EINVAL;
	return 0;
}

static unsigned rx4_bit(int name)
{
	switch (name) {
	case IP_PKTINFO: return INET_RX4_PKTINFO;
	case IP_RECVTTL: return INET_RX4_TTL;
	case IP_RECVTOS: return INET_RX4_TOS;
	default: return INET_RX4_ORIGDST;
	}
}

static unsigned rx6_bit(int name)
{
	switch (name) {
	case IPV6_RECVPKTINFO: return INET_RX6_PKTINFO;
	case IPV6_RECVHOPLIMIT: return INET_RX6_HOPLIMIT;
	case IPV6_RECVTCLASS: return INET_RX6_TCLASS;
	case IPV6_2292PKTINFO: return INET_RX6_2292PKTINFO;
	case IPV6_2292HOPLIMIT: return INET_RX6_2292HOPLIMIT;
	default: return INET_RX6_ORIGDST;
	}
}

int inet_setsockopt(struct socket *s, int level, int name, const void *val, int len)
{
	struct inet_sock *sk = inet_sk(s);
	int v = 0;
	if (level == IPPROTO_IP) {
		switch (name) {
		case IP_TOS:
			if (opt_val(val, len, &v) < 0)
				return 0;
			if (sk->proto->type == SOCK_STREAM)
				v &= ~3; /* the ECN bits are TCP's own */
			sk->tos = v & 0xff;
			return 0;
		case IP_TTL:
			if (len < 1)
				return -EINVAL;
			opt_val(val, len, &v);
			if (v != -1 && (v < 1 || v > 255))
				return -EINVAL;
			sk->ttl = v;
			return 0;
		case IP_PKTINFO: case IP_RECVTOS: case IP_RECVTTL: case IP_RECVORIGDSTADDR: {
			/* a flag: no value at all is off, as Linux's val = 0 */
			unsigned bit = rx4_bit(name);
			if (len >= 1)
				opt_val(val, len, &v);
			if (v)
				sk->rx4 |= bit;
			else
				sk->rx4 &= ~bit;
			return 0;
		}
		case IP_RECVERR: case IP_MTU_DISCOVER:
		case IP_MULTICAST_TTL: case IP_MULTICAST_LOOP: case IP_FREEBIND: case IP_BIND_ADDRESS_NO_PORT:
		case IP_TRANSPARENT:
			return 0;
		}
		return -EOPNOTSUPP; /* Linux 6's answer to an unknown IP option */
	}
	if (level == IPPROTO_IPV6 && sk->family == AF_INET6) {
		if (len < (int)sizeof(int))
			return -EINVAL;
		memcpy(&v, val, sizeof(int));
		switch (name) {
		case IPV6_V6ONLY:
			if (sk->lport)
				return -EINVAL;
			sk->v6only = !!v;
			return 0;
		case IPV6_UNICAST_HOPS:
			if (v < -1 || v > 255)
				return -EINVAL;
			sk->hops = v;
			return 0;
		case IPV6_TCLASS:
			if (v < -1 || v > 0xff)
				return -EINVAL;
			sk->tclass = v;
			return 0;
		case IPV6_RECVPKTINFO: case IPV6_RECVHOPLIMIT: case IPV6_RECVTCLASS: case IPV6_RECVORIGDSTADDR:
		case IPV6_2292PKTINFO: case IPV6_2292HOPLIMIT:
			if (v)
				sk->rx6 |= rx6_bit(name);
			else
				sk->rx6 &= ~rx6_bit(name);
			return 0;
		case IPV6_MULTICAST_HOPS: case IPV6_MULTICAST_LOOP: case IPV6_RECVERR:
		case IPV6_MTU_DISCOVER:
			return 0;
		}
		return -EOPNOTSUPP;
	}
	/* another level (IPv6 on an IPv4 socket, another protocol's) */
	return -ENOPROTOOPT;
}

int inet_getsockopt(struct socket *s, int level, int name, void *val, int *len)
{
	struct inet_sock *sk = inet_sk(s);
	int v;
	if (level == IPPROTO_IP) {
		switch (name) {
		case IP_TOS: v = sk->tos; break;
		case IP_TTL: v = sk->ttl < 0 ? DEFAULT_TTL : sk->ttl; break;
		case IP_MTU_DISCOVER: v = IP_PMTUDISC_WANT; break;
		case IP_MULTICAST_TTL: case IP_MULTICAST_LOOP: v = 1; break;
		case IP_PKTINFO: case IP_RECVTOS: case IP_RECVTTL: case IP_RECVORIGDSTADDR:
			v = !!(sk->rx4 & rx4_bit(name));
			break;
		case IP_RECVERR: case IP_FREEBIND:
			v = 0;
			break;
		case IP_MTU:
			if (sk->state != TCPS_ESTABLISHED && sk->state != TCPS_CLOSE_WAIT)
				return -ENOTCONN;
			v = 65535;
			break;
		default:
			return -EOPNOTSUPP;
		}
		if (*len < (int)sizeof(int) && *len > 0 && v >= 0 && v <= 255) {
			*(u8 *)val = v;
			*len = 1;
			return 0;
		}
		*len = MIN(*len, (int)sizeof(int));
		memcpy(val, &v, *len);
		return 0;
	}
	if (level == IPPROTO_IPV6 && sk->family == AF_INET6) {
		switch (name) {
		case IPV6_V6ONLY: v = sk->v6only; break;
		case IPV6_UNICAST_HOPS: v = sk->hops < 0 ? DEFAULT_TTL : sk->hops; break;
		case IPV6_TCLASS: v = sk->tclass < 0 ? 0 : sk->tclass; break;
		case IPV6_MULTICAST_HOPS: case IPV6_MULTICAST_LOOP: v = 1; break;
		case IPV6_RECVPKTINFO: case IPV6_RECVHOPLIMIT: case IPV6_RECVTCLASS: case IPV6_RECVORIGDSTADDR:
		case IPV6_2292PKTINFO: case IPV6_2292HOPLIMIT:
			v = !!(sk->rx6 & rx6_bit(name));
			break;
		case IPV6_RECVERR: v = 0; break;
		default:
			return -EOPNOTSUPP;
		}
		/* a short buffer gets the first bytes, as Linux's do_ipv6_getsockopt */
		*len = MIN(*len, (int)sizeof(int));
		memcpy(val, &v, *len);
		return 0;
	}
	/* getsockopt at another level is EOPNOTSUPP in Linux 6 (set: ENOPROTOOPT) */
	return -EOPNOTSUPP;
}

/* ---- buffers ---- */

/* Buffers beyond the commit limit (a guest that committed all its memory
 * still talks over loopback) come from a reserve of the kernel's frames
 * outside the limit, as pipe pages do; a quarter of it, the pipes' half
 * being theirs. */
static u64 reserve_used;

static u64 reserve_max(void)
{
	return (physmem_frames - vm_commit_limit()) / 4;
}

struct inet_buf *inet_buf_new(size_t len)
{
	size_t sz = sizeof(struct inet_buf) + len;
	u64 pages = (sz + PAGE_SIZE - 1) / PAGE_SIZE;
	bool reserve = false;
	if (vm_commit_kernel(pages) < 0) {
		if (reserve_used + pages > reserve_max())
			return NULL;
		reserve_used += pages;
		reserve = true;
	}
	struct inet_buf *b = malloc(sz);
	if (!b) {
		if (reserve)
			reserve_used -= pages;
		else
			vm_uncommit_kernel(pages);
		return NULL;
	}
	memset(b, 0, sizeof(*b));
	b->len = b->cap = len;
	b->pages = pages;
	b->reserve = reserve;
	return b;
}

void inet_buf_free(struct inet_buf *b)
{
	if (b->reserve)
		reserve_used -= b->pages;
	else
		vm_uncommit_kernel(b->pages);
	free(b);
}

void inet_queue_add(struct inet_sock *sk, struct inet_buf *b)
{
	b->next = NULL;
	if (sk->qtail)
		sk->qtail->next = b;
	else
		sk->qhead = b;
	sk->qtail = b;
	sk->qlen++;
	sk->qbytes += b->len - b->off;
}

struct inet_buf *inet_queue_pop(struct inet_sock *sk)
{
	struct inet_buf *b = sk->qhead;
	if (!b)
		return NULL;
	sk->qhead = b->next;
	if (!sk->qhead)
		sk->qtail = NULL;
	sk->qlen--;
	sk->qbytes -= b->len - b->off;
	return b;
}

void inet_queue_purge(struct inet_sock *sk)
{
	struct inet_buf *b;
	while ((b = inet_queue_pop(sk)))
		inet_buf_free(b);
}

void inet_wake(struct inet_sock *sk, unsigned mask)
{
	pthread_cond_broadcast(&sock_cond);
	if (sk && sk->sock && sk->sock->file)
		poll_notify(sk->sock->file->inode, mask);
	else
		poll_wake();
}

/* ---- /proc/net ---- */

/* one line, padded as Linux's seq_pad to WIDTH (0: none) */
static void padded(struct buf *b, int width, const char *line)
{
	if (width)
		bprintf(b, "%-*s\n", width, line);
	else
		bprintf(b, "%s\n", line);
}

void inet_proc_net(struct buf *b, struct inet_proto *p, bool v6)
{
	bool tcp = p == &tcp_proto;
	int width = v6 ? 0 : tcp ? 149 : 127;
	if (v6)
		padded(b, 0, tcp ? "  sl  local_address                         remote_address                        st tx_queue "
				   "rx_queue tr tm->when retrnsmt   uid  timeout inode" :
				   "  sl  local_address                         remote_address                        st tx_queue "
				   "rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops");
	else
		padded(b, width, tcp ? "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
				       "timeout inode" :
				       "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
				       "timeout inode ref pointer drops");
	/* the table's order: listeners and bound sockets, oldest first */
	struct inet_sock *list[1024];
	int cnt = 0;
	for (struct inet_sock *sk = inet_all; sk && cnt < 1024; sk = sk->all_next)
		if (sk->proto == p && (sk->family == AF_INET6) == v6 && sk->in_table)
			list[cnt++] = sk;
	for (int i = cnt - 1, n = 0; i >= 0; i--, n++) {
		struct inet_sock *sk = list[i];
		int st = tcp ? sk->state : (sk->state == TCPS_ESTABLISHED ? TCPS_ESTABLISHED : TCPS_CLOSE);
		unsigned long long ino = sk->sock && sk->sock->file ? sk->sock->file->inode->ino : 0;
		u32 tx = 0, rx = (u32)(tcp ? sk->qbytes : sk->rmem);
		if (tcp && sk->state == TCPS_LISTEN)
			inet_tcp_listen_queue(sk, &rx, &tx), tx = 0; /* Linux 6 shows the queue in rx only */
		char addrs[128], line[256];
		const u32 *l = sk->laddr.s6_addr32, *r = sk->raddr.s6_addr32;
		if (v6)
			snprintf(addrs, sizeof(addrs), "%08X%08X%08X%08X:%04X %08X%08X%08X%08X:%04X", l[0], l[1], l[2], l[3],
				 sk->lport, r[0], r[1], r[2], r[3], sk->rport);
		else
			snprintf(addrs, sizeof(addrs), "%08X:%04X %08X:%04X", l[3], sk->lport, r[3], sk->rport);
		const char *tail = !tcp ? " 0" : st == TCPS_LISTEN ? " 100 0 0 10 0" : " 20 0 0 10 -1";
		snprintf(line, sizeof(line), tcp ? "%4d: %s %02X %08X:%08X 00:00000000 00000000 %5u %8d %llu %d %016llx%s" :
						   "%5d: %s %02X %08X:%08X 00:00000000 00000000 %5u %8d %llu %d %016llx%s",
			 n, addrs, st, tx, rx, sk->owner_uid, 0, ino, sk->sock ? 2 : 1, 0ULL, tail);
		padded(b, width, line);
	}
}
