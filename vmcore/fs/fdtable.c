/* File descriptor tables: an array of open files per files_struct (shared
 * by CLONE_FILES), a close-on-exec bitmap beside it.  Every slot holds a
 * reference to its file; a system call that looks a file up holds one
 * more until it returns. */
#include <vmcore/syscall.h>
#include <vmcore/dnotify.h>
#include <stdlib.h>
#include <string.h>

static int grow(struct files_struct *fs, int want)
{
	if (want < fs->max)
		return 0;
	int nmax = MAX(64, fs->max);
	while (nmax <= want)
		nmax *= 2;
	struct file **nfd = realloc(fs->fd, nmax * sizeof(*nfd));
	if (!nfd)
		return -ENOMEM;
	memset(nfd + fs->max, 0, (nmax - fs->max) * sizeof(*nfd));
	fs->fd = nfd; /* the old array may be gone already */
	u64 *ncl = realloc(fs->cloexec, (nmax / 64) * sizeof(u64));
	if (!ncl)
		return -ENOMEM;
	memset(ncl + fs->max / 64, 0, (nmax - fs->max) / 64 * sizeof(u64));
	fs->cloexec = ncl;
	fs->max = nmax;
	return 0;
}

void fd_set_cloexec(struct files_struct *fs, int fd, bool on)
{
	if (on)
		fs->cloexec[fd / 64] |= 1UL << (fd % 64);
	else
		fs->cloexec[fd / 64] &= ~(1UL << (fd % 64));
}

bool fd_get_cloexec(struct files_struct *fs, int fd)
{
	return fs->cloexec[fd / 64] & (1UL << (fd % 64));
}

/* Install f at the lowest free descriptor >= min; consumes the reference. */
int fd_install(struct task *t, struct file *f, bool cloexec, int min)
{
	struct files_struct *fs = t->files;
	u64 limit = t->rlimits[RLIMIT_NOFILE][0];
	for (int fd = min;; fd++) {
		if ((u64)fd >= limit) {
			fput(f);
			return -EMFILE;
		}
		if (grow(fs, fd) < 0) {
			fput(f);
			return -ENOMEM;
		}
		if (!fs->fd[fd]) {
			fs->fd[fd] = f;
			fd_set_cloexec(fs, fd, cloexec);
			return fd;
		}
	}
}

/* Put f at exactly fd, closing what was there (dup2). */
int fd_install_at(struct task *t, struct file *f, int fd, bool cloexec)
{
	struct files_struct *fs = t->files;
	if (fd < 0 || (u64)fd >= t->rlimits[RLIMIT_NOFILE][0]) {
		fput(f);
		return -EBADF;
	}
	if (grow(fs, fd) < 0) {
		fput(f);
		return -ENOMEM;
	}
	struct file *old = fs->fd[fd];
	fs->fd[fd] = f;
	fd_set_cloexec(fs, fd, cloexec);
	if (old)
		filp_close(old, fs);
	return fd;
}

/* Files looked up by a system call are held until it ends: the caller
 * may sleep with the BKL released (a read on an empty pipe), and another
 * thread sharing the table may close or dup2 over that descriptor
 * meanwhile.  Without the reference the file was freed under the sleeper
 * (a pipe's reader count fell to zero while a reader still waited in it). */
static void fd_hold(struct task *c, struct file *f)
{
	for (int i = 0; i < c->nheld; i++)
		if (c->held[i] == f)
			return;
	if (c->nheld == c->held_max) {
		int nmax = c->held_max ? c->held_max * 2 : 8;
		struct file **n = realloc(c->held, nmax * sizeof(*n));
		if (!n)
			return; /* as before: borrowed for this call */
		c->held = n;
		c->held_max = nmax;
	}
	c->held[c->nheld++] = fget(f);
}

void fd_put_held(struct task *c)
{
	/* fput may run a release that looks up nothing: the count is stable */
	while (c->nheld > 0) {
		struct file *f = c->held[--c->nheld];
		if (f->ep_items)
			eventpoll_observe(f); /* a read may have drained it */
		fput(f);
	}
}

struct file *fd_get(struct task *t, int fd)
{
	struct files_struct *fs = t->files;
	if (!fs || fd < 0 || fd >= fs->max || !fs->fd[fd])
		return NULL;
	if (current)
		fd_hold(current, fs->fd[fd]);
	return fs->fd[fd];
}

int fd_close(struct task *t, int fd)
{
	struct files_struct *fs = t->files;
	if (fd < 0 || fd >= fs->max || !fs->fd[fd])
		return -EBADF;
	struct file *f = fs->fd[fd];
	fs->fd[fd] = NULL;
	fd_set_cloexec(fs, fd, false);
	filp_close(f, fs);
	return 0;
}

/* Linux's filp_close: the closing table's POSIX locks on the file go
 * with any of its descriptors (locks.c), then the reference. */
void filp_close(struct file *f, struct files_struct *owner)
{
	locks_remove_posix(f, owner);
	dnotify_flush(f, owner);
	fput(f);
}
