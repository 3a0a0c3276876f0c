/* tracefs: control of the syscall trace from inside the guest, in the
 * style of Linux's tracing directory (mount -t tracefs none DIR; the
 * initramfs mounts it on /sys/kernel/tracing).  Files under vmcore/:
 *   enable     0 or 1
 *   filter     the trace= expression (names, %classes, !)
 *   format     text or json
 *   output     host (the trace_out= file or stderr) or guest (trace_pipe)
 *   trace_pipe the trace, when output is guest: reads block until there is some */
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <vmcore/trace.h>
#include <dirent.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

enum tkind { T_ROOT, T_DIR, T_ENABLE, T_FILTER, T_FORMAT, T_OUTPUT, T_PIPE };

static const struct {
	const char *name;
	enum tkind kind;
	u32 mode;
} files[] = {
	{ "enable", T_ENABLE, S_IFREG | 0644 }, { "filter", T_FILTER, S_IFREG | 0644 },
	{ "format", T_FORMAT, S_IFREG | 0644 }, { "output", T_OUTPUT, S_IFREG | 0644 },
	{ "trace_pipe", T_PIPE, S_IFREG | 0444 },
};

static const struct inode_ops tfs_iops;
static const struct file_ops tfs_file_fops, tfs_dir_fops;
static struct super_block *tfs_sb;

static struct inode *tfs_inode(enum tkind k, u32 mode)
{
	struct inode *ino = inode_new(tfs_sb, mode);
	if (!ino)
		return NULL;
	ino->priv = (void *)(long)k;
	ino->ino = 100 + k;
	ino->iops = &tfs_iops;
	ino->fops = S_ISDIR(mode) ? &tfs_dir_fops : &tfs_file_fops;
	return ino;
}

static enum tkind kind_of(struct inode *ino)
{
	return (enum tkind)(long)ino->priv;
}

static int tfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	if (kind_of(dir) == T_ROOT) {
		if (strcmp(name, "vmcore"))
			return -ENOENT;
		*out = tfs_inode(T_DIR, S_IFDIR | 0755);
		return *out ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (!strcmp(name, files[i].name)) {
			*out = tfs_inode(files[i].kind, files[i].mode);
			return *out ? 0 : -ENOMEM;
		}
	return -ENOENT;
}

static long tfs_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	enum tkind k = kind_of(f->inode);
	char buf[300];
	if (k == T_PIPE) {
		while (!trace_ring_len()) {
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			if (wait_interruptible(current, &trace_ring_cond, NULL) < 0)
				return -ERESTARTSYS;
		}
		return trace_ring_take(dst, len);
	}
	switch (k) {
	case T_ENABLE:
		snprintf(buf, sizeof(buf), "%d\n", trace_on);
		break;
	case T_FILTER:
		snprintf(buf, sizeof(buf), "%s\n", trace_get_filter());
		break;
	case T_FORMAT:
		snprintf(buf, sizeof(buf), "%s\n", trace_get_format_json() ? "json" : "text");
		break;
	case T_OUTPUT:
		snprintf(buf, sizeof(buf), "%s\n", trace_get_to_guest() ? "guest" : "host");
		break;
	default:
		return -EINVAL;
	}
	size_t n = strlen(buf);
	if (*pos >= n)
		return 0;
	n = MIN(len, n - *pos);
	memcpy(dst, buf + *pos, n);
	*pos += n;
	return n;
}

static long tfs_write(struct file *f, const void *src, size_t len, u64 *pos)
{
	char buf[256];
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, src, len);
	buf[len] = 0;
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	switch (kind_of(f->inode)) {
	case T_ENABLE:
		if (strcmp(buf, "0") && strcmp(buf, "1"))
			return -EINVAL;
		trace_on = buf[0] == '1';
		if (!trace_on)
			trace_flush();
		return len;
	case T_FILTER:
		return trace_set_filter(buf) < 0 ? -EINVAL : (long)len;
	case T_FORMAT:
		if (strcmp(buf, "text") && strcmp(buf, "json"))
			return -EINVAL;
		trace_set_format(!strcmp(buf, "json"));
		return len;
	case T_OUTPUT:
		if (strcmp(buf, "host") && strcmp(buf, "guest"))
			return -EINVAL;
		trace_set_to_guest(!strcmp(buf, "guest"));
		return len;
	default:
		return -EINVAL;
	}
}

static unsigned tfs_poll(struct file *f)
{
	if (kind_of(f->inode) == T_PIPE)
		return trace_ring_len() ? POLLIN | POLLRDNORM : 0;
	return POLLIN | POLLOUT;
}

static long tfs_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	s64 i = 0;
	enum tkind k = kind_of(f->inode);
#define EMIT(n, ino, ty)                                                     \
	do {                                                                 \
		if (i >= (s64)f->pos) {                                     \
			if (fill(sink, n, strlen(n), ino, ty, i + 1))       \
				return 0;                                   \
			f->pos = i + 1;                                     \
		}                                                            \
		i++;                                                         \
	} while (0)
	EMIT(".", f->inode->ino, DT_DIR);
	EMIT("..", 1, DT_DIR);
	if (k == T_ROOT)
		EMIT("vmcore", 100 + T_DIR, DT_DIR);
	else
		for (size_t j = 0; j < ARRAY_SIZE(files); j++)
			EMIT(files[j].name, 100 + files[j].kind, DT_REG);
#undef EMIT
	return 0;
}

static const struct inode_ops tfs_iops = { .lookup = tfs_lookup };
static const struct file_ops tfs_file_fops = { .mmap_denied = no_mmap, .read = tfs_read, .write = tfs_write, .poll = tfs_poll };
static const struct file_ops tfs_dir_fops = { .iterate = tfs_iterate, .seekable = true };

static int tfs_mount(struct super_block *sb, const char *source, const char *opts)
{
	tfs_sb = sb;
	sb->root = tfs_inode(T_ROOT, S_IFDIR | 0755);
	return sb->root ? 0 : -ENOMEM;
}

const struct fs_type tracefs_type = { "tracefs", tfs_mount };
