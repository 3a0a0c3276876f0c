/* The freezer (kernel/freezer.c): every guest task held before it next
 * runs guest code, as Linux's cgroup freezer holds a group, for the
 * control console's stop and go.  Time goes on while frozen: timers
 * expire and signals queue; they take effect at the thaw. */
#ifndef VMCORE_FREEZER_H
#define VMCORE_FREEZER_H

#include <vmcore/kernel.h>

struct task;
extern bool system_freezing;

/* BKL held.  Freeze every task; waits (a bounded time) until none runs
 * guest code.  Returns how many live tasks are not frozen yet (asleep in
 * the kernel: they freeze when they wake), or -EBUSY if frozen already. */
int freeze_all(void);
/* BKL held.  Let every task go; -EINVAL if nothing was frozen. */
int thaw_all(void);
/* task_loop, before the guest runs: held here while frozen. */
void refrigerator(struct task *t);

#endif
