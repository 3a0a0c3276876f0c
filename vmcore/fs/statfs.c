/* statfs, fstatfs and ustat: what a mounted file system holds and has
 * left.  A file system that keeps figures reports them (fs_type.statfs:
 * tmpfs its size= and nr_inodes= use, hostfs the host file system's under
 * HOSTFS_SUPER_MAGIC); the synthetic ones (proc, sysfs, tracefs...) get
 * their Linux magic number and no blocks, as Linux's simple_statfs.  The
 * flags are Linux's: ST_VALID, ST_RELATIME (every mount here is
 * relatime), ST_RDONLY for a read-only mount. */
#include <vmcore/fs_at.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#define ST_VALID 0x20 /* the kernel sets it: f_flags is filled in */

static const struct {
	const char *name;
	u64 magic;
} magics[] = {
	{ "proc", 0x9fa0 },        /* PROC_SUPER_MAGIC */
	{ "sysfs", 0x62656572 },   /* SYSFS_MAGIC */
	{ "devpts", 0x1cd1 },      /* DEVPTS_SUPER_MAGIC */
	{ "tracefs", 0x74726163 }, /* TRACEFS_MAGIC */
	{ "debugfs", 0x64626720 }, /* DEBUGFS_MAGIC */
	{ "devtmpfs", 0x01021994 },
	{ "tmpfs", 0x01021994 },   /* TMPFS_MAGIC */
	{ "ramfs", 0x858458f6 },   /* RAMFS_MAGIC */
	{ "hostfs", 0x00c0ffee },  /* HOSTFS_SUPER_MAGIC */
};

static long vfs_statfs(struct inode *ino, struct statfs *out)
{
	struct kstatfs k;
	memset(&k, 0, sizeof(k));
	struct super_block *sb = ino->sb;
	if (!sb || !sb->type) {
		/* pipes and anonymous objects: Linux's pipefs and anon_inodefs */
		k.type = S_ISFIFO(ino->mode) ? 0x50495045 : 0x09041934;
		k.bsize = k.frsize = PAGE_SIZE;
		k.namelen = 255;
		k.flags = ST_VALID;
	} else if (sb->type->statfs) {
		long r = sb->type->statfs(sb, &k);
		if (r < 0)
			return r;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
			if (!strcmp(sb->type->name, magics[i].name))
				k.type = magics[i].magic;
		k.bsize = PAGE_SIZE;
		k.namelen = 255;
	}
	if (!k.frsize)
		k.frsize = k.bsize;
	if (sb && sb->type && strcmp(sb->type->name, "hostfs"))
		k.flags = ST_VALID | ST_RELATIME | (sb->readonly ? ST_RDONLY : 0);
	/* the device number stands in for a file system id, as Linux's
	 * huge_encode_dev for file systems without one */
	k.fsid[0] = sb ? sb->dev : 0;
	memset(out, 0, sizeof(*out));
	out->f_type = k.type;
	out->f_bsize = k.bsize;
	out->f_blocks = k.blocks;
	out->f_bfree = k.bfree;
	out->f_bavail = k.bavail;
	out->f_files = k.files;
	out->f_ffree = k.ffree;
	memcpy(&out->f_fsid, k.fsid, sizeof(k.fsid));
	out->f_namelen = k.namelen;
	out->f_frsize = k.frsize;
	out->f_flags = k.flags;
	return 0;
}

SYSCALL_DEFINE(statfs)
{
	struct dentry *d;
	struct statfs st;
	long r = lookup_at(t, AT_FDCWD, a->a[0], 0, &d);
	if (r < 0)
		return r;
	r = vfs_statfs(d->inode, &st);
	dput(d);
	return r < 0 ? r : copy_to_user(t->mm, a->a[1], &st, sizeof(st));
}

SYSCALL_DEFINE(fstatfs)
{
	struct file *f = fd_get(t, a->a[0]);
	struct statfs st;
	if (!f)
		return -EBADF;
	long r = vfs_statfs(f->inode, &st);
	return r < 0 ? r : copy_to_user(t->mm, a->a[1], &st, sizeof(st));
}

/* ustat(dev): the free blocks and inodes of the file system mounted from
 * dev (every one here is an anonymous device; EINVAL for none) */
SYSCALL_DEFINE(ustat)
{
	u32 dev = a->a[0];
	u64 ma = (dev & 0xfff00) >> 8, mi = (dev & 0xff) | ((dev >> 12) & 0xfff00);
	struct super_block *sb = vfs_sb_by_dev(makedev(ma, mi));
	struct statfs st;
	if (!sb)
		return -EINVAL;
	long r = vfs_statfs(sb->root, &st);
	if (r < 0)
		return r;
	struct {
		int f_tfree;
		unsigned long f_tinode;
		char f_fname[6], f_fpack[6];
	} u;
	memset(&u, 0, sizeof(u));
	u.f_tfree = st.f_bfree;
	u.f_tinode = MIN((u64)st.f_ffree, 0xffffffffULL);
	return copy_to_user(t->mm, a->a[1], &u, sizeof(u));
}
