/* File descriptor tables. */
#include <vmcore/syscall.h>
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
	u64 *ncl = realloc(fs->cloexec, (nmax / 64) * sizeof(u64));
	if (!ncl)
		return -ENOMEM;
	memset(ncl + fs->max / 64, 0, (nmax - fs->max) / 64 * sizeof(u64));
	fs->fd = nfd;
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
		fput(old);
	return fd;
}

struct file *fd_get(struct task *t, int fd)
{
	struct files_struct *fs = t->files;
	if (fd < 0 || fd >= fs->max)
		return NULL;
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
	fput(f);
	return 0;
}
