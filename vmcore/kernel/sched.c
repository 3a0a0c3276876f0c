/* Scheduling parameters: niceness (getpriority, setpriority) and the
 * scheduling policy (sched_setscheduler and its family), with Linux's
 * rules on who may change whose and how far (sched(7), setpriority(2)).
 *
 * The guest's values are kept per task (niceness is per thread, as on
 * Linux) and reported back; vmcore's scheduler is the host's, so a
 * niceness is also given to the task's host thread, but only upward from
 * 0: a guest may yield the host's CPU, never take it from the host's other
 * work.  Real-time policies are recorded, never passed to the host; so is
 * a CPU affinity mask (of the guest's vCPUs), which sched_getaffinity
 * reports back. */
#include <vmcore/cred.h>
#include <vmcore/host.h>
#include <vmcore/syscall.h>
#include <sched.h>
#include <sys/resource.h>

#define NICE_MIN (-20)
#define NICE_MAX 19
#define MAX_RT_PRIO 99

static bool cap_sys_nice(struct task *t)
{
	return capable(t, CAP_SYS_NICE);
}

/* May T change the scheduling of P at all (its owner, or CAP_SYS_NICE)? */
static bool may_change(struct task *t, struct task *p)
{
	return p->uid == t->euid || p->euid == t->euid || cap_sys_nice(t);
}

/* May P's niceness go down to NICE (RLIMIT_NICE of P, or CAP_SYS_NICE of
 * the caller T)? */
static bool can_nice(struct task *t, struct task *p, int nice)
{
	return (u64)(20 - nice) <= p->rlimits[RLIMIT_NICE][0] || cap_sys_nice(t);
}

static bool live(struct task *p)
{
	return p->state == TASK_RUNNING && !p->exiting;
}

/* Does P fall under (WHICH, WHO) for T?  WHO has been resolved (0 made
 * the caller's own id). */
static bool prio_match(struct task *p, int which, u32 who)
{
	switch (which) {
	case PRIO_PROCESS: return p->tid == (int)who;
	case PRIO_PGRP: return p->pgid == (int)who;
	default: return p->uid == who; /* PRIO_USER: the real uid */
	}
}

static long prio_who(struct task *t, int which, long who)
{
	if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
		return -EINVAL;
	if (who)
		return who;
	return which == PRIO_PROCESS ? t->tid : which == PRIO_PGRP ? t->pgid : (long)t->uid;
}

static void set_nice(struct task *p, int nice)
{
	p->nice = nice;
	if (p->ht.tid)
		host_set_nice(&p->ht, nice);
}

SYSCALL_DEFINE(getpriority)
{
	int which = a->a[0];
	long who = prio_who(t, which, (int)a->a[1]);
	if (who < 0)
		return who;
	long best = -ESRCH;
	for (struct task *p = all_tasks; p; p = p->next_task)
		if (live(p) && prio_match(p, which, who) && 20 - p->nice > best)
			best = 20 - p->nice; /* 1..40: glibc turns it into the nice value */
	return best;
}

SYSCALL_DEFINE(setpriority)
{
	int which = a->a[0];
	int nice = (int)a->a[2];
	long who = prio_who(t, which, (int)a->a[1]);
	if (who < 0)
		return who;
	if (nice < NICE_MIN)
		nice = NICE_MIN;
	if (nice > NICE_MAX)
		nice = NICE_MAX;
	long err = -ESRCH;
	for (struct task *p = all_tasks; p; p = p->next_task) {
		if (!live(p) || !prio_match(p, which, who))
			continue;
		if (!may_change(t, p)) {
			err = -EPERM;
			continue;
		}
		if (nice < p->nice && !can_nice(t, p, nice)) {
			err = -EACCES;
			continue;
		}
		set_nice(p, nice);
		if (err == -ESRCH)
			err = 0;
	}
	return err;
}

/* nice(2) is glibc's setpriority; the x86-64 table has no nice. */

static struct task *sched_target(struct task *t, long pid)
{
	if (!pid)
		return t;
	struct task *p = task_find(pid);
	return p && live(p) ? p : NULL;
}

static bool rt_policy(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

static long set_scheduler(struct task *t, long pid, int policy, u64 uparam, bool keep_policy)
{
	int prio;
	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(t->mm, &prio, uparam, sizeof(prio)) < 0)
		return -EFAULT;
	struct task *p = sched_target(t, pid);
	if (!p)
		return -ESRCH;
	if (keep_policy)
		policy = p->policy;
	policy &= ~SCHED_RESET_ON_FORK;
	if (policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE &&
	    !rt_policy(policy))
		return -EINVAL;
	if (rt_policy(policy) ? prio < 1 || prio > MAX_RT_PRIO : prio != 0)
		return -EINVAL;
	if (!cap_sys_nice(t)) {
		if (!may_change(t, p))
			return -EPERM;
		if (rt_policy(policy)) {
			u64 rlim = p->rlimits[RLIMIT_RTPRIO][0];
			/* a real-time priority within RLIMIT_RTPRIO, not raised */
			if (!rlim || ((u64)prio > rlim && prio > p->rt_priority))
				return -EPERM;
		}
		/* leaving SCHED_IDLE needs the right to the current niceness */
		if (p->policy == SCHED_IDLE && policy != SCHED_IDLE && !can_nice(t, p, p->nice))
			return -EPERM;
	}
	p->policy = policy;
	p->rt_priority = rt_policy(policy) ? prio : 0;
	return 0;
}

SYSCALL_DEFINE(sched_setscheduler)
{
	return set_scheduler(t, (long)a->a[0], (int)a->a[1], a->a[2], false);
}

SYSCALL_DEFINE(sched_setparam)
{
	return set_scheduler(t, (long)a->a[0], 0, a->a[1], true);
}

SYSCALL_DEFINE(sched_getscheduler)
{
	if ((long)a->a[0] < 0)
		return -EINVAL;
	struct task *p = sched_target(t, (long)a->a[0]);
	return p ? p->policy : -ESRCH;
}

SYSCALL_DEFINE(sched_getparam)
{
	if (!a->a[1] || (long)a->a[0] < 0)
		return -EINVAL;
	struct task *p = sched_target(t, (long)a->a[0]);
	if (!p)
		return -ESRCH;
	int prio = p->rt_priority;
	return copy_to_user(t->mm, a->a[1], &prio, sizeof(prio)) < 0 ? -EFAULT : 0;
}

SYSCALL_DEFINE(sched_get_priority_max)
{
	int policy = a->a[0];
	if (rt_policy(policy))
		return MAX_RT_PRIO;
	return policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ||
			       policy == 6 /* SCHED_DEADLINE */
		       ? 0
		       : -EINVAL;
}

SYSCALL_DEFINE(sched_get_priority_min)
{
	int policy = a->a[0];
	if (rt_policy(policy))
		return 1;
	return policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE ||
			       policy == 6 /* SCHED_DEADLINE */
		       ? 0
		       : -EINVAL;
}

SYSCALL_DEFINE(sched_rr_get_interval)
{
	if ((long)a->a[0] < 0)
		return -EINVAL;
	struct task *p = sched_target(t, (long)a->a[0]);
	if (!p)
		return -ESRCH;
	/* SCHED_RR's default timeslice (sched_rr_timeslice_ms, 100); the
	 * others report none of their own */
	struct timespec ts = { 0, p->policy == SCHED_RR ? 100000000L : 0 };
	return copy_to_user(t->mm, a->a[1], &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

/* ---- CPU affinity ---- */

static u64 online_mask(void)
{
	return nr_vcpus >= 64 ? ~0UL : (1UL << nr_vcpus) - 1;
}

SYSCALL_DEFINE(sched_getaffinity)
{
	u64 len = a->a[1];
	if (len * 8 < (u64)nr_vcpus || (len & 7))
		return -EINVAL;
	if ((long)a->a[0] < 0)
		return -ESRCH;
	struct task *p = sched_target(t, (long)a->a[0]);
	if (!p)
		return -ESRCH;
	u64 mask = online_mask() & (p->cpus_allowed ? p->cpus_allowed : ~0UL);
	if (copy_to_user(t->mm, a->a[2], &mask, 8) < 0)
		return -EFAULT;
	return 8;
}

SYSCALL_DEFINE(sched_setaffinity)
{
	u64 len = a->a[1], mask = 0;
	if ((long)a->a[0] < 0)
		return -ESRCH;
	struct task *p = sched_target(t, (long)a->a[0]);
	if (!p)
		return -ESRCH;
	if (copy_from_user(t->mm, &mask, a->a[2], MIN(len, (u64)8)) < 0)
		return -EFAULT;
	if (!may_change(t, p))
		return -EPERM;
	if (!(mask & online_mask()))
		return -EINVAL; /* no CPU the guest has */
	p->cpus_allowed = mask & online_mask();
	return 0;
}
