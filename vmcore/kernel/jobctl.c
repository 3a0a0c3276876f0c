/* Process groups and job control: orphaned process groups.
 *
 * POSIX calls a process group orphaned when no member has a parent in a
 * different group of the same session: nobody is left who could continue
 * a stopped job.  Linux draws two consequences, and so do we:
 *  - the stop signals a terminal sends (SIGTSTP, SIGTTIN, SIGTTOU) are
 *    discarded at delivery when their default action would stop a member
 *    of an orphaned group (get_signal), and the terminal answers such a
 *    background access with EIO instead of a signal;
 *  - when an exit makes a group orphaned and the group has stopped
 *    members, every member gets SIGHUP and then SIGCONT (kill_orphaned_pgrp
 *    in Linux's exit_notify), so that a stopped job is not stuck forever.
 * As in Linux, a parent that is init does not count as a link outside the
 * group (init never does job control), and neither does a zombie.
 *
 * Groups and sessions are those of processes: the pgid and sid of thread
 * group leaders.  BKL held throughout. */
#include <vmcore/signal.h>
#include <string.h>

static bool pgrp_member(struct task *p, int pgrp)
{
	return p == p->group_leader && p->state == TASK_RUNNING && p->pgid == pgrp;
}

bool pgrp_will_be_orphaned(int pgrp, struct task *ignored)
{
	for (struct task *p = all_tasks; p; p = p->next_task) {
		if (!pgrp_member(p, pgrp) || p == ignored)
			continue;
		struct task *parent = p->parent ? p->parent->group_leader : NULL;
		if (!parent || parent->tgid == 1 || parent->state != TASK_RUNNING)
			continue;
		if (parent->pgid != pgrp && parent->sid == p->sid)
			return false;
	}
	return true;
}

static bool pgrp_has_stopped(int pgrp)
{
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->state == TASK_RUNNING && q->stopped && q->group_leader->pgid == pgrp)
			return true;
	return false;
}

void kill_pgrp_kernel(int pgrp, int sig)
{
	if (pgrp <= 0)
		return;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_KERNEL;
	for (struct task *p = all_tasks; p; p = p->next_task)
		if (pgrp_member(p, pgrp))
			send_signal(process_target(p, sig), sig, &si);
}

void kill_orphaned_pgrp(struct task *tsk, struct task *parent)
{
	struct task *ignored = NULL;
	if (!parent) {
		/* tsk exits: it may have been its group's only link outside */
		parent = tsk->parent;
		ignored = tsk;
	}
	/* else tsk was reparented away from parent, which exits */
	if (!parent)
		return;
	parent = parent->group_leader;
	int pgrp = tsk->pgid;
	if (parent->pgid != pgrp && parent->sid == tsk->sid && pgrp_will_be_orphaned(pgrp, ignored) &&
	    pgrp_has_stopped(pgrp)) {
		kill_pgrp_kernel(pgrp, SIGHUP);
		kill_pgrp_kernel(pgrp, SIGCONT);
	}
}
