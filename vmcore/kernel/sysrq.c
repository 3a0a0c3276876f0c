/* Magic SysRq (Linux's drivers/tty/sysrq.c), for the control console's
 * "sysrq KEY": each key's report goes into the kernel log, line by line at
 * KERN_INFO as Linux prints it, and into the caller's buffer, which the
 * console sends back.
 *
 * t, w and m only read.  Linux's show_state walks the tasks under RCU, not
 * a lock; here the walk wants the BKL, and when the caller could not get
 * it (a task holds it and does not let go: the kernel is stuck) the same
 * walk runs without it, marked "lockless" in the report: a racy read of
 * lists that the stuck holder is not changing, which is the point of
 * asking.  The other keys act and need the BKL. */
#include <vmcore/sysrq.h>
#include <vmcore/task.h>
#include <vmcore/mm.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <vmcore/freezer.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void emit(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct buf *out, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	printk(KERN_INFO, "%s", line);
	bmem(out, line, n);
}

static bool live(const struct task *t)
{
	return t->state == TASK_RUNNING && !t->exiting && t->ht.tid;
}

/* In the kernel and not in an interruptible sleep (Linux's D): a vfork
 * parent, an exec waiting for the other threads, a tracer's request; read
 * without the BKL, its holder too.  A task that waits to take the BKL
 * back after a guest event still counts as in_user. */
static bool blocked(const struct task *t)
{
	return live(t) && !t->in_user && !t->waiting_on && !t->stopped && !t->frozen;
}

/* Where its task thread is: the system call it is in (sys_NAME), the
 * freezer, a job-control stop; "-" when it runs guest code.  vmcore keeps
 * no finer wait channel than the call. */
static void wait_channel(const struct task *t, char *buf, size_t len)
{
	u64 nr = t->ht.regs.orig_rax;
	if (t->state != TASK_RUNNING || t->in_user || !t->ht.tid)
		snprintf(buf, len, "-");
	else if (t->frozen)
		snprintf(buf, len, "refrigerator");
	else if (t->stopped)
		snprintf(buf, len, "do_stop");
	else if (t->ht.in_syscall && nr < NR_SYSCALLS && syscall_table[nr].name)
		snprintf(buf, len, "sys_%s", syscall_table[nr].name);
	else
		snprintf(buf, len, "kernel");
}

static void show_task(struct buf *out, const struct task *t)
{
	char wchan[48];
	wait_channel(t, wchan, sizeof(wchan));
	emit(out, "task:%-15.15s state:%c pid:%-5d tgid:%-5d ppid:%-6d cpu:%-2d wchan:%s\n", t->comm,
	     task_state_char(t), t->tid, t->tgid, t->parent ? t->parent->tgid : 0, t->cpu, wchan);
	const struct user_regs_struct *r = &t->ht.regs;
	if (strncmp(wchan, "sys_", 4))
		return; /* not in a system call */
	const struct syscall_desc *d = &syscall_table[r->orig_rax];
	const unsigned long long a[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
	char args[160];
	int n = 0;
	for (int i = 0; i < d->nargs && i < 6; i++)
		n += snprintf(args + n, sizeof(args) - n, "%s%#llx", i ? ", " : "", a[i]);
	args[n] = 0;
	emit(out, " syscall: %s(%s) ip:%#llx sp:%#llx\n", d->name ? d->name : "?", args, r->rip, r->rsp);
}

static void show_state(struct buf *out, bool only_blocked, bool locked)
{
	emit(out, "sysrq: %s\n", only_blocked ? "Show Blocked State" : "Show State");
	if (!locked)
		emit(out, "sysrq: lockless: the kernel lock is held and was not let go; "
			  "this read of the task list races with its holder\n");
	int n = 0;
	for (struct task *t = all_tasks; t; t = t->next_task) {
		if (only_blocked ? blocked(t) : t->state != TASK_DEAD) {
			show_task(out, t);
			n++;
		}
	}
	if (system_freezing)
		emit(out, "sysrq: the freezer holds the guest (stop)\n");
	if (!only_blocked)
		emit(out, "sysrq: %d tasks\n", n);
}

static void show_mem(struct buf *out, bool locked)
{
	emit(out, "sysrq: Show Memory\n");
	if (!locked)
		emit(out, "sysrq: lockless: the kernel lock is held; the counters are read racily\n");
	u64 nfree = frames_free();
	emit(out, "Mem-Info:\n");
	emit(out, "%llu pages RAM (%llu kB), %llu free, %llu in use\n", (unsigned long long)physmem_frames,
	     (unsigned long long)physmem_frames * 4, (unsigned long long)nfree,
	     (unsigned long long)(physmem_frames - nfree));
	emit(out, "Committed_AS: %llu kB, CommitLimit: %llu kB (vm.overcommit_memory=%d)\n",
	     (unsigned long long)vm_committed() * 4, (unsigned long long)vm_commit_limit() * 4,
	     overcommit_mode);
	emit(out, "tasks: %d of at most %d\n", nr_tasks, max_tasks);
}

/* e, i: a signal to every process but init (Linux's send_sig_all) */
static void signal_all(struct buf *out, int sig)
{
	emit(out, "sysrq: %s All Tasks\n", sig == SIGKILL ? "Kill" : "Terminate");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_KERNEL;
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (t->tgid != 1 && t == t->group_leader && live(t))
			send_signal_process(t, sig, &si);
}

static const char help[] = "sysrq: HELP : reboot(b) crash(c) terminate-all-tasks(e) "
			   "kill-all-tasks(i) show-memory-usage(m) poweroff(o) sync(s) "
			   "show-task-states(t) show-blocked-tasks(w)\n";

const char *sysrq_help(void)
{
	return help;
}

bool sysrq_needs_lock(int key)
{
	return !strchr("tmwhbc", key);
}

int handle_sysrq(int key, struct buf *out, bool locked)
{
	switch (key) {
	case 't':
		show_state(out, false, locked);
		return 0;
	case 'w':
		show_state(out, true, locked);
		return 0;
	case 'm':
		show_mem(out, locked);
		return 0;
	case 'h':
		emit(out, "%s", help);
		return 0;
	case 's':
		emit(out, "sysrq: Emergency Sync\n");
		sync_all_mms();
		emit(out, "Emergency Sync complete\n");
		return 0;
	case 'e':
		signal_all(out, SIGTERM);
		return 0;
	case 'i':
		signal_all(out, SIGKILL);
		return 0;
	case 'b':
		/* emergency_restart: no sync */
		emit(out, "sysrq: Resetting\n");
		machine_halt(0, true);
	case 'o':
		emit(out, "sysrq: Power Off\n");
		kernel_halt(true);
	case 'c':
		emit(out, "sysrq: Trigger a crash\n");
		panic("sysrq triggered crash");
	default:
		return -EINVAL;
	}
}
