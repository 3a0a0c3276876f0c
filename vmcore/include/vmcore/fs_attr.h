/* Who may change an inode's metadata: Linux's ownership and permission
 * rules as the metadata calls (utimes.c, xattr.c, fallocate.c) need them.
 * The privileges are the effective uid 0 for now: capable() is coming
 * with the credentials work, and each check below is the one line to
 * swap for it. */
#ifndef VMCORE_FS_ATTR_H
#define VMCORE_FS_ATTR_H

#include <vmcore/task.h>
#include <vmcore/vfs.h>

#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

/* CAP_FOWNER, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE: euid 0 until capable() */
static inline bool capable_fowner(struct task *t) { return t->euid == 0; }
static inline bool capable_sys_admin(struct task *t) { return t->euid == 0; }
static inline bool capable_dac_override(struct task *t) { return t->fsuid == 0; }

/* The attributes the checks read, fresh (hostfs asks the host). */
int inode_refresh(struct inode *ino);
static inline bool inode_owner_or_capable(struct task *t, struct inode *ino)
{
	return t->fsuid == ino->uid || capable_fowner(t);
}
/* 0 or -EACCES: the mode bits for t's fsuid/fsgid (root: all but exec
 * without any x bit), as Linux's generic_permission */
int inode_permission(struct task *t, struct inode *ino, int mask);
/* 0 or -EROFS for a change to an inode of a read-only mount */
static inline int inode_want_write(struct inode *ino)
{
	return ino->sb && ino->sb->readonly ? -EROFS : 0;
}

#endif
