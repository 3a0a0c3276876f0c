/* TCP over loopback, for AF_INET and AF_INET6 (vmcore/inet.h).
 *
 * No segment is ever made.  A connection is two inet_socks pointing at
 * each other (each holds a reference to its peer); connect finds the
 * listener in the port table and makes the server's end at once (a child
 * without a socket), queued on the listener until accept() gives it a
 * socket: the handshake is instant, as it is on Linux's loopback where it
 * completes before connect returns.  A nonblocking connect still says
 * EINPROGRESS, as Linux's does, and the socket is writable at once; to a
 * port nobody listens on it says EINPROGRESS and the error (ECONNREFUSED)
 * waits in SO_ERROR, POLLERR|POLLHUP set.  A full accept queue (more than
 * backlog + 1) drops the SYN: a blocking connect waits for room, a
 * nonblocking one stays in SYN_SENT until accept makes room.
 *
 * Data: a send appends the bytes to the peer's receive queue directly
 * (small writes coalesce into the tail buffer) and wakes it; the queue is
 * bounded by the receiver's SO_RCVBUF when the guest set it, else by a
 * window that stands for Linux's autotuning (TCP_WINDOW, 1 MiB), and the
 * sender waits (or EAGAIN) when it is full.  Buffers are charged to the
 * guest's memory (inet.c).  TCP_CORK, TCP_NODELAY and MSG_MORE change no
 * timing here: delivery is immediate.
 *
 * Ends: shutdown(SHUT_WR) is a FIN (the peer reads EOF, CLOSE_WAIT; we go
 * to FIN_WAIT2); close with unread data, or with SO_LINGER of 0 seconds,
 * is a RST (the peer's next call is ECONNRESET); a plain close is a FIN,
 * and a later write from the peer to the closed end draws a RST (the
 * write succeeds, the next one is EPIPE with SIGPIPE, as Linux).  States
 * are Linux's numbers (TCP_INFO, /proc/net/tcp); no TIME_WAIT is kept.
 * MSG_OOB: recv says EINVAL (no urgent data), send EOPNOTSUPP. */
#include <vmcore/syscall.h>
#include <vmcore/inet.h>
#include <vmcore/ktime.h>
#include <vmcore/cred.h>
#include <linux/tcp.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define TCP_WINDOW (1 << 20)
#define TCP_DEF_SNDBUF 16384   /* net.ipv4.tcp_wmem[1] */
#define TCP_DEF_RCVBUF 131072  /* net.ipv4.tcp_rmem[1] */
#define LO_MSS 65483           /* lo's MTU 65536 less headers and timestamps */
#define LO_MSS_CUR 32768       /* the MSS in use: bounded by half the peer's first window */
#define MIN_CHUNK 2048


struct tcp_data {
	struct inet_sock *peer;    /* referenced */
	bool rcv_shut, snd_shut;   /* FIN in / out (or SHUT_RD) */
	bool done;                 /* was connected: reads at the end are EOF, not ENOTCONN */
	bool orphan;               /* closed by its owner; the peer's writes draw a RST */
	bool connecting;           /* a nonblocking connect not yet confirmed (SS_CONNECTING) */
	struct inet_sock *target;  /* SYN_SENT: the listener whose queue was full (referenced) */
	/* a listener's queue of children */
	struct inet_sock *acc_head, *acc_tail, *acc_next;
	int acc_len, backlog;
	/* options */
	bool nodelay, cork, quickack;
	int user_mss, keepidle, keepintvl, keepcnt, syncnt, linger2, defer_accept, window_clamp;
	int user_timeout, notsent_lowat;
	/* counters for TCP_INFO */
	u64 bytes_sent, bytes_received, segs_out, segs_in;
	s64 last_send, last_recv;  /* ktime */
	s64 fin_time;              /* FIN_WAIT1 since: the peer's ACK is a delayed one */
};

#define DELACK_NS 40000000 /* Linux's minimum delayed-ACK time */

static struct tcp_data *td(struct inet_sock *sk)
{
	return sk->proto_data;
}

static int tcp_init(struct inet_sock *sk)
{
	struct tcp_data *t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->keepidle = 7200;
	t->keepintvl = 75;
	t->keepcnt = 9;
	t->syncnt = 6;
	t->linger2 = 60;
	t->quickack = true;
	sk->proto_data = t;
	return 0;
}

static void tcp_destroy(struct inet_sock *sk)
{
	struct tcp_data *t = td(sk);
	if (t->peer)
		inet_sk_put(t->peer);
	if (t->target)
		inet_sk_put(t->target);
	free(t);
}

static s64 now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_to_ktime(&ts);
}

/* how much the receiver's queue may hold */
static size_t rcv_limit(struct inet_sock *r)
{
	if (r->sock && r->sock->rcvbuf_locked)
		return r->sock->rcvbuf;
	return TCP_WINDOW;
}

static bool connected(int st)
{
	return st == TCPS_ESTABLISHED || st == TCPS_CLOSE_WAIT;
}

/* ---- ends ---- */

/* our FIN is acknowledged: by a segment of the peer, or the time passed */
static void ack_fin(struct inet_sock *sk, bool now)
{
	if (sk->state == TCPS_FIN_WAIT1 && (now || now_ns() - td(sk)->fin_time >= DELACK_NS))
		sk->state = TCPS_FIN_WAIT2;
}

/* a RST arrives at sk (its peer reset the connection) */
static void tcp_reset(struct inet_sock *sk)
{
	struct tcp_data *t = td(sk);
	if (sk->state == TCPS_CLOSE)
		return;
	int err = sk->state == TCPS_SYN_SENT ? ECONNREFUSED : sk->state == TCPS_CLOSE_WAIT ? EPIPE : ECONNRESET;
	if (sk->sock)
		sk->sock->err = err;
	sk->state = TCPS_CLOSE;
	t->rcv_shut = t->snd_shut = true;
	t->done = true;
	if (t->peer) {
		inet_sk_put(t->peer);
		t->peer = NULL;
	}
	inet_wake(sk, POLLIN | POLLOUT);
}

/* a FIN arrives at sk */
static void tcp_fin(struct inet_sock *sk)
{
	struct tcp_data *t = td(sk);
	t->rcv_shut = true;
	if (sk->state == TCPS_ESTABLISHED)
		sk->state = TCPS_CLOSE_WAIT;
	else if (sk->state == TCPS_FIN_WAIT1 || sk->state == TCPS_FIN_WAIT2)
		sk->state = TCPS_CLOSE; /* TIME_WAIT is not kept: the socket is closed */
	inet_wake(sk, POLLIN);
}

/* sk sends its FIN */
static void tcp_send_fin(struct inet_sock *sk)
{
	struct tcp_data *t = td(sk);
	if (t->snd_shut)
		return;
	t->snd_shut = true;
	if (sk->state == TCPS_ESTABLISHED) {
		/* the peer acknowledges the FIN with its next segment, or after
		 * its delayed-ACK time (ack_fin) */
		sk->state = TCPS_FIN_WAIT1;
		t->fin_time = now_ns();
	}
	else if (sk->state == TCPS_CLOSE_WAIT)
		sk->state = TCPS_CLOSE; /* LAST_ACK, acknowledged at once */
	if (t->peer)
		tcp_fin(t->peer);
	inet_wake(sk, POLLOUT);
}

/* sk resets its connection: the peer gets the RST */
static void tcp_send_rst(struct inet_sock *sk)
{
	struct tcp_data *t = td(sk);
	struct inet_sock *p = t->peer;
	sk->refs++; /* an orphan's last reference may be the peer's, dropped here */
	if (p) {
		t->peer = NULL;
		if (td(p)->peer == sk) {
			inet_sk_put(td(p)->peer);
			td(p)->peer = NULL;
		}
		tcp_reset(p);
		inet_sk_put(p);
	}
	sk->state = TCPS_CLOSE;
	t->rcv_shut = t->snd_shut = true;
	inet_sk_put(sk);
}

static void drop_target(struct inet_sock *sk)
{
	struct tcp_data *t = td(sk);
	if (t->target) {
		inet_sk_put(t->target);
		t->target = NULL;
	}
}

/* a connection that failed or went: its ephemeral port goes too (the
 * number stays for getsockname, as Linux's inet_sport) */
static void release_port(struct inet_sock *sk)
{
	if (!sk->bound_port) {
		inet_unbind(sk);
		if (!sk->bound_addr) {
			memset(&sk->laddr, 0, sizeof(sk->laddr));
			if (sk->family == AF_INET)
				sk->laddr.s6_addr32[2] = htonl(0xffff);
		}
	}
}

/* a listener's queued, never accepted children are reset */
static void drain_listener(struct inet_sock *sk)
{
	struct tcp_data *t = td(sk);
	struct inet_sock *c;
	while ((c = t->acc_head)) {
		t->acc_head = td(c)->acc_next;
		t->acc_len--;
		td(c)->orphan = true;
		tcp_send_rst(c);
		inet_unbind(c);
		inet_sk_put(c);
	}
	t->acc_tail = NULL;
	/* connects waiting for room are refused */
	for (struct inet_sock *o = inet_all; o; o = o->all_next)
		if (o->proto == &tcp_proto && o->state == TCPS_SYN_SENT && td(o)->target == sk) {
			drop_target(o);
			tcp_reset(o);
			release_port(o);
		}
}

static void tcp_release(struct socket *s)
{
	struct inet_sock *sk = inet_sk(s);
	if (!sk)
		return;
	struct tcp_data *t = td(sk);
	t->orphan = true;
	if (sk->state == TCPS_LISTEN) {
		drain_listener(sk);
	} else if (t->peer) {
		if (sk->qbytes || (s->linger_on && !s->linger_secs))
			tcp_send_rst(sk);
		else
			tcp_send_fin(sk);
	}
	drop_target(sk);
	inet_queue_purge(sk);
	sk->state = TCPS_CLOSE;
	inet_unbind(sk);
	/* the peer may still point here (it holds a reference): it writes
	 * into an orphan, which resets it */
	inet_release(s);
	inet_wake(NULL, 0);
}

/* ---- connecting ---- */

/* the listener for a destination: a specific address before a wildcard */
static struct inet_sock *find_listener(const struct in6_addr *dst, u16 port)
{
	struct inet_sock *best = NULL;
	for (struct inet_sock *o = tcp_proto.bound; o; o = o->bind_next) {
		if (o->lport != port || o->state != TCPS_LISTEN || !o->sock || !inet_addr_match(o, dst))
			continue;
		if (!best || (o->bound_addr && !best->bound_addr))
			best = o;
	}
	return best;
}

/* make the connection of sk to listener l: the child is queued */
static int establish(struct inet_sock *sk, struct inet_sock *l)
{
	struct inet_sock *c = inet_sk_new(&tcp_proto, l->family);
	if (!c)
		return -ENOMEM;
	struct tcp_data *ct = td(c), *t = td(sk), *lt = td(l);
	c->laddr = sk->raddr;
	c->lport = l->lport;
	c->raddr = sk->laddr;
	c->rport = sk->lport;
	c->bound_port = c->bound_addr = true;
	c->v6only = l->v6only;
	c->reuseaddr = l->sock->reuseaddr;
	c->reuseport = l->sock->reuseport;
	c->tos = l->tos;
	c->ttl = l->ttl;
	c->hops = l->hops;
	c->owner_uid = l->owner_uid;
	c->state = TCPS_ESTABLISHED;
	ct->done = true;
	ct->nodelay = lt->nodelay;
	ct->user_mss = lt->user_mss;
	ct->keepidle = lt->keepidle;
	ct->keepintvl = lt->keepintvl;
	ct->keepcnt = lt->keepcnt;
	inet_hash_child(c);
	ct->peer = sk;
	sk->refs++;
	t->peer = c;
	c->refs++;
	sk->state = TCPS_ESTABLISHED;
	t->done = true;
	/* the queue holds c's first reference */
	if (lt->acc_tail)
		td(lt->acc_tail)->acc_next = c;
	else
		lt->acc_head = c;
	lt->acc_tail = c;
	lt->acc_len++;
	inet_wake(l, POLLIN);
	inet_wake(sk, POLLOUT);
	return 0;
}

static bool queue_full(struct inet_sock *l)
{
	return td(l)->acc_len > td(l)->backlog;
}

/* room came in l's queue: connects that waited in SYN_SENT complete */
static void retry_pending(struct inet_sock *l)
{
	for (struct inet_sock *o = inet_all; o && !queue_full(l); o = o->all_next)
		if (o->proto == &tcp_proto && o->state == TCPS_SYN_SENT && td(o)->target == l) {
			drop_target(o);
			if (establish(o, l) < 0)
				tcp_reset(o);
		}
}

static int disconnect(struct inet_sock *sk)
{
	struct tcp_data *t = td(sk);
	if (sk->state == TCPS_LISTEN)
		drain_listener(sk);
	else if (t->peer)
		tcp_send_rst(sk);
	drop_target(sk);
	inet_queue_purge(sk);
	sk->state = TCPS_CLOSE;
	t->rcv_shut = t->snd_shut = t->done = t->connecting = false;
	sk->rport = 0;
	release_port(sk);
	inet_wake(sk, POLLIN | POLLOUT);
	return 0;
}

static int tcp_connect(struct socket *s, const void *addr, int len)
{
	struct inet_sock *sk = inet_sk(s);
	struct tcp_data *t = td(sk);
	struct in6_addr dst, src;
	u16 port;
	bool unspec;
	if (len < (int)sizeof(sa_family_t))
		return -EINVAL;
	if (((const struct sockaddr *)addr)->sa_family == AF_UNSPEC)
		return disconnect(sk);
	int r;
	bool nb = sock_nonblock(s, 0);
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	if (t->connecting) {
		/* a second call after a nonblocking one: how it went */
		if (sk->state == TCPS_SYN_SENT) {
			if (nb)
				return -EALREADY;
			while (sk->state == TCPS_SYN_SENT)
				if ((r = sock_wait(s, s->sndtimeo, &start)) < 0)
					return r == -EAGAIN ? -EINPROGRESS : r;
		}
		t->connecting = false;
		if (sk->state == TCPS_CLOSE) {
			int e = s->err;
			s->err = 0;
			return e ? -e : -ECONNABORTED;
		}
		return 0;
	}
	if (sk->state != TCPS_CLOSE)
		return -EISCONN;
	if ((r = inet_parse(sk, addr, len, false, &dst, &port, &unspec)) < 0)
		return r;
	if (sk->family == AF_INET6 && inet_v4mapped(&dst) && sk->v6only)
		return -ENETUNREACH;
	inet_fix_dst(&dst);
	if ((r = inet_route(sk, &dst, &src)) < 0)
		return r;
	if (!sk->bound_addr)
		sk->laddr = src;
	if ((r = inet_autobind(sk)) < 0)
		return r;
	if (!sk->bound_addr)
		sk->laddr = src;
	sk->raddr = dst;
	sk->rport = port;
	s->err = 0;
	td(sk)->rcv_shut = td(sk)->snd_shut = false;
	struct inet_sock *l = find_listener(&dst, port);
	if (!l) {
		sk->state = TCPS_CLOSE;
		sk->rport = 0;
		release_port(sk);
		if (nb) {
			/* the RST comes back before connect returns */
			s->err = ECONNREFUSED;
			t->connecting = true;
			t->rcv_shut = t->snd_shut = true;
			inet_wake(sk, POLLIN | POLLOUT);
			return -EINPROGRESS;
		}
		return -ECONNREFUSED;
	}
	if (queue_full(l)) {
		sk->state = TCPS_SYN_SENT;
		t->target = l;
		l->refs++;
		if (nb) {
			t->connecting = true;
			return -EINPROGRESS;
		}
		while (sk->state == TCPS_SYN_SENT) {
			if ((r = sock_wait(s, s->sndtimeo, &start)) < 0) {
				/* interrupted: the attempt goes on, as Linux's */
				t->connecting = true;
				return r == -EAGAIN ? -EINPROGRESS : r;
			}
		}
		if (sk->state == TCPS_CLOSE) {
			int e = s->err;
			s->err = 0;
			return e ? -e : -ECONNREFUSED;
		}
		return 0;
	}
	if ((r = establish(sk, l)) < 0)
		return r;
	if (nb) {
		t->connecting = true;
		return -EINPROGRESS;
	}
	return 0;
}

static int tcp_listen(struct socket *s, int backlog)
{
	struct inet_sock *sk = inet_sk(s);
	struct tcp_data *t = td(sk);
	if (t->connecting || (sk->state != TCPS_CLOSE && sk->state != TCPS_LISTEN))
		return -EINVAL;
	if (sk->state != TCPS_LISTEN) {
		int old = sk->state;
		sk->state = TCPS_LISTEN;
		int r = sk->lport ? inet_listen_check(sk) : inet_autobind(sk);
		if (r < 0) {
			sk->state = old;
			return r;
		}
	}
	t->backlog = backlog;
	retry_pending(sk);
	inet_wake(sk, POLLIN);
	return 0;
}

static int tcp_accept(struct socket *s, struct socket *ns)
{
	struct inet_sock *sk = inet_sk(s);
	struct tcp_data *t = td(sk);
	if (sk->state != TCPS_LISTEN)
		return -EINVAL;
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	while (!t->acc_head) {
		if (sock_nonblock(s, 0))
			return -EAGAIN;
		int r = sock_wait(s, s->rcvtimeo, &start);
		if (r < 0)
			return r;
		if (sk->state != TCPS_LISTEN)
			return -EINVAL;
	}
	struct inet_sock *c = t->acc_head;
	t->acc_head = td(c)->acc_next;
	if (!t->acc_head)
		t->acc_tail = NULL;
	td(c)->acc_next = NULL;
	t->acc_len--;
	/* the new socket takes the child; its own fresh inet_sock goes */
	inet_release(ns);
	ns->sk = c;
	c->sock = ns;
	ns->reuseaddr = s->reuseaddr;
	ns->reuseport = s->reuseport;
	ns->keepalive = s->keepalive;
	ns->sndbuf = s->sndbuf;
	ns->rcvbuf = s->rcvbuf;
	ns->sndbuf_locked = s->sndbuf_locked;
	ns->rcvbuf_locked = s->rcvbuf_locked;
	ns->linger_on = s->linger_on;
	ns->linger_secs = s->linger_secs;
	ns->rcvtimeo = s->rcvtimeo;
	ns->sndtimeo = s->sndtimeo;
	ns->oobinline = s->oobinline;
	retry_pending(sk);
	inet_wake(c, POLLIN | POLLOUT);
	return 0;
}

static int tcp_shutdown(struct socket *s, int how)
{
	struct inet_sock *sk = inet_sk(s);
	struct tcp_data *t = td(sk);
	int mode = how + 1; /* 1: receive, 2: send */
	int r = 0;
	switch (sk->state) {
	case TCPS_CLOSE:
		/* ENOTCONN, yet the shutdown is noted (poll shows it), as Linux */
		if (mode & 1)
			t->rcv_shut = true;
		if (mode & 2)
			t->snd_shut = true;
		inet_wake(sk, POLLIN | POLLOUT);
		return -ENOTCONN;
	case TCPS_LISTEN:
		if (mode & 1)
			disconnect(sk);
		return 0;
	case TCPS_SYN_SENT:
		disconnect(sk);
		return 0;
	}
	if (mode & 1) {
		t->rcv_shut = true;
		inet_wake(sk, POLLIN);
	}
	if (mode & 2)
		tcp_send_fin(sk);
	return r;
}

/* ---- data ---- */

static long tcp_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct inet_sock *sk = inet_sk(s);
	struct tcp_data *t = td(sk);
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	while (!connected(sk->state)) {
		int r;
		if (sk->state == TCPS_SYN_SENT) {
			if (sock_nonblock(s, flags))
				return -EAGAIN;
			if ((r = sock_wait(s, s->sndtimeo, &start)) < 0)
				return r;
			continue;
		}
		int e = sock_take_err(s);
		if (!e || e == EPIPE) {
			sock_sigpipe(flags);
			return -EPIPE;
		}
		return -e;
	}
	size_t total = m->len, sent = 0;
	if (t->connecting && connected(sk->state))
		t->connecting = false;
	do {
		struct inet_sock *p = t->peer;
		if (s->err || t->snd_shut || !p) {
			if (sent)
				break;
			sock_sigpipe(flags);
			return -EPIPE;
		}
		if (td(p)->orphan && !p->sock && td(p)->snd_shut) {
			/* the peer closed: the bytes go, the RST comes back */
			size_t n = total;
			u8 junk[256];
			while (m->len) {
				size_t c = MIN(m->len, sizeof(junk));
				if (kmsg_from_iov(m, junk, c) < 0)
					return -EFAULT;
			}
			tcp_send_rst(p);
			return n;
		}
		size_t lim = rcv_limit(p);
		if (p->qbytes >= lim) {
			if (sock_nonblock(s, flags))
				return sent ? (long)sent : -EAGAIN;
			int r = sock_wait(s, s->sndtimeo, &start);
			if (r < 0)
				return sent ? (long)sent : r;
			continue;
		}
		size_t n = MIN(total - sent, lim - p->qbytes);
		n = MIN(n, (size_t)256 * 1024);
		struct inet_buf *b = p->qtail;
		if (b && b->cap - b->len >= n && n < MIN_CHUNK) {
			if (kmsg_from_iov(m, b->data + b->len, n) < 0)
				return sent ? (long)sent : -EFAULT;
			b->len += n;
			p->qbytes += n;
			clock_gettime(CLOCK_REALTIME, &b->stamp);
		} else {
			b = inet_buf_new(MAX(n, (size_t)MIN_CHUNK));
			if (!b)
				return sent ? (long)sent : -ENOBUFS;
			b->len = n;
			if (kmsg_from_iov(m, b->data, n) < 0) {
				inet_buf_free(b);
				return sent ? (long)sent : -EFAULT;
			}
			clock_gettime(CLOCK_REALTIME, &b->stamp);
			inet_queue_add(p, b);
		}
		sent += n;
		t->bytes_sent += n;
		t->segs_out += (n + LO_MSS - 1) / LO_MSS;
		td(p)->bytes_received += n;
		td(p)->segs_in += (n + LO_MSS - 1) / LO_MSS;
		td(p)->last_recv = t->last_send = now_ns();
		ack_fin(p, true);
		inet_wake(p, POLLIN);
	} while (sent < total);
	return sent;
}

static long tcp_recvmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct inet_sock *sk = inet_sk(s);
	struct tcp_data *t = td(sk);
	if (m->name)
		m->namelen = 0;
	if (sk->state == TCPS_LISTEN)
		return -ENOTCONN;
	if (flags & MSG_OOB)
		return -EINVAL;
	size_t want = m->len, target = flags & MSG_WAITALL ? want : 1, copied = 0;
	bool peek = flags & MSG_PEEK, trunc = flags & MSG_TRUNC;
	if (peek)
		target = MIN(target, want);
	struct timespec start, stamp = { 0, 0 };
	clock_gettime(CLOCK_REALTIME, &start);
	for (;;) {
		/* copy what is queued (a peek starts over past what it saw) */
		size_t skip = peek ? copied : 0;
		for (struct inet_buf *b = sk->qhead; b && copied < want;) {
			size_t avail = b->len - b->off;
			if (skip >= avail) {
				skip -= avail;
				b = b->next;
				continue;
			}
			size_t n = MIN(want - copied, avail - skip);
			if (!trunc && kmsg_to_iov(m, b->data + b->off + skip, n) < 0)
				return copied ? (long)copied : -EFAULT;
			copied += n;
			stamp = b->stamp;
			if (peek) {
				skip = 0;
				b = b->next;
				continue;
			}
			b->off += n;
			sk->qbytes -= n;
			if (b->off == b->len) {
				inet_queue_pop(sk);
				inet_buf_free(b);
			}
			b = sk->qhead;
		}
		if (copied && !peek && t->peer)
			inet_wake(t->peer, POLLOUT);
		if (copied >= target && copied)
			break;
		if (!want)
			break;
		if (copied && (s->err || t->rcv_shut || sk->state == TCPS_CLOSE))
			break;
		if (!copied) {
			if (s->err)
				return -sock_take_err(s);
			if (t->rcv_shut)
				break;
			if (sk->state == TCPS_CLOSE)
				return t->done ? 0 : -ENOTCONN;
		}
		if (sock_nonblock(s, flags))
			return copied ? (long)copied : -EAGAIN;
		int r = sock_wait(s, s->rcvtimeo, &start);
		if (r < 0)
			return copied ? (long)copied : r;
	}
	if (copied) {
		t->last_recv = now_ns();
		/* SO_TIMESTAMP: when the last bytes read were queued, as
		 * Linux's tcp_recv_timestamp */
		sock_recv_timestamp(s, m, &stamp);
	}
	return copied;
}

static unsigned tcp_poll(struct socket *s)
{
	struct inet_sock *sk = inet_sk(s);
	struct tcp_data *t = td(sk);
	if (sk->state == TCPS_LISTEN)
		return t->acc_head ? POLLIN | POLLRDNORM : 0;
	unsigned m = 0;
	if (s->err)
		m |= POLLERR;
	if ((t->rcv_shut && t->snd_shut) || sk->state == TCPS_CLOSE)
		m |= POLLHUP;
	if (t->rcv_shut)
		m |= POLLIN | POLLRDNORM | POLLRDHUP;
	if (sk->state != TCPS_SYN_SENT) {
		if (sk->qbytes)
			m |= POLLIN | POLLRDNORM;
		if (!t->snd_shut) {
			struct inet_sock *p = t->peer;
			if (!p || p->qbytes < rcv_limit(p))
				m |= POLLOUT | POLLWRNORM;
		} else {
			m |= POLLOUT | POLLWRNORM;
		}
	}
	return m;
}

static long tcp_ioctl(struct socket *s, unsigned cmd, u64 arg)
{
	struct inet_sock *sk = inet_sk(s);
	int v;
	switch (cmd) {
	case SIOCINQ:
		if (sk->state == TCPS_LISTEN)
			return -EINVAL;
		v = sk->qbytes;
		break;
	case SIOCOUTQ:
	case SIOCOUTQNSD:
		if (sk->state == TCPS_LISTEN)
			return -EINVAL;
		v = 0; /* everything sent is in the peer's queue at once */
		break;
	case SIOCATMARK:
		v = 0;
		break;
	default:
		return -ENOTTY;
	}
	return copy_to_user(current->mm, arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/* ---- options ---- */

static void fill_info(struct inet_sock *sk, struct tcp_info *i)
{
	struct tcp_data *t = td(sk);
	memset(i, 0, sizeof(*i));
	ack_fin(sk, false);
	i->tcpi_state = sk->state;
	bool est = sk->state != TCPS_CLOSE && sk->state != TCPS_LISTEN && sk->state != TCPS_SYN_SENT;
	i->tcpi_rto = sk->state == TCPS_LISTEN || sk->state == TCPS_CLOSE ? 0 : 204000;
	i->tcpi_ato = est ? 40000 : 0;
	i->tcpi_snd_mss = est ? LO_MSS_CUR : 536;
	i->tcpi_rcv_mss = 536;
	i->tcpi_pmtu = 65535;
	i->tcpi_rcv_ssthresh = est ? 65495 : 0;
	i->tcpi_snd_ssthresh = 0x7fffffff;
	i->tcpi_snd_cwnd = 10;
	i->tcpi_advmss = est ? LO_MSS : 536;
	i->tcpi_reordering = 3;
	i->tcpi_rcv_space = est ? 65483 : 0;
	if (est) {
		i->tcpi_options = 1 | 2 | 4; /* TCPI_OPT_TIMESTAMPS | SACK | WSCALE */
		i->tcpi_snd_wscale = 7;
		i->tcpi_rcv_wscale = 7;
		i->tcpi_rtt = 20;
		i->tcpi_rttvar = 10;
	}
	s64 now = now_ns();
	i->tcpi_last_data_sent = t->last_send ? (u32)((now - t->last_send) / 1000000) : 0;
	i->tcpi_last_data_recv = t->last_recv ? (u32)((now - t->last_recv) / 1000000) : 0;
	i->tcpi_bytes_acked = t->bytes_sent + (est ? 1 : 0);
	i->tcpi_bytes_received = t->bytes_received;
	i->tcpi_segs_out = t->segs_out;
	i->tcpi_segs_in = t->segs_in;
	i->tcpi_data_segs_out = t->segs_out;
	i->tcpi_data_segs_in = t->segs_in;
	i->tcpi_bytes_sent = t->bytes_sent;
	i->tcpi_pacing_rate = ~0ULL;
	i->tcpi_max_pacing_rate = ~0ULL;
	i->tcpi_min_rtt = est ? 10 : ~0u;
	i->tcpi_snd_wnd = est ? 65536 : 0;
}

static int tcp_setsockopt(struct socket *s, int level, int name, const void *val, int len)
{
	struct inet_sock *sk = inet_sk(s);
	struct tcp_data *t = td(sk);
	if (level != IPPROTO_TCP)
		return inet_setsockopt(s, level, name, val, len);
	if (name == TCP_CONGESTION) {
		char buf[16] = { 0 };
		memcpy(buf, val, MIN(len, 15));
		return !strcmp(buf, "cubic") || !strcmp(buf, "reno") ? 0 : -ENOENT;
	}
	if (name == TCP_ULP)
		return -ENOENT;
	if (len < (int)sizeof(int))
		return -EINVAL;
	int v;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case TCP_NODELAY: t->nodelay = !!v; return 0;
	case TCP_CORK: t->cork = !!v; return 0;
	case TCP_QUICKACK: t->quickack = !!v; return 0;
	case TCP_MAXSEG:
		if (v && (v < 88 || v > 32767))
			return -EINVAL;
		t->user_mss = v;
		return 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		*(name == TCP_KEEPIDLE ? &t->keepidle : &t->keepintvl) = v;
		return 0;
	case TCP_KEEPCNT:
	case TCP_SYNCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		*(name == TCP_KEEPCNT ? &t->keepcnt : &t->syncnt) = v;
		return 0;
	case TCP_LINGER2:
		t->linger2 = v < 0 ? -1 : v > 120 ? 120 : v ? v : 60;
		return 0;
	case TCP_DEFER_ACCEPT:
		t->defer_accept = v <= 0 ? 0 : v;
		return 0;
	case TCP_WINDOW_CLAMP:
		if (v && v < 2304 / 2 && sk->state == TCPS_CLOSE)
			return -EINVAL;
		t->window_clamp = v;
		return 0;
	case TCP_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		t->user_timeout = v;
		return 0;
	case TCP_NOTSENT_LOWAT:
		t->notsent_lowat = v;
		return 0;
	case TCP_FASTOPEN:
	case TCP_FASTOPEN_CONNECT:
	case TCP_THIN_LINEAR_TIMEOUTS:
	case TCP_SAVE_SYN:
		return 0;
	}
	return -ENOPROTOOPT;
}

static int tcp_getsockopt(struct socket *s, int level, int name, void *val, int *len)
{
	struct inet_sock *sk = inet_sk(s);
	struct tcp_data *t = td(sk);
	if (level == SOL_SOCKET)
		return name == SO_ACCEPTCONN ? sk->state == TCPS_LISTEN : -ENOPROTOOPT;
	if (level != IPPROTO_TCP)
		return inet_getsockopt(s, level, name, val, len);
	if (name == TCP_INFO) {
		struct tcp_info i;
		fill_info(sk, &i);
		*len = MIN(*len, (int)sizeof(i));
		memcpy(val, &i, *len);
		return 0;
	}
	if (name == TCP_CONGESTION) {
		char buf[16] = "cubic";
		*len = MIN(*len, 16);
		memcpy(val, buf, *len);
		return 0;
	}
	int v;
	bool est = sk->state != TCPS_CLOSE && sk->state != TCPS_LISTEN && sk->state != TCPS_SYN_SENT;
	switch (name) {
	case TCP_NODELAY: v = t->nodelay; break;
	case TCP_CORK: v = t->cork; break;
	case TCP_QUICKACK: v = t->quickack; break;
	case TCP_MAXSEG:
		if (!est)
			v = t->user_mss ? t->user_mss : 536;
		else
			v = t->user_mss ? MIN(t->user_mss, LO_MSS_CUR) : LO_MSS_CUR;
		break;
	case TCP_KEEPIDLE: v = t->keepidle; break;
	case TCP_KEEPINTVL: v = t->keepintvl; break;
	case TCP_KEEPCNT: v = t->keepcnt; break;
	case TCP_SYNCNT: v = t->syncnt; break;
	case TCP_LINGER2: v = t->linger2; break;
	case TCP_DEFER_ACCEPT: v = t->defer_accept; break;
	case TCP_WINDOW_CLAMP: v = t->window_clamp; break;
	case TCP_USER_TIMEOUT: v = t->user_timeout; break;
	case TCP_NOTSENT_LOWAT: v = t->notsent_lowat; break;
	default:
		return -ENOPROTOOPT;
	}
	if (*len < 0)
		return -EINVAL;
	*len = MIN(*len, (int)sizeof(int));
	memcpy(val, &v, *len);
	return 0;
}

void inet_tcp_listen_queue(struct inet_sock *sk, u32 *len, u32 *backlog)
{
	*len = td(sk)->acc_len;
	*backlog = td(sk)->backlog;
}

static int tcp_create_defaults(struct socket *s, int protocol);

static const struct proto_ops tcp_ops = {
	.family = AF_INET,
	.create = tcp_create_defaults,
	.release = tcp_release,
	.bind = inet_bind,
	.connect = tcp_connect,
	.listen = tcp_listen,
	.accept = tcp_accept,
	.getname = inet_getname,
	.sendmsg = tcp_sendmsg,
	.recvmsg = tcp_recvmsg,
	.shutdown = tcp_shutdown,
	.poll = tcp_poll,
	.setsockopt = tcp_setsockopt,
	.getsockopt = tcp_getsockopt,
	.ioctl = tcp_ioctl,
};

struct inet_proto tcp_proto = {
	.type = SOCK_STREAM,
	.protocol = IPPROTO_TCP,
	.ops4 = &tcp_ops,
	.ops6 = &tcp_ops,
	.init = tcp_init,
	.destroy = tcp_destroy,
};

/* an accepted socket is made by the family's create, then by this one */
static int tcp_create_defaults(struct socket *s, int protocol)
{
	int r = inet_create(s, &tcp_proto, protocol);
	if (r == 0) {
		s->sndbuf = TCP_DEF_SNDBUF;
		s->rcvbuf = TCP_DEF_RCVBUF;
	}
	return r;
}
