/* ptrace(2) for guest tracers: the tracing thread fakes the attachment.
 *
 * A guest task is a host thread already traced by its task thread, so no
 * guest debugger can really attach to it.  Its ptrace calls come here
 * instead, and the kernel plays the part of Linux's ptrace on the task it
 * controls: a tracee stops in its own task thread (ptrace_stop, below:
 * its registers are then in t->ht.regs, its host thread parked), its
 * tracer's wait sees the stop's status, and the tracer's requests read
 * and change the parked state, which the tracee's host thread gets back
 * when it runs.  What only the host thread's tracer can do (the FPU
 * state, the debug registers) the tracee's task thread does for the guest
 * tracer while it is stopped (pt_request).
 *
 * Stops, as Linux has them: signal-delivery-stop (ptrace_signal),
 * group-stop (ptrace_group_stop), syscall-enter and -exit stops
 * (ptrace_syscall_entry/_exit, on PTRACE_SYSCALL and PTRACE_SYSEMU),
 * the event stops of fork, vfork, clone, exec, exit and vfork-done, and
 * PTRACE_EVENT_STOP (PTRACE_INTERRUPT, a seized child's first stop).
 * Waiting for tracees and reaping them is exit.c's; docs/ptrace.md. */
#include <vmcore/ptrace.h>
#include <vmcore/cred.h>
#include <vmcore/gdb.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <linux/audit.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <asm/prctl.h>

#ifndef NT_PRSTATUS
#define NT_PRSTATUS 1
#define NT_PRFPREG 2
#endif
#define NT_X86_XSTATE_ 0x202
#define OPTS_VALID (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
		    PTRACE_O_TRACEEXEC | PTRACE_O_TRACEVFORKDONE | PTRACE_O_TRACEEXIT | PTRACE_O_TRACESECCOMP | \
		    PTRACE_O_EXITKILL | PTRACE_O_SUSPEND_SECCOMP)
#define USER_SIZE 928 /* the kernel's struct user: sys/user.h's and error_code, fault_address */
#define DEBUGREG_OFF offsetof(struct user, u_debugreg)
/* the flags a tracer may change (Linux's FLAG_MASK): CF PF AF ZF SF TF DF OF NT RF AC */
#define FLAG_MASK 0x54dd5UL

/* requests for the tracee's own thread */
enum { REQ_NONE, REQ_GETFP, REQ_SETFP, REQ_GETDR, REQ_SETDR };

static struct ptrace_state *pt_new(void)
{
	struct ptrace_state *pt = kzalloc(sizeof(*pt));
	if (pt)
		pthread_cond_init(&pt->req_cond, NULL);
	return pt;
}

static void pt_free(struct ptrace_state *pt)
{
	pthread_cond_destroy(&pt->req_cond);
	free(pt);
}

struct task *ptrace_parent(struct task *t)
{
	return t->ptracer;
}

static void link_tracee(struct task *c, struct task *tracer, struct ptrace_state *pt)
{
	c->pt = pt;
	c->ptracer = tracer;
}

void ptrace_unlink(struct task *t)
{
	struct ptrace_state *pt = t->pt;
	if (!pt)
		return;
	t->pt = NULL;
	t->ptracer = NULL;
	t->ht.step = false;
	if (pt->kind == PT_GROUP && pt->group_stopped && !t->exiting)
		t->stopped = true; /* the group-stop holds: a job-control stop now (do_stop) */
	if (pt->kind != PT_RUNNING) {
		/* parked in ptrace_stop: its thread frees it on the way out */
		pt->detached = true;
		pt->req_ret = -ESRCH;
		pt->req_done = true;
		pthread_cond_broadcast(&pt->req_cond);
		pthread_cond_broadcast(&t->sleep_cond);
	} else {
		pt_free(pt);
	}
}

void ptrace_notify_tracer(struct task *t, int code, int status)
{
	struct task *tr = t->ptracer;
	wake_child_waiters();
	if (!tr || tr->state != TASK_RUNNING || !tr->sighand)
		return;
	if ((code == CLD_TRAPPED || code == CLD_STOPPED || code == CLD_CONTINUED) &&
	    (tr->sighand->action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
		return;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGCHLD;
	si.si_code = code;
	si.si_pid = t->tid;
	si.si_uid = t->uid;
	si.si_status = status;
	send_signal(tr, SIGCHLD, &si);
}

/* ---- the tracee's side ---- */

/* What the tracer asked of this thread while it is stopped. */
static void pt_serve(struct task *t, struct ptrace_state *pt)
{
	long r = 0;
	switch (pt->req) {
	case REQ_GETFP:
		r = host_get_fpregs(&t->ht, pt->req_buf, pt->req_len);
		break;
	case REQ_SETFP:
		r = host_set_fpregs(&t->ht, pt->req_buf, pt->req_len);
		break;
	case REQ_GETDR:
		*(u64 *)pt->req_buf = (int)pt->req_len == 6 ? pt->dr6 : host_get_debugreg(&t->ht, (int)pt->req_len);
		break;
	case REQ_SETDR:
		if ((int)pt->req_len == 6)
			pt->dr6 = *(u64 *)pt->req_buf;
		r = host_set_debugreg(&t->ht, (int)pt->req_len, *(u64 *)pt->req_buf);
		break;
	}
	pt->req = REQ_NONE;
	pt->req_ret = r;
	pt->req_done = true;
	pthread_cond_broadcast(&pt->req_cond);
}

/* The siginfo of a PTRACE_EVENT_STOP (Linux's ptrace_do_notify). */
static void event_stop_si(struct task *t, int sig, siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = sig | (PTRACE_EVENT_STOP << 8);
	si->si_pid = t->tid;
	si->si_uid = t->uid;
}

/* Stop for the tracer until it resumes t (or t is killed, or detached);
 * returns the signal the tracer gave with its resume. */
static int ptrace_stop(struct task *t, enum pt_stop kind, int code, const siginfo_t *si)
{
	struct ptrace_state *pt = t->pt;
	if (!pt || (t->pending & sigmask_of(SIGKILL)))
		return 0;
	if (t->mm && t->mm->as.ops_n)
		host_flush(&t->ht); /* nothing queued may wait while we are stopped */
	pt->kind = kind;
	pt->code = code;
	pt->reported = false;
	pt->resume_sig = 0;
	pt->listening = false;
	pt->no_si = kind == PT_GROUP && !pt->seized; /* Linux's group-stop has none */
	if ((code >> 8) == PTRACE_EVENT_STOP)
		pt->interrupt = pt->notify = false; /* this is the stop they asked for */
	if (si) {
		pt->si = *si;
	} else {
		memset(&pt->si, 0, sizeof(pt->si));
		pt->si.si_signo = SIGTRAP;
		pt->si.si_code = code;
		pt->si.si_pid = t->tgid;
		pt->si.si_uid = t->uid;
	}
	pt->dr6 = (code & 0x7f) == SIGTRAP && t->ht.tid ? host_get_debugreg(&t->ht, 6) : 0;
	t->ht.step = false;
	if (kind == PT_GROUP || (code >> 8) == PTRACE_EVENT_STOP)
		/* a job-control trap (Linux's do_jobctl_trap): CLD_STOPPED,
		 * with the group-stop's signal */
		ptrace_notify_tracer(t, CLD_STOPPED, pt->group_stopped ? t->stop_sig & 0x7f : 0);
	else
		ptrace_notify_tracer(t, CLD_TRAPPED, code & 0x7f);
	t->waiting_on = &t->sleep_cond; /* SIGKILL wakes it */
	while (pt->kind != PT_RUNNING && !pt->detached && !(t->pending & sigmask_of(SIGKILL))) {
		if (pt->req)
			pt_serve(t, pt);
		else
			bkl_wait(&t->sleep_cond);
	}
	t->waiting_on = NULL;
	if (pt->req) { /* killed with a request pending: the tracer gets ESRCH */
		pt->req = REQ_NONE;
		pt->req_ret = -ESRCH;
		pt->req_done = true;
		pthread_cond_broadcast(&pt->req_cond);
	}
	int sig = pt->resume_sig;
	if (pt->detached) {
		pt_free(pt);
		return sig; /* PTRACE_DETACH's signal */
	}
	pt->kind = PT_RUNNING;
	if (t->pending & sigmask_of(SIGKILL))
		return 0;
	t->ht.step = pt->resume == PTRACE_SINGLESTEP || pt->resume == PTRACE_SYSEMU_SINGLESTEP;
	return sig;
}

static int event_code(int ev)
{
	return SIGTRAP | (ev << 8);
}

static void event_stop(struct task *t, int ev, u64 msg)
{
	t->pt->message = msg;
	ptrace_stop(t, PT_EVENT, event_code(ev), NULL);
}

bool ptrace_syscall_entry(struct task *t)
{
	struct ptrace_state *pt = t->pt;
	if (pt->resume != PTRACE_SYSCALL && pt->resume != PTRACE_SYSEMU && pt->resume != PTRACE_SYSEMU_SINGLESTEP)
		return false;
	bool emu = pt->resume != PTRACE_SYSCALL;
	t->ht.regs.rax = -ENOSYS; /* what a tracer sees at syscall-enter-stop */
	ptrace_stop(t, PT_SYSCALL_ENTRY, SIGTRAP | ((pt->opts & PTRACE_O_TRACESYSGOOD) ? 0x80 : 0), NULL);
	if (!t->pt)
		return emu;
	if (emu) {
		/* PTRACE_SYSEMU: the call is the tracer's to carry out; a
		 * single step reports the next instruction, not the call */
		return true;
	}
	return (s64)t->ht.regs.orig_rax == -1;
}

void ptrace_syscall_exit(struct task *t)
{
	struct ptrace_state *pt = t->pt;
	if (pt->exec_event) {
		pt->exec_event = false;
		event_stop(t, PTRACE_EVENT_EXEC, pt->message);
		if (!(pt = t->pt))
			return;
	}
	if (pt->resume == PTRACE_SYSCALL) {
		ptrace_stop(t, PT_SYSCALL_EXIT, SIGTRAP | ((pt->opts & PTRACE_O_TRACESYSGOOD) ? 0x80 : 0), NULL);
		if (!(pt = t->pt))
			return;
	}
	if (pt->resume == PTRACE_SINGLESTEP && t->ht.step) {
		/* stepping over the syscall instruction: Linux reports the step
		 * right after the call (the host would run one more instruction) */
		t->ht.step = false;
		force_sig_info(t, SIGTRAP, TRAP_BRKPT, 0);
	}
}

bool ptrace_seccomp_event(struct task *t, u64 data)
{
	if (!t->pt || !(t->pt->opts & PTRACE_O_TRACESECCOMP))
		return false;
	event_stop(t, PTRACE_EVENT_SECCOMP, data);
	return true;
}

int ptrace_signal(struct task *t, int sig, siginfo_t *info)
{
	ptrace_pending_stops(t); /* a SIGCONT's PTRACE_EVENT_STOP comes first, as Linux's get_signal */
	if (!t->pt)
		return sig;
	int tr_tgid = t->ptracer ? t->ptracer->tgid : 0;
	u32 tr_uid = t->ptracer ? t->ptracer->uid : 0;
	int nsig = ptrace_stop(t, PT_SIGNAL, sig, info);
	if (!nsig)
		return 0;
	if (t->pt)
		*info = t->pt->si; /* SETSIGINFO may have changed it */
	if (nsig != info->si_signo) {
		/* a signal the tracer made up comes from the tracer */
		memset(info, 0, sizeof(*info));
		info->si_signo = nsig;
		info->si_code = SI_USER;
		info->si_pid = tr_tgid;
		info->si_uid = tr_uid;
	}
	/* blocked now: back in the queue, as Linux does */
	if ((t->sigmask & sigmask_of(nsig)) && !(SIG_UNBLOCKABLE & sigmask_of(nsig))) {
		send_signal_force(t, nsig, info);
		return 0;
	}
	return nsig;
}

void ptrace_group_stop(struct task *t, int sig)
{
	struct ptrace_state *pt = t->pt;
	siginfo_t si;
	event_stop_si(t, sig, &si);
	pt->group_stopped = true;
	ptrace_stop(t, PT_GROUP, pt->seized ? (sig | (PTRACE_EVENT_STOP << 8)) : sig, &si);
}

/* the signal of a seized tracee's PTRACE_EVENT_STOP: the group-stop's
 * while it holds, else SIGTRAP (Linux's do_jobctl_trap) */
static int event_stop_sig(struct task *t)
{
	return t->pt->group_stopped && t->stop_sig ? t->stop_sig : SIGTRAP;
}

/* Is the tracer another process than the real parent (Linux's
 * ptrace_reparented)? */
static bool reparented(struct task *t)
{
	return t->ptracer && (!t->parent || t->parent->tgid != t->ptracer->tgid);
}

/* The SIGCHLDs of a SIGCONT that ended the group-stop, once the tracee
 * runs again (Linux's get_signal): the real parent's, and the tracer's
 * if it is another. */
static void cont_notify(struct task *t)
{
	struct ptrace_state *pt = t->pt;
	if (!pt->cont_notify)
		return;
	pt->cont_notify = false;
	report_to_parent(t, CLD_CONTINUED, SIGCONT);
	if (reparented(t))
		ptrace_notify_tracer(t, CLD_CONTINUED, SIGCONT);
}

/* A listening tracee stops anew where it is: a PTRACE_EVENT_STOP for its
 * tracer's wait, as if it had woken and trapped again. */
static void retrap(struct task *c)
{
	struct ptrace_state *pt = c->pt;
	int sig = event_stop_sig(c);
	cont_notify(c);
	pt->listening = false;
	pt->interrupt = pt->notify = false;
	pt->code = sig | (PTRACE_EVENT_STOP << 8);
	event_stop_si(c, sig, &pt->si);
	pt->no_si = false;
	pt->reported = false;
	ptrace_notify_tracer(c, CLD_STOPPED, pt->group_stopped ? c->stop_sig & 0x7f : 0);
}

bool ptrace_sigcont(struct task *t)
{
	struct ptrace_state *pt = t->pt;
	bool was = pt->group_stopped;
	pt->group_stopped = false;
	if (was)
		pt->cont_notify = true;
	if (pt->seized) {
		/* Linux's ptrace_trap_notify: a PTRACE_EVENT_STOP, at once if
		 * it listens, else when it next runs */
		pt->notify = true;
		if (pt->listening && pt->kind != PT_RUNNING)
			retrap(t);
	}
	return was;
}

bool ptrace_interrupt_pending(struct task *t)
{
	return t->pt && t->pt->interrupt;
}

void ptrace_pending_stops(struct task *t)
{
	struct ptrace_state *pt = t->pt;
	if (pt)
		cont_notify(t);
	if (pt && (pt->interrupt || pt->notify)) {
		siginfo_t si;
		int sig = event_stop_sig(t);
		event_stop_si(t, sig, &si);
		pt->message = 0;
		ptrace_stop(t, PT_EVENT, sig | (PTRACE_EVENT_STOP << 8), &si);
	}
}

/* ---- events ---- */

static int fork_event(u64 flags)
{
	if (flags & CLONE_VFORK)
		return PTRACE_EVENT_VFORK;
	if ((flags & 0xff) != SIGCHLD)
		return PTRACE_EVENT_CLONE;
	return PTRACE_EVENT_FORK;
}

static bool event_traced(struct ptrace_state *pt, int ev)
{
	return pt && (pt->opts & (1u << ev));
}

void ptrace_fork_child(struct task *p, struct task *child, u64 flags)
{
	struct ptrace_state *pp = p->pt;
	if (!pp || (flags & CLONE_UNTRACED))
		return;
	if (!event_traced(pp, fork_event(flags)) && !(flags & CLONE_PTRACE))
		return;
	struct ptrace_state *pt = pt_new();
	if (!pt)
		return;
	pt->seized = pp->seized;
	pt->opts = pp->opts;
	link_tracee(child, p->ptracer, pt);
	if (pt->seized)
		pt->interrupt = true; /* its first stop: PTRACE_EVENT_STOP */
	else
		send_signal_force(child, SIGSTOP, NULL);
}

void ptrace_fork_event(struct task *p, struct task *child, u64 flags)
{
	int ev = fork_event(flags);
	if (event_traced(p->pt, ev))
		event_stop(p, ev, child->tid);
}

void ptrace_vfork_done(struct task *p, int child_tid)
{
	if (event_traced(p->pt, PTRACE_EVENT_VFORK_DONE))
		event_stop(p, PTRACE_EVENT_VFORK_DONE, child_tid);
}

void ptrace_exec(struct task *t, int old_tid)
{
	struct ptrace_state *pt = t->pt;
	if (pt->opts & PTRACE_O_TRACEEXEC) {
		pt->exec_event = true;
		pt->message = old_tid;
	} else if (!pt->seized) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGTRAP;
		si.si_code = SI_USER;
		send_signal_force(t, SIGTRAP, &si);
	}
}

void ptrace_exit_event(struct task *t, int status)
{
	if (event_traced(t->pt, PTRACE_EVENT_EXIT))
		event_stop(t, PTRACE_EVENT_EXIT, (u64)(unsigned)status);
}

/* ---- the tracer's side ---- */

/* The tracee pid of the calling tracer; stopped, when the request needs
 * it (Linux's ptrace_check_attach). */
static struct task *tracee(struct task *t, int pid, bool stopped, long *err)
{
	struct task *c = pid > 0 ? task_find(pid) : NULL;
	*err = -ESRCH;
	if (!c || c->ptracer != t || !c->pt || c->state != TASK_RUNNING)
		return NULL;
	if (stopped && (c->pt->kind == PT_RUNNING || c->pt->detached || c->pt->listening))
		return NULL;
	return c;
}

static long attach(struct task *t, int pid, bool seize, u64 addr, u64 flags)
{
	struct task *c = pid > 0 ? task_find(pid) : NULL;
	if (!c || c->state != TASK_RUNNING || c->exiting)
		return -ESRCH;
	if (seize && (addr || (flags & ~(u64)OPTS_VALID)))
		return -EIO;
	if (c->tgid == t->tgid)
		return -EPERM;
	if (c->pt || c->gdb)
		return -EPERM; /* traced already (the gdbstub counts: docs/ptrace.md) */
	int r = ptrace_may_access(t, c, PTRACE_MODE_ATTACH_REALCREDS);
	if (r < 0)
		return -EPERM;
	struct ptrace_state *pt = pt_new();
	if (!pt)
		return -ENOMEM;
	pt->seized = seize;
	pt->opts = seize ? (unsigned)flags : 0;
	link_tracee(c, t, pt);
	if (!seize) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGSTOP;
		si.si_code = SI_USER;
		si.si_pid = t->tgid;
		si.si_uid = t->uid;
		send_signal_force(c, SIGSTOP, &si);
	}
	return 0;
}

static long traceme(struct task *t)
{
	struct task *p = t->parent;
	if (t->pt || t->gdb || !p || p->state != TASK_RUNNING || ptrace_traceme_check(t, p) < 0)
		return -EPERM;
	struct ptrace_state *pt = pt_new();
	if (!pt)
		return -ENOMEM;
	link_tracee(t, p, pt);
	return 0;
}

static bool valid_signal(u64 sig)
{
	return sig <= _NSIG_LINUX;
}

static long resume(struct task *c, int req, u64 sig)
{
	if (!valid_signal(sig))
		return -EIO;
	struct ptrace_state *pt = c->pt;
	pt->resume = req;
	pt->resume_sig = (int)sig;
	pt->kind = PT_RUNNING;
	pthread_cond_broadcast(&c->sleep_cond);
	return 0;
}

/* Ask the stopped tracee's thread to do something only it can. */
static long pt_request(struct task *c, int req, void *buf, size_t len)
{
	struct ptrace_state *pt = c->pt;
	if (pt->req)
		return -EBUSY;
	pt->req = req;
	pt->req_buf = buf;
	pt->req_len = len;
	pt->req_done = false;
	pthread_cond_broadcast(&c->sleep_cond);
	while (!pt->req_done)
		bkl_wait(&pt->req_cond);
	return pt->req_ret;
}

/* the registers a tracer may write, checked as Linux's putreg does */
static long check_regs(const struct user_regs_struct *n)
{
	if (n->cs != USER_CS || n->ss != USER_DS)
		return -EIO; /* no compat mode here (docs/ptrace.md) */
	u64 segs[] = { n->ds, n->es, n->fs, n->gs };
	for (size_t i = 0; i < ARRAY_SIZE(segs); i++)
		if (segs[i] > 0xffff || (segs[i] && (segs[i] & 3) != 3))
			return -EIO;
	if (n->fs_base >= TASK_SIZE || n->gs_base >= TASK_SIZE)
		return -EIO;
	return 0;
}

static long set_regs(struct task *c, const struct user_regs_struct *n)
{
	long r = check_regs(n);
	if (r < 0)
		return r;
	struct user_regs_struct *cur = &c->ht.regs;
	u64 flags = (cur->eflags & ~FLAG_MASK) | (n->eflags & FLAG_MASK);
	*cur = *n;
	cur->eflags = flags;
	c->ht.regs_dirty = true;
	return 0;
}

static long peek_user(struct task *c, u64 off, u64 *v)
{
	if ((off & 7) || off >= USER_SIZE)
		return -EIO;
	if (off < sizeof(struct user_regs_struct)) {
		*v = ((u64 *)&c->ht.regs)[off / 8];
		return 0;
	}
	if (off >= DEBUGREG_OFF && off < DEBUGREG_OFF + 8 * 8) {
		int n = (off - DEBUGREG_OFF) / 8;
		if (n == 4 || n == 5) {
			*v = 0;
			return 0;
		}
		return pt_request(c, REQ_GETDR, v, n);
	}
	*v = 0; /* the rest of struct user reads as 0 */
	return 0;
}

static long poke_user(struct task *c, u64 off, u64 v)
{
	if ((off & 7) || off >= USER_SIZE)
		return -EIO;
	if (off < sizeof(struct user_regs_struct)) {
		struct user_regs_struct n = c->ht.regs;
		((u64 *)&n)[off / 8] = v;
		return set_regs(c, &n);
	}
	if (off >= DEBUGREG_OFF && off < DEBUGREG_OFF + 8 * 8) {
		int n = (off - DEBUGREG_OFF) / 8;
		if (n == 4 || n == 5)
			return -EIO;
		if (n < 4 && v >= TASK_SIZE)
			return -EIO; /* a breakpoint outside the guest's space */
		long r = pt_request(c, REQ_SETDR, &v, n);
		return r == -EINVAL ? -EIO : r;
	}
	return -EIO;
}

static long get_syscall_info(struct task *c, u64 size, u64 addr)
{
	struct __ptrace_syscall_info info;
	memset(&info, 0, sizeof(info));
	const struct user_regs_struct *r = &c->ht.regs;
	info.arch = AUDIT_ARCH_X86_64;
	info.instruction_pointer = r->rip;
	info.stack_pointer = r->rsp;
	size_t n = offsetof(struct __ptrace_syscall_info, entry);
	if (c->pt->kind == PT_SYSCALL_ENTRY) {
		info.op = PTRACE_SYSCALL_INFO_ENTRY;
		info.entry.nr = r->orig_rax;
		u64 args[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
		memcpy(info.entry.args, args, sizeof(args));
		n = offsetof(struct __ptrace_syscall_info, entry.args) + sizeof(info.entry.args);
	} else if (c->pt->kind == PT_SYSCALL_EXIT) {
		info.op = PTRACE_SYSCALL_INFO_EXIT;
		info.exit.rval = (s64)r->rax;
		info.exit.is_error = IS_ERR_VALUE((long)r->rax);
		n = offsetof(struct __ptrace_syscall_info, exit.is_error) + 1;
	}
	if (copy_to_user(current->mm, addr, &info, MIN(size, n)) < 0)
		return -EFAULT;
	return n;
}

static long regset(struct task *t, struct task *c, bool set, u64 type, u64 uiov)
{
	struct iovec iov;
	if (copy_from_user(t->mm, &iov, uiov, sizeof(iov)) < 0)
		return -EFAULT;
	unsigned char buf[4096];
	size_t full;
	long r;
	if (type == NT_PRSTATUS) {
		full = sizeof(struct user_regs_struct);
		if (set) {
			struct user_regs_struct n = c->ht.regs;
			size_t len = MIN(iov.iov_len, full);
			if (copy_from_user(t->mm, &n, (u64)iov.iov_base, len) < 0)
				return -EFAULT;
			r = set_regs(c, &n);
			if (r < 0)
				return r;
			iov.iov_len = len;
		} else {
			iov.iov_len = MIN(iov.iov_len, full);
			if (copy_to_user(t->mm, (u64)iov.iov_base, &c->ht.regs, iov.iov_len) < 0)
				return -EFAULT;
		}
	} else if (type == NT_PRFPREG || type == NT_X86_XSTATE_) {
		r = pt_request(c, REQ_GETFP, buf, sizeof(buf));
		if (r < 0)
			return r;
		full = type == NT_PRFPREG ? 512 : (size_t)r;
		size_t len = MIN(iov.iov_len, full);
		if (set) {
			if (copy_from_user(t->mm, buf, (u64)iov.iov_base, len) < 0)
				return -EFAULT;
			/* the xsave header is the kernel's: only what the
			 * state already has may be set, as Linux checks */
			r = pt_request(c, REQ_SETFP, buf, MAX((size_t)r, len));
			if (r < 0)
				return -EINVAL;
		} else if (copy_to_user(t->mm, (u64)iov.iov_base, buf, len) < 0) {
			return -EFAULT;
		}
		iov.iov_len = len;
	} else {
		return -EINVAL;
	}
	return copy_to_user(t->mm, uiov, &iov, sizeof(iov)) < 0 ? -EFAULT : 0;
}

/* PTRACE_PEEKSIGINFO: the siginfos queued for c (or, SHARED, for its
 * process: the signals sent to the process, which wait in one of its
 * threads' queues here), from the args' off, nr of them at most; the
 * number copied, or the error if none was. */
static long peek_siginfo(struct task *t, struct task *c, u64 uargs, u64 buf)
{
	struct __ptrace_peeksiginfo_args args;
	if (copy_from_user(t->mm, &args, uargs, sizeof(args)) < 0)
		return -EFAULT;
	if (args.flags & ~PTRACE_PEEKSIGINFO_SHARED)
		return -EINVAL;
	if (args.nr < 0)
		return -EINVAL;
	bool shared = args.flags & PTRACE_PEEKSIGINFO_SHARED;
	u64 skip = args.off;
	long n = 0;
	for (struct task *q = shared ? all_tasks : c; q && n < args.nr; q = shared ? q->next_task : NULL) {
		if (shared && (q->tgid != c->tgid || q->state != TASK_RUNNING))
			continue;
		for (struct sigqueue *e = q->sigq; e && n < args.nr; e = e->next) {
			if (e->shared != shared)
				continue;
			if (skip) {
				skip--;
				continue;
			}
			if (copy_to_user(t->mm, buf + n * sizeof(siginfo_t), &e->info, sizeof(siginfo_t)) < 0)
				return n ? n : -EFAULT;
			n++;
		}
	}
	return n;
}

/* PTRACE_ARCH_PRCTL: arch_prctl(2)'s codes on the tracee's registers; a
 * base read goes to the tracer's memory at arg */
static long arch_prctl_of(struct task *t, struct task *c, int code, u64 arg)
{
	struct user_regs_struct *r = &c->ht.regs;
	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (arg >= TASK_SIZE)
			return -EPERM;
		*(code == ARCH_SET_FS ? &r->fs_base : &r->gs_base) = arg;
		c->ht.regs_dirty = true;
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		return copy_to_user(t->mm, arg, code == ARCH_GET_FS ? &r->fs_base : &r->gs_base, 8) < 0 ? -EFAULT : 0;
	default:
		return -EINVAL; /* the others are arch_prctl(2)'s own, not ptrace's */
	}
}

/* PTRACE_SECCOMP_GET_FILTER, _GET_METADATA: CAP_SYS_ADMIN, a caller
 * without a filter of its own; the guest's filters (kernel/seccomp.c)
 * are not handed out yet: EINVAL, Linux's answer for a tracee without */
static long seccomp_get(struct task *t, long req, u64 addr, u64 data)
{
	if (!capable(t, CAP_SYS_ADMIN))
		return -EACCES;
	if (req == PTRACE_SECCOMP_GET_METADATA) {
		u64 off;
		if (addr < sizeof(off))
			return -EINVAL;
		if (copy_from_user(t->mm, &off, data, sizeof(off)) < 0)
			return -EFAULT;
	}
	return -EINVAL;
}

SYSCALL_DEFINE(ptrace)
{
	long req = (long)a->a[0];
	int pid = (int)a->a[1];
	u64 addr = a->a[2], data = a->a[3];
	long err;
	struct task *c;

	if (req == PTRACE_TRACEME)
		return traceme(t);
	if (req == PTRACE_ATTACH || req == PTRACE_SEIZE)
		return attach(t, pid, req == PTRACE_SEIZE, addr, data);
	if (req == PTRACE_KILL) {
		if (!(c = tracee(t, pid, false, &err)))
			return err;
		send_signal_force(c, SIGKILL, NULL);
		return 0;
	}
	if (req == PTRACE_INTERRUPT) {
		if (!(c = tracee(t, pid, false, &err)))
			return err;
		if (!c->pt->seized)
			return -EIO;
		if (c->pt->listening)
			retrap(c);
		else if (c->pt->kind == PT_RUNNING) {
			c->pt->interrupt = true;
			if (c->waiting_on)
				pthread_cond_broadcast(c->waiting_on);
			else if (c->in_user)
				host_kick(&c->ht);
		}
		return 0;
	}
	if (!(c = tracee(t, pid, true, &err)))
		return err;
	struct ptrace_state *pt = c->pt;
	switch (req) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA: {
		u64 v;
		if (!c->mm || mm_peek(c->mm, &v, addr, sizeof(v)) < 0)
			return -EIO;
		return copy_to_user(t->mm, data, &v, sizeof(v)) < 0 ? -EFAULT : 0;
	}
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		if (!c->mm || mm_poke(c->mm, addr, &data, sizeof(data)) < 0)
			return -EIO;
		return 0;
	case PTRACE_PEEKUSER: {
		u64 v;
		long r = peek_user(c, addr, &v);
		if (r < 0)
			return r;
		return copy_to_user(t->mm, data, &v, sizeof(v)) < 0 ? -EFAULT : 0;
	}
	case PTRACE_POKEUSER:
		return poke_user(c, addr, data);
	case PTRACE_GETREGS:
		return copy_to_user(t->mm, data, &c->ht.regs, sizeof(c->ht.regs)) < 0 ? -EFAULT : 0;
	case PTRACE_SETREGS: {
		struct user_regs_struct n;
		if (copy_from_user(t->mm, &n, data, sizeof(n)) < 0)
			return -EFAULT;
		return set_regs(c, &n);
	}
	case PTRACE_GETFPREGS:
	case PTRACE_SETFPREGS: {
		unsigned char buf[4096];
		long r = pt_request(c, REQ_GETFP, buf, sizeof(buf));
		if (r < 0)
			return r;
		if (req == PTRACE_GETFPREGS)
			return copy_to_user(t->mm, data, buf, 512) < 0 ? -EFAULT : 0;
		if (copy_from_user(t->mm, buf, data, 512) < 0)
			return -EFAULT;
		return pt_request(c, REQ_SETFP, buf, r) < 0 ? -EINVAL : 0;
	}
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		return regset(t, c, req == PTRACE_SETREGSET, addr, data);
	case PTRACE_GETSIGINFO:
		if (pt->no_si)
			return -EINVAL;
		return copy_to_user(t->mm, data, &pt->si, sizeof(pt->si)) < 0 ? -EFAULT : 0;
	case PTRACE_SETSIGINFO: {
		siginfo_t si;
		if (copy_from_user(t->mm, &si, data, sizeof(si)) < 0)
			return -EFAULT;
		if (pt->no_si)
			return -EINVAL;
		pt->si = si;
		return 0;
	}
	case PTRACE_PEEKSIGINFO:
		return peek_siginfo(t, c, addr, data);
	case PTRACE_LISTEN:
		/* a seized tracee in a PTRACE_EVENT_STOP (a group-stop, an
		 * interrupt) stays stopped, but not for requests, until an
		 * event stops it anew (Linux's JOBCTL_LISTENING) */
		if (!pt->seized || pt->no_si || (pt->si.si_code >> 8) != PTRACE_EVENT_STOP)
			return -EIO;
		pt->listening = true;
		if (pt->notify)
			retrap(c); /* a SIGCONT came since the stop */
		return 0;
	case PTRACE_ARCH_PRCTL:
		return arch_prctl_of(t, c, (int)data, addr); /* data is the code, addr the argument */
	case PTRACE_SECCOMP_GET_FILTER:
	case PTRACE_SECCOMP_GET_METADATA:
		return seccomp_get(t, req, addr, data);
	case PTRACE_GETSIGMASK:
		if (addr != sizeof(u64))
			return -EINVAL;
		return copy_to_user(t->mm, data, &c->sigmask, sizeof(u64)) < 0 ? -EFAULT : 0;
	case PTRACE_SETSIGMASK: {
		u64 m;
		if (addr != sizeof(u64))
			return -EINVAL;
		if (copy_from_user(t->mm, &m, data, sizeof(m)) < 0)
			return -EFAULT;
		c->sigmask = m & ~SIG_UNBLOCKABLE;
		return 0;
	}
	case PTRACE_GETEVENTMSG:
		return copy_to_user(t->mm, data, &pt->message, sizeof(pt->message)) < 0 ? -EFAULT : 0;
	case PTRACE_SETOPTIONS:
		if (data & ~(u64)OPTS_VALID)
			return -EINVAL;
		pt->opts = (unsigned)data;
		return 0;
	case PTRACE_GET_SYSCALL_INFO:
		return get_syscall_info(c, addr, data);
	case PTRACE_CONT:
	case PTRACE_SYSCALL:
	case PTRACE_SINGLESTEP:
	case PTRACE_SYSEMU:
	case PTRACE_SYSEMU_SINGLESTEP:
		return resume(c, req, data);
	case PTRACE_DETACH: {
		if (!valid_signal(data))
			return -EIO;
		pt->resume_sig = (int)data;
		ptrace_unlink(c);
		wake_child_waiters();
		return 0;
	}
	default:
		return -EIO;
	}
}
