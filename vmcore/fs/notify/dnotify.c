/* dnotify: fcntl(fd, F_NOTIFY, mask) on a directory, on the fsnotify core.
 *
 * One group for all of dnotify; a directory being watched has one mark
 * whose mask is the union of its entries'.  An entry is one open file of
 * the directory (with the descriptor it was set through) and its DN_*
 * mask; F_NOTIFY on the same file adds to that mask, a mask of 0 removes
 * the entry.  An event of the directory's names sends the entry's file
 * owner (the caller's process unless F_SETOWN chose one: a native run)
 * SIGIO, or F_SETSIG's signal with si_code POLL_MSG and si_fd; without
 * DN_MULTISHOT the entry then fires no more until F_NOTIFY again.  Closing
 * a descriptor of the file (filp_close) ends the entries set through that
 * file by the closing table, as dnotify_flush. */
#include <vmcore/dnotify.h>
#include <vmcore/fown.h>
#include <vmcore/fsnotify.h>
#include <vmcore/syscall.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>

#ifndef DN_ACCESS
#define DN_ACCESS 0x00000001
#define DN_MODIFY 0x00000002
#define DN_CREATE 0x00000004
#define DN_DELETE 0x00000008
#define DN_RENAME 0x00000010
#define DN_ATTRIB 0x00000020
#define DN_MULTISHOT 0x80000000
#endif
#ifndef F_OWNER_PID
#define F_OWNER_PID 1
#endif

struct dn_entry {
	struct dn_entry *next;
	struct file *file;            /* not referenced: filp_close ends us first */
	struct files_struct *owner;   /* the table it was set through */
	int fd;
	u32 mask;                     /* FS_* events */
	bool multishot;
};

struct dn_mark {
	struct fsnotify_mark fsn;
	struct dn_entry *entries;
};

static struct fsnotify_group dn_group;
static bool dn_group_ready;

/* DN_* to the fsnotify events that stand for them (Linux's convert_arg) */
static u32 convert_arg(u32 arg)
{
	u32 m = 0;
	if (arg & DN_DELETE)
		m |= FS_DELETE | FS_MOVED_FROM;
	if (arg & DN_MODIFY)
		m |= FS_MODIFY;
	if (arg & DN_ACCESS)
		m |= FS_ACCESS;
	if (arg & DN_ATTRIB)
		m |= FS_ATTRIB;
	if (arg & DN_RENAME)
		m |= FS_RENAME;
	if (arg & DN_CREATE)
		m |= FS_CREATE | FS_MOVED_TO;
	return m;
}

static void recalc_mask(struct dn_mark *dm)
{
	u32 m = 0;
	for (struct dn_entry *e = dm->entries; e; e = e->next)
		m |= e->mask;
	dm->fsn.mask = m;
}

static void dn_handle_event(struct fsnotify_mark *m, u32 mask, const char *name, u32 cookie)
{
	struct dn_mark *dm = (struct dn_mark *)m;
	(void)cookie;
	(void)name;
	for (struct dn_entry **pp = &dm->entries; *pp;) {
		struct dn_entry *e = *pp;
		if (!(e->mask & mask)) {
			pp = &e->next;
			continue;
		}
		send_sigio(e->file, e->fd, POLL_MSG);
		if (e->multishot) {
			pp = &e->next;
			continue;
		}
		*pp = e->next; /* one shot: F_NOTIFY again for the next */
		free(e);
	}
	recalc_mask(dm);
	if (!dm->entries)
		fsnotify_destroy_mark(m);
}

static void dn_freeing_mark(struct fsnotify_mark *m)
{
	struct dn_mark *dm = (struct dn_mark *)m;
	while (dm->entries) {
		struct dn_entry *e = dm->entries;
		dm->entries = e->next;
		free(e);
	}
	free(dm);
}

static const struct fsnotify_ops dn_ops = {
	.handle_event = dn_handle_event,
	.freeing_mark = dn_freeing_mark,
};

long fcntl_dirnotify(struct task *t, int fd, struct file *f, u64 arg)
{
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	if (!dn_group_ready) {
		fsnotify_group_init(&dn_group, &dn_ops);
		dn_group_ready = true;
	}
	struct fsnotify_mark *m = fsnotify_find_mark(&dn_group, f->inode);
	struct dn_mark *dm = (struct dn_mark *)m;
	u32 mask = convert_arg(arg);
	if (!(arg & ~DN_MULTISHOT)) {
		/* 0: this file's entry goes */
		if (dm)
			dnotify_flush(f, t->files);
		return 0;
	}
	if (!dm) {
		dm = calloc(1, sizeof(*dm));
		if (!dm)
			return -ENOMEM;
		fsnotify_add_mark(&dm->fsn, &dn_group, f->inode);
	}
	struct dn_entry *e = NULL;
	for (struct dn_entry *q = dm->entries; q; q = q->next)
		if (q->file == f && q->owner == t->files)
			e = q;
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e) {
			if (!dm->entries)
				fsnotify_destroy_mark(&dm->fsn);
			return -ENOMEM;
		}
		e->file = f;
		e->owner = t->files;
		e->next = dm->entries;
		dm->entries = e;
	}
	e->fd = fd;
	e->mask |= mask;
	e->multishot = arg & DN_MULTISHOT;
	recalc_mask(dm);
	if (!f->fown.pid)
		f_setown(f, t, F_OWNER_PID, t->tgid);
	return 0;
}

void dnotify_flush(struct file *f, struct files_struct *owner)
{
	if (!dn_group_ready || !S_ISDIR(f->inode->mode))
		return;
	struct dn_mark *dm = (struct dn_mark *)fsnotify_find_mark(&dn_group, f->inode);
	if (!dm)
		return;
	for (struct dn_entry **pp = &dm->entries; *pp;) {
		struct dn_entry *e = *pp;
		if (e->file == f && (!owner || e->owner == owner)) {
			*pp = e->next;
			free(e);
		} else {
			pp = &e->next;
		}
	}
	recalc_mask(dm);
	if (!dm->entries)
		fsnotify_destroy_mark(&dm->fsn);
}
