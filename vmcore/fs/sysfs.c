/* sysfs (mount -t sysfs sysfs /sys): the device model as the tools that
 * start a system read it.  vmcore has no buses or drivers to describe, so
 * the tree is small and fixed, built at the first mount from what the
 * kernel has:
 *   devices/system/cpu/{online,possible,present,kernel_max}, cpuN/
 *                        the guest's CPUs (vcpus=), all online
 *   devices/virtual/{mem,tty}/NAME/{dev,uevent}, class/{mem,tty}/NAME ->
 *                        the character devices (devices.c), as links
 *   kernel/mm/transparent_hugepage/enabled   "never" (no huge pages)
 *   kernel/debug, kernel/tracing   empty: mount points for debugfs, tracefs
 *   fs/cgroup            empty: no cgroups (mounting one there fails)
 *   block, bus, dev, firmware, power   empty
 * Every file is read-only text; writes are EACCES at open. */
#include <vmcore/task.h>
#include <vmcore/vfs.h>
#include <vmcore/strbuf.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

struct snode {
	char *name;
	u32 mode;         /* S_IFDIR, S_IFREG or S_IFLNK, with permissions */
	char *text;       /* a file's contents, a link's target */
	u64 ino;
	struct inode *inode; /* its inode in the latest mount (one reference) */
	struct snode *parent, *child, *next;
};

static struct snode *sroot;
static u64 next_ino = 2;
static const struct inode_ops sysfs_iops;
static const struct file_ops sysfs_file_fops, sysfs_dir_fops;

static struct snode *snode_new(struct snode *parent, const char *name, u32 mode, const char *text)
{
	struct snode *n = calloc(1, sizeof(*n));
	if (!n || !(n->name = strdup(name)) || (text && !(n->text = strdup(text)))) {
		if (n)
			free(n->name);
		free(n);
		return NULL;
	}
	n->mode = mode;
	n->ino = next_ino++;
	n->parent = parent ? parent : n;
	if (parent) {
		struct snode **pp = &parent->child;
		while (*pp)
			pp = &(*pp)->next;
		*pp = n;
	}
	return n;
}

static struct snode *child(struct snode *dir, const char *name)
{
	for (struct snode *c = dir ? dir->child : NULL; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* the directory at path under root, made as needed */
static struct snode *mkdirs(const char *path)
{
	struct snode *d = sroot;
	char comp[64];
	while (d && *path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);
		snprintf(comp, sizeof(comp), "%.*s", (int)len, path);
		struct snode *c = child(d, comp);
		d = c ? c : snode_new(d, comp, S_IFDIR | 0755, NULL);
		path += len + (slash ? 1 : 0);
	}
	return d;
}

static void file(const char *dir, const char *name, const char *text)
{
	struct snode *d = mkdirs(dir);
	if (d)
		snode_new(d, name, S_IFREG | 0444, text);
}

static void build_tree(void)
{
	if (sroot || !(sroot = snode_new(NULL, "/", S_IFDIR | 0755, NULL)))
		return;
	char range[32], tmp[64];
	int n = nr_vcpus > 0 ? nr_vcpus : 1;
	if (n == 1)
		snprintf(range, sizeof(range), "0\n");
	else
		snprintf(range, sizeof(range), "0-%d\n", n - 1);
	const char *cpu = "devices/system/cpu";
	file(cpu, "kernel_max", "8191\n");
	file(cpu, "offline", "\n");
	file(cpu, "online", range);
	file(cpu, "possible", range);
	file(cpu, "present", range);
	for (int i = 0; i < n; i++) {
		char dir[64];
		snprintf(dir, sizeof(dir), "%s/cpu%d", cpu, i);
		if (i > 0)
			file(dir, "online", "1\n"); /* cpu0 cannot go offline: no file, as Linux */
		snprintf(dir, sizeof(dir), "%s/cpu%d/topology", cpu, i);
		snprintf(tmp, sizeof(tmp), "%d\n", i);
		file(dir, "core_id", tmp);
		file(dir, "physical_package_id", "0\n");
	}
	const struct chrdev *d;
	for (int i = 0; (d = chrdev_nth(i)); i++) {
		if (d->any_minor)
			continue;
		const char *cls = d->major == 1 ? "mem" : "tty";
		char dir[96], target[96];
		snprintf(dir, sizeof(dir), "devices/virtual/%s/%s", cls, d->name);
		snprintf(tmp, sizeof(tmp), "%u:%u\n", d->major, d->minor);
		file(dir, "dev", tmp);
		snprintf(tmp, sizeof(tmp), "MAJOR=%u\nMINOR=%u\nDEVNAME=%s\n", d->major, d->minor,
			 d->name);
		file(dir, "uevent", tmp);
		snprintf(dir, sizeof(dir), "class/%s", cls);
		snprintf(target, sizeof(target), "../../devices/virtual/%s/%s", cls, d->name);
		struct snode *c = mkdirs(dir);
		if (c)
			snode_new(c, d->name, S_IFLNK | 0777, target);
	}
	file("kernel/mm/transparent_hugepage", "enabled", "always madvise [never]\n");
	static const char *empty[] = { "kernel/debug", "kernel/tracing", "kernel/security",
				       "fs/cgroup", "block", "bus", "dev/char", "dev/block",
				       "firmware", "power", "module" };
	for (size_t i = 0; i < ARRAY_SIZE(empty); i++)
		mkdirs(empty[i]);
}

/* A node keeps one inode per mount instance: a mount point is known by
 * its inode (the mount table pins it), so a directory must be the same
 * inode at every lookup for what is mounted on it to be found. */
static struct inode *sysfs_inode(struct super_block *sb, struct snode *n)
{
	if (n->inode && n->inode->sb == sb)
		return iget(n->inode);
	struct inode *ino = inode_new(sb, n->mode);
	if (!ino)
		return NULL;
	ino->priv = n;
	ino->ino = n->ino;
	ino->iops = &sysfs_iops;
	ino->fops = S_ISDIR(n->mode) ? &sysfs_dir_fops : &sysfs_file_fops;
	if (S_ISDIR(n->mode))
		ino->nlink = 2;
	if (S_ISREG(n->mode))
		ino->size = 4096; /* as Linux: a page, whatever the text */
	if (S_ISDIR(n->mode)) {
		if (n->inode)
			iput(n->inode);
		n->inode = iget(ino);
	}
	return ino;
}

static int sysfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct snode *c = child(dir->priv, name);
	if (!c)
		return -ENOENT;
	*out = sysfs_inode(dir->sb, c);
	return *out ? 0 : -ENOMEM;
}

static long sysfs_readlink(struct inode *ino, char *buf, size_t len)
{
	struct snode *n = ino->priv;
	if (!S_ISLNK(n->mode))
		return -EINVAL;
	size_t k = MIN(len, strlen(n->text));
	memcpy(buf, n->text, k);
	return k;
}

static int sysfs_open(struct inode *ino, struct file *f)
{
	if (!S_ISDIR(ino->mode) && (f->flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	return 0;
}

static long sysfs_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	struct snode *n = f->inode->priv;
	size_t tl = n->text ? strlen(n->text) : 0;
	if (*pos >= tl)
		return 0;
	size_t k = MIN(len, tl - *pos);
	memcpy(dst, n->text + *pos, k);
	*pos += k;
	return k;
}

static long sysfs_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	struct snode *d = f->inode->priv;
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
	for (struct snode *c = d->child; c; c = c->next)
		EMIT(c->name, c->ino, IFTODT(c->mode));
#undef EMIT
	return 0;
}

static const struct inode_ops sysfs_iops = {
	.lookup = sysfs_lookup, .readlink = sysfs_readlink, .open = sysfs_open,
};
static const struct file_ops sysfs_file_fops = { .mmap_denied = no_mmap, .read = sysfs_read, .seekable = true };
static const struct file_ops sysfs_dir_fops = { .iterate = sysfs_iterate, .seekable = true };

static int sysfs_mount(struct super_block *sb, const char *source, const char *opts)
{
	build_tree();
	if (!sroot)
		return -ENOMEM;
	sb->root = sysfs_inode(sb, sroot);
	return sb->root ? 0 : -ENOMEM;
}

const struct fs_type sysfs_type = { "sysfs", sysfs_mount };

__attribute__((constructor)) static void sysfs_register(void)
{
	register_filesystem(&sysfs_type);
}
