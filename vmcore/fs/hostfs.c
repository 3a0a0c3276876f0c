/* hostfs: a host directory as a guest file system.
 *
 * Confinement: a lookup is openat(dir, name, O_PATH | O_NOFOLLOW) of one
 * name that the VFS has checked is neither "." nor "..", so the host never
 * walks a guest path or follows a symbolic link for the guest: links are
 * read with readlinkat and walked by the VFS inside the guest's root, and
 * no "..", absolute symlink or rename can reach outside the directory.
 * Modifications (create, unlink, rename, symlink) are *at() calls on the
 * parent's descriptor with a single name, for the same reason.
 *
 * Which host directories: the root= of the command line, and, from inside
 * the guest, only what hostfs=DIR allows: a guest mount's source is taken
 * relative to DIR and resolved with RESOLVE_IN_ROOT, so neither ".." nor a
 * symbolic link takes it out of DIR.  Without hostfs= a guest cannot mount
 * hostfs at all (EPERM): guest root is not host root.
 *
 * Host descriptors: an inode does not hold one for its lifetime (a guest
 * with 20,000 files open would exhaust the kernel's).  It records its path
 * under the mount's root and its host (device, inode); its O_PATH, read
 * and write descriptors are slots of the kernel's bounded descriptor cache
 * (vmcore/host/hostfd.c), reopened on demand with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS) from the mount's root and checked to be the same
 * host object (ESTALE if the host changed it under us, as NFS says).
 * Renames by the guest move the recorded paths; an inode whose name is
 * unlinked while it is in use keeps its O_PATH descriptor "held" outside
 * the cache (it cannot be found by path again).  Open files carry no host
 * descriptor: they use their inode's, with their own position.
 *
 * Inodes are kept unique by host (device, inode) in a small hash, so that
 * file mappings of one host file share one page cache.  Reads and writes go
 * to the host file, through the cached page where one exists (pages a
 * shared mapping may have changed); dirty shared pages are written back when
 * the mapping goes; an inode going away writes back only pages a shared
 * writable mapping may have changed, so reading or executing a file never
 * writes to it (nor changes its modification time).
 *
 * Owners and modes (docs/permissions.md): the host's owner, group and mode
 * are the guest's.  The kernel runs as host root, so it can give a new
 * file the creator's guest fs ids (the creating host call makes it root's)
 * and carry out chown; the host's umask is 0 for the kernel (mount_fd) so
 * that the guest's umask, applied by the VFS, is the only one.
 *
 * The host kernel's own interfaces are never shown: a host object on a
 * pseudo file system (procfs, sysfs, cgroupfs, debugfs, binfmt_misc, ...;
 * host_interface_fs) is sealed.  A sealed directory is empty and cannot be
 * changed, so that the guest mounts its own proc on the host's /proc of a
 * root=/ and never reaches the host's /proc/self/mem (the kernel's own
 * memory), /proc/sysrq-trigger or /sys/power/state; any other sealed object
 * cannot be opened, read or changed.  Such a file system cannot be root=
 * or a guest's hostfs mount at all. */
#include <vmcore/cred.h>
#include <vmcore/vfs.h>
#include <vmcore/mm.h>
#include <vmcore/hostfd.h>
#include <vmcore/task.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

struct hinfo {
	char *path;           /* under the mount's root ("" for the root); NULL once orphaned */
	u64 hdev, hino;
	struct hostfd pfd;    /* O_PATH */
	struct hostfd rfd;    /* O_RDONLY (O_DIRECTORY for directories) */
	struct hostfd wfd;    /* O_RDWR, or O_WRONLY where reading is refused */
};

#define HASH 1024
struct hdev {
	u64 dev;
	bool sealed;          /* a host kernel interface (host_interface_fs) */
};

struct hsb {
	struct inode *hash[HASH];
	struct hdev devs[32]; /* host devices seen under the mount, and what they are */
	int ndevs;
	int rootfd;           /* O_PATH of the mounted host directory, for the mount's life */
};

static const struct inode_ops hostfs_iops, hostfs_sealed_iops;
static const struct file_ops hostfs_file_fops, hostfs_dir_fops, hostfs_sealed_dir_fops;

/* hostfs=DIR: the only host directory guest mounts may take, or -1 */
static int allowed_fd = -1;

/* The host's disk is a host resource the guest drives through hostfs: a
 * guest may fill the host file system only down to a reserve, which
 * hostfs keeps as ext4 keeps its root blocks.  Writes, writeback and
 * fallocate that would take the free space below it get ENOSPC (a write
 * that fits in part is short), and statfs counts the reserve as used.
 * hostfs_reserve=SIZE on the command line; by default the smaller of 5%
 * of the host file system and 1 GiB. */
static u64 reserve_opt = ~0ULL;

void hostfs_set_reserve(u64 bytes)
{
	reserve_opt = bytes;
}

static u64 reserve_of(const struct statvfs *st)
{
	if (reserve_opt != ~0ULL)
		return reserve_opt;
	return MIN((u64)st->f_blocks * st->f_frsize / 20, 1ULL << 30);
}

/* How many of len bytes the host file system may take now (0: none) */
static size_t host_room(int fd, size_t len)
{
	struct statvfs st;
	if (fstatvfs(fd, &st) < 0)
		return len; /* the host's own ENOSPC still holds */
	u64 avail = (u64)st.f_bavail * st.f_frsize, reserve = reserve_of(&st);
	if (avail <= reserve)
		return 0;
	return MIN((u64)len, avail - reserve);
}

static inline struct hinfo *HI(struct inode *ino)
{
	return ino->priv;
}

static inline struct hsb *HS(struct inode *ino)
{
	return ino->sb->priv;
}

static void fill_attrs(struct inode *ino, const struct stat *st)
{
	ino->mode = st->st_mode;
	ino->nlink = st->st_nlink;
	ino->uid = st->st_uid;
	ino->gid = st->st_gid;
	ino->size = st->st_size;
	ino->rdev = st->st_rdev;
	ino->atime = st->st_atim;
	ino->mtime = st->st_mtim;
	ino->ctime = st->st_ctim;
}

static char *path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + nl + 2);
	if (!p)
		return NULL;
	if (dl) {
		memcpy(p, dir, dl);
		p[dl++] = '/';
	}
	memcpy(p + dl, name, nl + 1);
	return p;
}

/* ---- host descriptors of an inode, through the cache ---- */

static int open_path(void *arg)
{
	struct inode *ino = arg;
	struct hinfo *hi = HI(ino);
	if (!hi->path)
		return -ESTALE; /* an orphan whose held descriptor is gone */
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = syscall(SYS_openat2, HS(ino)->rootfd, hi->path[0] ? hi->path : ".", &how,
			 sizeof(how));
	if (fd < 0)
		return errno == ENOENT || errno == ELOOP || errno == EXDEV ? -ESTALE : -errno;
	struct stat st;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ||
	    st.st_dev != hi->hdev || st.st_ino != hi->hino) {
		close(fd);
		return -ESTALE; /* the host put something else at that name */
	}
	return fd;
}

static int ipath(struct inode *ino)
{
	return hostfd_get(&HI(ino)->pfd, open_path, ino);
}

/* Open the host object for I/O through its O_PATH descriptor. */
static int reopen(struct inode *ino, int flags)
{
	int pfd = ipath(ino);
	if (pfd < 0)
		return pfd;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", pfd);
	int fd = open(p, flags | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

static int open_rd(void *arg)
{
	struct inode *ino = arg;
	return reopen(ino, S_ISDIR(ino->mode) ? O_RDONLY | O_DIRECTORY : O_RDONLY);
}

static int open_wr(void *arg)
{
	int fd = reopen(arg, O_RDWR);
	return fd == -EACCES ? reopen(arg, O_WRONLY) : fd;
}

static int ird(struct inode *ino)
{
	return hostfd_get(&HI(ino)->rfd, open_rd, ino);
}

static int iwr(struct inode *ino)
{
	return hostfd_get(&HI(ino)->wfd, open_wr, ino);
}

static void hinfo_close_all(struct hinfo *hi)
{
	hostfd_close(&hi->pfd);
	hostfd_close(&hi->rfd);
	hostfd_close(&hi->wfd);
}

/* ino's last known name is gone but the guest still uses it: keep its
 * O_PATH descriptor (opened before the name went) out of the cache. */
static void make_orphan(struct inode *ino)
{
	struct hinfo *hi = HI(ino);
	static bool warned;
	if ((hi->pfd.fd < 0 || hostfd_hold(&hi->pfd) < 0) && !warned) {
		/* no descriptor or no budget left: later use gives ESTALE */
		pr_warn("hostfs: no host descriptor left to keep an unlinked file open\n");
		warned = true;
	}
	free(hi->path);
	hi->path = NULL;
}

/* The inode of the same host object, if the guest has it in use. */
static struct inode *hash_find(struct hsb *hs, u64 dev, u64 ino)
{
	for (struct inode *i = hs->hash[(ino ^ dev) % HASH]; i; i = i->hash_next)
		if (HI(i)->hino == ino && HI(i)->hdev == dev)
			return i;
	return NULL;
}

/* The live inode that dir/name is, if the guest has it in use and knows it
 * by that very name (a hard link known by another name needs nothing). */
static struct inode *live_by_name(struct inode *dir, int dfd, const char *name, const char *path)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return NULL;
	struct inode *i = hash_find(HS(dir), st.st_dev, st.st_ino);
	if (!i || !HI(i)->path || strcmp(HI(i)->path, path))
		return NULL;
	return i;
}

/* A rename moved FROM to TO: so did every inode known by a path under it. */
static void repath(struct hsb *hs, const char *from, const char *to)
{
	size_t fl = strlen(from);
	for (int b = 0; b < HASH; b++)
		for (struct inode *i = hs->hash[b]; i; i = i->hash_next) {
			char *p = HI(i)->path;
			if (!p || strncmp(p, from, fl) || (p[fl] && p[fl] != '/'))
				continue;
			char *n = malloc(strlen(to) + strlen(p + fl) + 1);
			if (!n) {
				free(p);
				HI(i)->path = NULL; /* ESTALE rather than the wrong file */
				continue;
			}
			strcpy(n, to);
			strcat(n, p + fl);
			free(p);
			HI(i)->path = n;
		}
}

/* Is f_type one of the host kernel's interfaces rather than storage? */
static bool host_interface_fs(long type)
{
	switch ((unsigned long)type) {
	case 0x9fa0:            /* proc */
	case 0x62656572:        /* sysfs */
	case 0x64626720:        /* debugfs */
	case 0x74726163:        /* tracefs */
	case 0x73636673:        /* securityfs */
	case 0xf97cff8c:        /* selinuxfs */
	case 0x43415d53:        /* smackfs */
	case 0x27e0eb:          /* cgroup */
	case 0x63677270:        /* cgroup2 */
	case 0xcafe4a11:        /* bpf */
	case 0x6165676c:        /* pstore */
	case 0xde5e81e4:        /* efivarfs */
	case 0x62656570:        /* configfs */
	case 0x65735543:        /* fusectl */
	case 0x42494e4d:        /* binfmt_misc */
	case 0x6e736673:        /* nsfs */
	case 0x19800202:        /* mqueue */
	case 0x0187:            /* autofs */
	case 0x1cd1:            /* devpts */
	case 0x67596969:        /* rpc_pipefs */
	case 0x6e667364:        /* nfsd */
		return true;
	}
	return false;
}

/* Is the host object fd (on host device dev) on such a file system?  The
 * answer is kept per device; an fstatfs that fails seals too. */
static bool host_interface(struct hsb *hs, int fd, u64 dev)
{
	for (int i = 0; i < hs->ndevs; i++)
		if (hs->devs[i].dev == dev)
			return hs->devs[i].sealed;
	struct statfs sf;
	bool sealed = fstatfs(fd, &sf) < 0 || host_interface_fs(sf.f_type);
	if (hs->ndevs < (int)ARRAY_SIZE(hs->devs))
		hs->devs[hs->ndevs++] = (struct hdev){ dev, sealed };
	return sealed;
}

static int fd_given(void *arg)
{
	return *(int *)arg;
}

/* The inode for host object fd (an O_PATH descriptor, consumed) known as
 * path (consumed) under the mount's root. */
static int hostfs_iget(struct super_block *sb, int fd, char *path, struct inode **out)
{
	struct stat st;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		int e = errno;
		close(fd);
		free(path);
		return -e;
	}
	struct hsb *hs = sb->priv;
	struct inode *i = hash_find(hs, st.st_dev, st.st_ino);
	if (i) {
		/* the newest name is one that works: keep it for reopening */
		struct hinfo *hi = HI(i);
		if (hi->pfd.held)
			hostfd_unhold(&hi->pfd);
		free(hi->path);
		hi->path = path;
		if (hi->pfd.fd < 0)
			(void)hostfd_get(&hi->pfd, fd_given, &fd); /* saves a reopen */
		else
			close(fd);
		fill_attrs(i, &st);
		*out = iget(i);
		return 0;
	}
	struct inode *ino = inode_new(sb, st.st_mode);
	struct hinfo *hi = kzalloc(sizeof(*hi));
	if (!ino || !hi || !path) {
		free(ino);
		free(hi);
		free(path);
		close(fd);
		return -ENOMEM;
	}
	hi->pfd = hi->rfd = hi->wfd = (struct hostfd)HOSTFD_INIT;
	hi->path = path;
	hi->hdev = st.st_dev;
	hi->hino = st.st_ino;
	ino->priv = hi;
	ino->ino = st.st_ino;
	fill_attrs(ino, &st);
	if (host_interface(hs, fd, st.st_dev)) {
		ino->iops = &hostfs_sealed_iops;
		ino->fops = S_ISDIR(st.st_mode) ? &hostfs_sealed_dir_fops : NULL;
	} else {
		ino->iops = &hostfs_iops;
		ino->fops = S_ISDIR(st.st_mode) ? &hostfs_dir_fops : &hostfs_file_fops;
	}
	unsigned h = (st.st_ino ^ st.st_dev) % HASH;
	ino->hash_next = hs->hash[h];
	hs->hash[h] = ino;
	/* the lookup's descriptor becomes the first cached one */
	(void)hostfd_get(&hi->pfd, fd_given, &fd);
	*out = ino;
	return 0;
}

static void hostfs_evict(struct inode *ino)
{
	struct hsb *hs = ino->sb->priv;
	struct hinfo *hi = HI(ino);
	unsigned h = (hi->hino ^ hi->hdev) % HASH;
	for (struct inode **pp = &hs->hash[h]; *pp; pp = &(*pp)->hash_next)
		if (*pp == ino) {
			*pp = ino->hash_next;
			break;
		}
	/* only a shared writable mapping can have changed cached pages:
	 * writing back anything else would change the host file's times */
	if (ino->pc.may_dirty)
		pagecache_writeback(ino);
	hinfo_close_all(hi);
	free(hi->path);
	free(hi);
}

static int hostfs_lookup(struct inode *dir, const char *name, struct inode **out)
{
	if (!HI(dir)->path)
		return -ENOENT; /* a removed directory */
	int dfd = ipath(dir);
	if (dfd < 0)
		return dfd;
	int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return hostfs_iget(dir->sb, fd, path_join(HI(dir)->path, name), out);
}

/* A new host object (dfd/name, made by host root) becomes the guest
 * creator's: its owner, then the mode again (a chown by host root drops
 * the set-id bits of a file). */
static int give_to_creator(int dfd, const char *name, u32 mode, u32 uid, u32 gid)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (st.st_uid == uid && st.st_gid == gid)
		return 0;
	if (fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == EPERM ? 0 : -errno; /* a kernel not run as host root: its own */
	if (!S_ISLNK(mode) && (mode & (S_ISUID | S_ISGID)) && fchmodat(dfd, name, mode & 07777, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

static int hostfs_create(struct inode *dir, const char *name, u32 mode, u64 rdev, struct inode **out)
{
	if (dir->sb->readonly)
		return -EROFS;
	int dfd = ipath(dir), r;
	if (dfd < 0)
		return dfd;
	u32 uid, gid;
	new_inode_owner(current, dir, &mode, &uid, &gid);
	if (S_ISDIR(mode))
		r = mkdirat(dfd, name, mode & 07777);
	else if (S_ISREG(mode)) {
		int fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
		r = fd < 0 ? -1 : 0;
		if (fd >= 0)
			close(fd);
	} else if (S_ISFIFO(mode) || S_ISSOCK(mode))
		r = mknodat(dfd, name, mode, 0);
	else
		return -EPERM; /* no host device nodes */
	if (r < 0)
		return -errno;
	/* mkdir ignores S_ISUID/S_ISGID of its mode: the guest's say */
	if (S_ISDIR(mode) && (mode & (S_ISUID | S_ISGID)))
		(void)fchmodat(dfd, name, mode & 07777, AT_SYMLINK_NOFOLLOW);
	if ((r = give_to_creator(dfd, name, mode, uid, gid)) < 0) {
		unlinkat(dfd, name, S_ISDIR(mode) ? AT_REMOVEDIR : 0);
		return r;
	}
	if (!out)
		return 0;
	return hostfs_lookup(dir, name, out);
}

static int hostfs_unlink(struct inode *dir, const char *name, bool want_dir)
{
	if (dir->sb->readonly)
		return -EROFS;
	int dfd = ipath(dir);
	if (dfd < 0)
		return dfd;
	char *path = HI(dir)->path ? path_join(HI(dir)->path, name) : NULL;
	struct inode *victim = path ? live_by_name(dir, dfd, name, path) : NULL;
	free(path);
	/* in use: its descriptor must be open before the name goes */
	if (victim && ipath(victim) < 0)
		victim = NULL;
	if (unlinkat(dfd, name, want_dir ? AT_REMOVEDIR : 0) < 0)
		return -errno;
	if (victim)
		make_orphan(victim);
	return 0;
}

static int hostfs_symlink(struct inode *dir, const char *name, const char *target)
{
	if (dir->sb->readonly)
		return -EROFS;
	int dfd = ipath(dir);
	if (dfd < 0)
		return dfd;
	u32 mode = S_IFLNK | 0777, uid, gid;
	new_inode_owner(current, dir, &mode, &uid, &gid);
	if (symlinkat(target, dfd, name) < 0)
		return -errno;
	int r = give_to_creator(dfd, name, mode, uid, gid);
	if (r < 0)
		unlinkat(dfd, name, 0);
	return r;
}

static int hostfs_link(struct inode *old, struct inode *dir, const char *name)
{
	if (dir->sb->readonly)
		return -EROFS;
	int ofd = ipath(old), dfd = ipath(dir);
	if (ofd < 0 || dfd < 0)
		return ofd < 0 ? ofd : dfd;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", ofd);
	return linkat(AT_FDCWD, p, dfd, name, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
}

static int hostfs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
			 unsigned flags)
{
	if (odir->sb->readonly)
		return -EROFS;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL; /* a whiteout would be a device node on the host */
	if (odir->sb != ndir->sb)
		return -EXDEV;
	int ofd = ipath(odir), nfd = ipath(ndir);
	if (ofd < 0 || nfd < 0)
		return ofd < 0 ? ofd : nfd;
	char *opath = HI(odir)->path ? path_join(HI(odir)->path, oname) : NULL;
	char *npath = HI(ndir)->path ? path_join(HI(ndir)->path, nname) : NULL;
	struct inode *victim = NULL;
	if (npath && !(flags & RENAME_EXCHANGE)) {
		victim = live_by_name(ndir, nfd, nname, npath);
		if (victim && ipath(victim) < 0)
			victim = NULL;
	}
	int r = 0;
	if (syscall(SYS_renameat2, ofd, oname, nfd, nname, flags) < 0)
		r = -errno;
	else {
		struct hsb *hs = HS(odir);
		if (victim)
			make_orphan(victim);
		if (opath && npath && (flags & RENAME_EXCHANGE)) {
			repath(hs, opath, "\001");
			repath(hs, npath, opath);
			repath(hs, "\001", npath);
		} else if (opath && npath)
			repath(hs, opath, npath);
	}
	free(opath);
	free(npath);
	return r;
}

static long hostfs_readlink(struct inode *ino, char *buf, size_t len)
{
	int fd = ipath(ino);
	if (fd < 0)
		return fd;
	ssize_t n = readlinkat(fd, "", buf, len);
	return n < 0 ? -errno : n;
}

static int hostfs_getattr(struct inode *ino, struct kstat *ks)
{
	struct stat st;
	int fd = ipath(ino);
	if (fd < 0)
		return fd;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	/* a size grown by a shared mapping not yet written back wins */
	u64 size = MAX((u64)st.st_size, ino->size);
	fill_attrs(ino, &st);
	ino->size = size;
	memset(ks, 0, sizeof(*ks));
	ks->dev = ino->sb->dev;
	ks->ino = st.st_ino;
	ks->mode = st.st_mode;
	ks->nlink = st.st_nlink;
	ks->uid = st.st_uid;
	ks->gid = st.st_gid;
	ks->size = size;
	ks->rdev = st.st_rdev;
	ks->blksize = st.st_blksize;
	ks->blocks = st.st_blocks;
	ks->atime = st.st_atim;
	ks->mtime = st.st_mtim;
	ks->ctime = st.st_ctim;
	return 0;
}

static int hostfs_truncate(struct inode *ino, u64 size)
{
	if (ino->sb->readonly)
		return -EROFS;
	int fd = iwr(ino);
	if (fd < 0)
		return fd;
	int r = ftruncate(fd, size) < 0 ? -errno : 0;
	if (r == 0) {
		pagecache_truncate(ino, size);
		ino->size = size;
	}
	return r;
}

static int hostfs_chmod(struct inode *ino, u32 mode)
{
	if (ino->sb->readonly)
		return -EROFS;
	int fd = ipath(ino);
	if (fd < 0)
		return fd;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (chmod(p, mode & 07777) < 0)
		return -errno;
	ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
	return 0;
}

/* The VFS has checked the guest's right (attr.c); the host call is on the
 * object itself (its O_PATH descriptor), never following a link. */
static int hostfs_chown(struct inode *ino, u32 uid, u32 gid)
{
	if (ino->sb->readonly)
		return -EROFS;
	int fd = ipath(ino);
	if (fd < 0)
		return fd;
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	struct stat st;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0) {
		ino->mode = st.st_mode;
		ino->uid = st.st_uid;
		ino->gid = st.st_gid;
	}
	return 0;
}

/* ---- metadata through the host (the VFS has checked permissions) ---- */

static int hostfs_set_times(struct inode *ino, const struct timespec *atime, const struct timespec *mtime)
{
	if (ino->sb->readonly)
		return -EROFS;
	int fd = ipath(ino);
	if (fd < 0)
		return fd;
	struct timespec ts[2] = { atime ? *atime : (struct timespec){ 0, UTIME_OMIT },
				  mtime ? *mtime : (struct timespec){ 0, UTIME_OMIT } };
	/* on the O_PATH descriptor itself: a symlink's own times, never its target's */
	return utimensat(fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

/* Extended attributes: the host's user.* namespace only (the host's
 * trusted.* and security.* are the host's, not the guest's), on regular
 * files and directories (the VFS refuses user.* elsewhere). */
static bool user_ns(const char *name)
{
	return !strncmp(name, "user.", 5);
}

static int xattr_path(struct inode *ino, char *p, size_t len)
{
	int fd = ipath(ino);
	if (fd < 0)
		return fd;
	snprintf(p, len, "/proc/self/fd/%d", fd);
	return 0;
}

static int hostfs_setxattr(struct inode *ino, const char *name, const void *val, size_t len, int flags)
{
	char p[64];
	int r;
	if (!user_ns(name))
		return -EOPNOTSUPP;
	if (ino->sb->readonly)
		return -EROFS;
	if ((r = xattr_path(ino, p, sizeof(p))) < 0)
		return r;
	return setxattr(p, name, val, len, flags) < 0 ? -errno : 0;
}

static long hostfs_getxattr(struct inode *ino, const char *name, void *buf, size_t len)
{
	char p[64];
	int r;
	if (!user_ns(name))
		return -EOPNOTSUPP;
	if ((r = xattr_path(ino, p, sizeof(p))) < 0)
		return r;
	ssize_t n = getxattr(p, name, buf, len);
	return n < 0 ? -errno : n;
}

/* The host's names, filtered to user.*: the host's list is fetched whole
 * (at most 64 KiB, as Linux's own bound) and only the user names count. */
static long hostfs_listxattr(struct inode *ino, char *buf, size_t len)
{
	char p[64];
	int r;
	if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
		return 0;
	if ((r = xattr_path(ino, p, sizeof(p))) < 0)
		return r;
	char *all = malloc(65536);
	if (!all)
		return -ENOMEM;
	ssize_t n = listxattr(p, all, 65536);
	if (n < 0) {
		r = errno == ENOTSUP ? 0 : -errno;
		free(all);
		return r;
	}
	size_t used = 0;
	for (ssize_t i = 0; i < n;) {
		size_t l = strlen(all + i) + 1;
		if (user_ns(all + i)) {
			if (len && used + l > len) {
				free(all);
				return -ERANGE;
			}
			if (len)
				memcpy(buf + used, all + i, l);
			used += l;
		}
		i += l;
	}
	free(all);
	return used;
}

static int hostfs_removexattr(struct inode *ino, const char *name)
{
	char p[64];
	int r;
	if (!user_ns(name))
		return -EOPNOTSUPP;
	if (ino->sb->readonly)
		return -EROFS;
	if ((r = xattr_path(ino, p, sizeof(p))) < 0)
		return r;
	return removexattr(p, name) < 0 ? -errno : 0;
}

/* fallocate on the host file; cached pages of a hole or a zeroed range
 * are dropped after any shared mapping's changes have been written */
static int hostfs_fallocate(struct inode *ino, int mode, u64 off, u64 len)
{
	if (ino->sb->readonly)
		return -EROFS;
	int fd = iwr(ino);
	if (fd < 0)
		return fd;
	if (!(mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE)) && host_room(fd, len) < len)
		return -ENOSPC; /* (for all of len, though some of it may be allocated already) */
	if (mode & ~FALLOC_FL_KEEP_SIZE)
		pagecache_writeback(ino);
	if (fallocate(fd, mode, off, len) < 0)
		return -errno;
	if (mode & ~FALLOC_FL_KEEP_SIZE)
		pagecache_punch(ino, off, len);
	struct stat st;
	if (fstat(fd, &st) == 0)
		ino->size = MAX((u64)st.st_size, ino->size);
	return 0;
}

/* statfs: the host file system's figures under hostfs's own magic, as
 * UML's hostfs reports them (HOSTFS_SUPER_MAGIC); the flags add the
 * guest mount's read-only. */
static int hostfs_statfs(struct super_block *sb, struct kstatfs *ks)
{
	struct statfs st;
	int fd = HS(sb->root)->rootfd;
	if (fstatfs(fd, &st) < 0)
		return -errno;
	ks->type = 0x00c0ffee;
	ks->bsize = st.f_bsize;
	ks->blocks = st.f_blocks;
	ks->bfree = st.f_bfree;
	ks->bavail = st.f_bavail;
	struct statvfs sv;
	if (fstatvfs(fd, &sv) == 0 && st.f_bsize) {
		u64 rb = reserve_of(&sv) / st.f_bsize; /* hostfs's reserve shows as used */
		ks->bavail = ks->bavail > rb ? ks->bavail - rb : 0;
		ks->bfree = ks->bfree > rb ? ks->bfree - rb : 0;
	}
	ks->files = st.f_files;
	ks->ffree = st.f_ffree;
	ks->namelen = st.f_namelen;
	ks->frsize = st.f_frsize;
	ks->flags = st.f_flags | (sb->readonly ? ST_RDONLY : 0);
	return 0;
}

static int hostfs_readpage(struct inode *ino, u64 pgoff, void *dst)
{
	int fd = ird(ino);
	if (fd < 0)
		return fd;
	ssize_t n = pread(fd, dst, PAGE_SIZE, pgoff << PAGE_SHIFT);
	if (n < 0)
		return -EIO;
	memset((u8 *)dst + n, 0, PAGE_SIZE - n);
	return 0;
}

static int hostfs_writepage(struct inode *ino, u64 pgoff, const void *src, size_t len)
{
	if (ino->sb->readonly)
		return -EROFS;
	int fd = iwr(ino);
	if (fd < 0)
		return fd;
	if (host_room(fd, len) < len)
		return -ENOSPC;
	ssize_t n = pwrite(fd, src, len, pgoff << PAGE_SHIFT);
	return n == (ssize_t)len ? 0 : -EIO;
}

/* Opening checks what the host allows (the access mode), through the
 * inode's cached descriptors; the open file keeps none of its own. */
static int hostfs_open(struct inode *ino, struct file *f)
{
	if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
		return -ENXIO;
	int acc = f->flags & O_ACCMODE;
	if (ino->sb->readonly && acc != O_RDONLY)
		return -EROFS;
	int fd = -1;
	if (acc != O_RDONLY && (fd = iwr(ino)) < 0)
		return fd;
	if (acc != O_WRONLY && (fd = ird(ino)) < 0)
		return fd;
	if (S_ISREG(ino->mode)) {
		struct stat st;
		if (fstat(fd, &st) == 0)
			ino->size = MAX((u64)st.st_size, ino->size);
	}
	return 0;
}

static long hostfs_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	struct inode *ino = f->inode;
	size_t done = 0;
	while (done < len) {
		u64 off = *pos + done;
		size_t n = MIN(len - done, PAGE_SIZE - (off & ~PAGE_MASK));
		u64 fr = pagecache_peek(ino, off >> PAGE_SHIFT);
		if (fr != NO_FRAME) {
			if (off >= ino->size)
				break;
			n = MIN(n, ino->size - off);
			memcpy((u8 *)buf + done, (u8 *)frame_ptr(fr) + (off & ~PAGE_MASK), n);
			done += n;
			continue;
		}
		/* uncached: read straight from the host, up to the next cached page */
		size_t span = n;
		while (done + span < len &&
		       pagecache_peek(ino, (off + span) >> PAGE_SHIFT) == NO_FRAME)
			span = MIN(len - done, span + PAGE_SIZE);
		int fd = ird(ino);
		if (fd < 0)
			return done ? (long)done : fd;
		ssize_t r = pread(fd, (u8 *)buf + done, span, off);
		if (r < 0)
			return done ? (long)done : -errno;
		done += r;
		if ((size_t)r < span)
			break;
	}
	*pos += done;
	return done;
}

static long hostfs_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	struct inode *ino = f->inode;
	int fd = iwr(ino);
	if (fd < 0)
		return fd;
	if (f->flags & O_APPEND) {
		struct stat st;
		if (fstat(fd, &st) == 0)
			*pos = MAX((u64)st.st_size, ino->size);
	}
	size_t room = host_room(fd, len);
	if (!room)
		return -ENOSPC;
	ssize_t r = pwrite(fd, buf, room, *pos);
	if (r < 0)
		return -errno;
	/* keep cached pages (shared by mappings) in step */
	for (size_t done = 0; done < (size_t)r;) {
		u64 off = *pos + done;
		size_t n = MIN((size_t)r - done, PAGE_SIZE - (off & ~PAGE_MASK));
		u64 fr = pagecache_peek(ino, off >> PAGE_SHIFT);
		if (fr != NO_FRAME)
			memcpy((u8 *)frame_ptr(fr) + (off & ~PAGE_MASK), (const u8 *)buf + done, n);
		done += n;
	}
	*pos += r;
	if (*pos > ino->size)
		ino->size = *pos;
	return r;
}

struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The directory's one cached descriptor serves every open file of it: each
 * call seeks it to the file's own position first. */
static long hostfs_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	char buf[8192];
	for (;;) {
		int fd = ird(f->inode);
		if (fd < 0)
			return fd;
		if (lseek(fd, f->pos, SEEK_SET) < 0)
			return -errno;
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);
			if (fill(sink, d->d_name, strlen(d->d_name), d->d_ino, d->d_type, d->d_off))
				return 0;
			f->pos = d->d_off;
			off += d->d_reclen;
		}
	}
}

static const struct inode_ops hostfs_iops = {
	.lookup = hostfs_lookup,
	.create = hostfs_create,
	.unlink = hostfs_unlink,
	.symlink = hostfs_symlink,
	.link = hostfs_link,
	.rename = hostfs_rename,
	.readlink = hostfs_readlink,
	.getattr = hostfs_getattr,
	.truncate = hostfs_truncate,
	.chmod = hostfs_chmod,
	.chown = hostfs_chown,
	.open = hostfs_open,
	.evict = hostfs_evict,
	.readpage = hostfs_readpage,
	.writepage = hostfs_writepage,
	.set_times = hostfs_set_times,
	.setxattr = hostfs_setxattr,
	.getxattr = hostfs_getxattr,
	.listxattr = hostfs_listxattr,
	.removexattr = hostfs_removexattr,
	.fallocate = hostfs_fallocate,
};

/* ---- sealed objects: the host kernel's interfaces ---- */

static int sealed_lookup(struct inode *dir, const char *name, struct inode **out)
{
	(void)dir, (void)name, (void)out;
	return -ENOENT;
}

static int sealed_open(struct inode *ino, struct file *f)
{
	(void)f;
	return S_ISDIR(ino->mode) && (f->flags & O_ACCMODE) == O_RDONLY ? 0 : -EACCES;
}

static long sealed_readlink(struct inode *ino, char *buf, size_t len)
{
	(void)ino, (void)buf, (void)len;
	return -EACCES;
}

static long sealed_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	if (f->pos == 0) {
		if (fill(sink, ".", 1, f->inode->ino, DT_DIR, 1))
			return 0;
		f->pos = 1;
	}
	if (f->pos == 1) {
		if (fill(sink, "..", 2, f->inode->ino, DT_DIR, 2))
			return 0;
		f->pos = 2;
	}
	return 0;
}

/* Only its attributes, as the host has them; the VFS refuses what has no
 * operation (EPERM for chmod, chown and times, EROFS or EACCES for
 * creations). */
static const struct inode_ops hostfs_sealed_iops = {
	.lookup = sealed_lookup,
	.readlink = sealed_readlink,
	.getattr = hostfs_getattr,
	.open = sealed_open,
	.evict = hostfs_evict,
};

static const struct file_ops hostfs_sealed_dir_fops = {
	.iterate = sealed_iterate,
};

static const struct file_ops hostfs_file_fops = {
	.read = hostfs_read,
	.write = hostfs_write,
	.seekable = true,
};

static const struct file_ops hostfs_dir_fops = {
	.iterate = hostfs_iterate,
	.seekable = true,
};

/* ---- mounting ---- */

/* Mount the host directory open as fd (consumed). */
static int mount_fd(struct super_block *sb, int fd, const char *opts)
{
	/* the guest's umask is applied by the VFS; the host must add none
	 * (a umask is the whole process's: set at the first mount, boot) */
	umask(0);
	sb->readonly = opts && strcmp(opts, "ro") == 0;
	struct hsb *hs = kzalloc(sizeof(struct hsb));
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (!hs || dfd < 0) {
		int r = dfd < 0 ? -errno : -ENOMEM;
		free(hs);
		close(fd);
		if (dfd >= 0)
			close(dfd);
		return r;
	}
	hs->rootfd = fd;
	sb->priv = hs;
	struct stat st;
	int r = fstat(dfd, &st) < 0 ? -errno : host_interface(hs, dfd, st.st_dev) ? -EPERM : 0;
	if (r < 0)
		close(dfd);
	else
		r = hostfs_iget(sb, dfd, strdup(""), &sb->root);
	if (r < 0) {
		close(fd);
		free(hs);
		sb->priv = NULL;
	}
	return r;
}

/* The root= of the command line: a host path the host's user chose. */
static int hostfs_root_mount(struct super_block *sb, const char *source, const char *opts)
{
	int fd = open(source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return mount_fd(sb, fd, opts);
}

/* mount(2) from the guest: only under hostfs=DIR, the source taken
 * relative to DIR, which neither ".." nor a symbolic link can leave. */
static int hostfs_guest_mount(struct super_block *sb, const char *source, const char *opts)
{
	if (allowed_fd < 0)
		return -EPERM;
	if (!source || !strcmp(source, "none") || !strcmp(source, "hostfs"))
		source = "";
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = syscall(SYS_openat2, allowed_fd, source[0] ? source : ".", &how, sizeof(how));
	if (fd < 0)
		return -errno;
	return mount_fd(sb, fd, opts);
}

int hostfs_allow(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (allowed_fd >= 0)
		close(allowed_fd);
	allowed_fd = fd;
	return 0;
}

/* umount: the root inode goes (closing its descriptors), then the mount's
 * root descriptor; nothing else of the instance is in use (namei.c). */
static void hostfs_kill_sb(struct super_block *sb)
{
	struct hsb *hs = sb->priv;
	iput(sb->root);
	close(hs->rootfd);
	free(hs);
	free(sb);
}

const struct fs_type hostfs_type = { "hostfs", hostfs_guest_mount, hostfs_kill_sb, hostfs_statfs };
const struct fs_type hostfs_root_type = { "hostfs", hostfs_root_mount, NULL, hostfs_statfs };
