/* Path walking, mounting and opening.
 *
 * The walk goes a component at a time from the root or the working
 * directory: "." stays, ".." goes to the parent dentry (never above the
 * task's root), a mount point is replaced by the root of what is mounted on
 * it, and symbolic links are read and walked here (at most 40 of them in one
 * walk, as Linux), relative to the directory that holds them or, for
 * absolute targets, to the task's root.  A file system never resolves more
 * than one name at a time, so none of this can leave the guest's root. */
#include <vmcore/cred.h>
#include <vmcore/fsnotify.h>
#include <vmcore/vfs.h>
#include <vmcore/mm.h>
#include <vmcore/task.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#define MAX_SYMLINKS 40

struct mount {
	struct inode *mountpoint;
	struct super_block *sb;
	struct inode *root;     /* sb->root, or a directory (or file) of sb for a bind mount */
	struct mount_view view; /* what /proc/PID/mountinfo says of it */
};
static struct mount mounts[64];
static int nmounts;
static struct dentry *root_dentry;
static struct mount_view root_view = { .id = 21, .parent_id = 1, .path = "/" };
static int next_mount_id = 22;
static const struct fs_type *fs_types[16];
static u64 next_dev = 0x10;

int register_filesystem(const struct fs_type *fs)
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
		if (!fs_types[i]) {
			fs_types[i] = fs;
			return 0;
		}
	return -ENOSPC;
}

static const struct fs_type *find_fs(const char *name)
{
	if (!strcmp(name, "ramfs") || !strcmp(name, "rootfs"))
		return &ramfs_type;
	if (!strcmp(name, "tmpfs"))
		return &tmpfs_type;
	if (!strcmp(name, "hostfs"))
		return &hostfs_type;
	if (!strcmp(name, "proc"))
		return &proc_type;
	if (!strcmp(name, "tracefs"))
		return &tracefs_type;
	if (!strcmp(name, "debugfs"))
		return &debugfs_type;
	for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
		if (fs_types[i] && !strcmp(fs_types[i]->name, name))
			return fs_types[i];
	return NULL;
}

static int mount_sb_type(const struct fs_type *ft, const char *source, const char *opts,
			 struct super_block **out)
{
	if (!ft)
		return -ENODEV;
	struct super_block *sb = kzalloc(sizeof(*sb));
	if (!sb)
		return -ENOMEM;
	sb->type = ft;
	sb->dev = next_dev++;
	int r = ft->mount(sb, source, opts);
	if (r < 0) {
		free(sb);
		return r;
	}
	*out = sb;
	return 0;
}

static int mount_sb(const char *type, const char *source, const char *opts, struct super_block **out)
{
	return mount_sb_type(find_fs(type), source, opts, out);
}

/* A file system instance of the kernel's own, mounted nowhere (Linux's
 * kern_mount): its root dentry, or NULL. */
struct dentry *vfs_kern_mount(const char *type)
{
	struct super_block *sb;
	if (mount_sb(type, "none", NULL, &sb) < 0)
		return NULL;
	return dentry_new(NULL, "/", iget(sb->root));
}

int vfs_mount_root(const char *type, const char *source, const char *opts)
{
	struct super_block *sb;
	/* the command line's root= is the host's choice, not the guest's */
	const struct fs_type *ft = !strcmp(type, "hostfs") ? &hostfs_root_type : find_fs(type);
	int r = mount_sb_type(ft, source, opts, &sb);
	if (r < 0)
		return r;
	root_dentry = dentry_new(NULL, "/", iget(sb->root));
	root_view.sb = sb;
	root_view.source = (char *)(!strcmp(type, "hostfs") ? "/dev/root" : "rootfs");
	root_view.flags = sb->readonly ? MS_RDONLY : 0;
	return root_dentry ? 0 : -ENOMEM;
}

/* How many references to ino its file system holds by naming it: a
 * directory entry of ramfs/tmpfs holds its inode; hostfs holds none. */
static int fs_names(struct inode *ino)
{
	if (!ino->sb || (ino->sb->type != &tmpfs_type && ino->sb->type != &ramfs_type))
		return 0;
	return S_ISDIR(ino->mode) ? ino->nlink > 0 : (int)ino->nlink;
}

int vfs_umount(struct fs_struct *fs, const char *target)
{
	struct dentry *d;
	int r = path_walk(fs, NULL, target, LOOKUP_FOLLOW, &d, NULL);
	if (r < 0)
		return r;
	/* the walk ends on the mounted root; find the mount whose root it is */
	for (int i = nmounts - 1; i >= 0; i--)
		if (mounts[i].root == d->inode) {
			struct super_block *sb = mounts[i].sb;
			struct inode *root = mounts[i].root;
			dput(d);
			/* other mounts of the same file system (bind mounts, or
			 * the one this is a bind of) keep it alive */
			bool shared = sb == root_view.sb;
			for (int j = 0; j < nmounts; j++)
				if (j != i && mounts[j].sb == sb)
					shared = true;
			/* Anything in use below a mount holds a dentry chain up to
			 * the mount's root, whose other references are known: the
			 * super block's own (its root), the names a directory
			 * holds (a bind of something below), the mount table's;
			 * inotify watches do not count: unmounting ends them */
			int base = root == sb->root ? 1 : fs_names(root);
			for (int j = 0; j < nmounts; j++)
				base += mounts[j].root == root;
			if (root->refs - fsnotify_pins(root) > base)
				return -EBUSY;
			for (int j = 0; !shared && j < nmounts; j++)
				if (mounts[j].mountpoint->sb == sb)
					return -EBUSY; /* something is mounted below */
			iput(mounts[i].mountpoint);
			iput(mounts[i].root);
			free(mounts[i].view.source);
			free(mounts[i].view.path);
			free(mounts[i].view.data);
			free(mounts[i].view.root);
			memmove(&mounts[i], &mounts[i + 1], (nmounts - i - 1) * sizeof(mounts[0]));
			nmounts--;
			if (!shared) {
				fsnotify_sb_delete(sb);
				if (sb->type->kill_sb)
					sb->type->kill_sb(sb);
			}
			return 0;
		}
	dput(d);
	return -EINVAL;
}

struct super_block *vfs_sb_by_dev(u64 dev)
{
	if (root_dentry && root_dentry->inode->sb && root_dentry->inode->sb->dev == dev)
		return root_dentry->inode->sb;
	for (int i = 0; i < nmounts; i++)
		if (mounts[i].sb->dev == dev)
			return mounts[i].sb;
	return NULL;
}

/* mount -o remount: only read-only or read-write, only for the in-memory
 * file systems (a host directory stays as the command line made it) */
int vfs_remount(struct fs_struct *fs, const char *target, bool readonly)
{
	struct dentry *d;
	int r = path_walk(fs, NULL, target, LOOKUP_FOLLOW, &d, NULL);
	if (r < 0)
		return r;
	struct super_block *sb = d->inode->sb;
	bool is_root = sb && sb->root == d->inode;
	dput(d);
	if (!is_root)
		return -EINVAL;
	if (sb->type == &tmpfs_type || sb->type == &ramfs_type)
		sb->readonly = readonly;
	/* /proc/mounts says what the mount now is */
	for (int i = 0; i < nmounts; i++)
		if (mounts[i].sb == sb)
			mounts[i].view.flags = (mounts[i].view.flags & ~(u64)MS_RDONLY) |
					       (sb->readonly ? MS_RDONLY : 0);
	return 0;
}

struct dentry *vfs_root(void)
{
	return root_dentry;
}

struct inode *mount_lookup(struct inode *mp)
{
	for (int i = nmounts - 1; i >= 0; i--)
		if (mounts[i].mountpoint == mp)
			return mounts[i].root;
	return NULL;
}

static bool mount_ok_target(struct dentry *d)
{
	return S_ISDIR(d->inode->mode);
}

/* The i-th mount of the table (0 is the root), or NULL after the last. */
const struct mount_view *mount_get(int i)
{
	if (i == 0)
		return root_dentry ? &root_view : NULL;
	return i <= nmounts ? &mounts[i - 1].view : NULL;
}

int vfs_mount(struct fs_struct *fs, const char *type, const char *source, const char *target,
	      const char *opts)
{
	return vfs_mount_flags(fs, type, source, target, opts, 0, NULL);
}

int vfs_mount_flags(struct fs_struct *fs, const char *type, const char *source,
		    const char *target, const char *opts, u64 flags, const char *data)
{
	struct dentry *d;
	int r = path_walk(fs, NULL, target, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &d, NULL);
	if (r < 0)
		return r;
	if (nmounts == (int)ARRAY_SIZE(mounts)) {
		dput(d);
		return -ENOMEM;
	}
	struct super_block *sb;
	r = mount_sb(type, source, opts, &sb);
	if (r == 0) {
		/* the mount point is found by its inode, which the table pins */
		if (!mount_ok_target(d)) {
			dput(d);
			return -EINVAL;
		}
		struct mount *m = &mounts[nmounts];
		char path[4096];
		if (dentry_path(d, root_dentry, path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "%s", target);
		/* the parent: the last mount whose file system holds the point */
		int parent = root_view.id;
		for (int j = 0; j < nmounts; j++)
			if (mounts[j].sb == d->inode->sb)
				parent = mounts[j].view.id;
		m->view = (struct mount_view){ .id = next_mount_id++, .parent_id = parent, .sb = sb,
					       .flags = flags | (sb->readonly ? MS_RDONLY : 0),
					       .source = strdup(source && source[0] ? source : "none"),
					       .path = strdup(path),
					       .data = data && data[0] ? strdup(data) : NULL };
		m->mountpoint = iget(d->inode);
		m->sb = sb;
		m->root = iget(sb->root);
		nmounts++;
	}
	dput(d);
	return r;
}

/* The mount a dentry of a walk is in (NULL: the root's), and the path of
 * the dentry within that mount's file system. */
static struct mount *mount_of(struct dentry *d, char *rel, size_t len)
{
	char tmp[4096];
	size_t n = 0;
	tmp[0] = 0;
	struct mount *m = NULL;
	for (struct dentry *c = d;; c = c->parent) {
		for (int i = nmounts - 1; i >= 0 && !m; i--)
			if (mounts[i].root == c->inode)
				m = &mounts[i];
		if (m || c == root_dentry || c->parent == c)
			break;
		size_t nl = strlen(c->name);
		if (n + nl + 1 >= sizeof(tmp))
			break;
		memmove(tmp + nl + 1, tmp, n + 1);
		tmp[0] = '/';
		memcpy(tmp + 1, c->name, nl);
		n += nl + 1;
	}
	const char *root = m && m->view.root ? m->view.root : "";
	snprintf(rel, len, "%s%s", strcmp(root, "/") ? root : "", n ? tmp : (root[0] ? "" : "/"));
	return m;
}

/* mount --bind SOURCE TARGET: TARGET shows what SOURCE shows (a directory,
 * or a file on a file).  Mount points are found by their inode, so the
 * mounts below SOURCE show through as with MS_REC. */
int vfs_bind_mount(struct fs_struct *fs, const char *source, const char *target)
{
	struct dentry *src, *d;
	int r = path_walk(fs, NULL, source, LOOKUP_FOLLOW, &src, NULL);
	if (r < 0)
		return r;
	r = path_walk(fs, NULL, target, LOOKUP_FOLLOW, &d, NULL);
	if (r < 0) {
		dput(src);
		return r;
	}
	if (S_ISDIR(src->inode->mode) != S_ISDIR(d->inode->mode)) {
		r = -ENOTDIR;
	} else if (nmounts == (int)ARRAY_SIZE(mounts)) {
		r = -ENOMEM;
	} else {
		char rel[4096], path[4096];
		struct mount *from = mount_of(src, rel, sizeof(rel));
		const struct mount_view *fv = from ? &from->view : &root_view;
		if (dentry_path(d, root_dentry, path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "%s", target);
		struct mount *to = mount_of(d, (char[4096]){ 0 }, 4096);
		struct mount *m = &mounts[nmounts];
		m->view = (struct mount_view){ .id = next_mount_id++, .parent_id = to ? to->view.id : root_view.id,
					       .sb = src->inode->sb, .flags = fv->flags,
					       .source = strdup(fv->source ? fv->source : "none"),
					       .path = strdup(path), .data = fv->data ? strdup(fv->data) : NULL,
					       .root = strdup(rel) };
		m->mountpoint = iget(d->inode);
		m->sb = src->inode->sb;
		m->root = iget(src->inode);
		nmounts++;
		r = 0;
	}
	dput(d);
	dput(src);
	return r;
}

/* mount --move SOURCE TARGET: the mount on SOURCE now sits on TARGET */
int vfs_move_mount(struct fs_struct *fs, const char *source, const char *target)
{
	struct dentry *src, *d;
	int r = path_walk(fs, NULL, source, LOOKUP_FOLLOW, &src, NULL);
	if (r < 0)
		return r;
	r = path_walk(fs, NULL, target, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &d, NULL);
	if (r < 0) {
		dput(src);
		return r;
	}
	char rel[4096];
	struct mount *m = mount_of(src, rel, sizeof(rel));
	if (!m || m->root != src->inode) {
		r = -EINVAL; /* not a mount point (the root cannot move either) */
	} else {
		r = 0;
		for (struct dentry *c = d;; c = c->parent) {
			if (c->inode == m->root)
				r = -ELOOP; /* onto a place inside itself */
			if (r || c == root_dentry || c->parent == c)
				break;
		}
	}
	if (r == 0) {
		char path[4096];
		if (dentry_path(d, root_dentry, path, sizeof(path)) < 0)
			snprintf(path, sizeof(path), "%s", target);
		struct mount *to = mount_of(d, (char[4096]){ 0 }, 4096);
		char *np = strdup(path);
		if (!np) {
			r = -ENOMEM;
		} else {
			/* the mounts below it move along: their paths change prefix */
			size_t ol = strlen(m->view.path);
			for (int i = 0; i < nmounts; i++) {
				struct mount_view *v = &mounts[i].view;
				if (&mounts[i] != m && !strncmp(v->path, m->view.path, ol) && v->path[ol] == '/') {
					char *q = malloc(strlen(np) + strlen(v->path + ol) + 1);
					if (q) {
						strcpy(q, np);
						strcat(q, v->path + ol);
						free(v->path);
						v->path = q;
					}
				}
			}
			free(m->view.path);
			m->view.path = np;
			m->view.parent_id = to ? to->view.id : root_view.id;
			iput(m->mountpoint);
			m->mountpoint = iget(d->inode);
		}
	}
	dput(d);
	dput(src);
	return r;
}

/* The mount whose root TARGET is (*out NULL: the root's own): 0, -EINVAL
 * when TARGET is no mount's root, or the walk's error. */
static int mount_root_at(struct fs_struct *fs, const char *target, struct mount **out)
{
	struct dentry *d;
	int r = path_walk(fs, NULL, target, LOOKUP_FOLLOW, &d, NULL);
	if (r < 0)
		return r;
	char rel[4096];
	struct mount *m = mount_of(d, rel, sizeof(rel));
	bool is_root = m ? m->root == d->inode : d->inode == root_dentry->inode;
	dput(d);
	*out = m;
	return is_root ? 0 : -EINVAL;
}

int vfs_check_mount_root(struct fs_struct *fs, const char *target)
{
	struct mount *m;
	return mount_root_at(fs, target, &m);
}

/* mount -o remount,bind,FLAGS: a mount's own flags.  Flags live on the
 * super block here, so a file system mounted more than once (a bind
 * mount) cannot take flags its other mounts do not have: EINVAL. */
int vfs_remount_bind(struct fs_struct *fs, const char *target, u64 flags)
{
	struct mount *m;
	int r = mount_root_at(fs, target, &m);
	if (r < 0)
		return r;
	struct mount_view *v = m ? &m->view : &root_view;
	struct super_block *sb = v->sb;
	const u64 per = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int users = sb == root_view.sb;
	for (int i = 0; i < nmounts; i++)
		users += mounts[i].sb == sb;
	if ((flags & per) == (v->flags & per))
		return 0;
	if (users > 1 || (sb->readonly && !(flags & MS_RDONLY) && sb->type != &tmpfs_type &&
			  sb->type != &ramfs_type))
		return -EINVAL;
	sb->readonly = flags & MS_RDONLY;
	sb->nosuid = flags & MS_NOSUID;
	sb->nodev = flags & MS_NODEV;
	sb->noexec = flags & MS_NOEXEC;
	v->flags = (v->flags & ~per) | (flags & per);
	return 0;
}

/* One walk's state across the symlinks it follows: how many, and the
 * directory that openat2's RESOLVE_BENEATH / RESOLVE_IN_ROOT scope it to. */
struct walkstate {
	int nlinks;
	struct dentry *base;
};

#define LOOKUP_RESTRICT (LOOKUP_NO_SYMLINKS | LOOKUP_NO_MAGICLINKS | LOOKUP_BENEATH | LOOKUP_IN_ROOT | LOOKUP_NO_XDEV)

static int walk(struct fs_struct *fs, struct dentry *start, const char *path, unsigned flags,
		struct dentry **out, char *last, struct walkstate *ws);
static int open_dentry(struct dentry *d, u32 flags, struct file **out, bool created);

/* Follow the symlink d (whose parent is dir); returns the target dentry. */
static int follow(struct fs_struct *fs, struct dentry *d, unsigned flags, struct dentry **out,
		  struct walkstate *ws)
{
	if (++ws->nlinks > MAX_SYMLINKS || (flags & LOOKUP_NO_SYMLINKS))
		return -ELOOP;
	/* "magic" links (procfs fd/, exe, cwd) lead straight to a dentry */
	if (d->inode->iops && d->inode->iops->get_link) {
		int r = d->inode->iops->get_link(d->inode, out);
		if (r == 0 && (flags & (LOOKUP_NO_MAGICLINKS | LOOKUP_BENEATH | LOOKUP_IN_ROOT | LOOKUP_NO_XDEV))) {
			/* a jump out of any scope: refused, as Linux's nd_jump_link */
			dput(*out);
			return (flags & LOOKUP_NO_MAGICLINKS) ? -ELOOP : -EXDEV;
		}
		if (r != -ENOENT || !d->inode->iops->readlink)
			return r;
	}
	char *target = malloc(4096);
	if (!target)
		return -ENOMEM;
	long n = d->inode->iops && d->inode->iops->readlink ?
			 d->inode->iops->readlink(d->inode, target, 4095) : -EINVAL;
	if (n < 0) {
		free(target);
		return (int)n;
	}
	target[n] = 0;
	if (n == 0) {
		free(target);
		return -ENOENT;
	}
	int r = (target[0] == '/' && (flags & LOOKUP_BENEATH)) ? -EXDEV
								 : walk(fs, d->parent, target, flags, out, NULL, ws);
	free(target);
	return r;
}

static int walk(struct fs_struct *fs, struct dentry *start, const char *path, unsigned flags,
		struct dentry **out, char *last, struct walkstate *ws)
{
	struct dentry *root = fs && fs->root ? fs->root : root_dentry;
	struct dentry *cur;
	char name[256];

	if ((flags & LOOKUP_IN_ROOT) && ws->base)
		root = ws->base; /* "/" and ".." stop at the base */
	if ((flags & LOOKUP_BENEATH) && path[0] == '/')
		return -EXDEV;

	if (!*path) {
		if (!(flags & LOOKUP_EMPTY))
			return -ENOENT;
		cur = start ? start : fs->cwd;
		*out = dget(cur);
		return 0;
	}
	if (path[0] == '/')
		cur = root;
	else
		cur = start ? start : (fs && fs->cwd ? fs->cwd : root);
	dget(cur);
	const char *p = path;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchrnul(p, '/');
		size_t len = e - p;
		if (len > 255) {
			dput(cur);
			return -ENAMETOOLONG;
		}
		memcpy(name, p, len);
		name[len] = 0;
		const char *q = e;
		while (*q == '/')
			q++;
		bool is_last = !*q;
		bool trailing_slash = *e == '/';
		if (!S_ISDIR(cur->inode->mode)) {
			dput(cur);
			return -ENOTDIR;
		}
		/* search permission on every directory a name is looked up in
		 * (Linux's may_lookup), including the last one's */
		int pr = inode_permission(current, cur->inode, MAY_EXEC);
		if (pr < 0) {
			dput(cur);
			return pr;
		}
		if ((flags & LOOKUP_PARENT) && is_last) {
			if (!strcmp(name, ".") || !strcmp(name, "..")) {
				dput(cur);
				return -EEXIST;
			}
			strcpy(last, name);
			*out = cur;
			return 0;
		}
		p = e;
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			if ((flags & LOOKUP_BENEATH) && cur == ws->base) {
				dput(cur);
				return -EXDEV;
			}
			if ((flags & LOOKUP_NO_XDEV) && cur != root && cur->parent != cur &&
			    cur->inode->sb && cur->inode == cur->inode->sb->root) {
				dput(cur);
				return -EXDEV; /* up out of a mounted file system */
			}
			if (cur != root && cur->parent != cur) {
				struct dentry *par = dget(cur->parent);
				dput(cur);
				cur = par;
			}
			continue;
		}
		struct inode *ino;
		if (!cur->inode->iops || !cur->inode->iops->lookup) {
			dput(cur);
			return -ENOTDIR;
		}
		int r = cur->inode->iops->lookup(cur->inode, name, &ino);
		if (r < 0) {
			dput(cur);
			return r;
		}
		struct inode *mnt = mount_lookup(ino);
		if (mnt && (flags & LOOKUP_NO_XDEV)) {
			iput(ino);
			dput(cur);
			return -EXDEV;
		}
		if (mnt) {
			iput(ino);
			ino = iget(mnt);
		}
		struct dentry *nd = dentry_new(cur, name, ino);
		dput(cur);
		if (!nd) {
			iput(ino);
			return -ENOMEM;
		}
		if (S_ISLNK(ino->mode) && (!is_last || (flags & LOOKUP_FOLLOW) || trailing_slash)) {
			struct dentry *t;
			r = follow(fs, nd, LOOKUP_FOLLOW | (flags & LOOKUP_RESTRICT), &t, ws);
			dput(nd);
			if (r < 0)
				return r;
			nd = t;
		}
		cur = nd;
		if (trailing_slash && is_last && !S_ISDIR(cur->inode->mode)) {
			dput(cur);
			return -ENOTDIR;
		}
	}
	if (flags & LOOKUP_PARENT) {
		/* the path named no last component ("/" or "a/..") */
		dput(cur);
		return -EEXIST;
	}
	if ((flags & LOOKUP_DIRECTORY) && !S_ISDIR(cur->inode->mode)) {
		dput(cur);
		return -ENOTDIR;
	}
	*out = cur;
	return 0;
}

int path_walk(struct fs_struct *fs, struct dentry *start, const char *path, unsigned flags,
	      struct dentry **out, char *last)
{
	struct walkstate ws = { 0, start ? start : fs ? fs->cwd : NULL };
	return walk(fs, start, path, flags, out, last, &ws);
}

int vfs_open(struct fs_struct *fs, struct dentry *start, const char *path, u32 flags, u32 mode,
	     struct file **out)
{
	return vfs_open_how(fs, start, path, flags, mode, 0, out);
}

int vfs_open_how(struct fs_struct *fs, struct dentry *start, const char *path, u32 flags, u32 mode,
		 unsigned lookup, struct file **out)
{
	struct dentry *d = NULL;
	int r;
	u32 acc = flags & O_ACCMODE;

	if (acc == 3 && !(flags & O_PATH))
		return -EINVAL;
	if (flags & O_TMPFILE_BIT)
		return vfs_open_tmpfile(fs, start, path, flags, mode, lookup, out);
	if (flags & O_CREAT) {
		struct dentry *dir;
		char last[256];
		r = path_walk(fs, start, path, LOOKUP_FOLLOW | LOOKUP_PARENT | lookup, &dir, last);
		if (r == -EEXIST) {
			/* "/" or "..": an existing directory */
			return -EISDIR;
		}
		if (r < 0)
			return r;
		size_t pl = strlen(path);
		if (pl && path[pl - 1] == '/') {
			/* "name/" is a directory's name, and O_CREAT makes none:
			 * EISDIR whatever is there, as Linux's open_last_lookups */
			dput(dir);
			return -EISDIR;
		}
		struct inode *ino;
		r = dir->inode->iops->lookup(dir->inode, last, &ino);
		if (r == 0) {
			iput(ino);
			dput(dir);
			if (flags & O_EXCL)
				return -EEXIST;
			r = path_walk(fs, start, path, ((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | lookup, &d, NULL);
			if (r < 0)
				return r;
		} else if (r == -ENOENT) {
			if (!dir->inode->iops->create) {
				dput(dir);
				return -EROFS;
			}
			if ((r = may_create(current, dir->inode)) < 0) {
				dput(dir);
				return r;
			}
			r = dir->inode->iops->create(dir->inode, last, S_IFREG | (mode & 07777 & ~fs->umask),
						     0, &ino);
			if (r < 0) {
				dput(dir);
				return r;
			}
			fsnotify_create(dir->inode, last, S_IFREG);
			d = dentry_new(dir, last, ino);
			dput(dir);
			if (!d)
				return -ENOMEM;
			/* the creator may open what it made, whatever its mode */
			return open_dentry(d, flags & ~O_TRUNC, out, true);
		} else {
			dput(dir);
			return r;
		}
	} else {
		r = path_walk(fs, start, path, ((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | lookup, &d, NULL);
		if (r < 0)
			return r;
	}
	return vfs_open_dentry(d, flags, out);
}

int vfs_open_dentry(struct dentry *d, u32 flags, struct file **out)
{
	return open_dentry(d, flags, out, false);
}

/* Open what a walk found (consumes the dentry reference); the mode bits
 * are checked unless the open just created the file or is execve's. */
static int open_dentry(struct dentry *d, u32 flags, struct file **out, bool created)
{
	int r;
	u32 acc = flags & O_ACCMODE;
	struct inode *ino = d->inode;
	if (S_ISLNK(ino->mode) && !(flags & O_PATH)) {
		dput(d);
		return -ELOOP;
	}
	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode)) {
		dput(d);
		return -ENOTDIR;
	}
	if (S_ISDIR(ino->mode) && (acc != O_RDONLY || (flags & O_TRUNC)) && !(flags & O_PATH)) {
		dput(d);
		return -EISDIR;
	}
	if (!(flags & O_PATH) && !created && !(flags & O_FOR_EXEC)) {
		int mask = (acc != O_WRONLY ? MAY_READ : 0) | (acc != O_RDONLY || (flags & O_TRUNC) ? MAY_WRITE : 0);
		if ((r = inode_permission(current, ino, mask)) < 0) {
			dput(d);
			return r;
		}
	}
	/* O_NOATIME: the owner's, or CAP_FOWNER's */
	if ((flags & O_NOATIME) && !(flags & O_PATH) && !owner_or_capable(current, ino)) {
		dput(d);
		return -EPERM;
	}
	/* fs.file-max binds the unprivileged, as Linux's alloc_empty_file */
	long nf = files_check(1);
	if (nf < 0) {
		dput(d);
		return nf;
	}
	/* the open hooks see O_NOCTTY (a terminal's); the file keeps none of these */
	struct file *f = file_alloc(ino, d, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_FOR_EXEC));
	dput(d);
	if (!f)
		return -ENFILE;
	if (!(flags & O_PATH) && (S_ISCHR(ino->mode) || S_ISBLK(ino->mode)) && ino->sb && ino->sb->nodev) {
		fput(f);
		return -EACCES; /* a device node on a nodev mount */
	}
	if (!(flags & O_PATH)) {
		if (S_ISCHR(ino->mode)) {
			r = chrdev_open(ino, f);
		} else if (S_ISFIFO(ino->mode)) {
			r = fifo_open(ino, f);
		} else if (S_ISBLK(ino->mode) || S_ISSOCK(ino->mode)) {
			r = -ENXIO;
		} else {
			r = ino->iops && ino->iops->open ? ino->iops->open(ino, f) : 0;
		}
		if (r == 0)
			fsnotify_open(f);
		if (r == 0 && (flags & O_TRUNC) && S_ISREG(ino->mode) && acc != O_RDONLY) {
			/* synthetic files (procfs, tracefs) ignore O_TRUNC, as on Linux */
			r = ino->iops && ino->iops->truncate ? ino->iops->truncate(ino, 0) : 0;
			if (r == 0)
				file_remove_privs(current, ino);
			if (r == 0)
				fsnotify_change_file(f, FS_MODIFY);
		}
		if (r < 0) {
			f->ops = NULL;
			fput(f);
			return r;
		}
	} else {
		f->ops = NULL;
	}
	f->flags &= ~O_NOCTTY;
	*out = f;
	return 0;
}

/* ---- character devices ---- */
static const struct chrdev *chrdevs[64];

void register_chrdev(const struct chrdev *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++)
		if (!chrdevs[i]) {
			chrdevs[i] = d;
			return;
		}
}

/* the i-th registered device (devtmpfs, sysfs list them), or NULL */
const struct chrdev *chrdev_nth(int i)
{
	for (size_t k = 0; k < ARRAY_SIZE(chrdevs); k++)
		if (chrdevs[k] && i-- == 0)
			return chrdevs[k];
	return NULL;
}

const struct chrdev *chrdev_find(u64 rdev)
{
	u32 ma = major(rdev), mi = minor(rdev);
	for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++)
		if (chrdevs[i] && chrdevs[i]->major == ma &&
		    (chrdevs[i]->minor == mi || chrdevs[i]->any_minor))
			return chrdevs[i];
	return NULL;
}

int chrdev_open(struct inode *ino, struct file *f)
{
	const struct chrdev *d = chrdev_find(ino->rdev);
	if (!d)
		return -ENXIO;
	f->ops = d->fops;
	return d->open ? d->open(f) : 0;
}
