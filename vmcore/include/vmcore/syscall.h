/* The system call interface: handlers are long sys_<name>(struct task *,
 * const struct syscall_args *), returning a result or -errno.  The table is
 * built from vmcore/kernel/syscalls.def. */
#ifndef VMCORE_SYSCALL_H
#define VMCORE_SYSCALL_H

#include <vmcore/task.h>

struct syscall_args {
	u64 nr;
	u64 a[6];
};

typedef long (*syscall_fn)(struct task *t, const struct syscall_args *a);

struct syscall_desc {
	const char *name;
	int nargs;
	syscall_fn fn;
	const char *kinds; /* argument kinds for the trace decoder, space-separated */
};

#define NR_SYSCALLS 512
extern const struct syscall_desc syscall_table[NR_SYSCALLS];

#define SYSCALL(nr, name, n, kinds) long sys_##name(struct task *t, const struct syscall_args *a) __attribute__((weak));
#include "../../kernel/syscalls.def"
#undef SYSCALL

#define SYSCALL_DEFINE(name) long sys_##name(struct task *t, const struct syscall_args *a)

/* Handle the syscall the task is stopped at. */
void syscall_dispatch(struct task *t);
void syscall_refuse32(struct task *t);


#endif
