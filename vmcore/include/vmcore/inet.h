/* AF_INET and AF_INET6 (net/inet.c, net/tcp.c, net/udp.c).
 *
 * An inet socket is a struct inet_sock in its socket's sk, of one of two
 * protocols (struct inet_proto: TCP or UDP), for either family.  The
 * shared part (net/inet.c) parses and checks sockaddr_in / sockaddr_in6
 * (addresses are kept as IPv6 addresses, IPv4 ones v4-mapped, so the two
 * families share one port table per protocol and a dual-stack socket sees
 * IPv4 peers as ::ffff:a.b.c.d), decides which addresses are local (the
 * loopback interface only: 127.0.0.0/8, ::1, the unspecified addresses),
 * keeps the bound sockets of each protocol in one list (bind conflicts,
 * SO_REUSEADDR / SO_REUSEPORT, ephemeral ports from 32768-60999) and the
 * IP-level options.
 *
 * Delivery: no packet is ever built.  The protocol finds the receiving
 * socket in its own table (inet_lookup) and moves bytes between kernel
 * buffers directly.  A real network back end would sit behind
 * inet_route(): a destination that is not local would be handed to a
 * device instead of being ENETUNREACH (docs/network.md). */
#ifndef VMCORE_INET_H
#define VMCORE_INET_H
#include <vmcore/net.h>
#include <netinet/in.h>

/* TCP states, numbered as Linux's (TCP_INFO, /proc/net/tcp) */
enum {
	TCPS_ESTABLISHED = 1, TCPS_SYN_SENT, TCPS_SYN_RECV, TCPS_FIN_WAIT1, TCPS_FIN_WAIT2, TCPS_TIME_WAIT,
	TCPS_CLOSE, TCPS_CLOSE_WAIT, TCPS_LAST_ACK, TCPS_LISTEN, TCPS_CLOSING,
};

struct inet_sock;

/* one protocol of both families: its table and its operations */
struct inet_proto {
	int type, protocol;          /* SOCK_STREAM/IPPROTO_TCP, SOCK_DGRAM/IPPROTO_UDP or _UDPLITE */
	struct inet_sock *bound;     /* the sockets holding a port */
	const struct proto_ops *ops4, *ops6;
	int (*init)(struct inet_sock *sk);
	void (*destroy)(struct inet_sock *sk);
};

/* a chunk of queued data: a TCP segment's bytes or a UDP datagram */
struct inet_buf {
	struct inet_buf *next;
	size_t len, off, cap;
	struct in6_addr from;        /* UDP: the sender's address and port */
	u16 from_port;
	/* UDP: what the IP header would carry, for the receiver's control
	 * messages: the destination and its port, TTL / hop limit, TOS /
	 * traffic class; and when it was queued (SO_TIMESTAMP) */
	struct in6_addr to;
	u16 to_port;
	u8 ttl, tos;
	struct timespec stamp;
	u64 pages;                   /* charged to the commit limit */
	bool reserve;                /* or to the reserve beyond it (inet.c) */
	u8 data[];
};

struct inet_sock {
	int refs;
	struct socket *sock;         /* NULL for an unaccepted connection and after close */
	struct inet_proto *proto;
	int family;                  /* AF_INET or AF_INET6 */
	/* the local and remote ends; addresses v4-mapped for IPv4 */
	struct in6_addr laddr, raddr;
	u16 lport, rport;            /* host order; lport 0: unbound */
	bool bound_port, bound_addr; /* bind gave the port / a specific address */
	bool in_table;
	struct inet_sock *bind_next;
	bool v6only, reuseaddr, reuseport;
	u32 owner_uid;               /* SO_REUSEPORT groups sockets of one user */
	int tos, ttl, hops, tclass;
	unsigned rx4, rx6;           /* the control messages asked for: INET_RX4_*, INET_RX6_* */
	int state;                   /* TCP_* (UDP: ESTABLISHED when connected, else CLOSE) */
	/* the receive queue */
	struct inet_buf *qhead, *qtail;
	size_t qbytes;
	int qlen;
	size_t rmem;                 /* UDP: the queue's charge as Linux counts it (truesize) */
	void *proto_data;            /* tcp.c / udp.c */
	struct inet_sock *all_next;  /* every inet socket: /proc/net */
};

/* IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IP_RECVORIGDSTADDR */
enum { INET_RX4_PKTINFO = 1, INET_RX4_TTL = 2, INET_RX4_TOS = 4, INET_RX4_ORIGDST = 8 };
/* IPV6_RECVPKTINFO, _RECVHOPLIMIT, _RECVTCLASS, _RECVORIGDSTADDR, the RFC 2292 pair */
enum {
	INET_RX6_PKTINFO = 1, INET_RX6_HOPLIMIT = 2, INET_RX6_TCLASS = 4, INET_RX6_ORIGDST = 8,
	INET_RX6_2292PKTINFO = 16, INET_RX6_2292HOPLIMIT = 32,
};

/* what one datagram is sent with: the socket's options, overridden by
 * sendmsg's control messages (inet_cmsg.c) */
struct inet_tx {
	int ttl, tos;                /* hop limit and TOS / traffic class of the packet */
	bool has_src;                /* a source address was asked for */
	struct in6_addr src;
	int oif;                     /* the interface asked for (0: any) */
};

extern struct inet_proto tcp_proto, udp_proto, udplite_proto;
extern struct inet_sock *inet_all;

static inline struct inet_sock *inet_sk(struct socket *s)
{
	return s->sk;
}

static inline bool inet_v4mapped(const struct in6_addr *a)
{
	return a->s6_addr32[0] == 0 && a->s6_addr32[1] == 0 && a->s6_addr32[2] == htonl(0xffff);
}

static inline bool inet_any(const struct in6_addr *a, int family)
{
	if (family == AF_INET)
		return inet_v4mapped(a) && a->s6_addr32[3] == 0;
	return !a->s6_addr32[0] && !a->s6_addr32[1] && !a->s6_addr32[2] && !a->s6_addr32[3];
}

/* a new inet_sock for a socket, or for the server's end of a connection
 * (sock NULL): the caller's reference */
struct inet_sock *inet_sk_new(struct inet_proto *p, int family);
void inet_sk_put(struct inet_sock *sk);
int inet_create(struct socket *s, struct inet_proto *p, int protocol);
void inet_release(struct socket *s);

/* a guest sockaddr of socket s: the address (v4-mapped for IPv4), the
 * port; -EINVAL / -EAFNOSUPPORT as Linux's checks; *unspec: AF_UNSPEC
 * (connect: disconnect) */
int inet_parse(struct inet_sock *sk, const void *addr, int len, bool for_bind, struct in6_addr *a, u16 *port,
	       bool *unspec);
/* put an address as socket family's sockaddr: its length */
int inet_put(struct inet_sock *sk, void *out, const struct in6_addr *a, u16 port);
/* is the address one of this host's (loopback and unspecified only) */
bool inet_local(const struct in6_addr *a);
/* where a packet to a would go: 0 for loopback, -ENETUNREACH otherwise.
 * *src: the source address a socket bound to the unspecified address uses */
int inet_route(const struct inet_sock *sk, const struct in6_addr *dst, struct in6_addr *src);
/* unspecified destination means this host (as Linux: 127.0.0.1 / ::1) */
void inet_fix_dst(struct in6_addr *a);

/* the port table: take (port 0: an ephemeral one) or drop a port */
int inet_bind_port(struct inet_sock *sk, const struct in6_addr *a, u16 port);
void inet_unbind(struct inet_sock *sk);
/* add a connection's server end to the table at its listener's port */
void inet_hash_child(struct inet_sock *sk);
/* listen: the port again, now that the socket listens: 0 or -EADDRINUSE */
int inet_listen_check(struct inet_sock *sk);
/* a socket without a port takes an ephemeral one (connect, listen, send) */
int inet_autobind(struct inet_sock *sk);
/* does sk accept packets to address a (its bound address and family) */
bool inet_addr_match(const struct inet_sock *sk, const struct in6_addr *a);

/* the generic inet ops: bind, getname, IP-level options */
int inet_bind(struct socket *s, const void *addr, int len);
int inet_getname(struct socket *s, void *addr, bool peer);
int inet_setsockopt(struct socket *s, int level, int name, const void *val, int len);
int inet_getsockopt(struct socket *s, int level, int name, void *val, int *len);

/* sendmsg's control data for a datagram to dst (v4-mapped: IPv4): tx
 * filled from the socket's options and the messages; Linux's errors */
int inet_cmsg_send(struct inet_sock *sk, struct kmsg *m, const struct in6_addr *dst, struct inet_tx *tx);
/* the source address and interface asked for, checked against the
 * route's: 0 or -EINVAL / -ENODEV; *src replaced */
int inet_tx_route(const struct inet_tx *tx, const struct in6_addr *dst, struct in6_addr *src);
/* recvmsg's IP-level control messages for datagram b */
void inet_cmsg_recv(struct inet_sock *sk, struct kmsg *m, const struct inet_buf *b);

/* receive queue buffers, charged to the guest's memory (commit limit) */
struct inet_buf *inet_buf_new(size_t len);
void inet_buf_free(struct inet_buf *b);
void inet_queue_add(struct inet_sock *sk, struct inet_buf *b);
struct inet_buf *inet_queue_pop(struct inet_sock *sk);
void inet_queue_purge(struct inet_sock *sk);

/* readiness changed on sk's file: wake sleepers, tell epoll (POLLIN: new
 * data or hangup for readers, POLLOUT: room or an error for writers) */
void inet_wake(struct inet_sock *sk, unsigned mask);

/* /proc/net/{tcp,udp,udplite}{,6} of protocol p (procfs.c) */
struct buf;
void inet_proc_net(struct buf *b, struct inet_proto *p, bool v6);
/* a listener's accept queue length and backlog (its rx/tx_queue there) */
void inet_tcp_listen_queue(struct inet_sock *sk, u32 *len, u32 *backlog);
#endif
