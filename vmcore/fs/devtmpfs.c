/* devtmpfs (mount -t devtmpfs none /dev): a tmpfs that starts out holding
 * a node for every character device the kernel has (devices.c, tty.c),
 * with Linux's names and modes.  After the mount it is an ordinary tmpfs:
 * nodes can be added, removed and chmod'ed, as udev and mdev expect.
 * Each mount is a fresh instance (Linux shares one; with one guest and no
 * udev, a fresh copy of the same nodes is what a reader can tell apart). */
#include <vmcore/vfs.h>
#include <string.h>

static u32 dev_mode(const char *name)
{
	if (!strcmp(name, "console"))
		return 0600;
	if (!strncmp(name, "tty", 3) && name[3])
		return 0620; /* the virtual terminals: owner and group tty */
	return 0666;
}

static int devtmpfs_mount(struct super_block *sb, const char *source, const char *opts)
{
	int r = tmpfs_type.mount(sb, source, "mode=755");
	if (r < 0)
		return r;
	const struct chrdev *d;
	for (int i = 0; (d = chrdev_nth(i)); i++) {
		if (d->any_minor)
			continue; /* a family (the pty slaves): devpts has them */
		r = sb->root->iops->create(sb->root, d->name, S_IFCHR | dev_mode(d->name),
					   makedev(d->major, d->minor), NULL);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

const struct fs_type devtmpfs_type = { "devtmpfs", devtmpfs_mount };

/* file system types outside namei.c's list register themselves */
__attribute__((constructor)) static void devtmpfs_register(void)
{
	register_filesystem(&devtmpfs_type);
}
