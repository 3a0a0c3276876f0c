/* ramfs and tmpfs: the in-memory file systems (the initramfs, mounted
 * tmpfs instances, and the unlinked files behind shared anonymous memory).
 * A file's data is its page cache (frames of physmem); a directory is a
 * list of names.
 *
 * What they cost is charged: every data page to the commit limit (it is
 * the only copy, it cannot be reclaimed), through iops->account, which the
 * page cache calls for each page it adds or drops; a tmpfs instance also
 * has Linux's limits, size= (default half of mem=) and nr_inodes= (default
 * half of mem='s pages), and ramfs the same inode limit, since every inode
 * is host memory.  A page or inode that cannot be had is ENOSPC: a write
 * that can store nothing fails with it, a write that stored some returns
 * the count stored, and nothing written is lost.  Shared anonymous memory
 * (no super block) is charged with its mapping instead. */
#include <vmcore/cred.h>
#include <vmcore/task.h>
#include <vmcore/vfs.h>
#include <vmcore/mm.h>
#include <vmcore/xattr.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rdirent {
	struct rdirent *next;
	struct inode *inode;
	char name[];
};

struct rinfo {
	struct rdirent *entries; /* directories */
	char *target;            /* symlinks */
	struct inode *parent;    /* directories: for ".." in getdents */
	u64 anon_pages;          /* shared anonymous memory: pages charged */
	struct simple_xattr *xattrs;
	bool linkable;           /* an O_TMPFILE linkat may still name */
};

/* Per-instance limits and use, in pages and inodes (0: no page limit). */
struct rsb {
	u64 max_pages, pages;
	u64 max_inodes, inodes;
	u64 xattr_space; /* bytes of extended attributes, charged to the inode space */
};

/* Linux's tmpfs measures its inode space in units of this many bytes: an
 * inode takes one, extended attributes what they cost (simple_xattr.c). */
#define BOGO_INODE_SIZE 1024

/* The largest file: Linux's MAX_LFS_FILESIZE. */
#define RAMFS_MAXBYTES 0x7fffffffffffffffULL

static const struct inode_ops ramfs_iops;
static const struct file_ops ramfs_file_fops, ramfs_dir_fops;

/* Times as Linux keeps them: a change of the data or of a directory's
 * entries is mtime and ctime, a change of the inode alone (chmod, link
 * count, rename) ctime, a read atime "relatime"-style. */
static void touch(struct inode *ino)
{
	guest_realtime(&ino->mtime);
	ino->ctime = ino->mtime;
}

static void changed(struct inode *ino)
{
	guest_realtime(&ino->ctime);
}

static bool ts_le(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec);
}

/* relatime: atime moves when it is not newer than mtime or ctime, or is
 * a day old; O_NOATIME and read-only mounts leave it */
static void accessed(struct file *f)
{
	struct inode *ino = f->inode;
	struct timespec now;
	if ((f->flags & O_NOATIME) || (ino->sb && ino->sb->readonly))
		return;
	guest_realtime(&now);
	if (ts_le(ino->atime, ino->mtime) || ts_le(ino->atime, ino->ctime) ||
	    now.tv_sec - ino->atime.tv_sec >= 24 * 3600)
		ino->atime = now;
}

static int ro(struct inode *ino)
{
	return ino->sb && ino->sb->readonly ? -EROFS : 0;
}

struct inode *ramfs_new_inode(struct super_block *sb, u32 mode)
{
	struct rsb *rs = sb ? sb->priv : NULL;
	if (rs && rs->max_inodes && rs->inodes >= rs->max_inodes)
		return NULL;
	struct inode *ino = inode_new(sb, mode);
	if (!ino)
		return NULL;
	ino->priv = kzalloc(sizeof(struct rinfo));
	if (!ino->priv) {
		free(ino);
		return NULL;
	}
	if (rs)
		rs->inodes++;
	ino->iops = &ramfs_iops;
	ino->fops = S_ISDIR(mode) ? &ramfs_dir_fops : &ramfs_file_fops;
	if (S_ISDIR(mode))
		ino->nlink = 2;
	return ino;
}

static struct rdirent **find(struct inode *dir, const char *name)
{
	struct rinfo *ri = dir->priv;
	struct rdirent **pp;
	for (pp = &ri->entries; *pp; pp = &(*pp)->next)
		if (!strcmp((*pp)->name, name))
			return pp;
	return NULL;
}

static int ramfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct rdirent **e = find(dir, name);
	if (!e)
		return -ENOENT;
	*out = iget((*e)->inode);
	return 0;
}

static int add_entry(struct inode *dir, const char *name, struct inode *ino)
{
	size_t n = strlen(name);
	struct rdirent *e = malloc(sizeof(*e) + n + 1);
	if (!e)
		return -ENOMEM;
	memcpy(e->name, name, n + 1);
	e->inode = iget(ino);
	struct rinfo *ri = dir->priv;
	/* append, so getdents lists in creation order */
	struct rdirent **pp = &ri->entries;
	while (*pp)
		pp = &(*pp)->next;
	e->next = NULL;
	*pp = e;
	touch(dir);
	return 0;
}

static int ramfs_create(struct inode *dir, const char *name, u32 mode, u64 rdev, struct inode **out)
{
	if (ro(dir))
		return -EROFS;
	if (find(dir, name))
		return -EEXIST;
	/* owned by the creator's fs ids (or a set-gid directory's group) */
	u32 uid, gid;
	new_inode_owner(current, dir, &mode, &uid, &gid);
	struct inode *ino = ramfs_new_inode(dir->sb, mode);
	if (!ino)
		return -ENOSPC; /* the inode limit (or no host memory for one) */
	ino->uid = uid;
	ino->gid = gid;
	ino->rdev = rdev;
	if (S_ISDIR(mode)) {
		((struct rinfo *)ino->priv)->parent = dir;
		dir->nlink++;
	}
	int r = add_entry(dir, name, ino);
	if (r < 0) {
		iput(ino);
		return r;
	}
	if (out)
		*out = ino;
	else
		iput(ino);
	return 0;
}

static int ramfs_unlink(struct inode *dir, const char *name, bool want_dir)
{
	if (ro(dir))
		return -EROFS;
	struct rdirent **pp = find(dir, name), *e;
	if (!pp)
		return -ENOENT;
	e = *pp;
	struct inode *ino = e->inode;
	if (want_dir && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (!want_dir && S_ISDIR(ino->mode))
		return -EISDIR;
	if (want_dir && ((struct rinfo *)ino->priv)->entries)
		return -ENOTEMPTY;
	*pp = e->next;
	if (S_ISDIR(ino->mode)) {
		dir->nlink--;
		ino->nlink = 0;
	} else {
		/* a name that was an extra link gives its place back */
		if (ino->nlink > 1 && dir->sb && dir->sb->priv)
			((struct rsb *)dir->sb->priv)->inodes--;
		ino->nlink--;
	}
	touch(dir);
	ino->ctime = dir->ctime;
	iput(ino);
	free(e);
	return 0;
}

static int ramfs_symlink(struct inode *dir, const char *name, const char *target)
{
	struct inode *ino;
	int r = ramfs_create(dir, name, S_IFLNK | 0777, 0, &ino);
	if (r < 0)
		return r;
	((struct rinfo *)ino->priv)->target = strdup(target);
	ino->size = strlen(target);
	iput(ino);
	return 0;
}

static int ramfs_link(struct inode *old, struct inode *dir, const char *name)
{
	if (ro(dir))
		return -EROFS;
	if (find(dir, name))
		return -EEXIST;
	if (S_ISDIR(old->mode))
		return -EPERM;
	struct rinfo *ori = old->priv;
	if (old->nlink == 0) {
		/* an O_TMPFILE's first name: its inode is counted already */
		if (!ori->linkable)
			return -ENOENT;
		int r = add_entry(dir, name, old);
		if (r == 0) {
			old->nlink = 1;
			ori->linkable = false;
			old->ctime = dir->ctime;
		}
		return r;
	}
	/* every name is host memory: an extra link takes an inode's place in
	 * nr_inodes=, as in Linux's tmpfs */
	struct rsb *rs = dir->sb ? dir->sb->priv : NULL;
	if (rs && rs->inodes >= rs->max_inodes)
		return -ENOSPC;
	int r = add_entry(dir, name, old);
	if (r == 0) {
		old->nlink++;
		old->ctime = dir->ctime;
		if (rs)
			rs->inodes++;
	}
	return r;
}

static void set_parent(struct inode *ino, struct inode *odir, struct inode *ndir)
{
	if (S_ISDIR(ino->mode) && odir != ndir) {
		((struct rinfo *)ino->priv)->parent = ndir;
		odir->nlink--;
		ndir->nlink++;
	}
}

/* RENAME_EXCHANGE: the two entries trade inodes, in place. */
static int rename_exchange(struct inode *odir, const char *oname, struct inode *ndir, const char *nname)
{
	struct rdirent **op = find(odir, oname), **np = find(ndir, nname);
	if (!op || !np)
		return -ENOENT;
	struct inode *a = (*op)->inode, *b = (*np)->inode;
	(*op)->inode = b;
	(*np)->inode = a;
	set_parent(a, odir, ndir);
	set_parent(b, ndir, odir);
	touch(odir);
	touch(ndir);
	a->ctime = b->ctime = odir->ctime;
	return 0;
}

static int ramfs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
			unsigned flags)
{
	if (ro(odir))
		return -EROFS;
	if (flags & RENAME_EXCHANGE)
		return rename_exchange(odir, oname, ndir, nname);
	struct rdirent **op = find(odir, oname);
	if (!op)
		return -ENOENT;
	struct inode *ino = iget((*op)->inode);
	struct rdirent **np = find(ndir, nname);
	if (np) {
		if ((*np)->inode == ino) {
			iput(ino);
			return 0;
		}
		if (flags & 1 /* RENAME_NOREPLACE */) {
			iput(ino);
			return -EEXIST;
		}
		struct inode *victim = (*np)->inode;
		if (S_ISDIR(victim->mode) != S_ISDIR(ino->mode)) {
			iput(ino);
			return S_ISDIR(victim->mode) ? -EISDIR : -ENOTDIR;
		}
		int r = ramfs_unlink(ndir, nname, S_ISDIR(victim->mode));
		if (r < 0) {
			iput(ino);
			return r;
		}
	}
	int r = add_entry(ndir, nname, ino);
	if (r == 0) {
		op = find(odir, oname);
		struct rdirent *e = *op;
		*op = e->next;
		iput(e->inode);
		free(e);
		set_parent(ino, odir, ndir);
		touch(odir);
		ino->ctime = odir->ctime;
		/* RENAME_WHITEOUT: the old name becomes a whiteout, the
		 * character device 0:0 that overlay file systems read as
		 * "deleted here" */
		if (flags & RENAME_WHITEOUT)
			r = ramfs_create(odir, oname, S_IFCHR, 0, NULL);
	}
	iput(ino);
	return r;
}

static long ramfs_readlink(struct inode *ino, char *buf, size_t len)
{
	const char *t = ((struct rinfo *)ino->priv)->target;
	if (!t)
		return -EINVAL;
	size_t n = MIN(len, strlen(t));
	memcpy(buf, t, n);
	return n;
}

static int ramfs_truncate(struct inode *ino, u64 size)
{
	if (ro(ino))
		return -EROFS;
	if (size > RAMFS_MAXBYTES)
		return -EFBIG;
	int r = memfd_may_truncate(ino, size);
	if (r < 0)
		return r;
	pagecache_truncate(ino, size);
	ino->size = size;
	touch(ino);
	return 0;
}

static int ramfs_chmod(struct inode *ino, u32 mode)
{
	if (ro(ino))
		return -EROFS;
	ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	changed(ino);
	return 0;
}

static int ramfs_tmpfile(struct inode *dir, u32 mode, bool linkable, struct inode **out)
{
	if (ro(dir))
		return -EROFS;
	struct inode *ino = ramfs_new_inode(dir->sb, mode);
	if (!ino)
		return -ENOSPC;
	ino->nlink = 0;
	((struct rinfo *)ino->priv)->linkable = linkable;
	*out = ino;
	return 0;
}

static int ramfs_set_times(struct inode *ino, const struct timespec *atime, const struct timespec *mtime)
{
	if (atime)
		ino->atime = *atime;
	if (mtime)
		ino->mtime = *mtime;
	changed(ino);
	return 0;
}

static int ramfs_open(struct inode *ino, struct file *f)
{
	if ((f->flags & O_ACCMODE) != O_RDONLY && ro(ino))
		return -EROFS;
	return 0;
}

/* ---- extended attributes: kept per inode, charged to the inode space ---- */

static struct rsb *RS(struct inode *ino)
{
	return ino->sb ? ino->sb->priv : NULL;
}

static int ramfs_setxattr(struct inode *ino, const char *name, const void *val, size_t len, int flags)
{
	struct rinfo *ri = ino->priv;
	struct rsb *rs = RS(ino);
	size_t old = simple_xattr_cost(ri->xattrs, name);
	size_t new = val ? simple_xattr_space(name, len) : 0;
	if (rs && new > old) {
		/* what the inodes and attributes take, against nr_inodes' space */
		u64 used = rs->inodes * BOGO_INODE_SIZE + rs->xattr_space;
		u64 cap = rs->max_inodes * BOGO_INODE_SIZE;
		if (used + (new - old) > cap)
			return -ENOSPC;
	}
	int r = simple_xattr_set(&ri->xattrs, name, val, len, flags);
	if (r == 0) {
		if (rs)
			rs->xattr_space = rs->xattr_space + new - old;
		changed(ino);
	}
	return r;
}

static long ramfs_getxattr(struct inode *ino, const char *name, void *buf, size_t len)
{
	return simple_xattr_get(((struct rinfo *)ino->priv)->xattrs, name, buf, len);
}

static long ramfs_listxattr(struct inode *ino, char *buf, size_t len)
{
	return simple_xattr_list(((struct rinfo *)ino->priv)->xattrs, buf, len, NULL);
}

static int ramfs_removexattr(struct inode *ino, const char *name)
{
	return ramfs_setxattr(ino, name, NULL, 0, XATTR_REPLACE_);
}

/* ---- fallocate: pages reserved ahead, holes punched ---- */

/* Allocate the pages of [off, off+len); on ENOSPC the pages this call
 * added go again (those that were there stay), as Linux's tmpfs undoes. */
static int falloc_pages(struct inode *ino, u64 off, u64 len)
{
	u64 first = off >> PAGE_SHIFT, end = PAGE_ALIGN(off + len) >> PAGE_SHIFT, n = end - first;
	struct rsb *rs = RS(ino);
	if ((rs && rs->max_pages && n > rs->max_pages) || n > physmem_frames)
		return -ENOSPC;
	u8 *added = kzalloc((n + 7) / 8);
	if (!added)
		return -ENOSPC;
	int r = 0;
	for (u64 i = 0; i < n; i++) {
		if (pagecache_peek(ino, first + i) != NO_FRAME)
			continue;
		u64 f;
		long e = pagecache_get(ino, first + i, &f);
		if (e < 0) {
			for (u64 j = 0; j < i; j++)
				if (added[j / 8] & (1 << (j % 8)))
					pagecache_drop(ino, first + j);
			r = e == -ENOMEM ? -ENOSPC : (int)e;
			break;
		}
		added[i / 8] |= 1 << (i % 8);
		frame_put(f);
	}
	free(added);
	return r;
}

static int ramfs_fallocate(struct inode *ino, int mode, u64 off, u64 len)
{
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (mode & FALLOC_FL_PUNCH_HOLE) {
		pagecache_punch(ino, off, len);
		touch(ino);
		return 0;
	}
	int r = falloc_pages(ino, off, len);
	if (r < 0)
		return r;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > ino->size)
		ino->size = off + len;
	touch(ino);
	return 0;
}

/* the VFS has checked the caller's right and says which ids (attr.c) */
static int ramfs_chown(struct inode *ino, u32 uid, u32 gid)
{
	ino->uid = uid;
	ino->gid = gid;
	return 0;
}

static void ramfs_evict(struct inode *ino)
{
	struct rinfo *ri = ino->priv;
	if (!ri)
		return;
	if (ino->sb && ino->sb->priv)
		((struct rsb *)ino->sb->priv)->inodes--;
	while (ri->entries) {
		struct rdirent *e = ri->entries;
		ri->entries = e->next;
		iput(e->inode);
		free(e);
	}
	if (ri->anon_pages)
		vm_uncommit_kernel(ri->anon_pages);
	size_t xs = simple_xattrs_free(&ri->xattrs);
	if (ino->sb && ino->sb->priv)
		((struct rsb *)ino->sb->priv)->xattr_space -= xs;
	free(ri->target);
	free(ri);
}

/* Shared anonymous memory (an inode of no file system) is charged to the
 * commit limit for its whole size while it lives, as Linux charges the
 * shmem object behind MAP_SHARED|MAP_ANONYMOUS; it only grows. */
int ramfs_anon_resize(struct inode *ino, u64 size)
{
	struct rinfo *ri = ino->priv;
	u64 want = PAGE_ALIGN(size) >> PAGE_SHIFT;
	if (ino->sb || !ri)
		return -EINVAL;
	if (want > ri->anon_pages) {
		if (vm_commit_kernel(want - ri->anon_pages) < 0)
			return -ENOMEM;
		ri->anon_pages = want;
	}
	ino->size = MAX(ino->size, size);
	return 0;
}

/* A data page of an in-memory file: charged to the instance and to the
 * commit limit, or ENOSPC. */
static int ramfs_account(struct inode *ino, long pages)
{
	struct rsb *rs = ino->sb ? ino->sb->priv : NULL;
	if (!rs)
		return 0; /* shared anonymous memory: charged with its mapping */
	if (pages < 0) {
		BUG_ON(rs->pages < (u64)-pages);
		rs->pages -= -pages;
		vm_uncommit_kernel(-pages);
		return 0;
	}
	if (rs->max_pages && rs->pages + pages > rs->max_pages)
		return -ENOSPC;
	if (vm_commit_kernel(pages) < 0)
		return -ENOSPC;
	rs->pages += pages;
	return 0;
}

/* Generic reads and writes through the page cache (ramfs's storage). */
long pagecache_read(struct inode *ino, void *buf, size_t len, u64 *pos)
{
	if (*pos >= ino->size)
		return 0;
	len = MIN(len, ino->size - *pos);
	size_t done = 0;
	while (done < len) {
		u64 off = *pos + done, f = pagecache_peek(ino, off >> PAGE_SHIFT);
		size_t n = MIN(len - done, PAGE_SIZE - (off & ~PAGE_MASK));
		if (f == NO_FRAME) {
			if (ino->iops && ino->iops->readpage) {
				long r = pagecache_get(ino, off >> PAGE_SHIFT, &f);
				if (r < 0)
					return done ? (long)done : r;
				frame_put(f);
			}
		}
		if (f == NO_FRAME)
			memset((u8 *)buf + done, 0, n);
		else
			memcpy((u8 *)buf + done, (u8 *)frame_ptr(f) + (off & ~PAGE_MASK), n);
		done += n;
	}
	*pos += done;
	return done;
}

long pagecache_write(struct inode *ino, const void *buf, size_t len, u64 *pos)
{
	size_t done = 0;
	if (*pos >= RAMFS_MAXBYTES)
		return len ? -EFBIG : 0;
	len = MIN(len, RAMFS_MAXBYTES - *pos);
	while (done < len) {
		u64 off = *pos + done, f;
		size_t n = MIN(len - done, PAGE_SIZE - (off & ~PAGE_MASK));
		long r = pagecache_get(ino, off >> PAGE_SHIFT, &f);
		if (r < 0) {
			/* what was stored stays, and counts */
			if (done)
				break;
			return r == -ENOMEM ? -ENOSPC : r;
		}
		memcpy((u8 *)frame_ptr(f) + (off & ~PAGE_MASK), (const u8 *)buf + done, n);
		frame_put(f);
		done += n;
	}
	*pos += done;
	if (*pos > ino->size)
		ino->size = *pos;
	touch(ino);
	return done;
}

static long ramfs_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	long r = pagecache_read(f->inode, buf, len, pos);
	if (r >= 0)
		accessed(f);
	return r;
}

static long ramfs_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	if (ro(f->inode))
		return -EROFS;
	if (f->flags & O_APPEND)
		*pos = f->inode->size;
	int r = memfd_may_write(f->inode, *pos, len);
	if (r < 0)
		return r;
	return pagecache_write(f->inode, buf, len, pos);
}

static unsigned dtype(u32 mode)
{
	return IFTODT(mode);
}

static long ramfs_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	struct inode *dir = f->inode;
	struct rinfo *ri = dir->priv;
	s64 i = 0;
	accessed(f);
	if (f->pos == 0) {
		if (fill(sink, ".", 1, dir->ino, DT_DIR, 1))
			return 0;
		f->pos = 1;
	}
	if (f->pos == 1) {
		struct inode *par = ri->parent ? ri->parent : dir;
		if (fill(sink, "..", 2, par->ino, DT_DIR, 2))
			return 0;
		f->pos = 2;
	}
	for (struct rdirent *e = ri->entries; e; e = e->next, i++) {
		if (i + 2 < (s64)f->pos)
			continue;
		if (fill(sink, e->name, strlen(e->name), e->inode->ino, dtype(e->inode->mode), i + 3))
			return 0;
		f->pos = i + 3;
	}
	return 0;
}

static const struct inode_ops ramfs_iops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create,
	.unlink = ramfs_unlink,
	.symlink = ramfs_symlink,
	.link = ramfs_link,
	.rename = ramfs_rename,
	.readlink = ramfs_readlink,
	.truncate = ramfs_truncate,
	.chmod = ramfs_chmod,
	.open = ramfs_open,
	.chown = ramfs_chown,
	.evict = ramfs_evict,
	.account = ramfs_account,
	.set_times = ramfs_set_times,
	.setxattr = ramfs_setxattr,
	.getxattr = ramfs_getxattr,
	.listxattr = ramfs_listxattr,
	.removexattr = ramfs_removexattr,
	.fallocate = ramfs_fallocate,
	.tmpfile = ramfs_tmpfile,
};

static const struct file_ops ramfs_file_fops = {
	.read = ramfs_read,
	.write = ramfs_write,
	.seekable = true,
};

static const struct file_ops ramfs_dir_fops = {
	.iterate = ramfs_iterate,
	.seekable = true,
};

/* A size: bytes with k/m/g, or a percentage of mem= ("50%"). */
static int parse_size(const char *v, u64 *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 0);
	if (end == v || errno)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': n <<= 10; end++; break;
	case 'm': case 'M': n <<= 20; end++; break;
	case 'g': case 'G': n <<= 30; end++; break;
	case '%': n = (physmem_frames * PAGE_SIZE) / 100 * n; end++; break;
	}
	if (*end)
		return -EINVAL;
	*out = n;
	return 0;
}

/* tmpfs's options: size=, nr_blocks=, nr_inodes=, mode=, uid=, gid= (of
 * the root directory), ro; others (huge=, mpol=...) are accepted and
 * ignored. */
static int parse_opts(struct rsb *rs, const char *opts, u32 *mode, u32 *uid, u32 *gid,
		      bool *readonly)
{
	char buf[256];
	if (!opts)
		return 0;
	snprintf(buf, sizeof(buf), "%s", opts);
	for (char *save, *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *v = strchr(o, '=');
		u64 n;
		if (!strcmp(o, "ro"))
			*readonly = true;
		if (!v)
			continue;
		*v++ = 0;
		if (!strcmp(o, "size") || !strcmp(o, "nr_blocks") || !strcmp(o, "nr_inodes")) {
			if (parse_size(v, &n) < 0)
				return -EINVAL;
			if (!strcmp(o, "size"))
				rs->max_pages = PAGE_ALIGN(n) >> PAGE_SHIFT;
			else if (!strcmp(o, "nr_blocks"))
				rs->max_pages = n;
			else
				rs->max_inodes = n;
		} else if (!strcmp(o, "mode")) {
			*mode = strtoul(v, NULL, 8) & 07777;
		} else if (!strcmp(o, "uid") || !strcmp(o, "gid")) {
			char *end;
			unsigned long id = strtoul(v, &end, 10);
			if (*end || !*v || id >= 0xffffffffUL)
				return -EINVAL;
			*(o[0] == 'u' ? uid : gid) = id;
		}
	}
	return 0;
}

static int mount_common(struct super_block *sb, const char *opts, bool tmpfs)
{
	struct rsb *rs = kzalloc(sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	/* Linux's tmpfs defaults; ramfs has no size limit, but every page is
	 * still charged to the commit limit */
	rs->max_pages = tmpfs ? physmem_frames / 2 : 0;
	rs->max_inodes = physmem_frames / 2;
	u32 mode = tmpfs ? 01777 : 0755;
	/* the root is the mounter's, as Linux's tmpfs */
	u32 uid = current ? current->fsuid : 0, gid = current ? current->fsgid : 0;
	int r = tmpfs ? parse_opts(rs, opts, &mode, &uid, &gid, &sb->readonly) : 0;
	if (r < 0) {
		free(rs);
		return r;
	}
	/* nr_inodes=0 and size=0 mean "no limit" in Linux; the commit limit
	 * still holds for pages, and inodes keep the default bound: each one
	 * is host memory */
	if (!rs->max_inodes)
		rs->max_inodes = physmem_frames / 2;
	sb->priv = rs;
	sb->root = ramfs_new_inode(sb, S_IFDIR | mode);
	if (!sb->root) {
		free(rs);
		sb->priv = NULL;
		return -ENOMEM;
	}
	sb->root->uid = uid;
	sb->root->gid = gid;
	return 0;
}

static int ramfs_mount(struct super_block *sb, const char *source, const char *opts)
{
	return mount_common(sb, opts, false);
}

static int tmpfs_mount(struct super_block *sb, const char *source, const char *opts)
{
	return mount_common(sb, opts, true);
}

/* statfs: Linux's figures.  tmpfs: size= in pages, nr_inodes= with the
 * free inodes what is left of the inode space (attributes take some);
 * ramfs: no limits to report. */
static int ramfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	st->type = 0x858458f6; /* RAMFS_MAGIC */
	st->bsize = PAGE_SIZE;
	st->namelen = 255;
	return 0;
}

static int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct rsb *rs = sb->priv;
	st->type = 0x01021994; /* TMPFS_MAGIC */
	st->bsize = PAGE_SIZE;
	st->namelen = 255;
	if (rs->max_pages) {
		st->blocks = rs->max_pages;
		st->bfree = st->bavail = rs->max_pages - MIN(rs->pages, rs->max_pages);
	}
	u64 cap = rs->max_inodes * BOGO_INODE_SIZE, used = rs->inodes * BOGO_INODE_SIZE + rs->xattr_space;
	st->files = rs->max_inodes;
	st->ffree = used < cap ? (cap - used) / BOGO_INODE_SIZE : 0;
	return 0;
}

/* umount of an instance nothing uses (namei.c checks): the root's
 * reference goes, and with it every inode, name and page of the tree. */
static void ramfs_kill_sb(struct super_block *sb)
{
	iput(sb->root);
	free(sb->priv);
	free(sb);
}

const struct fs_type ramfs_type = { "ramfs", ramfs_mount, ramfs_kill_sb, ramfs_statfs };
const struct fs_type tmpfs_type = { "tmpfs", tmpfs_mount, ramfs_kill_sb, tmpfs_statfs };
