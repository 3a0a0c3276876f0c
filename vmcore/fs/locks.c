/* File locks: flock(2), POSIX record locks (fcntl F_GETLK/F_SETLK/F_SETLKW)
 * and open file description locks (F_OFD_*), advisory, as Linux's.
 *
 * Locks live on the guest's inode and are between guest processes only:
 * they are never taken on the host file.  Taking them on the host would
 * make the host kernel the judge of guest ownership, which it cannot be:
 * every guest process's I/O is done by the one ./linux process through
 * its shared descriptor cache (host/hostfd.c), so POSIX locks (owned by
 * the host process) would never conflict between guest processes and
 * would vanish when the cache closed a descriptor; and a guest could
 * hold a host file's lock against host programs.  A hostfs inode is one
 * object while it is referenced (hostfs keys inodes by host device and
 * inode), and every open file references its inode, so locks on it
 * persist for as long as they can matter.
 *
 * Each inode has two lists.  flocks holds flock locks, owned by the open
 * file (dup and fork share them), dropped on the file's last close.
 * posix_locks holds POSIX and OFD locks together, since they conflict
 * with each other (flock locks conflict with neither).  A POSIX lock is
 * owned by the descriptor table (Linux's current->files: the threads of
 * a process share it, a forked child has its own, so locks are not
 * inherited) and dropped when that table closes any descriptor of the
 * inode; an OFD lock is owned by the open file.  An owner's locks are
 * kept together in the list, sorted by start, never overlapping, and
 * adjacent ranges of one type merged, so F_GETLK reports the ranges
 * Linux reports (it returns the first conflicting lock in list order).
 *
 * A waiter (F_SETLKW, flock without LOCK_NB) sleeps on one condition
 * variable that every release broadcasts, and tries again; signals wake it
 * through wait_interruptible (-ERESTARTSYS: EINTR, or a restart under
 * SA_RESTART).  A POSIX waiter records whose lock it waits for: before
 * sleeping, the chain "owner of the blocking lock waits for a lock of..."
 * is followed, and reaching the caller is EDEADLK (OFD locks have no
 * process to follow, as on Linux).  The number of locks is bounded
 * (ENOLCK): each is host memory.  A POSIX lock taken while another thread
 * closed the descriptor is dropped again, as Linux's fcntl_setlk does:
 * the close had nothing to drop yet. */
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#define OFFSET_MAX INT64_MAX
#define LOCKS_MAX 65536
#define DEADLK_MAX_STEPS 10

enum { FL_FLOCK, FL_POSIX, FL_OFD };

struct file_lock {
	struct file_lock *next;
	int kind;
	short type;      /* F_RDLCK, F_WRLCK */
	void *owner;     /* POSIX: struct files_struct; flock, OFD: struct file */
	int pid;         /* POSIX: the locker's tgid (F_GETLK's l_pid) */
	s64 start, end;  /* inclusive; end OFFSET_MAX: to the end of the file */
};

/* A POSIX waiter: owner sleeps for a lock of blocker. */
struct lock_waiter {
	void *owner, *blocker;
	struct lock_waiter *next;
};

static pthread_cond_t lock_cond = PTHREAD_COND_INITIALIZER;
static struct lock_waiter *waiters;
static long nr_locks;

static struct file_lock *lock_new(void)
{
	if (nr_locks >= LOCKS_MAX)
		return NULL;
	struct file_lock *l = kzalloc(sizeof(*l));
	if (l)
		nr_locks++;
	return l;
}

static void lock_free(struct file_lock *l)
{
	nr_locks--;
	free(l);
}

static void locks_wake(void)
{
	pthread_cond_broadcast(&lock_cond);
}

/* Sleep until some lock is released; -ERESTARTSYS on a signal. */
static int lock_wait(void)
{
	return wait_interruptible(current, &lock_cond, NULL) < 0 ? -ERESTARTSYS : 0;
}

/* ---- flock ---- */

static bool flock_conflict(const struct file_lock *a, short type, void *owner)
{
	return a->owner != owner && (a->type == F_WRLCK || type == F_WRLCK);
}

static long do_flock(struct file *f, int op)
{
	bool nb = op & LOCK_NB;
	short type;
	switch (op & ~LOCK_NB) {
	case LOCK_SH:
		type = F_RDLCK;
		break;
	case LOCK_EX:
		type = F_WRLCK;
		break;
	case LOCK_UN:
		type = F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	struct inode *ino = f->inode;
	for (;;) {
		/* a conversion drops the old lock first (and may lose it), as
		 * Linux's flock_lock_inode */
		for (struct file_lock **pp = &ino->flocks; *pp; pp = &(*pp)->next) {
			struct file_lock *l = *pp;
			if (l->owner != f)
				continue;
			if (l->type == type)
				return 0;
			*pp = l->next;
			lock_free(l);
			locks_wake();
			break;
		}
		if (type == F_UNLCK)
			return 0;
		bool conflict = false;
		for (struct file_lock *l = ino->flocks; l; l = l->next)
			if (flock_conflict(l, type, f))
				conflict = true;
		if (!conflict)
			break;
		if (nb)
			return -EWOULDBLOCK;
		if (lock_wait() < 0)
			return -ERESTARTSYS;
	}
	struct file_lock *n = lock_new();
	if (!n)
		return -ENOLCK;
	n->kind = FL_FLOCK;
	n->type = type;
	n->owner = f;
	n->start = 0;
	n->end = OFFSET_MAX;
	/* at the tail, as Linux */
	struct file_lock **pp = &ino->flocks;
	while (*pp)
		pp = &(*pp)->next;
	*pp = n;
	return 0;
}

SYSCALL_DEFINE(flock)
{
	struct file *f = fd_get(t, a->a[0]);
	if (!f || (f->flags & O_PATH))
		return -EBADF;
	return do_flock(f, a->a[1]);
}

/* ---- POSIX and OFD record locks ---- */

static bool overlap(const struct file_lock *l, s64 start, s64 end)
{
	return l->start <= end && start <= l->end;
}

static bool posix_conflict(const struct file_lock *l, short type, void *owner, s64 start, s64 end)
{
	return l->owner != owner && overlap(l, start, end) && (l->type == F_WRLCK || type == F_WRLCK);
}

static struct file_lock *first_conflict(struct inode *ino, short type, void *owner, s64 start, s64 end)
{
	for (struct file_lock *l = ino->posix_locks; l; l = l->next)
		if (posix_conflict(l, type, owner, start, end))
			return l;
	return NULL;
}

/* Would owner, waiting for blocker's lock, wait for itself? */
static bool posix_deadlock(void *owner, void *blocker)
{
	for (int steps = 0; steps < DEADLK_MAX_STEPS; steps++) {
		if (blocker == owner)
			return true;
		struct lock_waiter *w = waiters;
		while (w && w->owner != blocker)
			w = w->next;
		if (!w)
			return false;
		blocker = w->blocker;
	}
	return false;
}

static void insert_sorted(struct file_lock **list, struct file_lock *n)
{
	while (*list && (*list)->start < n->start)
		list = &(*list)->next;
	n->next = *list;
	*list = n;
}

/* Apply owner's request (type may be F_UNLCK) over [start, end]: no other
 * owner's lock is in the way.  0, or -ENOLCK with nothing changed. */
static int posix_apply(struct inode *ino, int kind, void *owner, int pid, short type, s64 start, s64 end)
{
	/* worst case: one lock split in two, and the new one */
	struct file_lock *spare[2] = { lock_new(), lock_new() };
	if (!spare[0] || !spare[1]) {
		if (spare[0])
			lock_free(spare[0]);
		if (spare[1])
			lock_free(spare[1]);
		return -ENOLCK;
	}
	/* take the owner's locks out, remembering where they were */
	struct file_lock **at = NULL, *mine = NULL;
	for (struct file_lock **pp = &ino->posix_locks; *pp;) {
		struct file_lock *l = *pp;
		if (l->owner != owner) {
			pp = &l->next;
			continue;
		}
		if (!at)
			at = pp;
		*pp = l->next;
		l->next = NULL;
		insert_sorted(&mine, l);
	}
	/* cut [start, end] out of them */
	struct file_lock *rest = NULL;
	int used = 0;
	while (mine) {
		struct file_lock *l = mine;
		mine = l->next;
		if (!overlap(l, start, end)) {
			insert_sorted(&rest, l);
			continue;
		}
		if (l->start < start && l->end > end) {
			struct file_lock *tail = spare[used++];
			*tail = *l;
			tail->start = end + 1;
			l->end = start - 1;
			insert_sorted(&rest, l);
			insert_sorted(&rest, tail);
		} else if (l->start < start) {
			l->end = start - 1;
			insert_sorted(&rest, l);
		} else if (l->end > end) {
			l->start = end + 1;
			insert_sorted(&rest, l);
		} else {
			lock_free(l);
		}
	}
	if (type != F_UNLCK) {
		struct file_lock *n = spare[used++];
		n->kind = kind;
		n->type = type;
		n->owner = owner;
		n->pid = pid;
		n->start = start;
		n->end = end;
		/* merge the neighbours of the same type */
		for (struct file_lock **pp = &rest; *pp;) {
			struct file_lock *l = *pp;
			bool touches = l->type == type &&
				       ((l->end < OFFSET_MAX && l->end + 1 == n->start) ||
					(n->end < OFFSET_MAX && n->end + 1 == l->start));
			if (!touches) {
				pp = &l->next;
				continue;
			}
			n->start = MIN(n->start, l->start);
			n->end = MAX(n->end, l->end);
			*pp = l->next;
			lock_free(l);
		}
		insert_sorted(&rest, n);
	}
	for (int i = used; i < 2; i++)
		lock_free(spare[i]);
	/* back in place: where the first one was, or at the tail */
	if (!at) {
		at = &ino->posix_locks;
		while (*at)
			at = &(*at)->next;
	}
	if (rest) {
		struct file_lock *last = rest;
		while (last->next)
			last = last->next;
		last->next = *at;
		*at = rest;
	}
	locks_wake();
	return 0;
}

/* struct flock, the kernel's (the same for fcntl64 on x86-64) */
struct k_flock {
	short l_type, l_whence;
	s64 l_start, l_len;
	int l_pid;
	int pad;
};

/* The range a struct flock names, as Linux's flock_to_posix_lock. */
static long flock_range(struct file *f, const struct k_flock *fl, s64 *start, s64 *end)
{
	s64 base;
	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = f->pos;
		break;
	case SEEK_END: {
		struct kstat st;
		long r = vfs_getattr(f->inode, &st);
		if (r < 0)
			return r;
		base = st.size;
		break;
	}
	default:
		return -EINVAL;
	}
	if (fl->l_start > 0 && base > OFFSET_MAX - fl->l_start)
		return -EOVERFLOW;
	s64 s = base + fl->l_start;
	if (s < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > OFFSET_MAX - s)
			return -EOVERFLOW;
		*start = s;
		*end = s + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		if (s + fl->l_len < 0)
			return -EINVAL;
		*start = s + fl->l_len;
		*end = s - 1;
	} else {
		*start = s;
		*end = OFFSET_MAX;
	}
	return 0;
}

static long posix_getlk(struct task *t, struct file *f, bool ofd, struct k_flock *fl)
{
	s64 start, end;
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	long r = flock_range(f, fl, &start, &end);
	if (r < 0)
		return r;
	void *owner = ofd ? (void *)f : (void *)t->files;
	struct file_lock *l = first_conflict(f->inode, fl->l_type, owner, start, end);
	if (!l) {
		fl->l_type = F_UNLCK;
		return 0;
	}
	fl->l_type = l->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = l->start;
	fl->l_len = l->end == OFFSET_MAX ? 0 : l->end - l->start + 1;
	fl->l_pid = l->kind == FL_OFD ? -1 : l->pid;
	return 0;
}

static long posix_setlk(struct task *t, struct file *f, bool ofd, bool wait, const struct k_flock *fl,
			s64 *pstart, s64 *pend)
{
	s64 start, end;
	u32 acc = f->flags & O_ACCMODE;
	switch (fl->l_type) {
	case F_RDLCK:
		if (acc == O_WRONLY)
			return -EBADF;
		break;
	case F_WRLCK:
		if (acc == O_RDONLY)
			return -EBADF;
		break;
	case F_UNLCK:
		break;
	default:
		return -EINVAL;
	}
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	long r = flock_range(f, fl, &start, &end);
	if (r < 0)
		return r;
	*pstart = start;
	*pend = end;
	void *owner = ofd ? (void *)f : (void *)t->files;
	struct inode *ino = f->inode;
	for (;;) {
		struct file_lock *c = fl->l_type == F_UNLCK ? NULL : first_conflict(ino, fl->l_type, owner, start, end);
		if (!c)
			break;
		if (!wait)
			return -EAGAIN;
		if (!ofd && c->kind == FL_POSIX && posix_deadlock(owner, c->owner))
			return -EDEADLK;
		struct lock_waiter w = { owner, c->owner, waiters };
		if (!ofd)
			waiters = &w;
		r = lock_wait();
		if (!ofd)
			for (struct lock_waiter **pp = &waiters; *pp; pp = &(*pp)->next)
				if (*pp == &w) {
					*pp = w.next;
					break;
				}
		if (r < 0)
			return r;
	}
	return posix_apply(ino, ofd ? FL_OFD : FL_POSIX, owner, t->tgid, fl->l_type, start, end);
}

long do_fcntl_lock(struct task *t, int fd, struct file *f, unsigned cmd, u64 uarg)
{
	struct k_flock fl;
	if (f->flags & O_PATH)
		return -EBADF;
	if (copy_from_user(t->mm, &fl, uarg, sizeof(fl)) < 0)
		return -EFAULT;
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	s64 start = 0, end = 0;
	long r;
	switch (cmd) {
	case F_GETLK:
	case F_OFD_GETLK:
		r = posix_getlk(t, f, ofd, &fl);
		if (r == 0 && copy_to_user(t->mm, uarg, &fl, sizeof(fl)) < 0)
			r = -EFAULT;
		return r;
	default:
		r = posix_setlk(t, f, ofd, cmd == F_SETLKW || cmd == F_OFD_SETLKW, &fl, &start, &end);
		break;
	}
	/* another thread closed the descriptor while we waited: its close
	 * found nothing to drop, so the lock just taken goes (Linux does so) */
	struct files_struct *fs = t->files;
	if (r == 0 && !ofd && fl.l_type != F_UNLCK && (fd >= fs->max || fs->fd[fd] != f))
		posix_apply(f->inode, FL_POSIX, fs, t->tgid, F_UNLCK, start, end);
	return r;
}

/* A process closed a descriptor of f: its POSIX locks on the inode go. */
void locks_remove_posix(struct file *f, struct files_struct *owner)
{
	struct inode *ino = f->inode;
	if (!ino || !ino->posix_locks || !owner)
		return;
	bool any = false;
	for (struct file_lock **pp = &ino->posix_locks; *pp;) {
		struct file_lock *l = *pp;
		if (l->kind == FL_POSIX && l->owner == (void *)owner) {
			*pp = l->next;
			lock_free(l);
			any = true;
		} else {
			pp = &l->next;
		}
	}
	if (any)
		locks_wake();
}

/* The last reference to f went: its flock and OFD locks go. */
void locks_remove_file(struct file *f)
{
	struct inode *ino = f->inode;
	if (!ino || (!ino->posix_locks && !ino->flocks))
		return;
	struct file_lock **lists[2] = { &ino->flocks, &ino->posix_locks };
	bool any = false;
	for (int i = 0; i < 2; i++)
		for (struct file_lock **pp = lists[i]; *pp;) {
			struct file_lock *l = *pp;
			if (l->kind != FL_POSIX && l->owner == (void *)f) {
				*pp = l->next;
				lock_free(l);
				any = true;
			} else {
				pp = &l->next;
			}
		}
	if (any)
		locks_wake();
}
