/* mount(2) and umount2(2): proc, ramfs/tmpfs, and hostfs on a directory
 * of the guest.  A hostfs source is a directory under the command line's
 * hostfs=DIR, never any other host path: without hostfs= the guest gets
 * EPERM, as a Linux container's root does for a file system its namespace
 * may not mount.  MS_RDONLY makes the mount read-only (EROFS on writes),
 * MS_NOSUID makes exec ignore set-id bits (sb->nosuid), MS_NOEXEC refuses
 * exec and executable file maps, MS_NODEV refuses to open device nodes.
 * MS_BIND and MS_MOVE work on the mount table (fs/namei.c); the flags
 * live on the super block, so a bind mount shares those of its source.
 *
 * The mount table's text is here too: /proc/mounts and /proc/PID/mounts
 * ("SOURCE TARGET TYPE OPTIONS 0 0") and /proc/PID/mountinfo (Linux's
 * proc(5) layout: ID PARENT MAJ:MIN ROOT TARGET OPTIONS - TYPE SOURCE
 * SUPER-OPTIONS).  The per-mount options are the flags mount(2) was given. */
#include <vmcore/cred.h>
#include <vmcore/syscall.h>
#include <vmcore/strbuf.h>
#include <stdio.h>
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
	if ((flags & MS_REMOUNT) && !(flags & MS_BIND))
		return vfs_remount(t->fs, target, flags & MS_RDONLY);
	if (flags & MS_REMOUNT)
		return vfs_remount_bind(t->fs, target, flags);
	if (flags & MS_BIND)
		return source[0] ? vfs_bind_mount(t->fs, source, target) : -ENOENT;
	if (flags & MS_MOVE)
		return source[0] ? vfs_move_mount(t->fs, source, target) : -ENOENT;
	if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE)) {
		/* one mount namespace and no peers: every mount is private
		 * already, and a propagation type changes nothing to see */
		return vfs_check_mount_root(t->fs, target);
	}
	if (!type[0])
		return -EINVAL;
	const char *src = source;
	if (!strcmp(type, "hostfs") && (!source[0] || !strcmp(source, "none")) && data[0])
		src = data; /* UML's style: the host directory as the data */
	/* hostfs from the guest: only under the command line's hostfs=DIR,
	 * the source taken relative to DIR (hostfs.c); EPERM without it */
	const char *opts = (flags & MS_RDONLY) ? "ro" : NULL;
	char tmpfs_opts[sizeof(data) + 4];
	if (!strcmp(type, "tmpfs")) {
		/* size=, nr_inodes=, mode=, uid=, gid=, and ro for MS_RDONLY */
		snprintf(tmpfs_opts, sizeof(tmpfs_opts), "%s%s%s", data, data[0] && (flags & MS_RDONLY) ? "," : "",
			 (flags & MS_RDONLY) ? "ro" : "");
		opts = tmpfs_opts;
	}
	r = vfs_mount_flags(t->fs, type, src, target, opts,
			    flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
				     MS_NODIRATIME | MS_STRICTATIME | MS_SYNCHRONOUS | MS_DIRSYNC),
			    data);
	if (r == 0 && (flags & (MS_NOSUID | MS_NOEXEC | MS_NODEV))) {
		/* the walk to the target now ends on the new mount's root */
		struct dentry *d;
		if (path_walk(t->fs, NULL, target, LOOKUP_FOLLOW, &d, NULL) == 0) {
			d->inode->sb->nosuid = flags & MS_NOSUID;
			d->inode->sb->noexec = flags & MS_NOEXEC;
			d->inode->sb->nodev = flags & MS_NODEV;
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

/* a path or source as proc(5) prints it: blanks and backslashes octal */
static void put_escaped(struct buf *b, const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			bprintf(b, "\\%03o", (unsigned char)*s);
		else
			bmem(b, s, 1);
}

static void put_mount_opts(struct buf *b, u64 fl)
{
	bprintf(b, "%s", (fl & MS_RDONLY) ? "ro" : "rw");
	if (fl & MS_NOSUID)
		bprintf(b, ",nosuid");
	if (fl & MS_NODEV)
		bprintf(b, ",nodev");
	if (fl & MS_NOEXEC)
		bprintf(b, ",noexec");
	if (fl & MS_SYNCHRONOUS)
		bprintf(b, ",sync");
	if (fl & MS_DIRSYNC)
		bprintf(b, ",dirsync");
	if (fl & MS_NOATIME)
		bprintf(b, ",noatime");
	else if (fl & MS_NODIRATIME)
		bprintf(b, ",nodiratime");
	if (!(fl & (MS_NOATIME | MS_STRICTATIME)))
		bprintf(b, ",relatime"); /* Linux's default */
}

void mount_show(struct buf *b, struct task *t, bool info)
{
	(void)t; /* one mount namespace: every task sees the same table */
	const struct mount_view *m;
	for (int i = 0; (m = mount_get(i)); i++) {
		const char *type = m->sb->type->name;
		if (i == 0 && !strcmp(type, "ramfs"))
			type = "rootfs"; /* the initramfs, as Linux names it */
		if (info) {
			struct kstat st = { 0 };
			vfs_getattr(m->sb->root, &st);
			bprintf(b, "%d %d %u:%u ", m->id, m->parent_id, (unsigned)major(st.dev),
				(unsigned)minor(st.dev));
			put_escaped(b, m->root ? m->root : "/");
			bprintf(b, " ");
			put_escaped(b, m->path);
			bprintf(b, " ");
			put_mount_opts(b, m->flags);
			bprintf(b, " - %s ", type);
			put_escaped(b, m->source);
			bprintf(b, " %s", (m->flags & MS_RDONLY) ? "ro" : "rw");
		} else {
			put_escaped(b, m->source);
			bprintf(b, " ");
			put_escaped(b, m->path);
			bprintf(b, " %s ", type);
			put_mount_opts(b, m->flags);
		}
		if (m->data)
			bprintf(b, ",%s", m->data);
		bprintf(b, info ? "\n" : " 0 0\n");
	}
}
