/* fork, vfork and clone for new processes.
 *
 * The parent's task thread copies what the child shares or inherits (memory
 * copy-on-write, descriptors, working directory, credentials, signal
 * dispositions, registers and FPU state), then starts the child's task
 * thread.  That thread creates the child's stub process itself, because a
 * ptrace tracer must be the thread that traces: it asks the host for a fresh
 * address space, loads the registers, pins itself and enters the task loop.
 * The child's pages arrive by demand faults from the shared page table. */
#include <vmcore/ptrace.h>
#include <vmcore/cred.h>
#include <vmcore/seccomp.h>
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <vmcore/gdb.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

static int next_pid = 2;
/* kernel.pid_max (proc_sys.c): pids are below it; past it they wrap to
 * RESERVED_PIDS, as Linux's, leaving the low pids to early daemons */
int pid_max = 32768;
#define RESERVED_PIDS 300
int max_tasks = 4096; /* maxtasks=: the guest's limit on tasks (a pids cgroup) */
int nr_tasks = 1;
extern int nr_vcpus;

int alloc_pid(void)
{
	for (;;) {
		if (next_pid >= pid_max)
			next_pid = RESERVED_PIDS;
		int pid = next_pid++;
		if (!task_find(pid))
			return pid;
	}
}

struct files_struct *files_dup(struct files_struct *old)
{
	struct files_struct *fs = kzalloc(sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->max = old->max;
	fs->fd = calloc(old->max ? old->max : 1, sizeof(struct file *));
	fs->cloexec = calloc(old->max ? old->max / 64 + 1 : 1, sizeof(u64));
	if (!fs->fd || !fs->cloexec) {
		free(fs->fd);
		free(fs->cloexec);
		free(fs);
		return NULL;
	}
	for (int i = 0; i < old->max; i++)
		if (old->fd[i])
			fs->fd[i] = fget(old->fd[i]);
	if (old->max)
		memcpy(fs->cloexec, old->cloexec, old->max / 64 * sizeof(u64));
	return fs;
}

static struct fs_struct *fs_dup(struct fs_struct *old)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));
	if (!fs)
		return NULL;
	fs->refs = 1;
	fs->root = dget(old->root);
	fs->cwd = dget(old->cwd);
	fs->umask = old->umask;
	return fs;
}

/* The first thing a new process's task thread does: its own stub. */
static void *child_main(void *arg)
{
	struct task *t = arg;
	struct user_regs_struct regs = t->ht.regs;

	current = t;
	bkl_lock();
	struct mm *mm = t->mm;
	int r = host_as_create(&mm->as, &t->ht, mm->stub_data << PAGE_SHIFT, frame_ptr(mm->stub_data));
	if (r < 0) {
		pr_err("vmcore: cannot create the address space of task %d: error %d\n", t->tid, r);
		task_exit(t, SIGKILL);
	}
	mm_premap(mm);
	/* the parent's registers, with the stub's segment selectors */
	regs.cs = t->ht.regs.cs;
	regs.ss = t->ht.regs.ss;
	t->ht.regs = regs;
	t->ht.regs_dirty = true;
	if (t->fpstate) {
		host_set_fpregs(&t->ht, t->fpstate, t->fpstate_len);
		free(t->fpstate);
		t->fpstate = NULL;
	}
	task_pin(t);
	task_loop(t);
}

/* The first thing a new thread's task thread does: seize the host thread
 * that the parent's stub cloned, which waits for it in pause(). */
static void *thread_main(void *arg)
{
	struct task *t = arg;
	struct user_regs_struct regs = t->ht.regs;

	current = t;
	bkl_lock();
	int r = host_thread_attach(&t->ht, &t->mm->as, t->host_tid_pending);
	if (r < 0) {
		pr_err("vmcore: cannot attach to the host thread of task %d: error %d\n", t->tid, r);
		t->ht.tid = 0;
		task_exit(t, SIGKILL);
	}
	regs.orig_rax = -1; /* it sits in pause(): never restart that */
	t->ht.regs = regs;
	t->ht.regs_dirty = true;
	if (t->fpstate) {
		host_set_fpregs(&t->ht, t->fpstate, t->fpstate_len);
		free(t->fpstate);
		t->fpstate = NULL;
	}
	task_pin(t);
	task_loop(t);
}

static int start_task_thread(struct task *t, void *(*fn)(void *))
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1 << 20);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int e = pthread_create(&t->thread, &attr, fn, t);
	pthread_attr_destroy(&attr);
	return e;
}

long do_fork(struct task *p, u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls)
{
	bool thread = flags & CLONE_THREAD;
	/* Memory shared (a thread, vfork, or a process with CLONE_VM): a new
	 * host thread in the same stub.  It leaves the stub for one of its own
	 * when it execs (exec_unshare), and ends its host thread cleanly when
	 * it exits while others still use the stub. */
	bool share_vm = flags & CLONE_VM;
	if (thread && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	/* As Linux's copy_process: a signal that arrived meanwhile is taken
	 * first (the fork restarts), so that kill(-pgrp) cannot miss a child
	 * being born. */
	if (signal_pending(p))
		return -ERESTARTNOINTR;
	if (nr_tasks >= pid_max - RESERVED_PIDS)
		return -EAGAIN; /* no free pid: alloc_pid would never return */
	if (nr_tasks >= max_tasks) {
		static bool logged;
		if (!logged)
			pr_warn("vmcore: fork refused: %d tasks is the maxtasks= limit\n", max_tasks);
		logged = true;
		return -EAGAIN;
	}
	struct task *t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	nr_tasks++;
	t->tid = alloc_pid();
	if (thread) {
		t->tgid = p->tgid;
		t->group_leader = p->group_leader;
		t->parent = p->parent;
	} else {
		t->tgid = t->tid;
		t->group_leader = t;
		t->parent = (flags & CLONE_PARENT) && p->parent ? p->parent : p;
	}
	t->group_leader->nr_threads++;
	memcpy(t->comm, p->comm, sizeof(t->comm));
	cred_copy(t, p);
	seccomp_fork(t, p);
	t->sigmask = p->sigmask;
	if (!thread) {
		t->altstack_sp = p->altstack_sp;
		t->altstack_size = p->altstack_size;
	}
	memcpy(t->rlimits, p->rlimits, sizeof(t->rlimits));
	t->nice = p->nice;
	t->policy = p->policy;
	t->rt_priority = p->rt_priority;
	t->cpus_allowed = p->cpus_allowed;
	t->personality = p->personality;
	t->oom_score_adj = p->group_leader->oom_score_adj;
	t->oom_score_adj_min = p->group_leader->oom_score_adj_min;
	t->pgid = p->pgid;
	t->sid = p->sid;
	t->start_time_ns = ktime_ns();
	task_init_conds(t);
	long r = -ENOMEM;
	if (flags & CLONE_SIGHAND) {
		t->sighand = p->sighand;
		t->sighand->refs++;
	} else {
		t->sighand = malloc(sizeof(*t->sighand));
		if (!t->sighand)
			goto fail;
		*t->sighand = *p->sighand;
		t->sighand->refs = 1;
	}
	if (flags & CLONE_FILES) {
		t->files = p->files;
		t->files->refs++;
	} else if (!(t->files = files_dup(p->files)))
		goto fail;
	if (flags & CLONE_FS) {
		t->fs = p->fs;
		t->fs->refs++;
	} else if (!(t->fs = fs_dup(p->fs)))
		goto fail;
	if (share_vm) {
		int htid = host_thread_clone(&p->ht);
		if (htid < 0) {
			r = -EAGAIN;
			goto fail;
		}
		t->host_tid_pending = htid;
		t->mm = p->mm;
		t->mm->users++;
	} else {
		t->mm = mm_dup(p->mm);
		if (!t->mm)
			goto fail;
		t->mm->stub_data = stub_data_alloc();
		if (t->mm->stub_data == NO_FRAME)
			goto fail;
	}
	t->ht.regs = p->ht.regs;
	t->ht.regs.rax = 0;
	if (stack)
		t->ht.regs.rsp = stack;
	if (flags & CLONE_SETTLS)
		t->ht.regs.fs_base = tls;
	t->fpstate = malloc(4096);
	if (t->fpstate) {
		t->fpstate_len = host_get_fpregs(&p->ht, t->fpstate, 4096);
		if (t->fpstate_len <= 0) {
			free(t->fpstate);
			t->fpstate = NULL;
		}
	}
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(p->mm, ptid, &t->tid, sizeof(int));
	if (flags & CLONE_CHILD_SETTID)
		copy_to_user(t->mm, ctid, &t->tid, sizeof(int));
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = ctid;
	t->exit_signal = thread ? -1 : (int)(flags & 0xff);
	bool vfork_done = false;
	t->vfork_done = (flags & CLONE_VFORK) ? &vfork_done : NULL;
	t->next_task = all_tasks;
	all_tasks = t;
	int tid = t->tid;
	if (unlikely(p->pt))
		ptrace_fork_child(p, t, flags); /* auto-attach: it stops first thing */
	if (start_task_thread(t, share_vm ? thread_main : child_main)) {
		/* nothing ran: a death by SIGKILL that the parent can reap */
		pr_err("vmcore: cannot start a task thread for %d\n", tid);
		task_release_unstarted(t);
		t->state = TASK_ZOMBIE;
		t->exit_code = SIGKILL;
		t->vfork_done = NULL;
		return -EAGAIN;
	}
	if (unlikely(gdb_active))
		gdb_fork(p, t, thread, flags & CLONE_VFORK);
	if (unlikely(p->pt))
		ptrace_fork_event(p, t, flags); /* t may be gone after this stop */
	if (flags & CLONE_VFORK) {
		/* t may be reaped (or a thread, freed) before this wakes: only
		 * the flag in this frame is ours to read */
		while (!vfork_done)
			bkl_wait(&vfork_cond);
		if (unlikely(gdb_active))
			gdb_vfork_done(p);
		if (unlikely(p->pt))
			ptrace_vfork_done(p, tid);
	}
	return tid;
fail:
	/* Everything taken above goes back: the copied descriptor table holds
	 * a reference to every open file of the parent (a pipe's write end
	 * kept by a fork that failed is a reader that never sees EOF). */
	nr_tasks--;
	t->group_leader->nr_threads--;
	if (t->mm)
		mm_put(t->mm);
	files_put(t->files);
	fs_put(t->fs);
	if (t->sighand && --t->sighand->refs == 0)
		free(t->sighand);
	cred_release(t);
	seccomp_release(t);
	free(t);
	return r;
}

SYSCALL_DEFINE(fork)
{
	return do_fork(t, SIGCHLD, 0, 0, 0, 0);
}

SYSCALL_DEFINE(vfork)
{
	return do_fork(t, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

SYSCALL_DEFINE(clone)
{
	/* x86-64 order: flags, stack, parent_tid, child_tid, tls */
	return do_fork(t, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4]);
}

struct clone_args_k {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

SYSCALL_DEFINE(clone3)
{
	struct clone_args_k ca = { 0 };
	u64 size = a->a[1];
	if (size < 64 || size > PAGE_SIZE)
		return -EINVAL;
	if (copy_from_user(t->mm, &ca, a->a[0], MIN(size, sizeof(ca))) < 0)
		return -EFAULT;
	if (ca.exit_signal > 64 || (ca.flags & 0xff))
		return -EINVAL;
	u64 stack = ca.stack ? ca.stack + ca.stack_size : 0;
	return do_fork(t, ca.flags | ca.exit_signal, stack, ca.parent_tid, ca.child_tid, ca.tls);
}
