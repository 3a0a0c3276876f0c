/* POSIX ACLs through their xattrs (system.posix_acl_access and
 * system.posix_acl_default), as far as vmcore has them: the mode bits.
 *
 * Every file has the minimal ACL its mode bits say (owner, group,
 * other), and no other: setting system.posix_acl_access to a minimal ACL
 * is a chmod of those bits (with chmod's rules: the owner or CAP_FOWNER,
 * S_ISGID dropped for a caller outside the group without CAP_FSETID) and
 * stores nothing, as Linux does when an ACL is equivalent to a mode;
 * reading it gives ENODATA ("no ACL beyond the mode"), as on Linux for
 * such a file.  Extended entries (named users or groups, a mask) and
 * default ACLs are not supported: EOPNOTSUPP, on which cp, tar and
 * libacl fall back to chmod.  Every other system.* name is EOPNOTSUPP, as
 * on tmpfs. */
#include <vmcore/fs_attr.h>
#include <vmcore/posix_acl.h>
#include <string.h>

#define ACL_XATTR_VERSION 2
#define ACL_USER_OBJ 0x01
#define ACL_GROUP_OBJ 0x04
#define ACL_OTHER 0x20

int posix_acl_kind(const char *name)
{
	if (strncmp(name, "system.", 7))
		return ACL_NOT_SYSTEM;
	if (!strcmp(name, "system.posix_acl_access"))
		return ACL_ACCESS;
	if (!strcmp(name, "system.posix_acl_default"))
		return ACL_DEFAULT;
	return ACL_OTHER_SYSTEM;
}

/* The mode bits of a minimal ACL: 0..0777, -EOPNOTSUPP for an extended
 * one, -EINVAL for a malformed value. */
static int acl_mode(const u8 *v, size_t size)
{
	u32 version;
	if (size < 4 || (size - 4) % 8)
		return -EINVAL;
	memcpy(&version, v, 4);
	if (version != ACL_XATTR_VERSION)
		return -EOPNOTSUPP;
	int mode = 0, seen = 0;
	for (size_t off = 4; off < size; off += 8) {
		u16 tag, perm;
		memcpy(&tag, v + off, 2);
		memcpy(&perm, v + off + 2, 2);
		if (perm & ~7)
			return -EINVAL;
		switch (tag) {
		case ACL_USER_OBJ: mode |= perm << 6; break;
		case ACL_GROUP_OBJ: mode |= perm << 3; break;
		case ACL_OTHER: mode |= perm; break;
		case 0x02: case 0x08: case 0x10: /* ACL_USER, ACL_GROUP, ACL_MASK */
			return -EOPNOTSUPP;
		default:
			return -EINVAL;
		}
		if (seen & tag)
			return -EINVAL;
		seen |= tag;
	}
	return seen == (ACL_USER_OBJ | ACL_GROUP_OBJ | ACL_OTHER) ? mode : -EINVAL;
}

long posix_acl_set(struct task *t, struct inode *ino, int kind, const void *val, size_t size)
{
	if (kind != ACL_ACCESS)
		return -EOPNOTSUPP;
	if (!size)
		return 0; /* removing it: the mode stays, as the minimal ACL it is */
	int mode = acl_mode(val, size);
	if (mode < 0)
		return mode;
	return inode_chmod(t, ino, (ino->mode & 07000) | (u32)mode);
}
