/* fsnotify: file system events for the watchers of inodes (fs/notify/).
 *
 * The VFS calls one hook per change (fsnotify_create, _unlink, _rename,
 * _open, _close, _access, _modify, _change ...); each is a cheap test of
 * whether the inodes involved have marks at all, and only then a call
 * into fs/notify/fsnotify.c, which hands the event to every mark that
 * wants it: a directory's marks get the events of the names in it (with
 * the name), an inode's marks the events of the inode itself.  A mark
 * belongs to a group (one inotify instance; later a dnotify or fanotify
 * one), which gets the events through its ops and queues them its own way.
 *
 * Lifetime: a mark holds a reference on its inode, so that a watched
 * inode stays the same object (hostfs and procfs make inodes on demand)
 * while it is watched.  A watched inode with no links left whose other
 * users are gone is deleted (IN_DELETE_SELF) and loses its marks, as
 * Linux does when the last dentry of an unlinked inode goes; an unmount
 * takes the marks of its file system's inodes (IN_UNMOUNT).  Mark
 * destruction is the group's last word on the mark (freeing_mark: inotify
 * queues IN_IGNORED there). */
#ifndef VMCORE_FSNOTIFY_H
#define VMCORE_FSNOTIFY_H

#include <vmcore/vfs.h>

/* event bits: inotify's IN_* values, as Linux's FS_* are */
#define FS_ACCESS 0x00000001
#define FS_MODIFY 0x00000002
#define FS_ATTRIB 0x00000004
#define FS_CLOSE_WRITE 0x00000008
#define FS_CLOSE_NOWRITE 0x00000010
#define FS_OPEN 0x00000020
#define FS_MOVED_FROM 0x00000040
#define FS_MOVED_TO 0x00000080
#define FS_CREATE 0x00000100
#define FS_DELETE 0x00000200
#define FS_DELETE_SELF 0x00000400
#define FS_MOVE_SELF 0x00000800
#define FS_UNMOUNT 0x00002000
#define FS_Q_OVERFLOW 0x00004000
#define FS_IN_IGNORED 0x00008000
#define FS_RENAME 0x10000000 /* a rename, to the old directory (dnotify's DN_RENAME) */
#define FS_ISDIR 0x40000000
#define FS_ALL_EVENTS 0x00000fff
/* the events of a directory's children that its marks also get */
#define FS_EVENTS_ON_CHILD (FS_ACCESS | FS_MODIFY | FS_ATTRIB | FS_CLOSE_WRITE | FS_CLOSE_NOWRITE | FS_OPEN)

/* mark flags */
#define FSN_EXCL_UNLINK 0x1 /* no events of a child once it has no name */

struct fsnotify_group;

struct fsnotify_mark {
	struct fsnotify_group *group;
	struct inode *inode;          /* referenced while the mark lives */
	struct fsnotify_mark *i_next; /* inode->fsn_marks */
	struct fsnotify_mark *g_next; /* group->marks */
	u32 mask;                     /* FS_* events wanted (FS_UNMOUNT too) */
	u32 flags;                    /* FSN_* */
};

struct fsnotify_ops {
	/* an event for mark m: name is the child's (NULL: the marked inode's
	 * own event); the group may destroy m here (IN_ONESHOT) */
	void (*handle_event)(struct fsnotify_mark *m, u32 mask, const char *name, u32 cookie);
	/* m is off its inode and group and its inode reference is dropped:
	 * the group's last word (IN_IGNORED), then it frees m */
	void (*freeing_mark)(struct fsnotify_mark *m);
};

struct fsnotify_group {
	const struct fsnotify_ops *ops;
	struct fsnotify_mark *marks;
	struct fsnotify_group *next; /* every group (unmount walks them) */
};

/* how many groups there are: without one, the VFS need not look up
 * the victims of unlink and rename for their watches */
extern int fsnotify_groups;
void fsnotify_group_init(struct fsnotify_group *g, const struct fsnotify_ops *ops);
/* every mark of g destroyed, then g off the list (the group's release) */
void fsnotify_group_destroy(struct fsnotify_group *g);
void fsnotify_add_mark(struct fsnotify_mark *m, struct fsnotify_group *g, struct inode *ino);
void fsnotify_destroy_mark(struct fsnotify_mark *m);
struct fsnotify_mark *fsnotify_find_mark(struct fsnotify_group *g, struct inode *ino);
/* how many marks hold ino (umount's busy check leaves them out) */
int fsnotify_pins(struct inode *ino);

/* the core (fsnotify.c): MASK for ino's own marks and, with a name, for
 * dir's marks (dir may be NULL, ino may be NULL for a name's event) */
void fsnotify(u32 mask, struct inode *ino, struct inode *dir, const char *name, u32 cookie);
void __fsnotify_file(struct file *f, u32 mask);
void __fsnotify_dentry(struct dentry *d, u32 mask);
void __fsnotify_unlink(struct inode *dir, const char *name, struct inode *victim);
void __fsnotify_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname,
		       struct inode *src, struct inode *target, bool exchange);
void __fsnotify_link(struct inode *dir, const char *name, struct inode *ino);
void __fsnotify_iput(struct inode *ino);
void __fsnotify_sb_delete(struct super_block *sb);

static inline bool fsnotify_dentry_watched(struct dentry *d)
{
	return d && (d->inode->fsn_marks || (d->parent != d && d->parent->inode->fsn_marks));
}

/* ---- the hooks the VFS calls ---- */
static inline void fsnotify_file(struct file *f, u32 mask)
{
	if (f->inode->fsn_marks || fsnotify_dentry_watched(f->dentry))
		__fsnotify_file(f, mask);
}
static inline void fsnotify_open(struct file *f)
{
	fsnotify_file(f, FS_OPEN);
}
static inline void fsnotify_close(struct file *f)
{
	if (f->ops) /* an open that failed, or O_PATH, has none */
		fsnotify_file(f, (f->flags & O_ACCMODE) != O_RDONLY ? FS_CLOSE_WRITE : FS_CLOSE_NOWRITE);
}
static inline void fsnotify_access(struct file *f)
{
	fsnotify_file(f, FS_ACCESS);
}
static inline void fsnotify_modify(struct file *f)
{
	fsnotify_file(f, FS_MODIFY);
}
/* a read (write false) or write of a system call moved DONE bytes */
static inline void fsnotify_rw(struct file *f, long done, bool write)
{
	if (done > 0)
		fsnotify_file(f, write ? FS_MODIFY : FS_ACCESS);
}
/* an attribute or size change named by d (FS_ATTRIB, FS_MODIFY, FS_ACCESS) */
static inline void fsnotify_change(struct dentry *d, u32 mask)
{
	if (fsnotify_dentry_watched(d))
		__fsnotify_dentry(d, mask);
}
/* a change made through an open file (fchmod, ftruncate...) */
static inline void fsnotify_change_file(struct file *f, u32 mask)
{
	if (f->inode->fsn_marks || fsnotify_dentry_watched(f->dentry))
		__fsnotify_file(f, mask);
}
/* NAME was made in dir (mode: its file type) */
static inline void fsnotify_create(struct inode *dir, const char *name, u32 mode)
{
	if (dir->fsn_marks)
		fsnotify(FS_CREATE | (S_ISDIR(mode) ? FS_ISDIR : 0), NULL, dir, name, 0);
}
static inline void fsnotify_link(struct inode *dir, const char *name, struct inode *ino)
{
	if (dir->fsn_marks || ino->fsn_marks)
		__fsnotify_link(dir, name, ino);
}
/* NAME (victim, which the caller holds one reference on) left dir */
static inline void fsnotify_unlink(struct inode *dir, const char *name, struct inode *victim)
{
	if (dir->fsn_marks || (victim && victim->fsn_marks))
		__fsnotify_unlink(dir, name, victim);
}
/* src moved from odir/oname to ndir/nname, over target (NULL: none;
 * exchanged with it under RENAME_EXCHANGE); the caller holds both */
static inline void fsnotify_rename(struct inode *odir, const char *oname, struct inode *ndir,
				   const char *nname, struct inode *src, struct inode *target, bool exchange)
{
	if (odir->fsn_marks || ndir->fsn_marks || (src && src->fsn_marks) || (target && target->fsn_marks))
		__fsnotify_rename(odir, oname, ndir, nname, src, target, exchange);
}
/* iput kept ino: is a watched, unlinked inode now used by its marks alone? */
static inline void fsnotify_iput(struct inode *ino)
{
	if (ino->fsn_marks && ino->nlink == 0)
		__fsnotify_iput(ino);
}
/* sb is being unmounted: IN_UNMOUNT for the marks of its inodes */
static inline void fsnotify_sb_delete(struct super_block *sb)
{
	__fsnotify_sb_delete(sb);
}

#endif
