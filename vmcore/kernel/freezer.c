/* The freezer: the control console's "stop" holds every guest task, "go"
 * lets them go (UML's mconsole stop/go; Linux's cgroup freezer).
 *
 * A task freezes in its own task thread, at the top of task_loop, before
 * it would run guest code again: the one point every task passes, with
 * the BKL held, so that freezing is a flag and a wait.  freeze_all kicks
 * the tasks running guest code out of it (host_kick, as a signal does);
 * a task asleep in the kernel (a read on an empty pipe, nanosleep) stays
 * asleep and freezes if it wakes, before its guest sees the result.  No
 * guest instruction runs while frozen.  Time is not stopped: timers
 * expire and signals queue, and take effect at the thaw.  SIGKILL still
 * ends a frozen task (the halt path does not wait for a thaw). */
#include <vmcore/freezer.h>
#include <vmcore/task.h>
#include <vmcore/signal.h>
#include <vmcore/host.h>
#include <vmcore/ktime.h>

bool system_freezing;
static pthread_cond_t thaw_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t frozen_cond = PTHREAD_COND_INITIALIZER;

#define FREEZE_WAIT_MS 2000

void refrigerator(struct task *t)
{
	if (!system_freezing)
		return;
	t->frozen = true;
	pthread_cond_broadcast(&frozen_cond);
	while (system_freezing && !(t->pending & sigmask_of(SIGKILL))) {
		t->waiting_on = &thaw_cond; /* a signal's wake-up lands here */
		bkl_wait(&thaw_cond);
		t->waiting_on = NULL;
	}
	t->frozen = false;
	do_signal(t); /* what was sent while frozen */
}

/* Could this task still run guest code before it freezes? */
static bool unfrozen_runner(const struct task *t)
{
	return t->state == TASK_RUNNING && !t->exiting && t->ht.tid && !t->frozen && t->in_user;
}

int freeze_all(void)
{
	if (system_freezing)
		return -EBUSY;
	system_freezing = true;
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (unfrozen_runner(t))
			host_kick(&t->ht);
	/* a task that went to sleep in the kernel instead says nothing:
	 * look again every 10 ms */
	for (int ms = 0; ms < FREEZE_WAIT_MS; ms += 10) {
		bool busy = false;
		for (struct task *t = all_tasks; t && !busy; t = t->next_task)
			busy = unfrozen_runner(t);
		if (!busy)
			break;
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		struct timespec abs = ts_add_ktime(now, NSEC_PER_SEC / 100);
		pthread_cond_timedwait(&frozen_cond, bkl_mutex(), &abs);
	}
	int left = 0;
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (t->state == TASK_RUNNING && !t->exiting && !t->frozen)
			left++;
	return left;
}

int thaw_all(void)
{
	if (!system_freezing)
		return -EINVAL;
	system_freezing = false;
	pthread_cond_broadcast(&thaw_cond);
	return 0;
}
