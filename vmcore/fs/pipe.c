/* Pipes: a 64 KiB ring in kernel memory between two open files.
 *
 * Readers and writers sleep on the pipe's condition variable with the BKL
 * released.  Writes of at most PIPE_BUF bytes are atomic: they wait until
 * the whole write fits.  A read of an empty pipe with no writers is end of
 * file; a write with no readers is EPIPE (and SIGPIPE, when signals come). */
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#define PIPE_SIZE 65536
#define PIPE_BUF_ATOMIC 4096

struct pipe {
	u8 *buf;
	size_t head, len; /* read position, bytes held */
	int readers, writers;
	pthread_cond_t cond;
};

static const struct file_ops pipe_read_fops, pipe_write_fops;

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
	size_t done = 0;
	while (done < n && p->len) {
		size_t chunk = MIN(n - done, MIN(p->len, PIPE_SIZE - p->head));
		memcpy((u8 *)dst + done, p->buf + p->head, chunk);
		p->head = (p->head + chunk) % PIPE_SIZE;
		p->len -= chunk;
		done += chunk;
	}
	pthread_cond_broadcast(&p->cond);
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
		size_t room = PIPE_SIZE - p->len;
		/* small writes go in whole or wait */
		if (!room || (n <= PIPE_BUF_ATOMIC && room < n - done)) {
			if (f->flags & O_NONBLOCK)
				return done ? (long)done : -EAGAIN;
			if (wait_interruptible(current, &p->cond, NULL) < 0)
				return done ? (long)done : -ERESTARTSYS;
			continue;
		}
		size_t tail = (p->head + p->len) % PIPE_SIZE;
		size_t chunk = MIN(n - done, MIN(room, PIPE_SIZE - tail));
		memcpy(p->buf + tail, (const u8 *)src + done, chunk);
		p->len += chunk;
		done += chunk;
		pthread_cond_broadcast(&p->cond);
	poll_wake();
	}
	return done;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->priv;
	if (f->ops == &pipe_read_fops)
		p->readers--;
	else
		p->writers--;
	pthread_cond_broadcast(&p->cond);
	poll_wake();
	if (!p->readers && !p->writers) {
		free(p->buf);
		pthread_cond_destroy(&p->cond);
		free(p);
	}
}

static unsigned pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	if (f->ops->read)
		return (p->len ? POLLIN | POLLRDNORM : 0) | (!p->writers ? POLLHUP : 0);
	return (PIPE_SIZE - p->len >= PIPE_BUF_ATOMIC ? POLLOUT | POLLWRNORM : 0) | (!p->readers ? POLLERR : 0);
}

static const struct file_ops pipe_read_fops = { .read = pipe_read, .release = pipe_release, .poll = pipe_poll };
static const struct file_ops pipe_write_fops = { .write = pipe_write, .release = pipe_release, .poll = pipe_poll };

static struct super_block pipefs_sb = { .dev = 0xc };

static long do_pipe2(struct task *t, u64 ufds, int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	struct pipe *p = kzalloc(sizeof(*p));
	if (!p || !(p->buf = malloc(PIPE_SIZE))) {
		free(p);
		return -ENFILE;
	}
	pthread_cond_init(&p->cond, NULL);
	struct inode *ino = inode_new(&pipefs_sb, S_IFIFO | 0600);
	struct file *r = ino ? file_alloc(ino, NULL, O_RDONLY | (flags & O_NONBLOCK)) : NULL;
	struct file *w = ino ? file_alloc(ino, NULL, O_WRONLY | (flags & O_NONBLOCK)) : NULL;
	if (ino)
		iput(ino);
	if (!r || !w) {
		fput(r);
		fput(w);
		free(p->buf);
		free(p);
		return -ENFILE;
	}
	r->ops = &pipe_read_fops;
	w->ops = &pipe_write_fops;
	r->priv = w->priv = p;
	p->readers = p->writers = 1;
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
