/* eventfd(2) and eventfd2: a 64-bit counter in a file.
 *
 * A read of 8 bytes takes the whole count (or 1 under EFD_SEMAPHORE) and
 * waits while it is 0; a write adds its value and waits while the sum
 * would pass 0xfffffffffffffffe (0xffffffffffffffff itself is EINVAL, as
 * the count can never hold it).  Sleepers wait on the counter's own
 * condition with the BKL released, as pipes do, and a signal ends the wait
 * with -ERESTARTSYS (restarted under SA_RESTART).  Every change of the
 * count wakes the poll/select sleepers: POLLIN while the count is not 0,
 * POLLOUT while a write of 1 would not wait, POLLERR if the count is at
 * its impossible top (as Linux's efd_poll). */
#include <vmcore/anon_inodes.h>
#include <vmcore/signal.h>
#include <vmcore/strbuf.h>
#include <vmcore/syscall.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#define EVENTFD_MAX 0xfffffffffffffffeULL

struct eventfd_ctx {
	u64 count;
	bool semaphore;
	int id;             /* fdinfo's eventfd-id */
	pthread_cond_t cond;
};

static int next_eventfd_id;

/* the count changed: MASK says for whom (POLLIN after a write, POLLOUT
 * after a read), so that epoll's edge-triggered items see each new event */
static void efd_changed(struct file *f, struct eventfd_ctx *c, unsigned mask)
{
	pthread_cond_broadcast(&c->cond);
	poll_notify_file(f, mask);
}

static long efd_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	struct eventfd_ctx *c = f->priv;
	if (len < 8)
		return -EINVAL;
	while (!c->count) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_interruptible(current, &c->cond, NULL) < 0)
			return -ERESTARTSYS;
	}
	u64 v = c->semaphore ? 1 : c->count;
	c->count -= v;
	memcpy(buf, &v, 8);
	efd_changed(f, c, POLLOUT);
	return 8;
}

static long efd_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	struct eventfd_ctx *c = f->priv;
	u64 v;
	if (len < 8)
		return -EINVAL;
	memcpy(&v, buf, 8);
	if (v == ~0ULL)
		return -EINVAL;
	while (EVENTFD_MAX - c->count < v) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_interruptible(current, &c->cond, NULL) < 0)
			return -ERESTARTSYS;
	}
	c->count += v;
	if (v)
		efd_changed(f, c, POLLIN);
	return 8;
}

static unsigned efd_poll(struct file *f)
{
	struct eventfd_ctx *c = f->priv;
	unsigned m = 0;
	if (c->count)
		m |= POLLIN;
	if (c->count == ~0ULL)
		m |= POLLERR;
	if (c->count < EVENTFD_MAX)
		m |= POLLOUT;
	return m;
}

static void efd_release(struct file *f)
{
	struct eventfd_ctx *c = f->priv;
	pthread_cond_destroy(&c->cond);
	free(c);
}

/* /proc/PID/fdinfo/N: Linux's eventfd_show_fdinfo lines */
static void efd_show_fdinfo(struct file *f, struct buf *b)
{
	struct eventfd_ctx *c = f->priv;
	bprintf(b, "eventfd-count: %16llx\neventfd-id: %d\neventfd-semaphore: %d\n", (unsigned long long)c->count,
		c->id, c->semaphore);
}

static const struct file_ops eventfd_fops = {
	.read = efd_read,
	.write = efd_write,
	.poll = efd_poll,
	.release = efd_release,
	.show_fdinfo = efd_show_fdinfo,
};

static long do_eventfd(struct task *t, unsigned initval, int flags)
{
	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	struct eventfd_ctx *c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->count = initval;
	c->semaphore = flags & EFD_SEMAPHORE;
	c->id = next_eventfd_id++;
	pthread_cond_init(&c->cond, NULL);
	bool released;
	int fd = anon_inode_getfd(t, "[eventfd]", &eventfd_fops, c, O_RDWR | (flags & EFD_NONBLOCK),
				  flags & EFD_CLOEXEC, &released);
	if (fd < 0 && !released)
		efd_release(&(struct file){ .priv = c });
	return fd;
}

SYSCALL_DEFINE(eventfd)
{
	return do_eventfd(t, a->a[0], 0);
}

SYSCALL_DEFINE(eventfd2)
{
	return do_eventfd(t, a->a[0], a->a[1]);
}
