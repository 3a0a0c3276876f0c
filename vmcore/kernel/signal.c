/* Signals.
 *
 * A signal is queued on its task (a bit in t->pending and a siginfo in
 * t->sigq) and acted on when the task is about to return to user mode:
 * default actions (terminate, stop, continue, ignore) are taken by the
 * kernel; a handler gets an x86-64 rt_sigframe on the user stack (or the
 * alternate stack) with the registers, the signal mask and the full xsave
 * state, and rt_sigreturn puts them back.
 *
 * A task asleep in the kernel is woken through the condition it waits on
 * (t->waiting_on); a task running guest code is kicked out of it with a
 * host signal to its stub thread, which its tracer swallows.  A system call
 * interrupted by a signal returns one of the -ERESTART* codes, turned here
 * into -EINTR or into a restart of the call, as Linux does. */
#include <vmcore/ktime.h>
#include <vmcore/cred.h>
#include <vmcore/signal.h>
#include <vmcore/gdb.h>
#include <vmcore/ptrace.h>
#include <vmcore/syscall.h>
#include <vmcore/trace.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define FIX_EFLAGS 0x50dd5UL /* AC OF DF TF SF ZF AF PF CF RF */

struct k_sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;
	u64 reserved1[8];
};

struct k_stack {
	u64 ss_sp;
	s32 ss_flags;
	s32 pad;
	u64 ss_size;
};

struct k_ucontext {
	u64 uc_flags;
	u64 uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext uc_mcontext;
	u64 uc_sigmask;
};

struct rt_sigframe {
	u64 pretcode;
	struct k_ucontext uc;
	siginfo_t info;
};

_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext layout");
_Static_assert(sizeof(struct rt_sigframe) == 440, "rt_sigframe layout");

enum action { ACT_TERM, ACT_CORE, ACT_STOP, ACT_CONT, ACT_IGN };

static enum action default_action(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
	case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return ACT_CORE;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return ACT_STOP;
	case SIGCONT:
		return ACT_CONT;
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return ACT_IGN;
	default:
		return ACT_TERM;
	}
}

#define STOP_SIGS (sigmask_of(SIGSTOP) | sigmask_of(SIGTSTP) | sigmask_of(SIGTTIN) | sigmask_of(SIGTTOU))

bool signal_pending(struct task *t)
{
	return (t->pending & ~(t->sigmask & ~SIG_UNBLOCKABLE)) != 0 || (unlikely(gdb_active) && gdb_stop_wanted(t)) ||
	       unlikely(ptrace_interrupt_pending(t));
}

static void dequeue_all(struct task *t, u64 mask)
{
	for (struct sigqueue **pp = &t->sigq; *pp;) {
		if (mask & sigmask_of((*pp)->info.si_signo)) {
			struct sigqueue *q = *pp;
			*pp = q->next;
			free(q);
		} else {
			pp = &(*pp)->next;
		}
	}
	t->pending &= ~mask;
}

static void signal_wake(struct task *t, int sig)
{
	if (t == current && !t->in_user)
		return;
	if (t->waiting_on)
		pthread_cond_broadcast(t->waiting_on);
	else if (t->stopped)
		pthread_cond_broadcast(&t->sleep_cond);
	else if (t->in_user)
		host_kick(&t->ht);
}

static bool sig_ignored(struct task *t, int sig)
{
	/* blocked, or waited for by rt_sigtimedwait (which lifts the mask):
	 * kept, as Linux's sig_ignored */
	if ((t->sigmask | t->real_blocked) & sigmask_of(sig))
		return false;
	if (t->pt && sig != SIGKILL)
		return false; /* a tracer sees even ignored signals */
	u64 h = t->sighand->action[sig - 1].handler;
	if (h == (u64)SIG_IGN)
		return sig != SIGKILL && sig != SIGSTOP;
	return h == (u64)SIG_DFL && default_action(sig) == ACT_IGN;
}

static int __send_signal(struct task *t, int sig, const siginfo_t *info, bool force, bool shared);

int send_signal(struct task *t, int sig, const siginfo_t *info)
{
	return __send_signal(t, sig, info, false, false);
}

int send_signal_process(struct task *t, int sig, const siginfo_t *info)
{
	return __send_signal(t, sig, info, false, true);
}

int send_signal_force(struct task *t, int sig, const siginfo_t *info)
{
	return __send_signal(t, sig, info, true, false);
}

/* Linux's SIGNAL_UNKILLABLE: init takes only the signals it has a handler
 * for; SIG_DFL ones, SIGKILL and SIGSTOP included, are dropped unless the
 * kernel itself forces them (a fault, a group exit, the debugger). */
static bool init_protected(struct task *t, int sig, bool force)
{
	/* a blocked signal is kept: init may take it with sigtimedwait (busybox
	 * init does) or set a handler before it unblocks it; delivery drops it
	 * if the action is still the default */
	return !force && t->tgid == 1 && !((t->sigmask | t->real_blocked) & sigmask_of(sig)) && t->sighand &&
	       t->sighand->action[sig - 1].handler == (u64)SIG_DFL;
}

static int __send_signal(struct task *t, int sig, const siginfo_t *info, bool force, bool shared)
{
	if (sig < 1 || sig > _NSIG_LINUX)
		return -EINVAL;
	if (t->state != TASK_RUNNING || t->exiting)
		return 0;
	if (sig == SIGCONT || sig == SIGKILL) {
		dequeue_all(t, STOP_SIGS);
		if (t->stopped) {
			t->stopped = false;
			t->cont_reported = false;
			pthread_cond_broadcast(&t->sleep_cond);
			if (sig == SIGCONT)
				report_to_parent(t, CLD_CONTINUED, SIGCONT);
		} else if (unlikely(t->pt) && sig == SIGCONT && ptrace_sigcont(t)) {
			/* a tracee's group-stop ends, its parent's wait sees it
			 * at once; the tracer still holds it, and its SIGCHLD
			 * waits until it runs (ptrace_pending_stops) */
			t->cont_reported = false;
		}
	} else if (STOP_SIGS & sigmask_of(sig)) {
		dequeue_all(t, sigmask_of(SIGCONT));
	}
	if (sig_ignored(t, sig) || init_protected(t, sig, force))
		return 0;
	if (sig < SIGRTMIN && (t->pending & sigmask_of(sig)))
		return 0; /* standard signals do not queue twice */
	struct sigqueue *q = kzalloc(sizeof(*q));
	if (!q)
		return -EAGAIN;
	if (info) {
		q->info = *info;
	} else {
		q->info.si_signo = sig;
		q->info.si_code = SI_KERNEL;
	}
	q->info.si_signo = sig;
	q->shared = shared;
	struct sigqueue **pp = &t->sigq;
	while (*pp)
		pp = &(*pp)->next;
	*pp = q;
	t->pending |= sigmask_of(sig);
	signal_wake(t, sig);
	signalfd_notify(t, sig); /* a signalfd of t's mask becomes readable */
	return 0;
}

static const char *signame(int sig)
{
	static char buf[16];
	const char *s = sigabbrev_np(sig);
	snprintf(buf, sizeof(buf), "SIG%s", s ? s : "?");
	return buf;
}

static void show_unhandled(struct task *t, int sig, int code, u64 addr)
{
	struct user_regs_struct *r = &t->ht.regs;
	char where[160] = "";
	struct vma *v = t->mm ? find_vma(t->mm, r->rip) : NULL;
	if (v && v->start <= r->rip && v->file && v->file->dentry)
		snprintf(where, sizeof(where), " in %s[%llx+%llx]", v->file->dentry->name,
			 (unsigned long long)v->start, (unsigned long long)(v->end - v->start));
	/* Linux's show_signal_msg: KERN_EMERG for init, KERN_INFO otherwise */
	int lvl = t->tgid == 1 ? KERN_EMERG : KERN_INFO;
	if (sig == SIGSEGV)
		printk(lvl, "%s[%d]: segfault at %llx ip %016llx sp %016llx (%s)%s\n", t->comm, t->tid,
		       (unsigned long long)addr, (unsigned long long)r->rip, (unsigned long long)r->rsp,
		       code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "SIGSEGV",
		       where);
	else
		printk(lvl, "%s[%d]: %s at ip %016llx sp %016llx addr %llx code %d%s\n", t->comm, t->tid,
		       signame(sig), (unsigned long long)r->rip, (unsigned long long)r->rsp,
		       (unsigned long long)addr, code, where);
}

void force_sig_info(struct task *t, int sig, int code, u64 addr)
{
	u64 h = t->sighand->action[sig - 1].handler;
	bool blocked = t->sigmask & sigmask_of(sig);
	if (t->pt && (h == (u64)SIG_DFL || h == (u64)SIG_IGN || blocked)) {
		/* traced: its tracer sees it first (Linux's force_sig_info:
		 * unblocked, the default action back) */
		t->sigmask &= ~sigmask_of(sig);
		if (h == (u64)SIG_IGN)
			t->sighand->action[sig - 1].handler = (u64)SIG_DFL;
	} else if (h == (u64)SIG_DFL || h == (u64)SIG_IGN || blocked) {
		/* Linux's force_sig: an ignored or blocked fault kills */
		show_unhandled(t, sig, code, addr);
		do_group_exit(t, sig);
	}
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_addr = (void *)addr;
	send_signal_force(t, sig, &si);
}

_Noreturn void force_sig_fault(struct task *t, int sig, int code, u64 addr)
{
	show_unhandled(t, sig, code, addr);
	do_group_exit(t, sig);
}

static size_t xstate_size(struct task *t)
{
	static size_t size;
	if (!size) {
		u8 buf[16384];
		int n = host_get_fpregs(&t->ht, buf, sizeof(buf));
		size = n > 0 ? (size_t)n : 512;
	}
	return size;
}

static int setup_frame(struct task *t, int sig, struct k_sigaction *ka, siginfo_t *info, u64 oldmask)
{
	struct user_regs_struct *r = &t->ht.regs;
	struct mm *mm = t->mm;
	u64 sp = r->rsp;
	bool on_alt = t->altstack_size && sp - t->altstack_sp <= t->altstack_size;
	if ((ka->flags & SA_ONSTACK) && t->altstack_size && !on_alt && !(t->altstack_flags & SS_DISABLE))
		sp = t->altstack_sp + t->altstack_size;
	else
		sp -= 128; /* the red zone */
	size_t xs = xstate_size(t);
	u8 *fp = calloc(1, xs + 4);
	if (!fp)
		return -ENOMEM;
	int n = host_get_fpregs(&t->ht, fp, xs);
	if (n <= 0) {
		free(fp);
		return -EFAULT;
	}
	/* the software-reserved bytes of the fxsave area describe the xstate */
	u32 sw[4] = { FP_XSTATE_MAGIC1, (u32)xs + 4, 0, (u32)xs };
	u64 xfeatures;
	memcpy(&xfeatures, fp + 512, 8);
	memcpy(sw + 2, &xfeatures, 4);
	memcpy(fp + 464, sw, sizeof(sw));
	memcpy(fp + 464 + 8, &xfeatures, 8);
	memcpy(fp + 464 + 16, &sw[3], 4);
	u32 magic2 = FP_XSTATE_MAGIC2;
	memcpy(fp + xs, &magic2, 4);
	sp = (sp - xs - 4) & ~63UL;
	u64 fp_addr = sp;
	sp -= sizeof(struct rt_sigframe);
	sp = (sp & ~15UL) - 8;
	struct rt_sigframe f;
	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	f.uc.uc_stack.ss_sp = t->altstack_sp;
	f.uc.uc_stack.ss_size = t->altstack_size;
	f.uc.uc_stack.ss_flags = t->altstack_size ? (on_alt ? SS_ONSTACK : 0) : SS_DISABLE;
	struct k_sigcontext *sc = &f.uc.uc_mcontext;
	sc->r8 = r->r8; sc->r9 = r->r9; sc->r10 = r->r10; sc->r11 = r->r11;
	sc->r12 = r->r12; sc->r13 = r->r13; sc->r14 = r->r14; sc->r15 = r->r15;
	sc->rdi = r->rdi; sc->rsi = r->rsi; sc->rbp = r->rbp; sc->rbx = r->rbx;
	sc->rdx = r->rdx; sc->rax = r->rax; sc->rcx = r->rcx; sc->rsp = r->rsp;
	sc->rip = r->rip; sc->eflags = r->eflags;
	sc->cs = r->cs; sc->ss = r->ss;
	sc->oldmask = oldmask;
	if (sig == SIGSEGV || sig == SIGBUS) {
		sc->cr2 = (u64)info->si_addr;
		sc->trapno = 14;
		sc->err = 4;
	}
	sc->fpstate = fp_addr;
	f.uc.uc_sigmask = oldmask;
	f.info = *info;
	int err = copy_to_user(mm, fp_addr, fp, xs + 4);
	free(fp);
	if (err || copy_to_user(mm, sp, &f, sizeof(f)))
		return -EFAULT;
	r->rdi = sig;
	r->rsi = sp + offsetof(struct rt_sigframe, info);
	r->rdx = sp + offsetof(struct rt_sigframe, uc);
	r->rax = 0;
	r->rip = ka->handler;
	r->rsp = sp;
	r->eflags &= ~(0x400UL | 0x100UL | 0x10000UL); /* DF TF RF */
	r->orig_rax = -1;
	t->ht.regs_dirty = true;
	host_reset_fpu(&t->ht);
	return 0;
}

SYSCALL_DEFINE(rt_sigreturn)
{
	struct user_regs_struct *r = &t->ht.regs;
	struct rt_sigframe f;
	u64 frame = r->rsp - 8;
	if (copy_from_user(t->mm, &f, frame, sizeof(f)) < 0) {
		show_unhandled(t, SIGSEGV, SI_KERNEL, frame);
		do_group_exit(t, SIGSEGV);
	}
	struct k_sigcontext *sc = &f.uc.uc_mcontext;
	r->r8 = sc->r8; r->r9 = sc->r9; r->r10 = sc->r10; r->r11 = sc->r11;
	r->r12 = sc->r12; r->r13 = sc->r13; r->r14 = sc->r14; r->r15 = sc->r15;
	r->rdi = sc->rdi; r->rsi = sc->rsi; r->rbp = sc->rbp; r->rbx = sc->rbx;
	r->rdx = sc->rdx; r->rax = sc->rax; r->rcx = sc->rcx; r->rsp = sc->rsp;
	r->rip = sc->rip;
	r->eflags = (r->eflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	r->orig_rax = -1;
	t->ht.regs_dirty = true;
	t->sigmask = f.uc.uc_sigmask & ~SIG_UNBLOCKABLE;
	if (!(f.uc.uc_stack.ss_flags & SS_DISABLE) && f.uc.uc_stack.ss_size) {
		t->altstack_sp = f.uc.uc_stack.ss_sp;
		t->altstack_size = f.uc.uc_stack.ss_size;
	}
	if (sc->fpstate) {
		size_t xs = xstate_size(t);
		u8 *fp = malloc(xs);
		if (!fp || copy_from_user(t->mm, fp, sc->fpstate, xs) < 0 ||
		    host_set_fpregs(&t->ht, fp, xs) < 0) {
			free(fp);
			show_unhandled(t, SIGSEGV, SI_KERNEL, sc->fpstate);
			do_group_exit(t, SIGSEGV);
		}
		free(fp);
	} else {
		host_reset_fpu(&t->ht);
	}
	t->syscall_event = false; /* nothing to restart */
	return r->rax;
}

/* Stop for job control until SIGCONT or SIGKILL. */
static void do_stop(struct task *t, int sig)
{
	if (t->mm && t->mm->as.ops_n)
		host_flush(&t->ht); /* nothing queued may wait while we are stopped */
	t->stop_sig = sig;
	t->stop_reported = false;
	if (t->pt) {
		/* traced: a ptrace group-stop, which the tracer ends; the real
		 * parent hears of the stop too, and its wait sees it */
		if (!t->ptracer || !t->parent || t->parent->tgid != t->ptracer->tgid)
			report_to_parent(t, CLD_STOPPED, sig);
		ptrace_group_stop(t, sig);
		if (!t->stopped)
			return;
		/* the tracer let go of it in the group-stop: it stays stopped */
	} else {
		t->stopped = true;
		report_to_parent(t, CLD_STOPPED, sig);
	}
	while (t->stopped && !(t->pending & sigmask_of(SIGKILL))) {
		if (unlikely(gdb_active))
			gdb_park_if_wanted(t);
		if (t->stopped && !(t->pending & sigmask_of(SIGKILL)))
			bkl_wait(&t->sleep_cond);
	}
}

static int dequeue(struct task *t, siginfo_t *info)
{
	u64 ready = t->pending & ~(t->sigmask & ~SIG_UNBLOCKABLE);
	if (!ready)
		return 0;
	int sig = (ready & sigmask_of(SIGKILL)) ? SIGKILL : __builtin_ctzll(ready) + 1;
	bool more = false;
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	for (struct sigqueue **pp = &t->sigq; *pp; pp = &(*pp)->next)
		if ((*pp)->info.si_signo == sig) {
			struct sigqueue *q = *pp;
			*info = q->info;
			*pp = q->next;
			free(q);
			for (struct sigqueue *r = *pp; r; r = r->next)
				if (r->info.si_signo == sig)
					more = true;
			break;
		}
	if (!more)
		t->pending &= ~sigmask_of(sig);
	return sig;
}

int dequeue_signal_set(struct task *t, u64 set, siginfo_t *info)
{
	u64 saved = t->sigmask;
	t->sigmask = ~set;
	int sig = dequeue(t, info);
	t->sigmask = saved;
	return sig;
}

static void restart_syscall_regs(struct task *t)
{
	struct user_regs_struct *r = &t->ht.regs;
	/* -ERESTART_RESTARTBLOCK goes on through restart_syscall(2) with what
	 * the call left in t->restart (a sleep's deadline) */
	r->rax = (long)r->rax == -ERESTART_RESTARTBLOCK ? 219 /* __NR_restart_syscall */ : r->orig_rax;
	r->rip -= 2;
	t->ht.regs_dirty = true;
}

void do_signal(struct task *t)
{
	struct user_regs_struct *r = &t->ht.regs;
	bool in_syscall = t->syscall_event;
	t->syscall_event = false;
	siginfo_t info;
	int sig;

	if (unlikely(t->pt))
		ptrace_pending_stops(t); /* PTRACE_INTERRUPT, a seized child's first stop */
	while ((sig = dequeue(t, &info))) {
		if (unlikely(gdb_active) && t->gdb && !(sig = gdb_signal(t, sig, &info)))
			continue; /* the debugger took it away */
		if (unlikely(t->pt) && sig != SIGKILL && !(sig = ptrace_signal(t, sig, &info)))
			continue; /* the tracer took it away */
		struct k_sigaction *ka = &t->sighand->action[sig - 1];
		if (unlikely(trace_on) && sig != SIGKILL)
			trace_signal(t, &info);
		if (ka->handler == (u64)SIG_IGN && sig != SIGKILL)
			continue;
		if (sig == SIGKILL && t->exec_kill)
			task_exit(t, SIGKILL); /* another thread execs: leave alone */
		if (ka->handler == (u64)SIG_DFL && t->tgid == 1 && sig != SIGKILL && sig != SIGSTOP)
			continue; /* init gets no default action but the kernel's */
		if (ka->handler == (u64)SIG_DFL || sig == SIGKILL) {
			switch (default_action(sig)) {
			case ACT_IGN:
			case ACT_CONT:
				continue;
			case ACT_STOP:
				/* nobody could continue an orphaned group */
				if (sig == SIGSTOP || !pgrp_will_be_orphaned(t->group_leader->pgid, NULL))
					do_stop(t, sig);
				continue;
			case ACT_CORE:
			case ACT_TERM:
				do_group_exit(t, sig);
			}
		}
		if (in_syscall) {
			long ret = (long)r->rax;
			if (ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK ||
			    (ret == -ERESTARTSYS && !(ka->flags & SA_RESTART))) {
				r->rax = -EINTR;
				t->ht.regs_dirty = true;
			} else if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR) {
				restart_syscall_regs(t);
			}
			in_syscall = false;
		}
		u64 oldmask = t->restore_sigmask ? t->saved_sigmask : t->sigmask;
		t->restore_sigmask = false;
		if (setup_frame(t, sig, ka, &info, oldmask) < 0) {
			show_unhandled(t, SIGSEGV, SI_KERNEL, r->rsp);
			do_group_exit(t, SIGSEGV);
		}
		t->sigmask |= ka->mask | ((ka->flags & SA_NODEFER) ? 0 : sigmask_of(sig));
		t->sigmask &= ~SIG_UNBLOCKABLE;
		if (ka->flags & SA_RESETHAND)
			ka->handler = (u64)SIG_DFL;
	}
	if (in_syscall) {
		long ret = (long)r->rax;
		if (ret == -ERESTARTNOHAND || ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
		    ret == -ERESTART_RESTARTBLOCK)
			restart_syscall_regs(t);
	}
	if (t->restore_sigmask) {
		t->sigmask = t->saved_sigmask;
		t->restore_sigmask = false;
	}
}

int wait_interruptible(struct task *t, pthread_cond_t *c, const struct timespec *abs)
{
	if (signal_pending(t))
		return -ERESTARTSYS;
	t->waiting_on = c;
	int r = 0;
	if (abs)
		r = pthread_cond_timedwait(c, bkl_mutex(), abs);
	else
		bkl_wait(c);
	t->waiting_on = NULL;
	if (signal_pending(t))
		return -ERESTARTSYS;
	return r == ETIMEDOUT ? -ETIMEDOUT : 0;
}

static void report_to_parent_sig(struct task *t, int sig, int code, int status);

void report_to_parent(struct task *t, int code, int status)
{
	report_to_parent_sig(t, SIGCHLD, code, status);
}

/* sig: SIGCHLD, or at exit the child's exit_signal (clone's low byte) */
static void report_to_parent_sig(struct task *t, int sig, int code, int status)
{
	struct task *p = t->parent;
	if (code == CLD_STOPPED || code == CLD_CONTINUED)
		wake_child_waiters();
	if (!p || p->state != TASK_RUNNING)
		return;
	if ((code == CLD_STOPPED || code == CLD_CONTINUED) && (p->sighand->action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		return;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_pid = t->tgid;
	si.si_uid = t->uid;
	si.si_status = status;
	send_signal_process(p, sig, &si);
}

void notify_parent_exit(struct task *t)
{
	int st = t->exit_code;
	int sig = t->exit_signal > 0 && t->exit_signal < 65 ? t->exit_signal : SIGCHLD;
	if (WIFEXITED(st))
		report_to_parent_sig(t, sig, CLD_EXITED, WEXITSTATUS(st));
	else
		report_to_parent_sig(t, sig, (st & 0x80) ? CLD_DUMPED : CLD_KILLED, WTERMSIG(st));
}

/* ---- system calls ---- */

static int sender_info(struct task *t, int sig, siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = SI_USER;
	si->si_pid = t->tgid;
	si->si_uid = t->uid;
	return 0;
}

/* The thread of process p that takes a process-directed signal: the
 * leader unless it is gone or blocks it, else one that does not block it. */
struct task *process_target(struct task *p, int sig)
{
	struct task *l = p->group_leader;
	u64 bit = sig > 0 ? sigmask_of(sig) : 0; /* 0: kill(pid, 0), a probe */
	if (!l->thread_exited && !(l->sigmask & bit))
		return l;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->tgid == l->tgid && q->state == TASK_RUNNING && !q->exiting && !q->thread_exited &&
		    !(q->sigmask & bit))
			return q;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->tgid == l->tgid && q->state == TASK_RUNNING && !q->exiting && !q->thread_exited)
			return q;
	return l;
}

/* shared: sent to p's process (kill), not to the thread p (tgkill) */
static int kill_one(struct task *t, struct task *p, int sig, const siginfo_t *si, bool shared)
{
	if (!kill_permitted(t, p, sig)) /* ids or CAP_KILL (capability.c) */
		return -EPERM;
	/* a zombie not yet reaped still has its pid: as Linux, the signal
	 * succeeds and is dropped */
	if (!sig || p->state != TASK_RUNNING)
		return 0;
	return __send_signal(p, sig, si, false, shared);
}

int kill_process(struct task *t, struct task *p, int sig, const siginfo_t *si)
{
	siginfo_t user;
	if (!si) {
		sender_info(t, sig, &user);
		si = &user;
	}
	return kill_one(t, process_target(p, sig), sig, si, true);
}

int kill_thread(struct task *t, struct task *p, int sig, const siginfo_t *si)
{
	siginfo_t user;
	if (!si) {
		sender_info(t, sig, &user);
		user.si_code = SI_TKILL;
		si = &user;
	}
	return kill_one(t, p, sig, si, false);
}

SYSCALL_DEFINE(kill)
{
	int pid = a->a[0], sig = a->a[1];
	siginfo_t si;
	if (sig < 0 || sig > _NSIG_LINUX)
		return -EINVAL;
	sender_info(t, sig, &si);
	if (pid > 0) {
		struct task *p = task_find(pid);
		if (!p || p->state == TASK_DEAD || p->tgid != pid)
			return -ESRCH;
		return kill_one(t, process_target(p, sig), sig, &si, true);
	}
	int pgid = pid == 0 ? t->pgid : -pid;
	bool found = false, sent = false;
	int err = 0;
	for (struct task *p = all_tasks; p; p = p->next_task) {
		if (p->state == TASK_DEAD || p->tid != p->tgid)
			continue;
		if (pid == -1 ? (p->tgid == 1 || p == t) : p->pgid != pgid)
			continue;
		found = true;
		int e = kill_one(t, process_target(p, sig), sig, &si, true);
		/* as Linux: a group succeeds if one member got it; kill(-1)
		 * reports only errors other than EPERM */
		if (e == 0)
			sent = true;
		else if (pid != -1 || e != -EPERM)
			err = e;
	}
	if (!found)
		return -ESRCH;
	return pid == -1 ? err : sent ? 0 : err;
}

static long do_tkill(struct task *t, int tgid, int tid, int sig)
{
	siginfo_t si;
	if (sig < 0 || sig > _NSIG_LINUX || tid <= 0)
		return -EINVAL;
	struct task *p = task_find(tid);
	if (!p || p->state == TASK_DEAD || (tgid > 0 && p->tgid != tgid))
		return -ESRCH;
	sender_info(t, sig, &si);
	si.si_code = SI_TKILL;
	return kill_one(t, p, sig, &si, false);
}

SYSCALL_DEFINE(tkill)
{
	return do_tkill(t, -1, a->a[0], a->a[1]);
}

SYSCALL_DEFINE(tgkill)
{
	if ((int)a->a[0] <= 0)
		return -EINVAL;
	return do_tkill(t, a->a[0], a->a[1], a->a[2]);
}

static long queueinfo(struct task *t, int tgid, int tid, int sig, u64 uinfo)
{
	siginfo_t si;
	if (sig < 1 || sig > _NSIG_LINUX)
		return -EINVAL;
	if (copy_from_user(t->mm, &si, uinfo, sizeof(si)) < 0)
		return -EFAULT;
	struct task *p = task_find(tid);
	if (!p || p->state == TASK_DEAD || (tgid > 0 && p->tgid != tgid))
		return -ESRCH;
	/* only the kernel may claim kernel-generated codes, except to oneself */
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && p != t)
		return -EPERM;
	if (!kill_permitted(t, p, sig))
		return -EPERM;
	if (p->state != TASK_RUNNING)
		return 0; /* a zombie: dropped, as kill_one */
	si.si_signo = sig;
	return __send_signal(p, sig, &si, false, tgid < 0); /* rt_sigqueueinfo: the process's */
}

SYSCALL_DEFINE(rt_sigqueueinfo)
{
	return queueinfo(t, -1, a->a[0], a->a[1], a->a[2]);
}

SYSCALL_DEFINE(rt_tgsigqueueinfo)
{
	return queueinfo(t, a->a[0], a->a[1], a->a[2], a->a[3]);
}

SYSCALL_DEFINE(rt_sigpending)
{
	if (a->a[1] > 8)
		return -EINVAL;
	u64 set = t->pending & t->sigmask;
	return copy_to_user(t->mm, a->a[0], &set, a->a[1]);
}

SYSCALL_DEFINE(rt_sigsuspend)
{
	u64 mask;
	if (a->a[1] != 8)
		return -EINVAL;
	if (copy_from_user(t->mm, &mask, a->a[0], 8) < 0)
		return -EFAULT;
	t->saved_sigmask = t->sigmask;
	t->restore_sigmask = true;
	t->sigmask = mask & ~SIG_UNBLOCKABLE;
	while (wait_interruptible(t, &t->sleep_cond, NULL) == 0)
		;
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE(pause)
{
	while (wait_interruptible(t, &t->sleep_cond, NULL) == 0)
		;
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE(rt_sigtimedwait)
{
	u64 set;
	siginfo_t si;
	struct timespec ts, abs, *absp = NULL;
	if (a->a[3] != 8)
		return -EINVAL;
	if (copy_from_user(t->mm, &set, a->a[0], 8) < 0)
		return -EFAULT;
	set &= ~SIG_UNBLOCKABLE;
	if (a->a[2]) {
		if (copy_from_user(t->mm, &ts, a->a[2], sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		clock_gettime(CLOCK_MONOTONIC, &abs);
		abs = ts_add_ktime(abs, ts_to_ktime(&ts));
		absp = &abs;
	}
	for (;;) {
		int sig = dequeue_signal_set(t, set, &si);
		if (sig) {
			if (a->a[1] && copy_to_user(t->mm, a->a[1], &si, sizeof(si)) < 0)
				return -EFAULT;
			return sig;
		}
		/* the signals waited for are blocked: sleep until one comes */
		u64 saved = t->sigmask;
		t->real_blocked = saved;
		t->sigmask &= ~set;
		int r = wait_interruptible(t, &t->sleep_cond, absp);
		t->sigmask = saved;
		t->real_blocked = 0;
		if (r == -ETIMEDOUT)
			return -EAGAIN;
		if (r < 0 && !(t->pending & set))
			return -EINTR;
	}
}

SYSCALL_DEFINE(sigaltstack)
{
	struct k_stack old = { t->altstack_sp, t->altstack_size ? 0 : SS_DISABLE, 0, t->altstack_size };
	u64 sp = t->ht.regs.rsp;
	bool on = t->altstack_size && sp - t->altstack_sp <= t->altstack_size;
	if (on)
		old.ss_flags = SS_ONSTACK;
	if (a->a[0]) {
		struct k_stack ns;
		if (copy_from_user(t->mm, &ns, a->a[0], sizeof(ns)) < 0)
			return -EFAULT;
		if (on)
			return -EPERM;
		int mode = ns.ss_flags & ~(1U << 31) /* SS_AUTODISARM */;
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			t->altstack_sp = t->altstack_size = 0;
		} else {
			if (ns.ss_size < 2048 /* MINSIGSTKSZ */)
				return -ENOMEM;
			t->altstack_sp = ns.ss_sp;
			t->altstack_size = ns.ss_size;
		}
	}
	if (a->a[1] && copy_to_user(t->mm, a->a[1], &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}
