/* close_range(first, last, flags): close, or mark close-on-exec
 * (CLOSE_RANGE_CLOEXEC), every descriptor in [first, last]; with
 * CLOSE_RANGE_UNSHARE the table is first made the caller's own, as
 * unshare(CLONE_FILES) would (Python's subprocess closes the child's
 * descriptors this way). */
#include <vmcore/syscall.h>
#include <linux/close_range.h>

SYSCALL_DEFINE(close_range)
{
	unsigned first = a->a[0], last = a->a[1], flags = a->a[2];
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	if ((flags & CLOSE_RANGE_UNSHARE) && t->files->refs > 1) {
		struct files_struct *own = files_dup(t->files);
		if (!own)
			return -ENOMEM;
		files_put(t->files);
		t->files = own;
	}
	struct files_struct *fs = t->files;
	for (u64 fd = first; fd <= last && fd < (u64)fs->max; fd++) {
		if (!fs->fd[fd])
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_set_cloexec(fs, fd, true);
		else
			fd_close(t, fd);
	}
	return 0;
}
