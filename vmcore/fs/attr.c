/* Permission to change metadata (fs_attr.h): the mode-bit check every
 * metadata call shares.  Supplementary groups are not consulted yet (the
 * credentials work adds them); the group class is the fsgid's. */
#include <vmcore/fs_attr.h>

int inode_refresh(struct inode *ino)
{
	struct kstat k;
	return vfs_getattr(ino, &k);
}

int inode_permission(struct task *t, struct inode *ino, int mask)
{
	u32 mode = ino->mode;
	if (capable_dac_override(t)) {
		if ((mask & MAY_EXEC) && !S_ISDIR(mode) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	u32 bits = t->fsuid == ino->uid ? mode >> 6 : t->fsgid == ino->gid ? mode >> 3 : mode;
	return ((bits & 7) & mask) == (u32)mask ? 0 : -EACCES;
}
