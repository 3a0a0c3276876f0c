/* O_TMPFILE: open an unnamed regular file in a directory.  It lives while
 * it is open and has no name until linkat gives it one (through
 * /proc/self/fd/N with AT_SYMLINK_FOLLOW, or the descriptor with
 * AT_EMPTY_PATH), unless it was opened O_EXCL, which makes it never
 * linkable.  The file system makes the inode (iops->tmpfile: tmpfs);
 * others say EOPNOTSUPP, as Linux's file systems without one. */
#include <vmcore/vfs.h>
#include <stdio.h>

int vfs_open_tmpfile(struct fs_struct *fs, struct dentry *start, const char *path, u32 flags,
		     u32 mode, unsigned lookup, struct file **out)
{
	u32 acc = flags & O_ACCMODE;
	/* O_TMPFILE carries O_DIRECTORY; O_CREAT with it is EINVAL */
	if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE)
		return -EINVAL;
	if (acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	struct dentry *dir;
	int r = path_walk(fs, start, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY | lookup, &dir, NULL);
	if (r < 0)
		return r;
	struct inode *ino;
	if (!dir->inode->iops || !dir->inode->iops->tmpfile)
		r = -EOPNOTSUPP;
	else
		r = dir->inode->iops->tmpfile(dir->inode, S_IFREG | (mode & 07777 & ~fs->umask),
					      !(flags & O_EXCL), &ino);
	if (r < 0) {
		dput(dir);
		return r;
	}
	/* its dentry has a name for /proc/PID/fd, found by no lookup */
	char name[32];
	snprintf(name, sizeof(name), "#%llu", (unsigned long long)ino->ino);
	struct dentry *d = dentry_new(dir, name, ino);
	dput(dir);
	if (!d) {
		iput(ino);
		return -ENOMEM;
	}
	return vfs_open_dentry(d, flags & ~(O_TMPFILE | O_EXCL), out);
}
