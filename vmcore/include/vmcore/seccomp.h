/* seccomp for guest tasks (kernel/seccomp.c): strict mode and classic-BPF
 * filters over struct seccomp_data, run at every system call entry of a
 * task that has them (docs/seccomp.md). */
#ifndef VMCORE_SECCOMP_H
#define VMCORE_SECCOMP_H

#include <vmcore/task.h>

/* t->seccomp_mode: Linux's SECCOMP_MODE_* (0 disabled, 1 strict, 2 filter) */

/* A system call is entering (registers in t->ht.regs; t->seccomp_mode
 * set): true if it is not to run, rax then holding its result (or the
 * task is gone).  A guest tracer may change the call at a
 * PTRACE_EVENT_SECCOMP stop. */
bool seccomp_syscall_entry(struct task *t);
/* fork/clone: the child shares the parent's filters and mode */
void seccomp_fork(struct task *child, struct task *parent);
/* the task is freed: drop its hold on its filters */
void seccomp_release(struct task *t);
/* prctl(PR_SET_SECCOMP, mode, filter) and PR_GET_SECCOMP */
long seccomp_prctl_set(struct task *t, u64 mode, u64 filter);
long seccomp_prctl_get(struct task *t);
/* the filters t has (/proc/PID/status Seccomp_filters) */
int seccomp_filter_count(const struct task *t);

#endif
