/* ptrace: the tracer/tracee interface (kernel/ptrace.c) and its access
 * checks (kernel/ptrace_access.c). */
#ifndef VMCORE_PTRACE_H
#define VMCORE_PTRACE_H

#include <vmcore/kernel.h>

struct task;

/* ---- access checks (kernel/ptrace_access.c) ---- */

/* ptrace_may_access modes (linux/ptrace.h) */
#define PTRACE_MODE_READ 0x01
#define PTRACE_MODE_ATTACH 0x02
#define PTRACE_MODE_NOAUDIT 0x04
#define PTRACE_MODE_FSCREDS 0x08
#define PTRACE_MODE_REALCREDS 0x10
#define PTRACE_MODE_READ_FSCREDS (PTRACE_MODE_READ | PTRACE_MODE_FSCREDS)
#define PTRACE_MODE_READ_REALCREDS (PTRACE_MODE_READ | PTRACE_MODE_REALCREDS)
#define PTRACE_MODE_ATTACH_FSCREDS (PTRACE_MODE_ATTACH | PTRACE_MODE_FSCREDS)
#define PTRACE_MODE_ATTACH_REALCREDS (PTRACE_MODE_ATTACH | PTRACE_MODE_REALCREDS)

/* Linux's __ptrace_may_access with commoncap's and Yama's checks: may
 * caller inspect (READ) or attach to (ATTACH) target?  0 or -EPERM (the
 * callers turn it into EACCES where Linux does: /proc/PID/mem, environ,
 * the fd links). */
int ptrace_may_access(struct task *caller, struct task *target, unsigned mode);
/* Is child caller's process or a descendant of it (Yama's task_is_descendant)? */
bool ptrace_is_descendant(struct task *ancestor, struct task *child);
/* PTRACE_TRACEME's check of the parent (commoncap's and Yama's
 * ptrace_traceme): 0 or -EPERM. */
int ptrace_traceme_check(struct task *child, struct task *parent);
/* The tracer of t, for Yama's "already tracing" exception.  A weak
 * definition returning NULL lives in ptrace_access.c; kernel/ptrace.c
 * gives the real one. */
struct task *ptrace_parent(struct task *t);

/* kernel.yama.ptrace_scope: 0 classic, 1 relational, 2 admin-only, 3 none */
extern int yama_ptrace_scope;
/* a write to the sysctl by t (CAP_SYS_PTRACE; 3 is sticky): 0 or -errno */
int yama_set_scope(struct task *t, long long v);
/* prctl(PR_SET_PTRACER, arg) */
long yama_set_ptracer(struct task *t, u64 arg);

/* mm->nondumpable's source on credential changes: fs.suid_dumpable (0) */
#define SUID_DUMP_DISABLE 0
#define SUID_DUMP_USER 1

/* ---- end of access checks ---- */

#endif
