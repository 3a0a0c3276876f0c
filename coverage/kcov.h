/* KCOV (make KCOV=1): Linux's interface for coverage-guided fuzzers,
 * /sys/kernel/debug/kcov, with the same ioctls and shared buffer. */
#ifndef VMCORE_KCOV_H
#define VMCORE_KCOV_H

#include <vmcore/vfs.h>

bool kcov_available(void);
extern const struct file_ops kcov_fops;
/* A task is going: it stops collecting. */
void kcov_task_exit(struct task *t);

#endif
