/* Exit, zombies, and waiting for children.
 *
 * A task that exits gives up its memory (which kills its stub), its
 * descriptors and its directory, hands its children to init, and stays a
 * zombie holding its wait status until its parent reaps it with wait4 or
 * waitid.  Waiters sleep on one condition variable with the BKL released;
 * every change of a child's state broadcasts on it. */
#include <vmcore/cred.h>
#include <vmcore/seccomp.h>
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <vmcore/gdb.h>
#include <vmcore/ptrace.h>
#include <vmcore/trace.h>
#include "../../coverage/kcov.h"
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>

pthread_cond_t child_cond = PTHREAD_COND_INITIALIZER;
pthread_cond_t vfork_cond = PTHREAD_COND_INITIALIZER;

void wake_child_waiters(void)
{
	pthread_cond_broadcast(&child_cond);
	poll_wake(); /* a pidfd becomes readable */
}

void vfork_release(struct task *t)
{
	if (t->vfork_done) {
		*t->vfork_done = true;
		t->vfork_done = NULL;
		pthread_cond_broadcast(&vfork_cond);
	}
}

void files_put(struct files_struct *fs)
{
	if (!fs || --fs->refs)
		return;
	for (int i = 0; i < fs->max; i++)
		if (fs->fd[i])
			filp_close(fs->fd[i], fs);
	free(fs->fd);
	free(fs->cloexec);
	free(fs);
}

void fs_put(struct fs_struct *fs)
{
	if (!fs || --fs->refs)
		return;
	dput(fs->root);
	dput(fs->cwd);
	free(fs);
}

static void sighand_put(struct sighand_struct *sh);
static void release_task(struct task *t)
{
	if (t->tid == t->tgid)
		pidfd_notify_exit(t->tgid); /* reaped: its pidfds say POLLHUP */
	nr_tasks--;
	for (struct task **pp = &all_tasks; *pp; pp = &(*pp)->next_task)
		if (*pp == t) {
			*pp = t->next_task;
			break;
		}
	free(t->fpstate);
	free(t->trace_pending);
	free(t->held);
	trace_task_free(t);
	cred_release(t);
	seccomp_release(t);
	free(t);
}

static void sighand_put(struct sighand_struct *sh)
{
	if (sh && --sh->refs == 0)
		free(sh);
}

/* Does a task of another thread group use t's address space? */
static bool mm_shared_outside(struct task *t)
{
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->mm == t->mm && q->tgid != t->tgid && q->state == TASK_RUNNING)
			return true;
	return false;
}

/* t's host thread leaves its stub while other tasks live on in it: the
 * stub's queue is flushed through a thread that stays. */
void mm_pass_flusher(struct task *t)
{
	if (!t->mm || t->mm->as.flusher != &t->ht)
		return;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q != t && q->mm == t->mm && q->state == TASK_RUNNING && !q->exiting && q->ht.tid) {
			t->mm->as.flusher = &q->ht;
			return;
		}
}

/* Give up what the task holds.  The mm goes last for a group leader,
 * whose task thread created (and is the parent of) the stub process. */
static void exit_resources(struct task *t)
{
	exit_robust_list(t);
	if (t->clear_child_tid && t->mm) {
		int zero = 0;
		if (copy_to_user(t->mm, t->clear_child_tid, &zero, sizeof(zero)) == 0)
			futex_wake_addr(t, t->clear_child_tid, 1);
	}
	vfork_release(t);
	fd_put_held(t); /* an exit from inside a system call (a failed execve) */
	files_put(t->files);
	t->files = NULL;
	fs_put(t->fs);
	t->fs = NULL;
}

/* A stub dies with the kernel thread that created it (see host_as_mine).
 * When that thread's task is done with an address space that other tasks
 * still use (processes made with CLONE_VM and no CLONE_THREAD, which are
 * host threads of the same stub), the thread keeps its reference and
 * lingers, after its task has become a zombie, until it is the last user:
 * then it kills and reaps the stub itself.  Without this the stub was
 * SIGKILLed under the others as soon as the creator ended ("host thread of
 * task N vanished", or a new thread that could not be attached). */
#define KEPT_MAX 8
static __thread struct mm *kept_mms[KEPT_MAX];
static __thread int nkept;
static pthread_cond_t mm_users_cond = PTHREAD_COND_INITIALIZER;

void mm_leave(struct mm *mm)
{
	if (mm->users > 1 && host_as_mine(&mm->as) && nkept < KEPT_MAX)
		kept_mms[nkept++] = mm;
	else
		mm_put(mm);
	pthread_cond_broadcast(&mm_users_cond);
}

/* Before a task thread ends: wait out the stubs it keeps alive. */
static void drain_kept_mms(void)
{
	while (nkept > 0) {
		struct mm *mm = kept_mms[--nkept];
		while (mm->users > 1)
			bkl_wait(&mm_users_cond);
		/* our task and its host thread are gone: kill the stub first, so
		 * that the teardown queues nothing for it */
		host_as_kill(&mm->as);
		mm_put(mm);
	}
}

static void release_mm(struct task *t)
{
	if (t->mm)
		mm_leave(t->mm);
	t->mm = NULL;
}

/* A task whose task thread could not be started (it becomes a zombie
 * that the parent reaps): what fork gave it goes back now, since no exit
 * path will ever run for it. */
void task_release_unstarted(struct task *t)
{
	files_put(t->files);
	t->files = NULL;
	fs_put(t->fs);
	t->fs = NULL;
	release_mm(t);
	sighand_put(t->sighand);
	t->sighand = NULL;
	t->group_leader->nr_threads--;
}

/* Hand the children of a dying process to init; a child's group that
 * loses its last link outside may be orphaned with stopped members. */
static void reparent_children(struct task *t)
{
	struct task *init = task_find(1), *heir = NULL;
	/* children belong to the thread group: while another thread of it
	 * lives, they stay in the family (Linux's find_alive_thread) */
	for (struct task *q = all_tasks; q && !heir; q = q->next_task)
		if (q != t && q->tgid == t->tgid && q->state == TASK_RUNNING && !q->exiting)
			heir = q;
	/* or the leader, which outlives the group's other threads and hands
	 * its children to init when the group is gone */
	if (!heir && t != t->group_leader)
		heir = t->group_leader;
	for (struct task *c = all_tasks; c; c = c->next_task)
		if (c->parent == t && heir) {
			c->parent = heir;
		} else if (c->parent == t && c != init) {
			c->parent = init;
			if (c == c->group_leader && c->state == TASK_RUNNING)
				kill_orphaned_pgrp(c, t);
		}
}

/* A zombie process's news for its parent: a SIGCHLD, or, when the parent
 * ignores SIGCHLD or sets SA_NOCLDWAIT, no zombie at all. */
static void exit_to_parent(struct task *t)
{
	struct task *p = t->parent;
	/* a parent that ignores SIGCHLD, or sets SA_NOCLDWAIT, never sees
	 * zombies of children that would send it SIGCHLD */
	if (p && p->sighand && t->exit_signal == SIGCHLD &&
	    (p->sighand->action[SIGCHLD - 1].handler == (u64)SIG_IGN ||
	     (p->sighand->action[SIGCHLD - 1].flags & SA_NOCLDWAIT))) {
		t->state = TASK_DEAD;
		release_task(t);
	} else if (t->exit_signal > 0) {
		notify_parent_exit(t);
	}
}

static int exit_code_of(int st)
{
	return WIFEXITED(st) ? CLD_EXITED : (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
}

static int exit_status_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st);
}

/* A traced zombie the tracer is done with (it reaped it, detached or went
 * away): a thread goes; a process becomes its real parent's zombie. */
static void ptrace_release_zombie(struct task *c)
{
	struct task *tracer = c->ptracer;
	ptrace_unlink(c);
	if (c->tid != c->tgid || (tracer && c->parent && c->parent->tgid == tracer->tgid)) {
		c->state = TASK_DEAD;
		release_task(c);
	} else {
		exit_to_parent(c);
	}
	wake_child_waiters();
}

/* The tracer thread t ends: its tracees go free (or are killed, with
 * PTRACE_O_EXITKILL), as Linux's exit_ptrace. */
static void forget_tracees(struct task *t)
{
	for (struct task *c = all_tasks, *next; c; c = next) {
		next = c->next_task;
		if (c->ptracer != t)
			continue;
		if (c->state == TASK_ZOMBIE) {
			ptrace_release_zombie(c);
			continue;
		}
		if (c->pt && (c->pt->opts & PTRACE_O_EXITKILL))
			send_signal_force(c, SIGKILL, NULL);
		ptrace_unlink(c);
	}
}

_Noreturn void do_group_exit(struct task *t, int status)
{
	struct task *leader = t->group_leader;
	if (!leader->group_exit) {
		leader->group_exit = true;
		leader->group_exit_code = status;
		for (struct task *q = all_tasks; q; q = q->next_task)
			if (q != t && q->tgid == t->tgid && q->state == TASK_RUNNING && !q->exiting)
				send_signal_force(q, SIGKILL, NULL);
	}
	task_exit(t, leader->group_exit_code);
}

/* The end of one task: the thread goes; the last thread of a group takes
 * the process down and leaves a zombie for the parent. */
_Noreturn void exit_notify_and_die(struct task *t, int status)
{
	struct task *leader = t->group_leader;
	if (leader->group_exit)
		status = leader->group_exit_code;
	if (unlikely(t->pt))
		ptrace_exit_event(t, status); /* PTRACE_EVENT_EXIT, before anything goes */
	t->exiting = true;
	if (leader->group_exit)
		status = leader->group_exit_code;
	forget_tracees(t);
	/* mapping changes this thread queued must not wait for another */
	if (t->mm && t->mm->as.ops_n && t->ht.tid && !leader->group_exit)
		host_flush(&t->ht);
	leader->nr_threads--;
	pthread_cond_broadcast(&leader->sleep_cond); /* an execve may wait for this */
	bool others = leader->nr_threads > 0;
	kcov_task_exit(t);
	if (unlikely(gdb_active))
		gdb_exit(t, others ? -1 : status);
	/* A task leaving a stub that others still use ends its host thread
	 * cleanly: if its tracer just went, the host would kill the whole stub
	 * process.  The others are the rest of a living thread group, or
	 * processes made with CLONE_VM and no CLONE_THREAD, which live in the
	 * same stub; these go on even when this group exits as a whole (a
	 * group that exits whole and shares its stub with no one is killed
	 * with it, below, and needs no clean exits). */
	if (t->ht.tid && t->mm && t->mm->users > 1 && (!leader->group_exit || mm_shared_outside(t))) {
		mm_pass_flusher(t);
		host_thread_exit(&t->ht);
	}
	exit_resources(t);
	if (t != leader) {
		/* strace -f shows each thread's end */
		if (unlikely(trace_on))
			trace_task_exit(t, status);
		reparent_children(t);
		release_mm(t);
		if (t->sighand)
			sighand_put(t->sighand);
		t->sighand = NULL;
		/* the leader (waiting for the group) or an exec waits for this */
		pthread_cond_broadcast(&leader->sleep_cond);
		if (t->ptracer) {
			/* a traced thread is its tracer's zombie until reaped */
			t->exit_code = status;
			t->state = TASK_ZOMBIE;
			ptrace_notify_tracer(t, exit_code_of(status), exit_status_of(status));
		} else {
			t->state = TASK_DEAD;
			release_task(t);
		}
		wake_child_waiters();
		drain_kept_mms();
		bkl_unlock();
		pthread_exit(NULL);
	}
	/* The leader: wait for the rest of the group, then become the zombie. */
	t->exit_code = status;
	t->thread_exited = true;
	while (leader->nr_threads > 0)
		bkl_wait(&t->sleep_cond);
	if (t->group_exit)
		status = t->group_exit_code;
	exit_timers(t, false);
	t->exit_cpu_ns = task_cpu_ns(t);
	release_mm(t);
	sighand_put(t->sighand);
	t->sighand = NULL;
	if (t->sid == t->tgid)
		tty_session_exit(t->sid);
	for (struct task *c = all_tasks; c; c = c->next_task)
		if (c->parent == t && c->pdeath_signal && c->state == TASK_RUNNING)
			send_signal(c, c->pdeath_signal, NULL);
	reparent_children(t);
	kill_orphaned_pgrp(t, NULL);
	t->exit_code = status;
	t->state = TASK_ZOMBIE;
	pidfd_notify_exit(t->tgid);
	if (unlikely(trace_on))
		trace_task_exit(t, status);
	while (t->sigq) {
		struct sigqueue *q = t->sigq;
		t->sigq = q->next;
		free(q);
	}
	if (t->ptracer)
		ptrace_notify_tracer(t, exit_code_of(status), exit_status_of(status)); /* the parent: once it is done */
	else
		exit_to_parent(t);
	wake_child_waiters();
	drain_kept_mms(); /* t may be reaped and freed meanwhile */
	bkl_unlock();
	pthread_exit(NULL);
}

/* A child of t's thread group (of t itself only with __WNOTHREAD) that
 * PID selects. */
static bool wait_match(struct task *t, struct task *c, int pid, int options)
{
	if (!c->parent || ((options & __WNOTHREAD) ? c->parent != t : c->parent->tgid != t->tgid))
		return false;
	if (pid > 0)
		return c->tgid == pid;
	if (pid == -1)
		return true;
	if (pid == 0)
		return c->pgid == t->pgid;
	return c->pgid == -pid;
}

/* A tracee of t (of t's thread group unless __WNOTHREAD) that PID
 * selects: every traced thread counts, whatever its exit signal. */
static bool ptrace_wait_match(struct task *t, struct task *c, int pid, int options)
{
	if (!c->ptracer || ((options & __WNOTHREAD) ? c->ptracer != t : c->ptracer->tgid != t->tgid))
		return false;
	if (pid > 0)
		return c->tid == pid;
	if (pid == -1)
		return true;
	return c->pgid == (pid == 0 ? t->pgid : -pid);
}

/* A zombie leader waits for its group's traced zombie threads to be
 * reaped (Linux's delay_group_leader). */
static bool group_has_zombie_threads(struct task *leader)
{
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q != leader && q->tgid == leader->tgid)
			return true;
	return false;
}

static long do_wait(struct task *t, int pid, int options, int *status, struct rusage *ru, bool *trapped)
{
	for (;;) {
		bool any = false;
		for (struct task *c = all_tasks; c; c = c->next_task) {
			if (ptrace_wait_match(t, c, pid, options)) {
				any = true;
				if (ru)
					memset(ru, 0, sizeof(*ru));
				if (c->state == TASK_ZOMBIE && (c->tid != c->tgid || !group_has_zombie_threads(c))) {
					int tid = c->tid;
					*status = c->exit_code;
					if (!(options & WNOWAIT)) {
						if (c->parent && c->parent->tgid == t->tgid)
							t->cutime_ns += c->cutime_ns + c->exit_cpu_ns;
						ptrace_release_zombie(c);
					}
					return tid;
				}
				if (c->state == TASK_RUNNING && c->pt && c->pt->kind != PT_RUNNING && !c->pt->reported) {
					if (!(options & WNOWAIT))
						c->pt->reported = true;
					*status = (c->pt->code << 8) | 0x7f;
					*trapped = true;
					return c->tid;
				}
				continue;
			}
			if (c->tid != c->tgid || !wait_match(t, c, pid, options))
				continue;
			any = true;
			/* another's tracee: its group-stop and SIGCONT are the real
			 * parent's to see, its exit its tracer's first */
			bool jstopped = c->stopped || (c->pt && c->pt->group_stopped);
			if (c->state == TASK_RUNNING && jstopped && !c->stop_reported && (options & WUNTRACED)) {
				if (!(options & WNOWAIT))
					c->stop_reported = true;
				*status = (c->stop_sig << 8) | 0x7f;
				if (ru)
					memset(ru, 0, sizeof(*ru));
				return c->tid;
			}
			if (c->state == TASK_RUNNING && !jstopped && !c->cont_reported && c->stop_sig &&
			    (options & WCONTINUED)) {
				if (!(options & WNOWAIT))
					c->cont_reported = true;
				*status = 0xffff;
				if (ru)
					memset(ru, 0, sizeof(*ru));
				return c->tid;
			}
			if (c->ptracer || c->state != TASK_ZOMBIE || group_has_zombie_threads(c))
				continue;
			int tid = c->tid;
			*status = c->exit_code;
			t->cutime_ns += c->cutime_ns + c->exit_cpu_ns;
			if (ru)
				memset(ru, 0, sizeof(*ru));
			if (!(options & WNOWAIT)) {
				c->state = TASK_DEAD;
				release_task(c);
			}
			return tid;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (wait_interruptible(t, &child_cond, NULL) < 0)
			return -ERESTARTSYS;
	}
}

SYSCALL_DEFINE(wait4)
{
	int status = 0, options = a->a[2];
	struct rusage ru;
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
		return -EINVAL;
	if ((int)a->a[0] == INT32_MIN)
		return -ESRCH;
	bool trapped = false;
	long r = do_wait(t, (int)a->a[0], options, &status, a->a[3] ? &ru : NULL, &trapped);
	if (r > 0) {
		if (a->a[1] && copy_to_user(t->mm, a->a[1], &status, sizeof(status)) < 0)
			return -EFAULT;
		if (a->a[3] && copy_to_user(t->mm, a->a[3], &ru, sizeof(ru)) < 0)
			return -EFAULT;
	}
	return r;
}

SYSCALL_DEFINE(waitid)
{
	int idtype = a->a[0], id = a->a[1], options = a->a[3], status = 0, pid;
	bool nonblock_fd = false; /* a PIDFD_NONBLOCK pidfd: EAGAIN, not 0, if none is ready */
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)) ||
	    (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD)))
		return -EINVAL;
	switch (idtype) {
	case P_ALL: pid = -1; break;
	case P_PID: if (id <= 0) return -EINVAL; pid = id; break;
	case P_PGID: if (id < 0) return -EINVAL; pid = id ? -id : 0; break;
	case 3 /* P_PIDFD */: {
		long err;
		struct file *pf = pidfd_get(t, id, &err);
		if (!pf)
			return err;
		pid = pidfd_pid(pf);
		if (pf->flags & O_NONBLOCK) {
			options |= WNOHANG;
			nonblock_fd = true;
		}
		break;
	}
	default: return -EINVAL;
	}
	int wopts = (options & (WNOHANG | WNOWAIT | WCONTINUED | __WNOTHREAD)) |
		    ((options & WSTOPPED) ? WUNTRACED : 0);
	bool trapped = false;
	long r = do_wait(t, pid, wopts, &status, NULL, &trapped);
	if (r < 0)
		return r;
	if (!r && nonblock_fd)
		return -EAGAIN;
	if (a->a[2]) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		if (r > 0) {
			si.si_signo = SIGCHLD;
			si.si_pid = r;
			si.si_uid = 0;
			if (WIFSTOPPED(status)) {
				si.si_code = trapped ? CLD_TRAPPED : CLD_STOPPED;
				si.si_status = WSTOPSIG(status);
			} else if (WIFCONTINUED(status)) {
				si.si_code = CLD_CONTINUED;
				si.si_status = SIGCONT;
			} else if (WIFEXITED(status)) {
				si.si_code = CLD_EXITED;
				si.si_status = WEXITSTATUS(status);
			} else {
				si.si_code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
				si.si_status = WTERMSIG(status);
			}
		}
		if (copy_to_user(t->mm, a->a[2], &si, sizeof(si)) < 0)
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(setpgid)
{
	int pid = a->a[0] ? (int)a->a[0] : t->tgid, pgid = a->a[1] ? (int)a->a[1] : pid;
	if (pgid < 0)
		return -EINVAL;
	struct task *p = task_find(pid);
	if (!p || (p->tgid != t->tgid && (!p->parent || p->parent->tgid != t->tgid)))
		return -ESRCH;
	if (p->sid != t->sid)
		return -EPERM;
	if (p->pgid == p->sid && p->tgid == p->sid)
		return -EPERM; /* a session leader */
	if (pgid != pid) {
		bool found = false;
		for (struct task *q = all_tasks; q; q = q->next_task)
			if (q->pgid == pgid && q->sid == t->sid && q->state == TASK_RUNNING)
				found = true;
		if (!found)
			return -EPERM;
	}
	p->pgid = pgid;
	return 0;
}

SYSCALL_DEFINE(setsid)
{
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->pgid == t->tgid && q->state != TASK_DEAD)
			return -EPERM;
	t->sid = t->pgid = t->tgid;
	return t->sid;
}
