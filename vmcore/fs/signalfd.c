/* signalfd(2) and signalfd4: pending signals read as a file.
 *
 * A signalfd holds only a mask (SIGKILL and SIGSTOP silently left out, as
 * Linux); which signals are pending is the reader's business: a read
 * dequeues, from the calling thread's queue (kernel/signal.c,
 * dequeue_signal_set; a process-directed signal is queued on one of its
 * threads here, there is no shared queue), as many signals of the mask as
 * fit in 128-byte struct signalfd_siginfo records, filled field by field
 * as Linux's signalfd_copyinfo does for the siginfo's layout.  With none
 * pending it waits (EAGAIN under O_NONBLOCK): a signal queued on the task
 * wakes its sleep even when blocked, and one it does not block ends the
 * wait with -ERESTARTSYS.  poll gives POLLIN while the polling thread has
 * one of the mask pending; signal.c calls poll_wake when it queues one. */
#include <vmcore/anon_inodes.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>

_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo layout");

struct signalfd_ctx {
	u64 mask;
	struct signalfd_ctx *next; /* all signalfds (signalfd_notify) */
	struct file *file;         /* its file (no reference) */
	int tgid;                  /* the process that made it */
};

static struct signalfd_ctx *signalfds;

/* A signal SIG became pending for t: the signalfds of t's process whose
 * mask has it have a new event (epoll's edge-triggered items report it
 * even when another signal already made them readable), as Linux wakes
 * the signalfd waiters of the receiver's signal handlers. */
void signalfd_notify(struct task *t, int sig)
{
	for (struct signalfd_ctx *c = signalfds; c; c = c->next)
		if (c->tgid == t->tgid && (c->mask & (1ULL << (sig - 1))))
			poll_notify_file(c->file, POLLIN);
	poll_wake();
}

static const struct file_ops signalfd_fops;

/* Linux's siginfo_layout: which union member the siginfo fills */
enum layout { L_KILL, L_TIMER, L_POLL, L_FAULT, L_CHLD, L_RT, L_SYS };

static enum layout layout_of(int sig, int code)
{
	if (code > SI_USER && code < SI_KERNEL) {
		switch (sig) {
		case SIGILL: case SIGFPE: case SIGSEGV: case SIGBUS: case SIGTRAP:
			return L_FAULT;
		case SIGCHLD:
			return L_CHLD;
		case SIGPOLL:
			return L_POLL;
		case SIGSYS:
			return L_SYS;
		default:
			return code <= 6 /* NSIGPOLL */ ? L_POLL : L_KILL;
		}
	}
	if (code == SI_TIMER)
		return L_TIMER;
	if (code == SI_SIGIO)
		return L_POLL;
	return code < 0 ? L_RT : L_KILL;
}

static void copyinfo(struct signalfd_siginfo *s, const siginfo_t *si)
{
	memset(s, 0, sizeof(*s));
	s->ssi_signo = si->si_signo;
	s->ssi_errno = si->si_errno;
	s->ssi_code = si->si_code;
	switch (layout_of(si->si_signo, si->si_code)) {
	case L_KILL:
		s->ssi_pid = si->si_pid;
		s->ssi_uid = si->si_uid;
		break;
	case L_TIMER:
		s->ssi_tid = si->si_timerid;
		s->ssi_overrun = si->si_overrun;
		s->ssi_ptr = (u64)si->si_ptr;
		s->ssi_int = si->si_int;
		break;
	case L_POLL:
		s->ssi_band = si->si_band;
		s->ssi_fd = si->si_fd;
		break;
	case L_FAULT:
		s->ssi_addr = (u64)si->si_addr;
		if (si->si_signo == SIGBUS && (si->si_code == BUS_MCEERR_AR || si->si_code == BUS_MCEERR_AO))
			s->ssi_addr_lsb = si->si_addr_lsb;
		break;
	case L_CHLD:
		s->ssi_pid = si->si_pid;
		s->ssi_uid = si->si_uid;
		s->ssi_status = si->si_status;
		s->ssi_utime = si->si_utime;
		s->ssi_stime = si->si_stime;
		break;
	case L_SYS:
		s->ssi_call_addr = (u64)si->si_call_addr;
		s->ssi_syscall = si->si_syscall;
		s->ssi_arch = si->si_arch;
		break;
	case L_RT:
		s->ssi_pid = si->si_pid;
		s->ssi_uid = si->si_uid;
		s->ssi_ptr = (u64)si->si_ptr;
		s->ssi_int = si->si_int;
		break;
	}
}

static long sfd_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	struct signalfd_ctx *c = f->priv;
	size_t n = len / sizeof(struct signalfd_siginfo), done = 0;
	if (!n)
		return -EINVAL;
	/* read(2) hands files its buffer a page at a time and asks again
	 * after a full page (fs/syscalls.c): a full page would make it wait
	 * here for more, so a page-sized part takes one record less (a short
	 * read, which read(2) allows) */
	if (len == PAGE_SIZE)
		n--;
	siginfo_t si;
	while (done < n) {
		if (current->pending & SIG_UNBLOCKABLE)
			return done ? (long)(done * sizeof(struct signalfd_siginfo)) : -ERESTARTSYS; /* SIGKILL goes first */
		if (dequeue_signal_set(current, c->mask, &si)) {
			copyinfo((struct signalfd_siginfo *)buf + done++, &si);
			continue;
		}
		if (done)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_interruptible(current, &current->sleep_cond, NULL) < 0)
			return -ERESTARTSYS;
	}
	poll_wake(); /* readiness went, for other pollers of this thread's queue */
	return done * sizeof(struct signalfd_siginfo);
}

static unsigned sfd_poll(struct file *f)
{
	struct signalfd_ctx *c = f->priv;
	return current && (current->pending & c->mask) ? POLLIN : 0;
}

static void sfd_release(struct file *f)
{
	struct signalfd_ctx *c = f->priv;
	for (struct signalfd_ctx **pp = &signalfds; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c);
}

static const struct file_ops signalfd_fops = {
	.read = sfd_read,
	.poll = sfd_poll,
	.release = sfd_release,
};

static long do_signalfd4(struct task *t, int fd, u64 umask, u64 size, int flags)
{
	u64 mask;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(t->mm, &mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	mask &= ~SIG_UNBLOCKABLE;
	if (fd != -1) {
		struct file *f = fd_get(t, fd);
		if (!f)
			return -EBADF;
		if (f->ops != &signalfd_fops)
			return -EINVAL;
		((struct signalfd_ctx *)f->priv)->mask = mask;
		poll_wake();
		return fd;
	}
	struct signalfd_ctx *c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->mask = mask;
	bool released;
	int r = anon_inode_getfd(t, "[signalfd]", &signalfd_fops, c, O_RDWR | (flags & SFD_NONBLOCK),
				 flags & SFD_CLOEXEC, &released);
	if (r < 0 && !released)
		free(c);
	if (r >= 0) {
		c->file = fd_get(t, r);
		c->tgid = t->tgid;
		c->next = signalfds;
		signalfds = c;
	}
	return r;
}

SYSCALL_DEFINE(signalfd)
{
	return do_signalfd4(t, a->a[0], a->a[1], a->a[2], 0);
}

SYSCALL_DEFINE(signalfd4)
{
	return do_signalfd4(t, a->a[0], a->a[1], a->a[2], a->a[3]);
}
