/* seccomp(2) and prctl(PR_SET_SECCOMP) for guest tasks.
 *
 * Strict mode leaves read, write, exit and rt_sigreturn; anything else
 * kills the thread with SIGKILL.  Filter mode runs every filter the task
 * holds, newest first, over struct seccomp_data at each system call entry
 * (after a guest tracer's syscall-enter-stop, as Linux since 4.8) and
 * applies the most restrictive action.  A filter is a classic BPF program
 * checked at install as Linux checks it (bpf_check_classic, then
 * seccomp_check_filter); the filters form a chain, newest at the head,
 * shared by reference between a task and the children it forks, and
 * immutable once installed.  All of it runs under the BKL.
 * docs/seccomp.md says what differs from Linux. */
#include <vmcore/seccomp.h>
#include <vmcore/cred.h>
#include <vmcore/ptrace.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* SIGSYS's si_code */
#endif

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#define FILTER_FLAGS_KNOWN                                                                              \
	(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |          \
	 SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH |                            \
	 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)

#define MAX_INSNS_PER_FILTER 4096  /* BPF_MAXINSNS */
#define MAX_INSNS_PER_PATH 32768   /* the chain, 4 more for each filter */
#define MAX_ERRNO 4095
#define ACTION_ONLY(r) ((s32)((r) & SECCOMP_RET_ACTION_FULL))

struct seccomp_filter {
	int refs;
	int count;       /* filters in the chain from here down */
	bool log;        /* SECCOMP_FILTER_FLAG_LOG */
	struct seccomp_filter *prev;
	unsigned len;
	struct sock_filter insns[];
};

/* ---- the filter chain ---- */

static void filter_put(struct seccomp_filter *f)
{
	while (f && --f->refs == 0) {
		struct seccomp_filter *prev = f->prev;
		free(f);
		f = prev;
	}
}

static struct seccomp_filter *filter_get(struct seccomp_filter *f)
{
	if (f)
		f->refs++;
	return f;
}

void seccomp_fork(struct task *child, struct task *parent)
{
	child->seccomp_mode = parent->seccomp_mode;
	child->seccomp = filter_get(parent->seccomp);
}

void seccomp_release(struct task *t)
{
	filter_put(t->seccomp);
	t->seccomp = NULL;
}

int seccomp_filter_count(const struct task *t)
{
	return t->seccomp ? t->seccomp->count : 0;
}

/* ---- checking a program ---- */

static bool is_cond_jump(u16 code)
{
	if (BPF_CLASS(code) != BPF_JMP)
		return false;
	switch (BPF_OP(code)) {
	case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET:
		return true;
	}
	return false;
}

/* What seccomp takes of classic BPF: loads of the data (aligned words
 * inside it), immediates, scratch memory, the ALU without modulo, jumps
 * and returns; the loads of the length become immediates. */
static int check_insn(struct sock_filter *f)
{
	switch (f->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		return f->k >= sizeof(struct seccomp_data) || (f->k & 3) ? -EINVAL : 0;
	case BPF_LD | BPF_W | BPF_LEN:
		f->code = BPF_LD | BPF_IMM;
		f->k = sizeof(struct seccomp_data);
		return 0;
	case BPF_LDX | BPF_W | BPF_LEN:
		f->code = BPF_LDX | BPF_IMM;
		f->k = sizeof(struct seccomp_data);
		return 0;
	case BPF_ALU | BPF_DIV | BPF_K:
		return f->k == 0 ? -EINVAL : 0;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		return f->k >= 32 ? -EINVAL : 0;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		return f->k >= BPF_MEMWORDS ? -EINVAL : 0;
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K: case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K: case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K: case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K: case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K: case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K: case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
		return 0;
	}
	return -EINVAL;
}

/* Every jump lands inside the program (none goes backwards: offsets are
 * unsigned), the last instruction returns, and no path reads a scratch
 * word before it wrote it (Linux's check_load_and_stores: a forward pass
 * keeping, for each instruction, the words written on every path to it). */
static int check_program(struct sock_filter *p, unsigned len)
{
	for (unsigned pc = 0; pc < len; pc++) {
		if (check_insn(&p[pc]) < 0)
			return -EINVAL;
		if (p[pc].code == (BPF_JMP | BPF_JA) && p[pc].k >= len - pc - 1)
			return -EINVAL;
		if (is_cond_jump(p[pc].code) && (pc + p[pc].jt + 1 >= len || pc + p[pc].jf + 1 >= len))
			return -EINVAL;
	}
	if (p[len - 1].code != (BPF_RET | BPF_K) && p[len - 1].code != (BPF_RET | BPF_A))
		return -EINVAL;
	u16 *valid_at = malloc(len * sizeof(*valid_at));
	if (!valid_at)
		return -ENOMEM;
	memset(valid_at, 0xff, len * sizeof(*valid_at));
	u16 valid = 0;
	int r = 0;
	for (unsigned pc = 0; pc < len && !r; pc++) {
		valid &= valid_at[pc];
		const struct sock_filter *f = &p[pc];
		if (f->code == BPF_ST || f->code == BPF_STX) {
			valid |= 1u << f->k;
		} else if (f->code == (BPF_LD | BPF_MEM) || f->code == (BPF_LDX | BPF_MEM)) {
			if (!(valid & (1u << f->k)))
				r = -EINVAL;
		} else if (f->code == (BPF_JMP | BPF_JA)) {
			valid_at[pc + 1 + f->k] &= valid;
			valid = 0xffff; /* nothing falls through */
		} else if (is_cond_jump(f->code)) {
			valid_at[pc + 1 + f->jt] &= valid;
			valid_at[pc + 1 + f->jf] &= valid;
			valid = 0xffff;
		}
	}
	free(valid_at);
	return r;
}

/* ---- running a program ---- */

static u32 run_program(const struct seccomp_filter *f, const struct seccomp_data *sd)
{
	u32 A = 0, X = 0, M[BPF_MEMWORDS] = { 0 };
	const unsigned char *data = (const unsigned char *)sd;
	for (unsigned pc = 0; pc < f->len; pc++) {
		const struct sock_filter *i = &f->insns[pc];
		u32 k = i->k, src = BPF_SRC(i->code) == BPF_X ? X : k;
		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_ABS)
				memcpy(&A, data + k, 4);
			else if (BPF_MODE(i->code) == BPF_MEM)
				A = M[k];
			else
				A = k;
			break;
		case BPF_LDX:
			X = BPF_MODE(i->code) == BPF_MEM ? M[k] : k;
			break;
		case BPF_ST:
			M[k] = A;
			break;
		case BPF_STX:
			M[k] = X;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_ADD: A += src; break;
			case BPF_SUB: A -= src; break;
			case BPF_MUL: A *= src; break;
			case BPF_DIV:
				if (!src)
					return 0; /* classic BPF's answer to a division by zero */
				A /= src;
				break;
			case BPF_AND: A &= src; break;
			case BPF_OR: A |= src; break;
			case BPF_XOR: A ^= src; break;
			case BPF_LSH: A <<= src & 31; break;
			case BPF_RSH: A >>= src & 31; break;
			case BPF_NEG: A = -A; break;
			}
			break;
		case BPF_JMP: {
			bool c;
			switch (BPF_OP(i->code)) {
			case BPF_JA: pc += k; continue;
			case BPF_JEQ: c = A == src; break;
			case BPF_JGT: c = A > src; break;
			case BPF_JGE: c = A >= src; break;
			default: c = (A & src) != 0; break; /* BPF_JSET */
			}
			pc += c ? i->jt : i->jf;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? A : k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				X = A;
			else
				A = X;
			break;
		}
	}
	return 0; /* not reached: a checked program ends with a return */
}

/* Every filter of the chain runs; the lowest action wins (KILL_PROCESS,
 * being negative, lowest of all), the newest filter among equals. */
static u32 run_filters(struct task *t, const struct seccomp_data *sd, struct seccomp_filter **match)
{
	u32 ret = SECCOMP_RET_ALLOW;
	*match = NULL;
	for (struct seccomp_filter *f = t->seccomp; f; f = f->prev) {
		u32 r = run_program(f, sd);
		if (ACTION_ONLY(r) < ACTION_ONLY(ret)) {
			ret = r;
			*match = f;
		}
	}
	return ret;
}

/* ---- actions ---- */

/* Linux logs through the audit (type 1326, AUDIT_SECCOMP): kills and
 * RET_LOG always, the other actions but ALLOW when the filter asked
 * (SECCOMP_FILTER_FLAG_LOG). */
static void seccomp_log(struct task *t, int nr, int sig, u32 action, bool requested)
{
	bool log;
	switch (action) {
	case SECCOMP_RET_ALLOW:
		log = false;
		break;
	case SECCOMP_RET_LOG:
		log = true;
		break;
	case SECCOMP_RET_TRAP: case SECCOMP_RET_ERRNO: case SECCOMP_RET_TRACE:
	case SECCOMP_RET_USER_NOTIF:
		log = requested;
		break;
	default:
		log = true; /* the kills */
		break;
	}
	if (log)
		pr_info("audit: type=1326 pid=%d uid=%u gid=%u comm=\"%s\" sig=%d arch=%x syscall=%d compat=0 "
			"ip=0x%llx code=0x%x\n",
			t->tgid, t->uid, t->gid, t->comm, sig, AUDIT_ARCH_X86_64, nr,
			(unsigned long long)t->ht.regs.rip, action);
}

/* Linux's force_sig_seccomp: SIGSYS, SYS_SECCOMP, for the task's own
 * call.  A handled, unblocked SIGSYS is queued; otherwise (and always
 * for the kills) it takes the process, as a forced signal does; a
 * traced task's tracer sees it first. */
static void force_sigsys(struct task *t, int nr, u32 data, bool kill)
{
	struct k_sigaction *ka = &t->sighand->action[SIGSYS - 1];
	bool blocked = t->sigmask & sigmask_of(SIGSYS);
	if (kill || ka->handler == (u64)SIG_DFL || ka->handler == (u64)SIG_IGN || blocked) {
		if (kill || !t->pt)
			do_group_exit(t, SIGSYS);
		t->sigmask &= ~sigmask_of(SIGSYS);
		if (ka->handler == (u64)SIG_IGN)
			ka->handler = (u64)SIG_DFL;
	}
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGSYS;
	si.si_code = SYS_SECCOMP;
	si.si_errno = (int)data;
	si.si_call_addr = (void *)t->ht.regs.rip;
	si.si_syscall = nr;
	si.si_arch = AUDIT_ARCH_X86_64;
	send_signal_force(t, SIGSYS, &si);
}

static void fill_data(struct task *t, struct seccomp_data *sd)
{
	const struct user_regs_struct *r = &t->ht.regs;
	sd->nr = (int)r->orig_rax;
	sd->arch = AUDIT_ARCH_X86_64;
	sd->instruction_pointer = r->rip;
	u64 args[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
	memcpy(sd->args, args, sizeof(args));
}

static void set_return(struct task *t, long v)
{
	t->ht.regs.rax = v;
	t->ht.regs_dirty = true;
}

/* Linux's __seccomp_filter: true if the call is skipped.  recheck: the
 * second run after a tracer's PTRACE_EVENT_SECCOMP, where TRACE allows. */
static bool filter_syscall(struct task *t, bool recheck)
{
	struct seccomp_data sd;
	struct seccomp_filter *match;
	fill_data(t, &sd);
	u32 ret = run_filters(t, &sd, &match);
	u32 action = ret & SECCOMP_RET_ACTION_FULL;
	u32 data = ret & SECCOMP_RET_DATA;
	bool requested = match && match->log;
	switch (action) {
	case SECCOMP_RET_ALLOW:
		return false;
	case SECCOMP_RET_LOG:
		seccomp_log(t, sd.nr, 0, action, true);
		return false;
	case SECCOMP_RET_ERRNO:
		set_return(t, -(long)MIN(data, MAX_ERRNO));
		seccomp_log(t, sd.nr, 0, action, requested);
		return true;
	case SECCOMP_RET_TRAP:
		set_return(t, t->ht.regs.orig_rax); /* the handler sees the call's registers */
		seccomp_log(t, sd.nr, SIGSYS, action, requested);
		force_sigsys(t, sd.nr, data, false);
		return true;
	case SECCOMP_RET_USER_NOTIF:
		/* no listener can exist (docs/seccomp.md): Linux's answer then */
		set_return(t, -ENOSYS);
		seccomp_log(t, sd.nr, 0, action, requested);
		return true;
	case SECCOMP_RET_TRACE:
		if (recheck)
			return false;
		seccomp_log(t, sd.nr, 0, action, requested);
		set_return(t, -ENOSYS);
		if (!t->pt || !ptrace_seccomp_event(t, data))
			return true; /* no tracer for it: ENOSYS */
		if (t->pending & sigmask_of(SIGKILL))
			return true;
		if ((s64)t->ht.regs.orig_rax < 0)
			return true; /* the tracer skipped the call */
		/* the tracer may have changed it: the filters judge it again */
		return filter_syscall(t, true);
	case SECCOMP_RET_KILL_THREAD:
		seccomp_log(t, sd.nr, SIGSYS, action, requested);
		if (t->group_leader->nr_threads > 1 && !t->group_leader->group_exit)
			task_exit(t, SIGSYS);
		set_return(t, t->ht.regs.orig_rax);
		force_sigsys(t, sd.nr, data, true);
		return true;
	default: /* KILL_PROCESS, and any action Linux does not know */
		seccomp_log(t, sd.nr, SIGSYS, action, requested);
		set_return(t, t->ht.regs.orig_rax);
		force_sigsys(t, sd.nr, data, true);
		return true;
	}
}

bool seccomp_syscall_entry(struct task *t)
{
	if (t->pt && (t->pt->opts & PTRACE_O_SUSPEND_SECCOMP))
		return false;
	if (t->seccomp_mode == SECCOMP_MODE_STRICT) {
		long nr = (long)t->ht.regs.orig_rax;
		if (nr == SYS_read || nr == SYS_write || nr == SYS_exit || nr == SYS_rt_sigreturn)
			return false;
		seccomp_log(t, (int)nr, SIGKILL, SECCOMP_RET_KILL_THREAD, true);
		task_exit(t, SIGKILL); /* this thread alone, as Linux's do_exit(SIGKILL) */
	}
	return filter_syscall(t, false);
}

/* ---- installing ---- */

/* Linux's seccomp_may_assign_mode: a task's mode never changes but from
 * disabled, and a filter task only takes more filters. */
static bool may_assign_mode(struct task *t, int mode)
{
	return !t->seccomp_mode || t->seccomp_mode == mode;
}

static long set_mode_strict(struct task *t)
{
	if (!may_assign_mode(t, SECCOMP_MODE_STRICT))
		return -EINVAL;
	t->seccomp_mode = SECCOMP_MODE_STRICT;
	return 0;
}

/* Is filter a the chain of b, or one of its older parts?  (NULL is.) */
static bool is_ancestor(const struct seccomp_filter *a, const struct seccomp_filter *b)
{
	if (!a)
		return true;
	for (; b; b = b->prev)
		if (a == b)
			return true;
	return false;
}

/* TSYNC: every other live thread of the process must be unfiltered or
 * hold a part of our chain; the tid of the first that does not. */
static int tsync_check(struct task *t)
{
	for (struct task *o = all_tasks; o; o = o->next_task) {
		if (o == t || o->tgid != t->tgid || o->state != TASK_RUNNING || o->exiting)
			continue;
		if (o->seccomp_mode == 0 ||
		    (o->seccomp_mode == SECCOMP_MODE_FILTER && is_ancestor(o->seccomp, t->seccomp)))
			continue;
		return o->tid;
	}
	return 0;
}

static void tsync_apply(struct task *t)
{
	for (struct task *o = all_tasks; o; o = o->next_task) {
		if (o == t || o->tgid != t->tgid || o->state != TASK_RUNNING || o->exiting)
			continue;
		filter_put(o->seccomp);
		o->seccomp = filter_get(t->seccomp);
		if (t->no_new_privs)
			o->no_new_privs = true;
		o->seccomp_mode = SECCOMP_MODE_FILTER;
	}
}

/* Copy and check the user's struct sock_fprog (Linux's
 * seccomp_prepare_user_filter): EFAULT, EINVAL (length), EACCES (neither
 * no_new_privs nor CAP_SYS_ADMIN), EFAULT (the program), EINVAL (it). */
static long prepare_filter(struct task *t, u64 uprog, struct seccomp_filter **out)
{
	struct sock_fprog fp;
	if (!uprog || copy_from_user(t->mm, &fp, uprog, sizeof(fp)) < 0)
		return -EFAULT;
	if (fp.len == 0 || fp.len > MAX_INSNS_PER_FILTER)
		return -EINVAL;
	if (!t->no_new_privs && !capable(t, CAP_SYS_ADMIN))
		return -EACCES;
	struct seccomp_filter *f = kzalloc(sizeof(*f) + fp.len * sizeof(struct sock_filter));
	if (!f)
		return -ENOMEM;
	f->len = fp.len;
	if (copy_from_user(t->mm, f->insns, (u64)fp.filter, fp.len * sizeof(struct sock_filter)) < 0) {
		free(f);
		return -EFAULT;
	}
	long r = check_program(f->insns, f->len);
	if (r < 0) {
		free(f);
		return r;
	}
	f->refs = 1;
	*out = f;
	return 0;
}

static long set_mode_filter(struct task *t, u64 flags, u64 uprog)
{
	if (flags & ~(u64)FILTER_FLAGS_KNOWN)
		return -EINVAL;
	if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) &&
	    !(flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH))
		return -EINVAL;
	if ((flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return -EINVAL;
	struct seccomp_filter *f;
	long r = prepare_filter(t, uprog, &f);
	if (r < 0)
		return r;
	/* no user-notification listener (docs/seccomp.md): refused as by a
	 * kernel without them, after the checks of the program */
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
		r = -EINVAL;
		goto fail;
	}
	if (!may_assign_mode(t, SECCOMP_MODE_FILTER)) {
		r = -EINVAL;
		goto fail;
	}
	unsigned long total = f->len;
	for (struct seccomp_filter *w = t->seccomp; w; w = w->prev)
		total += w->len + 4;
	if (total > MAX_INSNS_PER_PATH) {
		r = -ENOMEM;
		goto fail;
	}
	if (flags & SECCOMP_FILTER_FLAG_TSYNC) {
		int tid = tsync_check(t);
		if (tid) {
			r = (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) ? -ESRCH : tid;
			goto fail;
		}
	}
	f->log = flags & SECCOMP_FILTER_FLAG_LOG;
	f->prev = t->seccomp; /* our reference to the old chain passes to it */
	f->count = seccomp_filter_count(t) + 1;
	t->seccomp = f;
	t->seccomp_mode = SECCOMP_MODE_FILTER;
	if (flags & SECCOMP_FILTER_FLAG_TSYNC)
		tsync_apply(t);
	return 0;
fail:
	free(f);
	return r;
}

static long get_action_avail(struct task *t, u64 uaction)
{
	u32 action;
	if (copy_from_user(t->mm, &action, uaction, sizeof(action)) < 0)
		return -EFAULT;
	switch (action) {
	case SECCOMP_RET_KILL_PROCESS: case SECCOMP_RET_KILL_THREAD: case SECCOMP_RET_TRAP:
	case SECCOMP_RET_ERRNO: case SECCOMP_RET_USER_NOTIF: case SECCOMP_RET_TRACE:
	case SECCOMP_RET_LOG: case SECCOMP_RET_ALLOW:
		return 0;
	}
	return -EOPNOTSUPP;
}

static long get_notif_sizes(struct task *t, u64 usizes)
{
	struct seccomp_notif_sizes s = {
		sizeof(struct seccomp_notif), sizeof(struct seccomp_notif_resp), sizeof(struct seccomp_data)
	};
	return copy_to_user(t->mm, usizes, &s, sizeof(s)) < 0 ? -EFAULT : 0;
}

static long do_seccomp(struct task *t, u64 op, u64 flags, u64 uargs)
{
	switch (op) {
	case SECCOMP_SET_MODE_STRICT:
		if (flags || uargs)
			return -EINVAL;
		return set_mode_strict(t);
	case SECCOMP_SET_MODE_FILTER:
		return set_mode_filter(t, flags, uargs);
	case SECCOMP_GET_ACTION_AVAIL:
		return flags ? -EINVAL : get_action_avail(t, uargs);
	case SECCOMP_GET_NOTIF_SIZES:
		return flags ? -EINVAL : get_notif_sizes(t, uargs);
	}
	return -EINVAL;
}

SYSCALL_DEFINE(seccomp)
{
	return do_seccomp(t, (u32)a->a[0], (u32)a->a[1], a->a[2]);
}

long seccomp_prctl_set(struct task *t, u64 mode, u64 filter)
{
	switch (mode) {
	case SECCOMP_MODE_STRICT:
		return do_seccomp(t, SECCOMP_SET_MODE_STRICT, 0, 0); /* prctl ignores the filter */
	case SECCOMP_MODE_FILTER:
		return do_seccomp(t, SECCOMP_SET_MODE_FILTER, 0, filter);
	}
	return -EINVAL;
}

long seccomp_prctl_get(struct task *t)
{
	return t->seccomp_mode;
}
