/* Anonymous inodes: files with no file system name (eventfd, timerfd,
 * signalfd), as Linux's anon_inode_getfile.
 *
 * Every such file shares one inode (mode 0600, no file type, as Linux's
 * anon inode shows in fstat), made at the first use and kept forever.  A
 * file's kind is the name of a dentry of its own on that inode, a dentry
 * that is its own parent ("[eventfd]"): procfs's file_link_name shows it
 * as "anon_inode:[eventfd]", and nothing can look it up.  The file's
 * behaviour is its ops and private data alone. */
#include <vmcore/anon_inodes.h>
#include <vmcore/syscall.h>

static struct super_block anon_inode_sb = { .dev = 0xd };
static struct inode *anon_inode;

bool file_is_anon(struct file *f)
{
	return anon_inode && f->inode == anon_inode;
}

struct file *anon_inode_getfile(const char *name, const struct file_ops *fops, void *priv, u32 flags,
				long *err)
{
	long r = files_check(1);
	if (r < 0) {
		*err = r;
		return NULL;
	}
	if (!anon_inode && !(anon_inode = inode_new(&anon_inode_sb, 0600))) {
		*err = -ENOMEM;
		return NULL;
	}
	struct dentry *d = dentry_new(NULL, name, iget(anon_inode)); /* the dentry holds a reference */
	if (!d) {
		iput(anon_inode);
		*err = -ENOMEM;
		return NULL;
	}
	struct file *f = file_alloc(anon_inode, d, flags);
	dput(d);
	if (!f) {
		*err = -ENFILE;
		return NULL;
	}
	f->ops = fops;
	f->priv = priv;
	return f;
}

int anon_inode_getfd(struct task *t, const char *name, const struct file_ops *fops, void *priv, u32 flags,
		     bool cloexec, bool *released)
{
	long err = 0;
	*released = false;
	struct file *f = anon_inode_getfile(name, fops, priv, flags, &err);
	if (!f)
		return err;
	int fd = fd_install(t, f, cloexec, 0);
	if (fd < 0) {
		fput(f);
		*released = true;
	}
	return fd;
}
