/* Extended attributes: set/get/list/remove and their l- (no follow) and
 * f- (open file) forms.
 *
 * The VFS part is Linux's: the name is copied whole with its namespace
 * ("user.", "trusted.", "security.", "system."; ERANGE when empty or over
 * 255 bytes, EOPNOTSUPP for an unknown namespace), a value is at most
 * 64 KiB (E2BIG), buffers too small are ERANGE, a read-only mount EROFS.
 * Who may do what (xattr_permission): trusted.* is CAP_SYS_ADMIN's (others
 * get EPERM when writing, ENODATA when reading, and do not see the names
 * listed); user.* exists only on regular files and directories (EPERM /
 * ENODATA elsewhere, as on symlinks and devices) and in a sticky
 * directory only its owner may write them; security.* may be read by
 * anyone and written with CAP_SYS_ADMIN (the capability module's rule
 * with no other security module); otherwise the file's mode bits decide
 * (EACCES).
 *
 * system.posix_acl_access and _default are the mode bits (posix_acl.c);
 * other system.* names are EOPNOTSUPP.
 *
 * Storage is the file system's (iops->*xattr): tmpfs keeps them per inode
 * charged to its inode space; hostfs passes user.* to the host file and
 * refuses the rest; a file system without them says EOPNOTSUPP. */
#include <vmcore/fs_at.h>
#include <vmcore/fs_attr.h>
#include <vmcore/fsnotify.h>
#include <vmcore/posix_acl.h>
#include <vmcore/xattr.h>
#include <stdlib.h>
#include <string.h>

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* 0, or the errno of a name outside every namespace */
static int check_namespace(const char *name)
{
	static const char *const ns[] = { "user.", "trusted.", "security.", "system." };
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++)
		if (has_prefix(name, ns[i]))
			return name[strlen(ns[i])] ? 0 : -EINVAL;
	return -EOPNOTSUPP;
}

static int xattr_permission(struct task *t, struct inode *ino, const char *name, int mask)
{
	if (has_prefix(name, "security.") || has_prefix(name, "system."))
		return 0;
	if (has_prefix(name, "trusted.")) {
		if (!capable_sys_admin(t))
			return (mask & MAY_WRITE) ? -EPERM : -ENODATA;
		return 0;
	}
	if (has_prefix(name, "user.")) {
		if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
			return (mask & MAY_WRITE) ? -EPERM : -ENODATA;
		if (S_ISDIR(ino->mode) && (ino->mode & S_ISVTX) && (mask & MAY_WRITE) &&
		    !inode_owner_or_capable(t, ino))
			return -EPERM;
	}
	return inode_permission(t, ino, mask);
}

/* With no security module but capabilities, writing security.* is
 * CAP_SYS_ADMIN's (security.capability aside). */
static int security_check(struct task *t, const char *name)
{
	if (has_prefix(name, "security.") && strcmp(name, "security.capability") && !capable_sys_admin(t))
		return -EPERM;
	return 0;
}

static long get_name(struct task *t, u64 uname, char *name)
{
	long n = strncpy_from_user(t->mm, name, uname, XATTR_NAME_MAX_ + 1);
	if (n == -ENAMETOOLONG || n == 0)
		return -ERANGE;
	return n < 0 ? n : 0;
}

/* The inode of a path form (follow or not) or an fd form: a referenced
 * dentry in *d, or for an fd only the inode in *ino. */
static long target(struct task *t, int kind, u64 arg, struct dentry **d, struct inode **ino)
{
	*d = NULL;
	if (kind == 'f') {
		struct file *f = fd_get(t, arg);
		if (!f || (f->flags & O_PATH))
			return -EBADF;
		*ino = f->inode;
		*d = f->dentry ? dget(f->dentry) : NULL; /* for the event (fsnotify) */
		return 0;
	}
	long r = lookup_at(t, AT_FDCWD, arg, kind == 'l' ? AT_SYMLINK_NOFOLLOW : 0, d);
	if (r < 0)
		return r;
	*ino = (*d)->inode;
	return 0;
}

static long do_setxattr(struct task *t, int kind, const struct syscall_args *a)
{
	char name[XATTR_NAME_MAX_ + 1];
	int flags = a->a[4];
	size_t size = a->a[3];
	if (flags & ~(XATTR_CREATE_ | XATTR_REPLACE_))
		return -EINVAL;
	long r = get_name(t, a->a[1], name);
	if (r < 0)
		return r;
	if (size > XATTR_SIZE_MAX_)
		return -E2BIG;
	void *val = malloc(size ? size : 1);
	if (!val)
		return -ENOMEM;
	if (size && copy_from_user(t->mm, val, a->a[2], size) < 0) {
		free(val);
		return -EFAULT;
	}
	struct dentry *d;
	struct inode *ino;
	if ((r = target(t, kind, a->a[0], &d, &ino)) < 0) {
		free(val);
		return r;
	}
	int acl = posix_acl_kind(name);
	if ((r = inode_want_write(ino)) == 0 && (r = inode_refresh(ino)) == 0 &&
	    (r = xattr_permission(t, ino, name, MAY_WRITE)) == 0 && (r = security_check(t, name)) == 0 &&
	    (r = check_namespace(name)) == 0) {
		if (acl == ACL_OTHER_SYSTEM)
			r = -EOPNOTSUPP;
		else if (acl != ACL_NOT_SYSTEM)
			r = posix_acl_set(t, ino, acl, val, size); /* the mode bits (posix_acl.c) */
		else
			r = ino->iops && ino->iops->setxattr ? ino->iops->setxattr(ino, name, val, size, flags)
							     : -EOPNOTSUPP;
	}
	if (r == 0)
		fsnotify_change(d, FS_ATTRIB);
	free(val);
	dput(d);
	return r;
}

static long do_getxattr(struct task *t, int kind, const struct syscall_args *a)
{
	char name[XATTR_NAME_MAX_ + 1];
	size_t size = MIN(a->a[3], (u64)XATTR_SIZE_MAX_);
	long r = get_name(t, a->a[1], name);
	if (r < 0)
		return r;
	struct dentry *d;
	struct inode *ino;
	if ((r = target(t, kind, a->a[0], &d, &ino)) < 0)
		return r;
	void *buf = NULL;
	int acl = posix_acl_kind(name);
	if ((r = inode_refresh(ino)) == 0 && (r = xattr_permission(t, ino, name, MAY_READ)) == 0 &&
	    (r = check_namespace(name)) == 0) {
		if (acl != ACL_NOT_SYSTEM)
			r = acl == ACL_OTHER_SYSTEM ? -EOPNOTSUPP : -ENODATA; /* the mode is the ACL */
		else if (!ino->iops || !ino->iops->getxattr)
			r = -EOPNOTSUPP;
		else if (size && !(buf = malloc(size)))
			r = -ENOMEM;
		else
			r = ino->iops->getxattr(ino, name, buf, size);
	}
	if (r > 0 && size && copy_to_user(t->mm, a->a[2], buf, r) < 0)
		r = -EFAULT;
	free(buf);
	dput(d);
	return r;
}

static long do_listxattr(struct task *t, int kind, const struct syscall_args *a)
{
	size_t size = MIN(a->a[2], (u64)XATTR_LIST_MAX_);
	struct dentry *d;
	struct inode *ino;
	long r = target(t, kind, a->a[0], &d, &ino);
	if (r < 0)
		return r;
	char *buf = size ? malloc(size) : NULL;
	if (size && !buf)
		r = -ENOMEM;
	else if (!ino->iops || !ino->iops->listxattr)
		r = 0; /* nothing to list, as Linux with no handlers */
	else
		r = ino->iops->listxattr(ino, buf, size);
	if (r > 0 && size) {
		/* trusted.* is listed only to CAP_SYS_ADMIN: drop what it may not see */
		if (!capable_sys_admin(t)) {
			long out = 0;
			for (long i = 0; i < r;) {
				size_t n = strlen(buf + i) + 1;
				if (!has_prefix(buf + i, "trusted.")) {
					memmove(buf + out, buf + i, n);
					out += n;
				}
				i += n;
			}
			r = out;
		}
		if (r > 0 && copy_to_user(t->mm, a->a[1], buf, r) < 0)
			r = -EFAULT;
	} else if (r > 0 && !capable_sys_admin(t)) {
		/* the size a caller would need: ask for the names and count */
		char *all = malloc(r);
		long n = all ? ino->iops->listxattr(ino, all, r) : -ENOMEM;
		long out = 0;
		for (long i = 0; i < n;) {
			size_t l = strlen(all + i) + 1;
			if (!has_prefix(all + i, "trusted."))
				out += l;
			i += l;
		}
		free(all);
		r = n < 0 ? n : out;
	}
	free(buf);
	dput(d);
	return r;
}

static long do_removexattr(struct task *t, int kind, const struct syscall_args *a)
{
	char name[XATTR_NAME_MAX_ + 1];
	long r = get_name(t, a->a[1], name);
	if (r < 0)
		return r;
	struct dentry *d;
	struct inode *ino;
	if ((r = target(t, kind, a->a[0], &d, &ino)) < 0)
		return r;
	if ((r = inode_want_write(ino)) == 0 && (r = inode_refresh(ino)) == 0 &&
	    (r = xattr_permission(t, ino, name, MAY_WRITE)) == 0 && (r = security_check(t, name)) == 0 &&
	    (r = check_namespace(name)) == 0) {
		int acl = posix_acl_kind(name);
		if (acl == ACL_OTHER_SYSTEM)
			r = -EOPNOTSUPP;
		else if (acl != ACL_NOT_SYSTEM) /* there is none beyond the mode */
			r = inode_owner_or_capable(t, ino) ? -ENODATA : -EPERM;
		else
			r = ino->iops && ino->iops->removexattr ? ino->iops->removexattr(ino, name)
								: -EOPNOTSUPP;
	}
	if (r == 0)
		fsnotify_change(d, FS_ATTRIB);
	dput(d);
	return r;
}

SYSCALL_DEFINE(setxattr) { return do_setxattr(t, 'p', a); }
SYSCALL_DEFINE(lsetxattr) { return do_setxattr(t, 'l', a); }
SYSCALL_DEFINE(fsetxattr) { return do_setxattr(t, 'f', a); }
SYSCALL_DEFINE(getxattr) { return do_getxattr(t, 'p', a); }
SYSCALL_DEFINE(lgetxattr) { return do_getxattr(t, 'l', a); }
SYSCALL_DEFINE(fgetxattr) { return do_getxattr(t, 'f', a); }
SYSCALL_DEFINE(listxattr) { return do_listxattr(t, 'p', a); }
SYSCALL_DEFINE(llistxattr) { return do_listxattr(t, 'l', a); }
SYSCALL_DEFINE(flistxattr) { return do_listxattr(t, 'f', a); }
SYSCALL_DEFINE(removexattr) { return do_removexattr(t, 'p', a); }
SYSCALL_DEFINE(lremovexattr) { return do_removexattr(t, 'l', a); }
SYSCALL_DEFINE(fremovexattr) { return do_removexattr(t, 'f', a); }
