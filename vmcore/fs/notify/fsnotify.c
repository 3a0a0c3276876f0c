/* The fsnotify core: marks on inodes, and events from the VFS's hooks to
 * the marks that want them (the design is in include/vmcore/fsnotify.h).
 *
 * Order, as Linux: an event of a file goes first to its directory's marks
 * (with the file's name), then to the file's own; an unlink says IN_ATTRIB
 * to the victim (its link count fell), then, if that was its last link and
 * no one else uses it, IN_DELETE_SELF and the end of its marks, then
 * IN_DELETE to the directory; a rename says IN_MOVED_FROM and IN_MOVED_TO
 * with one cookie, IN_ATTRIB to a replaced target, IN_MOVE_SELF to what
 * moved.  IN_ISDIR marks events of directories, except the _SELF ones
 * (inotify never had it there).  Events of a mounted file system's root do
 * not go to the directory it is mounted on (Linux stops at the mount). */
#include <vmcore/fsnotify.h>
#include <vmcore/fs_attr.h>
#include <vmcore/task.h>
#include <stdlib.h>

static struct fsnotify_group *groups;
int fsnotify_groups;
static u32 next_cookie;

void fsnotify_group_init(struct fsnotify_group *g, const struct fsnotify_ops *ops)
{
	g->ops = ops;
	g->marks = NULL;
	g->next = groups;
	groups = g;
	fsnotify_groups++;
}

void fsnotify_add_mark(struct fsnotify_mark *m, struct fsnotify_group *g, struct inode *ino)
{
	m->group = g;
	m->inode = iget(ino);
	m->i_next = ino->fsn_marks;
	ino->fsn_marks = m;
	m->g_next = g->marks;
	g->marks = m;
}

struct fsnotify_mark *fsnotify_find_mark(struct fsnotify_group *g, struct inode *ino)
{
	for (struct fsnotify_mark *m = ino->fsn_marks; m; m = m->i_next)
		if (m->group == g)
			return m;
	return NULL;
}

int fsnotify_pins(struct inode *ino)
{
	int n = 0;
	for (struct fsnotify_mark *m = ino->fsn_marks; m; m = m->i_next)
		n++;
	return n;
}

void fsnotify_destroy_mark(struct fsnotify_mark *m)
{
	struct inode *ino = m->inode;
	for (struct fsnotify_mark **pp = &ino->fsn_marks; *pp; pp = &(*pp)->i_next)
		if (*pp == m) {
			*pp = m->i_next;
			break;
		}
	for (struct fsnotify_mark **pp = &m->group->marks; *pp; pp = &(*pp)->g_next)
		if (*pp == m) {
			*pp = m->g_next;
			break;
		}
	m->inode = NULL;
	m->group->ops->freeing_mark(m);
	iput(ino);
}

void fsnotify_group_destroy(struct fsnotify_group *g)
{
	while (g->marks)
		fsnotify_destroy_mark(g->marks);
	for (struct fsnotify_group **pp = &groups; *pp; pp = &(*pp)->next)
		if (*pp == g) {
			*pp = g->next;
			fsnotify_groups--;
			break;
		}
}

/* deliver to the marks of one inode: name set for a directory's marks */
static void send(struct inode *ino, u32 mask, const char *name, u32 cookie, bool child_unlinked)
{
	u32 ev = mask & ~FS_ISDIR;
	if (ev & (FS_DELETE_SELF | FS_MOVE_SELF))
		mask &= ~FS_ISDIR;
	for (struct fsnotify_mark *m = ino->fsn_marks, *next; m; m = next) {
		next = m->i_next;
		if (!(m->mask & ev))
			continue;
		if (child_unlinked && (m->flags & FSN_EXCL_UNLINK))
			continue;
		m->group->ops->handle_event(m, mask, name, cookie);
	}
}

void fsnotify(u32 mask, struct inode *ino, struct inode *dir, const char *name, u32 cookie)
{
	if (dir && dir->fsn_marks)
		send(dir, mask, name, cookie, ino && ino->nlink == 0);
	if (ino && ino->fsn_marks)
		send(ino, mask, NULL, cookie, false);
}

/* the directory a dentry's events also go to, or NULL (a root, a mount's root) */
static struct inode *parent_of(struct dentry *d, struct inode *ino)
{
	if (!d || d->parent == d || (ino->sb && ino == ino->sb->root))
		return NULL;
	return d->parent->inode;
}

static void notify_dentry(struct dentry *d, struct inode *ino, u32 mask)
{
	if (S_ISDIR(ino->mode))
		mask |= FS_ISDIR;
	struct inode *dir = parent_of(d, ino);
	fsnotify(mask, ino, dir, dir ? d->name : NULL, 0);
}

void __fsnotify_file(struct file *f, u32 mask)
{
	if (f->flags & O_PATH)
		return; /* O_PATH descriptors are not opens of the file */
	notify_dentry(f->dentry, f->inode, mask);
}

void __fsnotify_dentry(struct dentry *d, u32 mask)
{
	notify_dentry(d, d->inode, mask);
}

/* The marks of ino end: IN_DELETE_SELF, then each mark's last word. */
static void inode_removed(struct inode *ino)
{
	iget(ino); /* the last mark's reference may be the last one */
	fsnotify(FS_DELETE_SELF, ino, NULL, NULL, 0);
	while (ino->fsn_marks)
		fsnotify_destroy_mark(ino->fsn_marks);
	iput(ino); /* no marks left: this cannot come back here */
}

/* Is ino unlinked and used by nothing but its marks and HELD references
 * of the caller?  Its link count is asked of the file system first
 * (hostfs knows it from the host). */
static bool gone(struct inode *ino, int held)
{
	return ino->nlink == 0 && ino->refs - held == fsnotify_pins(ino);
}

/* a name of ino went: its link count, as the file system now has it
 * (hostfs asks the host), for gone() and IN_EXCL_UNLINK */
static void nlink_changed(struct inode *ino)
{
	if (ino && ino->iops && ino->iops->getattr)
		inode_refresh(ino);
}

void __fsnotify_iput(struct inode *ino)
{
	if (ino->refs == fsnotify_pins(ino))
		inode_removed(ino);
}

void __fsnotify_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	bool isdir = victim && S_ISDIR(victim->mode);
	nlink_changed(victim);
	if (victim && victim->fsn_marks) {
		if (!isdir) /* its link count fell (rmdir's victim has none left to say) */
			fsnotify(FS_ATTRIB, victim, NULL, NULL, 0);
		if (gone(victim, 1))
			inode_removed(victim);
	}
	fsnotify(FS_DELETE | (isdir ? FS_ISDIR : 0), NULL, dir, name, 0);
}

void __fsnotify_link(struct inode *dir, const char *name, struct inode *ino)
{
	fsnotify(FS_ATTRIB | (S_ISDIR(ino->mode) ? FS_ISDIR : 0), ino, NULL, NULL, 0);
	fsnotify(FS_CREATE, NULL, dir, name, 0);
}

static void moved(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
		  struct inode *src)
{
	u32 isdir = src && S_ISDIR(src->mode) ? FS_ISDIR : 0;
	u32 cookie = ++next_cookie ? next_cookie : ++next_cookie;
	fsnotify(FS_MOVED_FROM | isdir, NULL, odir, oname, cookie);
	fsnotify(FS_MOVED_TO | isdir, NULL, ndir, nname, cookie);
}

void __fsnotify_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
		       struct inode *src, struct inode *target, bool exchange)
{
	if (!exchange)
		nlink_changed(target);
	/* first, as Linux's fsnotify_move: the rename as a whole, which its
	 * dnotify watchers see for a rename within their directory only */
	if (src && odir == ndir)
		fsnotify(FS_RENAME | (S_ISDIR(src->mode) ? FS_ISDIR : 0), NULL, odir, oname, 0);
	moved(odir, oname, ndir, nname, src);
	if (target && !exchange)
		fsnotify(FS_ATTRIB | (S_ISDIR(target->mode) ? FS_ISDIR : 0), target, NULL, NULL, 0);
	if (src)
		fsnotify(FS_MOVE_SELF, src, NULL, NULL, 0);
	if (exchange && target) {
		moved(ndir, nname, odir, oname, target);
		fsnotify(FS_MOVE_SELF, target, NULL, NULL, 0);
	}
	if (target && !exchange && target->fsn_marks && gone(target, 1))
		inode_removed(target);
}

void __fsnotify_sb_delete(struct super_block *sb)
{
	for (struct fsnotify_group *g = groups; g; g = g->next) {
	again:
		for (struct fsnotify_mark *m = g->marks; m; m = m->g_next)
			if (m->inode->sb == sb) {
				struct inode *ino = iget(m->inode);
				send(ino, FS_UNMOUNT | (S_ISDIR(ino->mode) ? FS_ISDIR : 0), NULL, 0, false);
				while (ino->fsn_marks)
					fsnotify_destroy_mark(ino->fsn_marks);
				iput(ino);
				goto again;
			}
	}
}
