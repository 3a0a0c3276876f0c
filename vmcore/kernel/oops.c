/* Oops reports: when the kernel itself goes wrong (a BUG_ON, a panic, a
 * fatal signal in ./linux), say which guest task and system call it was
 * serving and where in vmcore it was, with a backtrace symbolised by libdw
 * (function, file and line), then halt. */
#include <vmcore/syscall.h>
#include <vmcore/trace.h>
#include <elfutils/libdwfl.h>
#include <execinfo.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char *debuginfo_path;

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

void oops_backtrace(void)
{
	void *pcs[48];
	int n = backtrace(pcs, 48);
	Dwfl *dwfl = dwfl_begin(&callbacks);
	if (dwfl && (dwfl_linux_proc_report(dwfl, getpid()) != 0 || dwfl_report_end(dwfl, NULL, NULL) != 0)) {
		dwfl_end(dwfl);
		dwfl = NULL;
	}
	printk(KERN_EMERG, "Call Trace:\n");
	for (int i = 1; i < n; i++) {
		/* return addresses point after the call: look up pc - 1 */
		Dwarf_Addr pc = (Dwarf_Addr)pcs[i] - 1;
		const char *fn = NULL, *file = NULL;
		int line = 0;
		Dwfl_Module *m = dwfl ? dwfl_addrmodule(dwfl, pc) : NULL;
		if (m) {
			fn = dwfl_module_addrname(m, pc);
			Dwfl_Line *l = dwfl_module_getsrc(m, pc);
			if (l)
				file = dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL);
		}
		if (file) {
			const char *s = strstr(file, "vmcore/");
			printk(KERN_EMERG, " [<%016llx>] %s (%s:%d)\n", (unsigned long long)pc, fn ? fn : "?",
			       s ? s : file, line);
		} else {
			printk(KERN_EMERG, " [<%016llx>] %s\n", (unsigned long long)pc, fn ? fn : "?");
		}
	}
	if (dwfl)
		dwfl_end(dwfl);
}

void oops_report(const char *why)
{
	struct task *t = current;
	printk(KERN_EMERG, "Oops: %s\n", why);
	if (t) {
		struct user_regs_struct *r = &t->ht.regs;
		const char *name = t->ht.in_syscall && r->orig_rax < NR_SYSCALLS ?
					   syscall_table[r->orig_rax].name : NULL;
		printk(KERN_EMERG, "Task: %s[%d], %s%s%s, guest ip %016llx sp %016llx\n", t->comm, t->tid,
		       name ? "in system call " : "not in a system call", name ? name : "",
		       name ? "()" : "", (unsigned long long)r->rip, (unsigned long long)r->rsp);
	} else {
		printk(KERN_EMERG, "Task: none (the kernel's main thread)\n");
	}
	oops_backtrace();
	if (t) {
		char buf[8192];
		size_t n = flight_format(t, buf, sizeof(buf) - 1);
		buf[n] = 0;
		printk(KERN_EMERG, "Last system calls of %s[%d]:\n", t->comm, t->tid);
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			printk(KERN_EMERG, "  %s\n", line);
	}
}
