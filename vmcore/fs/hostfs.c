/* hostfs: a host directory as a guest file system, read-write.
 *
 * Confinement: each hostfs inode holds an O_PATH descriptor of its host
 * object, and a lookup is openat(dir_fd, name, O_PATH | O_NOFOLLOW) of one
 * name that the VFS has checked is neither "." nor "..".  The host therefore
 * never walks a path or follows a symbolic link for the guest: links are
 * read with readlinkat and walked by the VFS inside the guest's root, so no
 * "..", absolute symlink or rename can reach outside the directory.
 * Modifications (create, unlink, rename, symlink) are *at() calls on the
 * parent's descriptor with a single name, for the same reason.
 *
 * Inodes are kept unique by host (device, inode) in a small hash, so that
 * file mappings of one host file share one page cache.  Reads and writes go
 * to the host file, through the cached page where one exists (pages a
 * shared mapping may have changed); dirty shared pages are written back when
 * the mapping goes. */
#include <vmcore/vfs.h>
#include <vmcore/mm.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct hinfo {
	int pfd;        /* O_PATH descriptor of the host object */
	int rfd;        /* read descriptor for the page cache, opened lazily */
	u64 hdev, hino;
};

#define HASH 1024
struct hsb {
	struct inode *hash[HASH];
};

static const struct inode_ops hostfs_iops;
static const struct file_ops hostfs_file_fops, hostfs_dir_fops;

static inline struct hinfo *HI(struct inode *ino)
{
	return ino->priv;
}

static void fill_attrs(struct inode *ino, const struct stat *st)
{
	ino->mode = st->st_mode;
	ino->nlink = st->st_nlink;
	ino->uid = st->st_uid;
	ino->gid = st->st_gid;
	ino->size = st->st_size;
	ino->rdev = st->st_rdev;
	ino->atime = st->st_atim;
	ino->mtime = st->st_mtim;
	ino->ctime = st->st_ctim;
}

/* Wrap a host O_PATH descriptor in an inode (consumes fd). */
static int hostfs_iget(struct super_block *sb, int fd, struct inode **out)
{
	struct stat st;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	struct hsb *hs = sb->priv;
	unsigned h = (st.st_ino ^ st.st_dev) % HASH;
	for (struct inode *i = hs->hash[h]; i; i = i->hash_next)
		if (HI(i)->hino == st.st_ino && HI(i)->hdev == st.st_dev) {
			close(fd);
			fill_attrs(i, &st);
			*out = iget(i);
			return 0;
		}
	struct inode *ino = inode_new(sb, st.st_mode);
	struct hinfo *hi = kzalloc(sizeof(*hi));
	if (!ino || !hi) {
		free(ino);
		free(hi);
		close(fd);
		return -ENOMEM;
	}
	hi->pfd = fd;
	hi->rfd = -1;
	hi->hdev = st.st_dev;
	hi->hino = st.st_ino;
	ino->priv = hi;
	ino->ino = st.st_ino;
	fill_attrs(ino, &st);
	ino->iops = &hostfs_iops;
	ino->fops = S_ISDIR(st.st_mode) ? &hostfs_dir_fops : &hostfs_file_fops;
	ino->hash_next = hs->hash[h];
	hs->hash[h] = ino;
	*out = ino;
	return 0;
}

static void hostfs_evict(struct inode *ino)
{
	struct hsb *hs = ino->sb->priv;
	struct hinfo *hi = HI(ino);
	unsigned h = (hi->hino ^ hi->hdev) % HASH;
	for (struct inode **pp = &hs->hash[h]; *pp; pp = &(*pp)->hash_next)
		if (*pp == ino) {
			*pp = ino->hash_next;
			break;
		}
	pagecache_writeback(ino);
	close(hi->pfd);
	if (hi->rfd >= 0)
		close(hi->rfd);
	free(hi);
}

/* Open the host object of ino for I/O, through its O_PATH descriptor. */
static int reopen(struct inode *ino, int flags)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", HI(ino)->pfd);
	int fd = open(p, flags | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

static int hostfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	int fd = openat(HI(dir)->pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return hostfs_iget(dir->sb, fd, out);
}

static int hostfs_create(struct inode *dir, const char *name, u32 mode, u64 rdev, struct inode **out)
{
	if (dir->sb->readonly)
		return -EROFS;
	int dfd = HI(dir)->pfd, r;
	if (S_ISDIR(mode))
		r = mkdirat(dfd, name, mode & 07777);
	else if (S_ISREG(mode)) {
		int fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
		r = fd < 0 ? -1 : 0;
		if (fd >= 0)
			close(fd);
	} else if (S_ISFIFO(mode) || S_ISSOCK(mode))
		r = mknodat(dfd, name, mode, 0);
	else
		return -EPERM; /* no host device nodes */
	if (r < 0)
		return -errno;
	if (!out)
		return 0;
	return hostfs_lookup(dir, name, out);
}

static int hostfs_unlink(struct inode *dir, const char *name, bool want_dir)
{
	if (dir->sb->readonly)
		return -EROFS;
	if (unlinkat(HI(dir)->pfd, name, want_dir ? AT_REMOVEDIR : 0) < 0)
		return -errno;
	return 0;
}

static int hostfs_symlink(struct inode *dir, const char *name, const char *target)
{
	if (dir->sb->readonly)
		return -EROFS;
	return symlinkat(target, HI(dir)->pfd, name) < 0 ? -errno : 0;
}

static int hostfs_link(struct inode *old, struct inode *dir, const char *name)
{
	if (dir->sb->readonly)
		return -EROFS;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", HI(old)->pfd);
	return linkat(AT_FDCWD, p, HI(dir)->pfd, name, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
}

static int hostfs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
			 unsigned flags)
{
	if (odir->sb->readonly)
		return -EROFS;
	if (syscall(SYS_renameat2, HI(odir)->pfd, oname, HI(ndir)->pfd, nname, flags) < 0)
		return -errno;
	return 0;
}

static long hostfs_readlink(struct inode *ino, char *buf, size_t len)
{
	ssize_t n = readlinkat(HI(ino)->pfd, "", buf, len);
	return n < 0 ? -errno : n;
}

static int hostfs_getattr(struct inode *ino, struct kstat *ks)
{
	struct stat st;
	if (fstatat(HI(ino)->pfd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	/* a size grown by a shared mapping not yet written back wins */
	u64 size = MAX((u64)st.st_size, ino->size);
	fill_attrs(ino, &st);
	ino->size = size;
	memset(ks, 0, sizeof(*ks));
	ks->dev = ino->sb->dev;
	ks->ino = st.st_ino;
	ks->mode = st.st_mode;
	ks->nlink = st.st_nlink;
	ks->uid = st.st_uid;
	ks->gid = st.st_gid;
	ks->size = size;
	ks->rdev = st.st_rdev;
	ks->blksize = st.st_blksize;
	ks->blocks = st.st_blocks;
	ks->atime = st.st_atim;
	ks->mtime = st.st_mtim;
	ks->ctime = st.st_ctim;
	return 0;
}

static int hostfs_truncate(struct inode *ino, u64 size)
{
	if (ino->sb->readonly)
		return -EROFS;
	int fd = reopen(ino, O_WRONLY);
	if (fd < 0)
		return fd;
	int r = ftruncate(fd, size) < 0 ? -errno : 0;
	close(fd);
	if (r == 0) {
		pagecache_truncate(ino, size);
		ino->size = size;
	}
	return r;
}

static int hostfs_chmod(struct inode *ino, u32 mode)
{
	if (ino->sb->readonly)
		return -EROFS;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", HI(ino)->pfd);
	return chmod(p, mode & 07777) < 0 ? -errno : 0;
}

static int hostfs_readpage(struct inode *ino, u64 pgoff, void *dst)
{
	struct hinfo *hi = HI(ino);
	if (hi->rfd < 0) {
		hi->rfd = reopen(ino, O_RDONLY);
		if (hi->rfd < 0) {
			int r = hi->rfd;
			hi->rfd = -1;
			return r;
		}
	}
	ssize_t n = pread(hi->rfd, dst, PAGE_SIZE, pgoff << PAGE_SHIFT);
	if (n < 0)
		return -EIO;
	memset((u8 *)dst + n, 0, PAGE_SIZE - n);
	return 0;
}

static int hostfs_writepage(struct inode *ino, u64 pgoff, const void *src, size_t len)
{
	if (ino->sb->readonly)
		return -EROFS;
	int fd = reopen(ino, O_WRONLY);
	if (fd < 0)
		return fd;
	ssize_t n = pwrite(fd, src, len, pgoff << PAGE_SHIFT);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static int hostfs_open(struct inode *ino, struct file *f)
{
	if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
		return -ENXIO;
	int acc = f->flags & O_ACCMODE;
	if (ino->sb->readonly && acc != O_RDONLY)
		return -EROFS;
	int fd = reopen(ino, (S_ISDIR(ino->mode) ? O_RDONLY | O_DIRECTORY : acc) |
				     (f->flags & O_APPEND));
	if (fd < 0)
		return fd;
	f->priv = (void *)(long)fd;
	if (S_ISREG(ino->mode)) {
		struct stat st;
		if (fstat(fd, &st) == 0)
			ino->size = MAX((u64)st.st_size, ino->size);
	}
	return 0;
}

static void hostfs_release(struct file *f)
{
	close((int)(long)f->priv);
}

static long hostfs_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	struct inode *ino = f->inode;
	int fd = (int)(long)f->priv;
	size_t done = 0;
	while (done < len) {
		u64 off = *pos + done;
		size_t n = MIN(len - done, PAGE_SIZE - (off & ~PAGE_MASK));
		u64 fr = pagecache_peek(ino, off >> PAGE_SHIFT);
		if (fr != NO_FRAME) {
			if (off >= ino->size)
				break;
			n = MIN(n, ino->size - off);
			memcpy((u8 *)buf + done, (u8 *)frame_ptr(fr) + (off & ~PAGE_MASK), n);
			done += n;
			continue;
		}
		/* uncached: read straight from the host, up to the next cached page */
		size_t span = n;
		while (done + span < len &&
		       pagecache_peek(ino, (off + span) >> PAGE_SHIFT) == NO_FRAME)
			span = MIN(len - done, span + PAGE_SIZE);
		ssize_t r = pread(fd, (u8 *)buf + done, span, off);
		if (r < 0)
			return done ? (long)done : -errno;
		done += r;
		if ((size_t)r < span)
			break;
	}
	*pos += done;
	return done;
}

static long hostfs_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	struct inode *ino = f->inode;
	int fd = (int)(long)f->priv;
	if (f->flags & O_APPEND) {
		struct stat st;
		if (fstat(fd, &st) == 0)
			*pos = MAX((u64)st.st_size, ino->size);
	}
	ssize_t r = pwrite(fd, buf, len, *pos);
	if (r < 0)
		return -errno;
	/* keep cached pages (shared by mappings) in step */
	for (size_t done = 0; done < (size_t)r;) {
		u64 off = *pos + done;
		size_t n = MIN((size_t)r - done, PAGE_SIZE - (off & ~PAGE_MASK));
		u64 fr = pagecache_peek(ino, off >> PAGE_SHIFT);
		if (fr != NO_FRAME)
			memcpy((u8 *)frame_ptr(fr) + (off & ~PAGE_MASK), (const u8 *)buf + done, n);
		done += n;
	}
	*pos += r;
	if (*pos > ino->size)
		ino->size = *pos;
	return r;
}

struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static long hostfs_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	int fd = (int)(long)f->priv;
	char buf[8192];
	for (;;) {
		if (lseek(fd, f->pos, SEEK_SET) < 0)
			return -errno;
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);
			if (fill(sink, d->d_name, strlen(d->d_name), d->d_ino, d->d_type, d->d_off))
				return 0;
			f->pos = d->d_off;
			off += d->d_reclen;
		}
	}
}

static const struct inode_ops hostfs_iops = {
	.lookup = hostfs_lookup,
	.create = hostfs_create,
	.unlink = hostfs_unlink,
	.symlink = hostfs_symlink,
	.link = hostfs_link,
	.rename = hostfs_rename,
	.readlink = hostfs_readlink,
	.getattr = hostfs_getattr,
	.truncate = hostfs_truncate,
	.chmod = hostfs_chmod,
	.open = hostfs_open,
	.evict = hostfs_evict,
	.readpage = hostfs_readpage,
	.writepage = hostfs_writepage,
};

static const struct file_ops hostfs_file_fops = {
	.read = hostfs_read,
	.write = hostfs_write,
	.release = hostfs_release,
	.seekable = true,
};

static const struct file_ops hostfs_dir_fops = {
	.iterate = hostfs_iterate,
	.release = hostfs_release,
	.seekable = true,
};

static int hostfs_mount(struct super_block *sb, const char *source, const char *opts)
{
	int fd = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	sb->readonly = opts && strcmp(opts, "ro") == 0;
	sb->priv = kzalloc(sizeof(struct hsb));
	if (!sb->priv) {
		close(fd);
		return -ENOMEM;
	}
	return hostfs_iget(sb, fd, &sb->root);
}

const struct fs_type hostfs_type = { "hostfs", hostfs_mount };
