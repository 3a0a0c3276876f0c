/* Data-space calls: fallocate, and the advice and syncing calls that
 * change nothing a guest can see here but must answer as Linux does:
 * posix_fadvise (fadvise64), readahead, sync_file_range, syncfs.
 *
 * fallocate's checks are the VFS's (vfs_fallocate): the mode bits Linux
 * knows, PUNCH_HOLE only with KEEP_SIZE, a file open for writing, a
 * regular file (ESPIPE for a pipe, EISDIR, ENODEV), a range within the
 * largest file (EFBIG).  The work is the file system's: tmpfs reserves or
 * frees pages charged to its size= (ENOSPC, and nothing of a failed call
 * stays allocated); hostfs has the host do it on the host file. */
#include <vmcore/fs_at.h>
#include <vmcore/fs_attr.h>
#include <vmcore/fsnotify.h>
#include <linux/falloc.h>
#include <fcntl.h>

#define FALLOC_SUPPORTED                                                                           \
	(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE |                    \
	 FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE)
#define MAX_LFS_FILESIZE 0x7fffffffffffffffLL

SYSCALL_DEFINE(fallocate)
{
	struct file *f = fd_get(t, a->a[0]);
	int mode = a->a[1];
	s64 off = a->a[2], len = a->a[3];
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_SUPPORTED)
		return -EOPNOTSUPP;
	/* one mode at most (KEEP_SIZE aside), with the KEEP_SIZE rules */
	switch (mode & ~FALLOC_FL_KEEP_SIZE) {
	case 0:
	case FALLOC_FL_UNSHARE_RANGE:
	case FALLOC_FL_ZERO_RANGE:
		break;
	case FALLOC_FL_PUNCH_HOLE:
		if (!(mode & FALLOC_FL_KEEP_SIZE))
			return -EOPNOTSUPP;
		break;
	case FALLOC_FL_COLLAPSE_RANGE:
	case FALLOC_FL_INSERT_RANGE:
		if (mode & FALLOC_FL_KEEP_SIZE)
			return -EOPNOTSUPP;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (!f || (f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	struct inode *ino = f->inode;
	if (S_ISFIFO(ino->mode) || (!ino->sb && !S_ISREG(ino->mode)))
		return -ESPIPE;
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode))
		return -ENODEV;
	if ((u64)off + (u64)len > (u64)MAX_LFS_FILESIZE)
		return -EFBIG;
	if (!ino->iops || !ino->iops->fallocate)
		return -EOPNOTSUPP;
	long r = inode_want_write(ino);
	if (r == 0)
		r = ino->iops->fallocate(ino, mode, off, len);
	if (r == 0)
		fsnotify_modify(f);
	return r;
}

/* POSIX_FADV_*: advice is all it is */
SYSCALL_DEFINE(fadvise64)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (S_ISFIFO(f->inode->mode) || file_is_pipe(f))
		return -ESPIPE;
	if ((s64)a->a[2] < 0 || a->a[3] > POSIX_FADV_NOREUSE)
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE(readahead)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f || (f->flags & O_PATH) || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!S_ISREG(f->inode->mode))
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE(sync_file_range)
{
	s64 off = a->a[1], n = a->a[2];
	unsigned flags = a->a[3];
	if (flags & ~(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER))
		return -EINVAL;
	if (off < 0 || n < 0 || off + n < 0)
		return -EINVAL;
	struct file *f = fd_get(t, a->a[0]);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	u32 m = f->inode->mode;
	if (!S_ISREG(m) && !S_ISBLK(m) && !S_ISDIR(m) && !S_ISLNK(m))
		return -ESPIPE;
	return (flags & SYNC_FILE_RANGE_WRITE) ? pagecache_writeback(f->inode) : 0;
}

/* The file systems here write through (hostfs) or keep nothing to write
 * (tmpfs): a file's shared-mapping pages are what there is. */
SYSCALL_DEFINE(syncfs)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f)
		return -EBADF;
	return 0;
}
