/* The system call path: one table built from syscalls.def, dispatch, and the
 * quick trace switch ("strace" on the command line: one line per call with
 * raw arguments, on the kernel's stderr). */
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

bool strace_enabled;

const struct syscall_desc syscall_table[NR_SYSCALLS] = {
#define SYSCALL(nr, name, n) [nr] = { #name, n, sys_##name },
#include "syscalls.def"
#undef SYSCALL
};

static u8 enosys_logged[NR_SYSCALLS];

static void trace_line(struct task *t, const struct syscall_args *a, long ret)
{
	char buf[512];
	const char *name = a->nr < NR_SYSCALLS && syscall_table[a->nr].name ? syscall_table[a->nr].name : NULL;
	int n = snprintf(buf, sizeof(buf), "[pid %d] ", t->tid);
	if (name)
		n += snprintf(buf + n, sizeof(buf) - n, "%s(", name);
	else
		n += snprintf(buf + n, sizeof(buf) - n, "syscall_%llu(", (unsigned long long)a->nr);
	int nargs = name ? syscall_table[a->nr].nargs : 6;
	for (int i = 0; i < nargs; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%#llx", i ? ", " : "", (unsigned long long)a->a[i]);
	if (a->nr == SYS_exit || a->nr == SYS_exit_group)
		n += snprintf(buf + n, sizeof(buf) - n, ") = ?\n");
	else if (IS_ERR_VALUE(ret))
		n += snprintf(buf + n, sizeof(buf) - n, ") = -1 %s (%s)\n",
			      strerrorname_np(-ret) ? strerrorname_np(-ret) : "?", strerror(-ret));
	else
		n += snprintf(buf + n, sizeof(buf) - n, ") = %#lx\n", ret);
	ssize_t w = write(2, buf, MIN((size_t)n, sizeof(buf) - 1));
	(void)w;
}

void syscall_dispatch(struct task *t)
{
	struct user_regs_struct *r = &t->ht.regs;
	struct syscall_args a = {
		r->orig_rax, { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 }
	};
	long ret;
	u16 insn = 0;

	t->nsyscalls++;
	/* int $0x80 and sysenter use the i386 table: refuse them. */
	if (copy_from_user(t->mm, &insn, r->rip - 2, 2) == 0 && insn != 0x050f) {
		static bool logged;
		if (!logged)
			pr_warn("vmcore: %s[%d] made a 32-bit system call (%llu): not supported\n",
				t->comm, t->tid, (unsigned long long)a.nr);
		logged = true;
		r->rax = -ENOSYS;
		t->ht.regs_dirty = true;
		return;
	}
	t->syscall_event = true;
	if (unlikely(strace_enabled) && (a.nr == SYS_exit || a.nr == SYS_exit_group))
		trace_line(t, &a, 0); /* they do not return */
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
	if (unlikely(strace_enabled))
		trace_line(t, &a, ret);
	r->rax = ret;
	t->ht.regs_dirty = true;
}
