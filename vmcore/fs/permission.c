/* File permissions, as Linux's generic_permission: the owner's bits for
 * the owner, the group's for a member of the file's group (fs gid or a
 * supplementary group), the others' for the rest; then the capabilities:
 * CAP_DAC_READ_SEARCH reads any file and searches or reads any directory,
 * CAP_DAC_OVERRIDE writes anything and executes any file that has at least
 * one execute bit (so even root cannot run a file with no x bit at all).
 * A write to a file, directory or symbolic link of a read-only mount is
 * EROFS before any of that.
 *
 * Checks use the task's fs ids and effective capabilities; the kernel's
 * own walks (no current task: boot, the initramfs) are not checked.  The
 * mode and owner are the inode's as the file system last gave them (a
 * hostfs lookup refreshes them from the host each walk).  Where all that
 * refuses, a file system may still let the task in (inode_ops.permit). */
#include <vmcore/cred.h>
#include <vmcore/task.h>

static int generic_permission(struct task *t, struct inode *ino, int mask)
{
	u32 mode = ino->mode;
	if ((mask & MAY_WRITE) && ino->sb && ino->sb->readonly &&
	    (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)))
		return -EROFS;
	if (!t)
		return 0;
	u32 bits;
	if (t->fsuid == ino->uid)
		bits = mode >> 6;
	else if (in_group_p(t, ino->gid))
		bits = mode >> 3;
	else
		bits = mode;
	if (((bits & 7) & mask) == (u32)mask)
		return 0;
	if (S_ISDIR(mode)) {
		if (!(mask & MAY_WRITE) && capable(t, CAP_DAC_READ_SEARCH))
			return 0;
		return capable(t, CAP_DAC_OVERRIDE) ? 0 : -EACCES;
	}
	if (mask == MAY_READ && capable(t, CAP_DAC_READ_SEARCH))
		return 0;
	if ((!(mask & MAY_EXEC) || (mode & 0111)) && capable(t, CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

int inode_permission(struct task *t, struct inode *ino, int mask)
{
	int r = generic_permission(t, ino, mask);
	if (r == -EACCES && ino->iops && ino->iops->permit && ino->iops->permit(ino, t, mask))
		return 0;
	return r;
}

bool owner_or_capable(struct task *t, struct inode *ino)
{
	return !t || t->fsuid == ino->uid || capable(t, CAP_FOWNER);
}

int may_create(struct task *t, struct inode *dir)
{
	return inode_permission(t, dir, MAY_WRITE | MAY_EXEC);
}

/* In a sticky directory only the file's owner, the directory's owner or
 * a holder of CAP_FOWNER may remove or replace an entry. */
int may_delete(struct task *t, struct inode *dir, struct inode *victim)
{
	int r = inode_permission(t, dir, MAY_WRITE | MAY_EXEC);
	if (r < 0)
		return r;
	if (t && (dir->mode & S_ISVTX) && t->fsuid != victim->uid && t->fsuid != dir->uid &&
	    !capable(t, CAP_FOWNER))
		return -EPERM;
	return 0;
}

void new_inode_owner(struct task *t, struct inode *dir, u32 *mode, u32 *uid, u32 *gid)
{
	*uid = t ? t->fsuid : 0;
	*gid = t ? t->fsgid : 0;
	if (dir && (dir->mode & S_ISGID)) {
		*gid = dir->gid;
		if (S_ISDIR(*mode))
			*mode |= S_ISGID;
		else if ((*mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) && t && !in_group_p(t, *gid) &&
			 !capable(t, CAP_FSETID))
			*mode &= ~S_ISGID;
	}
}

void file_remove_privs(struct task *t, struct inode *ino)
{
	u32 mode = ino->mode, kill = 0;
	if (!S_ISREG(mode))
		return;
	if (mode & S_ISUID)
		kill |= S_ISUID;
	if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		kill |= S_ISGID;
	if (!kill || capable(t, CAP_FSETID) || !ino->iops || !ino->iops->chmod)
		return;
	if (ino->iops->chmod(ino, mode & ~kill & 07777) == 0)
		ino->mode = (mode & ~kill);
}

/* fs.protected_hardlinks (on by default, as on the host): only the owner,
 * a holder of CAP_FOWNER, or someone who may read and write an ordinary
 * regular file (not set-id) may link it. */
int may_linkat(struct task *t, struct inode *ino)
{
	if (owner_or_capable(t, ino))
		return 0;
	u32 mode = ino->mode;
	if (S_ISREG(mode) && !(mode & S_ISUID) && (mode & (S_ISGID | S_IXGRP)) != (S_ISGID | S_IXGRP) &&
	    inode_permission(t, ino, MAY_READ | MAY_WRITE) == 0)
		return 0;
	return -EPERM;
}

/* unlink/rmdir of dir/name: EROFS on a read-only mount first (as Linux's
 * mnt_want_write), then the entry must exist and may_delete allow it. */
int may_unlink_name(struct task *t, struct inode *dir, const char *name)
{
	if (dir->sb && dir->sb->readonly)
		return -EROFS;
	struct inode *victim;
	if (!dir->iops || !dir->iops->lookup)
		return -ENOTDIR;
	int r = dir->iops->lookup(dir, name, &victim);
	if (r < 0)
		return r;
	r = may_delete(t, dir, victim);
	iput(victim);
	return r;
}

/* rename: remove the old entry, replace or create the new one, and a
 * directory moving to another parent needs write permission on itself
 * (its ".." changes). */
int may_rename(struct task *t, struct inode *odir, const char *oname, struct inode *ndir, const char *nname)
{
	if (odir->sb && odir->sb->readonly)
		return -EROFS;
	struct inode *src, *dst;
	int r = odir->iops->lookup(odir, oname, &src);
	if (r < 0)
		return r;
	r = may_delete(t, odir, src);
	if (r == 0) {
		if (ndir->iops->lookup(ndir, nname, &dst) == 0) {
			r = may_delete(t, ndir, dst);
			iput(dst);
		} else {
			r = may_create(t, ndir);
		}
	}
	if (r == 0 && S_ISDIR(src->mode) && odir != ndir)
		r = inode_permission(t, src, MAY_WRITE);
	iput(src);
	return r;
}
