/* Tasks and their kernel threads.
 *
 * Each guest task has a kernel thread that traces its host thread.  The
 * thread loop is the kernel's "return to user mode": flush pending host
 * mapping changes, drop the BKL, let the guest run until its next event
 * (syscall, fault, signal), take the BKL and handle the event. */
#include <vmcore/cred.h>
#include <vmcore/syscall.h>
#include <vmcore/mm.h>
#include <vmcore/signal.h>
#include <vmcore/gdb.h>
#include <vmcore/freezer.h>
#include <vmcore/trace.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

__thread struct task *current;
struct task *all_tasks;
static int next_cpu;
int nr_vcpus = 1;

struct task *task_find(int tid)
{
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (t->tid == tid)
			return t;
	return NULL;
}

void task_name_thread(struct task *t)
{
	char name[40];
	snprintf(name, sizeof(name), "task %d %s", t->tid, t->comm);
	name[15] = 0; /* the host's TASK_COMM_LEN */
	if (t == current)
		pthread_setname_np(pthread_self(), name);
	else if (t->kthread_tid && t->state == TASK_RUNNING)
		pthread_setname_np(t->thread, name); /* its thread lives: it is running */
}

void task_init_conds(struct task *t)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->sleep_cond, &ca);
	pthread_condattr_destroy(&ca);
}

void task_init_rlimits(struct task *t)
{
	for (int i = 0; i < 16; i++)
		t->rlimits[i][0] = t->rlimits[i][1] = RLIM_INFINITY;
	t->rlimits[RLIMIT_STACK][0] = 8UL << 20;
	t->rlimits[RLIMIT_CORE][0] = 0;
	t->rlimits[RLIMIT_NOFILE][0] = 1024;
	t->rlimits[RLIMIT_NOFILE][1] = 4096; /* Linux's INR_OPEN_MAX for init */
	t->rlimits[RLIMIT_NPROC][0] = t->rlimits[RLIMIT_NPROC][1] = 63432;
	t->rlimits[RLIMIT_SIGPENDING][0] = t->rlimits[RLIMIT_SIGPENDING][1] = 63432;
	t->rlimits[RLIMIT_MEMLOCK][0] = t->rlimits[RLIMIT_MEMLOCK][1] = 8UL << 20;
	t->rlimits[RLIMIT_MSGQUEUE][0] = t->rlimits[RLIMIT_MSGQUEUE][1] = 819200;
	t->rlimits[RLIMIT_NICE][0] = t->rlimits[RLIMIT_NICE][1] = 0;
	t->rlimits[RLIMIT_RTPRIO][0] = t->rlimits[RLIMIT_RTPRIO][1] = 0;
}

/* A new address space for t: mm, stub data pages, stub process. */
int task_new_mm(struct task *t)
{
	struct mm *mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	u64 f = stub_data_alloc();
	if (f == NO_FRAME) {
		free(mm);
		return -ENOMEM;
	}
	mm->stub_data = f;
	int r = host_as_create(&mm->as, &t->ht, f << PAGE_SHIFT, frame_ptr(f));
	if (r < 0) {
		mm_put(mm);
		return r;
	}
	t->mm = mm;
	return 0;
}

void task_pin(struct task *t)
{
	static int cpus[1024];
	static int ncpus;
	if (!ncpus) {
		cpu_set_t set;
		sched_getaffinity(0, sizeof(set), &set);
		for (int i = 0; i < CPU_SETSIZE && ncpus < 1024; i++)
			if (CPU_ISSET(i, &set))
				cpus[ncpus++] = i;
		if (!ncpus)
			cpus[ncpus++] = 0;
	}
	int v = next_cpu++ % nr_vcpus;
	t->cpu = v;
	host_pin(&t->ht, cpus[v % ncpus]);
}

static const char *signame(int sig)
{
	static char buf[16];
	const char *s = sigabbrev_np(sig);
	if (!s)
		return "?";
	snprintf(buf, sizeof(buf), "SIG%s", s);
	return buf;
}

/* Write back what shared file mappings hold, for every address space
 * (before a halt: the host file must have it all). */
void sync_all_mms(void)
{
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (t->mm)
			for (struct vma *v = t->mm->vmas.next; v != &t->mm->vmas; v = v->next)
				if (v->file && (v->flags & VM_SHARED) && (v->prot & PROT_WRITE))
					pagecache_writeback(v->file->inode);
}

_Noreturn void task_exit(struct task *t, int status)
{
	struct task *leader = t->group_leader;
	if (leader->group_exit)
		status = leader->group_exit_code;
	if (t->tgid == 1 && (leader->nr_threads <= 1 || leader->group_exit)) {
		if (unlikely(trace_on))
			trace_task_exit(t, status);
		/* shared file mappings write their pages back on the way down */
		sync_all_mms();
		if (WIFSIGNALED(status)) {
			printk(KERN_CRIT, "vmcore: init killed by signal %d (%s)\n", WTERMSIG(status),
			       signame(WTERMSIG(status)));
			machine_halt(128 + WTERMSIG(status), false);
		}
		printk(KERN_CRIT, "vmcore: init exited with status %d\n", WEXITSTATUS(status));
		machine_halt(WEXITSTATUS(status), false);
	}
	exit_notify_and_die(t, status);
}

bool stub_selftest_escape;

static void handle_event(struct task *t, struct host_event *ev)
{
	switch (ev->kind) {
	case HEV_SYSCALL:
		t->fault_retry = 0;
		syscall_dispatch(t);
		break;
	case HEV_SYSCALL32:
		t->fault_retry = 0;
		syscall_refuse32(t);
		break;
	case HEV_VSYSCALL:
		/* the legacy vsyscall page: the guest's own gettimeofday, time
		 * or getcpu, answered here; the host emulates the return */
		syscall_dispatch(t);
		break;
	case HEV_FAULT: {
		int r = mm_fault(t->mm, ev->addr);
		if (r == 0) {
			t->fault_retry = 0;
			t->oom_retry = 0;
			break;
		}
		/* no frame: page cache mapped by running processes may be
		 * dropped for us; wait for it and fault again, a few times */
		if (r == -SIGKILL && t->oom_retry < 3 && reclaim_wait_running(t)) {
			t->oom_retry++;
			break;
		}
		/* still none: the OOM killer takes the biggest process (a few
		 * times at most for one fault; then this one goes) */
		if (r == -SIGKILL && t->oom_retry < 3 + 8 && oom_kill_other(t)) {
			t->oom_retry = MAX(t->oom_retry, 3) + 1;
			break;
		}
		t->oom_retry = 0;
		/* SEGV_ACCERR is inferred from our page table ("the host maps it
		 * with every right the VMA gives").  With threads, the fault may
		 * predate another thread's mapping of that page, queued or just
		 * flushed: run the queue and retry the access once.  A real
		 * violation faults again at the same place. */
		if (r == SEGV_ACCERR && t->fault_retry != ev->addr + 1) {
			t->fault_retry = ev->addr + 1;
			if (t->mm->as.ops_n)
				host_flush(&t->ht);
			break;
		}
		t->fault_retry = 0;
		if (r == -SIGKILL) {
			oom_report(t);
			do_group_exit(t, SIGKILL);
		}
		if (r == -SIGBUS)
			force_sig_info(t, SIGBUS, BUS_ADRERR, ev->addr);
		else
			force_sig_info(t, SIGSEGV, r, ev->addr);
		break;
	}
	case HEV_SIGNAL:
		if (unlikely(gdb_active) && ev->sig == SIGTRAP && gdb_trap(t, ev))
			break; /* the debugger's breakpoint or step */
		if (ev->sig == HOST_KICK_SIG || ev->sig == SIGSTOP || ev->sig == SIGCONT ||
		    ev->sig == SIGWINCH || ev->sig == SIGCHLD)
			break; /* our kick, or sent from outside the guest: nothing to do */
		force_sig_info(t, ev->sig, ev->si_code, ev->addr);
		break;
	case HEV_EXITED:
		if (WIFSIGNALED(ev->status) && WTERMSIG(ev->status) == SIGSYS && !t->group_leader->group_exit)
			printk(KERN_EMERG, "Oops: stub of task %d (%s, tgid %d) killed by its seccomp "
			       "filter (another thread's host call); killing the process\n",
			       t->tid, t->comm, t->tgid);
		else if (!t->group_leader->group_exit)
			pr_err("vmcore: host thread of task %d vanished (status %#x)\n", t->tid, ev->status);
		t->ht.tid = 0;
		do_group_exit(t, SIGKILL);
	}
}

void task_loop(struct task *t)
{
	struct host_event ev;
	t->kthread_tid = gettid();
	task_name_thread(t);
	do_signal(t); /* a new task may have been sent a signal already */
	for (;;) {
		if (unlikely(system_freezing))
			refrigerator(t); /* the control console's stop */
		if (unlikely(gdb_active))
			gdb_before_run(t);
		if (unlikely(stub_selftest_escape) && t->tgid != 1 && t->mm->as.ops_n)
			host_queue_forbidden(&t->mm->as);
		if (unlikely(t->mm && t->mm->reclaim_req))
			reclaim_self(t); /* another task waits for frames */
		int r = host_flush(&t->ht);
		if (r == HOST_ESECCOMP) {
			/* wall one failed somewhere and wall two held: say so
			 * loudly, end the process, keep the kernel running */
			printk(KERN_EMERG, "Oops: stub of task %d (%s, tgid %d) killed by its seccomp "
			       "filter: a host system call outside the stub's own; killing the process\n",
			       t->tid, t->comm, t->tgid);
			t->ht.tid = 0;
			do_group_exit(t, SIGKILL);
		}
		if (r < 0) {
			pr_err("vmcore: cannot update the host mappings of task %d: %s\n", t->tid,
			       strerror(-r));
			do_group_exit(t, SIGKILL);
		}
		t->in_user = true;
		bkl_unlock();
		host_run(&t->ht, &ev);
		bkl_lock();
		t->in_user = false;
		handle_event(t, &ev);
		if (likely(ev.kind != HEV_VSYSCALL))
			do_signal(t);
		else if (signal_pending(t))
			host_kick(&t->ht); /* no frame at this stop: the kick's
					    * stop, right after the return, takes it */
	}
}

struct init_args {
	struct task *t;
	const char *path;
	char *const *argv, *const *envp;
};

static void *init_thread(void *arg)
{
	struct init_args *ia = arg;
	struct task *t = ia->t;

	current = t;
	bkl_lock();
	int r = task_new_mm(t);
	if (r < 0) {
		pr_err("vmcore: cannot create init's address space: %s\n", strerror(-r));
		machine_halt(1, false);
	}
	task_pin(t);
	r = kernel_execve(t, ia->path, ia->argv, ia->envp);
	if (r < 0) {
		printk(KERN_EMERG, "Kernel panic - not syncing: Requested init %s failed (error %d: %s).\n",
		       ia->path, r, strerrorname_np(-r) ? strerrorname_np(-r) : "?");
		machine_halt(1, false);
	}
	if (gdb_wait_at_start)
		gdb_attach_init(t); /* stopped before its first instruction */
	task_loop(t);
	return NULL;
}

/* A task that starts from nothing, as init does: its own address space to
 * come, the root and the console as its files. */
static struct task *task_alloc_fresh(int pid)
{
	struct task *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->tid = t->tgid = t->pgid = pid;
	t->sid = 1;
	t->group_leader = t;
	t->nr_threads = 1;
	t->exit_signal = SIGCHLD;
	cred_init_root(t);
	t->sighand = kzalloc(sizeof(*t->sighand));
	t->sighand->refs = 1;
	t->fs = kzalloc(sizeof(*t->fs));
	t->fs->refs = 1;
	t->fs->root = dget(vfs_root());
	t->fs->cwd = dget(vfs_root());
	t->fs->umask = 022;
	t->files = kzalloc(sizeof(*t->files));
	t->files->refs = 1;
	task_init_rlimits(t);
	task_init_conds(t);
	t->start_time_ns = ktime_ns();
	t->next_task = all_tasks;
	all_tasks = t;
	/* fds 0, 1, 2: the console, as Linux's init gets them */
	/* fds 0-2 are /dev/console of the root file system when it has one,
	 * so that fstat and ttyname see that node, as on Linux */
	struct file *con = NULL;
	if (vfs_open(t->fs, NULL, "/dev/console", O_RDWR | O_NOCTTY, 0, &con) < 0 ||
	    con->ops != &console_fops) {
		if (con)
			fput(con);
		con = console_open();
	}
	if (con) {
		fd_install(t, con, false, 0);
		fd_install(t, fget(con), false, 0);
		fd_install(t, fget(con), false, 0);
	}
	return t;
}

int task_start_init(const char *path, char *const argv[], char *const envp[])
{
	static struct init_args ia;
	struct task *t = task_alloc_fresh(1);
	if (!t)
		return -ENOMEM;
	ia = (struct init_args){ t, path, argv, envp };
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1 << 20);
	int r = pthread_create(&t->thread, &attr, init_thread, &ia);
	pthread_attr_destroy(&attr);
	return -r;
}

struct spawn_args {
	struct task *t;
	char *const *argv, *const *envp;
	bool debug, done;
	int result;
};
static pthread_cond_t spawn_cond = PTHREAD_COND_INITIALIZER;

static void *spawn_thread(void *arg)
{
	struct spawn_args *sa = arg;
	struct task *t = sa->t;
	current = t;
	bkl_lock();
	int r = task_new_mm(t);
	if (r == 0) {
		task_pin(t);
		r = kernel_execve(t, sa->argv[0], sa->argv, sa->envp);
	}
	if (r == 0 && sa->debug)
		gdb_attach_init(t);
	sa->result = r;
	sa->done = true;
	pthread_cond_broadcast(&spawn_cond);
	if (r < 0)
		task_exit(t, 127 << 8); /* as a shell says of a program it cannot run */
	task_loop(t);
}

int task_spawn(char *const argv[], char *const envp[], bool debug)
{
	struct task *init = task_find(1);
	if (!init || !argv || !argv[0])
		return -EINVAL;
	if (nr_tasks >= max_tasks)
		return -EAGAIN;
	struct task *t = task_alloc_fresh(alloc_pid());
	if (!t)
		return -ENOMEM;
	nr_tasks++;
	t->parent = init;
	struct spawn_args sa = { t, argv, envp, debug, false, 0 };
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1 << 20);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int e = pthread_create(&t->thread, &attr, spawn_thread, &sa);
	pthread_attr_destroy(&attr);
	if (e) {
		/* nothing ran: a zombie for init to reap */
		t->state = TASK_ZOMBIE;
		t->exit_code = SIGKILL;
		return -EAGAIN;
	}
	while (!sa.done)
		bkl_wait(&spawn_cond);
	return sa.result < 0 ? sa.result : t->tid;
}
