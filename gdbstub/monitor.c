/* "monitor ..." (qRcmd): the kernel's view of the guest from inside gdb. */
#include "xfer.h"
#include <vmcore/trace.h>
#include "../coverage/coverage.h"
#include <stdlib.h>
#include <string.h>

static const char help_text[] =
	"vmcore monitor commands:\n"
	"  help                 this list\n"
	"  ps                   the guest's tasks: pid, tid, parent, state, command\n"
	"  dmesg                the kernel log\n"
	"  trace on [EXPR]      the syscall trace on (trace= expression; default all)\n"
	"  trace off            ... off\n"
	"  trace                whether it is on, and its filter\n"
	"  syscalls PID         the last system calls of a task (flight recorder)\n"
	"  gcov dump            write the coverage counters into the build tree (a\n"
	"                       coverage build), then count on from zero\n"
	"  gcov reset           set every coverage counter to zero\n";

static void cmd_ps(struct sbuf *out)
{
	sb_puts(out, "  PID   TID  PPID STATE    DEBUG COMMAND\n");
	for (struct task *t = all_tasks; t; t = t->next_task) {
		if (t->state == TASK_DEAD)
			continue;
		const char *st = t->state == TASK_ZOMBIE ? "zombie" : t->stopped ? "stopped" :
				 t->gdb && t->gdb->parked ? "debug" : t->in_user ? "running" : "sleeping";
		sb_printf(out, "%5d %5d %5d %-8s %-5s %s\n", t->tgid, t->tid, t->parent ? t->parent->tgid : 0, st,
			  t->gdb ? "yes" : "", t->comm);
	}
}

static void cmd_trace(const char *arg, struct sbuf *out)
{
	while (*arg == ' ')
		arg++;
	if (!*arg) {
		sb_printf(out, "trace is %s; filter: %s\n", trace_on ? "on" : "off", trace_get_filter());
		return;
	}
	if (!strncmp(arg, "off", 3)) {
		trace_on = false;
		trace_flush();
		sb_puts(out, "trace off\n");
		return;
	}
	if (strncmp(arg, "on", 2)) {
		sb_puts(out, "usage: trace on [EXPR] | trace off\n");
		return;
	}
	arg += 2;
	while (*arg == ' ')
		arg++;
	if (*arg && trace_set_filter(arg) < 0) {
		sb_printf(out, "trace: not a trace expression: %s\n", arg);
		return;
	}
	trace_on = true;
	sb_printf(out, "trace on; filter: %s\n", trace_get_filter());
}

void monitor_command(const char *cmd, struct sbuf *out)
{
	while (*cmd == ' ')
		cmd++;
	if (!*cmd || !strcmp(cmd, "help")) {
		sb_puts(out, help_text);
	} else if (!strcmp(cmd, "ps")) {
		cmd_ps(out);
	} else if (!strcmp(cmd, "dmesg")) {
		size_t n = log_size();
		char *buf = malloc(n + 1);
		if (buf) {
			n = log_read_all(buf, n);
			buf[n] = 0;
			sb_puts(out, buf);
			free(buf);
		}
	} else if (!strncmp(cmd, "trace", 5) && (cmd[5] == ' ' || !cmd[5])) {
		cmd_trace(cmd + 5, out);
	} else if (!strcmp(cmd, "gcov dump") || !strcmp(cmd, "gcov reset")) {
		if (!gcov_count()) {
			sb_puts(out, "gcov: this kernel is not a coverage build (make COVERAGE=1)\n");
		} else if (cmd[5] == 'd') {
			gcov_dump_all();
			sb_printf(out, "gcov: the counters of %d objects written\n", gcov_count());
		} else {
			gcov_reset_all();
			sb_puts(out, "gcov: counters reset\n");
		}
	} else if (!strncmp(cmd, "syscalls", 8)) {
		int pid = atoi(cmd + 8);
		struct task *t = pid > 0 ? task_find(pid) : NULL;
		if (!t) {
			sb_printf(out, "syscalls: no task %d\n", pid);
			return;
		}
		char buf[8192];
		size_t n = flight_format(t, buf, sizeof(buf) - 1);
		buf[n] = 0;
		sb_puts(out, buf);
	} else {
		sb_printf(out, "unknown monitor command '%s'; 'monitor help' lists them\n", cmd);
	}
}
