/* Inodes, dentries, open files and the page cache. */
#include <vmcore/vfs.h>
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
	clock_gettime(CLOCK_REALTIME, &ino->mtime);
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
	if (!ino || --ino->refs)
		return;
	if (ino->iops && ino->iops->evict)
		ino->iops->evict(ino);
	pagecache_free(ino);
	free(ino);
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
	st->blocks = (ino->size + 511) / 512;
	st->atime = ino->atime;
	st->mtime = ino->mtime;
	st->ctime = ino->ctime;
	return 0;
}

static int pc_grow(struct page_cache *pc, u64 n)
{
	if (n <= pc->n)
		return 0;
	u64 nn = MAX(n, pc->n * 2);
	u64 *f = realloc(pc->frames, nn * sizeof(u64));
	if (!f)
		return -ENOMEM;
	for (u64 i = pc->n; i < nn; i++)
		f[i] = NO_FRAME;
	pc->frames = f;
	pc->n = nn;
	return 0;
}

long pagecache_get(struct inode *ino, u64 pgoff, u64 *frame)
{
	struct page_cache *pc = &ino->pc;
	if (pgoff < pc->n && pc->frames[pgoff] != NO_FRAME) {
		frame_get(pc->frames[pgoff]);
		*frame = pc->frames[pgoff];
		return 0;
	}
	if (pgoff > (1UL << 36) || pc_grow(pc, pgoff + 1) < 0)
		return -ENOMEM;
	u64 f = frame_alloc();
	if (f == NO_FRAME)
		return -ENOMEM;
	if (ino->iops && ino->iops->readpage) {
		int r = ino->iops->readpage(ino, pgoff, frame_ptr(f));
		if (r < 0) {
			frame_put(f);
			return r;
		}
	}
	pc->frames[pgoff] = f;
	frame_get(f);
	*frame = f;
	return 0;
}

/* Put a frame of the kernel's into the page cache at pgoff (a reference
 * is taken): memory the kernel shares with whoever maps the file (KCOV). */
int pagecache_set(struct inode *ino, u64 pgoff, u64 frame)
{
	struct page_cache *pc = &ino->pc;
	if (pgoff > (1UL << 36) || pc_grow(pc, pgoff + 1) < 0)
		return -ENOMEM;
	if (pc->frames[pgoff] != NO_FRAME)
		frame_put(pc->frames[pgoff]);
	frame_get(frame);
	pc->frames[pgoff] = frame;
	return 0;
}

/* Fill the absent pages of [pgoff, pgoff+n) (within the file) with one
 * contiguous run of frames where possible, so that a file mapping of them
 * becomes few host mappings.  Best effort: errors leave pages absent. */
void pagecache_readahead(struct inode *ino, u64 pgoff, u64 n)
{
	u64 end = MIN(pgoff + n, PAGE_ALIGN(ino->size) >> PAGE_SHIFT);
	if (pgoff >= end || pc_grow(&ino->pc, end) < 0)
		return;
	u64 i = pgoff;
	while (i < end) {
		if (ino->pc.frames[i] != NO_FRAME) {
			i++;
			continue;
		}
		u64 want = 1;
		while (i + want < end && ino->pc.frames[i + want] == NO_FRAME)
			want++;
		u64 got, f = frame_alloc_run(want, &got);
		if (f == NO_FRAME)
			return;
		for (u64 k = 0; k < got; k++, i++) {
			if (ino->iops && ino->iops->readpage &&
			    ino->iops->readpage(ino, i, frame_ptr(f + k)) < 0) {
				for (; k < got; k++)
					frame_put(f + k);
				return;
			}
			ino->pc.frames[i] = f + k;
		}
	}
}

/* A cached page, or NO_FRAME (no reference taken). */
u64 pagecache_peek(struct inode *ino, u64 pgoff)
{
	return pgoff < ino->pc.n ? ino->pc.frames[pgoff] : NO_FRAME;
}

void pagecache_truncate(struct inode *ino, u64 size)
{
	struct page_cache *pc = &ino->pc;
	u64 keep = PAGE_ALIGN(size) >> PAGE_SHIFT;
	for (u64 i = keep; i < pc->n; i++)
		if (pc->frames[i] != NO_FRAME) {
			frame_put(pc->frames[i]);
			pc->frames[i] = NO_FRAME;
		}
	if (size & ~PAGE_MASK) {
		u64 f = pagecache_peek(ino, size >> PAGE_SHIFT);
		if (f != NO_FRAME)
			memset((u8 *)frame_ptr(f) + (size & ~PAGE_MASK), 0, PAGE_SIZE - (size & ~PAGE_MASK));
	}
}

int pagecache_writeback(struct inode *ino)
{
	if (!ino->iops || !ino->iops->writepage)
		return 0;
	int ret = 0;
	for (u64 i = 0; i < ino->pc.n; i++) {
		u64 f = ino->pc.frames[i];
		if (f == NO_FRAME || (i << PAGE_SHIFT) >= ino->size)
			continue;
		size_t len = MIN(PAGE_SIZE, ino->size - (i << PAGE_SHIFT));
		int r = ino->iops->writepage(ino, i, frame_ptr(f), len);
		if (r < 0)
			ret = r;
	}
	return ret;
}

void pagecache_free(struct inode *ino)
{
	for (u64 i = 0; i < ino->pc.n; i++)
		if (ino->pc.frames[i] != NO_FRAME)
			frame_put(ino->pc.frames[i]);
	free(ino->pc.frames);
	ino->pc.frames = NULL;
	ino->pc.n = 0;
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

/* Linux's default: a tenth of memory at 1 KiB a file, at least NR_FILE */
void files_max_init(u64 mem_bytes)
{
	files_max = MAX(8192, mem_bytes / 10 / 1024);
}

struct file *file_alloc(struct inode *ino, struct dentry *d, u32 flags)
{
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
