/* The socket layer (net/socket.c) and its address families.
 *
 * A socket is an open file of sockfs (an S_IFSOCK inode of its own super
 * block, "socket:[INO]" in /proc/PID/fd) whose priv is a struct socket.
 * The system calls find the socket of a descriptor, copy addresses and
 * message headers between the guest and the kernel, and call the family's
 * proto_ops; a family registers itself with sock_register(): AF_UNIX
 * (net/af_unix.c), AF_INET and AF_INET6 (net/inet.c, tcp.c, udp.c),
 * AF_NETLINK (net/af_netlink.c); others answer EAFNOSUPPORT.
 * Everything runs under the BKL; sleepers wait on sock_cond (one condition
 * for all sockets: a wakeup is a broadcast that sleepers re-check). */
#ifndef VMCORE_NET_H
#define VMCORE_NET_H
#include <vmcore/kernel.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/uio.h>

struct task;
struct file;
struct socket;

/* A message between the guest and a family: the data's iovecs (guest
 * addresses, consumed as they are copied), the name, the control data. */
struct kmsg {
	struct task *t;
	bool kernel;      /* the iovecs are kernel buffers (read/write ops) */
	struct iovec *iov;
	int iovlen, idx;  /* current iovec */
	size_t off;       /* within it */
	size_t len;       /* bytes left in all iovecs */
	void *name;       /* kernel copy of msg_name: in for send, out for recv */
	int namelen;
	void *control;    /* kernel copy of msg_control */
	size_t controllen; /* its size */
	size_t cused;     /* recv: bytes of control data put */
	int flags;        /* recv: MSG_TRUNC / MSG_CTRUNC / MSG_EOR out */
};

/* copy n bytes between the kmsg's iovecs and a kernel buffer, advancing */
int kmsg_from_iov(struct kmsg *m, void *dst, size_t n);
int kmsg_to_iov(struct kmsg *m, const void *src, size_t n);
/* put one cmsg into a recvmsg's control buffer: 0, or 1 when it did not
 * fit whole (MSG_CTRUNC set; *fitted: how many payload bytes did) */
int kmsg_put_cmsg(struct kmsg *m, int level, int type, const void *data, size_t len, size_t *fitted);

/* the SO_TIMESTAMP / SO_TIMESTAMPNS message of data queued at ts, if the
 * socket asked for one (Linux's __sock_recv_timestamp) */
void sock_recv_timestamp(struct socket *s, struct kmsg *m, const struct timespec *ts);

struct proto_ops {
	int family;
	int (*create)(struct socket *s, int protocol);
	void (*release)(struct socket *s);
	int (*socketpair)(struct socket *a, struct socket *b);
	int (*bind)(struct socket *s, const void *addr, int len);
	int (*connect)(struct socket *s, const void *addr, int len);
	int (*listen)(struct socket *s, int backlog);
	/* the new connected socket's file flags are the caller's */
	int (*accept)(struct socket *s, struct socket *ns);
	int (*getname)(struct socket *s, void *addr, bool peer); /* its length */
	long (*sendmsg)(struct socket *s, struct kmsg *m, int flags);
	long (*recvmsg)(struct socket *s, struct kmsg *m, int flags);
	int (*shutdown)(struct socket *s, int how);
	unsigned (*poll)(struct socket *s);
	/* family options (level not SOL_SOCKET), and SOL_SOCKET ones the
	 * generic layer does not know: -ENOPROTOOPT */
	int (*getsockopt)(struct socket *s, int level, int name, void *val, int *len);
	/* family options (level not SOL_SOCKET): val is a kernel copy of the
	 * guest's len bytes (at most SOCK_OPT_MAX) */
	int (*setsockopt)(struct socket *s, int level, int name, const void *val, int len);
	long (*ioctl)(struct socket *s, unsigned cmd, u64 arg);
};

struct socket {
	int family, type, protocol;
	const struct proto_ops *ops;
	struct file *file;
	void *sk;                 /* the family's */
	int sndbuf, rcvbuf;       /* as getsockopt shows them (doubled) */
	int err;                  /* SO_ERROR, read and cleared */
	bool passcred, reuseaddr, reuseport, keepalive, broadcast, oobinline;
	bool sndbuf_locked, rcvbuf_locked; /* set by the guest: no autotuning */
	/* SO_TIMESTAMP / SO_TIMESTAMPNS (_OLD or _NEW): recvmsg says when a
	 * datagram was queued */
	bool tstamp, tstamp_ns, tstamp_new;
	int linger_on, linger_secs;
	s64 rcvtimeo, sndtimeo;   /* ns; 0: none */
	/* SO_PEERCRED */
	bool has_peercred;
	int peer_pid;
	u32 peer_uid, peer_gid;
};

#define SOCK_DEF_BUF 212992 /* net.core.wmem_default / rmem_default */
#define SOCK_OPT_MAX 512    /* the longest family option value copied */

extern pthread_cond_t sock_cond;
/* readiness changed: wake the sleepers of every socket and of poll */
void sock_wake(void);
/* sleep for a socket (timeo ns, 0: none, from *start): 0, -EAGAIN at the
 * timeout, -ERESTARTSYS (no timeout) or -EINTR (with one) on a signal */
int sock_wait(struct socket *s, s64 timeo, const struct timespec *start);
bool sock_nonblock(struct socket *s, int flags);
/* EPIPE's SIGPIPE unless MSG_NOSIGNAL */
void sock_sigpipe(int flags);
struct socket *sock_from_file(struct file *f);
/* SO_ERROR's read-and-clear: the pending error (0: none) */
static inline int sock_take_err(struct socket *s)
{
	int e = s->err;
	s->err = 0;
	return e;
}
/* read/write/readv/writev of a socket (fs/syscalls.c's do_rw and rwv
 * come here): one message of all the iovecs, guest addresses */
long sock_rwv(struct task *t, struct file *f, struct iovec *iov, int n, bool write);

void sock_register(const struct proto_ops *ops);
void af_unix_init(void);
/* /proc/net/unix */
struct buf;
void unix_proc_net(struct buf *b);
#endif
