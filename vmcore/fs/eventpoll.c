/* epoll: epoll_create(1), epoll_ctl, epoll_wait, epoll_pwait(2).
 *
 * An epoll file holds items, each naming a watched file and the
 * descriptor it was added by (the key is the pair, as Linux's: a dup'd
 * descriptor of the same file is a different item, and an item lives as
 * long as the open file, not the descriptor it was added by).  The watched
 * file links its items (file->ep_items) so that its last fput drops them.
 *
 * Readiness is not pushed to the epoll file: a waiter re-polls its items
 * (f->ops->poll) after every wake of the one global poll condition, as
 * poll(2) does (fs/poll.c).  Level-triggered items report whenever they
 * poll ready.  Edge-triggered items report when their ready bits rise
 * since the last look, or when the file's inode counts new events
 * or the file counts new events (poll_notify's generations, bumped by
 * pipes, and poll_notify_file's, by the event files: new data on a file
 * that stayed readable).  "The last look" includes the end of every system
 * call on the file (eventpoll_observe from fd_put_held): a read that
 * drains it clears the bits, so that data coming after is an edge even
 * on files that only call poll_wake().  One-shot items disarm after one report until MOD.
 * An epoll file is itself pollable: POLLIN when one of its items would
 * report, so nesting and poll/select on an epoll fd fall out of the same
 * re-polling, with no wake-up chains to keep.
 *
 * An epoll file lives on the shared anonymous inode (fs/anon_inodes.c,
 * "anon_inode:[eventpoll]"). */
#include <vmcore/anon_inodes.h>
#include <vmcore/cred.h>
#include <vmcore/ktime.h>
#include <vmcore/signal.h>
#include <vmcore/strbuf.h>
#include <vmcore/syscall.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#define EP_MAX_NESTS 4
#define CAP_BLOCK_SUSPEND 36 /* capability(7) */
/* bits of an item's events that are its own, not readiness */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLINOUT_BITS (EPOLLIN | EPOLLOUT)
#define EPOLLEXCLUSIVE_OK_BITS (EPOLLINOUT_BITS | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_EVENTS (INT_MAX / (int)sizeof(struct epoll_event))
/* the top of user space: arrays reaching past it are EFAULT at once */
#define USER_TOP 0x7ffffffff000ULL

struct eventpoll;

struct epitem {
	struct eventpoll *ep;
	struct epitem *prev, *next; /* in ep's list, in the order of ADD */
	struct epitem *fnext;       /* in file->ep_items */
	struct file *file;
	int fd;
	u32 events;                 /* as set, with EPOLLERR|EPOLLHUP; 0 when disarmed */
	u64 data;
	u32 last;                   /* ready bits at the last look (edge detection) */
	u64 gen;                    /* the file's generations at the last report */
	u64 rseq;                   /* its place in the ready order; 0: not ready */
};

struct eventpoll {
	struct epitem *head, *tail;
	int nitems;
	u64 seq;           /* the last place given in the ready order */
	struct file *self; /* the epoll file (no reference: it owns ep) */
};

static const struct file_ops eventpoll_fops;

bool file_is_epoll(struct file *f)
{
	return f && f->ops == &eventpoll_fops;
}

static unsigned target_poll(struct file *f)
{
	return f->ops && f->ops->poll ? f->ops->poll(f) : (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

static u64 eventpoll_gen(struct eventpoll *ep, int depth);

/* The generations an edge-triggered item compares: the inode's counts of
 * the directions it watches (an epoll file's: the sum of its items'). */
static u64 item_gen(struct epitem *epi, int depth)
{
	if (file_is_epoll(epi->file))
		return depth < EP_MAX_NESTS + 1 ? eventpoll_gen(epi->file->priv, depth + 1) : 0;
	struct inode *ino = epi->file->inode;
	u64 g = 0;
	struct file *f = epi->file;
	u64 og = f->ops && f->ops->poll_gen ? f->ops->poll_gen(f) : 0;
	if (epi->events & (EPOLLIN | EPOLLRDNORM | EPOLLPRI | EPOLLRDHUP))
		g |= (u32)(ino->poll_gen_in + f->poll_gen_in + (u32)og);
	if (epi->events & (EPOLLOUT | EPOLLWRNORM))
		g |= (u64)(u32)(ino->poll_gen_out + f->poll_gen_out + (u32)(og >> 32)) << 32;
	return g;
}

static u64 eventpoll_gen(struct eventpoll *ep, int depth)
{
	u64 g = 0;
	for (struct epitem *e = ep->head; e; e = e->next)
		g += item_gen(e, depth);
	return g;
}

/* The events item would report now (0: none).  commit: this is a report
 * pass, so keep what edge detection needs and disarm a one-shot item. */
static u32 item_check(struct epitem *epi, bool commit)
{
	if (!(epi->events & ~EP_PRIVATE_BITS))
		return 0; /* disarmed (one-shot) */
	u32 ready = target_poll(epi->file) & epi->events & ~EP_PRIVATE_BITS;
	u32 r = ready;
	u64 g = 0;
	if (epi->events & EPOLLET) {
		g = item_gen(epi, 0);
		if (!(ready & ~epi->last) && g == epi->gen)
			r = 0;
		if (commit)
			epi->last = ready;
	}
	if (r && commit) {
		epi->gen = g;
		if (epi->events & EPOLLONESHOT)
			epi->events &= EP_PRIVATE_BITS;
	}
	return r;
}

static unsigned eventpoll_poll(struct file *f)
{
	struct eventpoll *ep = f->priv;
	for (struct epitem *e = ep->head; e; e = e->next)
		if (item_check(e, false))
			return POLLIN | POLLRDNORM;
	return 0;
}

static void ep_unlink(struct eventpoll *ep, struct epitem *epi)
{
	if (epi->prev)
		epi->prev->next = epi->next;
	else
		ep->head = epi->next;
	if (epi->next)
		epi->next->prev = epi->prev;
	else
		ep->tail = epi->prev;
	epi->prev = epi->next = NULL;
}

static void ep_append(struct eventpoll *ep, struct epitem *epi)
{
	epi->prev = ep->tail;
	epi->next = NULL;
	if (ep->tail)
		ep->tail->next = epi;
	else
		ep->head = epi;
	ep->tail = epi;
}

/* Drop one item from its epoll file and its watched file's list. */
static void ep_remove(struct epitem *epi)
{
	for (struct epitem **pp = &epi->file->ep_items; *pp; pp = &(*pp)->fnext)
		if (*pp == epi) {
			*pp = epi->fnext;
			break;
		}
	ep_unlink(epi->ep, epi);
	epi->ep->nitems--;
	free(epi);
	poll_wake(); /* an epoll file's readiness may have changed */
}

void eventpoll_observe(struct file *f)
{
	for (struct epitem *e = f->ep_items; e; e = e->fnext)
		if ((e->events & EPOLLET) && e->last)
			e->last &= target_poll(f) & e->events & ~EP_PRIVATE_BITS;
}

void eventpoll_release_file(struct file *f)
{
	while (f->ep_items)
		ep_remove(f->ep_items);
}

static void eventpoll_release(struct file *f)
{
	struct eventpoll *ep = f->priv;
	while (ep->head)
		ep_remove(ep->head);
	free(ep);
}

/* /proc/PID/fdinfo/N: one line per item, Linux's ep_show_fdinfo format */
static void eventpoll_show_fdinfo(struct file *f, struct buf *b)
{
	struct eventpoll *ep = f->priv;
	for (struct epitem *e = ep->head; e; e = e->next) {
		struct inode *ino = e->file->inode;
		struct kstat st;
		u64 i = vfs_getattr(ino, &st) == 0 ? st.ino : ino->ino;
		u64 dev = ino->sb ? ino->sb->dev : 0;
		bprintf(b, "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%llx sdev:%llx\n", e->fd, e->events,
			(unsigned long long)e->data, (long long)e->file->pos, (unsigned long long)i,
			(unsigned long long)((major(dev) << 20) | minor(dev)));
	}
}

static const struct file_ops eventpoll_fops = {
	.release = eventpoll_release,
	.poll = eventpoll_poll,
	.show_fdinfo = eventpoll_show_fdinfo,
};

static long do_epoll_create(struct task *t, int flags)
{
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	long r = files_check(1);
	if (r < 0)
		return r;
	struct eventpoll *ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	struct file *f = anon_inode_getfile("[eventpoll]", &eventpoll_fops, ep, O_RDWR, &r);
	if (!f) {
		free(ep);
		return r;
	}
	ep->self = f;
	r = fd_install(t, f, flags & EPOLL_CLOEXEC, 0);
	if (r < 0)
		fput(f);
	return r;
}

SYSCALL_DEFINE(epoll_create)
{
	if ((int)a->a[0] <= 0)
		return -EINVAL;
	return do_epoll_create(t, 0);
}

SYSCALL_DEFINE(epoll_create1)
{
	return do_epoll_create(t, (int)a->a[0]);
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	for (struct epitem *e = f->ep_items; e; e = e->fnext)
		if (e->ep == ep && e->fd == fd)
			return e;
	return NULL;
}

/* The longest chain of epoll files below ep (0: it watches none), or -1
 * when it reaches `into` (a cycle) or passes the nesting bound. */
static int depth_below(struct eventpoll *ep, struct eventpoll *into, int depth)
{
	if (depth > EP_MAX_NESTS)
		return -1;
	int best = 0;
	for (struct epitem *e = ep->head; e; e = e->next) {
		if (!file_is_epoll(e->file))
			continue;
		struct eventpoll *child = e->file->priv;
		if (child == into)
			return -1;
		int d = depth_below(child, into, depth + 1);
		if (d < 0)
			return -1;
		if (d + 1 > best)
			best = d + 1;
	}
	return best;
}

/* The longest chain of epoll files above the epoll file f (past the
 * nesting bound it stops counting). */
static int depth_above(struct file *f, int depth)
{
	if (depth > EP_MAX_NESTS)
		return 0;
	int best = 0;
	for (struct epitem *e = f->ep_items; e; e = e->fnext) {
		int d = depth_above(e->ep->self, depth + 1) + 1;
		if (d > best)
			best = d;
	}
	return best;
}

static void ep_mark(struct eventpoll *ep, struct epitem *epi, bool observe);

static long ep_ctl(struct task *t, int epfd, int op, int fd, u64 uevent)
{
	struct epoll_event ev;
	memset(&ev, 0, sizeof(ev));
	if (op != EPOLL_CTL_DEL && copy_from_user(t->mm, &ev, uevent, sizeof(ev)) < 0)
		return -EFAULT;
	struct file *ef = fd_get(t, epfd);
	if (!ef)
		return -EBADF;
	struct file *tf = fd_get(t, fd);
	if (!tf)
		return -EBADF;
	if (!tf->ops || !tf->ops->poll)
		return -EPERM; /* regular files and directories, as Linux */
	if (op != EPOLL_CTL_DEL && (ev.events & EPOLLWAKEUP) && !capable(t, CAP_BLOCK_SUSPEND))
		ev.events &= ~EPOLLWAKEUP;
	if (ef == tf || !file_is_epoll(ef))
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (ev.events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD && (file_is_epoll(tf) || (ev.events & ~EPOLLEXCLUSIVE_OK_BITS)))
			return -EINVAL;
	}
	struct eventpoll *ep = ef->priv;
	struct epitem *epi = ep_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi)
			return -EEXIST;
		if (file_is_epoll(tf)) {
			int below = depth_below(tf->priv, ep, 0);
			if (below < 0 || below + 1 + depth_above(ef, 0) > EP_MAX_NESTS)
				return -ELOOP;
		}
		if (!(epi = calloc(1, sizeof(*epi))))
			return -ENOMEM;
		epi->ep = ep;
		epi->file = tf;
		epi->fd = fd;
		epi->events = ev.events | EPOLLERR | EPOLLHUP;
		epi->data = ev.data.u64;
		epi->gen = item_gen(epi, 0);
		epi->fnext = tf->ep_items;
		tf->ep_items = epi;
		ep_append(ep, epi);
		ep->nitems++;
		ep_mark(ep, epi, false);
		poll_wake();
		return 0;
	case EPOLL_CTL_DEL:
		if (!epi)
			return -ENOENT;
		ep_remove(epi);
		return 0;
	case EPOLL_CTL_MOD:
		if (!epi)
			return -ENOENT;
		if (epi->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		/* re-armed: reported again if ready now, even edge-triggered */
		epi->events = ev.events | EPOLLERR | EPOLLHUP;
		epi->data = ev.data.u64;
		epi->last = 0;
		epi->gen = item_gen(epi, 0);
		epi->rseq = 0;
		ep_mark(ep, epi, false);
		poll_wake();
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE(epoll_ctl)
{
	return ep_ctl(t, (int)a->a[0], (int)a->a[1], (int)a->a[2], a->a[3]);
}

static int by_rseq(const void *x, const void *y)
{
	u64 a = (*(struct epitem *const *)x)->rseq, b = (*(struct epitem *const *)y)->rseq;
	return a < b ? -1 : a > b;
}

/* Note whether epi is ready now: an item that became ready takes the
 * next place in the ready order (Linux's ready list is in the order of
 * the wake-ups), one that is not loses its place. */
static void ep_mark(struct eventpoll *ep, struct epitem *epi, bool observe)
{
	if (!item_check(epi, false)) {
		epi->rseq = 0;
		/* a report pass saw it not ready: a rise from here is an edge */
		if (observe && (epi->events & EPOLLET))
			epi->last = target_poll(epi->file) & epi->events & ~EP_PRIVATE_BITS;
	} else if (!epi->rseq)
		epi->rseq = ++ep->seq;
}

/* One report pass: up to max events into out, in ready order; a
 * level-triggered item reported goes to the end of the order, so that a
 * small maxevents still serves every ready item in turn. */
static int ep_scan(struct eventpoll *ep, struct epoll_event *out, int max)
{
	int nr = 0, n = 0;
	struct epitem **rdy = malloc((ep->nitems ? ep->nitems : 1) * sizeof(*rdy));
	if (!rdy)
		return -ENOMEM;
	for (struct epitem *e = ep->head; e; e = e->next) {
		ep_mark(ep, e, true);
		if (e->rseq)
			rdy[nr++] = e;
	}
	qsort(rdy, nr, sizeof(*rdy), by_rseq);
	for (int i = 0; i < nr && n < max; i++) {
		struct epitem *e = rdy[i];
		u32 r = item_check(e, true);
		e->rseq = 0;
		if (!r)
			continue;
		out[n].events = r;
		out[n].data.u64 = e->data;
		n++;
		if (!(e->events & (EPOLLET | EPOLLONESHOT)))
			e->rseq = ++ep->seq;
	}
	free(rdy);
	return n;
}

/* Wait for events on epfd until abs (NULL: no deadline; once: look once). */
static long do_epoll_wait(struct task *t, int epfd, u64 uevents, int max, const struct timespec *abs, bool once)
{
	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	u64 size = (u64)max * sizeof(struct epoll_event);
	if (uevents >= USER_TOP || size > USER_TOP - uevents)
		return -EFAULT;
	struct file *ef = fd_get(t, epfd);
	if (!ef)
		return -EBADF;
	if (!file_is_epoll(ef))
		return -EINVAL;
	struct eventpoll *ep = ef->priv;
	int cap = max < ep->nitems ? max : (ep->nitems ? ep->nitems : 1); /* a pass reports at most one event an item */
	struct epoll_event *out = malloc(cap * sizeof(*out));
	if (!out)
		return -ENOMEM;
	long r;
	for (;;) {
		/* the file stays: fd_get holds it for the call */
		r = ep_scan(ef->priv, out, cap);
		if (r || once)
			break;
		int w = wait_interruptible(t, &poll_cond, abs);
		if (w == -ETIMEDOUT)
			once = true;
		else if (w < 0) {
			r = -EINTR; /* never restarted, as Linux's epoll_wait */
			break;
		}
		if (cap < max && ep->nitems > cap) {
			int ncap = ep->nitems < max ? ep->nitems : max;
			struct epoll_event *o2 = realloc(out, ncap * sizeof(*out));
			if (o2) {
				out = o2;
				cap = ncap;
			}
		}
	}
	if (r > 0 && copy_to_user(t->mm, uevents, out, r * sizeof(*out)) < 0)
		r = -EFAULT;
	free(out);
	return r;
}

static long ms_wait(struct task *t, const struct syscall_args *a, u64 umask, u64 masksize, bool pwait)
{
	int ms = (int)a->a[3];
	struct timespec abs;
	if (ms > 0) {
		clock_gettime(CLOCK_MONOTONIC, &abs);
		abs = ts_add_ktime(abs, ms * 1000000LL);
	}
	u64 saved;
	if (pwait) {
		long e = poll_set_tmp_mask(t, umask, masksize, &saved);
		if (e < 0)
			return e;
	}
	long r = do_epoll_wait(t, (int)a->a[0], a->a[1], (int)a->a[2], ms > 0 ? &abs : NULL, ms == 0);
	if (pwait)
		poll_end_tmp_mask(t, r, saved);
	return r;
}

SYSCALL_DEFINE(epoll_wait)
{
	return ms_wait(t, a, 0, 0, false);
}

SYSCALL_DEFINE(epoll_pwait)
{
	return ms_wait(t, a, a->a[4], a->a[5], true);
}

SYSCALL_DEFINE(epoll_pwait2)
{
	struct timespec ts, abs;
	bool has = a->a[3] != 0, once = false;
	if (has) {
		if (copy_from_user(t->mm, &ts, a->a[3], sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
		once = !ts.tv_sec && !ts.tv_nsec;
		clock_gettime(CLOCK_MONOTONIC, &abs);
		abs = ts_add_ktime(abs, ts_to_ktime(&ts));
	}
	u64 saved;
	long r = poll_set_tmp_mask(t, a->a[4], a->a[5], &saved);
	if (r < 0)
		return r;
	r = do_epoll_wait(t, (int)a->a[0], a->a[1], (int)a->a[2], has ? &abs : NULL, once);
	poll_end_tmp_mask(t, r, saved);
	return r;
}
