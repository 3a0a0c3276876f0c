/* The system call path: one table built from syscalls.def and dispatch,
 * with the hooks of the trace (trace/) and the flight recorder. */
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <vmcore/trace.h>
#include <vmcore/gdb.h>
#include <vmcore/ptrace.h>
#include <vmcore/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>


/* 0 (make NOTRACE=1): the syscall path without the trace's hooks and the
 * flight recorder, for measuring what they cost when the trace is off. */
#ifndef CONFIG_SYSCALL_TRACE
#define CONFIG_SYSCALL_TRACE 1
#endif
#define TRACING (CONFIG_SYSCALL_TRACE && unlikely(trace_on))

const struct syscall_desc syscall_table[NR_SYSCALLS] = {
#define SYSCALL(nr, name, n, kinds) [nr] = { #name, n, sys_##name, kinds },
#include "syscalls.def"
#undef SYSCALL
};

static u8 enosys_logged[NR_SYSCALLS];

/* An i386 system call (the host tells them apart, host_run): vmcore has
 * no i386 table, and an i386 number must never go through the x86-64 one
 * (83 is symlink there, mkdir here).  Refused with ENOSYS, rip unchanged
 * past the instruction, as for any failed call. */
void syscall_refuse32(struct task *t)
{
	static bool logged;
	if (!logged)
		pr_warn("vmcore: %s[%d] made a 32-bit system call (%llu): not supported\n", t->comm,
			t->tid, (unsigned long long)t->ht.regs.orig_rax);
	logged = true;
	t->nsyscalls++;
	t->ht.regs.rax = -ENOSYS;
	t->ht.regs_dirty = true;
}

void syscall_dispatch(struct task *t)
{
	struct user_regs_struct *r = &t->ht.regs;
	long ret;

	t->nsyscalls++;
	t->syscall_event = true;
	/* a guest tracer's syscall-enter-stop comes first: it may change the
	 * call, or have it skipped (rax is then the tracer's) */
	if (unlikely(t->pt) && ptrace_syscall_entry(t)) {
		t->ht.regs_dirty = true;
		if (t->pt)
			ptrace_syscall_exit(t);
		return;
	}
	/* then seccomp, which judges the call as the tracer left it */
	if (unlikely(t->seccomp_mode) && seccomp_syscall_entry(t)) {
		t->ht.regs_dirty = true;
		if (t->pt)
			ptrace_syscall_exit(t);
		return;
	}
	struct syscall_args a = {
		r->orig_rax, { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 }
	};
	if (TRACING) {
		trace_enter(t, &a);
		if (a.nr == SYS_exit || a.nr == SYS_exit_group)
			trace_noreturn(t, &a); /* they do not return */
	}
	if (unlikely(gdb_active) && t->gdb)
		gdb_syscall(t, true);
	if (a.nr < NR_SYSCALLS && syscall_table[a.nr].fn) {
		ret = syscall_table[a.nr].fn(t, &a);
	} else {
		ret = -ENOSYS;
		if (a.nr >= NR_SYSCALLS || !enosys_logged[a.nr]) {
			const char *name = a.nr < NR_SYSCALLS ? syscall_table[a.nr].name : NULL;
			pr_info("vmcore: unimplemented system call %s (%llu) from %s[%d]\n",
				name ? name : "?", (unsigned long long)a.nr, t->comm, t->tid);
			if (a.nr < NR_SYSCALLS)
				enosys_logged[a.nr] = 1;
		}
	}
	if (CONFIG_SYSCALL_TRACE)
		flight_record(t, &a, ret);
	if (TRACING)
		trace_exit(t, &a, ret);
	r->rax = ret;
	t->ht.regs_dirty = true;
	if (unlikely(gdb_active) && t->gdb)
		gdb_syscall(t, false);
	fd_put_held(t); /* what fd_get looked up in this call (and its trace) */
	if (unlikely(t->pt))
		ptrace_syscall_exit(t);
}
