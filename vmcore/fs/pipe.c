/* Pipes: a ring of page frames between two open files.
 *
 * The ring's capacity is a number of pages (16 by default, as Linux's
 * PIPE_DEF_BUFFERS; F_SETPIPE_SZ changes it up to pipe-max-size, 1 MiB).
 * Its pages are physmem frames, taken when a write needs one and charged to
 * the commit limit like any other memory of the guest; when that is full
 * (a guest may commit all of it without touching it, and Linux does not
 * make pipes wait on overcommit accounting) they come from half of the
 * pages kept out of the commit limit for the kernel.  A write that finds
 * none stores what it could, or fails with ENOMEM as Linux's does when it
 * cannot allocate a page.  Pages that no longer hold unread bytes go back
 * at once, but one, which an empty pipe keeps for its next write (Linux's
 * tmp_page).  An idle pipe is thus a small host object and at most one
 * page; a full one is its capacity, paid for.
 *
 * Capacities are also counted per user, as Linux's pipe-user-pages-soft:
 * past 16384 pages a user's new pipes get 2 pages (PIPE_MIN_DEF_BUFFERS).
 * Linux exempts CAP_SYS_RESOURCE/CAP_SYS_ADMIN from this; here guest root is
 * counted too, since it is no privilege over the host.  The number of open
 * files (each pipe is two) is bounded by file-max (inode.c): ENFILE.
 *
 * Readers and writers sleep on the pipe's condition variable with the BKL
 * released.  Writes of at most PIPE_BUF bytes are atomic: they wait until
 * the whole write fits.  A read of an empty pipe with no writers is end of
 * file; a write with no readers is EPIPE and SIGPIPE.
 *
 * A pipe hangs off its inode (inode->pipe), so that opening the inode again
 * reaches it: a FIFO (a named S_IFIFO inode of tmpfs or hostfs) gets its
 * pipe at its first open and loses it when the last end closes; an
 * anonymous pipe's inode (pipefs) reopened through /proc/PID/fd/N or
 * /dev/fd/N gives a new end of the same pipe, as Linux.  A host FIFO is
 * never opened by the kernel: its guest-side pipe is the FIFO, between
 * guest processes only (a host process writing into the host FIFO is not
 * seen, and opening the host FIFO from the kernel could block it).
 * Opening a FIFO waits for the other end as fifo(7) says: O_RDONLY until a
 * writer, O_WRONLY until a reader (ENXIO under O_NONBLOCK), O_RDWR never;
 * counters of opens tell a sleeper that a partner came even if it has left
 * again. */
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <vmcore/mm.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define PIPE_DEF_PAGES 16
#define PIPE_MIN_PAGES 2
/* /proc/sys/fs/pipe-max-size and pipe-user-pages-soft (proc_sys.c) */
u32 pipe_max_size = 1u << 20;
u32 pipe_user_pages_soft = 16384;
#define PIPE_MAX_SIZE pipe_max_size
#define PIPE_USER_PAGES_SOFT pipe_user_pages_soft
#define PIPE_BUF_ATOMIC 4096

/* Pipe pages counted per user (real uid of the creator). */
struct pipe_user {
	u32 uid;
	u64 pages;
	struct pipe_user *next;
};
static struct pipe_user *pipe_users;

struct pipe {
	u64 *frames;      /* npages slots, NO_FRAME where no page is held */
	u32 npages;
	u32 nreserve;     /* pages held on the kernel's reserve, not commit */
	size_t head, len; /* read position in the ring, bytes held */
	int readers, writers;
	u64 r_opens, w_opens; /* ends ever opened: a FIFO opener's partner came */
	struct inode *inode;  /* whose ->pipe this is */
	struct pipe_user *user;
	pthread_cond_t cond;
};

static const struct file_ops pipe_read_fops, pipe_write_fops, pipe_rdwr_fops;

static struct pipe_user *user_get(u32 uid)
{
	for (struct pipe_user *u = pipe_users; u; u = u->next)
		if (u->uid == uid)
			return u;
	struct pipe_user *u = kzalloc(sizeof(*u));
	if (!u)
		return NULL;
	u->uid = uid;
	u->next = pipe_users;
	pipe_users = u;
	return u;
}

static void user_account(struct pipe_user *u, s64 delta)
{
	u->pages += delta;
	if (u->pages)
		return;
	for (struct pipe_user **pp = &pipe_users; *pp; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			free(u);
			return;
		}
}

static inline size_t pipe_cap(struct pipe *p)
{
	return (size_t)p->npages * PAGE_SIZE;
}

/* Pipe pages charged to the kernel's reserve, and their bound. */
static u64 reserve_used;

static u64 reserve_max(void)
{
	return (physmem_frames - vm_commit_limit()) / 2;
}

/* Charge one page: to the commit limit, else to the reserve. */
static int page_charge(struct pipe *p)
{
	if (vm_commit_kernel(1) == 0)
		return 0;
	if (reserve_used >= reserve_max())
		return -ENOMEM;
	reserve_used++;
	p->nreserve++;
	return 0;
}

/* The scarce reserve is given back first: pages are alike. */
static void page_uncharge(struct pipe *p)
{
	if (p->nreserve) {
		p->nreserve--;
		reserve_used--;
	} else {
		vm_uncommit_kernel(1);
	}
}

static void page_drop(struct pipe *p, u32 i)
{
	if (p->frames[i] == NO_FRAME)
		return;
	frame_put(p->frames[i]);
	page_uncharge(p);
	p->frames[i] = NO_FRAME;
}

/* A page for ring page i: 0 or -ENOMEM (no memory the guest may use). */
static int page_need(struct pipe *p, u32 i)
{
	if (p->frames[i] != NO_FRAME)
		return 0;
	if (page_charge(p) < 0)
		return -ENOMEM;
	u64 f = frame_alloc();
	if (f == NO_FRAME) {
		page_uncharge(p);
		return -ENOMEM;
	}
	p->frames[i] = f;
	return 0;
}

/* Does ring page i hold unread bytes? */
static bool page_live(struct pipe *p, u32 i)
{
	size_t cap = pipe_cap(p), ps = (size_t)i * PAGE_SIZE;
	if (!p->len)
		return false;
	/* the offset of the page's start from head, in ring order */
	size_t off = (ps + cap - p->head) % cap;
	/* the page [off, off+PS) intersects [0, len), or head is inside it */
	return off < p->len || off + PAGE_SIZE > cap;
}

/* Give back the pages with nothing unread, keeping one for an empty pipe. */
static void pages_trim(struct pipe *p)
{
	if (!p->len) {
		/* move the page we keep to the ring's start */
		p->head = 0;
		if (p->frames[0] == NO_FRAME)
			for (u32 i = 1; i < p->npages; i++)
				if (p->frames[i] != NO_FRAME) {
					p->frames[0] = p->frames[i];
					p->frames[i] = NO_FRAME;
					break;
				}
		for (u32 i = 1; i < p->npages; i++)
			page_drop(p, i);
		return;
	}
	for (u32 i = 0; i < p->npages; i++)
		if (p->frames[i] != NO_FRAME && !page_live(p, i))
			page_drop(p, i);
}

static u8 *ring_ptr(struct pipe *p, size_t pos)
{
	return (u8 *)frame_ptr(p->frames[pos / PAGE_SIZE]) + pos % PAGE_SIZE;
}

static long pipe_read(struct file *f, void *dst, size_t n, u64 *pos)
{
	struct pipe *p = f->priv;
	while (!p->len) {
		if (!p->writers)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_interruptible(current, &p->cond, NULL) < 0)
			return -ERESTARTSYS;
	}
	size_t done = 0, cap = pipe_cap(p);
	while (done < n && p->len) {
		size_t chunk = MIN(n - done, MIN(p->len, PAGE_SIZE - p->head % PAGE_SIZE));
		memcpy((u8 *)dst + done, ring_ptr(p, p->head), chunk);
		p->head = (p->head + chunk) % cap;
		p->len -= chunk;
		done += chunk;
	}
	pages_trim(p);
	pthread_cond_broadcast(&p->cond);
	/* no new writers' event: Linux wakes a pipe's writers only when it was
	 * full, which the rise of POLLOUT already tells */
	poll_wake();
	return done;
}

static long pipe_write(struct file *f, const void *src, size_t n, u64 *pos)
{
	struct pipe *p = f->priv;
	size_t done = 0;
	while (done < n) {
		if (!p->readers) {
			if (current) {
				siginfo_t si = { .si_signo = SIGPIPE, .si_code = SI_USER };
				si.si_pid = current->tgid;
				send_signal(current, SIGPIPE, &si);
			}
			return done ? (long)done : -EPIPE;
		}
		size_t cap = pipe_cap(p), room = cap - p->len;
		/* small writes go in whole or wait */
		if (!room || (n <= PIPE_BUF_ATOMIC && room < n - done)) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (wait_interruptible(current, &p->cond, NULL) < 0)
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		size_t tail = (p->head + p->len) % cap;
		size_t chunk = MIN(n - done, MIN(room, PAGE_SIZE - tail % PAGE_SIZE));
		if (page_need(p, tail / PAGE_SIZE) < 0) {
			if (done)
				break;
			return -ENOMEM;
		}
		memcpy(ring_ptr(p, tail), (const u8 *)src + done, chunk);
		p->len += chunk;
		done += chunk;
		pthread_cond_broadcast(&p->cond);
		poll_notify(p->inode, POLLIN);
	}
	return done;
}

/* ---- for splice.c: the pipe's bytes without a file's read/write ---- */

size_t pipe_len(struct pipe *p)
{
	return p->len;
}

size_t pipe_room(struct pipe *p)
{
	return pipe_cap(p) - p->len;
}

static void send_sigpipe(void)
{
	if (current) {
		siginfo_t si = { .si_signo = SIGPIPE, .si_code = SI_USER };
		si.si_pid = current->tgid;
		send_signal(current, SIGPIPE, &si);
	}
}

/* Wait until the pipe holds bytes: their number, 0 at end of file (no
 * writers), -EAGAIN (nonblock), -ERESTARTSYS. */
long pipe_wait_data(struct pipe *p, bool nonblock)
{
	while (!p->len) {
		if (!p->writers)
			return 0;
		if (nonblock)
			return -EAGAIN;
		if (wait_interruptible(current, &p->cond, NULL) < 0)
			return -ERESTARTSYS;
	}
	return p->len;
}

/* Wait until the pipe has room: how much; -EPIPE (and SIGPIPE) with no
 * readers, -EAGAIN, -ERESTARTSYS. */
long pipe_wait_room(struct pipe *p, bool nonblock)
{
	for (;;) {
		if (!p->readers) {
			send_sigpipe();
			return -EPIPE;
		}
		if (p->len < pipe_cap(p))
			return pipe_cap(p) - p->len;
		if (nonblock)
			return -EAGAIN;
		if (wait_interruptible(current, &p->cond, NULL) < 0)
			return -ERESTARTSYS;
	}
}

/* Copy up to n unread bytes, from skip bytes in, leaving them there. */
size_t pipe_peek(struct pipe *p, size_t skip, void *dst, size_t n)
{
	size_t done = 0, cap = pipe_cap(p);
	if (skip >= p->len)
		return 0;
	n = MIN(n, p->len - skip);
	while (done < n) {
		size_t at = (p->head + skip + done) % cap;
		size_t chunk = MIN(n - done, PAGE_SIZE - at % PAGE_SIZE);
		memcpy((u8 *)dst + done, ring_ptr(p, at), chunk);
		done += chunk;
	}
	return done;
}

/* Drop n bytes that were read (peeked). */
void pipe_consume(struct pipe *p, size_t n)
{
	n = MIN(n, p->len);
	p->head = (p->head + n) % pipe_cap(p);
	p->len -= n;
	pages_trim(p);
	pthread_cond_broadcast(&p->cond);
	/* no new writers' event: Linux wakes a pipe's writers only when it was
	 * full, which the rise of POLLOUT already tells */
	poll_wake();
}

/* Store up to n bytes where there is room: how many, or -ENOMEM. */
long pipe_store(struct pipe *p, const void *src, size_t n)
{
	size_t done = 0;
	while (done < n && p->len < pipe_cap(p)) {
		size_t cap = pipe_cap(p), room = cap - p->len;
		size_t tail = (p->head + p->len) % cap;
		size_t chunk = MIN(n - done, MIN(room, PAGE_SIZE - tail % PAGE_SIZE));
		if (page_need(p, tail / PAGE_SIZE) < 0)
			break;
		memcpy(ring_ptr(p, tail), (const u8 *)src + done, chunk);
		p->len += chunk;
		done += chunk;
	}
	if (done) {
		pthread_cond_broadcast(&p->cond);
		poll_notify(p->inode, POLLIN);
	}
	return done || !n ? (long)done : -ENOMEM;
}

static void pipe_free(struct pipe *p)
{
	if (p->inode && p->inode->pipe == p)
		p->inode->pipe = NULL;
	for (u32 i = 0; i < p->npages; i++)
		page_drop(p, i);
	if (p->user)
		user_account(p->user, -(s64)p->npages);
	free(p->frames);
	pthread_cond_destroy(&p->cond);
	free(p);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	u32 acc = f->flags & O_ACCMODE;
	if (acc != O_WRONLY)
		p->readers--;
	if (acc != O_RDONLY)
		p->writers--;
	pthread_cond_broadcast(&p->cond);
	poll_notify(p->inode, POLLIN | POLLOUT);
	if (!p->readers && !p->writers)
		pipe_free(p);
}

static unsigned pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned m = 0;
	/* a FIFO reader opened O_NONBLOCK sees no hangup until a writer came
	 * (f->pos keeps the writers' open count it saw then: a pipe has no
	 * position; Linux keeps it in f_pipe) */
	if (f->ops->read)
		m |= (p->len ? POLLIN | POLLRDNORM : 0) | (!p->writers && f->pos != p->w_opens ? POLLHUP : 0);
	if (f->ops->write)
		m |= (pipe_cap(p) - p->len >= PIPE_BUF_ATOMIC ? POLLOUT | POLLWRNORM : 0) |
		     (!p->readers ? POLLERR : 0);
	return m;
}

static const struct file_ops pipe_read_fops = { .read = pipe_read, .release = pipe_release, .poll = pipe_poll };
static const struct file_ops pipe_write_fops = { .write = pipe_write, .release = pipe_release, .poll = pipe_poll };
static const struct file_ops pipe_rdwr_fops = { .read = pipe_read, .write = pipe_write, .release = pipe_release,
						.poll = pipe_poll };

bool file_is_pipe(struct file *f)
{
	return f->ops == &pipe_read_fops || f->ops == &pipe_write_fops || f->ops == &pipe_rdwr_fops;
}

long pipe_get_size(struct file *f)
{
	return file_is_pipe(f) ? (long)pipe_cap(f->priv) : -EBADF;
}

/* F_SETPIPE_SZ: a capacity of at least size bytes (a power of two of
 * pages), not below what the pipe holds; EPERM past pipe-max-size (for
 * root too: see the top) or the user's soft limit, EBUSY when the data
 * would not fit, ENOMEM. */
long pipe_set_size(struct file *f, u64 size)
{
	if (!file_is_pipe(f))
		return -EBADF;
	struct pipe *p = f->priv;
	if (size > PIPE_MAX_SIZE)
		return -EPERM;
	u32 n = 1;
	while ((u64)n * PAGE_SIZE < size)
		n <<= 1;
	if (n == p->npages)
		return pipe_cap(p);
	if ((size_t)n * PAGE_SIZE < p->len)
		return -EBUSY;
	if (n > p->npages && p->user && p->user->pages + (n - p->npages) > PIPE_USER_PAGES_SOFT)
		return -EPERM;
	u64 *nf = malloc(n * sizeof(*nf));
	if (!nf)
		return -ENOMEM;
	/* lay the unread bytes out from the new ring's start, moving frames:
	 * head goes to 0 when it is page aligned, else the bytes are copied
	 * through new pages */
	for (u32 i = 0; i < n; i++)
		nf[i] = NO_FRAME;
	size_t cap = pipe_cap(p), moved = 0;
	u32 tmp_reserve = 0; /* moved frames keep their charges; copies have new ones */
	if (p->len && p->head % PAGE_SIZE == 0) {
		for (u32 k = 0; moved < p->len; k++, moved += PAGE_SIZE) {
			u32 from = (p->head / PAGE_SIZE + k) % p->npages;
			nf[k] = p->frames[from];
			p->frames[from] = NO_FRAME;
		}
	} else if (p->len) {
		struct pipe tmp = { .frames = nf, .npages = n };
		for (size_t done = 0; done < p->len;) {
			size_t from = (p->head + done) % cap;
			size_t chunk = MIN(p->len - done, PAGE_SIZE - from % PAGE_SIZE);
			chunk = MIN(chunk, PAGE_SIZE - done % PAGE_SIZE);
			if (page_need(&tmp, done / PAGE_SIZE) < 0) {
				for (u32 i = 0; i < n; i++)
					page_drop(&tmp, i);
				free(nf);
				return -ENOMEM;
			}
			memcpy(ring_ptr(&tmp, done), ring_ptr(p, from), chunk);
			done += chunk;
		}
		tmp_reserve = tmp.nreserve;
	}
	/* what is left are the old pages, copied out (or none) */
	for (u32 i = 0; i < p->npages; i++)
		page_drop(p, i);
	free(p->frames);
	if (p->user)
		user_account(p->user, (s64)n - p->npages);
	p->nreserve += tmp_reserve;
	p->frames = nf;
	p->npages = n;
	p->head = 0;
	pthread_cond_broadcast(&p->cond);
	poll_notify(p->inode, POLLOUT);
	return pipe_cap(p);
}

static struct super_block pipefs_sb = { .dev = 0xc };

/* An empty pipe of the default capacity, counted to uid; NULL: no memory. */
static struct pipe *pipe_new(u32 uid)
{
	struct pipe *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->user = user_get(uid);
	if (!p->user) {
		free(p);
		return NULL;
	}
	p->npages = p->user->pages + PIPE_DEF_PAGES > PIPE_USER_PAGES_SOFT ? PIPE_MIN_PAGES : PIPE_DEF_PAGES;
	user_account(p->user, p->npages);
	p->frames = malloc(p->npages * sizeof(*p->frames));
	if (!p->frames) {
		user_account(p->user, -(s64)p->npages);
		free(p);
		return NULL;
	}
	for (u32 i = 0; i < p->npages; i++)
		p->frames[i] = NO_FRAME;
	pthread_cond_init(&p->cond, NULL);
	return p;
}

/* Sleep until *counter passes seen (a partner opened); -ERESTARTSYS. */
static int wait_partner(struct pipe *p, u64 *counter, u64 seen)
{
	while (*counter == seen)
		if (wait_interruptible(current, &p->cond, NULL) < 0)
			return -ERESTARTSYS;
	return 0;
}

/* Linux's fifo_open, for FIFOs and reopened pipes alike. */
int fifo_open(struct inode *ino, struct file *f)
{
	bool is_pipe = ino->sb == &pipefs_sb; /* a reopened anonymous pipe: never waits */
	struct pipe *p = ino->pipe;
	if (!p) {
		if (is_pipe)
			return -ENXIO;
		p = pipe_new(current ? current->uid : 0);
		if (!p)
			return -ENOMEM;
		p->inode = ino;
		ino->pipe = p;
	}
	u32 acc = f->flags & O_ACCMODE;
	bool nb = f->flags & O_NONBLOCK;
	int r = 0;
	f->priv = p;
	switch (acc) {
	case O_RDONLY:
		f->ops = &pipe_read_fops;
		p->r_opens++;
		p->readers++;
		pthread_cond_broadcast(&p->cond);
		if (!is_pipe && !p->writers && nb)
			f->pos = p->w_opens;
		else
			f->pos = (u64)-1; /* no count matches */
		if (!is_pipe && !p->writers && !nb && (r = wait_partner(p, &p->w_opens, p->w_opens)) < 0)
			p->readers--;
		break;
	case O_WRONLY:
		if (!is_pipe && nb && !p->readers) {
			r = -ENXIO;
			break;
		}
		f->ops = &pipe_write_fops;
		p->w_opens++;
		p->writers++;
		pthread_cond_broadcast(&p->cond);
		if (!is_pipe && !p->readers && (r = wait_partner(p, &p->r_opens, p->r_opens)) < 0)
			p->writers--;
		break;
	default:
		f->ops = &pipe_rdwr_fops;
		p->r_opens++;
		p->w_opens++;
		p->readers++;
		p->writers++;
		pthread_cond_broadcast(&p->cond);
		break;
	}
	if (r < 0) {
		f->priv = NULL;
		pthread_cond_broadcast(&p->cond);
		poll_notify(p->inode, POLLIN | POLLOUT);
		if (!p->readers && !p->writers)
			pipe_free(p);
		return r;
	}
	poll_notify(p->inode, POLLIN | POLLOUT);
	return 0;
}

static long do_pipe2(struct task *t, u64 ufds, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	long nf = files_check(2);
	if (nf < 0)
		return nf;
	struct pipe *p = pipe_new(t->uid);
	if (!p)
		return -ENOMEM;
	struct inode *ino = inode_new(&pipefs_sb, S_IFIFO | 0600);
	struct file *r = ino ? file_alloc(ino, NULL, O_RDONLY | (flags & O_NONBLOCK)) : NULL;
	struct file *w = ino ? file_alloc(ino, NULL, O_WRONLY | (flags & O_NONBLOCK)) : NULL;
	if (ino)
		iput(ino);
	if (!r || !w) {
		fput(r);
		fput(w);
		pipe_free(p);
		return -ENFILE;
	}
	r->ops = &pipe_read_fops;
	w->ops = &pipe_write_fops;
	r->priv = w->priv = p;
	p->readers = p->writers = 1;
	p->r_opens = p->w_opens = 1;
	p->inode = ino;
	ino->pipe = p;
	int fds[2];
	fds[0] = fd_install(t, r, flags & O_CLOEXEC, 0);
	if (fds[0] < 0) {
		fput(w);
		return fds[0];
	}
	fds[1] = fd_install(t, w, flags & O_CLOEXEC, 0);
	if (fds[1] < 0) {
		fd_close(t, fds[0]);
		return fds[1];
	}
	if (copy_to_user(t->mm, ufds, fds, sizeof(fds)) < 0) {
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(pipe)
{
	return do_pipe2(t, a->a[0], 0);
}

SYSCALL_DEFINE(pipe2)
{
	return do_pipe2(t, a->a[0], a->a[1]);
}
