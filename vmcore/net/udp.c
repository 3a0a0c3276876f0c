/* UDP over loopback, for AF_INET and AF_INET6 (vmcore/inet.h).
 *
 * A send finds the receiving socket in the port table (bound to the
 * destination port and an address that takes the destination; a
 * connected receiver only takes datagrams from its peer) and queues one
 * inet_buf with the sender's address on it: boundaries are kept, a short
 * read is MSG_TRUNC.  A receiver whose queue is over its SO_RCVBUF drops
 * the datagram silently, as Linux does.  Nobody at the port: the datagram
 * is lost, and a connected sender learns of it as Linux's does from the
 * ICMP port unreachable of loopback, ECONNREFUSED on its next send or
 * receive (SO_ERROR, POLLERR); an unconnected one learns nothing.
 *
 * connect sets the default destination (and the source address, from the
 * route); AF_UNSPEC undoes it, releasing an ephemeral port.  Datagrams
 * over 65507 bytes (IPv4) or 65527 (IPv6) are EMSGSIZE.
 *
 * UDP-Lite (RFC 3828, IPPROTO_UDPLITE) is the same protocol with a port
 * table of its own and a checksum that may cover only the start of a
 * datagram: UDPLITE_SEND_CSCOV sets the coverage a sender puts in its
 * datagrams, UDPLITE_RECV_CSCOV the least a receiver takes (a datagram
 * covered less is dropped, as Linux's udp_queue_rcv_one_skb drops it).
 * Nothing is corrupted on loopback, so coverage decides only that. */
#include <vmcore/syscall.h>
#include <vmcore/inet.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define UDP_OVERHEAD 824 /* stands for the skb truesize Linux charges per datagram */

struct udp_data {
	bool rcv_shut, snd_shut;
	/* UDP-Lite: the coverage set for sending and the least taken when
	 * receiving (0: the whole datagram), and whether each was set */
	int pcslen, pcrlen;
	bool send_cc, recv_cc;
};

static struct udp_data *ud(struct inet_sock *sk)
{
	return sk->proto_data;
}

static int udp_init(struct inet_sock *sk)
{
	sk->proto_data = kzalloc(sizeof(struct udp_data));
	return sk->proto_data ? 0 : -ENOMEM;
}

static void udp_destroy(struct inet_sock *sk)
{
	free(sk->proto_data);
}

static void udp_release(struct socket *s)
{
	struct inet_sock *sk = inet_sk(s);
	if (!sk)
		return;
	inet_unbind(sk);
	inet_queue_purge(sk);
	inet_release(s);
	inet_wake(NULL, 0);
}

static void reset_local(struct inet_sock *sk)
{
	if (!sk->bound_addr) {
		memset(&sk->laddr, 0, sizeof(sk->laddr));
		if (sk->family == AF_INET)
			sk->laddr.s6_addr32[2] = htonl(0xffff);
	}
}

static int udp_connect(struct socket *s, const void *addr, int len)
{
	struct inet_sock *sk = inet_sk(s);
	struct in6_addr dst, src;
	u16 port;
	bool unspec;
	if (len >= (int)sizeof(sa_family_t) && ((const struct sockaddr *)addr)->sa_family == AF_UNSPEC) {
		sk->state = TCPS_CLOSE;
		sk->rport = 0;
		memset(&sk->raddr, 0, sizeof(sk->raddr));
		if (sk->family == AF_INET)
			sk->raddr.s6_addr32[2] = htonl(0xffff);
		reset_local(sk);
		if (!sk->bound_port) {
			inet_unbind(sk);
			sk->lport = 0;
		}
		inet_wake(sk, POLLOUT);
		return 0;
	}
	int r = inet_parse(sk, addr, len, false, &dst, &port, &unspec);
	if (r < 0)
		return r;
	if (sk->family == AF_INET6 && sk->v6only && inet_v4mapped(&dst))
		return -ENETUNREACH;
	inet_fix_dst(&dst);
	if ((r = inet_route(sk, &dst, &src)) < 0)
		return r;
	if ((r = inet_autobind(sk)) < 0)
		return r;
	if (!sk->bound_addr)
		sk->laddr = src;
	sk->raddr = dst;
	sk->rport = port;
	sk->state = TCPS_ESTABLISHED;
	inet_wake(sk, POLLOUT);
	return 0;
}

/* the socket of protocol p a datagram from src:sport to dst:dport goes to */
static struct inet_sock *find_receiver(struct inet_proto *p, const struct in6_addr *dst, u16 dport,
				       const struct in6_addr *src, u16 sport)
{
	struct inet_sock *best = NULL;
	int best_score = -1;
	for (struct inet_sock *o = p->bound; o; o = o->bind_next) {
		if (o->lport != dport || !o->sock || !inet_addr_match(o, dst))
			continue;
		int score = o->bound_addr ? 2 : 0;
		if (o->state == TCPS_ESTABLISHED) {
			if (o->rport != sport || memcmp(&o->raddr, src, sizeof(*src)))
				continue;
			score += 4;
		}
		/* an IPv4 datagram prefers an AF_INET socket, as Linux's lookup order */
		if (o->family == AF_INET)
			score += 1;
		if (score > best_score) {
			best = o;
			best_score = score;
		}
	}
	return best;
}

/* UDP-Lite: does a datagram of len bytes from sender u reach receiver r?
 * Its coverage (header included) is the sender's when that is shorter
 * than the datagram, else all of it; a partly covered one must cover at
 * least what the receiver set, and is refused by one that set full
 * coverage (0).  Plain UDP sockets set neither. */
static bool lite_accepts(const struct udp_data *u, const struct udp_data *r, size_t len)
{
	size_t ulen = len + 8;
	if (!r->recv_cc || !u->send_cc || !u->pcslen || (size_t)u->pcslen >= ulen)
		return true;
	return r->pcrlen && u->pcslen >= r->pcrlen;
}

static long udp_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct inet_sock *sk = inet_sk(s);
	struct in6_addr dst, src;
	u16 port;
	bool unspec;
	int r;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (m->name) {
		if ((r = inet_parse(sk, m->name, m->namelen, false, &dst, &port, &unspec)) < 0)
			return r;
		if (unspec && sk->family == AF_INET6)
			goto connected;
		if (!port)
			return -EINVAL;
	} else {
	connected:
		if (sk->state != TCPS_ESTABLISHED)
			return -EDESTADDRREQ;
		dst = sk->raddr;
		port = sk->rport;
	}
	if (sk->family == AF_INET6 && sk->v6only && inet_v4mapped(&dst))
		return -ENETUNREACH;
	struct inet_tx tx;
	if ((r = inet_cmsg_send(sk, m, &dst, &tx)) < 0)
		return r;
	size_t max = inet_v4mapped(&dst) ? 65507 : 65527;
	if (m->len > max)
		return -EMSGSIZE;
	if (s->err)
		return -sock_take_err(s);
	if (ud(sk)->snd_shut)
		return -EPIPE;
	inet_fix_dst(&dst);
	if (inet_v4mapped(&dst) && dst.s6_addr32[3] == htonl(INADDR_BROADCAST) && !s->broadcast)
		return -EACCES;
	if ((r = inet_route(sk, &dst, &src)) < 0)
		return r;
	if (sk->state == TCPS_ESTABLISHED && sk->bound_addr)
		src = sk->laddr;
	if ((r = inet_tx_route(&tx, &dst, &src)) < 0)
		return r;
	if ((r = inet_autobind(sk)) < 0)
		return r;
	struct inet_sock *o = find_receiver(sk->proto, &dst, port, &src, sk->lport);
	size_t len = m->len;
	if (!o) {
		/* the ICMP error finds a connected socket only when it came from
		 * its peer's address */
		if (sk->state == TCPS_ESTABLISHED && port == sk->rport && !memcmp(&dst, &sk->raddr, sizeof(dst))) {
			s->err = ECONNREFUSED; /* the ICMP port unreachable */
			inet_wake(sk, POLLOUT | POLLIN);
		}
		return len;
	}
	if (o->rmem + len + UDP_OVERHEAD > (size_t)o->sock->rcvbuf + UDP_OVERHEAD && o->rmem)
		return len; /* dropped: the receiver's buffer is full */
	if (!lite_accepts(ud(sk), ud(o), len))
		return len; /* dropped: covered less than the receiver asks */
	struct inet_buf *b = inet_buf_new(len);
	if (!b)
		return -ENOBUFS;
	if (kmsg_from_iov(m, b->data, len) < 0) {
		inet_buf_free(b);
		return -EFAULT;
	}
	b->from = src;
	b->from_port = sk->lport;
	b->to = dst;
	b->to_port = port;
	b->ttl = tx.ttl;
	b->tos = tx.tos;
	clock_gettime(CLOCK_REALTIME, &b->stamp);
	o->rmem += len + UDP_OVERHEAD;
	inet_queue_add(o, b);
	inet_wake(o, POLLIN);
	return len;
}

static long udp_recvmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct inet_sock *sk = inet_sk(s);
	if (m->name)
		m->namelen = 0;
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	while (!sk->qhead) {
		if (s->err)
			return -sock_take_err(s);
		if (ud(sk)->rcv_shut)
			return 0;
		if (sock_nonblock(s, flags))
			return -EAGAIN;
		int r = sock_wait(s, s->rcvtimeo, &start);
		if (r < 0)
			return r;
	}
	struct inet_buf *b = sk->qhead;
	size_t n = MIN(m->len, b->len);
	if (kmsg_to_iov(m, b->data, n) < 0)
		return -EFAULT;
	if (n < b->len)
		m->flags |= MSG_TRUNC;
	if (m->name)
		m->namelen = inet_put(sk, m->name, &b->from, b->from_port);
	sock_recv_timestamp(s, m, &b->stamp);
	inet_cmsg_recv(sk, m, b);
	long ret = flags & MSG_TRUNC ? (long)b->len : (long)n;
	if (!(flags & MSG_PEEK)) {
		inet_queue_pop(sk);
		sk->rmem -= b->len + UDP_OVERHEAD;
		inet_buf_free(b);
	}
	return ret;
}

static int udp_shutdown(struct socket *s, int how)
{
	struct inet_sock *sk = inet_sk(s);
	int mode = how + 1;
	if (mode & 1)
		ud(sk)->rcv_shut = true;
	if (mode & 2)
		ud(sk)->snd_shut = true;
	inet_wake(sk, POLLIN | POLLOUT);
	/* the shutdown is noted either way, as Linux's inet_shutdown */
	return sk->state == TCPS_ESTABLISHED ? 0 : -ENOTCONN;
}

static unsigned udp_poll(struct socket *s)
{
	struct inet_sock *sk = inet_sk(s);
	struct udp_data *u = ud(sk);
	unsigned m = 0;
	if (s->err)
		m |= POLLERR;
	if (u->rcv_shut)
		m |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (u->rcv_shut && u->snd_shut)
		m |= POLLHUP;
	if (sk->qhead)
		m |= POLLIN | POLLRDNORM;
	m |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return m;
}

static long udp_ioctl(struct socket *s, unsigned cmd, u64 arg)
{
	struct inet_sock *sk = inet_sk(s);
	int v;
	switch (cmd) {
	case SIOCINQ:
		v = sk->qhead ? (int)sk->qhead->len : 0;
		break;
	case SIOCOUTQ:
		v = 0;
		break;
	default:
		return -ENOTTY;
	}
	return copy_to_user(current->mm, arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

#define UDP_CORK 1
#define UDP_ENCAP 100
#define UDP_NO_CHECK6_TX 101
#define UDP_NO_CHECK6_RX 102
#define UDP_SEGMENT 103
#define UDP_GRO 104

#define UDPLITE_SEND_CSCOV 10
#define UDPLITE_RECV_CSCOV 11

static bool is_lite(struct inet_sock *sk)
{
	return sk->proto == &udplite_proto;
}

/* Both protocols take options at SOL_UDP and SOL_UDPLITE (as Linux's
 * udp_lib_setsockopt); the coverage options only on a UDP-Lite socket. */
static int udp_setsockopt(struct socket *s, int level, int name, const void *val, int len)
{
	struct inet_sock *sk = inet_sk(s);
	if (level != IPPROTO_UDP && level != IPPROTO_UDPLITE)
		return inet_setsockopt(s, level, name, val, len);
	if (len < (int)sizeof(int))
		return -EINVAL;
	int v;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case UDP_CORK: case UDP_SEGMENT: case UDP_GRO: case UDP_NO_CHECK6_TX: case UDP_NO_CHECK6_RX:
		return 0;
	case UDPLITE_SEND_CSCOV:
	case UDPLITE_RECV_CSCOV:
		if (!is_lite(sk))
			return -ENOPROTOOPT;
		/* less than the header is the header; at most 65535 */
		v = v != 0 && v < 8 ? 8 : v > 65535 ? 65535 : v;
		if (name == UDPLITE_SEND_CSCOV) {
			ud(sk)->pcslen = v;
			ud(sk)->send_cc = true;
		} else {
			ud(sk)->pcrlen = v;
			ud(sk)->recv_cc = true;
		}
		return 0;
	}
	return -ENOPROTOOPT;
}

static int udp_getsockopt(struct socket *s, int level, int name, void *val, int *len)
{
	struct inet_sock *sk = inet_sk(s);
	if (level == SOL_SOCKET)
		return name == SO_ACCEPTCONN ? 0 : -ENOPROTOOPT;
	if (level != IPPROTO_UDP && level != IPPROTO_UDPLITE)
		return inet_getsockopt(s, level, name, val, len);
	int v = 0;
	switch (name) {
	case UDP_CORK: case UDP_SEGMENT: case UDP_GRO: case UDP_NO_CHECK6_TX: case UDP_NO_CHECK6_RX:
		break;
	case UDPLITE_SEND_CSCOV:
	case UDPLITE_RECV_CSCOV:
		if (!is_lite(sk))
			return -ENOPROTOOPT;
		v = name == UDPLITE_SEND_CSCOV ? ud(sk)->pcslen : ud(sk)->pcrlen;
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (*len < 0)
		return -EINVAL;
	*len = MIN(*len, (int)sizeof(int));
	memcpy(val, &v, *len);
	return 0;
}

static int udp_create(struct socket *s, int protocol)
{
	return inet_create(s, protocol == IPPROTO_UDPLITE ? &udplite_proto : &udp_proto, protocol);
}

static const struct proto_ops udp_ops = {
	.family = AF_INET,
	.create = udp_create,
	.release = udp_release,
	.bind = inet_bind,
	.connect = udp_connect,
	.getname = inet_getname,
	.sendmsg = udp_sendmsg,
	.recvmsg = udp_recvmsg,
	.shutdown = udp_shutdown,
	.poll = udp_poll,
	.setsockopt = udp_setsockopt,
	.getsockopt = udp_getsockopt,
	.ioctl = udp_ioctl,
};

struct inet_proto udp_proto = {
	.type = SOCK_DGRAM,
	.protocol = IPPROTO_UDP,
	.ops4 = &udp_ops,
	.ops6 = &udp_ops,
	.init = udp_init,
	.destroy = udp_destroy,
};

struct inet_proto udplite_proto = {
	.type = SOCK_DGRAM,
	.protocol = IPPROTO_UDPLITE,
	.ops4 = &udp_ops,
	.ops6 = &udp_ops,
	.init = udp_init,
	.destroy = udp_destroy,
};
