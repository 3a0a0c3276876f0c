/* AF_NETLINK sockets: the family's socket side (netlink.h for the
 * protocols' side).
 *
 * A socket is SOCK_RAW or SOCK_DGRAM (else ESOCKTNOSUPPORT) of a protocol
 * that has a handler here (NETLINK_ROUTE, NETLINK_AUDIT), else
 * EPROTONOSUPPORT, as Linux without the protocol's module.  Port ids are
 * unique per protocol: bind with nl_pid 0, or the first send, connect or
 * bind-less use, autobinds to the process's id as Linux does, and when
 * that is taken to -4096, -4097... (Linux's rover); getsockname of an
 * unbound socket shows 0.  Multicast groups are kept (bind, connect,
 * NETLINK_ADD_MEMBERSHIP is not there: no setsockopt of the family) but
 * nothing is ever multicast: the kernel here sends no events.
 *
 * A send to port 0 is a request to the kernel, handled at once (see
 * netlink.h); a send to another port is a datagram to that socket of the
 * same protocol (ECONNREFUSED without one).  The receive queue is a list
 * of datagrams; recvmsg takes the first (MSG_PEEK leaves it), truncating
 * to the buffer with MSG_TRUNC in msg_flags, and returns the datagram's
 * full length when MSG_TRUNC is passed (how glibc and iproute2 size their
 * buffers); the name is the sender's sockaddr_nl (nl_pid 0: the kernel).
 * A queue over the receiver's SO_RCVBUF takes nothing more (Linux's
 * netlink_attachskb): the kernel's answers are then dropped and the
 * reader's next recvmsg says ENOBUFS, before its data; a user's datagram
 * waits for room (EAGAIN without blocking).  A dump is built whole at the
 * request, so one bigger than SO_RCVBUF loses its tail (Linux pauses it
 * until the reader reads); lo's dumps are a few kilobytes. */
#include <vmcore/net.h>
#include <vmcore/netlink.h>
#include <vmcore/task.h>
#include <vmcore/cred.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define CAP_NET_ADMIN 12
#define CAP_SYS_ADMIN 21
#define CAP_NET_BROADCAST 11
#define CAP_AUDIT_READ 37
#define NL_MAX_PROTO 32           /* MAX_LINKS */
#define NLMSG_GOODSIZE 3776       /* a page less skb_shared_info */
#define NL_MAX_DGRAM (32768 - 320) /* SKB_WITH_OVERHEAD(32768): netlink's cap on max_recvmsg_len */

struct nl_skb {
	struct nl_skb *next;
	u32 src_portid, dst_group;
	size_t len;
	u8 data[];
};

struct nl_sock {
	struct socket *sock;
	int protocol;
	bool bound;
	u32 portid;
	u64 groups;               /* bit g-1: group g */
	bool groups_alloc;        /* asked for groups once: ngroups is the protocol's */
	unsigned nlflags;         /* NLF_*: the SOL_NETLINK flags */
	u32 dst_portid, dst_group;
	struct nl_skb *qhead, **qtail;
	size_t qlen;
	size_t rmem;              /* the queue's charge: lengths plus SKB_OVERHEAD each */
	size_t max_recvmsg_len;
	struct nl_sock *next;
};

static struct nl_sock *nl_socks;

/* the SOL_NETLINK flags */
#define NLF_PKTINFO (1u << 0)
#define NLF_BROADCAST_ERROR (1u << 1)
#define NLF_NO_ENOBUFS (1u << 2)
#define NLF_LISTEN_ALL_NSID (1u << 3)
#define NLF_CAP_ACK (1u << 4)
#define NLF_EXT_ACK (1u << 5)
#define NLF_STRICT_CHK (1u << 6)

static const struct nl_proto *const protos[] = { &rtnetlink_proto, &audit_nl_proto };

static const struct nl_proto *proto_of(int protocol)
{
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i]->protocol == protocol)
			return protos[i];
	return NULL;
}

static struct nl_sock *nls(struct socket *s)
{
	return s->sk;
}

static struct nl_sock *lookup(int protocol, u32 portid)
{
	for (struct nl_sock *n = nl_socks; n; n = n->next)
		if (n->protocol == protocol && n->bound && n->portid == portid)
			return n;
	return NULL;
}

static int autobind(struct nl_sock *n)
{
	static s32 rover = -4096;
	if (n->bound)
		return 0;
	s32 id = current ? current->tgid : 0;
	while (lookup(n->protocol, (u32)id)) {
		if (rover > -4096)
			rover = -4096;
		id = rover--;
	}
	n->portid = id;
	n->bound = true;
	return 0;
}

/* the protocol's multicast groups (netlink_kernel_create: at least 32) */
static int ngroups(const struct nl_sock *n)
{
	return n->protocol == NETLINK_ROUTE ? RTNLGRP_MAX : 32;
}

/* a protocol's word on joining a group: audit's (audit_multicast_bind)
 * needs CAP_AUDIT_READ or CAP_SYS_ADMIN */
static int group_bind(struct nl_sock *n, int group)
{
	(void)group;
	if (n->protocol == NETLINK_AUDIT && !capable(current, CAP_AUDIT_READ) && !capable(current, CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

static int nl_create(struct socket *s, int protocol)
{
	if (s->type != SOCK_RAW && s->type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol < 0 || protocol >= NL_MAX_PROTO || !proto_of(protocol))
		return -EPROTONOSUPPORT;
	struct nl_sock *n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->sock = s;
	n->protocol = protocol;
	n->qtail = &n->qhead;
	n->next = nl_socks;
	nl_socks = n;
	s->sk = n;
	return 0;
}

static void nl_release(struct socket *s)
{
	struct nl_sock *n = nls(s);
	if (!n)
		return;
	for (struct nl_sock **pp = &nl_socks; *pp; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	while (n->qhead) {
		struct nl_skb *b = n->qhead;
		n->qhead = b->next;
		free(b);
	}
	free(n);
	s->sk = NULL;
}

static int addr_check(const void *addr, int len)
{
	const struct sockaddr_nl *a = addr;
	if (len < (int)sizeof(*a))
		return -EINVAL;
	if (a->nl_family != AF_NETLINK)
		return -EINVAL;
	return 0;
}

static int nl_bind(struct socket *s, const void *addr, int len)
{
	struct nl_sock *n = nls(s);
	int r = addr_check(addr, len);
	if (r < 0)
		return r;
	const struct sockaddr_nl *a = addr;
	u32 groups = a->nl_groups;
	if (groups)
		n->groups_alloc = true;
	if (ngroups(n) < 32)
		groups &= (1u << ngroups(n)) - 1;
	if (n->bound && a->nl_pid != n->portid)
		return -EINVAL;
	/* the protocol's word on each group, then the port (Linux's order) */
	for (int g = 1; g <= 32; g++)
		if ((groups & (1u << (g - 1))) && (r = group_bind(n, g)) < 0)
			return r;
	if (n->bound) {
		/* keeps its port */
	} else if (a->nl_pid) {
		if (lookup(n->protocol, a->nl_pid))
			return -EADDRINUSE;
		n->portid = a->nl_pid;
		n->bound = true;
	} else {
		autobind(n);
	}
	n->groups = (n->groups & ~0xffffffffull) | groups; /* bind sets the first 32 */
	return 0;
}

static int nl_connect(struct socket *s, const void *addr, int len)
{
	struct nl_sock *n = nls(s);
	const struct sockaddr_nl *a = addr;
	if (len >= (int)sizeof(a->nl_family) && a->nl_family == AF_UNSPEC) {
		n->dst_portid = n->dst_group = 0;
		return 0;
	}
	int r = addr_check(addr, len);
	if (r < 0)
		return r;
	if ((a->nl_pid || a->nl_groups) && !capable(current, CAP_NET_ADMIN))
		return -EPERM; /* as a send to a user (nl_sendmsg) */
	autobind(n);
	n->dst_portid = a->nl_pid;
	n->dst_group = a->nl_groups ? __builtin_ffs(a->nl_groups) : 0;
	return 0;
}

static int nl_getname(struct socket *s, void *addr, bool peer)
{
	struct nl_sock *n = nls(s);
	struct sockaddr_nl *a = addr;
	memset(a, 0, sizeof(*a));
	a->nl_family = AF_NETLINK;
	if (peer) {
		a->nl_pid = n->dst_portid;
		a->nl_groups = n->dst_group ? 1u << (n->dst_group - 1) : 0;
	} else {
		a->nl_pid = n->bound ? n->portid : 0;
		a->nl_groups = (u32)n->groups;
	}
	return sizeof(*a);
}

/* what a queued datagram costs its receiver, standing for an skb's truesize */
#define SKB_OVERHEAD 576

/* Linux's netlink_attachskb: a receiver over its SO_RCVBUF takes nothing */
static bool congested(struct nl_sock *n)
{
	return n->rmem > (size_t)n->sock->rcvbuf;
}

static void queue(struct nl_sock *n, struct nl_skb *b)
{
	b->next = NULL;
	*n->qtail = b;
	n->qtail = &b->next;
	n->qlen++;
	n->rmem += b->len + SKB_OVERHEAD;
	sock_wake();
}

/* an answer of the kernel: dropped when the reader is congested, which
 * it learns as ENOBUFS at its next recvmsg (netlink_overrun) */
static void queue_kernel(struct nl_sock *n, struct nl_skb *b)
{
	if (congested(n)) {
		free(b);
		if (!(n->nlflags & NLF_NO_ENOBUFS))
			n->sock->err = ENOBUFS;
		sock_wake();
		return;
	}
	queue(n, b);
}

static struct nl_skb *skb_new(const void *data, size_t len, u32 src)
{
	struct nl_skb *b = malloc(sizeof(*b) + len);
	if (!b)
		return NULL;
	b->src_portid = src;
	b->dst_group = 0;
	b->len = len;
	memcpy(b->data, data, len);
	return b;
}

/* ---- answers (netlink.h) ---- */

struct nl_out {
	struct nl_sock *to;
	size_t limit;          /* the biggest datagram */
	u8 *msg;               /* the message being built */
	size_t mlen, mcap;
	u8 *dgram;             /* the datagram being filled */
	size_t dlen, dcap;
	bool oom;
};

u32 nl_out_portid(const struct nl_out *o)
{
	return o->to->portid;
}

static void grow(u8 **p, size_t *cap, size_t need, bool *oom)
{
	if (need <= *cap)
		return;
	size_t nc = MAX(need, *cap * 2 + 256);
	u8 *np = realloc(*p, nc);
	if (!np) {
		*oom = true;
		return;
	}
	*p = np;
	*cap = nc;
}

static void msg_put(struct nl_out *o, const void *data, size_t len)
{
	size_t al = NLMSG_ALIGN(len);
	grow(&o->msg, &o->mcap, o->mlen + al, &o->oom);
	if (o->oom)
		return;
	memcpy(o->msg + o->mlen, data, len);
	memset(o->msg + o->mlen + len, 0, al - len);
	o->mlen += al;
}

void nlmsg_begin(struct nl_out *o, u16 type, u16 flags, u32 seq, const void *hdr, size_t hdrlen)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq,
			      .nlmsg_pid = o->to->portid };
	o->mlen = 0;
	msg_put(o, &h, sizeof(h));
	if (hdrlen)
		msg_put(o, hdr, hdrlen);
}

void nla_put(struct nl_out *o, u16 type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };
	msg_put(o, &a, sizeof(a));
	grow(&o->msg, &o->mcap, o->mlen + NLA_ALIGN(len), &o->oom);
	if (o->oom)
		return;
	if (len)
		memcpy(o->msg + o->mlen, data, len);
	memset(o->msg + o->mlen + len, 0, NLA_ALIGN(len) - len);
	o->mlen += NLA_ALIGN(len);
}

size_t nla_nest_start(struct nl_out *o, u16 type)
{
	size_t start = o->mlen;
	nla_put(o, type, NULL, 0); /* without NLA_F_NESTED, as rtnetlink's own nests */
	return start;
}

void nla_nest_end(struct nl_out *o, size_t start)
{
	if (!o->oom)
		((struct nlattr *)(o->msg + start))->nla_len = o->mlen - start;
}

void nla_put_u8(struct nl_out *o, u16 type, u8 v)
{
	nla_put(o, type, &v, 1);
}

void nla_put_u32(struct nl_out *o, u16 type, u32 v)
{
	nla_put(o, type, &v, 4);
}

void nla_put_str(struct nl_out *o, u16 type, const char *s)
{
	nla_put(o, type, s, strlen(s) + 1);
}

static void out_flush(struct nl_out *o)
{
	if (!o->dlen)
		return;
	struct nl_skb *b = skb_new(o->dgram, o->dlen, 0);
	if (b)
		queue_kernel(o->to, b);
	o->dlen = 0;
}

void nlmsg_end(struct nl_out *o)
{
	if (o->oom)
		return;
	((struct nlmsghdr *)o->msg)->nlmsg_len = o->mlen;
	if (o->dlen && o->dlen + o->mlen > o->limit)
		out_flush(o);
	grow(&o->dgram, &o->dcap, o->dlen + o->mlen, &o->oom);
	if (o->oom)
		return;
	memcpy(o->dgram + o->dlen, o->msg, o->mlen);
	o->dlen += o->mlen;
}

void nlmsg_set_pid(struct nl_out *o, u32 pid)
{
	if (!o->oom)
		((struct nlmsghdr *)o->msg)->nlmsg_pid = pid;
}

const void *nlmsg_attr(const struct nlmsghdr *nlh, size_t hdrlen, u16 type, size_t *len)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		const struct nlattr *a = (const void *)((const u8 *)nlh + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == type) {
			*len = a->nla_len - NLA_HDRLEN;
			return (const u8 *)a + NLA_HDRLEN;
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

/* NLMSG_ERROR: the error and the request's header, and its payload too
 * for an error (an ack of success is capped, as Linux's netlink_ack) */
void nl_ack(struct nl_out *o, const struct nlmsghdr *nlh, int err)
{
	int e = err;
	out_flush(o);
	bool capped = !err || (o->to->nlflags & NLF_CAP_ACK);
	nlmsg_begin(o, NLMSG_ERROR, capped ? NLM_F_CAPPED : 0, nlh->nlmsg_seq, &e, sizeof(e));
	if (!capped)
		msg_put(o, nlh, nlh->nlmsg_len);
	else
		msg_put(o, nlh, NLMSG_HDRLEN);
	nlmsg_end(o);
	out_flush(o);
}

/* the kernel's side of a datagram sent to port 0 (netlink_rcv_skb) */
static void kernel_rcv(struct nl_sock *n, const u8 *data, size_t len)
{
	const struct nl_proto *p = proto_of(n->protocol);
	struct nl_out o = { .to = n, .limit = MAX((size_t)NLMSG_GOODSIZE, n->max_recvmsg_len) };
	while (len >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		memcpy(&h, data, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || len < h.nlmsg_len)
			break;
		/* an aligned private copy the protocol may read as a struct */
		struct nlmsghdr *req = malloc(h.nlmsg_len);
		if (!req)
			break;
		memcpy(req, data, h.nlmsg_len);
		int err = 0;
		if ((h.nlmsg_flags & NLM_F_REQUEST) && h.nlmsg_type >= NLMSG_MIN_TYPE)
			err = p->rcv(&o, current, req);
		if (err == NL_DUMPED) {
			out_flush(&o);
			int done = 0;
			nlmsg_begin(&o, NLMSG_DONE, NLM_F_MULTI, h.nlmsg_seq, &done, sizeof(done));
			nlmsg_end(&o);
			out_flush(&o);
		} else if (err != NL_ACKED && (err || (h.nlmsg_flags & NLM_F_ACK))) {
			nl_ack(&o, req, err);
		}
		out_flush(&o);
		free(req);
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step > len)
			step = len;
		data += step;
		len -= step;
	}
	free(o.msg);
	free(o.dgram);
}

static long nl_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct nl_sock *n = nls(s);
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	u32 dst = n->dst_portid, group = n->dst_group;
	if (m->name) {
		int r = addr_check(m->name, m->namelen);
		if (r < 0)
			return r;
		const struct sockaddr_nl *a = m->name;
		dst = a->nl_pid;
		group = a->nl_groups ? __builtin_ffs(a->nl_groups) : 0;
		/* neither protocol lets others than CAP_NET_ADMIN send to
		 * users (Linux's NL_CFG_F_NONROOT_SEND is not theirs) */
		if ((dst || group) && !capable(current, CAP_NET_ADMIN))
			return -EPERM;
	}
	autobind(n);
	if (m->len > (size_t)s->sndbuf - 32)
		return -EMSGSIZE;
	size_t len = m->len;
	u8 *buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	if (kmsg_from_iov(m, buf, len) < 0) {
		free(buf);
		return -EFAULT;
	}
	long r = len;
	if (group) {
		/* nothing listens to user multicast here; Linux needs the
		 * protocol's permission (NETLINK_ROUTE: CAP_NET_ADMIN) */
		if (!dst) {
			free(buf);
			return r;
		}
	}
	if (dst == 0) {
		kernel_rcv(n, buf, len);
	} else {
		/* a user's datagram to a congested user waits for room, or
		 * is EAGAIN without blocking (no ENOBUFS for the receiver) */
		struct timespec start;
		clock_gettime(CLOCK_REALTIME, &start);
		struct nl_sock *peer;
		while ((peer = lookup(n->protocol, dst)) && congested(peer)) {
			long e = sock_nonblock(s, flags) ? -EAGAIN : sock_wait(s, s->sndtimeo, &start);
			if (e < 0) {
				free(buf);
				return e;
			}
			n = nls(s);
		}
		struct nl_skb *b = peer ? skb_new(buf, len, n->portid) : NULL;
		if (!peer)
			r = -ECONNREFUSED;
		else if (!b)
			r = -ENOMEM;
		else
			queue(peer, b);
	}
	free(buf);
	return r;
}

static long nl_recvmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct nl_sock *n = nls(s);
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	for (;;) {
		/* a pending error (ENOBUFS) before the data, as Linux's
		 * skb_recv_datagram */
		if (s->err) {
			int e = s->err;
			s->err = 0;
			return -e;
		}
		if (n->qhead)
			break;
		if (sock_nonblock(s, flags))
			return -EAGAIN;
		int r = sock_wait(s, s->rcvtimeo, &start);
		if (r < 0)
			return r;
		n = nls(s);
	}
	/* the reader's buffer sizes the datagrams of later answers */
	n->max_recvmsg_len = MIN(MAX(n->max_recvmsg_len, m->len), (size_t)NL_MAX_DGRAM);
	struct nl_skb *b = n->qhead;
	size_t len = MIN(m->len, b->len);
	if (kmsg_to_iov(m, b->data, len) < 0)
		return -EFAULT;
	if (len < b->len)
		m->flags |= MSG_TRUNC;
	if (m->name) {
		struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_pid = b->src_portid,
					 .nl_groups = b->dst_group ? 1u << (b->dst_group - 1) : 0 };
		memcpy(m->name, &a, sizeof(a));
		m->namelen = sizeof(a);
	}
	if (n->nlflags & NLF_PKTINFO) {
		struct nl_pktinfo info = { .group = b->dst_group };
		size_t fitted;
		kmsg_put_cmsg(m, SOL_NETLINK, NETLINK_PKTINFO, &info, sizeof(info), &fitted);
	}
	long r = flags & MSG_TRUNC ? (long)b->len : (long)len;
	if (!(flags & MSG_PEEK)) {
		n->qhead = b->next;
		if (!n->qhead)
			n->qtail = &n->qhead;
		n->qlen--;
		n->rmem -= b->len + SKB_OVERHEAD;
		free(b);
		sock_wake();
	}
	return r;
}

static unsigned nl_poll(struct socket *s)
{
	struct nl_sock *n = nls(s);
	unsigned m = POLLOUT | POLLWRNORM | POLLWRBAND;
	if (n->qhead)
		m |= POLLIN | POLLRDNORM;
	if (s->err)
		m |= POLLERR;
	return m;
}

static unsigned flag_of(int name)
{
	switch (name) {
	case NETLINK_PKTINFO: return NLF_PKTINFO;
	case NETLINK_BROADCAST_ERROR: return NLF_BROADCAST_ERROR;
	case NETLINK_NO_ENOBUFS: return NLF_NO_ENOBUFS;
	case NETLINK_LISTEN_ALL_NSID: return NLF_LISTEN_ALL_NSID;
	case NETLINK_CAP_ACK: return NLF_CAP_ACK;
	case NETLINK_EXT_ACK: return NLF_EXT_ACK;
	case NETLINK_GET_STRICT_CHK: return NLF_STRICT_CHK;
	}
	return 0;
}

/* SOL_NETLINK, as Linux's netlink_setsockopt: a value shorter than an int
 * is 0.  The flags are kept; CAP_ACK, NO_ENOBUFS and PKTINFO change what
 * is received; EXT_ACK adds nothing (no error here has a message) and
 * STRICT_CHK filters nothing (dumps are whole; their readers filter). */
static int nl_setsockopt(struct socket *s, int level, int name, const void *val, int len)
{
	struct nl_sock *n = nls(s);
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	int v = 0;
	if (len >= (int)sizeof(int))
		memcpy(&v, val, sizeof(v));
	if (name == NETLINK_ADD_MEMBERSHIP || name == NETLINK_DROP_MEMBERSHIP) {
		n->groups_alloc = true;
		if (!v || (unsigned)v - 1 >= (unsigned)ngroups(n))
			return -EINVAL;
		if (v > 64)
			return 0; /* kept nowhere: nothing is multicast anyway */
		if (name == NETLINK_ADD_MEMBERSHIP) {
			int r = group_bind(n, v);
			if (r < 0)
				return r;
			n->groups |= 1ull << (v - 1);
		} else {
			n->groups &= ~(1ull << (v - 1));
		}
		return 0;
	}
	unsigned f = flag_of(name);
	if (!f)
		return -ENOPROTOOPT;
	if (f == NLF_LISTEN_ALL_NSID && !capable(current, CAP_NET_BROADCAST))
		return -EPERM;
	if (v)
		n->nlflags |= f;
	else
		n->nlflags &= ~f;
	return 0;
}

static int nl_getsockopt(struct socket *s, int level, int name, void *val, int *len)
{
	struct nl_sock *n = nls(s);
	if (level == SOL_SOCKET) /* the generic layer's SO_ACCEPTCONN */
		return name == SO_ACCEPTCONN ? 0 : -ENOPROTOOPT;
	if (level != SOL_NETLINK)
		return -ENOPROTOOPT;
	if (name == NETLINK_LIST_MEMBERSHIPS) {
		/* the bitmap in u32 words, as far as the buffer goes (Linux
		 * tells the whole length even past a short buffer; here the
		 * length is what was copied) */
		int ng = n->groups_alloc ? ngroups(n) : 0, put = 0;
		for (int pos = 0; pos * 8 < ng && *len - pos >= 4; pos += 4) {
			u32 w = pos < 8 ? (u32)(n->groups >> (pos * 8)) : 0;
			memcpy((u8 *)val + pos, &w, 4);
			put = pos + 4;
		}
		*len = put;
		return 0;
	}
	unsigned f = flag_of(name);
	if (!f)
		return -ENOPROTOOPT;
	if (*len < (int)sizeof(int))
		return -EINVAL;
	int v = !!(n->nlflags & f);
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static const struct proto_ops netlink_ops = {
	.setsockopt = nl_setsockopt,
	.getsockopt = nl_getsockopt,
	.family = AF_NETLINK,
	.create = nl_create,
	.release = nl_release,
	.bind = nl_bind,
	.connect = nl_connect,
	.getname = nl_getname,
	.sendmsg = nl_sendmsg,
	.recvmsg = nl_recvmsg,
	.poll = nl_poll,
};

__attribute__((constructor)) static void af_netlink_register(void)
{
	sock_register(&netlink_ops);
}
