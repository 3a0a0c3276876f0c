/* AF_UNIX: local sockets, stream, datagram and seqpacket.
 *
 * Each socket has a unix_sock: its state, its peer, its receive queue of
 * messages (struct skb: the bytes, the sender, its credentials and any
 * files passed with SCM_RIGHTS).  A stream keeps the sender's writes as
 * messages too but reads them as one byte stream (a read stops after a
 * message that carried files, as Linux's); datagram and seqpacket reads
 * take one message each, MSG_TRUNC telling of the bytes that did not fit.
 *
 * Memory: a message is charged to its sender (wmem, its length plus a
 * fixed overhead standing for Linux's skb truesize) until it is read; a
 * sender waits while its charge is at SO_SNDBUF (212992 by default), so a
 * stream holds about that much per direction.  A datagram longer than
 * SO_SNDBUF - 32 is EMSGSIZE; a datagram receiver that is not the
 * sender's own peer holds at most max_dgram_qlen (10) messages.
 *
 * Names: a path name is an S_IFSOCK inode made in the guest VFS by the
 * file system's create (tmpfs's inode; on hostfs a host socket-type node
 * made with mknod, which no host process can connect to), and the bound
 * socket holds a reference to that inode; connect finds the listener by
 * walking the path and looking the inode (super block and number) up in
 * the list of bound sockets - a guest-side table, for tmpfs and hostfs
 * alike.  Abstract names (sun_path[0] == 0) live only in that list.
 * Autobind gives an abstract name of five hex digits, as Linux does.
 *
 * A stream connect makes the server's end at once (an "embryo" without a
 * socket) and queues it on the listener, which accept() hands to a new
 * socket; the backlog bounds the queue (backlog + 1 pending, as Linux).
 * A closed end shuts its peer down both ways (EOF, EPIPE with SIGPIPE
 * unless MSG_NOSIGNAL, POLLHUP).
 *
 * Files in flight (SCM_RIGHTS) hold a reference each.  A socket sent over
 * itself, or sockets holding each other in their queues, would never be
 * released, so on every release of a unix socket with files in flight a
 * collection runs (Linux's rule): a socket whose every file reference is
 * in some queue is a candidate; what the queues of non-candidates hold is
 * reachable, and so on; the queues of unreachable candidates are purged,
 * which closes the cycle. */
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <vmcore/mm.h>
#include <vmcore/net.h>
#include <vmcore/cred.h>
#include <vmcore/ktime.h>
#include <vmcore/strbuf.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#define SKB_OVERHEAD 576
#define MAX_DGRAM_QLEN 10
#define SCM_MAX_FD 253
#define UNIX_ADDR_MAX ((int)sizeof(struct sockaddr_un))

enum { US_UNCONN, US_LISTEN, US_CONNECTED };

struct unix_addr {
	int len; /* of the sockaddr, family included */
	struct sockaddr_un sun;
};

struct unix_sock;

struct skb {
	struct skb *next;
	struct unix_sock *from; /* referenced: its wmem holds the charge */
	size_t len, off, charge;
	struct file **fps;
	int nfp;
	struct ucred cred;
	struct unix_addr addr; /* the sender's name (len 0: none) */
	struct unix_sock *embryo; /* a listener's queue: a pending connection */
	struct timespec stamp;    /* when it was queued: SO_TIMESTAMP */
	u8 data[];
};

struct unix_sock {
	int refs;
	struct socket *sock; /* NULL for an embryo and after release */
	int type, state;
	struct unix_sock *peer; /* referenced */
	struct skb *qhead, *qtail;
	int qlen;
	size_t qbytes, wmem;
	struct unix_addr *addr;
	struct inode *path_ino; /* referenced while bound to a path */
	bool rcv_shut, snd_shut, dead;
	bool dgram_est; /* Linux's TCP_ESTABLISHED of a datagram socket: set by a
			 * connect on both ends, cleared on the connector's
			 * AF_UNSPEC (only /proc/net/unix shows it) */
	int backlog;
	struct ucred listen_cred; /* a listener's, for its clients' SO_PEERCRED */
	struct unix_sock *all_next;
	bool gc_cand, gc_reach;
	int gc_inflight;
};

static struct unix_sock *all_socks;
static u64 files_inflight;

static struct unix_sock *us(struct socket *s)
{
	return s->sk;
}

static struct unix_sock *us_new(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u));
	if (!u)
		return NULL;
	u->refs = 1;
	u->type = type;
	u->all_next = all_socks;
	all_socks = u;
	return u;
}

static void us_put(struct unix_sock *u);

static void skb_free(struct skb *b)
{
	for (int i = 0; i < b->nfp; i++)
		fput(b->fps[i]);
	files_inflight -= b->nfp;
	free(b->fps);
	if (b->from) {
		b->from->wmem -= b->charge;
		us_put(b->from);
	}
	if (b->embryo)
		us_put(b->embryo);
	free(b);
}

static void us_put(struct unix_sock *u)
{
	if (--u->refs)
		return;
	for (struct unix_sock **pp = &all_socks; *pp; pp = &(*pp)->all_next)
		if (*pp == u) {
			*pp = u->all_next;
			break;
		}
	free(u->addr);
	free(u);
}

static void queue_add(struct unix_sock *u, struct skb *b)
{
	b->next = NULL;
	if (u->qtail)
		u->qtail->next = b;
	else
		u->qhead = b;
	u->qtail = b;
	u->qlen++;
	u->qbytes += b->len;
}

static struct skb *queue_pop(struct unix_sock *u)
{
	struct skb *b = u->qhead;
	if (!b)
		return NULL;
	u->qhead = b->next;
	if (!u->qhead)
		u->qtail = NULL;
	u->qlen--;
	u->qbytes -= b->len - b->off;
	return b;
}

static void cur_cred(struct ucred *c)
{
	c->pid = current ? current->tgid : 0;
	c->uid = current ? current->euid : 0;
	c->gid = current ? current->egid : 0;
}

/* ---- names ---- */

static bool addr_eq(const struct unix_addr *a, const struct unix_addr *b)
{
	return a->len == b->len && !memcmp(&a->sun, &b->sun, a->len);
}

static struct unix_sock *find_abstract(const struct unix_addr *a)
{
	for (struct unix_sock *u = all_socks; u; u = u->all_next)
		if (u->addr && !u->path_ino && u->sock && addr_eq(u->addr, a))
			return u;
	return NULL;
}

static struct unix_sock *find_inode(struct inode *ino)
{
	for (struct unix_sock *u = all_socks; u; u = u->all_next)
		if (u->path_ino && u->sock && u->path_ino->sb == ino->sb && u->path_ino->ino == ino->ino)
			return u;
	return NULL;
}

/* check and copy a guest's sockaddr_un: 0 or -EINVAL; path: a NUL-ended
 * copy of a path name, NULL for an abstract one */
static int mkname(const void *addr, int len, struct unix_addr *out, bool *abstract)
{
	const struct sockaddr_un *sun = addr;
	if (len < (int)sizeof(sa_family_t) || len > UNIX_ADDR_MAX || sun->sun_family != AF_UNIX)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(&out->sun, sun, len);
	if (len == sizeof(sa_family_t)) {
		out->len = len;
		*abstract = true;
		return 0;
	}
	if (sun->sun_path[0] == 0) {
		*abstract = true;
		out->len = len;
		return 0;
	}
	*abstract = false;
	size_t n = strnlen(out->sun.sun_path, len - sizeof(sa_family_t));
	/* the path ends at its NUL, or at len (a terminator added) */
	out->sun.sun_path[n < sizeof(out->sun.sun_path) ? n : sizeof(out->sun.sun_path) - 1] = 0;
	out->len = offsetof(struct sockaddr_un, sun_path) + strlen(out->sun.sun_path) + 1;
	return 0;
}

static int autobind(struct unix_sock *u)
{
	static unsigned next = 0;
	if (u->addr)
		return 0;
	struct unix_addr *a = kzalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->sun.sun_family = AF_UNIX;
	for (unsigned tries = 0; tries < 0x100000; tries++) {
		char buf[8];
		next = (next + 1) & 0xfffff;
		snprintf(buf, sizeof(buf), "%05x", next);
		memcpy(a->sun.sun_path + 1, buf, 5);
		a->len = offsetof(struct sockaddr_un, sun_path) + 6;
		if (!find_abstract(a)) {
			u->addr = a;
			return 0;
		}
	}
	free(a);
	return -ENOSPC;
}

static int unix_bind(struct socket *s, const void *addr, int len)
{
	struct unix_sock *u = us(s);
	struct unix_addr a;
	bool abstract;
	int r = mkname(addr, len, &a, &abstract);
	if (r < 0)
		return r;
	if (a.len == sizeof(sa_family_t))
		return u->addr ? -EINVAL : autobind(u);
	/* a path's node is made first (EADDRINUSE where one is), and goes
	 * again if the socket has a name already (EINVAL), as Linux's */
	if (u->addr && abstract)
		return -EINVAL;
	if (abstract) {
		if (find_abstract(&a))
			return -EADDRINUSE;
		u->addr = malloc(sizeof(a));
		if (!u->addr)
			return -ENOMEM;
		*u->addr = a;
		return 0;
	}
	struct dentry *dir;
	char last[256];
	r = path_walk(current->fs, NULL, a.sun.sun_path, LOOKUP_FOLLOW | LOOKUP_PARENT, &dir, last);
	if (r < 0)
		return r;
	struct inode *ino;
	if (!last[0] || dir->inode->iops->lookup(dir->inode, last, &ino) == 0) {
		if (last[0])
			iput(ino);
		dput(dir);
		return -EADDRINUSE;
	}
	if ((r = may_create(current, dir->inode)) == 0)
		r = dir->inode->iops->create(dir->inode, last, S_IFSOCK | (0777 & ~current->fs->umask), 0, &ino);
	if (r == 0 && u->addr) {
		iput(ino);
		dir->inode->iops->unlink(dir->inode, last, false);
		r = -EINVAL;
	}
	dput(dir);
	if (r == -EEXIST)
		r = -EADDRINUSE;
	if (r < 0)
		return r;
	u->addr = malloc(sizeof(a));
	if (!u->addr) {
		iput(ino);
		return -ENOMEM;
	}
	*u->addr = a;
	u->path_ino = ino;
	return 0;
}

/* the bound socket an address names: a referenced unix_sock, or -errno */
static int lookup_name(const void *addr, int len, int type, struct unix_sock **out)
{
	struct unix_addr a;
	bool abstract;
	int r = mkname(addr, len, &a, &abstract);
	if (r < 0)
		return r;
	if (a.len == sizeof(sa_family_t))
		return -EINVAL;
	struct unix_sock *o;
	if (abstract) {
		o = find_abstract(&a);
	} else {
		struct dentry *d;
		if ((r = path_walk(current->fs, NULL, a.sun.sun_path, LOOKUP_FOLLOW, &d, NULL)) < 0)
			return r;
		struct inode *ino = d->inode;
		if ((r = inode_permission(current, ino, MAY_WRITE)) < 0) {
			dput(d);
			return r;
		}
		o = S_ISSOCK(ino->mode) ? find_inode(ino) : NULL;
		dput(d);
	}
	if (!o)
		return -ECONNREFUSED;
	if (o->type != type)
		return -EPROTOTYPE;
	o->refs++;
	*out = o;
	return 0;
}

static int unix_getname(struct socket *s, void *addr, bool peer)
{
	struct unix_sock *u = us(s);
	if (peer) {
		if (!u->peer || (u->type != SOCK_DGRAM && u->state != US_CONNECTED))
			return -ENOTCONN;
		u = u->peer;
	}
	struct sockaddr_un *sun = addr;
	if (!u->addr) {
		sun->sun_family = AF_UNIX;
		return sizeof(sa_family_t);
	}
	memcpy(sun, &u->addr->sun, u->addr->len);
	return u->addr->len;
}

/* ---- life ---- */

static int unix_create(struct socket *s, int protocol)
{
	if (protocol && protocol != PF_UNIX)
		return -EPROTONOSUPPORT;
	if (s->type != SOCK_STREAM && s->type != SOCK_DGRAM && s->type != SOCK_SEQPACKET)
		return s->type == SOCK_RAW ? -EPROTONOSUPPORT : -ESOCKTNOSUPPORT;
	struct unix_sock *u = us_new(s->type);
	if (!u)
		return -ENOMEM;
	u->sock = s;
	s->sk = u;
	return 0;
}

static void set_peercred(struct socket *s, const struct ucred *c)
{
	s->has_peercred = true;
	s->peer_pid = c->pid;
	s->peer_uid = c->uid;
	s->peer_gid = c->gid;
}

static int unix_socketpair(struct socket *a, struct socket *b)
{
	struct unix_sock *ua = us(a), *ub = us(b);
	ua->peer = ub;
	ub->peer = ua;
	ua->refs++;
	ub->refs++;
	ua->state = ub->state = US_CONNECTED;
	struct ucred c;
	cur_cred(&c);
	set_peercred(a, &c);
	set_peercred(b, &c);
	return 0;
}

static void unix_gc(void);

/* shut u's peer down both ways and forget it */
static void peer_gone(struct unix_sock *u)
{
	struct unix_sock *p = u->peer;
	if (!p)
		return;
	if (u->type != SOCK_DGRAM && p->peer == u) {
		p->rcv_shut = p->snd_shut = true;
		/* unread bytes lost: the peer learns of it (Linux's ECONNRESET) */
		if (u->qhead && p->sock)
			p->sock->err = ECONNRESET;
	}
	u->peer = NULL;
	us_put(p);
}

static void purge(struct unix_sock *u)
{
	struct skb *b;
	while ((b = queue_pop(u))) {
		if (b->embryo) {
			/* a pending connection that was never accepted */
			struct unix_sock *e = b->embryo;
			e->dead = true;
			peer_gone(e);
			struct skb *eb;
			while ((eb = queue_pop(e)))
				skb_free(eb);
		}
		skb_free(b);
	}
}

static void unix_release(struct socket *s)
{
	struct unix_sock *u = us(s);
	if (!u)
		return;
	u->dead = true;
	u->sock = NULL;
	s->sk = NULL;
	peer_gone(u);
	purge(u);
	if (u->path_ino) {
		iput(u->path_ino);
		u->path_ino = NULL;
	}
	us_put(u);
	if (files_inflight)
		unix_gc();
	sock_wake();
}

/* ---- connections ---- */

static int unix_listen(struct socket *s, int backlog)
{
	struct unix_sock *u = us(s);
	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (!u->addr || u->state == US_CONNECTED)
		return -EINVAL;
	u->backlog = backlog;
	if (u->state != US_LISTEN)
		cur_cred(&u->listen_cred);
	u->state = US_LISTEN;
	sock_wake();
	return 0;
}

/* u's old peer is left for next (NULL: none): it is no longer
 * established unless it has a peer of its own, as Linux's */
static void dgram_unpeer(struct unix_sock *u, struct unix_sock *next)
{
	struct unix_sock *old = u->peer;
	if (old != next && !old->peer)
		old->dgram_est = false;
	us_put(old);
}

static int dgram_connect(struct socket *s, const void *addr, int len)
{
	struct unix_sock *u = us(s), *o;
	const struct sockaddr *sa = addr;
	if (len >= (int)sizeof(sa_family_t) && sa->sa_family == AF_UNSPEC) {
		if (u->peer) {
			dgram_unpeer(u, NULL);
			u->peer = NULL;
			u->dgram_est = false;
		}
		return 0;
	}
	if (s->passcred && !u->addr) {
		int r = autobind(u);
		if (r < 0)
			return r;
	}
	int r = lookup_name(addr, len, u->type, &o);
	if (r < 0)
		return r;
	if (u->peer)
		dgram_unpeer(u, o);
	u->peer = o;
	u->dgram_est = o->dgram_est = true;
	sock_wake();
	return 0;
}

static int unix_connect(struct socket *s, const void *addr, int len)
{
	struct unix_sock *u = us(s), *o;
	if (u->type == SOCK_DGRAM)
		return dgram_connect(s, addr, len);
	if (len < (int)sizeof(sa_family_t))
		return -EINVAL;
	if (u->state == US_CONNECTED)
		return -EISCONN;
	if (u->state == US_LISTEN)
		return -EINVAL;
	if (s->passcred && !u->addr) {
		int r = autobind(u);
		if (r < 0)
			return r;
	}
	int r = lookup_name(addr, len, u->type, &o);
	if (r < 0)
		return r;
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	for (;;) {
		if (o->dead || !o->sock || o->state != US_LISTEN) {
			us_put(o);
			return -ECONNREFUSED;
		}
		if (o->qlen <= o->backlog)
			break;
		if (sock_nonblock(s, 0)) {
			us_put(o);
			return -EAGAIN;
		}
		if ((r = sock_wait(s, s->sndtimeo, &start)) < 0) {
			us_put(o);
			return r;
		}
		if (u->state == US_CONNECTED) {
			us_put(o);
			return -EISCONN;
		}
	}
	struct unix_sock *e = us_new(u->type);
	struct skb *b = e ? kzalloc(sizeof(*b)) : NULL;
	if (!b) {
		if (e)
			us_put(e);
		us_put(o);
		return -ENOMEM;
	}
	/* the embryo: the server's end, named as the listener */
	e->state = US_CONNECTED;
	if (o->addr) {
		e->addr = malloc(sizeof(*e->addr));
		if (e->addr)
			*e->addr = *o->addr;
	}
	cur_cred(&e->listen_cred); /* the client's credentials, for accept */
	e->peer = u;
	u->refs++;
	u->peer = e;
	e->refs++;
	u->state = US_CONNECTED;
	set_peercred(s, &o->listen_cred);
	b->embryo = e; /* the queue's reference is e's first */
	queue_add(o, b);
	us_put(o);
	sock_wake();
	return 0;
}

static int unix_accept(struct socket *s, struct socket *ns)
{
	struct unix_sock *u = us(s);
	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (u->state != US_LISTEN)
		return -EINVAL;
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	while (!u->qhead) {
		if (sock_nonblock(s, 0))
			return -EAGAIN;
		int r = sock_wait(s, s->rcvtimeo, &start);
		if (r < 0)
			return r;
		if (u->state != US_LISTEN)
			return -EINVAL;
	}
	struct skb *b = queue_pop(u);
	struct unix_sock *e = b->embryo;
	b->embryo = NULL;
	skb_free(b);
	/* the new socket's own unix_sock is replaced by the embryo */
	struct unix_sock *old = us(ns);
	old->sock = NULL;
	old->dead = true;
	us_put(old);
	ns->sk = e;
	e->sock = ns;
	set_peercred(ns, &e->listen_cred);
	ns->passcred = s->passcred;
	sock_wake();
	return 0;
}

static int unix_shutdown(struct socket *s, int how)
{
	struct unix_sock *u = us(s);
	int mode = how + 1; /* 1 read, 2 write, 3 both */
	if (u->type != SOCK_DGRAM && u->state != US_CONNECTED)
		return -ENOTCONN;
	if (mode & 1)
		u->rcv_shut = true;
	if (mode & 2)
		u->snd_shut = true;
	struct unix_sock *p = u->peer;
	if (p && u->type != SOCK_DGRAM) {
		if (mode & 1)
			p->snd_shut = true;
		if (mode & 2)
			p->rcv_shut = true;
	}
	sock_wake();
	return 0;
}

static unsigned unix_poll(struct socket *s)
{
	struct unix_sock *u = us(s);
	unsigned m = 0;
	if (u->state == US_LISTEN)
		return u->qhead ? POLLIN | POLLRDNORM : 0;
	if (u->qhead)
		m |= POLLIN | POLLRDNORM;
	if (u->rcv_shut)
		m |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (u->rcv_shut && u->snd_shut)
		m |= POLLHUP;
	if (u->type != SOCK_DGRAM && u->state == US_UNCONN)
		m |= POLLHUP;
	bool writable = u->wmem * 4 <= (size_t)s->sndbuf;
	if (s->err)
		m |= POLLERR;
	if (u->type == SOCK_DGRAM && u->peer && u->peer->peer != u && u->peer->qlen > MAX_DGRAM_QLEN)
		writable = false;
	if (writable)
		m |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return m;
}

/* ---- control messages ---- */

struct scm {
	struct file *fps[SCM_MAX_FD];
	int nfp;
	bool has_cred;
	struct ucred cred;
};

static void scm_drop(struct scm *c)
{
	for (int i = 0; i < c->nfp; i++)
		fput(c->fps[i]);
	c->nfp = 0;
}

static int scm_parse(struct socket *s, struct kmsg *m, struct scm *c)
{
	(void)s;
	u8 *p = m->control;
	size_t left = m->controllen;
	while (left >= sizeof(struct cmsghdr)) {
		struct cmsghdr *h = (struct cmsghdr *)p;
		if (h->cmsg_len < sizeof(struct cmsghdr) || h->cmsg_len > left)
			return -EINVAL;
		size_t dlen = h->cmsg_len - CMSG_LEN(0);
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
			/* as Linux's scm_fp_copy: an empty array is nothing, more
			 * than one array add up (to SCM_MAX_FD in all) */
			int n = dlen / sizeof(int);
			if (n > SCM_MAX_FD || c->nfp + n > SCM_MAX_FD)
				return -EINVAL;
			const int *fds = (const int *)CMSG_DATA(h);
			for (int i = 0; i < n; i++) {
				struct file *f = fd_get(m->t, fds[i]);
				if (!f)
					return -EBADF;
				c->fps[c->nfp++] = fget(f);
			}
		} else if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_CREDENTIALS) {
			if (dlen != sizeof(struct ucred))
				return -EINVAL;
			struct ucred uc;
			memcpy(&uc, CMSG_DATA(h), sizeof(uc));
			struct task *t = m->t;
			if (uc.pid != t->tgid && !capable(t, CAP_SYS_ADMIN))
				return -EPERM;
			if (uc.uid != t->uid && uc.uid != t->euid && uc.uid != t->suid && !capable(t, CAP_SETUID))
				return -EPERM;
			if (uc.gid != t->gid && uc.gid != t->egid && uc.gid != t->sgid && !capable(t, CAP_SETGID))
				return -EPERM;
			c->has_cred = true;
			c->cred = uc;
		} else if (h->cmsg_level == SOL_SOCKET) {
			return -EINVAL;
		} /* other levels' messages are ignored, as Linux's __scm_send */
		size_t step = CMSG_ALIGN(h->cmsg_len);
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
	return 0;
}

/* the files and credentials of b into a recvmsg's control data */
static void scm_recv(struct socket *s, struct kmsg *m, struct skb *b, int flags, bool consume)
{
	if (s->passcred) {
		size_t fit;
		kmsg_put_cmsg(m, SOL_SOCKET, SCM_CREDENTIALS, &b->cred, sizeof(b->cred), &fit);
	}
	if (!b->nfp)
		return;
	/* MSG_PEEK (!consume) gives new descriptors too, and the files stay */
	int fds[SCM_MAX_FD], n = 0;
	size_t room = m->controllen > m->cused ? m->controllen - m->cused : 0;
	int fit = room > CMSG_LEN(0) ? (int)((room - CMSG_LEN(0)) / sizeof(int)) : 0;
	fit = MIN(fit, b->nfp);
	for (int i = 0; i < fit; i++) {
		int fd = fd_install(m->t, fget(b->fps[i]), flags & MSG_CMSG_CLOEXEC, 0);
		if (fd < 0)
			break;
		fds[n++] = fd;
	}
	if (n < b->nfp)
		m->flags |= MSG_CTRUNC;
	if (n) {
		size_t got;
		kmsg_put_cmsg(m, SOL_SOCKET, SCM_RIGHTS, fds, n * sizeof(int), &got);
	}
	if (consume) {
		for (int i = 0; i < b->nfp; i++)
			fput(b->fps[i]);
		files_inflight -= b->nfp;
		b->nfp = 0;
	}
}

/* ---- data ---- */

static struct skb *skb_new(struct unix_sock *from, size_t len, struct scm *c)
{
	struct skb *b = malloc(sizeof(*b) + len);
	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->len = len;
	b->from = from;
	from->refs++;
	b->charge = len + SKB_OVERHEAD;
	from->wmem += b->charge;
	clock_gettime(CLOCK_REALTIME, &b->stamp);
	if (c->has_cred)
		b->cred = c->cred;
	else
		cur_cred(&b->cred);
	if (from->addr)
		b->addr = *from->addr;
	if (c->nfp) {
		b->fps = malloc(c->nfp * sizeof(*b->fps));
		if (b->fps) {
			memcpy(b->fps, c->fps, c->nfp * sizeof(*b->fps));
			b->nfp = c->nfp;
			files_inflight += c->nfp;
			c->nfp = 0;
		}
	}
	return b;
}

static long stream_send(struct socket *s, struct kmsg *m, int flags, struct scm *c)
{
	struct unix_sock *u = us(s);
	if (m->namelen)
		return u->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (u->state != US_CONNECTED || !u->peer)
		return u->snd_shut ? (sock_sigpipe(flags), -EPIPE) : -ENOTCONN;
	size_t sent = 0, total = m->len;
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	do {
		struct unix_sock *p = u->peer;
		if (u->snd_shut || !p || p->dead || p->rcv_shut) {
			if (!sent)
				sock_sigpipe(flags);
			return sent ? (long)sent : -EPIPE;
		}
		if (u->wmem >= (size_t)s->sndbuf) {
			if (sock_nonblock(s, flags))
				return sent ? (long)sent : -EAGAIN;
			int r = sock_wait(s, s->sndtimeo, &start);
			if (r < 0)
				return sent ? (long)sent : r;
			continue;
		}
		size_t chunk = MIN(total - sent, (size_t)s->sndbuf / 2 - 64);
		struct skb *b = skb_new(u, chunk, c);
		if (!b)
			return sent ? (long)sent : -ENOMEM;
		if (kmsg_from_iov(m, b->data, chunk) < 0) {
			skb_free(b);
			return sent ? (long)sent : -EFAULT;
		}
		queue_add(p, b);
		sent += chunk;
		sock_wake();
	} while (sent < total);
	return sent;
}

static long dgram_send(struct socket *s, struct kmsg *m, int flags, struct scm *c)
{
	struct unix_sock *u = us(s), *o = NULL;
	int r;
	if (u->type == SOCK_SEQPACKET) {
		if (u->state != US_CONNECTED)
			return u->snd_shut ? -EPIPE : -ENOTCONN;
		m->namelen = 0;
	}
	if (m->len > (size_t)s->sndbuf - 32)
		return -EMSGSIZE;
	if (m->namelen) {
		if (s->passcred && !u->addr && (r = autobind(u)) < 0)
			return r;
		if ((r = lookup_name(m->name, m->namelen, u->type, &o)) < 0)
			return r;
	} else {
		o = u->peer;
		if (!o)
			return -ENOTCONN;
		o->refs++;
	}
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	for (;;) {
		if (u->type == SOCK_SEQPACKET && (u->snd_shut || o->dead || o->rcv_shut)) {
			r = -EPIPE;
			break;
		}
		if (o->dead || (!o->sock && u->type == SOCK_DGRAM)) {
			/* a peer that went: once ECONNREFUSED, then not connected */
			if (u->peer == o) {
				us_put(o);
				u->peer = NULL;
				u->dgram_est = false;
			}
			r = -ECONNREFUSED;
			break;
		}
		if (u->type == SOCK_DGRAM && o->peer && o->peer != u) {
			r = -EPERM;
			break;
		}
		if (u->type == SOCK_DGRAM && o->rcv_shut) {
			r = -EPIPE;
			break;
		}
		bool full = u->wmem && u->wmem + m->len + SKB_OVERHEAD > (size_t)s->sndbuf;
		if (u->type == SOCK_DGRAM && o->peer != u && o->qlen > MAX_DGRAM_QLEN)
			full = true;
		if (!full) {
			struct skb *b = skb_new(u, m->len, c);
			if (!b) {
				r = -ENOMEM;
				break;
			}
			size_t len = m->len;
			if (kmsg_from_iov(m, b->data, len) < 0) {
				skb_free(b);
				r = -EFAULT;
				break;
			}
			queue_add(o, b);
			sock_wake();
			r = len;
			break;
		}
		if (sock_nonblock(s, flags)) {
			r = -EAGAIN;
			break;
		}
		if ((r = sock_wait(s, s->sndtimeo, &start)) < 0)
			break;
	}
	us_put(o);
	return r;
}

static long unix_sendmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct unix_sock *u = us(s);
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	struct scm *c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	long r = m->controllen ? scm_parse(s, m, c) : 0;
	if (r >= 0)
		r = u->type == SOCK_STREAM ? stream_send(s, m, flags, c) : dgram_send(s, m, flags, c);
	scm_drop(c);
	free(c);
	if (files_inflight)
		unix_gc(); /* a cycle may have lost its last outside reference */
	return r;
}

/* wait for a message: 0 when there is one, 1 at end of file, -errno */
static int wait_data(struct socket *s, int flags, const struct timespec *start)
{
	struct unix_sock *u = us(s);
	while (!u->qhead) {
		if (s->err) {
			int e = s->err;
			s->err = 0;
			return -e;
		}
		if (u->rcv_shut)
			return 1;
		if (u->type != SOCK_DGRAM && u->state != US_CONNECTED)
			return u->type == SOCK_SEQPACKET ? -ENOTCONN : 1;
		if (sock_nonblock(s, flags))
			return -EAGAIN;
		int r = sock_wait(s, s->rcvtimeo, start);
		if (r < 0)
			return r;
		u = us(s);
	}
	return 0;
}

static void name_out(struct kmsg *m, struct skb *b)
{
	if (!m->name)
		return;
	m->namelen = b->addr.len;
	if (b->addr.len)
		memcpy(m->name, &b->addr.sun, b->addr.len);
}

static long dgram_recv(struct socket *s, struct kmsg *m, int flags)
{
	struct unix_sock *u = us(s);
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	int r = wait_data(s, flags, &start);
	if (r)
		return r > 0 ? 0 : r;
	struct skb *b = u->qhead;
	size_t n = MIN(m->len, b->len);
	if (kmsg_to_iov(m, b->data, n) < 0)
		return -EFAULT;
	if (n < b->len)
		m->flags |= MSG_TRUNC;
	name_out(m, b);
	bool peek = flags & MSG_PEEK;
	/* datagrams and records carry SO_TIMESTAMP (before the SCM
	 * messages, as Linux's unix_dgram_recvmsg); a stream does not */
	sock_recv_timestamp(s, m, &b->stamp);
	scm_recv(s, m, b, flags, !peek);
	long ret = flags & MSG_TRUNC ? (long)b->len : (long)n;
	if (!peek) {
		queue_pop(u);
		skb_free(b);
		sock_wake();
	}
	return ret;
}

static long stream_recv(struct socket *s, struct kmsg *m, int flags)
{
	struct unix_sock *u = us(s);
	if (u->state != US_CONNECTED)
		return -EINVAL;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	size_t want = m->len, target = flags & MSG_WAITALL ? want : 1, copied = 0;
	bool peek = flags & MSG_PEEK;
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);
	if (!want)
		return 0;
	while (copied < target) {
		int r = wait_data(s, flags, &start);
		if (r > 0)
			break;
		if (r < 0) {
			if (copied)
				break;
			return r;
		}
		struct skb *b = u->qhead;
		while (b && copied < want) {
			if (copied && b->nfp)
				goto out; /* files start a new read */
			size_t avail = b->len - b->off;
			size_t n = MIN(want - copied, avail);
			if (kmsg_to_iov(m, b->data + b->off, n) < 0)
				return copied ? (long)copied : -EFAULT;
			if (!copied)
				name_out(m, b);
			/* one read gives the first message's credentials and files:
			 * a message with files is never read after others */
			bool had_fds = b->nfp;
			if (!copied && (had_fds || s->passcred))
				scm_recv(s, m, b, flags, !peek);
			copied += n;
			if (peek) {
				b = b->next;
			} else {
				b->off += n;
				u->qbytes -= n;
				if (b->off == b->len) {
					queue_pop(u);
					skb_free(b);
				}
				b = u->qhead;
				sock_wake();
			}
			if (had_fds)
				goto out;
		}
		if (peek)
			break;
		if (copied >= target)
			break;
		if (sock_nonblock(s, flags))
			break;
	}
out:
	return copied;
}

static long unix_recvmsg(struct socket *s, struct kmsg *m, int flags)
{
	struct unix_sock *u = us(s);
	if (m->name)
		m->namelen = 0;
	return u->type == SOCK_STREAM ? stream_recv(s, m, flags) : dgram_recv(s, m, flags);
}

static long unix_ioctl(struct socket *s, unsigned cmd, u64 arg)
{
	struct unix_sock *u = us(s);
	int v;
	switch (cmd) {
	case FIONREAD: /* SIOCINQ */
		if (u->state == US_LISTEN)
			return -EINVAL;
		/* a stream's or seqpacket's bytes, a datagram's first message */
		v = u->type != SOCK_DGRAM ? (int)u->qbytes : (u->qhead ? (int)u->qhead->len : 0);
		break;
	case SIOCOUTQ:
		v = u->wmem;
		break;
	default:
		return -ENOTTY;
	}
	return copy_to_user(current->mm, arg, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

/* ---- collection of unreachable in-flight sockets (see the top) ---- */

static struct unix_sock *file_unix(struct file *f)
{
	struct socket *s = sock_from_file(f);
	return s && s->family == AF_UNIX ? s->sk : NULL;
}

static void mark_queue(struct unix_sock *u);

static void mark(struct unix_sock *u)
{
	if (u->gc_reach)
		return;
	u->gc_reach = true;
	mark_queue(u);
}

static void mark_queue(struct unix_sock *u)
{
	for (struct skb *b = u->qhead; b; b = b->next) {
		for (int i = 0; i < b->nfp; i++) {
			struct unix_sock *x = file_unix(b->fps[i]);
			if (x && x->gc_cand)
				mark(x);
		}
		if (b->embryo)
			mark_queue(b->embryo);
	}
}

static void unix_gc(void)
{
	static bool running;
	if (running)
		return;
	running = true;
	for (struct unix_sock *u = all_socks; u; u = u->all_next)
		u->gc_inflight = 0, u->gc_cand = u->gc_reach = false;
	for (struct unix_sock *u = all_socks; u; u = u->all_next)
		for (struct skb *b = u->qhead; b; b = b->next)
			for (int i = 0; i < b->nfp; i++) {
				struct unix_sock *x = file_unix(b->fps[i]);
				if (x)
					x->gc_inflight++;
			}
	for (struct unix_sock *u = all_socks; u; u = u->all_next)
		if (u->sock && u->gc_inflight && u->sock->file->refs == u->gc_inflight)
			u->gc_cand = true;
	for (struct unix_sock *u = all_socks; u; u = u->all_next)
		if (!u->gc_cand && u->sock)
			mark_queue(u);
	/* take the queues of the unreachable, then let their files go */
	struct skb *doomed = NULL;
	for (struct unix_sock *u = all_socks; u; u = u->all_next)
		if (u->gc_cand && !u->gc_reach) {
			struct skb *b;
			while ((b = queue_pop(u))) {
				b->next = doomed;
				doomed = b;
			}
		}
	while (doomed) {
		struct skb *b = doomed;
		doomed = b->next;
		skb_free(b);
	}
	running = false;
}

/* SO_ACCEPTCONN: whether it listens (the only one asked of the family) */
static int unix_getsockopt(struct socket *s, int level, int name, void *val, int *len)
{
	(void)level, (void)val, (void)len;
	return name == SO_ACCEPTCONN ? us(s)->state == US_LISTEN : -ENOPROTOOPT;
}

static const struct proto_ops unix_ops = {
	.getsockopt = unix_getsockopt,
	.family = AF_UNIX,
	.create = unix_create,
	.release = unix_release,
	.socketpair = unix_socketpair,
	.bind = unix_bind,
	.connect = unix_connect,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.shutdown = unix_shutdown,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
};

__attribute__((constructor)) static void af_unix_register(void)
{
	sock_register(&unix_ops);
}

/* ---- /proc/net/unix ---- */

/* Linux's table: every socket not yet released, pending connections (the
 * server's end before accept, named as its listener) included.  Num is a
 * kernel address, printed as zeros as Linux prints it under kptr_restrict;
 * St is the socket state (1 unconnected, 2 connecting: an embryo, 3
 * connected); Flags is __SO_ACCEPTCON on a listener.  Num is the
 * socket's address hashed, as Linux prints %pK with kptr_restrict 0:
 * unique per socket, no kernel address given away. */
void unix_proc_net(struct buf *b)
{
	bprintf(b, "Num       RefCount Protocol Flags    Type St Inode Path\n");
	int n = 0;
	for (struct unix_sock *u = all_socks; u; u = u->all_next)
		n++;
	struct unix_sock **list = malloc((n ? n : 1) * sizeof(*list));
	if (!list)
		return;
	n = 0;
	for (struct unix_sock *u = all_socks; u; u = u->all_next)
		if (!u->dead)
			list[n++] = u;
	for (int i = n - 1; i >= 0; i--) { /* oldest first */
		struct unix_sock *u = list[i];
		bool est = u->type == SOCK_DGRAM ? u->dgram_est : u->state == US_CONNECTED;
		int st = u->sock ? (est ? 3 : 1) : 2;
		unsigned long long ino = u->sock && u->sock->file ? u->sock->file->inode->ino : 0;
		u32 num = (u32)(((u64)(uintptr_t)u * 0x9e3779b97f4a7c15ULL) >> 32);
		bprintf(b, "%016llx: %08X %08X %08X %04X %02X %5llu", (unsigned long long)num, u->refs + (u->sock ? 1 : 0), 0,
			u->state == US_LISTEN ? 0x10000 : 0, u->type, st, ino);
		if (u->addr) {
			int len = u->addr->len - (int)offsetof(struct sockaddr_un, sun_path);
			const char *p = u->addr->sun.sun_path;
			bprintf(b, " ");
			if (len > 0 && p[0]) {
				len = strnlen(p, len); /* a path's name ends at its NUL */
			} else if (len > 0) {
				bprintf(b, "@"); /* abstract: Linux prints its NULs as @ */
				p++, len--;
			}
			for (int k = 0; k < len; k++)
				bprintf(b, "%c", p[k] ? p[k] : '@');
		}
		bprintf(b, "\n");
	}
	free(list);
}
