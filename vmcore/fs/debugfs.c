/* debugfs (mount -t debugfs none /sys/kernel/debug; the initramfs mounts
 * it there): the kernel's debugging files, as Linux lays them out.
 *   gcov/reset           write anything: every counter back to zero
 *   gcov/<build path>/X.gcda   the counters of one kernel object file,
 *                        as gcov reads them (coverage builds)
 *   kcov                 Linux's KCOV interface (KCOV builds)
 * The tree is built when it is mounted. */
#include <vmcore/task.h>
#include <vmcore/vfs.h>
#include <dirent.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include "../../coverage/coverage.h"
#include "../../coverage/kcov.h"

enum dkind { D_DIR, D_RESET, D_GCDA, D_KCOV };

struct dnode {
	char *name;
	enum dkind kind;
	int idx;          /* D_GCDA: the object */
	u64 ino;
	struct dnode *parent, *child, *next;
};

static struct super_block *dfs_sb;
static struct dnode *droot;
static u64 next_ino = 2;
static const struct inode_ops dfs_iops;
static const struct file_ops dfs_file_fops, dfs_dir_fops;

static struct dnode *dnode_new(struct dnode *parent, const char *name, enum dkind kind, int idx)
{
	struct dnode *n = calloc(1, sizeof(*n));
	if (!n || !(n->name = strdup(name))) {
		free(n);
		return NULL;
	}
	n->kind = kind;
	n->idx = idx;
	n->ino = next_ino++;
	n->parent = parent ? parent : n;
	if (parent) {
		/* keep the children in order of insertion */
		struct dnode **pp = &parent->child;
		while (*pp)
			pp = &(*pp)->next;
		*pp = n;
	}
	return n;
}

static struct dnode *child_named(struct dnode *dir, const char *name, size_t len)
{
	for (struct dnode *c = dir->child; c; c = c->next)
		if (strlen(c->name) == len && !strncmp(c->name, name, len))
			return c;
	return NULL;
}

/* gcov/<path>: the directories of path made as needed */
static void add_gcda(struct dnode *gcov, const char *path, int idx)
{
	struct dnode *dir = gcov;
	const char *p = path;
	while (*p == '/')
		p++;
	for (;;) {
		const char *slash = strchr(p, '/');
		if (!slash) {
			if (*p)
				dnode_new(dir, p, D_GCDA, idx);
			return;
		}
		if (slash > p) {
			char comp[256];
			size_t len = MIN((size_t)(slash - p), sizeof(comp) - 1);
			memcpy(comp, p, len);
			comp[len] = 0;
			struct dnode *c = child_named(dir, p, slash - p);
			if (!c && !(c = dnode_new(dir, comp, D_DIR, 0)))
				return;
			dir = c;
		}
		p = slash + 1;
	}
}

static void build_tree(void)
{
	if (droot)
		return;
	droot = dnode_new(NULL, "/", D_DIR, 0);
	if (!droot)
		return;
	if (gcov_count()) {
		struct dnode *gcov = dnode_new(droot, "gcov", D_DIR, 0);
		if (gcov) {
			dnode_new(gcov, "reset", D_RESET, 0);
			for (int i = 0; i < gcov_count(); i++)
				add_gcda(gcov, gcov_name(i), i);
		}
	}
	if (kcov_available())
		dnode_new(droot, "kcov", D_KCOV, 0);
}

static struct inode *dfs_inode(struct dnode *n)
{
	u32 mode = n->kind == D_DIR ? S_IFDIR | 0755 : n->kind == D_RESET ? S_IFREG | 0600 :
		   n->kind == D_KCOV ? S_IFREG | 0600 : S_IFREG | 0644;
	struct inode *ino = inode_new(dfs_sb, mode);
	if (!ino)
		return NULL;
	ino->priv = n;
	ino->ino = n->ino;
	ino->iops = &dfs_iops;
	ino->fops = n->kind == D_DIR ? &dfs_dir_fops : n->kind == D_KCOV ? &kcov_fops : &dfs_file_fops;
	return ino;
}

static int dfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct dnode *d = dir->priv;
	struct dnode *c = child_named(d, name, strlen(name));
	if (!c)
		return -ENOENT;
	*out = dfs_inode(c);
	return *out ? 0 : -ENOMEM;
}

struct snapshot {
	char *buf;
	long len;
};

static long dfs_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	struct dnode *n = f->inode->priv;
	if (n->kind != D_GCDA)
		return -EINVAL;
	struct snapshot *s = f->priv;
	if (!s) {
		/* the counters as they are when the file is first read */
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		void *buf = NULL;
		s->len = gcov_snapshot(n->idx, &buf);
		if (s->len < 0) {
			long e = s->len;
			free(s);
			return e;
		}
		s->buf = buf;
		f->priv = s;
	}
	if (*pos >= (u64)s->len)
		return 0;
	size_t k = MIN(len, (size_t)(s->len - *pos));
	memcpy(dst, s->buf + *pos, k);
	*pos += k;
	return k;
}

static long dfs_write(struct file *f, const void *src, size_t len, u64 *pos)
{
	struct dnode *n = f->inode->priv;
	if (n->kind != D_RESET)
		return -EINVAL;
	gcov_reset_all();
	return len;
}

static void dfs_release(struct file *f)
{
	struct snapshot *s = f->priv;
	if (s) {
		free(s->buf);
		free(s);
		f->priv = NULL;
	}
}

static long dfs_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	struct dnode *d = f->inode->priv;
	s64 i = 0;
#define EMIT(nm, ino, ty)                                                    \
	do {                                                                 \
		if (i >= (s64)f->pos) {                                     \
			if (fill(sink, nm, strlen(nm), ino, ty, i + 1))     \
				return 0;                                   \
			f->pos = i + 1;                                     \
		}                                                            \
		i++;                                                         \
	} while (0)
	EMIT(".", d->ino, DT_DIR);
	EMIT("..", d->parent->ino, DT_DIR);
	for (struct dnode *c = d->child; c; c = c->next)
		EMIT(c->name, c->ino, c->kind == D_DIR ? DT_DIR : DT_REG);
#undef EMIT
	return 0;
}

static const struct inode_ops dfs_iops = { .lookup = dfs_lookup };
static const struct file_ops dfs_file_fops = { .mmap_denied = no_mmap, .read = dfs_read, .write = dfs_write, .release = dfs_release,
					       .seekable = true };
static const struct file_ops dfs_dir_fops = { .iterate = dfs_iterate, .seekable = true };

static int dfs_mount(struct super_block *sb, const char *source, const char *opts)
{
	build_tree();
	if (!droot)
		return -ENOMEM;
	dfs_sb = sb;
	sb->root = dfs_inode(droot);
	return sb->root ? 0 : -ENOMEM;
}

const struct fs_type debugfs_type = { "debugfs", dfs_mount };
