/* Owner, mode and access: access/faccessat/faccessat2, the chmod family,
 * the chown family and chroot, with Linux's permission rules (moved here
 * from fs/syscalls.c, which keeps the I/O calls).
 *
 * - access checks with the REAL ids (and, for a real uid of 0, the
 *   permitted capabilities; none for anyone else), the whole walk
 *   included; AT_EACCESS checks with the effective ones.
 * - chmod: the owner or CAP_FOWNER; S_ISGID is dropped when the caller is
 *   not in the file's group and lacks CAP_FSETID.
 * - chown: changing the owner needs CAP_CHOWN; the owner may change the
 *   group to one of its own groups; -1 keeps an id.  A chown of anything
 *   but a directory drops S_ISUID, and S_ISGID when group-executable (or
 *   when the caller may not keep it), as Linux's notify_change.
 * - A read-only mount gives EROFS before any permission question. */
#include <vmcore/fs_at.h>
#include <vmcore/fsnotify.h>
#include <vmcore/syscall.h>
#include <vmcore/cred.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define KEEP ((u32)-1)

static long do_faccessat(struct task *t, int dirfd, u64 upath, int mode, int flags)
{
	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	u32 fsuid = t->fsuid, fsgid = t->fsgid;
	u64 eff = t->cap_effective;
	if (!(flags & AT_EACCESS)) {
		/* Linux's access_override_creds, for this call only */
		t->fsuid = t->uid;
		t->fsgid = t->gid;
		if (!(t->securebits & SECBIT_NO_SETUID_FIXUP))
			t->cap_effective = t->uid == 0 ? t->cap_permitted : 0;
	}
	struct dentry *d;
	long r = lookup_at(t, dirfd, upath, flags, &d);
	if (r == 0) {
		r = inode_permission(t, d->inode, mode);
		dput(d);
	}
	t->fsuid = fsuid;
	t->fsgid = fsgid;
	t->cap_effective = eff;
	return r;
}

SYSCALL_DEFINE(access)
{
	return do_faccessat(t, AT_FDCWD, a->a[0], a->a[1], 0);
}

SYSCALL_DEFINE(faccessat)
{
	return do_faccessat(t, a->a[0], a->a[1], a->a[2], 0);
}

SYSCALL_DEFINE(faccessat2)
{
	return do_faccessat(t, a->a[0], a->a[1], a->a[2], a->a[3]);
}

/* ---- chmod ---- */

long inode_chmod(struct task *t, struct inode *ino, u32 mode)
{
	if (ino->sb && ino->sb->readonly)
		return -EROFS;
	if (!ino->iops || !ino->iops->chmod)
		return S_ISLNK(ino->mode) ? -EOPNOTSUPP : -EPERM;
	if (!owner_or_capable(t, ino))
		return -EPERM;
	mode &= 07777;
	if ((mode & S_ISGID) && !in_group_p(t, ino->gid) && !capable(t, CAP_FSETID))
		mode &= ~S_ISGID;
	int r = ino->iops->chmod(ino, mode);
	if (r == 0)
		ino->mode = (ino->mode & S_IFMT) | mode;
	return r;
}

static long do_fchmodat(struct task *t, int dirfd, u64 upath, u32 mode, int flags)
{
	struct dentry *d;
	long r = lookup_at(t, dirfd, upath, flags, &d);
	if (r < 0)
		return r;
	r = inode_chmod(t, d->inode, mode);
	if (r == 0)
		fsnotify_change(d, FS_ATTRIB);
	dput(d);
	return r;
}

SYSCALL_DEFINE(chmod)
{
	return do_fchmodat(t, AT_FDCWD, a->a[0], a->a[1], 0);
}

SYSCALL_DEFINE(fchmodat)
{
	return do_fchmodat(t, a->a[0], a->a[1], a->a[2], 0);
}

SYSCALL_DEFINE(fchmod)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	long r = inode_chmod(t, f->inode, a->a[1]);
	if (r == 0)
		fsnotify_change_file(f, FS_ATTRIB);
	return r;
}

/* ---- chown ---- */

static long inode_chown(struct task *t, struct inode *ino, u32 uid, u32 gid)
{
	if (ino->sb && ino->sb->readonly)
		return -EROFS;
	if (!ino->iops || !ino->iops->chown)
		return -EPERM;
	u32 mode = ino->mode, newmode = mode;
	bool owner = t->fsuid == ino->uid;
	if (!S_ISDIR(mode)) {
		newmode &= ~S_ISUID;
		if ((mode & S_ISGID) && ((mode & S_IXGRP) || !(in_group_p(t, ino->gid) || capable(t, CAP_FSETID))))
			newmode &= ~S_ISGID;
	}
	if (uid != KEEP && !((owner && uid == ino->uid) || capable(t, CAP_CHOWN)))
		return -EPERM;
	if (gid != KEEP && !((owner && (gid == ino->gid || in_group_p(t, gid))) || capable(t, CAP_CHOWN)))
		return -EPERM;
	u32 nuid = uid == KEEP ? ino->uid : uid, ngid = gid == KEEP ? ino->gid : gid;
	if (newmode != mode) {
		/* dropping the set-id bits is a mode change, with its rules */
		if (!owner_or_capable(t, ino))
			return -EPERM;
		if (!in_group_p(t, ngid) && !capable(t, CAP_FSETID))
			newmode &= ~S_ISGID;
	}
	int r = ino->iops->chown(ino, nuid, ngid);
	if (r < 0)
		return r;
	ino->uid = nuid;
	ino->gid = ngid;
	if (newmode != mode && ino->iops->chmod && ino->iops->chmod(ino, newmode & 07777) == 0)
		ino->mode = newmode;
	return 0;
}

/* a chown that changes neither id is no event (Linux's fsnotify_change) */
static u32 chown_event(u32 uid, u32 gid)
{
	return uid != KEEP || gid != KEEP ? FS_ATTRIB : 0;
}

static long do_fchownat(struct task *t, int dirfd, u64 upath, u32 uid, u32 gid, int flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct dentry *d;
	long r = lookup_at(t, dirfd, upath, flags, &d);
	if (r < 0)
		return r;
	r = inode_chown(t, d->inode, uid, gid);
	if (r == 0)
		fsnotify_change(d, chown_event(uid, gid));
	dput(d);
	return r;
}

SYSCALL_DEFINE(chown)
{
	return do_fchownat(t, AT_FDCWD, a->a[0], a->a[1], a->a[2], 0);
}

SYSCALL_DEFINE(lchown)
{
	return do_fchownat(t, AT_FDCWD, a->a[0], a->a[1], a->a[2], AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE(fchownat)
{
	return do_fchownat(t, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4]);
}

SYSCALL_DEFINE(fchown)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	long r = inode_chown(t, f->inode, a->a[1], a->a[2]);
	if (r == 0)
		fsnotify_change_file(f, chown_event(a->a[1], a->a[2]));
	return r;
}

/* ---- chroot ---- */

SYSCALL_DEFINE(chroot)
{
	char path[PATH_MAX_];
	struct dentry *d;
	long r = strncpy_from_user(t->mm, path, a->a[0], PATH_MAX_);
	if (r < 0)
		return r;
	r = path_walk(t->fs, NULL, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &d, NULL);
	if (r < 0)
		return r;
	if ((r = inode_permission(t, d->inode, MAY_EXEC)) < 0 || (!capable(t, CAP_SYS_CHROOT) && (r = -EPERM))) {
		dput(d);
		return r;
	}
	dput(t->fs->root);
	t->fs->root = d;
	return 0;
}
