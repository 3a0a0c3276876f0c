/* The out-of-memory killer.
 *
 * With the heuristic or no overcommit check (vm.overcommit_memory 0 or 1,
 * Linux's default is 0) address spaces may reserve more than there is, and
 * a fault can find no frame even after reclaim gave back the clean page
 * cache.  Then, as Linux's mm/oom_kill.c, the process with the most memory
 * is killed, not necessarily the one faulting: its resident pages (our
 * page tables' count, rss) with its oom_score_adj decide (Linux's
 * oom_badness: adj thousandths of all memory are added; -1000 is never
 * chosen), init is never chosen, nor a process already on its way out.  The faulting task waits until an address space
 * has gone and faults again; when it is itself the biggest (or the only
 * candidate), the caller kills it, as before.  In strict mode (2) a fault
 * finds no frame only when the kernel's own memory took them. */
#include <vmcore/mm.h>
#include <vmcore/task.h>
#include <vmcore/signal.h>
#include <vmcore/cred.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/oom.h>

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

/* Linux's oom_badness: resident pages, plus oom_score_adj thousandths of
 * all memory; OOM_BADNESS_NONE for a process never to be taken
 * (oom_score_adj -1000). */
#define OOM_BADNESS_NONE LLONG_MIN

static long long badness(struct task *t)
{
	struct task *l = t->group_leader ? t->group_leader : t;
	if (l->oom_score_adj == OOM_SCORE_ADJ_MIN || !t->mm)
		return OOM_BADNESS_NONE;
	long long points = (long long)t->mm->rss;
	points += (long long)l->oom_score_adj * (long long)(physmem_frames / 1000);
	return points;
}

/* The last victim, until its memory is gone: as Linux's
 * tsk_is_oom_victim, no second process is taken while the first is still
 * on its way out (its SIGKILL not yet acted on, its frames not yet back);
 * the faulting task waits for it instead. */
static int victim_tgid;
static struct mm *victim_mm;

static bool victim_pending(void)
{
	if (!victim_tgid)
		return false;
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (t->tgid == victim_tgid && t->mm == victim_mm && t->mm->rss && t->state == TASK_RUNNING)
			return true;
	victim_tgid = 0;
	victim_mm = NULL;
	return false;
}

bool oom_kill_other(struct task *self)
{
	struct task *victim = NULL;
	long long most = OOM_BADNESS_NONE;
	if (victim_pending() && victim_mm != self->mm) {
		reclaim_wait_gen(self, reclaim_generation());
		return true;
	}
	for (struct task *t = all_tasks; t; t = t->next_task) {
		if (t->tid != t->tgid || !t->mm || t->tgid == 1 || dying(t))
			continue;
		long long points = badness(t);
		if (points == OOM_BADNESS_NONE)
			continue;
		if (!victim || points > most) {
			most = points;
			victim = t;
		}
	}
	if (!victim || victim->mm == self->mm)
		return false;
	oom_report(victim);
	victim_tgid = victim->tgid;
	victim_mm = victim->mm;
	u64 gen = reclaim_generation();
	siginfo_t si = { .si_signo = SIGKILL, .si_code = SI_KERNEL };
	send_signal_force(victim, SIGKILL, &si);
	reclaim_wait_gen(self, gen);
	return true;
}

/* /proc/PID/oom_score: Linux's 0..2000 scale of the badness (1000 + the
 * badness in thousandths of all memory), 0 for a process never taken. */
long oom_score(struct task *t)
{
	long long points = badness(t);
	if (points == OOM_BADNESS_NONE)
		return 0;
	long long total = MAX(physmem_frames, 1);
	return MAX(0, 1000 + points * 1000 / total);
}

/* /proc/PID/oom_score_adj, and the legacy oom_adj (-17..15, -17 never),
 * as Linux's fs/proc/base.c */
long oom_adj_read(struct task *t, bool legacy)
{
	int adj = t->group_leader->oom_score_adj;
	if (!legacy)
		return adj;
	return adj == OOM_SCORE_ADJ_MAX ? OOM_ADJUST_MAX : adj * -OOM_DISABLE / OOM_SCORE_ADJ_MAX;
}

long oom_adj_write(struct task *writer, struct task *t, const char *src, size_t len, bool legacy)
{
	char buf[16];
	size_t n = MIN(len, sizeof(buf) - 1);
	memcpy(buf, src, n);
	buf[n] = 0;
	/* kstrtoint(strstrip()): blanks around one integer, base 0 */
	char *p = buf, *end;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	errno = 0;
	long v = strtol(p, &end, 0);
	if (end == p || errno)
		return -EINVAL;
	while (*end == ' ' || (*end >= '\t' && *end <= '\r'))
		end++;
	if (*end)
		return -EINVAL;
	struct task *l = t->group_leader;
	if (legacy) {
		if ((v < OOM_ADJUST_MIN || v > OOM_ADJUST_MAX) && v != OOM_DISABLE)
			return -EINVAL;
		v = v == OOM_ADJUST_MAX ? OOM_SCORE_ADJ_MAX : v * OOM_SCORE_ADJ_MAX / -OOM_DISABLE;
		if (v < l->oom_score_adj && !capable(writer, CAP_SYS_RESOURCE))
			return -EACCES;
	} else {
		if (v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX)
			return -EINVAL;
		if (v < l->oom_score_adj_min && !capable(writer, CAP_SYS_RESOURCE))
			return -EACCES;
	}
	l->oom_score_adj = v;
	if (!legacy && capable(writer, CAP_SYS_RESOURCE))
		l->oom_score_adj_min = v;
	/* a vfork child shares the address space: Linux sets them all */
	for (struct task *o = all_tasks; o; o = o->next_task)
		if (o->mm == t->mm && o->group_leader != l && o->tid == o->tgid)
			o->oom_score_adj = v;
	return len;
}
