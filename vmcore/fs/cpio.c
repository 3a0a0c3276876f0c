/* Unpacking a newc ("070701") cpio archive into the root ramfs, as Linux's
 * initramfs does.  Every header field is checked against the archive's
 * size: a corrupt archive is refused with -EINVAL, never read past. */
#include <vmcore/vfs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

static bool hex8(const char *s, u32 *out)
{
	u32 v = 0;
	for (int i = 0; i < 8; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return false;
	}
	*out = v;
	return true;
}

static size_t align4(size_t x)
{
	return (x + 3) & ~3UL;
}

static int make_node(struct fs_struct *fs, const char *name, u32 mode, u64 rdev, const void *data,
		     size_t size, u32 mtime)
{
	struct dentry *dir;
	char last[256];
	int r = path_walk(fs, NULL, name, LOOKUP_PARENT, &dir, last);
	if (r == -EEXIST)
		return 0; /* "." */
	if (r < 0)
		return r;
	struct inode *ino;
	if (S_ISLNK(mode)) {
		char *t = strndup(data, size);
		r = t ? dir->inode->iops->symlink(dir->inode, last, t) : -ENOMEM;
		free(t);
		dput(dir);
		return r == -EEXIST ? 0 : r;
	}
	if (dir->inode->iops->lookup(dir->inode, last, &ino) == 0) {
		/* an existing directory is kept; anything else is replaced */
		if (S_ISDIR(ino->mode) && S_ISDIR(mode)) {
			ino->mode = mode;
			iput(ino);
			dput(dir);
			return 0;
		}
		iput(ino);
		dir->inode->iops->unlink(dir->inode, last, S_ISDIR(ino->mode));
	}
	r = dir->inode->iops->create(dir->inode, last, mode, rdev, &ino);
	dput(dir);
	if (r < 0)
		return r;
	ino->mtime.tv_sec = mtime;
	if (S_ISREG(mode) && size) {
		u64 pos = 0;
		long n = pagecache_write(ino, data, size, &pos);
		if (n != (long)size)
			r = n < 0 ? (int)n : -ENOSPC;
	}
	ino->mtime.tv_sec = mtime;
	iput(ino);
	return r;
}

int cpio_unpack(struct fs_struct *fs, const void *data, size_t len)
{
	const char *p = data;
	size_t off = 0;
	while (off + 110 <= len) {
		const char *h = p + off;
		if (memcmp(h, "070701", 6) && memcmp(h, "070702", 6)) {
			/* zero padding between concatenated archives is allowed */
			if (h[0] == 0) {
				off += 4;
				continue;
			}
			return -EINVAL;
		}
		u32 f[13];
		for (int i = 0; i < 13; i++)
			if (!hex8(h + 6 + i * 8, &f[i]))
				return -EINVAL;
		u32 mode = f[1], mtime = f[5], filesize = f[6];
		u32 rmaj = f[9], rmin = f[10], namesize = f[11];
		if (namesize == 0 || namesize > 4096 || off + 110 + namesize > len)
			return -EINVAL;
		const char *name = h + 110;
		if (name[namesize - 1] != 0)
			return -EINVAL;
		size_t doff = align4(off + 110 + namesize);
		if (doff > len || filesize > len - doff)
			return -EINVAL;
		if (!strcmp(name, "TRAILER!!!")) {
			off = align4(doff + filesize);
			continue;
		}
		const char *nm = name;
		while (*nm == '/')
			nm++;
		if (*nm) {
			int r = make_node(fs, nm, mode, makedev(rmaj, rmin), p + doff, filesize, mtime);
			if (r < 0)
				pr_warn("initramfs: cannot create %s: error %d\n", nm, r);
		}
		off = align4(doff + filesize);
	}
	return 0;
}
