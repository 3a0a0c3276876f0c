/* The out-of-memory killer.
 *
 * With the heuristic or no overcommit check (vm.overcommit_memory 0 or 1,
 * Linux's default is 0) address spaces may reserve more than there is, and
 * a fault can find no frame even after reclaim gave back the clean page
 * cache.  Then, as Linux's mm/oom_kill.c, the process with the most memory
 * is killed, not necessarily the one faulting: its resident pages (our
 * page tables' count, rss) decide, init is never chosen, nor a process
 * already on its way out.  The faulting task waits until an address space
 * has gone and faults again; when it is itself the biggest (or the only
 * candidate), the caller kills it, as before.  In strict mode (2) a fault
 * finds no frame only when the kernel's own memory took them. */
#include <vmcore/mm.h>
#include <vmcore/task.h>
#include <vmcore/signal.h>
#include <vmcore/cred.h>

static u64 total_vm(struct mm *mm)
{
	u64 pages = 0;
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next)
		pages += (v->end - v->start) >> PAGE_SHIFT;
	return pages;
}

static bool dying(struct task *t)
{
	return t->state != TASK_RUNNING || t->group_exit || t->exiting;
}

void oom_report(struct task *victim)
{
	pr_err("Out of memory: Killed process %d (%s) total-vm:%llukB, rss:%llukB, UID:%u\n", victim->tgid,
	       victim->comm, (unsigned long long)total_vm(victim->mm) * 4, (unsigned long long)victim->mm->rss * 4,
	       victim->uid);
}

bool oom_kill_other(struct task *self)
{
	struct task *victim = NULL;
	u64 most = 0;
	for (struct task *t = all_tasks; t; t = t->next_task) {
		if (t->tid != t->tgid || !t->mm || t->tgid == 1 || dying(t))
			continue;
		if (t->mm->rss > most) {
			most = t->mm->rss;
			victim = t;
		}
	}
	if (!victim || victim->mm == self->mm)
		return false;
	oom_report(victim);
	u64 gen = reclaim_generation();
	siginfo_t si = { .si_signo = SIGKILL, .si_code = SI_KERNEL };
	send_signal_force(victim, SIGKILL, &si);
	reclaim_wait_gen(self, gen);
	return true;
}
