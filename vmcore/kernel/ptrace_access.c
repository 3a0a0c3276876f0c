/* Who may look at or take control of another process: Linux's
 * __ptrace_may_access, then commoncap's cap_ptrace_access_check, then
 * Yama's yama_ptrace_access_check (ATTACH only).  The callers are
 * ptrace(2), process_vm_readv/writev, pidfd_getfd and /proc/PID's mem,
 * environ and fd links.
 *
 * Yama's relation table (PR_SET_PTRACER) names tasks by (tid, start
 * time), so an entry whose task is gone is simply invalid; there is one
 * entry per tracee process at most, and stale ones are dropped whenever
 * one is added, so it is bounded by the number of processes. */
#include <vmcore/cred.h>
#include <vmcore/ptrace.h>
#include <vmcore/syscall.h>
#include <stdlib.h>

/* Linux's default (CONFIG_SECURITY_YAMA: YAMA_SCOPE_RELATIONAL); Debian's
 * kernel builds Yama in but the host here runs without it (no
 * /proc/sys/kernel/yama), which behaves as 0. */
int yama_ptrace_scope = 1;

struct ptracer_rel {
	int tracee, tracer;         /* tracee: a process's leader; tracer 0: any */
	u64 tracee_start, tracer_start;
	struct ptracer_rel *next;
};
static struct ptracer_rel *relations;

static struct task *leader(struct task *t)
{
	return t->group_leader ? t->group_leader : t;
}

static bool same_thread_group(struct task *a, struct task *b)
{
	return a->tgid == b->tgid;
}

static struct task *rel_task(int tid, u64 start)
{
	struct task *t = task_find(tid);
	return t && t->start_time_ns == start && t->state != TASK_DEAD ? t : NULL;
}

bool ptrace_is_descendant(struct task *parent, struct task *child)
{
	if (!parent || !child)
		return false;
	parent = leader(parent);
	struct task *w = child;
	for (int n = 0; w && n <= nr_tasks + 1; n++) {
		w = leader(w);
		if (w == parent)
			return true;
		w = w->parent;
	}
	return false;
}

static bool ptracer_exception_found(struct task *tracer, struct task *tracee)
{
	struct task *p = ptrace_parent(tracee);
	if (p && same_thread_group(p, tracer))
		return true;
	tracee = leader(tracee);
	for (struct ptracer_rel *r = relations; r; r = r->next) {
		if (r->tracee != tracee->tid || r->tracee_start != tracee->start_time_ns)
			continue;
		if (!r->tracer)
			return true;
		struct task *tr = rel_task(r->tracer, r->tracer_start);
		return tr && ptrace_is_descendant(tr, tracer);
	}
	return false;
}

static int yama_check(struct task *caller, struct task *target, unsigned mode)
{
	if (!(mode & PTRACE_MODE_ATTACH))
		return 0;
	switch (yama_ptrace_scope) {
	case 0:
		return 0;
	case 1:
		if (target->state == TASK_DEAD)
			return -EPERM;
		if (!ptrace_is_descendant(caller, target) && !ptracer_exception_found(caller, target) &&
		    !capable(caller, CAP_SYS_PTRACE))
			return -EPERM;
		return 0;
	case 2:
		return capable(caller, CAP_SYS_PTRACE) ? 0 : -EPERM;
	default:
		return -EPERM;
	}
}

int ptrace_may_access(struct task *caller, struct task *target, unsigned mode)
{
	if (!(mode & PTRACE_MODE_FSCREDS) == !(mode & PTRACE_MODE_REALCREDS))
		return -EPERM; /* Linux warns: a caller bug */
	if (!caller)
		return 0; /* the kernel itself */
	if (same_thread_group(caller, target))
		return 0;
	bool fs = mode & PTRACE_MODE_FSCREDS;
	u32 uid = fs ? caller->fsuid : caller->uid, gid = fs ? caller->fsgid : caller->gid;
	if (!(uid == target->euid && uid == target->suid && uid == target->uid && gid == target->egid &&
	      gid == target->sgid && gid == target->gid) &&
	    !capable(caller, CAP_SYS_PTRACE))
		return -EPERM;
	if (target->mm && target->mm->nondumpable && !capable(caller, CAP_SYS_PTRACE))
		return -EPERM;
	/* commoncap: the target's permitted set within the caller's
	 * (effective with fs creds, permitted with real ones) */
	u64 caps = fs ? caller->cap_effective : caller->cap_permitted;
	if ((target->cap_permitted & ~caps) && !capable(caller, CAP_SYS_PTRACE))
		return -EPERM;
	return yama_check(caller, target, mode);
}

int ptrace_traceme_check(struct task *child, struct task *parent)
{
	if (!parent)
		return -EPERM;
	/* commoncap: the child's permitted set within the parent's */
	if ((child->cap_permitted & ~parent->cap_permitted) && !capable(parent, CAP_SYS_PTRACE))
		return -EPERM;
	if (yama_ptrace_scope == 2 && !capable(parent, CAP_SYS_PTRACE))
		return -EPERM;
	if (yama_ptrace_scope >= 3)
		return -EPERM;
	return 0;
}

int yama_set_scope(struct task *t, long long v)
{
	if (!capable(t, CAP_SYS_PTRACE))
		return -EPERM;
	/* 0..3; once 3, only 3 (Yama locks the minimum to the maximum) */
	if (v < (yama_ptrace_scope == 3 ? 3 : 0) || v > 3)
		return -EINVAL;
	yama_ptrace_scope = v;
	return 0;
}

static void rel_del(int tracee)
{
	for (struct ptracer_rel **pp = &relations; *pp;) {
		struct ptracer_rel *r = *pp;
		bool stale = !rel_task(r->tracee, r->tracee_start) ||
			     (r->tracer && !rel_task(r->tracer, r->tracer_start));
		if (r->tracee == tracee || stale) {
			*pp = r->next;
			free(r);
		} else {
			pp = &r->next;
		}
	}
}

long yama_set_ptracer(struct task *t, u64 arg)
{
	struct task *me = leader(t);
	struct task *tracer = NULL;
	if (arg != 0 && arg != (u64)-1 && (int)arg != -1) {
		tracer = task_find((int)arg);
		if (!tracer || tracer->state == TASK_DEAD || (int)arg <= 0)
			return -EINVAL;
	}
	rel_del(me->tid);
	if (arg == 0)
		return 0;
	struct ptracer_rel *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->tracee = me->tid;
	r->tracee_start = me->start_time_ns;
	if (tracer) {
		r->tracer = tracer->tid;
		r->tracer_start = tracer->start_time_ns;
	}
	r->next = relations;
	relations = r;
	return 0;
}
