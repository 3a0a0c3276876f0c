/* The (dirfd, path) of the *at() system calls, resolved the one way every
 * file system call needs (vmcore/fs/syscalls.c): a guest path copied in,
 * the start of a relative walk, and the walk to the object or its parent. */
#ifndef VMCORE_FS_AT_H
#define VMCORE_FS_AT_H

#include <vmcore/syscall.h>
#include <vmcore/vfs.h>

#define PATH_MAX_ 4096

/* copy a NUL-terminated guest path of at most PATH_MAX_ into buf */
long get_path(struct task *t, u64 uptr, char *buf);
/* NULL for AT_FDCWD or an absolute path, else dirfd's dentry (not referenced) */
long dirfd_start(struct task *t, int dirfd, const char *path, struct dentry **start);
/* the dentry (referenced) that (dirfd, path) names; atflags: AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH */
long lookup_at(struct task *t, int dirfd, u64 upath, int atflags, struct dentry **d);
/* the parent directory (referenced) and the last component's name */
long parent_at(struct task *t, int dirfd, u64 upath, struct dentry **dir, char *last);
/* getdents64 and the old getdents: the directory read into guest memory
 * through FILL, the record layout of either */
long getdents_with(struct task *t, const struct syscall_args *a, filldir_t fill);

#endif
