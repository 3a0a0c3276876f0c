/* The GDB remote-protocol server: one client at a time, all-stop,
 * extended-remote with the multiprocess extensions, over the transport of
 * gdb= (proto.c).  The stub thread sleeps in poll() with the BKL released
 * and takes the BKL for each packet and each stop event.
 *
 * Every debugged process is a kd_proc of target.c; its tasks park when
 * stopped.  The client's current thread for registers and memory is
 * Hg; vCont gives each thread an action; the first event of any task
 * stops them all and is reported; the others stay pending and are
 * reported, one per resume, before anything runs again. */
#include "proto.h"
#include "target.h"
#include "xfer.h"
#include <vmcore/signal.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct gdb_listener *listener;
static struct gdb_conn *conn;
static bool extended;       /* "!": vRun, vAttach, stays up when processes end */
static bool running;        /* resumed: waiting for a stop event */
static bool multiprocess;   /* the client speaks pPID.TID */
static bool noack;
static int cur_g = 0;       /* Hg thread (tid; 0: any) */
static int cur_pid;         /* the current process */
static bool killing;        /* vKill of init: the halt answers it */

/* ---- signals: Linux numbers to GDB's and back ---- */

static const unsigned char linux_to_gdb[65] = {
	0, 1, 2, 3, 4, 5, 6, 10, 8, 9, 30, 11, 31, 13, 14, 15, 143, 20, 19, 17, 18, 21, 22, 16, 24, 25,
	26, 27, 28, 23, 32, 12, 77, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61,
	62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 78,
};

static int gdb_sig(int sig)
{
	return sig >= 0 && sig <= 64 ? linux_to_gdb[sig] : 143;
}

static int host_sig(int gsig)
{
	for (int i = 1; i <= 64; i++)
		if (linux_to_gdb[i] == gsig)
			return i;
	return 0;
}

/* ---- replies ---- */

static void reply(const char *s)
{
	gdb_send(conn, s, strlen(s));
}

static void reply_sb(struct sbuf *b)
{
	gdb_send(conn, b->s ? b->s : "", b->len);
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

static void reply_err(int e)
{
	char buf[8];
	snprintf(buf, sizeof(buf), "E%02x", e & 0xff);
	reply(buf);
}

static void thread_id(struct sbuf *b, int pid, int tid)
{
	if (multiprocess)
		sb_printf(b, "p%x.%x", pid, tid);
	else
		sb_printf(b, "%x", tid);
}

static struct task *task_of(int tid)
{
	struct task *t = tid > 0 ? task_find(tid) : NULL;
	if (t && t->gdb && !t->gdb->detach && t->state == TASK_RUNNING && !t->exiting)
		return t;
	return NULL;
}

/* The task registers and memory apply to: Hg, or the first of the current
 * process. */
static struct task *cur_task(void)
{
	struct task *t = task_of(cur_g);
	if (t)
		return t;
	for (t = kd_task_next(NULL); t; t = kd_task_next(t))
		if (!cur_pid || t->tgid == cur_pid)
			return t;
	return kd_task_next(NULL);
}

static void stop_reply(struct sbuf *b, const struct kd_event *e)
{
	if (e->kind == KD_EXITED) {
		if (WIFSIGNALED(e->status))
			sb_printf(b, "X%02x", gdb_sig(WTERMSIG(e->status)));
		else
			sb_printf(b, "W%02x", WEXITSTATUS(e->status));
		if (multiprocess)
			sb_printf(b, ";process:%x", e->pid);
		return;
	}
	int sig = e->kind == KD_SIGNAL || e->kind == KD_STOPPED ? e->sig : SIGTRAP;
	sb_printf(b, "T%02x", gdb_sig(sig));
	switch (e->kind) {
	case KD_SWBREAK:
		sb_puts(b, "swbreak:;");
		break;
	case KD_HWBREAK:
		sb_puts(b, "hwbreak:;");
		break;
	case KD_WATCH:
	case KD_RWATCH:
	case KD_AWATCH:
		sb_printf(b, "%s:%llx;", e->kind == KD_WATCH ? "watch" : e->kind == KD_RWATCH ? "rwatch" : "awatch",
			  (unsigned long long)e->addr);
		break;
	case KD_FORK:
	case KD_VFORK:
		sb_puts(b, e->kind == KD_FORK ? "fork:" : "vfork:");
		thread_id(b, e->child, e->child);
		sb_puts(b, ";");
		break;
	case KD_VFORK_DONE:
		sb_puts(b, "vforkdone:;");
		break;
	case KD_EXEC: {
		char path[4096];
		struct task *t = task_find(e->tid);
		if (t && xfer_exec_file(t, path, sizeof(path)) == 0) {
			sb_puts(b, "exec:");
			for (char *p = path; *p; p++)
				sb_printf(b, "%02x", (unsigned char)*p);
			sb_puts(b, ";");
		}
		break;
	}
	case KD_SYSCALL_ENTRY:
	case KD_SYSCALL_RETURN:
		sb_printf(b, "%s:%x;", e->kind == KD_SYSCALL_ENTRY ? "syscall_entry" : "syscall_return", e->sysno);
		break;
	default:
		break;
	}
	sb_puts(b, "thread:");
	thread_id(b, e->pid, e->tid);
	sb_puts(b, ";");
	struct task *t = task_find(e->tid);
	if (t)
		sb_printf(b, "core:%x;", t->cpu);
}

/* After a stop: the event's thread becomes the current one. */
static void report(const struct kd_event *e)
{
	struct sbuf b = { 0 };
	stop_reply(&b, e);
	if (e->kind != KD_EXITED) {
		cur_g = e->tid;
		cur_pid = e->pid;
	}
	running = false;
	reply_sb(&b);
}

/* While running: has anything happened?  Stops everything and reports. */
static bool check_events(void)
{
	struct kd_event e;
	struct task *t = kd_next_event();
	if (t) {
		e = t->gdb->ev;
		t->gdb->has_event = false; /* reported; it stays parked */
		kd_stop_all();
		report(&e);
		return true;
	}
	if (kd_take_exit(&e)) {
		kd_stop_all();
		report(&e);
		return true;
	}
	if (!kd_procs && running) {
		/* nothing left to debug */
		struct sbuf b = { 0 };
		sb_puts(&b, "W00");
		running = false;
		reply_sb(&b);
		return true;
	}
	return false;
}

/* ^C from the client */
static void interrupt(void)
{
	if (!running)
		return;
	kd_stop_all();
	if (check_events())
		return;
	struct task *t = cur_task();
	struct kd_event e = { .kind = KD_SIGNAL, .sig = SIGINT, .pid = t ? t->tgid : 0, .tid = t ? t->tid : 0 };
	if (!t) {
		e.kind = KD_EXITED;
		e.status = 0;
	}
	report(&e);
}

/* ---- registers ---- */

#define XSTATE_MAX 4096

static void cmd_g(void)
{
	struct task *t = cur_task();
	if (!t) {
		reply_err(ESRCH);
		return;
	}
	static u8 xs[XSTATE_MAX];
	int xl = kd_get_xstate(t, xs, sizeof(xs));
	if (xl < 0)
		xl = 0, memset(xs, 0, sizeof(xs));
	struct sbuf b = { 0 };
	gdb_regs_encode(&b, &t->ht.regs, xs, xl);
	reply_sb(&b);
}

static void cmd_G(const char *hex)
{
	struct task *t = cur_task();
	if (!t) {
		reply_err(ESRCH);
		return;
	}
	static u8 xs[XSTATE_MAX];
	int xl = kd_get_xstate(t, xs, sizeof(xs));
	struct user_regs_struct r = t->ht.regs;
	if (gdb_regs_decode(hex, &r, xl > 0 ? xs : NULL, xl > 0 ? xl : 0) < 0) {
		reply_err(EINVAL);
		return;
	}
	t->ht.regs = r;
	t->ht.regs_dirty = true;
	if (xl > 0)
		kd_set_xstate(t, xs, xl);
	reply("OK");
}

static void cmd_p(const char *arg)
{
	struct task *t = cur_task();
	char *end;
	unsigned long n = strtoul(arg, &end, 16);
	static u8 xs[XSTATE_MAX];
	if (!isxdigit((unsigned char)*arg) || *end || !gdb_reg_valid(n)) {
		reply_err(EINVAL);
		return;
	}
	if (!t) {
		reply_err(ESRCH);
		return;
	}
	int xl = gdb_reg_needs_xstate((int)n) ? kd_get_xstate(t, xs, sizeof(xs)) : 0;
	struct sbuf b = { 0 };
	if (gdb_reg_encode(&b, (int)n, &t->ht.regs, xl > 0 ? xs : NULL, xl > 0 ? xl : 0) < 0) {
		free(b.s);
		reply_err(EINVAL);
		return;
	}
	reply_sb(&b);
}

static void cmd_P(const char *arg)
{
	struct task *t = cur_task();
	char *eq;
	unsigned long n = strtoul(arg, &eq, 16);
	static u8 xs[XSTATE_MAX];
	if (!t) {
		reply_err(ESRCH);
		return;
	}
	if (!isxdigit((unsigned char)*arg) || *eq != '=' || !gdb_reg_valid(n)) {
		reply_err(EINVAL);
		return;
	}
	bool x = gdb_reg_needs_xstate((int)n);
	int xl = x ? kd_get_xstate(t, xs, sizeof(xs)) : 0;
	if (x && xl <= 0) {
		reply_err(EIO);
		return;
	}
	struct user_regs_struct r = t->ht.regs;
	if (gdb_reg_decode((int)n, eq + 1, &r, x ? xs : NULL, xl) < 0) {
		reply_err(EINVAL);
		return;
	}
	t->ht.regs = r;
	t->ht.regs_dirty = true;
	if (x && kd_set_xstate(t, xs, xl) < 0) {
		reply_err(EIO);
		return;
	}
	reply("OK");
}

/* ---- memory ---- */

#define MEM_MAX (GDB_PACKET_SIZE / 2)

static void cmd_m(const char *arg)
{
	u64 addr, len;
	struct task *t = cur_task();
	if (gdb_parse_addr_len(arg, &addr, &len, NULL) < 0) {
		reply_err(EINVAL);
		return;
	}
	if (!t) {
		reply_err(ESRCH);
		return;
	}
	len = MIN(len, (u64)MEM_MAX);
	static u8 buf[MEM_MAX];
	/* as much as can be read, as gdbserver does */
	u64 got = 0;
	while (got < len) {
		u64 n = MIN(len - got, PAGE_SIZE - ((addr + got) & ~PAGE_MASK));
		if (kd_read_mem(t, addr + got, buf + got, n) < 0)
			break;
		got += n;
	}
	if (!got && len) {
		reply_err(EFAULT);
		return;
	}
	struct sbuf b = { 0 };
	gdb_hex_encode(&b, buf, got);
	if (!b.s)
		sb_puts(&b, "");
	reply_sb(&b);
}

static void cmd_M(const char *arg, bool binary, size_t pktlen, const char *pkt)
{
	u64 addr, len;
	const char *data;
	struct task *t = cur_task();
	if (gdb_parse_addr_len(arg, &addr, &len, &data) < 0 || !data || len > MEM_MAX) {
		reply_err(EINVAL);
		return;
	}
	static u8 buf[MEM_MAX];
	if (binary) {
		size_t avail = pktlen - (size_t)(data - pkt);
		if (avail < len) {
			reply_err(EINVAL);
			return;
		}
		memcpy(buf, data, len);
	} else if (gdb_hex_decode(data, buf, len) < 0) {
		reply_err(EINVAL);
		return;
	}
	if (!t) {
		reply_err(ESRCH);
		return;
	}
	if (len && kd_write_mem(t, addr, buf, len) < 0) {
		reply_err(EFAULT);
		return;
	}
	reply("OK");
}

static void cmd_Z(const char *arg, bool insert)
{
	int type = arg[0] - '0';
	u64 addr, kind;
	struct task *t = cur_task();
	if (arg[1] != ',' || gdb_parse_addr_len(arg + 2, &addr, &kind, NULL) < 0) {
		reply_err(EINVAL);
		return;
	}
	if (type < 0 || type > 4) {
		reply(""); /* not supported */
		return;
	}
	if (!t) {
		reply_err(ESRCH);
		return;
	}
	int r;
	if (type == 0)
		r = insert ? kd_insert_bp(t, addr) : kd_remove_bp(t, addr);
	else
		r = insert ? kd_insert_hw(t, type, addr, (int)kind) : kd_remove_hw(t, type, addr, (int)kind);
	if (r < 0)
		reply_err(-r);
	else
		reply("OK");
}

/* ---- threads and processes ---- */

static bool parse_tid(const char *s, int *pid, int *tid)
{
	return gdb_parse_thread_id(s, pid, tid, NULL) == 0;
}

static void cmd_H(const char *arg)
{
	int pid, tid;
	if (!parse_tid(arg + 1, &pid, &tid)) {
		reply_err(EINVAL);
		return;
	}
	if (arg[0] == 'g') {
		if (tid > 0 && !task_of(tid)) {
			reply_err(ESRCH);
			return;
		}
		cur_g = tid > 0 ? tid : 0;
		if (pid > 0)
			cur_pid = pid;
		else if (tid > 0)
			cur_pid = task_of(tid)->tgid;
	}
	reply("OK");
}

static void cmd_T(const char *arg)
{
	int pid, tid;
	if (!parse_tid(arg, &pid, &tid) || !task_of(tid > 0 ? tid : pid)) {
		reply_err(ESRCH);
		return;
	}
	reply("OK");
}

static void thread_list(void)
{
	struct sbuf b = { 0 };
	sb_puts(&b, "m");
	bool first = true;
	for (struct task *t = kd_task_next(NULL); t; t = kd_task_next(t)) {
		if (!first)
			sb_puts(&b, ",");
		thread_id(&b, t->tgid, t->tid);
		first = false;
	}
	if (first) {
		free(b.s);
		reply("l");
		return;
	}
	reply_sb(&b);
}

/* qXfer:OBJECT:read:ANNEX:OFF,LEN */
static void cmd_qxfer(const char *arg)
{
	char object[32], annex[256];
	u64 off, len;
	if (gdb_parse_qxfer(arg, object, sizeof(object), annex, sizeof(annex), &off, &len) < 0) {
		reply_err(EINVAL);
		return;
	}
	struct sbuf data = { 0 };
	struct task *t = cur_task();
	if (!strcmp(object, "features")) {
		const char *doc = gdb_target_xml(annex);
		if (!doc) {
			reply_err(ENOENT);
			return;
		}
		sb_puts(&data, doc);
	} else if (!strcmp(object, "threads")) {
		xfer_threads(&data);
	} else if (!strcmp(object, "auxv")) {
		int pid = annex[0] ? (int)strtol(annex, NULL, 16) : 0;
		struct task *a = pid ? task_of(pid) : t;
		if (!a || xfer_auxv(a, &data) < 0) {
			reply_err(ESRCH);
			return;
		}
	} else if (!strcmp(object, "exec-file")) {
		char path[4096];
		int pid = annex[0] ? (int)strtol(annex, NULL, 16) : 0;
		struct task *a = pid ? task_of(pid) : t;
		if (!a || xfer_exec_file(a, path, sizeof(path)) < 0) {
			reply_err(ESRCH);
			return;
		}
		sb_puts(&data, path);
	} else if (!strcmp(object, "libraries-svr4")) {
		if (!t) {
			reply_err(ESRCH);
			return;
		}
		xfer_libraries_svr4(t, &data);
	} else if (!strcmp(object, "osdata")) {
		if (!strcmp(annex, "processes")) {
			xfer_processes(&data);
		} else if (!annex[0]) {
			sb_puts(&data, "<?xml version=\"1.0\"?>\n<osdata type=\"types\">\n<item>\n"
				       "<column name=\"Type\">processes</column>\n"
				       "<column name=\"Description\">Listing of all processes</column>\n"
				       "<column name=\"Title\">Processes</column>\n</item>\n</osdata>\n");
		} else {
			reply_err(ENOENT);
			return;
		}
	} else {
		reply("");
		return;
	}
	struct sbuf b = { 0 };
	gdb_qxfer_chunk(&b, data.s ? data.s : "", data.len, off, len);
	free(data.s);
	reply_sb(&b);
}

static void cmd_qsupported(const char *arg)
{
	multiprocess = strstr(arg, "multiprocess+") != NULL;
	kd_fork_events = strstr(arg, "fork-events+") != NULL;
	kd_exec_events = strstr(arg, "exec-events+") != NULL;
	struct sbuf b = { 0 };
	sb_printf(&b, "PacketSize=%x;QStartNoAckMode+;qXfer:features:read+;qXfer:threads:read+;"
		      "qXfer:auxv:read+;qXfer:exec-file:read+;qXfer:libraries-svr4:read+;"
		      "qXfer:osdata:read+;multiprocess+;swbreak+;hwbreak+;vContSupported+;"
		      "QCatchSyscalls+;QThreadEvents+;no-resumed+", GDB_PACKET_SIZE);
	if (kd_fork_events)
		sb_puts(&b, ";fork-events+;vfork-events+");
	if (kd_exec_events)
		sb_puts(&b, ";exec-events+");
	reply_sb(&b);
}

/* QCatchSyscalls:1[;NR]... or QCatchSyscalls:0 */
static void cmd_catch_syscalls(const char *arg)
{
	struct kd_proc *p = kd_proc_find(cur_pid);
	if (!p && kd_procs)
		p = kd_procs;
	if (!p) {
		reply_err(ESRCH);
		return;
	}
	memset(p->catch_nr, 0, sizeof(p->catch_nr));
	if (arg[0] == '0') {
		p->catch_syscalls = false;
		reply("OK");
		return;
	}
	p->catch_syscalls = true;
	p->catch_any = arg[1] != ';';
	for (const char *s = strchr(arg, ';'); s; s = strchr(s + 1, ';')) {
		unsigned long nr = strtoul(s + 1, NULL, 16);
		if (nr < NR_SYSCALLS)
			p->catch_nr[nr] = 1;
	}
	reply("OK");
}

/* ---- resuming ---- */

static void resume_all(const struct gdb_vcont *acts, int nacts)
{
	/* the default action for threads no action names: none (stay) */
	for (struct task *t = kd_task_next(NULL); t; t = kd_task_next(t)) {
		const struct gdb_vcont *a = NULL;
		for (int i = 0; i < nacts && !a; i++) {
			const struct gdb_vcont *c = &acts[i];
			bool all = c->tid == -1 || (c->tid == 0 && c->pid <= 0);
			bool proc = c->pid > 0 && c->tid <= 0 && t->tgid == c->pid;
			if (all || proc || c->tid == t->tid)
				a = c;
		}
		if (!a || a->action == 't')
			continue;
		bool step = a->action == 's' || a->action == 'S';
		int sig = (a->action == 'C' || a->action == 'S') ? host_sig(a->sig) : 0;
		kd_resume(t, step, sig);
	}
	running = true;
	/* an event left from the last stop is reported at once */
	check_events();
}

static void cmd_vcont(const char *arg)
{
	struct gdb_vcont acts[64];
	int n = gdb_parse_vcont(arg, acts, 64);
	if (n <= 0) {
		reply_err(EINVAL);
		return;
	}
	resume_all(acts, n);
}

static void cmd_c(char kind, const char *arg)
{
	/* old-style c/s/C/S: the current thread steps, the rest continue */
	struct gdb_vcont acts[2];
	int sig = 0;
	if (kind == 'C' || kind == 'S')
		sig = (int)strtol(arg, NULL, 16);
	struct task *t = cur_task();
	int n = 0;
	if (kind == 's' || kind == 'S') {
		acts[n++] = (struct gdb_vcont){ .action = kind, .sig = sig, .pid = t ? t->tgid : -1, .tid = t ? t->tid : -1 };
		acts[n++] = (struct gdb_vcont){ .action = 'c', .pid = -1, .tid = -1 };
	} else {
		acts[n++] = (struct gdb_vcont){ .action = kind, .sig = sig, .pid = -1, .tid = -1 };
	}
	resume_all(acts, n);
}

static void cmd_detach(const char *arg)
{
	int pid = cur_pid;
	if (arg[0] == ';')
		pid = (int)strtol(arg + 1, NULL, 16);
	if (!kd_proc_find(pid)) {
		reply_err(ESRCH);
		return;
	}
	kd_detach(pid);
	if (cur_pid == pid) {
		cur_pid = 0;
		cur_g = 0;
	}
	reply("OK");
}

static void cmd_kill(int pid)
{
	if (!kd_proc_find(pid) || kd_kill(pid) < 0) {
		reply_err(ESRCH);
		return;
	}
	killing = pid == 1;
	/* wait for it to be gone */
	struct timespec abs;
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec += 5;
	while (kd_proc_find(pid))
		if (pthread_cond_timedwait(&kd_cond, bkl_mutex(), &abs) == ETIMEDOUT)
			break;
	struct kd_event e;
	while (kd_take_exit(&e))
		; /* the client asked for it: no W for this one */
	reply("OK");
}

static void cmd_attach(int pid)
{
	int r = kd_attach(pid);
	if (r < 0) {
		reply_err(-r);
		return;
	}
	struct task *t = task_find(pid);
	struct kd_event e = { .kind = KD_STOPPED, .sig = SIGSTOP, .pid = pid, .tid = pid };
	if (t && t->gdb)
		t->gdb->has_event = false;
	report(&e);
}

/* vRun;HEXFILE;HEXARG... : a new guest program, stopped before its first
 * instruction, as a child of init. */
static void cmd_vrun(const char *arg)
{
	char *argv[32];
	int argc = 0;
	const char *s = arg;
	while (*s == ';' && argc < 31) {
		s++;
		const char *e = strchrnul(s, ';');
		size_t n = (e - s) / 2;
		char *a = malloc(n + 1);
		if (!a || gdb_hex_decode(s, a, n) < 0) {
			free(a);
			break;
		}
		a[n] = 0;
		argv[argc++] = a;
		s = e;
	}
	argv[argc] = NULL;
	int pid = argc && argv[0][0] ? kd_spawn(argv) : -EINVAL;
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	if (pid < 0) {
		reply_err(-pid);
		return;
	}
	struct kd_event e = { .kind = KD_SIGNAL, .sig = SIGTRAP, .pid = pid, .tid = pid };
	report(&e);
}

static void cmd_vfile(const char *arg, size_t len, const char *pkt)
{
	struct sbuf b = { 0 };
	char path[4096];
	if (!strncmp(arg, "setfs:", 6)) {
		vfile_setfs((int)strtol(arg + 6, NULL, 16), &b);
	} else if (!strncmp(arg, "open:", 5)) {
		const char *c = strchr(arg + 5, ',');
		size_t n = c ? (size_t)(c - (arg + 5)) / 2 : 0;
		if (!c || n >= sizeof(path) || gdb_hex_decode(arg + 5, path, n) < 0) {
			reply("F-1,16");
			return;
		}
		path[n] = 0;
		char *e;
		int flags = (int)strtol(c + 1, &e, 16);
		int mode = *e == ',' ? (int)strtol(e + 1, NULL, 16) : 0;
		vfile_open(path, flags, mode, &b);
	} else if (!strncmp(arg, "close:", 6)) {
		vfile_close((int)strtol(arg + 6, NULL, 16), &b);
	} else if (!strncmp(arg, "pread:", 6)) {
		char *e;
		int fd = (int)strtol(arg + 6, &e, 16);
		u64 count = *e == ',' ? strtoull(e + 1, &e, 16) : 0;
		u64 off = *e == ',' ? strtoull(e + 1, NULL, 16) : 0;
		vfile_pread(fd, count, off, &b);
	} else if (!strncmp(arg, "pwrite:", 7)) {
		char *e;
		int fd = (int)strtol(arg + 7, &e, 16);
		u64 off = *e == ',' ? strtoull(e + 1, &e, 16) : 0;
		if (*e != ',') {
			reply("F-1,16");
			return;
		}
		e++;
		vfile_pwrite(fd, off, e, len - (size_t)(e - pkt), &b);
	} else if (!strncmp(arg, "fstat:", 6)) {
		vfile_fstat((int)strtol(arg + 6, NULL, 16), &b);
	} else if (!strncmp(arg, "readlink:", 9)) {
		size_t n = strlen(arg + 9) / 2;
		if (n >= sizeof(path) || gdb_hex_decode(arg + 9, path, n) < 0) {
			reply("F-1,16");
			return;
		}
		path[n] = 0;
		vfile_readlink(path, &b);
	} else {
		reply("");
		return;
	}
	reply_sb(&b);
}

static void cmd_rcmd(const char *hex);

/* ---- the dispatcher ---- */

static void handle(const char *pkt, size_t len)
{
	if (running) {
		/* all-stop: while the guest runs the client waits for a stop
		 * reply and sends only ^C (or vCtrlC); anything else waits */
		if (!strncmp(pkt, "vCtrlC", 6))
			interrupt();
		return;
	}
	switch (pkt[0]) {
	case '!':
		extended = true;
		reply("OK");
		return;
	case '?': {
		struct task *t = cur_task();
		if (!t && !extended && kd_attach(1) == 0)
			t = cur_task(); /* a client comes to a running guest: init stops for it */
		if (!t) {
			reply("W00");
			return;
		}
		struct kd_event e = { .kind = KD_STOPPED, .sig = SIGTRAP, .pid = t->tgid, .tid = t->tid };
		if (t->gdb && t->gdb->ev.kind && t->gdb->ev.kind != KD_STOPPED)
			e = t->gdb->ev;
		report(&e);
		return;
	}
	case 'g':
		cmd_g();
		return;
	case 'G':
		cmd_G(pkt + 1);
		return;
	case 'p':
		cmd_p(pkt + 1);
		return;
	case 'P':
		cmd_P(pkt + 1);
		return;
	case 'm':
		cmd_m(pkt + 1);
		return;
	case 'M':
		cmd_M(pkt + 1, false, len, pkt);
		return;
	case 'X':
		cmd_M(pkt + 1, true, len, pkt);
		return;
	case 'Z':
	case 'z':
		cmd_Z(pkt + 1, pkt[0] == 'Z');
		return;
	case 'H':
		cmd_H(pkt + 1);
		return;
	case 'T':
		cmd_T(pkt + 1);
		return;
	case 'c':
	case 's':
	case 'C':
	case 'S':
		cmd_c(pkt[0], pkt + 1);
		return;
	case 'D':
		cmd_detach(pkt + 1);
		return;
	case 'k':
		if (cur_pid)
			kd_kill(cur_pid);
		return; /* no reply */
	}
	if (!strncmp(pkt, "qSupported", 10)) {
		cmd_qsupported(pkt + 10);
	} else if (!strcmp(pkt, "QStartNoAckMode")) {
		reply("OK");
		noack = true;
		gdb_conn_set_noack(conn, true);
	} else if (!strcmp(pkt, "qC")) {
		struct task *t = cur_task();
		struct sbuf b = { 0 };
		if (t) {
			sb_puts(&b, "QC");
			thread_id(&b, t->tgid, t->tid);
		}
		reply_sb(&b);
	} else if (!strcmp(pkt, "qfThreadInfo")) {
		thread_list();
	} else if (!strcmp(pkt, "qsThreadInfo")) {
		reply("l");
	} else if (!strcmp(pkt, "qAttached") || !strncmp(pkt, "qAttached:", 10)) {
		reply("1");
	} else if (!strncmp(pkt, "qXfer:", 6)) {
		cmd_qxfer(pkt + 6);
	} else if (!strncmp(pkt, "qRcmd,", 6)) {
		cmd_rcmd(pkt + 6);
	} else if (!strcmp(pkt, "vCont?")) {
		reply("vCont;c;C;s;S;t");
	} else if (!strncmp(pkt, "vCont;", 6)) {
		cmd_vcont(pkt + 5);
	} else if (!strncmp(pkt, "vAttach;", 8)) {
		cmd_attach((int)strtol(pkt + 8, NULL, 16));
	} else if (!strncmp(pkt, "vKill;", 6)) {
		cmd_kill((int)strtol(pkt + 6, NULL, 16));
	} else if (!strncmp(pkt, "vRun;", 5)) {
		cmd_vrun(pkt + 4);
	} else if (!strncmp(pkt, "vFile:", 6)) {
		cmd_vfile(pkt + 6, len, pkt);
	} else if (!strncmp(pkt, "vMustReplyEmpty", 15)) {
		reply("");
	} else if (!strncmp(pkt, "QCatchSyscalls:", 15)) {
		cmd_catch_syscalls(pkt + 15);
	} else if (!strncmp(pkt, "QThreadEvents:", 14)) {
		reply("OK");
	} else if (!strcmp(pkt, "qOffsets")) {
		reply("");
	} else if (!strncmp(pkt, "qThreadExtraInfo,", 17)) {
		int pid, tid;
		struct task *t = parse_tid(pkt + 17, &pid, &tid) ? task_of(tid) : NULL;
		struct sbuf b = { 0 };
		if (t) {
			char info[64];
			snprintf(info, sizeof(info), "%s%s", t->comm,
				 t->gdb && t->gdb->parked ? "" : " (in the kernel)");
			for (char *c = info; *c; c++)
				sb_printf(&b, "%02x", (unsigned char)*c);
		}
		reply_sb(&b);
	} else {
		reply(""); /* unsupported, as the protocol says */
	}
}

/* ---- monitor commands ---- */

static void cmd_rcmd(const char *hex)
{
	size_t n = strlen(hex) / 2;
	char cmd[512];
	if (n >= sizeof(cmd) || gdb_hex_decode(hex, cmd, n) < 0) {
		reply_err(EINVAL);
		return;
	}
	cmd[n] = 0;
	struct sbuf out = { 0 };
	monitor_command(cmd, &out);
	if (!out.s) {
		reply("OK");
		return;
	}
	/* console output as O packets, then OK */
	struct sbuf b = { 0 };
	for (size_t i = 0; i < out.len; i += 400) {
		sb_puts(&b, "O");
		for (size_t j = i; j < out.len && j < i + 400; j++)
			sb_printf(&b, "%02x", (unsigned char)out.s[j]);
		reply_sb(&b);
	}
	free(out.s);
	reply("OK");
}

/* ---- the thread ---- */

static void session(void)
{
	char *pkt = malloc(GDB_PACKET_SIZE + 1);
	if (!pkt)
		return;
	/* gdbwait: until init's program is loaded there is no process to
	 * report, and '?' would answer W00 ("the target is not running") to
	 * a client that comes early (seen with a dynamic init under load) */
	bkl_lock();
	while (gdb_wait_at_start && !kd_init_loaded)
		pthread_cond_wait(&kd_cond, bkl_mutex());
	bkl_unlock();
	running = false;
	noack = false;
	extended = false;
	multiprocess = false;
	cur_g = 0;
	for (;;) {
		struct pollfd pfd[3] = {
			{ gdb_conn_fd(conn), POLLIN, 0 },
			{ kd_notify_fd[0], POLLIN, 0 },
			{ gdb_listener_fd(listener), POLLIN, 0 },
		};
		if (poll(pfd, 3, -1) < 0 && errno != EINTR)
			break;
		if (pfd[2].revents & POLLIN)
			gdb_refuse_second(listener);
		if (pfd[1].revents & POLLIN) {
			char drain[64];
			while (read(kd_notify_fd[0], drain, sizeof(drain)) > 0)
				;
			bkl_lock();
			if (running)
				check_events();
			bkl_unlock();
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int r = gdb_conn_fill(conn);
			if (r < 0)
				break; /* the client went away */
			int kind;
			size_t len;
			while ((kind = gdb_conn_next(conn, pkt, GDB_PACKET_SIZE, &len)) != GDB_NONE) {
				bkl_lock();
				if (kind == GDB_INTERRUPT)
					interrupt();
				else if (kind == GDB_PACKET) {
					pkt[len] = 0;
					handle(pkt, len);
				}
				bkl_unlock();
			}
		}
	}
	free(pkt);
}

static void *stub_thread(void *arg)
{
	for (;;) {
		conn = gdb_accept(listener);
		if (!conn)
			return NULL; /* stdio: the one client has been */
		pr_info("gdbstub: a debugger connected\n");
		session();
		/* off the list under the lock: a task thread halting the machine
		 * (gdbstub_halt) or reporting a stop may be about to write to it */
		bkl_lock();
		struct gdb_conn *gone = conn;
		conn = NULL;
		bkl_unlock();
		gdb_conn_close(gone);
		pr_info("gdbstub: the debugger went away; the guest goes on\n");
		/* the guest goes on: let every stopped task go */
		bkl_lock();
		while (kd_procs)
			kd_detach(kd_procs->pid);
		vfile_reset();
		running = false;
		bkl_unlock();
	}
	return NULL;
}

int gdbstub_start(const char *spec)
{
	char err[256];
	listener = gdb_listen(spec, err, sizeof(err));
	if (!listener) {
		fprintf(stderr, "linux: gdb=%s: %s\n", spec, err);
		return -EINVAL;
	}
	if (pipe2(kd_notify_fd, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	gdb_active = true;
	/* always said, quiet or not: scripts wait for it */
	fprintf(stderr, "gdbstub: listening on %s\n", gdb_listener_addr(listener));
	pthread_t th;
	if (pthread_create(&th, NULL, stub_thread, NULL) != 0)
		return -EAGAIN;
	pthread_detach(th);
	return 0;
}

void gdbstub_halt(int code)
{
	if (!conn)
		return;
	if (killing) {
		reply("OK"); /* init was killed as the client asked: the machine halts */
		return;
	}
	/* the machine goes down: the client hears that the process ended */
	char buf[32];
	snprintf(buf, sizeof(buf), code >= 128 ? "X%02x" : "W%02x", code >= 128 ? gdb_sig(code - 128) : code & 0xff);
	if (multiprocess)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ";process:1");
	reply(buf);
}
