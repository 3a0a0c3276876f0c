/* inotify(7): inotify_init, inotify_init1, inotify_add_watch,
 * inotify_rm_watch, and the instance's file, on the fsnotify core.
 *
 * An instance is an fsnotify group with a queue of events; a watch is a
 * mark with a watch descriptor, handed out cyclically from 1 as Linux's
 * idr_alloc_cyclic does (a removed wd is not given again at once).  An
 * event that is the same as the last one queued (mask, wd, cookie, name)
 * is dropped, as Linux coalesces; past max_queued_events one IN_Q_OVERFLOW
 * (wd -1) stands for every event lost until the reader takes it.  A read
 * takes whole events, each struct inotify_event and its name padded with
 * NULs to a multiple of 16 bytes; a buffer too small for the first is
 * EINVAL.  It waits for an event (EAGAIN under IN_NONBLOCK) with the
 * kernel lock released, and the file polls POLLIN while the queue holds
 * one; every event queued tells the file's epoll items (poll_notify_file),
 * so that edge-triggered ones see each new event.
 *
 * Limits (/proc/sys/fs/inotify, Linux's): max_user_instances and
 * max_user_watches per user (the creator's effective uid, EMFILE and
 * ENOSPC), max_queued_events per instance.  Guest root may raise them, so
 * what they can cost the host is bounded apart: all the instances' queues
 * together hold at most a sixteenth of mem= in events and all watches at
 * most one per 2 KiB of mem= (past it: overflow, ENOSPC), whatever the
 * sysctls say. */
#include <vmcore/anon_inodes.h>
#include <vmcore/cred.h>
#include <vmcore/fs_at.h>
#include <vmcore/fsnotify.h>
#include <vmcore/mm.h>
#include <vmcore/signal.h>
#include <vmcore/strbuf.h>
#include <vmcore/syscall.h>
#include <vmcore/inotify.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>

#define IN_USER_FLAGS (IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_ADD | IN_MASK_CREATE | IN_ONESHOT)
/* every bit add_watch accepts (Linux's ALL_INOTIFY_BITS) */
#define ALL_INOTIFY_BITS (IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ISDIR | IN_USER_FLAGS)

int inotify_max_queued_events = 16384, inotify_max_user_instances = 128, inotify_max_user_watches;

struct ievent {
	struct ievent *next;
	int wd;
	u32 mask, cookie, len; /* len: the name's bytes with padding (0: none) */
	char name[];
};

struct inotify_group {
	struct fsnotify_group fsn;
	struct file *file;          /* the instance's file (no reference: it owns us) */
	struct ievent *head, *tail;
	u32 q_len, max_events;
	u64 q_bytes;                /* what the queue reads as (FIONREAD) */
	bool overflow_queued;       /* the IN_Q_OVERFLOW is in the queue */
	int last_wd, nwatches;
	u32 uid;                    /* whose instance and watches these are */
	pthread_cond_t cond;
};

struct inotify_mark {
	struct fsnotify_mark fsn;
	int wd;
	bool oneshot;
};

/* ---- what instances and watches may cost ---- */
struct iuser {
	u32 uid;
	int instances, watches;
};
static struct iuser *users;
static int nusers;
static u64 all_queued_bytes, all_watches;

static u64 mem_bytes(void)
{
	return physmem_frames * PAGE_SIZE;
}

/* Linux's default: 1% of memory at the cost of a watch (a mark and two
 * inodes, about 1.3 KiB there), between 8192 and 1048576 */
void inotify_limits_init(void)
{
	if (!inotify_max_user_watches)
		inotify_max_user_watches = MIN(MAX(mem_bytes() / 100 / 1312, 8192), 1048576);
}

static struct iuser *user_of(u32 uid, bool create)
{
	for (int i = 0; i < nusers; i++)
		if (users[i].uid == uid)
			return &users[i];
	if (!create)
		return NULL;
	struct iuser *n = realloc(users, (nusers + 1) * sizeof(*n));
	if (!n)
		return NULL;
	users = n;
	users[nusers] = (struct iuser){ .uid = uid };
	return &users[nusers++];
}

static void user_put(u32 uid, int instances, int watches)
{
	struct iuser *u = user_of(uid, false);
	if (!u)
		return;
	u->instances -= instances;
	u->watches -= watches;
	if (!u->instances && !u->watches)
		*u = users[--nusers];
}

static u64 event_size(u32 len)
{
	return sizeof(struct inotify_event) + len;
}

/* ---- the queue ---- */
static void queue_event(struct inotify_group *g, int wd, u32 mask, const char *name, u32 cookie)
{
	size_t nl = name ? strlen(name) : 0;
	/* the name, its NUL and padding to a whole number of event headers */
	u32 len = nl ? (u32)((nl + 1 + sizeof(struct inotify_event) - 1) / sizeof(struct inotify_event) *
			      sizeof(struct inotify_event)) : 0;
	struct ievent *t = g->tail;
	if (t && t->wd == wd && t->mask == mask && t->cookie == cookie &&
	    (nl ? t->len && !strcmp(t->name, name) : !t->len))
		return; /* the same as the last one: coalesced */
	bool over = g->q_len >= g->max_events ||
		    all_queued_bytes + event_size(len) > mem_bytes() / 16;
	struct ievent *e = over ? NULL : malloc(sizeof(*e) + len);
	if (!e) {
		if (g->overflow_queued)
			return;
		e = malloc(sizeof(*e));
		if (!e)
			return;
		wd = -1;
		mask = IN_Q_OVERFLOW;
		cookie = 0;
		len = nl = 0;
		g->overflow_queued = true;
	}
	e->next = NULL;
	e->wd = wd;
	e->mask = mask;
	e->cookie = cookie;
	e->len = len;
	if (len) {
		memset(e->name, 0, len);
		memcpy(e->name, name, nl);
	}
	if (g->tail)
		g->tail->next = e;
	else
		g->head = e;
	g->tail = e;
	g->q_len++;
	g->q_bytes += event_size(len);
	all_queued_bytes += event_size(len);
	pthread_cond_broadcast(&g->cond);
	poll_notify_file(g->file, POLLIN);
}

static struct ievent *dequeue(struct inotify_group *g)
{
	struct ievent *e = g->head;
	g->head = e->next;
	if (!g->head)
		g->tail = NULL;
	g->q_len--;
	g->q_bytes -= event_size(e->len);
	all_queued_bytes -= event_size(e->len);
	if (e->mask == IN_Q_OVERFLOW && e->wd == -1)
		g->overflow_queued = false;
	return e;
}

/* ---- the group's ops ---- */
static void in_handle_event(struct fsnotify_mark *m, u32 mask, const char *name, u32 cookie)
{
	struct inotify_mark *im = (struct inotify_mark *)m;
	struct inotify_group *g = (struct inotify_group *)m->group;
	queue_event(g, im->wd, mask, name, cookie);
	if (im->oneshot)
		fsnotify_destroy_mark(m);
}

static void in_freeing_mark(struct fsnotify_mark *m)
{
	struct inotify_mark *im = (struct inotify_mark *)m;
	struct inotify_group *g = (struct inotify_group *)m->group;
	queue_event(g, im->wd, IN_IGNORED, NULL, 0);
	g->nwatches--;
	all_watches--;
	user_put(g->uid, 0, 1);
	free(im);
}

static const struct fsnotify_ops inotify_fsn_ops = {
	.handle_event = in_handle_event,
	.freeing_mark = in_freeing_mark,
};

/* ---- the file ---- */
static const struct file_ops inotify_fops;

static struct inotify_group *group_of(struct file *f)
{
	return f && f->ops == &inotify_fops ? f->priv : NULL;
}

static long in_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	struct inotify_group *g = f->priv;
	(void)pos;
	while (!g->head) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_interruptible(current, &g->cond, NULL) < 0)
			return -ERESTARTSYS;
	}
	size_t done = 0;
	while (g->head && event_size(g->head->len) <= len - done) {
		struct ievent *e = dequeue(g);
		struct inotify_event h = { .wd = e->wd, .mask = e->mask, .cookie = e->cookie, .len = e->len };
		memcpy((u8 *)buf + done, &h, sizeof(h));
		memcpy((u8 *)buf + done + sizeof(h), e->name, e->len);
		done += event_size(e->len);
		free(e);
	}
	return done ? (long)done : -EINVAL;
}

static unsigned in_poll(struct file *f)
{
	struct inotify_group *g = f->priv;
	return g->head ? POLLIN | POLLRDNORM : 0;
}

static long in_ioctl(struct file *f, struct task *t, unsigned cmd, u64 arg)
{
	struct inotify_group *g = f->priv;
	if (cmd != FIONREAD)
		return -ENOTTY;
	int n = (int)MIN(g->q_bytes, (u64)INT_MAX);
	return copy_to_user(t->mm, arg, &n, sizeof(n));
}

static void in_release(struct file *f)
{
	struct inotify_group *g = f->priv;
	fsnotify_group_destroy(&g->fsn);
	while (g->head)
		free(dequeue(g));
	user_put(g->uid, 1, 0);
	pthread_cond_destroy(&g->cond);
	free(g);
}

/* /proc/PID/fdinfo/N's lines of an inotify file, one per watch */
static void in_show_fdinfo(struct file *f, struct buf *b)
{
	struct inotify_group *g = f->priv;
	/* newest first, as Linux lists them */
	for (struct fsnotify_mark *m = g->fsn.marks; m; m = m->g_next) {
		struct inotify_mark *im = (struct inotify_mark *)m;
		struct kstat st;
		u32 mask = (m->mask & IN_ALL_EVENTS) | (m->flags & FSN_EXCL_UNLINK ? IN_EXCL_UNLINK : 0) |
			   (im->oneshot ? IN_ONESHOT : 0);
		u64 ino = vfs_getattr(m->inode, &st) == 0 ? st.ino : m->inode->ino;
		u64 dev = m->inode->sb ? m->inode->sb->dev : 0;
		/* the kernel's own device encoding: major << 20 | minor */
		bprintf(b, "inotify wd:%d ino:%llx sdev:%llx mask:%x ignored_mask:0\n", im->wd,
			(unsigned long long)ino, (unsigned long long)((major(dev) << 20) | minor(dev)), mask);
	}
}

static const struct file_ops inotify_fops = {
	.read = in_read,
	.ioctl = in_ioctl,
	.poll = in_poll,
	.release = in_release,
	.show_fdinfo = in_show_fdinfo,
};

/* ---- the calls ---- */
static long do_inotify_init(struct task *t, int flags)
{
	if (flags & ~(IN_NONBLOCK | IN_CLOEXEC))
		return -EINVAL;
	inotify_limits_init();
	struct iuser *u = user_of(t->euid, true);
	if (!u)
		return -ENOMEM;
	if (u->instances >= inotify_max_user_instances) {
		if (!u->instances && !u->watches)
			user_put(t->euid, 0, 0);
		return -EMFILE;
	}
	struct inotify_group *g = kzalloc(sizeof(*g));
	if (!g)
		return -ENOMEM;
	u->instances++;
	g->uid = t->euid;
	g->max_events = inotify_max_queued_events;
	pthread_cond_init(&g->cond, NULL);
	fsnotify_group_init(&g->fsn, &inotify_fsn_ops);
	long err = 0;
	struct file *f = anon_inode_getfile("inotify", &inotify_fops, g, O_RDONLY | (flags & IN_NONBLOCK), &err);
	if (!f) {
		in_release(&(struct file){ .priv = g });
		return err;
	}
	g->file = f;
	int fd = fd_install(t, f, flags & IN_CLOEXEC, 0);
	if (fd < 0)
		fput(f);
	return fd;
}

SYSCALL_DEFINE(inotify_init)
{
	return do_inotify_init(t, 0);
}

SYSCALL_DEFINE(inotify_init1)
{
	return do_inotify_init(t, a->a[0]);
}

static struct inotify_mark *find_wd(struct inotify_group *g, int wd)
{
	for (struct fsnotify_mark *m = g->fsn.marks; m; m = m->g_next)
		if (((struct inotify_mark *)m)->wd == wd)
			return (struct inotify_mark *)m;
	return NULL;
}

/* the next free watch descriptor after the last one given */
static int next_wd(struct inotify_group *g)
{
	for (;;) {
		int wd = g->last_wd == INT_MAX ? 1 : g->last_wd + 1;
		g->last_wd = wd;
		if (!find_wd(g, wd))
			return wd;
	}
}

/* the mark's events from add_watch's mask: every mark hears IN_UNMOUNT */
static void set_mask(struct inotify_mark *im, u32 mask)
{
	im->fsn.mask = (mask & IN_ALL_EVENTS) | IN_UNMOUNT;
	im->fsn.flags = (mask & IN_EXCL_UNLINK) ? FSN_EXCL_UNLINK : 0;
	im->oneshot = mask & IN_ONESHOT;
}

SYSCALL_DEFINE(inotify_add_watch)
{
	int fd = a->a[0];
	u32 mask = a->a[2];
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	if (!(mask & ALL_INOTIFY_BITS))
		return -EINVAL;
	struct file *f = fd_get(t, fd);
	if (!f)
		return -EBADF;
	struct inotify_group *g = group_of(f);
	if (!g)
		return -EINVAL;
	struct dentry *d;
	long r = lookup_at(t, AT_FDCWD, a->a[1], (mask & IN_DONT_FOLLOW) ? AT_SYMLINK_NOFOLLOW : 0, &d);
	if (r < 0)
		return r;
	struct inode *ino = d->inode;
	if ((mask & IN_ONLYDIR) && !S_ISDIR(ino->mode))
		r = -ENOTDIR;
	else
		r = inode_permission(t, ino, MAY_READ);
	if (r < 0) {
		dput(d);
		return r;
	}
	struct inotify_mark *im = (struct inotify_mark *)fsnotify_find_mark(&g->fsn, ino);
	if (im) {
		if (mask & IN_MASK_CREATE)
			r = -EEXIST;
		else {
			u32 old = (im->fsn.mask & IN_ALL_EVENTS) | (im->fsn.flags & FSN_EXCL_UNLINK ? IN_EXCL_UNLINK : 0) |
				  (im->oneshot ? IN_ONESHOT : 0);
			set_mask(im, (mask & IN_MASK_ADD) ? (mask | old) : mask);
			r = im->wd;
		}
		dput(d);
		return r;
	}
	inotify_limits_init();
	struct iuser *u = user_of(g->uid, true);
	if (!u || u->watches >= inotify_max_user_watches || all_watches >= mem_bytes() / 2048) {
		dput(d);
		return u ? -ENOSPC : -ENOMEM;
	}
	im = kzalloc(sizeof(*im));
	if (!im) {
		dput(d);
		return -ENOMEM;
	}
	set_mask(im, mask);
	im->wd = next_wd(g);
	u->watches++;
	g->nwatches++;
	all_watches++;
	fsnotify_add_mark(&im->fsn, &g->fsn, ino);
	dput(d);
	return im->wd;
}

SYSCALL_DEFINE(inotify_rm_watch)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f)
		return -EBADF;
	struct inotify_group *g = group_of(f);
	if (!g)
		return -EINVAL;
	struct inotify_mark *im = find_wd(g, (int)a->a[1]);
	if (!im)
		return -EINVAL;
	fsnotify_destroy_mark(&im->fsn);
	return 0;
}
