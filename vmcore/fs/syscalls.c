/* File system calls: open, read, write, seek, stat, directories, links. */
#include <vmcore/cred.h>
#include <vmcore/syscall.h>
#include <vmcore/net.h>
#include <vmcore/fs_at.h>
#include <vmcore/fsnotify.h>
#include <vmcore/dnotify.h>
#include <vmcore/fown.h>
#include <vmcore/anon_inodes.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/stat.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>


long get_path(struct task *t, u64 uptr, char *buf)
{
	long n = strncpy_from_user(t->mm, buf, uptr, PATH_MAX_);
	return n < 0 ? n : 0;
}

/* The start of a *at() walk: NULL for AT_FDCWD (or absolute paths). */
long dirfd_start(struct task *t, int dirfd, const char *path, struct dentry **start)
{
	*start = NULL;
	if (path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	struct file *f = fd_get(t, dirfd);
	if (!f)
		return -EBADF;
	if (!f->dentry)
		return -ENOTDIR;
	if (!S_ISDIR(f->inode->mode) && *path)
		return -ENOTDIR;
	*start = f->dentry;
	return 0;
}

static long do_openat(struct task *t, int dirfd, u64 upath, u32 flags, u32 mode)
{
	char path[PATH_MAX_];
	struct dentry *start;
	struct file *f;
	long r = get_path(t, upath, path);
	if (r < 0)
		return r;
	if ((r = dirfd_start(t, dirfd, path, &start)) < 0)
		return r;
	r = vfs_open(t->fs, start, path, flags & ~O_CLOEXEC, mode, &f);
	if (r < 0)
		return r;
	return fd_install(t, f, flags & O_CLOEXEC, 0);
}

SYSCALL_DEFINE(open)
{
	return do_openat(t, AT_FDCWD, a->a[0], a->a[1], a->a[2]);
}

SYSCALL_DEFINE(openat)
{
	return do_openat(t, a->a[0], a->a[1], a->a[2], a->a[3]);
}

SYSCALL_DEFINE(creat)
{
	return do_openat(t, AT_FDCWD, a->a[0], O_CREAT | O_WRONLY | O_TRUNC, a->a[1]);
}

SYSCALL_DEFINE(close)
{
	return fd_close(t, a->a[0]);
}

/* Read or write between a file and guest memory, a guest page at a time.
 * Regular files go straight between the page cache and the guest's frames
 * (their operations never give up the kernel lock).  Other files can block
 * (pipes, terminals): while they wait another thread may unmap the buffer,
 * or fork and make it copy-on-write, so they go through a bounce page and
 * the guest's memory is looked up again after the wait: the unmapped
 * buffer gives EFAULT (the data read is then lost, where Linux would leave
 * it in the pipe). */
static long do_rw_pages(struct task *t, struct file *f, u64 ubuf, size_t len, u64 *pos, bool write)
{
	size_t done = 0;
	bool direct = S_ISREG(f->inode->mode);
	if (sock_from_file(f)) /* a socket's write is one message (net/socket.c) */
		return sock_rwv(t, f, &(struct iovec){ (void *)ubuf, len }, 1, write);
	if (write && direct)
		file_remove_privs(t, f->inode); /* S_ISUID goes on a write (permission.c) */
	if ((s64)len < 0)
		len = (size_t)0x7ffff000;
	len = MIN(len, (size_t)0x7ffff000);
	while (done < len) {
		/* through the bounce page, a write of up to PIPE_BUF (a page)
		 * stays one write, so it is atomic on a pipe */
		size_t n = direct ? MIN(len - done, PAGE_SIZE - ((ubuf + done) & ~PAGE_MASK)) : MIN(len - done, PAGE_SIZE);
		long r;
		if (direct) {
			void *p = user_page_ptr(t->mm, ubuf + done, !write);
			if (!p)
				return done ? (long)done : -EFAULT;
			r = write ? vfs_write(f, p, n, pos) : vfs_read(f, p, n, pos);
		} else if (write) {
			u8 bounce[PAGE_SIZE];
			if (copy_from_user(t->mm, bounce, ubuf + done, n) < 0)
				return done ? (long)done : -EFAULT;
			r = vfs_write(f, bounce, n, pos);
		} else {
			u8 bounce[PAGE_SIZE];
			if (!user_page_ptr(t->mm, ubuf + done, true))
				return done ? (long)done : -EFAULT;
			r = vfs_read(f, bounce, n, pos);
			if (r > 0 && copy_to_user(t->mm, ubuf + done, bounce, r) < 0)
				return done ? (long)done : -EFAULT;
		}
		if (r < 0)
			return done ? (long)done : r;
		done += r;
		if ((size_t)r < n)
			break;
		/* a stream read returns what there is: a pipe holding a whole
		 * number of pages must not block for more after the last one */
		if (!write && !direct && f->ops->poll && !(f->ops->poll(f) & (POLLIN | POLLHUP)))
			break;
	}
	return done;
}

/* one IN_ACCESS or IN_MODIFY for what a call moved (fsnotify) */
static long do_rw(struct task *t, struct file *f, u64 ubuf, size_t len, u64 *pos, bool write)
{
	/* a position past 2^63 of a file with its own llseek (unsigned
	 * positions): as Linux's rw_verify_area, the count must not reach
	 * 2^64 (other files may keep anything in a position they ignore) */
	if (f->ops && f->ops->llseek && (s64)*pos < 0 && len >= -*pos)
		return -EOVERFLOW;
	long r = do_rw_pages(t, f, ubuf, len, pos, write);
	fsnotify_rw(f, r, write);
	return r;
}

static long rw_check(struct file *f, bool write)
{
	if (!f)
		return -EBADF;
	u32 acc = f->flags & O_ACCMODE;
	if (f->flags & O_PATH)
		return -EBADF;
	if (write ? acc == O_RDONLY : acc == O_WRONLY)
		return -EBADF;
	return 0;
}

SYSCALL_DEFINE(read)
{
	struct file *f = fd_get(t, a->a[0]);
	long r = rw_check(f, false);
	if (r < 0)
		return r;
	if (a->a[2] == 0 && file_is_anon(f)) /* the event files say EINVAL, EAGAIN */
		return vfs_read(f, NULL, 0, &f->pos);
	if (a->a[2] == 0)
		return S_ISDIR(f->inode->mode) ? -EISDIR : 0;
	return do_rw(t, f, a->a[1], a->a[2], &f->pos, false);
}

SYSCALL_DEFINE(write)
{
	struct file *f = fd_get(t, a->a[0]);
	long r = rw_check(f, true);
	if (r < 0)
		return r;
	if (a->a[2] == 0)
		return 0;
	return do_rw(t, f, a->a[1], a->a[2], &f->pos, true);
}

static long prw(struct task *t, const struct syscall_args *a, bool write)
{
	struct file *f = fd_get(t, a->a[0]);
	long r = rw_check(f, write);
	if (r < 0)
		return r;
	if ((s64)a->a[3] < 0)
		return -EINVAL;
	if (!f->ops || !f->ops->seekable)
		return -ESPIPE;
	u64 pos = a->a[3];
	if (write && (f->flags & O_APPEND)) {
		/* Linux appends even for pwrite on an O_APPEND file */
	}
	if (!a->a[2])
		return 0;
	return do_rw(t, f, a->a[1], a->a[2], &pos, write);
}

SYSCALL_DEFINE(pread64)
{
	return prw(t, a, false);
}

SYSCALL_DEFINE(pwrite64)
{
	return prw(t, a, true);
}

static long rwv(struct task *t, struct file *f, u64 uiov, u64 n, u64 *pos, bool write)
{
	if (n > 1024)
		return -EINVAL;
	struct iovec iov[n ? n : 1];
	if (n && copy_from_user(t->mm, iov, uiov, n * sizeof(struct iovec)) < 0)
		return -EFAULT;
	u64 total = 0;
	for (u64 i = 0; i < n; i++) {
		if ((s64)iov[i].iov_len < 0 || total + iov[i].iov_len < total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	if (sock_from_file(f))
		return sock_rwv(t, f, iov, n, write);
	long done = 0;
	for (u64 i = 0; i < n; i++) {
		if (!iov[i].iov_len)
			continue;
		long r = do_rw(t, f, (u64)iov[i].iov_base, iov[i].iov_len, pos, write);
		if (r < 0)
			return done ? done : r;
		done += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return done;
}

SYSCALL_DEFINE(readv)
{
	struct file *f = fd_get(t, a->a[0]);
	long r = rw_check(f, false);
	return r < 0 ? r : rwv(t, f, a->a[1], a->a[2], &f->pos, false);
}

SYSCALL_DEFINE(writev)
{
	struct file *f = fd_get(t, a->a[0]);
	long r = rw_check(f, true);
	return r < 0 ? r : rwv(t, f, a->a[1], a->a[2], &f->pos, true);
}

SYSCALL_DEFINE(preadv)
{
	struct file *f = fd_get(t, a->a[0]);
	long r = rw_check(f, false);
	u64 pos = a->a[3];
	if (!r && (!f->ops || !f->ops->seekable))
		r = -ESPIPE;
	return r < 0 ? r : rwv(t, f, a->a[1], a->a[2], &pos, false);
}

SYSCALL_DEFINE(pwritev)
{
	struct file *f = fd_get(t, a->a[0]);
	long r = rw_check(f, true);
	u64 pos = a->a[3];
	if (!r && (!f->ops || !f->ops->seekable))
		r = -ESPIPE;
	return r < 0 ? r : rwv(t, f, a->a[1], a->a[2], &pos, true);
}

/* preadv2/pwritev2(fd, iov, n, pos_l, pos_h, flags): a position of -1 is
 * the file's own; RWF_APPEND writes at the end; RWF_NOWAIT gives EAGAIN
 * where the call would wait; RWF_HIPRI, RWF_DSYNC and RWF_SYNC change
 * nothing here (writes reach the page cache or the host at once). */
static long rwv2(struct task *t, const struct syscall_args *a, bool write)
{
	struct file *f = fd_get(t, a->a[0]);
	long r = rw_check(f, write);
	u64 flags = a->a[5];
	s64 off = a->a[3];
	if (r < 0)
		return r;
	if (flags & ~(u64)(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND))
		return -EOPNOTSUPP;
	if (off < -1)
		return -EINVAL;
	if (off != -1 && (!f->ops || !f->ops->seekable))
		return -ESPIPE;
	if ((flags & RWF_NOWAIT) && f->ops && !f->ops->seekable && f->ops->poll &&
	    !(f->ops->poll(f) & (write ? POLLOUT : POLLIN)))
		return -EAGAIN;
	u64 pos = off;
	u64 *posp = off == -1 ? &f->pos : &pos;
	if (!write || !(flags & RWF_APPEND) || (f->flags & O_APPEND))
		return rwv(t, f, a->a[1], a->a[2], posp, write);
	f->flags |= O_APPEND; /* this call only */
	r = rwv(t, f, a->a[1], a->a[2], posp, write);
	f->flags &= ~O_APPEND;
	return r;
}

SYSCALL_DEFINE(preadv2)
{
	return rwv2(t, a, false);
}

SYSCALL_DEFINE(pwritev2)
{
	return rwv2(t, a, true);
}

SYSCALL_DEFINE(lseek)
{
	struct file *f = fd_get(t, a->a[0]);
	s64 off = a->a[1], base;
	if (!f)
		return -EBADF;
	if (!f->ops || !f->ops->seekable)
		return -ESPIPE;
	if (f->ops->llseek) {
		int r = f->ops->llseek(f, off, a->a[2]);
		return r < 0 ? r : (long)f->pos;
	}
	struct kstat st;
	switch (a->a[2]) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		if (vfs_getattr(f->inode, &st) < 0)
			return -EIO;
		if (a->a[2] == SEEK_END) {
			base = st.size;
			break;
		}
		if (off < 0 || (u64)off >= st.size)
			return -ENXIO;
		f->pos = a->a[2] == SEEK_DATA ? (u64)off : st.size;
		return f->pos;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base + off < base) || base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

static void kstat_to_stat(const struct kstat *k, struct stat *s)
{
	memset(s, 0, sizeof(*s));
	s->st_dev = k->dev;
	s->st_ino = k->ino;
	s->st_nlink = k->nlink;
	s->st_mode = k->mode;
	s->st_uid = k->uid;
	s->st_gid = k->gid;
	s->st_rdev = k->rdev;
	s->st_size = k->size;
	s->st_blksize = k->blksize;
	s->st_blocks = k->blocks;
	s->st_atim = k->atime;
	s->st_mtim = k->mtime;
	s->st_ctim = k->ctime;
}

/* Resolve (dirfd, path, flags) to a dentry for the stat family. */
long lookup_at(struct task *t, int dirfd, u64 upath, int atflags, struct dentry **d)
{
	char path[PATH_MAX_];
	struct dentry *start;
	long r = get_path(t, upath, path);
	if (r < 0)
		return r;
	if (!path[0] && (atflags & AT_EMPTY_PATH)) {
		if (dirfd == AT_FDCWD) {
			*d = dget(t->fs->cwd);
			return 0;
		}
		struct file *f = fd_get(t, dirfd);
		if (!f)
			return -EBADF;
		/* an anonymous file (the console, later pipes): a detached dentry */
		*d = f->dentry ? dget(f->dentry) : dentry_new(NULL, "", iget(f->inode));
		return *d ? 0 : -ENOMEM;
	}
	if ((r = dirfd_start(t, dirfd, path, &start)) < 0)
		return r;
	return path_walk(t->fs, start, path, (atflags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, d, NULL);
}

static long stat_inode_to_user(struct task *t, struct inode *ino, u64 ubuf)
{
	struct kstat k;
	struct stat s;
	long r = vfs_getattr(ino, &k);
	if (r < 0)
		return r;
	kstat_to_stat(&k, &s);
	return copy_to_user(t->mm, ubuf, &s, sizeof(s));
}

static long do_fstatat(struct task *t, int dirfd, u64 upath, u64 ubuf, int flags)
{
	struct dentry *d;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	long r = lookup_at(t, dirfd, upath, flags, &d);
	if (r < 0)
		return r;
	r = stat_inode_to_user(t, d->inode, ubuf);
	dput(d);
	return r;
}

SYSCALL_DEFINE(stat)
{
	return do_fstatat(t, AT_FDCWD, a->a[0], a->a[1], 0);
}

SYSCALL_DEFINE(lstat)
{
	return do_fstatat(t, AT_FDCWD, a->a[0], a->a[1], AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE(newfstatat)
{
	return do_fstatat(t, a->a[0], a->a[1], a->a[2], a->a[3]);
}

SYSCALL_DEFINE(fstat)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f)
		return -EBADF;
	return stat_inode_to_user(t, f->inode, a->a[1]);
}

SYSCALL_DEFINE(statx)
{
	int flags = a->a[2];
	struct dentry *d = NULL;
	struct inode *ino;
	struct kstat k;
	long r;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if (a->a[3] & STATX__RESERVED)
		return -EINVAL;
	r = lookup_at(t, a->a[0], a->a[1], flags, &d);
	if (r < 0)
		return r;
	ino = d->inode;
	r = vfs_getattr(ino, &k);
	dput(d);
	if (r < 0)
		return r;
	struct statx sx;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = k.blksize;
	sx.stx_nlink = k.nlink;
	sx.stx_uid = k.uid;
	sx.stx_gid = k.gid;
	sx.stx_mode = k.mode;
	sx.stx_ino = k.ino;
	sx.stx_size = k.size;
	sx.stx_blocks = k.blocks;
	sx.stx_atime.tv_sec = k.atime.tv_sec;
	sx.stx_atime.tv_nsec = k.atime.tv_nsec;
	sx.stx_mtime.tv_sec = k.mtime.tv_sec;
	sx.stx_mtime.tv_nsec = k.mtime.tv_nsec;
	sx.stx_ctime.tv_sec = k.ctime.tv_sec;
	sx.stx_ctime.tv_nsec = k.ctime.tv_nsec;
	sx.stx_rdev_major = major(k.rdev);
	sx.stx_rdev_minor = minor(k.rdev);
	sx.stx_dev_major = major(k.dev);
	sx.stx_dev_minor = minor(k.dev);
	return copy_to_user(t->mm, a->a[4], &sx, sizeof(sx));
}

struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int fill64(struct dirent_sink *s, const char *name, size_t namelen, u64 ino, unsigned type,
		  s64 next)
{
	size_t reclen = (offsetof(struct linux_dirent64, d_name) + namelen + 1 + 7) & ~7UL;
	if (s->used + reclen > s->len) {
		if (!s->used)
			s->error = -EINVAL;
		return 1;
	}
	struct linux_dirent64 *d = (void *)(s->buf + s->used);
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_off = next;
	d->d_reclen = reclen;
	d->d_type = type;
	memcpy(d->d_name, name, namelen);
	s->used += reclen;
	return 0;
}

long getdents_with(struct task *t, const struct syscall_args *a, filldir_t fill)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode) || !f->ops || !f->ops->iterate)
		return -ENOTDIR;
	size_t len = MIN(a->a[2], (u64)1 << 20);
	struct dirent_sink s = { malloc(len ? len : 1), len, 0, 0 };
	if (!s.buf)
		return -ENOMEM;
	long r = f->ops->iterate(f, &s, fill);
	if (r == 0)
		r = s.error;
	if (r == 0 && s.used && copy_to_user(t->mm, a->a[1], s.buf, s.used) < 0)
		r = -EFAULT;
	if (r == 0)
		fsnotify_access(f);
	free(s.buf);
	return r < 0 ? r : (long)s.used;
}

SYSCALL_DEFINE(getdents64)
{
	return getdents_with(t, a, fill64);
}

SYSCALL_DEFINE(getcwd)
{
	char buf[PATH_MAX_];
	long n = dentry_path(t->fs->cwd, t->fs->root, buf, sizeof(buf));
	if (n < 0)
		return n;
	if ((u64)n + 1 > a->a[1])
		return -ERANGE;
	if (copy_to_user(t->mm, a->a[0], buf, n + 1) < 0)
		return -EFAULT;
	return n + 1;
}

SYSCALL_DEFINE(chdir)
{
	char path[PATH_MAX_];
	struct dentry *d;
	long r = get_path(t, a->a[0], path);
	if (r < 0)
		return r;
	r = path_walk(t->fs, NULL, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &d, NULL);
	if (r < 0)
		return r;
	if ((r = inode_permission(t, d->inode, MAY_EXEC)) < 0) {
		dput(d);
		return r;
	}
	dput(t->fs->cwd);
	t->fs->cwd = d;
	return 0;
}

SYSCALL_DEFINE(fchdir)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f)
		return -EBADF;
	if (!f->dentry || !S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	long r = inode_permission(t, f->inode, MAY_EXEC);
	if (r < 0)
		return r;
	dput(t->fs->cwd);
	t->fs->cwd = dget(f->dentry);
	return 0;
}

static long do_readlinkat(struct task *t, int dirfd, u64 upath, u64 ubuf, s64 len)
{
	struct dentry *d;
	if (len <= 0)
		return -EINVAL;
	long r = lookup_at(t, dirfd, upath, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, &d);
	if (r < 0)
		return r;
	if (!S_ISLNK(d->inode->mode) || !d->inode->iops || !d->inode->iops->readlink) {
		dput(d);
		return -EINVAL;
	}
	char buf[PATH_MAX_];
	r = d->inode->iops->readlink(d->inode, buf, MIN((size_t)len, sizeof(buf)));
	dput(d);
	if (r > 0 && copy_to_user(t->mm, ubuf, buf, r) < 0)
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE(readlink)
{
	return do_readlinkat(t, AT_FDCWD, a->a[0], a->a[1], a->a[2]);
}

SYSCALL_DEFINE(readlinkat)
{
	return do_readlinkat(t, a->a[0], a->a[1], a->a[2], a->a[3]);
}

SYSCALL_DEFINE(ioctl)
{
	struct file *f = fd_get(t, a->a[0]);
	unsigned cmd = a->a[1];
	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
		fd_set_cloexec(t->files, a->a[0], true);
		return 0;
	case FIONCLEX:
		fd_set_cloexec(t->files, a->a[0], false);
		return 0;
	case FIONBIO: {
		int on;
		if (copy_from_user(t->mm, &on, a->a[2], sizeof(on)) < 0)
			return -EFAULT;
		if (on)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~O_NONBLOCK;
		return 0;
	}
	}
	if (!f->ops || !f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, t, cmd, a->a[2]);
}

/* Walk to the parent of the last component of a path for create/unlink. */
long parent_at(struct task *t, int dirfd, u64 upath, struct dentry **dir, char *last)
{
	char path[PATH_MAX_];
	struct dentry *start;
	long r = get_path(t, upath, path);
	if (r < 0)
		return r;
	if ((r = dirfd_start(t, dirfd, path, &start)) < 0)
		return r;
	return path_walk(t->fs, start, path, LOOKUP_FOLLOW | LOOKUP_PARENT, dir, last);
}

static long do_mkdirat(struct task *t, int dirfd, u64 upath, u32 mode)
{
	struct dentry *dir;
	char last[256];
	long r = parent_at(t, dirfd, upath, &dir, last);
	if (r < 0)
		return r;
	struct inode *ino;
	if (dir->inode->iops->lookup(dir->inode, last, &ino) == 0) {
		iput(ino);
		r = -EEXIST;
	} else {
		r = !dir->inode->iops->create ? -EROFS : may_create(t, dir->inode);
		if (r == 0)
			r = dir->inode->iops->create(dir->inode, last, S_IFDIR | (mode & 07777 & ~t->fs->umask), 0, NULL);
		if (r == 0)
			fsnotify_create(dir->inode, last, S_IFDIR);
	}
	dput(dir);
	return r;
}

SYSCALL_DEFINE(mkdir)
{
	return do_mkdirat(t, AT_FDCWD, a->a[0], a->a[1]);
}

SYSCALL_DEFINE(mkdirat)
{
	return do_mkdirat(t, a->a[0], a->a[1], a->a[2]);
}

static long do_mknodat(struct task *t, int dirfd, u64 upath, u32 mode, u64 dev)
{
	struct dentry *dir;
	char last[256];
	if (!(mode & S_IFMT))
		mode |= S_IFREG;
	if (S_ISDIR(mode) || S_ISLNK(mode))
		return -EINVAL;
	long r = parent_at(t, dirfd, upath, &dir, last);
	if (r < 0)
		return r;
	struct inode *ino;
	if (dir->inode->iops->lookup(dir->inode, last, &ino) == 0) {
		iput(ino);
		r = -EEXIST;
	} else if (!(r = may_create(t, dir->inode))) {
		/* device nodes need CAP_MKNOD */
		if ((S_ISCHR(mode) || S_ISBLK(mode)) && !capable(t, CAP_MKNOD))
			r = -EPERM;
		else
			r = dir->inode->iops->create(dir->inode, last, (mode & S_IFMT) | (mode & 07777 & ~t->fs->umask),
						     dev, NULL);
		if (r == 0)
			fsnotify_create(dir->inode, last, mode);
	}
	dput(dir);
	return r;
}

SYSCALL_DEFINE(mknod)
{
	return do_mknodat(t, AT_FDCWD, a->a[0], a->a[1], a->a[2]);
}

SYSCALL_DEFINE(mknodat)
{
	return do_mknodat(t, a->a[0], a->a[1], a->a[2], a->a[3]);
}

static long do_unlinkat(struct task *t, int dirfd, u64 upath, int flags)
{
	struct dentry *dir;
	char last[256];
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	long r = parent_at(t, dirfd, upath, &dir, last);
	if (r == -EEXIST)
		return (flags & AT_REMOVEDIR) ? -EBUSY : -EISDIR;
	if (r < 0)
		return r;
	r = dir->inode->iops->unlink ? may_unlink_name(t, dir->inode, last) : -EROFS;
	struct inode *victim = NULL; /* for its watches (fsnotify) */
	if (r == 0 && fsnotify_groups && dir->inode->iops->lookup(dir->inode, last, &victim) < 0)
		victim = NULL;
	if (r == 0)
		r = dir->inode->iops->unlink(dir->inode, last, flags & AT_REMOVEDIR);
	if (r == 0)
		fsnotify_unlink(dir->inode, last, victim);
	iput(victim);
	dput(dir);
	return r;
}

SYSCALL_DEFINE(unlink)
{
	return do_unlinkat(t, AT_FDCWD, a->a[0], 0);
}

SYSCALL_DEFINE(rmdir)
{
	return do_unlinkat(t, AT_FDCWD, a->a[0], AT_REMOVEDIR);
}

SYSCALL_DEFINE(unlinkat)
{
	return do_unlinkat(t, a->a[0], a->a[1], a->a[2]);
}

static long do_symlinkat(struct task *t, u64 utarget, int dirfd, u64 upath)
{
	char target[PATH_MAX_];
	struct dentry *dir;
	char last[256];
	long r = get_path(t, utarget, target);
	if (r < 0)
		return r;
	if (!target[0])
		return -ENOENT;
	r = parent_at(t, dirfd, upath, &dir, last);
	if (r < 0)
		return r;
	struct inode *ino;
	if (dir->inode->iops->lookup(dir->inode, last, &ino) == 0) {
		iput(ino);
		r = -EEXIST;
	} else if (!(r = may_create(t, dir->inode))) {
		r = dir->inode->iops->symlink ? dir->inode->iops->symlink(dir->inode, last, target) : -EPERM;
		if (r == 0)
			fsnotify_create(dir->inode, last, S_IFLNK);
	}
	dput(dir);
	return r;
}

SYSCALL_DEFINE(symlink)
{
	return do_symlinkat(t, a->a[0], AT_FDCWD, a->a[1]);
}

SYSCALL_DEFINE(symlinkat)
{
	return do_symlinkat(t, a->a[0], a->a[1], a->a[2]);
}

static long do_linkat(struct task *t, int odfd, u64 opath, int ndfd, u64 npath, int flags)
{
	struct dentry *old, *dir;
	char last[256];
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	long r = lookup_at(t, odfd, opath, (flags & AT_SYMLINK_FOLLOW) ? (flags & AT_EMPTY_PATH) : (flags | AT_SYMLINK_NOFOLLOW), &old);
	if (r < 0)
		return r;
	if (S_ISDIR(old->inode->mode)) {
		dput(old);
		return -EPERM;
	}
	r = parent_at(t, ndfd, npath, &dir, last);
	if (r < 0) {
		dput(old);
		return r;
	}
	if (old->inode->sb != dir->inode->sb)
		r = -EXDEV;
	else if (dir->inode->sb->readonly)
		r = -EROFS;
	else if ((r = may_linkat(t, old->inode)) < 0 || (r = may_create(t, dir->inode)) < 0)
		;
	else
		r = dir->inode->iops->link ? dir->inode->iops->link(old->inode, dir->inode, last) : -EPERM;
	if (r == 0)
		fsnotify_link(dir->inode, last, old->inode);
	dput(dir);
	dput(old);
	return r;
}

SYSCALL_DEFINE(link)
{
	return do_linkat(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

SYSCALL_DEFINE(linkat)
{
	return do_linkat(t, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4]);
}

static long do_renameat2(struct task *t, int odfd, u64 opath, int ndfd, u64 npath, unsigned flags)
{
	struct dentry *od, *nd;
	char olast[256], nlast[256];
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	/* the file system says which it supports (EINVAL for the others) */
	if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	if ((flags & RENAME_WHITEOUT) && !capable(t, CAP_MKNOD))
		return -EPERM;
	long r = parent_at(t, odfd, opath, &od, olast);
	if (r < 0)
		return r == -EEXIST ? -EBUSY : r;
	r = parent_at(t, ndfd, npath, &nd, nlast);
	if (r < 0) {
		dput(od);
		return r == -EEXIST ? -EBUSY : r;
	}
	if (od->inode->sb != nd->inode->sb)
		r = -EXDEV;
	else if (!od->inode->iops->rename)
		r = -EPERM;
	else {
		/* a directory may not move below itself */
		struct inode *src = NULL, *target = NULL;
		r = od->inode->iops->lookup(od->inode, olast, &src);
		if (r == 0) {
			for (struct dentry *p = nd; ; p = p->parent) {
				if (p->inode == src) {
					r = -EINVAL;
					break;
				}
				if (p->parent == p)
					break;
			}
		}
		if (r == 0)
			r = may_rename(t, od->inode, olast, nd->inode, nlast);
		/* what it replaces, for its watches (fsnotify) */
		if (r == 0 && fsnotify_groups && nd->inode->iops->lookup(nd->inode, nlast, &target) < 0)
			target = NULL;
		if (r == 0)
			r = od->inode->iops->rename(od->inode, olast, nd->inode, nlast, flags);
		if (r == 0 && src != target)
			fsnotify_rename(od->inode, olast, nd->inode, nlast, src, target, flags & RENAME_EXCHANGE);
		iput(target);
		iput(src);
	}
	dput(od);
	dput(nd);
	return r;
}

SYSCALL_DEFINE(rename)
{
	return do_renameat2(t, AT_FDCWD, a->a[0], AT_FDCWD, a->a[1], 0);
}

SYSCALL_DEFINE(renameat)
{
	return do_renameat2(t, a->a[0], a->a[1], a->a[2], a->a[3], 0);
}

SYSCALL_DEFINE(renameat2)
{
	return do_renameat2(t, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4]);
}

SYSCALL_DEFINE(ftruncate)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f)
		return -EBADF;
	if ((s64)a->a[1] < 0)
		return -EINVAL;
	if (!S_ISREG(f->inode->mode) || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	long r = f->inode->iops && f->inode->iops->truncate ? f->inode->iops->truncate(f->inode, a->a[1]) : -EINVAL;
	if (r == 0)
		file_remove_privs(t, f->inode);
	if (r == 0)
		fsnotify_change_file(f, FS_MODIFY);
	return r;
}

SYSCALL_DEFINE(truncate)
{
	struct dentry *d;
	if ((s64)a->a[1] < 0)
		return -EINVAL;
	long r = lookup_at(t, AT_FDCWD, a->a[0], 0, &d);
	if (r < 0)
		return r;
	if (S_ISDIR(d->inode->mode))
		r = -EISDIR;
	else if (!S_ISREG(d->inode->mode))
		r = -EINVAL;
	else if ((r = inode_permission(t, d->inode, MAY_WRITE)) == 0) {
		r = d->inode->iops->truncate ? d->inode->iops->truncate(d->inode, a->a[1]) : -EINVAL;
		if (r == 0)
			file_remove_privs(t, d->inode);
		if (r == 0)
			fsnotify_change(d, FS_MODIFY);
	}
	dput(d);
	return r;
}

SYSCALL_DEFINE(umask)
{
	u32 old = t->fs->umask;
	t->fs->umask = a->a[0] & 0777;
	return old;
}

SYSCALL_DEFINE(fsync)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	return pagecache_writeback(f->inode);
}

SYSCALL_DEFINE(fdatasync)
{
	return sys_fsync(t, a);
}

SYSCALL_DEFINE(sync)
{
	return 0;
}

SYSCALL_DEFINE(dup)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f)
		return -EBADF;
	return fd_install(t, fget(f), false, 0);
}

SYSCALL_DEFINE(dup2)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f)
		return -EBADF;
	if (a->a[0] == a->a[1])
		return a->a[1];
	return fd_install_at(t, fget(f), a->a[1], false);
}

SYSCALL_DEFINE(dup3)
{
	struct file *f = fd_get(t, a->a[0]);
	if (a->a[2] & ~O_CLOEXEC)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (a->a[0] == a->a[1])
		return -EINVAL;
	return fd_install_at(t, fget(f), a->a[1], a->a[2] & O_CLOEXEC);
}

SYSCALL_DEFINE(fcntl)
{
	int fd = a->a[0];
	struct file *f = fd_get(t, fd);
	if (!f)
		return -EBADF;
	switch (a->a[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((s64)a->a[2] < 0 || a->a[2] >= t->rlimits[RLIMIT_NOFILE][0])
			return -EINVAL;
		return fd_install(t, fget(f), a->a[1] == F_DUPFD_CLOEXEC, a->a[2]);
	case F_GETFD:
		return fd_get_cloexec(t->files, fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fd_set_cloexec(t->files, fd, a->a[2] & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		/* O_LARGEFILE: Linux's open forces it on 64-bit; the anonymous
		 * inode's files (eventfd, epoll, inotify...) are not opened */
		return f->flags | (file_is_anon(f) ? 0 : 0100000);
	case F_SETFL: {
		u32 mask = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
		if ((a->a[2] & O_NOATIME) && !(f->flags & O_NOATIME) && !owner_or_capable(t, f->inode))
			return -EPERM; /* as open's O_NOATIME (permission.c) */
		f->flags = (f->flags & ~mask) | (a->a[2] & mask);
		return 0;
	}
	case 1033: /* F_ADD_SEALS */
	case 1034: /* F_GET_SEALS */
		return memfd_fcntl(f, a->a[1], a->a[2]);
	case 1032: /* F_GETPIPE_SZ */
		return pipe_get_size(f);
	case 1031: /* F_SETPIPE_SZ */
		return pipe_set_size(f, a->a[2]);
	case F_GETOWN:
	case F_SETOWN:
	case F_GETOWN_EX:
	case F_SETOWN_EX:
	case F_GETSIG:
	case F_SETSIG:
		return do_fcntl_owner(t, f, a->a[1], a->a[2]);
	case F_NOTIFY:
		return fcntl_dirnotify(t, fd, f, a->a[2]);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return do_fcntl_lock(t, fd, f, a->a[1], a->a[2]);
	default:
		return -EINVAL;
	}
}
