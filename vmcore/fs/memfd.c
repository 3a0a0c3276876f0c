/* memfd_create(2) and file sealing (fcntl F_ADD_SEALS, F_GET_SEALS).
 *
 * A memfd is an in-memory file of no file system (a ramfs inode without a
 * super block, like the object behind shared anonymous memory): its pages
 * are charged to the commit limit as they are written.  /proc/PID/fd
 * shows it as "/memfd:NAME (deleted)", as Linux does.
 *
 * Seals, kept in the inode (inode->seals; MEMFD_SEALABLE marks a memfd,
 * the only kind of file that takes them here, as tmpfs/shmem files on
 * Linux): F_SEAL_SEAL (no more seals), F_SEAL_SHRINK and F_SEAL_GROW (the
 * size), F_SEAL_WRITE and F_SEAL_FUTURE_WRITE (writes, and shared writable
 * mappings made after it).  A memfd made without MFD_ALLOW_SEALING starts
 * with F_SEAL_SEAL.  The file system's write and truncate and mmap call
 * the memfd_may_* checks below.  Adding F_SEAL_WRITE while a shared
 * writable mapping exists is EBUSY on Linux; it is accepted here and
 * only later mappings and writes are refused. */
#include <vmcore/syscall.h>
#include <string.h>
#include <sys/mman.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#define ALL_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)
#define MFD_NAME_MAX 249 /* NAME_MAX less "memfd:" */

SYSCALL_DEFINE(memfd_create)
{
	char name[MFD_NAME_MAX + 1 + 6];
	unsigned flags = a->a[1];
	memcpy(name, "memfd:", 6);
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING))
		return -EINVAL; /* MFD_HUGETLB and the exec seals: not here */
	long r = strncpy_from_user(t->mm, name + 6, a->a[0], MFD_NAME_MAX + 1);
	if (r == -ENAMETOOLONG)
		return -EINVAL;
	if (r < 0)
		return r;
	if ((r = files_check(1)) < 0)
		return r;
	struct inode *ino = ramfs_new_inode(NULL, S_IFREG | 0777);
	if (!ino)
		return -ENOMEM;
	ino->uid = t->fsuid;
	ino->gid = t->fsgid;
	ino->seals = MEMFD_SEALABLE | ((flags & MFD_ALLOW_SEALING) ? 0 : F_SEAL_SEAL);
	/* a dentry of its own, only for its name (nothing can look it up) */
	struct dentry *d = dentry_new(NULL, name, ino); /* takes the reference */
	if (!d) {
		iput(ino);
		return -ENOMEM;
	}
	struct file *f = file_alloc(ino, d, O_RDWR | O_LARGEFILE);
	dput(d);
	if (!f)
		return -ENFILE;
	r = fd_install(t, f, flags & MFD_CLOEXEC, 0);
	if (r < 0)
		fput(f);
	return r;
}

long memfd_fcntl(struct file *f, unsigned cmd, u64 arg)
{
	struct inode *ino = f->inode;
	if (!(ino->seals & MEMFD_SEALABLE))
		return -EINVAL;
	if (cmd == F_GET_SEALS)
		return ino->seals & ALL_SEALS;
	if (arg & ~(u64)ALL_SEALS)
		return -EINVAL;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EPERM; /* Linux: sealing needs a writable file */
	if (ino->seals & F_SEAL_SEAL)
		return -EPERM;
	ino->seals |= arg;
	return 0;
}

int memfd_may_write(struct inode *ino, u64 pos, size_t len)
{
	if (!(ino->seals & MEMFD_SEALABLE))
		return 0;
	if (ino->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((ino->seals & F_SEAL_GROW) && pos + len > ino->size)
		return -EPERM;
	return 0;
}

int memfd_may_truncate(struct inode *ino, u64 size)
{
	if (!(ino->seals & MEMFD_SEALABLE))
		return 0;
	if ((size < ino->size && (ino->seals & F_SEAL_SHRINK)) ||
	    (size > ino->size && (ino->seals & F_SEAL_GROW)))
		return -EPERM;
	return 0;
}

int memfd_may_map(struct inode *ino, bool shared_write)
{
	if (shared_write && (ino->seals & MEMFD_SEALABLE) &&
	    (ino->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return -EPERM;
	return 0;
}
