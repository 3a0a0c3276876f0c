/* Inodes, dentries and open files (the page cache is pagecache.c). */
#include <vmcore/cred.h>
#include <vmcore/fsnotify.h>
#include <vmcore/dnotify.h>
#include <vmcore/vfs.h>
#include <vmcore/task.h>
#include <vmcore/mm.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static u64 next_ino = 1000;

struct inode *inode_new(struct super_block *sb, u32 mode)
{
	struct inode *ino = kzalloc(sizeof(*ino));
	if (!ino)
		return NULL;
	ino->refs = 1;
	ino->sb = sb;
	ino->mode = mode;
	ino->ino = next_ino++;
	ino->nlink = 1;
	guest_realtime(&ino->mtime);
	ino->atime = ino->ctime = ino->mtime;
	return ino;
}

struct inode *iget(struct inode *ino)
{
	ino->refs++;
	return ino;
}

void iput(struct inode *ino)
{
	if (!ino)
		return;
	if (--ino->refs) {
		fsnotify_iput(ino);
		return;
	}
	if (ino->iops && ino->iops->evict)
		ino->iops->evict(ino);
	pagecache_free(ino);
	free(ino);
}

/* The attributes a permission check reads, fresh (hostfs asks the host). */
int inode_refresh(struct inode *ino)
{
	struct kstat k;
	return vfs_getattr(ino, &k);
}

int vfs_getattr(struct inode *ino, struct kstat *st)
{
	if (ino->iops && ino->iops->getattr) {
		int r = ino->iops->getattr(ino, st);
		if (r < 0)
			return r;
		return 0;
	}
	memset(st, 0, sizeof(*st));
	st->dev = ino->sb ? ino->sb->dev : 0;
	st->ino = ino->ino;
	st->mode = ino->mode;
	st->nlink = ino->nlink;
	st->uid = ino->uid;
	st->gid = ino->gid;
	st->size = ino->size;
	st->rdev = ino->rdev;
	st->blksize = PAGE_SIZE;
	/* an in-memory file's blocks are the pages it holds (sparse files) */
	st->blocks = ino->iops && ino->iops->account ? pagecache_pages(ino) * (PAGE_SIZE / 512)
						    : (ino->size + 511) / 512;
	st->atime = ino->atime;
	st->mtime = ino->mtime;
	st->ctime = ino->ctime;
	return 0;
}

struct dentry *dentry_new(struct dentry *parent, const char *name, struct inode *ino)
{
	size_t n = strlen(name);
	struct dentry *d = malloc(sizeof(*d) + n + 1);
	if (!d)
		return NULL;
	d->refs = 1;
	d->parent = parent ? dget(parent) : d;
	d->inode = ino;
	memcpy(d->name, name, n + 1);
	return d;
}

struct dentry *dget(struct dentry *d)
{
	d->refs++;
	return d;
}

void dput(struct dentry *d)
{
	while (d && --d->refs == 0) {
		struct dentry *p = d->parent;
		iput(d->inode);
		free(d);
		d = (p == d) ? NULL : p;
	}
}

long dentry_path(struct dentry *d, struct dentry *root, char *buf, size_t len)
{
	/* collect components from d up to root (or the top) */
	const char *parts[256];
	int n = 0;
	while (d != root && d->parent != d && n < 256) {
		parts[n++] = d->name;
		d = d->parent;
	}
	size_t used = 0;
	if (n == 0) {
		if (len < 2)
			return -ENAMETOOLONG;
		strcpy(buf, "/");
		return 1;
	}
	for (int i = n - 1; i >= 0; i--) {
		size_t l = strlen(parts[i]);
		if (used + l + 2 > len)
			return -ENAMETOOLONG;
		buf[used++] = '/';
		memcpy(buf + used, parts[i], l);
		used += l;
	}
	buf[used] = 0;
	return used;
}

u64 nr_files, files_max = 8192;
/* One open file per KiB of mem= at most, whatever file-max says: what
 * bounds the host memory open files take (Linux has no such ceiling; its
 * root may pass file-max, ours up to here). */
static u64 files_ceiling = 32768;

/* Linux's default: a tenth of memory at 1 KiB a file, at least NR_FILE */
void files_max_init(u64 mem_bytes)
{
	files_max = MAX(8192, mem_bytes / 10 / 1024);
	files_ceiling = MAX(files_max + 1024, mem_bytes / 1024);
}

int files_check(int n)
{
	if (nr_files + n > files_ceiling)
		return -ENFILE;
	if (nr_files + n > files_max && !(current && capable(current, CAP_SYS_ADMIN)))
		return -ENFILE;
	return 0;
}

struct file *file_alloc(struct inode *ino, struct dentry *d, u32 flags)
{
	if (nr_files >= files_ceiling)
		return NULL;
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	nr_files++;
	f->refs = 1;
	f->flags = flags;
	f->inode = iget(ino);
	f->dentry = d ? dget(d) : NULL;
	f->ops = ino->fops;
	return f;
}

struct file *fget(struct file *f)
{
	f->refs++;
	return f;
}

void fput(struct file *f)
{
	if (!f || --f->refs)
		return;
	fsnotify_close(f);
	if (S_ISDIR(f->inode->mode))
		dnotify_flush(f, NULL);
	if (f->ep_items)
		eventpoll_release_file(f);
	locks_remove_file(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	iput(f->inode);
	dput(f->dentry);
	free(f);
	nr_files--;
}

long vfs_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	return f->ops->read(f, buf, len, pos);
}

long vfs_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	return f->ops->write(f, buf, len, pos);
}

long kernel_read_file(struct file *f, void **out, size_t max)
{
	size_t cap = 65536, len = 0;
	u8 *buf = malloc(cap);
	u64 pos = 0;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap >= max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			u8 *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		long n = vfs_read(f, buf + len, cap - len, &pos);
		if (n < 0) {
			free(buf);
			return n;
		}
		if (n == 0)
			break;
		len += n;
	}
	*out = buf;
	return len;
}
