/* The socket layer: socket files and the system calls of sockets.
 *
 * A socket is a file of sockfs: an S_IFSOCK inode of a super block of its
 * own (fstat shows S_IFSOCK|0777, /proc/PID/fd "socket:[INO]", procfs.c)
 * and a struct socket in the file's priv.  The calls here check and copy
 * what the guest gives (addresses into a kernel sockaddr_storage, msghdr
 * and its iovecs into a struct kmsg, control data into a kernel buffer),
 * handle the SOL_SOCKET options every family shares, and leave the rest to
 * the family's proto_ops (net.h).  Families register with sock_register;
 * one that is not there is EAFNOSUPPORT, after the checks Linux makes
 * first (EINVAL for a type with unknown flags or out of range), which is
 * what libaudit and syslog expect of a kernel without, say, AF_INET.
 *
 * Sleepers (a reader on an empty queue, a writer on a full one, accept,
 * connect on a full backlog) wait on one condition, sock_cond, woken by
 * broadcast whenever any socket's state changes; each re-checks its own
 * condition.  SO_RCVTIMEO/SO_SNDTIMEO bound the sleeps (EAGAIN at the
 * end); a signal is ERESTARTSYS without a timeout and EINTR with one, as
 * Linux's sock_intr_errno. */
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <vmcore/mm.h>
#include <vmcore/net.h>
#include <vmcore/netdev.h>
#include <vmcore/ktime.h>
#include <vmcore/cred.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define SOCK_TYPE_MASK 0xf
#define MAX_FAMILIES 48

static const struct proto_ops *families[MAX_FAMILIES];
pthread_cond_t sock_cond = PTHREAD_COND_INITIALIZER;
static struct super_block sockfs_sb = { .dev = 0x8 };

void sock_register(const struct proto_ops *ops)
{
	families[ops->family] = ops;
}

void sock_wake(void)
{
	pthread_cond_broadcast(&sock_cond);
	poll_wake();
}

bool sock_nonblock(struct socket *s, int flags)
{
	return (flags & MSG_DONTWAIT) || (s->file && (s->file->flags & O_NONBLOCK));
}

int sock_wait(struct socket *s, s64 timeo, const struct timespec *start)
{
	(void)s;
	if (!timeo)
		return wait_interruptible(current, &sock_cond, NULL);
	struct timespec abs = ts_add_ktime(*start, timeo), now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (ts_sub_ktime(&abs, &now) <= 0)
		return -EAGAIN;
	int r = wait_interruptible(current, &sock_cond, &abs);
	if (r == -ETIMEDOUT)
		return -EAGAIN;
	return r == -ERESTARTSYS ? -EINTR : r;
}

void sock_sigpipe(int flags)
{
	if (current && !(flags & MSG_NOSIGNAL)) {
		siginfo_t si = { .si_signo = SIGPIPE, .si_code = SI_USER };
		si.si_pid = current->tgid;
		si.si_uid = current->uid;
		send_signal(current, SIGPIPE, &si);
	}
}

/* ---- kmsg: iovec copying ---- */

static int kmsg_copy(struct kmsg *m, void *kbuf, size_t n, bool to_user)
{
	u8 *k = kbuf;
	while (n) {
		if (m->idx >= m->iovlen)
			return -EFAULT;
		struct iovec *v = &m->iov[m->idx];
		size_t chunk = MIN(n, v->iov_len - m->off);
		if (chunk && m->kernel) {
			if (to_user)
				memcpy((u8 *)v->iov_base + m->off, k, chunk);
			else
				memcpy(k, (u8 *)v->iov_base + m->off, chunk);
		} else if (chunk) {
			u64 ua = (u64)v->iov_base + m->off;
			int r = to_user ? copy_to_user(m->t->mm, ua, k, chunk) : copy_from_user(m->t->mm, k, ua, chunk);
			if (r < 0)
				return -EFAULT;
		}
		k += chunk;
		n -= chunk;
		m->off += chunk;
		m->len -= chunk;
		if (m->off == v->iov_len) {
			m->idx++;
			m->off = 0;
		}
	}
	return 0;
}

int kmsg_from_iov(struct kmsg *m, void *dst, size_t n)
{
	return kmsg_copy(m, dst, n, false);
}

int kmsg_to_iov(struct kmsg *m, const void *src, size_t n)
{
	return kmsg_copy(m, (void *)src, n, true);
}

int kmsg_put_cmsg(struct kmsg *m, int level, int type, const void *data, size_t len, size_t *fitted)
{
	size_t room = m->controllen > m->cused ? m->controllen - m->cused : 0;
	*fitted = len;
	if (room < CMSG_LEN(0)) {
		*fitted = 0;
		m->flags |= MSG_CTRUNC;
		return 1;
	}
	size_t full = CMSG_LEN(len);
	if (full > room) {
		*fitted = room - CMSG_LEN(0);
		full = room;
		m->flags |= MSG_CTRUNC;
	}
	struct cmsghdr *c = (struct cmsghdr *)((u8 *)m->control + m->cused);
	c->cmsg_len = CMSG_LEN(*fitted);
	c->cmsg_level = level;
	c->cmsg_type = type;
	memcpy(CMSG_DATA(c), data, *fitted);
	m->cused += MIN(CMSG_SPACE(*fitted), room);
	return *fitted < len;
}

#define SO_TIMESTAMP_NEW_ 63
#define SO_TIMESTAMPNS_NEW_ 64

void sock_recv_timestamp(struct socket *s, struct kmsg *m, const struct timespec *ts)
{
	if (!s->tstamp)
		return;
	size_t fit;
	if (s->tstamp_ns) {
		/* a timespec, _OLD or _NEW alike on x86-64 */
		struct timespec t = *ts;
		kmsg_put_cmsg(m, SOL_SOCKET, s->tstamp_new ? SO_TIMESTAMPNS_NEW_ : SO_TIMESTAMPNS_OLD, &t, sizeof(t),
			      &fit);
		return;
	}
	struct { s64 sec, usec; } tv = { ts->tv_sec, ts->tv_nsec / 1000 };
	kmsg_put_cmsg(m, SOL_SOCKET, s->tstamp_new ? SO_TIMESTAMP_NEW_ : SO_TIMESTAMP_OLD, &tv, sizeof(tv), &fit);
}

/* ---- socket files ---- */

struct socket *sock_from_file(struct file *f);

static long sock_read(struct file *f, void *buf, size_t len, u64 *pos);
static long sock_write(struct file *f, const void *buf, size_t len, u64 *pos);
static long do_send(struct task *t, struct socket *s, struct iovec *iov, int n, const void *name, int namelen,
		    void *control, size_t controllen, int flags);
static long do_recv(struct task *t, struct socket *s, struct iovec *iov, int n, struct kmsg *m, int flags);

static void sock_release(struct file *f)
{
	struct socket *s = f->priv;
	if (!s)
		return;
	if (s->ops && s->ops->release)
		s->ops->release(s);
	free(s);
	f->priv = NULL;
	sock_wake();
}

static unsigned sock_poll(struct file *f)
{
	struct socket *s = f->priv;
	return s->ops->poll ? s->ops->poll(s) : 0;
}

static long sock_ioctl(struct file *f, struct task *t, unsigned cmd, u64 arg)
{
	struct socket *s = f->priv;
	/* the interface ioctls of every family (net/dev_ioctl.c) */
	long r = dev_ioctl(t, s->family, cmd, arg);
	if (r != -ENOIOCTLCMD)
		return r;
	if (s->ops->ioctl)
		return s->ops->ioctl(s, cmd, arg);
	return -ENOTTY;
}

static const struct file_ops sock_fops = {
	.read = sock_read, .write = sock_write, .release = sock_release, .poll = sock_poll, .ioctl = sock_ioctl,
};

struct socket *sock_from_file(struct file *f)
{
	return f && f->ops == &sock_fops ? f->priv : NULL;
}

/* A new socket and its file (one reference), or NULL (*err) */
static struct socket *sock_alloc(int family, int type, int protocol, u32 fflags, long *err)
{
	const struct proto_ops *ops = family >= 0 && family < MAX_FAMILIES ? families[family] : NULL;
	if (!ops) {
		*err = -EAFNOSUPPORT;
		return NULL;
	}
	if ((*err = files_check(1)) < 0)
		return NULL;
	struct socket *s = kzalloc(sizeof(*s));
	struct inode *ino = s ? inode_new(&sockfs_sb, S_IFSOCK | 0777) : NULL;
	struct file *f = ino ? file_alloc(ino, NULL, O_RDWR | fflags) : NULL;
	if (ino) {
		if (current) {
			ino->uid = current->fsuid;
			ino->gid = current->fsgid;
		}
		iput(ino);
	}
	if (!f) {
		free(s);
		*err = -ENFILE;
		return NULL;
	}
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->ops = ops;
	s->file = f;
	s->sndbuf = s->rcvbuf = SOCK_DEF_BUF;
	f->ops = &sock_fops;
	f->priv = s;
	if ((*err = ops->create(s, protocol)) < 0) {
		s->ops = NULL;
		fput(f);
		return NULL;
	}
	return s;
}

static struct socket *sockfd(struct task *t, int fd, long *err)
{
	struct file *f = fd_get(t, fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	struct socket *s = sock_from_file(f);
	if (!s)
		*err = -ENOTSOCK;
	return s;
}

static long check_type(u64 type)
{
	if (type & ~(u64)(SOCK_TYPE_MASK | SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	if ((type & SOCK_TYPE_MASK) == 0 || (type & SOCK_TYPE_MASK) > SOCK_PACKET)
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE(socket)
{
	long r = check_type(a->a[1]);
	if (r < 0)
		return r;
	if (a->a[0] >= MAX_FAMILIES)
		return -EAFNOSUPPORT;
	int type = a->a[1] & SOCK_TYPE_MASK;
	struct socket *s = sock_alloc(a->a[0], type, a->a[2], a->a[1] & SOCK_NONBLOCK ? O_NONBLOCK : 0, &r);
	if (!s)
		return r;
	return fd_install(t, s->file, a->a[1] & SOCK_CLOEXEC, 0);
}

SYSCALL_DEFINE(socketpair)
{
	long r = check_type(a->a[1]);
	if (r < 0)
		return r;
	if (a->a[0] >= MAX_FAMILIES || !families[a->a[0]])
		return -EAFNOSUPPORT;
	if (!families[a->a[0]]->socketpair)
		return -EOPNOTSUPP;
	int type = a->a[1] & SOCK_TYPE_MASK;
	u32 ff = a->a[1] & SOCK_NONBLOCK ? O_NONBLOCK : 0;
	bool cloexec = a->a[1] & SOCK_CLOEXEC;
	struct socket *s1 = sock_alloc(a->a[0], type, a->a[2], ff, &r);
	if (!s1)
		return r;
	struct socket *s2 = sock_alloc(a->a[0], type, a->a[2], ff, &r);
	if (!s2) {
		fput(s1->file);
		return r;
	}
	if ((r = s1->ops->socketpair(s1, s2)) < 0) {
		fput(s1->file);
		fput(s2->file);
		return r;
	}
	int fds[2];
	fds[0] = fd_install(t, s1->file, cloexec, 0);
	if (fds[0] < 0) {
		fput(s2->file);
		return fds[0];
	}
	fds[1] = fd_install(t, s2->file, cloexec, 0);
	if (fds[1] < 0) {
		fd_close(t, fds[0]);
		return fds[1];
	}
	if (copy_to_user(t->mm, a->a[3], fds, sizeof(fds)) < 0) {
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* a sockaddr from the guest: 0, or -EINVAL / -EFAULT */
static int addr_in(struct task *t, u64 uaddr, u64 len, struct sockaddr_storage *ss)
{
	if (len > sizeof(*ss) || (s64)len < 0)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (len && copy_from_user(t->mm, ss, uaddr, len) < 0)
		return -EFAULT;
	return 0;
}

/* give an address back: truncated to the guest's room, the full length
 * written to *ulen as Linux's move_addr_to_user */
static int addr_out(struct task *t, const void *addr, int len, u64 uaddr, u64 ulen)
{
	if (!uaddr)
		return 0;
	int room;
	if (copy_from_user(t->mm, &room, ulen, sizeof(room)) < 0)
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	if (len && room && copy_to_user(t->mm, uaddr, addr, MIN(room, len)) < 0)
		return -EFAULT;
	return copy_to_user(t->mm, ulen, &len, sizeof(len)) < 0 ? -EFAULT : 0;
}

SYSCALL_DEFINE(bind)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	struct sockaddr_storage ss;
	if ((r = addr_in(t, a->a[1], a->a[2], &ss)) < 0)
		return r;
	return s->ops->bind ? s->ops->bind(s, &ss, a->a[2]) : -EOPNOTSUPP;
}

SYSCALL_DEFINE(connect)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	struct sockaddr_storage ss;
	if ((r = addr_in(t, a->a[1], a->a[2], &ss)) < 0)
		return r;
	return s->ops->connect ? s->ops->connect(s, &ss, a->a[2]) : -EOPNOTSUPP;
}

SYSCALL_DEFINE(listen)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	int backlog = (int)a->a[1];
	if (backlog < 0 || backlog > 4096)
		backlog = 4096; /* net.core.somaxconn */
	return s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
}

static long do_accept(struct task *t, int fd, u64 uaddr, u64 ulen, u64 flags)
{
	if (flags & ~(u64)(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	long r;
	struct socket *s = sockfd(t, fd, &r);
	if (!s)
		return r;
	if (!s->ops->accept)
		return -EOPNOTSUPP;
	struct socket *ns = sock_alloc(s->family, s->type, s->protocol, flags & SOCK_NONBLOCK ? O_NONBLOCK : 0, &r);
	if (!ns)
		return r;
	if ((r = s->ops->accept(s, ns)) < 0) {
		fput(ns->file);
		return r;
	}
	if (uaddr) {
		struct sockaddr_storage ss;
		int len = ns->ops->getname(ns, &ss, true);
		if ((r = addr_out(t, &ss, len, uaddr, ulen)) < 0) {
			fput(ns->file);
			return r;
		}
	}
	return fd_install(t, ns->file, flags & SOCK_CLOEXEC, 0);
}

SYSCALL_DEFINE(accept)
{
	return do_accept(t, a->a[0], a->a[1], a->a[2], 0);
}

SYSCALL_DEFINE(accept4)
{
	return do_accept(t, a->a[0], a->a[1], a->a[2], a->a[3]);
}

static long do_getname(struct task *t, const struct syscall_args *a, bool peer)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	int len = s->ops->getname(s, &ss, peer);
	if (len < 0)
		return len;
	return addr_out(t, &ss, len, a->a[1], a->a[2]);
}

SYSCALL_DEFINE(getsockname)
{
	return do_getname(t, a, false);
}

SYSCALL_DEFINE(getpeername)
{
	return do_getname(t, a, true);
}

SYSCALL_DEFINE(shutdown)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	if (a->a[1] > SHUT_RDWR)
		return -EINVAL;
	return s->ops->shutdown ? s->ops->shutdown(s, a->a[1]) : -EOPNOTSUPP;
}

/* ---- data ---- */

#define CMSG_MAX 65536 /* net.core.optmem_max's order */

static long do_send(struct task *t, struct socket *s, struct iovec *iov, int n, const void *name, int namelen,
		    void *control, size_t controllen, int flags)
{
	struct kmsg m = { .t = t, .iov = iov, .iovlen = n, .name = (void *)name, .namelen = namelen,
			  .control = control, .controllen = controllen };
	for (int i = 0; i < n; i++) {
		if ((s64)iov[i].iov_len < 0 || m.len + iov[i].iov_len < m.len)
			return -EINVAL;
		m.len += iov[i].iov_len;
	}
	return s->ops->sendmsg(s, &m, flags);
}

static long do_recv(struct task *t, struct socket *s, struct iovec *iov, int n, struct kmsg *m, int flags)
{
	m->t = t;
	m->iov = iov;
	m->iovlen = n;
	for (int i = 0; i < n; i++) {
		if ((s64)iov[i].iov_len < 0 || m->len + iov[i].iov_len < m->len)
			return -EINVAL;
		m->len += iov[i].iov_len;
	}
	return s->ops->recvmsg(s, m, flags);
}

static long sock_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	(void)pos;
	struct iovec iov = { buf, len };
	struct kmsg m = { .kernel = true };
	return do_recv(current, f->priv, &iov, 1, &m, 0);
}

static long sock_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	(void)pos;
	struct iovec iov = { (void *)buf, len };
	struct kmsg m = { .t = current, .kernel = true, .iov = &iov, .iovlen = 1, .len = len };
	struct socket *s = f->priv;
	return s->ops->sendmsg(s, &m, 0);
}

long sock_rwv(struct task *t, struct file *f, struct iovec *iov, int n, bool write)
{
	struct socket *s = f->priv;
	if (write)
		return do_send(t, s, iov, n, NULL, 0, NULL, 0, 0);
	struct kmsg m = { 0 };
	return do_recv(t, s, iov, n, &m, 0);
}

SYSCALL_DEFINE(sendto)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	struct iovec iov = { (void *)a->a[1], a->a[2] };
	struct sockaddr_storage ss;
	int namelen = 0;
	if (a->a[4]) {
		if ((r = addr_in(t, a->a[4], a->a[5], &ss)) < 0)
			return r;
		namelen = a->a[5];
	}
	/* a name of length 0 is still a name (UDP says EINVAL), as Linux's sendto */
	return do_send(t, s, &iov, 1, a->a[4] ? &ss : NULL, namelen, NULL, 0, a->a[3]);
}

SYSCALL_DEFINE(recvfrom)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	struct iovec iov = { (void *)a->a[1], a->a[2] };
	struct sockaddr_storage ss;
	struct kmsg m = { .name = a->a[4] ? &ss : NULL };
	r = do_recv(t, s, &iov, 1, &m, a->a[3]);
	if (r >= 0 && a->a[4]) {
		long e = addr_out(t, &ss, m.namelen, a->a[4], a->a[5]);
		if (e < 0)
			return e;
	}
	return r;
}

static long iov_in(struct task *t, u64 uiov, u64 n, struct iovec **out)
{
	if (n > 1024)
		return -EMSGSIZE;
	*out = malloc((n ? n : 1) * sizeof(struct iovec));
	if (!*out)
		return -ENOMEM;
	if (n && copy_from_user(t->mm, *out, uiov, n * sizeof(struct iovec)) < 0) {
		free(*out);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(sendmsg)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	struct msghdr mh;
	if (copy_from_user(t->mm, &mh, a->a[1], sizeof(mh)) < 0)
		return -EFAULT;
	struct sockaddr_storage ss;
	if (mh.msg_name && mh.msg_namelen) {
		if ((r = addr_in(t, (u64)mh.msg_name, mh.msg_namelen, &ss)) < 0)
			return r;
	} else {
		mh.msg_namelen = 0;
	}
	if (mh.msg_controllen > CMSG_MAX)
		return -ENOBUFS;
	struct iovec *iov;
	if ((r = iov_in(t, (u64)mh.msg_iov, mh.msg_iovlen, &iov)) < 0)
		return r;
	void *ctl = NULL;
	if (mh.msg_controllen) {
		ctl = malloc(mh.msg_controllen);
		if (!ctl || copy_from_user(t->mm, ctl, (u64)mh.msg_control, mh.msg_controllen) < 0) {
			free(ctl);
			free(iov);
			return ctl ? -EFAULT : -ENOMEM;
		}
	}
	r = do_send(t, s, iov, mh.msg_iovlen, mh.msg_namelen ? &ss : NULL, mh.msg_namelen, ctl, mh.msg_controllen,
		    a->a[2]);
	free(ctl);
	free(iov);
	return r;
}

SYSCALL_DEFINE(recvmsg)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	struct msghdr mh;
	if (copy_from_user(t->mm, &mh, a->a[1], sizeof(mh)) < 0)
		return -EFAULT;
	if (mh.msg_controllen > CMSG_MAX)
		mh.msg_controllen = CMSG_MAX;
	struct iovec *iov;
	if ((r = iov_in(t, (u64)mh.msg_iov, mh.msg_iovlen, &iov)) < 0)
		return r;
	struct sockaddr_storage ss;
	/* no control pointer is no room: MSG_CTRUNC if a message is due */
	void *ctl = mh.msg_controllen && mh.msg_control ? calloc(1, mh.msg_controllen) : NULL;
	/* msg_flags tells MSG_CMSG_CLOEXEC back, as Linux's */
	struct kmsg m = { .name = mh.msg_name ? &ss : NULL, .control = ctl,
			  .controllen = ctl ? mh.msg_controllen : 0, .flags = a->a[2] & MSG_CMSG_CLOEXEC };
	r = do_recv(t, s, iov, mh.msg_iovlen, &m, a->a[2]);
	free(iov);
	if (r >= 0) {
		struct msghdr out = mh;
		if (mh.msg_name) {
			int nl = MIN((int)mh.msg_namelen, m.namelen);
			if (nl > 0 && copy_to_user(t->mm, (u64)mh.msg_name, &ss, nl) < 0)
				r = -EFAULT;
		}
		out.msg_namelen = mh.msg_name ? (socklen_t)m.namelen : 0;
		if (m.cused && copy_to_user(t->mm, (u64)mh.msg_control, ctl, m.cused) < 0)
			r = -EFAULT;
		out.msg_controllen = m.cused;
		out.msg_flags = m.flags;
		if (r >= 0 && copy_to_user(t->mm, a->a[1], &out, sizeof(out)) < 0)
			r = -EFAULT;
	}
	free(ctl);
	return r;
}


/* ---- options ---- */

static int opt_int(struct task *t, u64 uval, u64 len, int *v)
{
	if (len < sizeof(int))
		return -EINVAL;
	return copy_from_user(t->mm, v, uval, sizeof(int)) < 0 ? -EFAULT : 0;
}

static int opt_timeo(struct task *t, u64 uval, u64 len, s64 *ns)
{
	struct timeval tv;
	if (len < sizeof(tv))
		return -EINVAL;
	if (copy_from_user(t->mm, &tv, uval, sizeof(tv)) < 0)
		return -EFAULT;
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		*ns = 0; /* a negative time is no timeout... as Linux, a tiny one */
		return 0;
	}
	/* kept in jiffies (HZ 250) as Linux does: getsockopt shows that */
	*ns = tv.tv_sec == 0 && tv.tv_usec == 0 ? 0 : tv_to_ktime(&tv);
	if (*ns && *ns < KTIME_MAX - 4000000)
		*ns = (*ns + 3999999) / 4000000 * 4000000;
	return 0;
}

#define SOCK_MIN_BUF 2304 /* Linux's SOCK_MIN_SNDBUF; rcvbuf's minimum is 2304 too */

SYSCALL_DEFINE(setsockopt)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	int level = a->a[1], name = a->a[2];
	u64 uval = a->a[3], len = a->a[4];
	if ((s64)len < 0)
		return -EINVAL;
	if (level != SOL_SOCKET) {
		if (!s->ops->setsockopt)
			return s->family == AF_UNIX ? -EOPNOTSUPP : -ENOPROTOOPT;
		u8 kv[SOCK_OPT_MAX];
		int kl = MIN(len, (u64)SOCK_OPT_MAX);
		if (kl && copy_from_user(t->mm, kv, uval, kl) < 0)
			return -EFAULT;
		return s->ops->setsockopt(s, level, name, kv, kl);
	}
	int v;
	switch (name) {
	case SO_RCVTIMEO_OLD:
		return opt_timeo(t, uval, len, &s->rcvtimeo);
	case SO_SNDTIMEO_OLD:
		return opt_timeo(t, uval, len, &s->sndtimeo);
	case SO_LINGER: {
		struct linger l;
		if (len < sizeof(l))
			return -EINVAL;
		if (copy_from_user(t->mm, &l, uval, sizeof(l)) < 0)
			return -EFAULT;
		s->linger_on = !!l.l_onoff;
		s->linger_secs = l.l_linger;
		return 0;
	}
	}
	if ((r = opt_int(t, uval, len, &v)) < 0)
		return r;
	switch (name) {
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
	case SO_RCVBUF:
	case SO_RCVBUFFORCE: {
		/* doubled, as Linux keeps room for its bookkeeping; bounded by
		 * net.core.[wr]mem_max unless forced */
		u32 val = (u32)v;
		if (name == SO_SNDBUF || name == SO_RCVBUF)
			val = MIN(val, (u32)SOCK_DEF_BUF);
		else if (!capable(t, 12 /* CAP_NET_ADMIN */))
			return -EPERM;
		val = MIN(val, (u32)INT32_MAX / 2);
		int nv = MAX((int)val * 2, SOCK_MIN_BUF);
		if (name == SO_SNDBUF || name == SO_SNDBUFFORCE) {
			s->sndbuf = nv;
			s->sndbuf_locked = true;
		} else {
			s->rcvbuf = nv;
			s->rcvbuf_locked = true;
		}
		sock_wake();
		return 0;
	}
	case SO_PASSCRED:
		s->passcred = !!v;
		return 0;
	case SO_REUSEADDR:
		s->reuseaddr = !!v;
		return 0;
	case SO_REUSEPORT:
		s->reuseport = !!v;
		return 0;
	case SO_KEEPALIVE:
		s->keepalive = !!v;
		return 0;
	case SO_BROADCAST:
		s->broadcast = !!v;
		return 0;
	case SO_OOBINLINE:
		s->oobinline = !!v;
		return 0;
	case SO_RCVLOWAT:
	case SO_PRIORITY:
	case SO_PASSSEC:
		return 0;
	case SO_TIMESTAMP_OLD:
	case SO_TIMESTAMPNS_OLD:
	case SO_TIMESTAMP_NEW_:
	case SO_TIMESTAMPNS_NEW_:
		/* as Linux's sock_set_timestamp: one flag on, the kind chosen;
		 * off turns both off */
		if (v) {
			s->tstamp = true;
			s->tstamp_ns = name == SO_TIMESTAMPNS_OLD || name == SO_TIMESTAMPNS_NEW_;
			s->tstamp_new = name == SO_TIMESTAMP_NEW_ || name == SO_TIMESTAMPNS_NEW_;
		} else {
			s->tstamp = s->tstamp_ns = false;
		}
		return 0;
	}
	return -ENOPROTOOPT;
}

SYSCALL_DEFINE(getsockopt)
{
	long r;
	struct socket *s = sockfd(t, a->a[0], &r);
	if (!s)
		return r;
	int level = a->a[1], name = a->a[2];
	u64 uval = a->a[3], ulen = a->a[4];
	int len;
	if (copy_from_user(t->mm, &len, ulen, sizeof(len)) < 0)
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (level != SOL_SOCKET) {
		if (!s->ops->setsockopt || !s->ops->getsockopt)
			return s->family == AF_UNIX ? -EOPNOTSUPP : -ENOPROTOOPT;
		u8 kv[SOCK_OPT_MAX];
		memset(kv, 0, sizeof(kv));
		int kl = MIN(len, SOCK_OPT_MAX);
		if ((r = s->ops->getsockopt(s, level, name, kv, &kl)) < 0)
			return r;
		if ((kl && copy_to_user(t->mm, uval, kv, kl) < 0) || copy_to_user(t->mm, ulen, &kl, sizeof(kl)) < 0)
			return -EFAULT;
		return 0;
	}
	union {
		int i;
		struct timeval tv;
		struct ucred cred;
		struct linger l;
	} v;
	memset(&v, 0, sizeof(v));
	int vlen = sizeof(int);
	switch (name) {
	case SO_TYPE: v.i = s->type; break;
	case SO_DOMAIN: v.i = s->family; break;
	case SO_PROTOCOL: v.i = s->protocol; break;
	case SO_ERROR: v.i = sock_take_err(s); break;
	case SO_ACCEPTCONN:
		v.i = s->ops->getsockopt ? s->ops->getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, NULL, NULL) : 0;
		break;
	case SO_SNDBUF: v.i = s->sndbuf; break;
	case SO_RCVBUF: v.i = s->rcvbuf; break;
	case SO_PASSCRED: v.i = s->passcred; break;
	case SO_REUSEADDR: v.i = s->reuseaddr; break;
	case SO_REUSEPORT: v.i = s->reuseport; break;
	case SO_KEEPALIVE: v.i = s->keepalive; break;
	case SO_BROADCAST: v.i = s->broadcast; break;
	case SO_OOBINLINE: v.i = s->oobinline; break;
	case SO_RCVLOWAT: v.i = 1; break;
	case SO_SNDLOWAT: v.i = 1; break;
	case SO_PRIORITY: v.i = 0; break;
	case SO_TIMESTAMP_OLD: v.i = s->tstamp && !s->tstamp_new && !s->tstamp_ns; break;
	case SO_TIMESTAMPNS_OLD: v.i = s->tstamp_ns && !s->tstamp_new; break;
	case SO_TIMESTAMP_NEW_: v.i = s->tstamp && s->tstamp_new && !s->tstamp_ns; break;
	case SO_TIMESTAMPNS_NEW_: v.i = s->tstamp_ns && s->tstamp_new; break;
	case SO_LINGER:
		v.l.l_onoff = s->linger_on;
		v.l.l_linger = s->linger_secs;
		vlen = sizeof(v.l);
		break;
	case SO_RCVTIMEO_OLD:
	case SO_SNDTIMEO_OLD: {
		s64 ns = name == SO_RCVTIMEO_OLD ? s->rcvtimeo : s->sndtimeo;
		v.tv.tv_sec = ns / 1000000000;
		v.tv.tv_usec = ns % 1000000000 / 1000;
		vlen = sizeof(v.tv);
		break;
	}
	case SO_PEERCRED: /* a short buffer gets the first bytes, as Linux */
		if (s->has_peercred) {
			v.cred.pid = s->peer_pid;
			v.cred.uid = s->peer_uid;
			v.cred.gid = s->peer_gid;
		} else {
			v.cred.pid = 0;
			v.cred.uid = v.cred.gid = (u32)-1; /* the overflow ids of no peer */
		}
		vlen = sizeof(v.cred);
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = MIN(len, vlen);
	if (copy_to_user(t->mm, uval, &v, len) < 0 || copy_to_user(t->mm, ulen, &len, sizeof(len)) < 0)
		return -EFAULT;
	return 0;
}
