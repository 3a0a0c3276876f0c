/* Who may change an inode's metadata: the ownership and permission rules
 * the metadata calls (utimes.c, xattr.c, fallocate.c) need, in the words
 * they use, over the credentials of vmcore/cred.h. */
#ifndef VMCORE_FS_ATTR_H
#define VMCORE_FS_ATTR_H

#include <vmcore/cred.h>
#include <vmcore/task.h>
#include <vmcore/vfs.h>

static inline bool capable_fowner(struct task *t) { return capable(t, CAP_FOWNER); }
static inline bool capable_sys_admin(struct task *t) { return capable(t, CAP_SYS_ADMIN); }
static inline bool capable_dac_override(struct task *t) { return capable(t, CAP_DAC_OVERRIDE); }

/* The attributes the checks read, fresh (hostfs asks the host). */
int inode_refresh(struct inode *ino);
static inline bool inode_owner_or_capable(struct task *t, struct inode *ino)
{
	return owner_or_capable(t, ino);
}
/* chmod(2) of ino by t, with its rules (fs/attr.c) */
long inode_chmod(struct task *t, struct inode *ino, u32 mode);
/* 0 or -EROFS for a change to an inode of a read-only mount */
static inline int inode_want_write(struct inode *ino)
{
	return ino->sb && ino->sb->readonly ? -EROFS : 0;
}

#endif
