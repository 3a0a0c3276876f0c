/* Process file descriptors: pidfd_open, pidfd_send_signal, pidfd_getfd,
 * and waitid(P_PIDFD) (kernel/exit.c).
 *
 * A pidfd names one process for as long as the file lives: it holds the
 * process's id and the start time of its leader, so that a pid used
 * again by a later process is never taken for it.  poll() reports it
 * readable (POLLIN) once the process has exited (a zombie, or reaped);
 * the exit path wakes pollers.  Always close-on-exec, as Linux's. */
#include <vmcore/cred.h>
#include <vmcore/ptrace.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef PIDFD_SIGNAL_THREAD
#define PIDFD_SIGNAL_THREAD (1UL << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1)
#define PIDFD_SIGNAL_PROCESS_GROUP (1UL << 2)
#endif

struct pidfd {
	int tgid;
	u64 start_time_ns;
	struct pidfd *next; /* all pidfds (pidfd_notify_exit) */
	struct file *file;  /* its file (no reference) */
};

static struct pidfd *pidfds;

/* Process tgid exited (or was reaped): its pidfds become readable (or
 * hung up), an event for epoll's edge-triggered items on them. */
void pidfd_notify_exit(int tgid)
{
	for (struct pidfd *p = pidfds; p; p = p->next)
		if (p->tgid == tgid)
			poll_notify_file(p->file, POLLIN);
}

static const struct file_ops pidfd_fops;

/* The live (not yet zombie) process a pidfd names, or NULL. */
static struct task *pidfd_task(struct file *f, bool *exited)
{
	struct pidfd *p = f->priv;
	struct task *t = task_find(p->tgid);
	bool same = t && t->tgid == p->tgid && t->start_time_ns == p->start_time_ns;
	if (exited)
		*exited = !same || t->state != TASK_RUNNING;
	return same && t->state == TASK_RUNNING ? t : NULL;
}

/* The pidfd behind fd, or NULL (EBADF: no file, or another kind). */
struct file *pidfd_get(struct task *t, int fd, long *err)
{
	struct file *f = fd_get(t, fd);
	*err = !f || f->ops != &pidfd_fops ? -EBADF : 0; /* Linux: EBADF for both */
	return *err ? NULL : f;
}

int pidfd_pid(struct file *f)
{
	return ((struct pidfd *)f->priv)->tgid;
}

/* POLLIN once the process has exited, POLLHUP too once it is reaped (Linux 6.9+) */
static unsigned pidfd_poll(struct file *f)
{
	bool exited;
	pidfd_task(f, &exited);
	struct pidfd *p = f->priv;
	struct task *t = task_find(p->tgid);
	bool reaped = !t || t->start_time_ns != p->start_time_ns || t->state == TASK_DEAD;
	return (exited ? POLLIN | POLLRDNORM : 0) | (reaped ? POLLHUP : 0);
}

static long pidfd_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	return -EINVAL;
}

static void pidfd_release(struct file *f)
{
	struct pidfd *pf = f->priv;
	for (struct pidfd **pp = &pidfds; *pp; pp = &(*pp)->next)
		if (*pp == pf) {
			*pp = pf->next;
			break;
		}
	free(pf);
}

static const struct file_ops pidfd_fops = {
	.read = pidfd_read,
	.poll = pidfd_poll,
	.release = pidfd_release,
};

SYSCALL_DEFINE(pidfd_open)
{
	int pid = a->a[0];
	unsigned flags = a->a[1];
	if (flags & ~PIDFD_NONBLOCK || pid <= 0)
		return -EINVAL;
	struct task *p = task_find(pid);
	if (!p || p->state != TASK_RUNNING)
		return -ESRCH;
	if (p->tgid != pid)
		return -ENOENT; /* a thread that does not lead its group (Linux 6.9+; EINVAL before) */
	long r = files_check(1);
	if (r < 0)
		return r;
	static struct inode *pidfs_inode; /* one anonymous inode for all, as anon_inode:[pidfd] */
	if (!pidfs_inode && !(pidfs_inode = inode_new(NULL, 0600)))
		return -ENOMEM;
	struct pidfd *pf = malloc(sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	pf->tgid = p->tgid;
	pf->start_time_ns = p->start_time_ns;
	struct file *f = file_alloc(pidfs_inode, NULL, O_RDWR | (flags & PIDFD_NONBLOCK));
	if (!f) {
		free(pf);
		return -ENFILE;
	}
	f->priv = pf;
	f->ops = &pidfd_fops;
	pf->file = f;
	pf->next = pidfds;
	pidfds = pf;
	r = fd_install(t, f, true, 0);
	if (r < 0)
		fput(f);
	return r;
}

SYSCALL_DEFINE(pidfd_send_signal)
{
	long err;
	int sig = a->a[1];
	struct file *f = pidfd_get(t, a->a[0], &err);
	struct pidfd procdir; /* a /proc/PID directory stands for the process, as on Linux */
	struct file pf;
	if (!f) {
		struct file *d = fd_get(t, a->a[0]);
		struct task *q = d ? task_find(proc_pid_of_dir(d)) : NULL;
		if (!q || !proc_pid_of_dir(d))
			return err;
		procdir.tgid = q->tgid;
		procdir.start_time_ns = q->start_time_ns;
		pf.priv = &procdir;
		f = &pf;
	}
	u64 flags = a->a[3];
	/* at most one of PIDFD_SIGNAL_THREAD (the leader thread alone),
	 * _THREAD_GROUP (the process: the default) and _PROCESS_GROUP */
	if ((flags & ~(u64)(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP |
			    PIDFD_SIGNAL_PROCESS_GROUP)) || (flags & (flags - 1)))
		return -EINVAL;
	if (sig < 0 || sig > _NSIG_LINUX)
		return -EINVAL;
	struct task *p = pidfd_task(f, NULL);
	if (!p)
		return -ESRCH;
	siginfo_t si, *sip = NULL;
	if (a->a[2]) {
		if (copy_from_user(t->mm, &si, a->a[2], sizeof(si)) < 0)
			return -EFAULT;
		if (si.si_signo != sig)
			return -EINVAL;
		/* as rt_sigqueueinfo: only the kernel sends codes >= 0, and SI_TKILL */
		if ((si.si_code >= 0 || si.si_code == SI_TKILL) && p->tgid != t->tgid)
			return -EPERM;
		sip = &si;
	}
	if (flags & PIDFD_SIGNAL_THREAD)
		return kill_thread(t, p, sig, sip);
	if (!(flags & PIDFD_SIGNAL_PROCESS_GROUP))
		return kill_process(t, p, sig, sip);
	/* the process group whose id is the pidfd's pid (ESRCH if none) */
	long r = -ESRCH;
	int pgid = p->tgid;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->state == TASK_RUNNING && q->tid == q->tgid && q->pgid == pgid) {
			long e = kill_process(t, q, sig, sip);
			if (r == -ESRCH || e < 0)
				r = e;
		}
	return r;
}

SYSCALL_DEFINE(pidfd_getfd)
{
	long err;
	struct file *f = pidfd_get(t, a->a[0], &err);
	if (!f)
		return err;
	if (a->a[2])
		return -EINVAL;
	struct task *p = pidfd_task(f, NULL);
	if (!p)
		return -ESRCH;
	/* as Linux: PTRACE_MODE_ATTACH_REALCREDS (kernel/ptrace_access.c) */
	if (ptrace_may_access(t, p, PTRACE_MODE_ATTACH_REALCREDS) < 0)
		return -EPERM;
	struct file *target = p->files ? fd_get(p, a->a[1]) : NULL;
	if (!target)
		return -EBADF;
	long r = fd_install(t, fget(target), true, 0);
	if (r < 0)
		fput(target);
	return r;
}
