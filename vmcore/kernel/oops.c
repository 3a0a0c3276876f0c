/* Oops reports: when the kernel itself goes wrong (a BUG_ON, a panic, a
 * fatal signal in ./linux), say which guest task and system call it was
 * serving and where in vmcore it was, with a backtrace symbolised by libdw
 * (function, file and line), then halt.
 *
 * oops=wait and oops=core keep the dead kernel for a debugger first: the
 * report's thread waits for gdb to attach and detach, or has gdb write a
 * core file, while it holds the BKL (when it can take it), so no other
 * kernel code changes what the helpers of scripts/gdb read.  Guest code
 * may run on meanwhile; guest state changes only in the kernel. */
#include <vmcore/syscall.h>
#include <vmcore/trace.h>
#include <vmcore/host.h>
#include <elfutils/libdwfl.h>
#include <execinfo.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char *debuginfo_path;
static enum { OOPS_HALT, OOPS_WAIT, OOPS_CORE } oops_mode;
static char oops_core_path[256];
/* the host tid of the thread that reported the last oops (for gdb) */
int oops_tid;

bool oops_option(const char *val)
{
	if (!strcmp(val, "wait")) {
		oops_mode = OOPS_WAIT;
	} else if (!strcmp(val, "core")) {
		oops_mode = OOPS_CORE;
		snprintf(oops_core_path, sizeof(oops_core_path), "core.%d", getpid());
	} else if (!strncmp(val, "core:", 5) && val[5] && strlen(val + 5) < sizeof(oops_core_path)) {
		oops_mode = OOPS_CORE;
		strcpy(oops_core_path, val + 5);
	} else {
		return false;
	}
	return true;
}

/* Keep the dead kernel for a debugger, as oops= says. */
static void oops_postmortem(void)
{
	if (oops_mode == OOPS_HALT)
		return;
	/* no other kernel code from here on: the BKL, unless this thread
	 * holds it already or its holder is stuck */
	bool locked = pthread_mutex_trylock(bkl_mutex()) == 0;
	if (oops_mode == OOPS_WAIT) {
		host_oops_wait();
	} else {
		printk(KERN_EMERG, "Oops: writing a core file of the kernel to %s (oops=core)\n",
		       oops_core_path);
		int r = host_oops_core(oops_core_path);
		if (r == 127)
			printk(KERN_EMERG, "Oops: no core file written: gdb is not installed\n");
		else if (r != 0)
			printk(KERN_EMERG, "Oops: no core file written (gdb's status %d)\n", r);
	}
	if (locked)
		bkl_unlock();
}

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
	oops_tid = gettid();
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
	oops_postmortem();
}
