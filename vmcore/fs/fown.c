/* A file's owner for SIGIO (fcntl F_SETOWN, F_GETOWN, F_SETOWN_EX,
 * F_GETOWN_EX, F_SETSIG, F_GETSIG) and send_sigio, which dnotify uses.
 *
 * The owner is a thread, a process or a process group, as F_SETOWN_EX's
 * types say (F_SETOWN: a positive pid is a process, a negative one a
 * group).  As Linux's sigio_perm, the right to signal is the setter's:
 * the ids of whoever set the owner, checked against the target's when a
 * signal goes (root's, or a real or effective uid matching the target's
 * real or saved one).  With F_SETSIG's signal the siginfo says why
 * (si_code POLL_*, si_fd, si_band); without one it is a plain SIGIO.
 * O_ASYNC's readiness signals are not sent yet (only dnotify's). */
#include <vmcore/cred.h>
#include <vmcore/fown.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>

#ifndef F_OWNER_TID
#define F_OWNER_TID 0
#define F_OWNER_PID 1
#define F_OWNER_PGRP 2
#endif

/* band for si_band, by POLL_* code, as Linux's band_table */
static const long band_table[] = {
	POLLIN | POLLRDNORM,                      /* POLL_IN */
	POLLOUT | POLLWRNORM | POLLWRBAND,        /* POLL_OUT */
	POLLIN | POLLRDNORM | POLLMSG,            /* POLL_MSG */
	POLLERR,                                  /* POLL_ERR */
	POLLPRI | POLLRDBAND,                     /* POLL_PRI */
	POLLHUP | POLLERR,                        /* POLL_HUP */
};

void f_setown(struct file *f, struct task *setter, int type, int pid)
{
	f->fown.type = type;
	f->fown.pid = pid;
	f->fown.uid = setter->uid;
	f->fown.euid = setter->euid;
	f->fown.privileged = capable(setter, CAP_KILL);
}

static bool sigio_perm(const struct fown *o, struct task *p)
{
	return o->privileged || o->euid == p->suid || o->euid == p->uid || o->uid == p->suid || o->uid == p->uid;
}

static void sigio_one(struct file *f, struct task *p, int fd, int code)
{
	const struct fown *o = &f->fown;
	if (p->state != TASK_RUNNING || !sigio_perm(o, p))
		return;
	if (!o->signum) {
		send_signal(p, SIGIO, NULL);
		return;
	}
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = o->signum;
	si.si_code = code;
	si.si_fd = fd;
	si.si_band = code >= POLL_IN && code <= POLL_HUP ? band_table[code - POLL_IN] : 0;
	send_signal(p, o->signum, &si);
}

void send_sigio(struct file *f, int fd, int code)
{
	const struct fown *o = &f->fown;
	if (!o->pid)
		return;
	if (o->type == F_OWNER_PGRP) {
		for (struct task *p = all_tasks; p; p = p->next_task)
			if (p->tid == p->tgid && p->pgid == o->pid)
				sigio_one(f, process_target(p, o->signum ? o->signum : SIGIO), fd, code);
		return;
	}
	struct task *p = task_find(o->pid);
	if (!p || (o->type == F_OWNER_PID && p->tid != p->tgid))
		return;
	sigio_one(f, o->type == F_OWNER_PID ? process_target(p, o->signum ? o->signum : SIGIO) : p, fd, code);
}

long do_fcntl_owner(struct task *t, struct file *f, int cmd, u64 arg)
{
	struct f_owner_ex ex;
	switch (cmd) {
	case F_GETOWN:
		return f->fown.type == F_OWNER_PGRP ? -f->fown.pid : f->fown.pid;
	case F_SETOWN: {
		int pid = (int)arg;
		if (pid < 0 && pid == (int)0x80000000)
			return -EINVAL; /* -INT_MIN has no group */
		f_setown(f, t, pid < 0 ? F_OWNER_PGRP : F_OWNER_PID, pid < 0 ? -pid : pid);
		return 0;
	}
	case F_GETOWN_EX:
		ex.type = f->fown.type;
		ex.pid = f->fown.pid;
		return copy_to_user(t->mm, arg, &ex, sizeof(ex)) < 0 ? -EFAULT : 0;
	case F_SETOWN_EX:
		if (copy_from_user(t->mm, &ex, arg, sizeof(ex)) < 0)
			return -EFAULT;
		if (ex.type != F_OWNER_TID && ex.type != F_OWNER_PID && ex.type != F_OWNER_PGRP)
			return -EINVAL;
		if (ex.pid < 0)
			return -EINVAL;
		if (ex.pid && ex.type != F_OWNER_PGRP && !task_find(ex.pid))
			return -ESRCH;
		f_setown(f, t, ex.type, ex.pid);
		return 0;
	case F_GETSIG:
		return f->fown.signum;
	case F_SETSIG:
		if (arg > 64)
			return -EINVAL;
		f->fown.signum = (int)arg;
		return 0;
	}
	return -EINVAL;
}
