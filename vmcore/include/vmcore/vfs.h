/* The virtual file system: inodes, dentries, open files, one mount table,
 * and the path walk.
 *
 * Inodes belong to a file system (ramfs, hostfs, devices); a dentry names an
 * inode under a parent dentry, so ".." and getcwd follow what the walk
 * actually went through.  Dentries are not cached: a walk builds the chain it
 * needs and drops it when the last reference goes, and file systems keep
 * their own inode identity (ramfs inodes are the objects themselves, hostfs
 * keys them by host device and inode).  Symbolic links are resolved here,
 * never by the host, which is what confines hostfs to its directory.
 *
 * Each inode has a page cache: frames of physmem indexed by file page.  For
 * ramfs it is the file's storage; for hostfs it is filled by readpage and
 * holds pages that file mappings share. */
#ifndef VMCORE_VFS_H
#define VMCORE_VFS_H

#include <vmcore/kernel.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <fcntl.h>
#include <stdio.h>

struct task;
struct inode;
struct file;
struct super_block;
struct dentry;
struct pipe;
struct file_lock;
struct fsnotify_mark;
struct buf;

struct kstat {
	u64 dev, ino, nlink, size, blocks, rdev;
	u32 mode, uid, gid, blksize;
	struct timespec atime, mtime, ctime;
};

/* statfs(2), as struct statfs has it on x86-64 */
struct kstatfs {
	u64 type, bsize, blocks, bfree, bavail, files, ffree, namelen, frsize, flags;
	u32 fsid[2];
};

struct inode_ops {
	int (*lookup)(struct inode *dir, const char *name, struct inode **out);
	int (*create)(struct inode *dir, const char *name, u32 mode, u64 rdev, struct inode **out);
	int (*unlink)(struct inode *dir, const char *name, bool dir_wanted);
	int (*symlink)(struct inode *dir, const char *name, const char *target);
	int (*link)(struct inode *old, struct inode *dir, const char *name);
	int (*rename)(struct inode *odir, const char *oname, struct inode *ndir,
		      const char *nname, unsigned flags);
	long (*readlink)(struct inode *ino, char *buf, size_t len);
	/* a link that names an object directly (procfs): its dentry, referenced */
	int (*get_link)(struct inode *ino, struct dentry **out);
	int (*getattr)(struct inode *ino, struct kstat *st);
	int (*truncate)(struct inode *ino, u64 size);
	int (*chmod)(struct inode *ino, u32 mode);
	/* set both ids (the VFS resolves -1 and checks the caller's right) */
	int (*chown)(struct inode *ino, u32 uid, u32 gid);
	int (*open)(struct inode *ino, struct file *f);
	/* the last word where the mode and capabilities refuse t (procfs:
	 * a process's own fd directories): true lets it in */
	bool (*permit)(struct inode *ino, struct task *t, int mask);
	void (*evict)(struct inode *ino);
	/* page cache: fill one page (zero past the end), write one back */
	int (*readpage)(struct inode *ino, u64 pgoff, void *dst);
	int (*writepage)(struct inode *ino, u64 pgoff, const void *src, size_t len);
	/* charge (pages > 0) or give back (< 0) page-cache pages of a file
	 * whose pages cannot be re-read (ramfs/tmpfs): 0 or -ENOSPC */
	int (*account)(struct inode *ino, long pages);
	/* metadata and data calls (utimes.c, xattr.c, fallocate.c); the VFS
	 * has checked permissions and read-only mounts.  set_times: NULL
	 * leaves that time, ctime becomes now.  getxattr/listxattr with len
	 * 0 give the size; xattr names are whole ("user.x") */
	int (*set_times)(struct inode *ino, const struct timespec *atime, const struct timespec *mtime);
	int (*setxattr)(struct inode *ino, const char *name, const void *val, size_t len, int flags);
	long (*getxattr)(struct inode *ino, const char *name, void *buf, size_t len);
	long (*listxattr)(struct inode *ino, char *buf, size_t len);
	int (*removexattr)(struct inode *ino, const char *name);
	int (*fallocate)(struct inode *ino, int mode, u64 off, u64 len);
	/* O_TMPFILE: a new inode with no name; linkable: linkat may name it */
	int (*tmpfile)(struct inode *dir, u32 mode, bool linkable, struct inode **out);
};

struct dirent_sink;
typedef int (*filldir_t)(struct dirent_sink *sink, const char *name, size_t namelen,
			 u64 ino, unsigned type, s64 next_pos);

struct file_ops {
	long (*read)(struct file *f, void *buf, size_t len, u64 *pos);
	long (*write)(struct file *f, const void *buf, size_t len, u64 *pos);
	long (*iterate)(struct file *f, struct dirent_sink *sink, filldir_t fill);
	long (*ioctl)(struct file *f, struct task *t, unsigned cmd, u64 arg);
	void (*release)(struct file *f);
	/* readiness for poll/select: POLLIN, POLLOUT, POLLHUP... */
	unsigned (*poll)(struct file *f);
	/* readiness generations of an object behind the file that several
	 * inodes and files share (a tty: /dev/pts/N, /dev/tty; a pty's master):
	 * readers' events in the low 32 bits, writers' in the high, added to
	 * the inode's and file's by epoll's edge-triggered items */
	u64 (*poll_gen)(struct file *f);
	/* /proc/PID/fdinfo/N's lines of this kind of file (procfs.c) */
	void (*show_fdinfo)(struct file *f, struct buf *b);
	/* lseek of a file with its own rules (/proc/PID/mem: unsigned
	 * positions, no SEEK_END): sets f->pos, 0 or -errno; lseek then
	 * returns f->pos, whatever its sign */
	int (*llseek)(struct file *f, s64 off, int whence);
	/* files Linux gives no mmap method (procfs, sysfs, debugfs, tracefs):
	 * mmap(2)'s error, -ENODEV or procfs's -EIO; NULL: mappable */
	long (*mmap_denied)(struct file *f);
	bool seekable;
};

/* file_ops.mmap_denied of files that have no mmap at all */
static inline long no_mmap(struct file *f)
{
	(void)f;
	return -ENODEV;
}

struct pc_slot;
struct page_cache {
	struct pc_slot *slots; /* hash table (pagecache.c) */
	u64 cap, count;        /* slots, pages present */
	bool may_dirty;        /* a shared writable mapping has had its pages */
};

struct inode {
	int refs;
	u64 ino;
	u32 mode;
	u32 uid, gid;
	u64 nlink, size, rdev;
	struct timespec atime, mtime, ctime;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	struct super_block *sb;
	struct page_cache pc;
	void *priv;
	struct inode *hash_next; /* file system's inode cache */
	u32 seals;               /* F_SEAL_* of a memfd (MEMFD_SEALABLE: it is one) */
	struct file_lock *flocks, *posix_locks; /* locks.c: flock, POSIX and OFD */
	struct pipe *pipe;       /* pipe.c: a pipe's or an open FIFO's buffer */
	/* readiness generations (poll_notify): bumped when readers' events
	 * (data, hangup) or writers' events (room, error) happen on files of
	 * this inode, so that epoll's edge-triggered items see new data on a
	 * file that was already readable */
	u32 poll_gen_in, poll_gen_out;
	struct fsnotify_mark *fsn_marks; /* fs/notify: the watches on this inode */
};
#define MEMFD_SEALABLE (1U << 31)
/* memfd seals (fs/memfd.c): 0 or -EPERM */
int memfd_may_write(struct inode *ino, u64 pos, size_t len);
int memfd_may_truncate(struct inode *ino, u64 size);
int memfd_may_map(struct inode *ino, bool shared_write);
long memfd_fcntl(struct file *f, unsigned cmd, u64 arg);

struct fs_type {
	const char *name;
	int (*mount)(struct super_block *sb, const char *source, const char *opts);
	/* unmounted and unused: give back what the instance holds (its root
	 * inode's reference, host descriptors) and free sb.  File systems
	 * with one are never unmounted while busy (EBUSY). */
	void (*kill_sb)(struct super_block *sb);
	/* statfs(2)'s figures; without one, statfs.c gives the type's magic
	 * and no blocks (the synthetic file systems) */
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
};

struct super_block {
	const struct fs_type *type;
	u64 dev;
	bool readonly;
	bool nosuid;        /* MS_NOSUID: exec ignores set-id bits (cred.h) */
	bool noexec;        /* MS_NOEXEC: no exec (EACCES), no PROT_EXEC file maps (EPERM) */
	bool nodev;         /* MS_NODEV: device files do not open (EACCES) */
	struct inode *root;
	void *priv;
};

struct dentry {
	int refs;
	struct dentry *parent; /* the root's parent is itself */
	struct inode *inode;
	char name[];
};

/* who gets a file's SIGIO (fs/fown.c); pid 0: nobody */
struct fown {
	int type, pid;      /* F_OWNER_TID / _PID / _PGRP */
	int signum;         /* F_SETSIG's, 0: SIGIO */
	u32 uid, euid;      /* the setter's, for the permission check */
	bool privileged;    /* the setter had CAP_KILL */
};

struct file {
	int refs;
	u32 flags;          /* O_* as opened (access mode, O_APPEND, O_NONBLOCK...) */
	u64 pos;
	struct inode *inode;
	struct dentry *dentry; /* may be NULL for anonymous files */
	const struct file_ops *ops;
	void *priv;
	struct epitem *ep_items; /* eventpoll.c: the epoll items watching this file */
	/* poll_notify_file's generations: poll_gen_in/out of this file alone,
	 * for files on a shared inode (the anonymous one, ptmx) */
	u32 poll_gen_in, poll_gen_out;
	struct fown fown;
};

/* inodes */
struct inode *inode_new(struct super_block *sb, u32 mode);
struct inode *iget(struct inode *ino);
void iput(struct inode *ino);
int vfs_getattr(struct inode *ino, struct kstat *st);
/* A page of the inode's page cache, filled if needed, with a reference
 * for the caller; -EIO on a read error. */
long pagecache_get(struct inode *ino, u64 pgoff, u64 *frame);
u64 pagecache_peek(struct inode *ino, u64 pgoff); /* no reference taken */
void pagecache_readahead(struct inode *ino, u64 pgoff, u64 n);
void pagecache_truncate(struct inode *ino, u64 size);
int pagecache_writeback(struct inode *ino);
void pagecache_free(struct inode *ino);
int pagecache_set(struct inode *ino, u64 pgoff, u64 frame);
/* The reclaimer drops an evictable page (frame f) nobody else holds. */
bool pagecache_evict(struct inode *ino, u64 pgoff, u64 f);
u64 pagecache_pages(struct inode *ino);
/* fallocate: one page dropped; a hole punched (partial pages zeroed) */
void pagecache_drop(struct inode *ino, u64 pgoff);
void pagecache_punch(struct inode *ino, u64 off, u64 len);

/* dentries */
struct dentry *dentry_new(struct dentry *parent, const char *name, struct inode *ino);
struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);
/* absolute path of d as seen from root; returns length or -ENAMETOOLONG */
long dentry_path(struct dentry *d, struct dentry *root, char *buf, size_t len);
/* /proc/PID/fd/N's text for f, NUL-terminated: its length or -ENAMETOOLONG */
long file_link_name(struct task *t, struct file *f, char *buf, size_t len);

/* files: nr_files open files in the system, at most files_max for
 * unprivileged openers (ENFILE, Linux's fs.file-max); a descriptor table
 * holds at most NR_OPEN_MAX (fs.nr_open, the ceiling of RLIMIT_NOFILE) */
extern u64 nr_files, files_max;
#define NR_OPEN_MAX 1048576
void files_max_init(u64 mem_bytes);
/* 0, or -ENFILE when n more open files would pass file-max (for the
 * unprivileged, as Linux) or the ceiling that bounds the host memory they
 * take (for everyone: guest root has no privilege on the host) */
int files_check(int n);
struct file *file_alloc(struct inode *ino, struct dentry *d, u32 flags);
/* pipes: F_GETPIPE_SZ, F_SETPIPE_SZ */
bool file_is_pipe(struct file *f);
long pipe_get_size(struct file *f);
long pipe_set_size(struct file *f, u64 size);
struct file *fget(struct file *f);
void fput(struct file *f);
/* a pipe's bytes, for splice.c (pipe.c) */
size_t pipe_len(struct pipe *p);
size_t pipe_room(struct pipe *p);
long pipe_wait_data(struct pipe *p, bool nonblock);
long pipe_wait_room(struct pipe *p, bool nonblock);
size_t pipe_peek(struct pipe *p, size_t skip, void *dst, size_t n);
void pipe_consume(struct pipe *p, size_t n);
long pipe_store(struct pipe *p, const void *src, size_t n);
/* The pipe of an open pipe or FIFO, else NULL: an open FIFO inode always
 * has one (inline: files that are no pipes never enter pipe.c) */
static inline struct pipe *file_pipe(struct file *f)
{
	return S_ISFIFO(f->inode->mode) && !(f->flags & O_PATH) && f->ops ? f->inode->pipe : NULL;
}
/* A FIFO's open (pipe.c): share the inode's pipe, waiting for the other
 * end as open(2) says; 0 or -errno */
int fifo_open(struct inode *ino, struct file *f);

/* File locks (locks.c).  A descriptor closed by a process drops that
 * process's POSIX locks on the file (files_struct is the owner); the last
 * reference to an open file drops its flock and OFD locks. */
struct files_struct;
void locks_remove_posix(struct file *f, struct files_struct *owner);
void locks_remove_file(struct file *f);
long do_fcntl_lock(struct task *t, int fd, struct file *f, unsigned cmd, u64 uarg);
/* Close one descriptor's reference on behalf of the table that held it. */
void filp_close(struct file *f, struct files_struct *owner);

/* The per-task view: root and working directory. */
struct fs_struct {
	int refs;
	struct dentry *root, *cwd;
	u32 umask;
};

#define LOOKUP_FOLLOW 0x1    /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 0x2
#define LOOKUP_PARENT 0x4    /* stop at the parent; name of last in *last */
#define LOOKUP_EMPTY 0x8     /* an empty path means the start dentry */
/* openat2's RESOLVE_*: the walk refuses symlinks (ELOOP), magic links
 * (ELOOP), leaving the start directory (EXDEV), treats the start as "/"
 * (IN_ROOT), or refuses to cross a mount (EXDEV) */
#define LOOKUP_NO_SYMLINKS 0x10
#define LOOKUP_NO_MAGICLINKS 0x20
#define LOOKUP_BENEATH 0x40
#define LOOKUP_IN_ROOT 0x80
#define LOOKUP_NO_XDEV 0x100
/* open with a walk's LOOKUP_* restrictions (openat2) */
int vfs_open_how(struct fs_struct *fs, struct dentry *start, const char *path, u32 flags,
		 u32 mode, unsigned lookup, struct file **out);
/* O_TMPFILE: an unnamed file in the directory path names (tmpfile.c).
 * The kernel's own bit: glibc's O_TMPFILE and __O_TMPFILE carry
 * O_DIRECTORY too. */
#define O_TMPFILE_BIT 020000000
int vfs_open_tmpfile(struct fs_struct *fs, struct dentry *start, const char *path, u32 flags,
		     u32 mode, unsigned lookup, struct file **out);

/* Walk path from start (NULL: cwd, or root for absolute paths). */
int path_walk(struct fs_struct *fs, struct dentry *start, const char *path,
	      unsigned flags, struct dentry **out, char *last);

int vfs_open(struct fs_struct *fs, struct dentry *start, const char *path, u32 flags,
	     u32 mode, struct file **out);
int vfs_open_dentry(struct dentry *d, u32 flags, struct file **out);
/* vfs_open's flag for execve's opens: execute permission checked by the
 * caller instead of read (Linux's __FMODE_EXEC; a bit open(2) does not use) */
#define O_FOR_EXEC 040
long vfs_read(struct file *f, void *buf, size_t len, u64 *pos);
long vfs_write(struct file *f, const void *buf, size_t len, u64 *pos);
/* Read a whole file into a malloc'ed buffer (exec); at most max bytes. */
long kernel_read_file(struct file *f, void **buf, size_t max);

/* Mounting */
int register_filesystem(const struct fs_type *fs);
int vfs_mount_root(const char *type, const char *source, const char *opts);
int vfs_mount(struct fs_struct *fs, const char *type, const char *source,
	      const char *target, const char *opts);
int vfs_umount(struct fs_struct *fs, const char *target);
struct dentry *vfs_root(void);
/* the mounted file system of device dev (ustat), or NULL */
struct super_block *vfs_sb_by_dev(u64 dev);
int vfs_remount(struct fs_struct *fs, const char *target, bool readonly);
int vfs_bind_mount(struct fs_struct *fs, const char *source, const char *target);
int vfs_move_mount(struct fs_struct *fs, const char *source, const char *target);
/* MS_REMOUNT | MS_BIND: the mount's ro, nosuid, nodev, noexec */
int vfs_remount_bind(struct fs_struct *fs, const char *target, u64 flags);
int vfs_check_mount_root(struct fs_struct *fs, const char *target); /* 0 or -EINVAL */
struct dentry *vfs_kern_mount(const char *type); /* mounted nowhere */
struct inode *mount_lookup(struct inode *mountpoint); /* covering root, or NULL */
/* mount(2)'s own: its MS_* flags (nosuid, nodev, noexec, ro...) and data
 * string are kept for /proc/PID/mountinfo */
int vfs_mount_flags(struct fs_struct *fs, const char *type, const char *source,
		    const char *target, const char *opts, u64 flags, const char *data);
struct mount_view {
	int id, parent_id;
	struct super_block *sb;
	u64 flags;            /* MS_* */
	char *source, *path;  /* path: the mount point, from the root */
	char *data;           /* the data given to mount(2), or NULL */
	char *root;           /* a bind mount's root within its file system, or NULL ("/") */
};
const struct mount_view *mount_get(int i); /* 0: the root; NULL past the end */
struct buf;
/* /proc/mounts (info false) or /proc/PID/mountinfo's text for t */
void mount_show(struct buf *b, struct task *t, bool info);

/* Character devices: major/minor to file operations. */
struct chrdev {
	u32 major, minor;
	const char *name;
	const struct file_ops *fops;
	int (*open)(struct file *f);
	bool any_minor; /* every minor of the major (the pty slaves, 136:N) */
};
void register_chrdev(const struct chrdev *d);
const struct chrdev *chrdev_find(u64 rdev);
const struct chrdev *chrdev_nth(int i); /* in registration order; NULL past the end */
int chrdev_open(struct inode *ino, struct file *f);

/* File systems */
extern const struct fs_type ramfs_type, tmpfs_type, hostfs_type, proc_type, tracefs_type, debugfs_type;
extern const struct fs_type sysfs_type, devtmpfs_type;
/* hostfs for root= (any host directory) and the one host directory that
 * guest mounts of hostfs may use (hostfs=DIR); 0 or -errno */
extern const struct fs_type hostfs_root_type;
int hostfs_allow(const char *dir);
/* hostfs_reserve=: free host disk that guest writes through hostfs leave */
void hostfs_set_reserve(u64 bytes);
struct inode *ramfs_new_inode(struct super_block *sb, u32 mode);
/* shared anonymous memory's object: grow to size, charged; 0 or -ENOMEM */
int ramfs_anon_resize(struct inode *ino, u64 size);
long pagecache_read(struct inode *ino, void *buf, size_t len, u64 *pos);
long pagecache_write(struct inode *ino, const void *buf, size_t len, u64 *pos);
int cpio_unpack(struct fs_struct *fs, const void *data, size_t len);
void console_init(void);
void tty_init(void);
void tty_host_restore(void);
void tty_session_exit(int sid);
int tty_open_vt(struct file *f);
int tty_open_current(struct file *f);
/* Wake every poll/select sleeper: some file's readiness changed. */
void poll_wake(void);
/* The same, saying which: events of MASK's directions happened on files
 * of inode INO (POLLIN|POLLRDHUP|POLLPRI: for its readers, data came or
 * the other side hung up; POLLOUT: for its writers, room came or an
 * error).  Bumps ino->poll_gen_in/out, which epoll's EPOLLET items compare
 * to report new data on a file that stayed readable, then poll_wake().
 * Files whose code only calls poll_wake() still get edge-triggered reports
 * when their ready bits rise. */
void poll_notify(struct inode *ino, unsigned mask);
/* The same for one open file (NULL: only the wake): the event files
 * (eventfd, timerfd, signalfd, inotify, pidfd) share the anonymous inode,
 * and each master of /dev/ptmx is a pty of its own */
void poll_notify_file(struct file *f, unsigned mask);
/* epoll (eventpoll.c): is f an epoll file; drop the items watching f
 * (its last reference is going, fput) */
bool file_is_epoll(struct file *f);
void eventpoll_release_file(struct file *f);
/* A system call that used f ends (fd_put_held): edge-triggered items on
 * it forget the ready bits that are gone, so that readiness coming back
 * (new data after a drain to EAGAIN) is an edge even for files that only
 * call poll_wake() */
void eventpoll_observe(struct file *f);
/* ppoll/pselect6/epoll_pwait's temporary signal mask (poll.c): set it
 * from the guest's sigset (NULL: keep), and after the call restore it, or
 * leave the restore to after the handler when the call was interrupted */
long poll_set_tmp_mask(struct task *t, u64 umask, u64 size, u64 *saved);
void poll_end_tmp_mask(struct task *t, long r, u64 saved);
/* The pid of a /proc/PID directory's file, or 0 (fs/procfs.c). */
int proc_pid_of_dir(struct file *f);
extern pthread_cond_t poll_cond;
void console_input_loop(void) __attribute__((noreturn));
extern const struct file_ops console_fops;
struct file *console_open(void);

/* Dirents for getdents64 */
struct dirent_sink {
	u8 *buf;
	size_t len, used;
	int error;
};

/* Guest-visible helpers */
int fd_install(struct task *t, struct file *f, bool cloexec, int min);
int fd_install_at(struct task *t, struct file *f, int fd, bool cloexec);
/* The file at fd of t, or NULL.  The current task holds a reference to it
 * until its system call ends (fd_put_held), as Linux's fdget: a close or
 * dup2 by another thread meanwhile cannot free it under a sleeping read. */
struct file *fd_get(struct task *t, int fd);
void fd_put_held(struct task *t);
int fd_close(struct task *t, int fd);
struct files_struct;
void fd_set_cloexec(struct files_struct *fs, int fd, bool on);
bool fd_get_cloexec(struct files_struct *fs, int fd);

#endif
