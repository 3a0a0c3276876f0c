/* openat2(dirfd, how, size): open with struct open_how, stricter than
 * openat about its arguments and with the RESOLVE_* restrictions on the
 * walk (namei.c's LOOKUP_NO_SYMLINKS... flags).
 *
 * The struct is extensible: a size below the first version's 24 bytes is
 * EINVAL, above a page E2BIG, and bytes past what this kernel knows must
 * be zero (E2BIG otherwise).  Unknown O_* or RESOLVE_* bits are EINVAL,
 * as are a mode without O_CREAT/O_TMPFILE, mode bits above 07777,
 * RESOLVE_BENEATH with RESOLVE_IN_ROOT, and O_PATH with flags O_PATH
 * ignores elsewhere.  RESOLVE_CACHED is honoured the way Linux may: a
 * walk that would create or truncate cannot be done from the cache
 * (EAGAIN); others are done (every lookup here is as good as cached). */
#include <vmcore/fs_at.h>
#include <linux/openat2.h>
#include <fcntl.h>
#include <string.h>

#define VALID_OPEN_FLAGS                                                                           \
	(O_RDONLY | O_WRONLY | O_RDWR | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |          \
	 O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW |       \
	 O_NOATIME | O_CLOEXEC | O_PATH | O_SYNC | O_TMPFILE_BIT)
#define VALID_RESOLVE                                                                              \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH |          \
	 RESOLVE_IN_ROOT | RESOLVE_CACHED)
#define O_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define OPEN_HOW_SIZE_VER0_ 24 /* the first struct open_how */

SYSCALL_DEFINE(openat2)
{
	int dirfd = a->a[0];
	u64 uhow = a->a[2], size = a->a[3];
	struct open_how how;
	if (size < OPEN_HOW_SIZE_VER0_)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	memset(&how, 0, sizeof(how));
	if (copy_from_user(t->mm, &how, uhow, MIN(size, sizeof(how))) < 0)
		return -EFAULT;
	for (u64 off = sizeof(how); off < size; off++) {
		u8 c;
		if (copy_from_user(t->mm, &c, uhow + off, 1) < 0)
			return -EFAULT;
		if (c)
			return -E2BIG;
	}
	if (how.flags & ~(u64)VALID_OPEN_FLAGS)
		return -EINVAL;
	if (how.resolve & ~(u64)VALID_RESOLVE)
		return -EINVAL;
	if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if (how.flags & (O_CREAT | O_TMPFILE_BIT)) {
		if (how.mode & ~07777ULL)
			return -EINVAL;
	} else if (how.mode) {
		return -EINVAL;
	}
	if ((how.flags & O_PATH) && (how.flags & ~(u64)O_PATH_FLAGS))
		return -EINVAL;
	if ((how.flags & O_TMPFILE_BIT) && ((how.flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE))
		return -EINVAL;
	if ((how.resolve & RESOLVE_CACHED) && (how.flags & (O_TRUNC | O_CREAT | O_TMPFILE_BIT)))
		return -EAGAIN;
	char path[PATH_MAX_];
	long r = get_path(t, a->a[1], path);
	if (r < 0)
		return r;
	/* the start: dirfd's directory even for an absolute path when the
	 * walk is scoped to it */
	struct dentry *start = NULL;
	bool scoped = how.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	if (dirfd != AT_FDCWD && (path[0] != '/' || scoped)) {
		struct file *f = fd_get(t, dirfd);
		if (!f)
			return -EBADF;
		if (!f->dentry || (!S_ISDIR(f->inode->mode) && *path))
			return -ENOTDIR;
		start = f->dentry;
	}
	unsigned lookup = 0;
	if (how.resolve & RESOLVE_NO_SYMLINKS)
		lookup |= LOOKUP_NO_SYMLINKS;
	if (how.resolve & RESOLVE_NO_MAGICLINKS)
		lookup |= LOOKUP_NO_MAGICLINKS;
	if (how.resolve & RESOLVE_BENEATH)
		lookup |= LOOKUP_BENEATH;
	if (how.resolve & RESOLVE_IN_ROOT)
		lookup |= LOOKUP_IN_ROOT;
	if (how.resolve & RESOLVE_NO_XDEV)
		lookup |= LOOKUP_NO_XDEV;
	if (!start && scoped)
		start = t->fs->cwd;
	struct file *f;
	r = vfs_open_how(t->fs, start, path, how.flags & ~O_CLOEXEC, how.mode, lookup, &f);
	if (r < 0)
		return r;
	return fd_install(t, f, how.flags & O_CLOEXEC, 0);
}
