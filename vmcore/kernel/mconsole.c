/* The control console's commands (umid=NAME; the host half, with the
 * socket and the wire format, is vmcore/host/mconsole.c).  UML's mconsole
 * commands, with their replies: version, help, halt, reboot, cad, stop,
 * go, log, proc, sysrq; and vmcore's own: ps, trace, gcov.
 *
 * Commands run on the console's own thread, which is no guest task (no
 * current).  What needs kernel state takes the BKL with a bounded wait
 * (LOCK_WAIT_MS): a kernel whose lock is held and never let go still
 * answers.  Then sysrq t, w, m and ps read without it, saying so (Linux's
 * sysrq reads the task list under RCU only); halt and reboot go on
 * without syncing the guest's memory, saying so; the rest reply that the
 * kernel is busy. */
#include <vmcore/mconsole.h>
#include <vmcore/task.h>
#include <vmcore/vfs.h>
#include <vmcore/uts.h>
#include <vmcore/ktime.h>
#include <vmcore/trace.h>
#include <vmcore/sysrq.h>
#include <vmcore/freezer.h>
#include <vmcore/strbuf.h>
#include "../../coverage/coverage.h"
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LOCK_WAIT_MS 1000
#define PROC_MAX (256 * 1024)

static const char lock_busy[] = "the kernel lock is held and was not let go within 1 s: try again";

static bool lock_bounded(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct timespec abs = ts_add_ktime(now, LOCK_WAIT_MS * (NSEC_PER_SEC / 1000));
	return pthread_mutex_timedlock(bkl_mutex(), &abs) == 0;
}

/* The BKL, or an error reply saying it could not be had. */
static bool lock_or_reply(struct mc_request *req)
{
	if (lock_bounded())
		return true;
	mconsole_reply(req, lock_busy, strlen(lock_busy), true);
	return false;
}

/* End the first word of s; returns the rest, past its spaces. */
static char *split_word(char *s)
{
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (*s)
		*s++ = 0;
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static void reply_fmt(struct mc_request *req, bool err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reply_fmt(struct mc_request *req, bool err, const char *fmt, ...)
{
	char msg[MCONSOLE_MAX_DATA];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mconsole_reply(req, msg, MIN((size_t)n, sizeof(msg) - 1), err);
}

static void reply_buf(struct mc_request *req, struct buf *b, bool err)
{
	mconsole_reply(req, b->s ? b->s : "", b->len, err);
	free(b->s);
}

static void mc_version(struct mc_request *req, char *args)
{
	/* as uname(2) (kernel/sys.c) and UML's reply: sysname nodename
	 * release version machine */
	reply_fmt(req, false, "Linux %s %s #1 SMP vmcore %s x86_64", hostname, VMCORE_VERSION,
		  VMCORE_RELEASE);
}

static void end_kernel(struct mc_request *req, bool restart)
{
	mconsole_reply(req, "", 0, false); /* first: the client hears nothing after */
	if (lock_bounded()) {
		if (restart)
			kernel_restart();
		kernel_halt(false);
	}
	pr_warn("mconsole: %s without syncing: the kernel lock is held\n",
		restart ? "restarting" : "halting");
	machine_halt(0, restart);
}

static void mc_halt(struct mc_request *req, char *args)
{
	end_kernel(req, false);
}

static void mc_reboot(struct mc_request *req, char *args)
{
	end_kernel(req, true);
}

static void mc_cad(struct mc_request *req, char *args)
{
	if (!lock_or_reply(req))
		return;
	mconsole_reply(req, "", 0, false); /* before a restart */
	if (!ctrl_alt_del())
		pr_warn("mconsole: cad: no init to send SIGINT to\n");
	bkl_unlock();
}

static void mc_stop(struct mc_request *req, char *args)
{
	if (!lock_or_reply(req))
		return;
	int left = freeze_all();
	bkl_unlock();
	if (left == -EBUSY)
		reply_fmt(req, true, "Already stopped");
	else if (left)
		reply_fmt(req, false, "stopped (%d tasks asleep in the kernel freeze when they wake)",
			  left);
	else
		reply_fmt(req, false, "stopped");
}

static void mc_go(struct mc_request *req, char *args)
{
	if (!lock_or_reply(req))
		return;
	int r = thaw_all();
	bkl_unlock();
	if (r < 0)
		reply_fmt(req, true, "Not stopped");
}

static void mc_log(struct mc_request *req, char *args)
{
	if (!*args) {
		reply_fmt(req, true, "usage: log TEXT");
		return;
	}
	printk(KERN_WARNING, "%s\n", args); /* UML logs it at KERN_WARNING */
}

/* Read a file of the kernel's own proc mount (the guest need not have
 * mounted one), regular files only: a link to a pipe or a terminal would
 * block the console. */
static void mc_proc(struct mc_request *req, char *args)
{
	static struct dentry *proc_root;
	if (!*args) {
		reply_fmt(req, true, "usage: proc PATH (a file under /proc, e.g. meminfo, 1/status)");
		return;
	}
	const char *path = args;
	if (!strncmp(path, "/proc/", 6))
		path += 6;
	while (*path == '/')
		path++;
	if (!lock_or_reply(req))
		return;
	if (!proc_root)
		proc_root = vfs_kern_mount("proc");
	struct fs_struct fs = { 1, proc_root, proc_root, 0 };
	struct dentry *d = NULL;
	struct file *f = NULL;
	int r = proc_root ? path_walk(&fs, proc_root, path, LOOKUP_FOLLOW, &d, NULL) : -ENOMEM;
	if (r == 0 && !S_ISREG(d->inode->mode))
		r = S_ISDIR(d->inode->mode) ? -EISDIR : -EINVAL;
	if (r == 0) {
		r = vfs_open_dentry(d, O_RDONLY | O_NONBLOCK, &f); /* takes d's reference */
		d = NULL;
	}
	struct buf b = { 0 };
	bool truncated = false;
	if (r == 0) {
		char chunk[4096];
		u64 pos = 0;
		long n;
		while ((n = vfs_read(f, chunk, sizeof(chunk), &pos)) > 0) {
			if (b.len + n > PROC_MAX) {
				truncated = true;
				n = PROC_MAX - b.len;
			}
			bmem(&b, chunk, n);
			if (truncated)
				break;
		}
		if (n < 0 && !b.len)
			r = n;
		fput(f);
	}
	if (d)
		dput(d);
	bkl_unlock();
	if (r < 0) {
		free(b.s);
		reply_fmt(req, true, "Failed to open file /proc/%s: %s", path, strerror(-r));
		return;
	}
	if (truncated)
		bprintf(&b, "\n[proc: cut at %d KiB]\n", PROC_MAX / 1024);
	reply_buf(req, &b, false);
}

static void mc_sysrq(struct mc_request *req, char *args)
{
	int key = args[0];
	if (!key || args[1]) {
		reply_fmt(req, true, "usage: sysrq KEY (one letter; sysrq h lists them)");
		return;
	}
	bool locked = lock_bounded();
	if (!locked && sysrq_needs_lock(key)) {
		mconsole_reply(req, lock_busy, strlen(lock_busy), true);
		return;
	}
	if (strchr("bco", key))
		mconsole_reply(req, "", 0, false); /* the kernel ends: reply first, as UML for b */
	struct buf b = { 0 };
	int r = handle_sysrq(key, &b, locked);
	if (locked)
		bkl_unlock();
	if (r < 0) {
		free(b.s);
		reply_fmt(req, true, "sysrq: unknown key '%c'; %s", key, sysrq_help());
		return;
	}
	reply_buf(req, &b, false);
}

/* ps: the guest's tasks, one a line (vmcore's own) */
static void mc_ps(struct mc_request *req, char *args)
{
	bool locked = lock_bounded();
	struct buf b = { 0 };
	if (!locked)
		bprintf(&b, "# lockless: the kernel lock is held and was not let go; a racy read\n");
	bprintf(&b, "  PID   TID  PPID S CPU   RSS(kB) COMMAND\n");
	for (struct task *t = all_tasks; t; t = t->next_task) {
		if (t->state == TASK_DEAD)
			continue;
		bprintf(&b, "%5d %5d %5d %c %3d %9llu %s%s\n", t->tgid, t->tid,
			t->parent ? t->parent->tgid : 0, task_state_char(t), t->cpu,
			(unsigned long long)(t->mm ? t->mm->rss * 4 : 0), t->comm,
			t->frozen ? " (frozen)" : "");
	}
	if (locked)
		bkl_unlock();
	reply_buf(req, &b, false);
}

/* trace on [EXPR] | trace off | trace: the syscall trace (docs/trace.md),
 * as kill -USR1 switches it, with trace='s filter */
static void mc_trace(struct mc_request *req, char *args)
{
	char *expr = split_word(args);
	bool on = !strcmp(args, "on"), off = !strcmp(args, "off");
	if ((!on && !off && *args) || (off && *expr)) {
		reply_fmt(req, true, "usage: trace on [EXPR] | trace off | trace");
		return;
	}
	if (!lock_or_reply(req))
		return;
	int r = 0;
	if (on && *expr)
		r = trace_set_filter(expr);
	if (r == 0 && (on || off))
		trace_on = on;
	if (off)
		trace_flush(); /* the file holds every line when the client hears back */
	const char *filter = trace_get_filter();
	bool now = trace_on;
	bkl_unlock();
	if (r < 0)
		reply_fmt(req, true, "trace: bad expression '%s' (trace=EXPR of docs/trace.md)", expr);
	else
		reply_fmt(req, false, "trace %s%s%s", now ? "on" : "off", *filter ? ", filter " : "",
			  filter);
}

static void mc_gcov(struct mc_request *req, char *args)
{
	bool dump = !strcmp(args, "dump"), reset = !strcmp(args, "reset");
	if (!dump && !reset) {
		reply_fmt(req, true, "usage: gcov dump|reset");
		return;
	}
	int n = gcov_count();
	if (!n) {
		reply_fmt(req, true, "gcov: this kernel is not a coverage build (make COVERAGE=1)");
		return;
	}
	/* gcov has a lock of its own (coverage/gcov.c) */
	if (dump) {
		gcov_dump_all();
		reply_fmt(req, false, "gcov: the counters of %d objects merged into their .gcda files", n);
	} else {
		gcov_reset_all();
		reply_fmt(req, false, "gcov: the counters of %d objects reset", n);
	}
}

static void mc_help(struct mc_request *req, char *args);

static const struct mc_command {
	const char *name, *usage;
	void (*fn)(struct mc_request *req, char *args);
} commands[] = {
	{ "version", "version - the kernel's version", mc_version },
	{ "help", "help - this list", mc_help },
	{ "halt", "halt - halt the kernel (exit status 0)", mc_halt },
	{ "reboot", "reboot - restart the kernel (./linux execs itself anew)", mc_reboot },
	{ "cad", "cad - Ctrl-Alt-Del: restart, or SIGINT to init if it turned CAD off", mc_cad },
	{ "stop", "stop - freeze every guest task", mc_stop },
	{ "go", "go - thaw them", mc_go },
	{ "log", "log TEXT - put TEXT into the kernel log", mc_log },
	{ "proc", "proc PATH - a file of the guest's /proc", mc_proc },
	{ "sysrq", "sysrq KEY - magic SysRq (h lists the keys)", mc_sysrq },
	{ "ps", "ps - the guest's tasks", mc_ps },
	{ "trace", "trace on [EXPR] | off - the syscall trace", mc_trace },
	{ "gcov", "gcov dump|reset - the kernel's coverage counters", mc_gcov },
};

static void mc_help(struct mc_request *req, char *args)
{
	struct buf b = { 0 };
	bprintf(&b, "Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		bprintf(&b, "    %s\n", commands[i].usage);
	reply_buf(req, &b, false);
}

void mconsole_command(struct mc_request *req, char *cmd)
{
	while (isspace((unsigned char)*cmd))
		cmd++;
	char *args = split_word(cmd);
	for (char *e = args + strlen(args); e > args && isspace((unsigned char)e[-1]);)
		*--e = 0;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(cmd, commands[i].name)) {
			commands[i].fn(req, args);
			return;
		}
	}
	reply_fmt(req, true, "Unknown command '%s' (help lists them)", cmd);
}
