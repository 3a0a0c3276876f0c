/* File times set by hand: utimensat (and futimens, its NULL-path form),
 * utimes, utime, futimesat.
 *
 * All four come down to vfs_utimes(inode, times): NULL or both UTIME_NOW
 * is a "touch", which the owner, CAP_FOWNER or anyone who may write the
 * file may do (EACCES otherwise); an explicit time needs the owner or
 * CAP_FOWNER (EPERM).  UTIME_OMIT leaves a time alone, and both omitted is
 * nothing at all: Linux returns 0 before it even looks the path up.  The
 * change itself is the file system's (iops->set_times): tmpfs stores the
 * times in the inode, hostfs has the host set them on the host file.
 * ctime always becomes the present, as a change of the inode. */
#include <vmcore/fs_at.h>
#include <vmcore/fs_attr.h>
#include <vmcore/fsnotify.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <utime.h>

static bool nsec_valid(long ns)
{
	return ns == UTIME_NOW || ns == UTIME_OMIT || (ns >= 0 && ns <= 999999999);
}

/* times: NULL for "now" for both, else two timespecs that may hold
 * UTIME_NOW / UTIME_OMIT (validated by the caller). */
static long vfs_utimes(struct task *t, struct inode *ino, const struct timespec *times)
{
	struct timespec now, at, mt;
	const struct timespec *pa = &at, *pm = &mt;
	long r;
	if ((r = inode_want_write(ino)) < 0)
		return r;
	if ((r = inode_refresh(ino)) < 0)
		return r;
	if (times && times[0].tv_nsec == UTIME_NOW && times[1].tv_nsec == UTIME_NOW)
		times = NULL;
	if (!times) {
		if (!inode_owner_or_capable(t, ino) && (r = inode_permission(t, ino, MAY_WRITE)) < 0)
			return r;
	} else if (!inode_owner_or_capable(t, ino)) {
		return -EPERM;
	}
	guest_realtime(&now);
	at = mt = now;
	if (times) {
		if (times[0].tv_nsec == UTIME_OMIT)
			pa = NULL;
		else if (times[0].tv_nsec != UTIME_NOW)
			at = times[0];
		if (times[1].tv_nsec == UTIME_OMIT)
			pm = NULL;
		else if (times[1].tv_nsec != UTIME_NOW)
			mt = times[1];
	}
	if (ino->iops && ino->iops->set_times)
		return ino->iops->set_times(ino, pa, pm);
	/* a synthetic file (procfs, a device of the kernel's): its inode's
	 * times, as Linux's simple_setattr keeps them */
	if (pa)
		ino->atime = *pa;
	if (pm)
		ino->mtime = *pm;
	guest_realtime(&ino->ctime);
	return 0;
}

/* the event of a change of times, as Linux's fsnotify_change: both
 * times are IN_ATTRIB, the access time alone IN_ACCESS, the modification
 * time alone IN_MODIFY */
static u32 utimes_event(const struct timespec *times)
{
	if (!times || (times[0].tv_nsec != UTIME_OMIT && times[1].tv_nsec != UTIME_OMIT))
		return FS_ATTRIB;
	return times[0].tv_nsec != UTIME_OMIT ? FS_ACCESS : FS_MODIFY;
}

/* (dirfd, path or NULL, times, flags) as utimensat has them. */
static long do_utimes(struct task *t, int dirfd, u64 upath, const struct timespec *times, int flags)
{
	if (times && (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec)))
		return -EINVAL;
	if (!upath && dirfd != AT_FDCWD) {
		/* futimens: an fd opened for I/O (not O_PATH) */
		if (flags & ~AT_SYMLINK_NOFOLLOW)
			return -EINVAL;
		if (flags)
			return -EINVAL;
		struct file *f = fd_get(t, dirfd);
		if (!f || (f->flags & O_PATH))
			return -EBADF;
		long r = vfs_utimes(t, f->inode, times);
		if (r == 0)
			fsnotify_change_file(f, utimes_event(times));
		return r;
	}
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!upath)
		return -EFAULT;
	struct dentry *d;
	long r = lookup_at(t, dirfd, upath, flags, &d);
	if (r < 0)
		return r;
	r = vfs_utimes(t, d->inode, times);
	if (r == 0)
		fsnotify_change(d, utimes_event(times));
	dput(d);
	return r;
}

SYSCALL_DEFINE(utimensat)
{
	struct timespec ts[2];
	if (a->a[2]) {
		if (copy_from_user(t->mm, ts, a->a[2], sizeof(ts)) < 0)
			return -EFAULT;
		/* nothing to do: not even the path is looked at */
		if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
			return 0;
	}
	return do_utimes(t, a->a[0], a->a[1], a->a[2] ? ts : NULL, a->a[3]);
}

/* utimes and futimesat: microseconds, each below a second */
static long do_futimesat(struct task *t, int dirfd, u64 upath, u64 utv)
{
	struct timeval tv[2];
	struct timespec ts[2];
	if (utv) {
		if (copy_from_user(t->mm, tv, utv, sizeof(tv)) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i].tv_sec = tv[i].tv_sec;
			ts[i].tv_nsec = tv[i].tv_usec * 1000;
		}
	}
	return do_utimes(t, dirfd, upath, utv ? ts : NULL, 0);
}

SYSCALL_DEFINE(utimes)
{
	return do_futimesat(t, AT_FDCWD, a->a[0], a->a[1]);
}

SYSCALL_DEFINE(futimesat)
{
	return do_futimesat(t, a->a[0], a->a[1], a->a[2]);
}

SYSCALL_DEFINE(utime)
{
	struct utimbuf ub;
	struct timespec ts[2];
	if (a->a[1]) {
		if (copy_from_user(t->mm, &ub, a->a[1], sizeof(ub)) < 0)
			return -EFAULT;
		ts[0] = (struct timespec){ ub.actime, 0 };
		ts[1] = (struct timespec){ ub.modtime, 0 };
	}
	return do_utimes(t, AT_FDCWD, a->a[0], a->a[1] ? ts : NULL, 0);
}
