/* mount(2) and umount2(2): proc, ramfs/tmpfs, and hostfs on a directory
 * of the guest.  A hostfs source is a directory under the command line's
 * hostfs=DIR, never any other host path: without hostfs= the guest gets
 * EPERM, as a Linux container's root does for a file system its namespace
 * may not mount.  MS_RDONLY makes the mount read-only (EROFS on writes). */
#include <vmcore/cred.h>
#include <vmcore/syscall.h>
#include <string.h>
#include <sys/mount.h>

SYSCALL_DEFINE(mount)
{
	char source[4096] = "", target[4096], type[64] = "", data[256] = "";
	u64 flags = a->a[3];
	long r;
	if (!capable(t, CAP_SYS_ADMIN))
		return -EPERM;
	if (a->a[0] && (r = strncpy_from_user(t->mm, source, a->a[0], sizeof(source))) < 0)
		return r;
	if ((r = strncpy_from_user(t->mm, target, a->a[1], sizeof(target))) < 0)
		return r;
	if (a->a[2] && (r = strncpy_from_user(t->mm, type, a->a[2], sizeof(type))) < 0)
		return r == -ENAMETOOLONG ? -ENODEV : r;
	if (a->a[4] && strncpy_from_user(t->mm, data, a->a[4], sizeof(data)) < 0)
		data[0] = 0;
	if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)) {
		/* remounts and propagation changes: accepted, nothing to change yet */
		return (flags & (MS_BIND | MS_MOVE)) ? -EINVAL : 0;
	}
	if (!type[0])
		return -EINVAL;
	const char *src = source;
	if (!strcmp(type, "hostfs") && (!source[0] || !strcmp(source, "none")) && data[0])
		src = data; /* UML's style: the host directory as the data */
	/* hostfs from the guest: only under the command line's hostfs=DIR,
	 * the source taken relative to DIR (hostfs.c); EPERM without it */
	const char *opts = (flags & MS_RDONLY) ? "ro" : NULL;
	if (!strcmp(type, "tmpfs"))
		opts = data; /* size=, nr_inodes=, mode= */
	r = vfs_mount(t->fs, type, src, target, opts);
	if (r == 0 && (flags & MS_NOSUID)) {
		/* the walk to the target now ends on the new mount's root */
		struct dentry *d;
		if (path_walk(t->fs, NULL, target, LOOKUP_FOLLOW, &d, NULL) == 0) {
			d->inode->sb->nosuid = true;
			dput(d);
		}
	}
	return r;
}

SYSCALL_DEFINE(umount2)
{
	char target[4096];
	long r;
	if (!capable(t, CAP_SYS_ADMIN))
		return -EPERM;
	if ((r = strncpy_from_user(t->mm, target, a->a[0], sizeof(target))) < 0)
		return r;
	if (a->a[1] & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	return vfs_umount(t->fs, target);
}
