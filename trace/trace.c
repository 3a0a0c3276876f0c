/* The syscall trace: one line (text, in strace's format) or one JSON
 * object per system call, task events as strace shows them, filters, a
 * summary table, and the flight recorder.
 *
 * A call is decoded in two halves: input arguments when it enters, output
 * arguments and the result when it returns.  When a call blocks and another
 * task's line comes first, the waiting call is shown as "<unfinished ...>"
 * and finished later as "<... name resumed>", as strace -f does. */
#include <vmcore/trace.h>
#include <vmcore/signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

bool trace_on;
static bool opt_json, opt_tt, opt_ttt, opt_T, opt_summary, opt_summary_only, opt_failed;
static int opt_pid;
static char cur_expr[256] = "all";
/* Output to the guest: a ring read through tracefs's trace_pipe. */
static bool to_guest;
#define GUEST_RING (256 * 1024)
static char *ring;
static size_t ring_head, ring_len;
pthread_cond_t trace_ring_cond = PTHREAD_COND_INITIALIZER;
static char opt_comm[16];
static const char *opt_out;
static FILE *out;
static u8 selected[NR_SYSCALLS]; /* 1: traced */

static struct syscall_desc unassigned[NR_SYSCALLS];
static char unassigned_names[NR_SYSCALLS][16];

__attribute__((constructor)) static void name_unassigned(void)
{
	for (int nr = 0; nr < NR_SYSCALLS; nr++)
		if (!syscall_table[nr].name) {
			snprintf(unassigned_names[nr], sizeof(unassigned_names[nr]), "syscall_%#x", nr);
			unassigned[nr].name = unassigned_names[nr];
			unassigned[nr].nargs = 6;
		}
}

const struct syscall_desc *trace_desc(u64 nr)
{
	return syscall_table[nr].name ? &syscall_table[nr] : &unassigned[nr];
}
static bool any_selection;

struct pending {
	bool active;
	bool shown;     /* printed as <unfinished ...> */
	u64 t_entry;    /* realtime ns */
	u64 m_entry;    /* monotonic ns */
	int first_out;  /* index of the first output argument, or nargs */
	int nshow;      /* arguments shown (open's mode only with O_CREAT) */
	char *in[6];    /* decoded input arguments */
	struct syscall_args clone_entry; /* clone's, for its <unfinished ...> line */
	char *stack;    /* trace_stack: unwound at entry (an execve replaces it) */
	u64 scratch[TRACE_SCRATCH / 8]; /* the decoders' (trace_scratch) */
};

static struct {
	u64 calls, errors, ns;
} stats[NR_SYSCALLS];

static struct task *last_printer;
/* stands for a last printer that has gone: a new task may get its memory,
 * and must not pass for it */
static struct task gone_printer;

void trace_task_free(struct task *t)
{
	if (last_printer == t)
		last_printer = &gone_printer;
}

/* ---- options ---- */

static const char *const process_calls[] = { "clone", "clone3", "fork", "vfork", "execve", "execveat", "exit",
					     "exit_group", "wait4", "waitid", "kill", "tkill", "tgkill", NULL };
static const char *const memory_calls[] = { "mmap", "munmap", "mprotect", "brk", "mremap", "madvise", "msync",
					    "mincore", "mlock", "munlock", "mlockall", "munlockall", NULL };
static const char *const signal_calls[] = { "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending",
					    "rt_sigtimedwait", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
					    "rt_sigsuspend", "sigaltstack", "kill", "tkill", "tgkill", "pause",
					    "alarm", "signalfd", "signalfd4", NULL };
static const char *const network_calls[] = { "socket", "socketpair", "bind", "listen", "accept", "accept4",
					     "connect", "getsockname", "getpeername", "sendto", "recvfrom",
					     "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
					     "setsockopt", "getsockopt", NULL };

static bool in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

static bool has_kind(const char *kinds, const char *k)
{
	size_t n = strlen(k);
	for (const char *p = kinds; p && *p;) {
		const char *e = strchrnul(p, ' ');
		if ((size_t)(e - p) == n && !strncmp(p, k, n))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

static bool in_class(int nr, const char *cls)
{
	const struct syscall_desc *d = &syscall_table[nr];
	if (!d->name)
		return false;
	if (!strcmp(cls, "file"))
		return has_kind(d->kinds, "path");
	if (!strcmp(cls, "desc"))
		return (has_kind(d->kinds, "fd") || has_kind(d->kinds, "dirfd")) && !in_list(d->name, network_calls);
	if (!strcmp(cls, "process"))
		return in_list(d->name, process_calls);
	if (!strcmp(cls, "memory"))
		return in_list(d->name, memory_calls);
	if (!strcmp(cls, "signal"))
		return in_list(d->name, signal_calls);
	if (!strcmp(cls, "network") || !strcmp(cls, "net"))
		return in_list(d->name, network_calls);
	return false;
}

/* trace=EXPR: comma-separated syscall names and %classes, "all", "none";
 * a leading '!' inverts the whole set, as in strace. */
static int parse_expr(const char *expr)
{
	bool negate = false;
	if (*expr == '!') {
		negate = true;
		expr++;
	}
	static u8 sel[NR_SYSCALLS];
	memset(sel, 0, sizeof(sel));
	char *copy = strdup(expr), *save = NULL;
	int r = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool quiet = *tok == '?';
		if (quiet)
			tok++;
		bool found = false;
		if (!strcmp(tok, "all")) {
			memset(sel, 1, sizeof(sel));
			found = true;
		} else if (!strcmp(tok, "none")) {
			found = true;
		} else {
			for (int nr = 0; nr < NR_SYSCALLS; nr++) {
				if (!syscall_table[nr].name)
					continue;
				if (tok[0] == '%' ? in_class(nr, tok + 1) : !strcmp(tok, syscall_table[nr].name)) {
					sel[nr] = 1;
					found = true;
				}
			}
		}
		if (!found && !quiet) {
			if (!out)
				fprintf(stderr, "linux: trace=: unknown system call or class '%s'\n", tok);
			r = -EINVAL;
		}
	}
	free(copy);
	if (negate)
		for (int nr = 0; nr < NR_SYSCALLS; nr++)
			sel[nr] = !sel[nr];
	if (r == 0) {
		memcpy(selected, sel, sizeof(sel));
		any_selection = true;
	}
	return r;
}

bool trace_option(const char *key, const char *val)
{
	if (!strcmp(key, "strace") && !val) {
		trace_on = true;
		return true;
	}
	if (strncmp(key, "trace", 5))
		return false;
	const char *k = key + 5;
	if (!*k && val) {
		trace_on = true;
		if (parse_expr(val) < 0)
			exit(2);
		snprintf(cur_expr, sizeof(cur_expr), "%s", val);
	} else if (!strcmp(k, "_out") && val) {
		trace_on = true;
		opt_out = val;
	} else if (!strcmp(k, "_fmt") && val) {
		trace_on = true;
		if (!strcmp(val, "json"))
			opt_json = true;
		else if (strcmp(val, "text")) {
			fprintf(stderr, "linux: trace_fmt= is text or json\n");
			exit(2);
		}
	} else if (!strcmp(k, "_tt")) {
		opt_tt = true;
	} else if (!strcmp(k, "_ttt")) {
		opt_ttt = true;
	} else if (!strcmp(k, "_T")) {
		opt_T = true;
	} else if (!strcmp(k, "_c")) {
		trace_on = opt_summary = opt_summary_only = true;
	} else if (!strcmp(k, "_C")) {
		trace_on = opt_summary = true;
	} else if (!strcmp(k, "_failed")) {
		opt_failed = true;
	} else if (!strcmp(k, "_pid") && val) {
		opt_pid = atoi(val);
	} else if (!strcmp(k, "_comm") && val) {
		snprintf(opt_comm, sizeof(opt_comm), "%s", val);
	} else if (!strcmp(k, "_y") && !val) {
		trace_decode_fds = true;
	} else if (!strcmp(k, "_stack") && !val) {
		trace_stack_on = true;
	} else if (!strcmp(k, "_strsize") && val) {
		trace_strsize = MAX(0, atoi(val));
	} else {
		return false;
	}
	return true;
}

static void *flusher(void *arg)
{
	for (;;) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		fflush(out); /* stdio locks the stream against the writers */
	}
	return NULL;
}

/* From a terminating signal's handler: write the buffer out unless a
 * writer holds the stream (then the last 50 ms may be lost). */
void trace_flush_on_signal(void)
{
	if (out && ftrylockfile(out) == 0) {
		fflush_unlocked(out);
		funlockfile(out);
	}
}

int trace_init(void)
{
	if (!any_selection)
		memset(selected, 1, sizeof(selected));
	if (opt_out) {
		int fd = open(opt_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "linux: cannot open trace_out=%s: %s\n", opt_out, strerror(errno));
			return -errno;
		}
		out = fdopen(fd, "w");
	} else {
		out = fdopen(dup(2), "w");
	}
	if (!out)
		return -ENOMEM;
	/* a file is written in 256 KiB blocks, and at least every 50 ms by a
	 * thread of its own (so a reader following the file lags little, and a
	 * kill -9 loses at most that), at halt, on SIGTERM and when the trace
	 * is switched off; stderr a line at a time, for people */
	if (opt_out) {
		setvbuf(out, NULL, _IOFBF, 1 << 18);
		pthread_t th;
		if (pthread_create(&th, NULL, flusher, NULL) == 0)
			pthread_detach(th);
	} else {
		setvbuf(out, NULL, _IOLBF, 1 << 16);
	}
	return 0;
}

static bool wanted(struct task *t, u64 nr)
{
	if (nr >= NR_SYSCALLS || !selected[nr])
		return false;
	if (opt_pid && t->tgid != opt_pid && t->tid != opt_pid)
		return false;
	if (opt_comm[0] && strcmp(t->comm, opt_comm))
		return false;
	return true;
}

/* ---- the line ---- */

static u64 now_rt(void)
{
	return krealtime_ns();
}

static void leader(struct sbuf *b, struct task *t, u64 rt)
{
	if (nr_tasks > 1 || t->tid != 1)
		sb_printf(b, "[pid %5d] ", t->tid);
	if (opt_ttt) {
		sb_printf(b, "%llu.%06llu ", (unsigned long long)(rt / 1000000000ULL),
			  (unsigned long long)(rt % 1000000000ULL / 1000));
	} else if (opt_tt) {
		time_t s = rt / 1000000000ULL;
		struct tm tm;
		localtime_r(&s, &tm);
		sb_printf(b, "%02d:%02d:%02d.%06llu ", tm.tm_hour, tm.tm_min, tm.tm_sec,
			  (unsigned long long)(rt % 1000000000ULL / 1000));
	}
}

/* strace puts " = result" at column 40 */
static void align(struct sbuf *b)
{
	size_t col = b->len;
	const char *nl = b->s ? memrchr(b->s, '\n', b->len) : NULL;
	if (nl)
		col = b->len - (nl + 1 - b->s);
	if (col < 39)
		sb_printf(b, "%*s", (int)(39 - col), "");
	sb_puts(b, " ");
}

static void ring_put(const char *s, size_t n)
{
	if (!ring && !(ring = malloc(GUEST_RING)))
		return;
	for (size_t i = 0; i < n; i++) {
		ring[(ring_head + ring_len) % GUEST_RING] = s[i];
		if (ring_len < GUEST_RING)
			ring_len++;
		else
			ring_head = (ring_head + 1) % GUEST_RING;
	}
	pthread_cond_broadcast(&trace_ring_cond);
}

/* Take up to len bytes of the guest ring (tracefs trace_pipe). */
size_t trace_ring_take(char *dst, size_t len)
{
	size_t n = MIN(len, ring_len);
	for (size_t i = 0; i < n; i++)
		dst[i] = ring[(ring_head + i) % GUEST_RING];
	ring_head = (ring_head + n) % GUEST_RING;
	ring_len -= n;
	return n;
}

size_t trace_ring_len(void)
{
	return ring_len;
}

/* tracefs's control files */
int trace_set_filter(const char *expr)
{
	int r = parse_expr(expr);
	if (r == 0)
		snprintf(cur_expr, sizeof(cur_expr), "%s", expr);
	return r;
}

const char *trace_get_filter(void)
{
	return cur_expr;
}

void trace_set_format(bool json)
{
	opt_json = json;
}

bool trace_get_format_json(void)
{
	return opt_json;
}

void trace_set_to_guest(bool g)
{
	to_guest = g;
}

bool trace_get_to_guest(void)
{
	return to_guest;
}

static void emit(struct sbuf *b)
{
	if (b->s && to_guest)
		ring_put(b->s, b->len);
	else if (b->s)
		fputs(b->s, out);
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

static struct pending *pending_of(struct task *t)
{
	if (!t->trace_pending)
		t->trace_pending = kzalloc(sizeof(struct pending));
	return t->trace_pending;
}

void *trace_scratch(struct task *t)
{
	struct pending *p = t->trace_pending;
	return p && p->active ? p->scratch : NULL;
}

static void clear_pending(struct pending *p)
{
	for (int i = 0; i < 6; i++) {
		free(p->in[i]);
		p->in[i] = NULL;
	}
	free(p->stack);
	p->stack = NULL;
	p->active = p->shown = false;
}

/* clone(2) as strace shows it: named arguments, only those its flags use
 * (x86-64 order: flags, stack, parent_tid, child_tid, tls). */
static void clone_args_text(struct sbuf *b, const struct syscall_args *a)
{
	struct sbuf fl = { 0 };
	struct syscall_args one = { a->nr, { a->a[0] } };
	decode_arg(&fl, NULL, "cloneflags", 0, &one, 0, AT_ENTRY);
	u64 f = a->a[0];
	sb_puts(b, "clone(child_stack=");
	if (a->a[1])
		sb_printf(b, "%#llx", (unsigned long long)a->a[1]);
	else
		sb_puts(b, "NULL");
	sb_printf(b, ", %s", fl.s ? fl.s : "flags=0");
	free(fl.s);
	if (f & CLONE_PARENT_SETTID)
		sb_printf(b, ", parent_tid=%#llx", (unsigned long long)a->a[2]);
	if (f & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		sb_printf(b, ", child_tidptr=%#llx", (unsigned long long)a->a[3]);
	if (f & CLONE_SETTLS)
		sb_printf(b, ", tls=%#llx", (unsigned long long)a->a[4]);
}

/* The part of a call's line up to its first output argument. */
static void entry_part(struct sbuf *b, struct task *t, const struct syscall_args *a, struct pending *p)
{
	const struct syscall_desc *d = trace_desc(a->nr);
	if (!strcmp(d->name, "clone")) {
		clone_args_text(b, &p->clone_entry); /* as the finished line has it */
		return;
	}
	sb_printf(b, "%s(", d->name);
	for (int i = 0; i < MIN(p->first_out, p->nshow); i++)
		sb_printf(b, "%s%s", i ? ", " : "", p->in[i] ? p->in[i] : "?");
}

/* Before another task prints: show calls still blocked as unfinished. */
static void show_unfinished(struct task *self)
{
	if (opt_json || opt_summary_only || opt_failed || !last_printer || last_printer == self)
		return;
	for (struct task *t = all_tasks; t; t = t->next_task) {
		struct pending *p = t->trace_pending;
		if (t == self || !p || !p->active || p->shown)
			continue;
		struct sbuf b = { 0 };
		leader(&b, t, p->t_entry);
		struct syscall_args a = { t->ht.regs.orig_rax, { 0 } };
		entry_part(&b, t, &a, p);
		/* strace: "read(3,  <unfinished ...>", "write(1, "x", 1 <unfinished ...>" */
		sb_printf(&b, "%s <unfinished ...>\n", p->first_out && p->first_out < p->nshow ? ", " : "");
		emit(&b);
		p->shown = true;
	}
}

void trace_enter(struct task *t, const struct syscall_args *a)
{
	if (!wanted(t, a->nr))
		return;
	struct pending *p = pending_of(t);
	if (!p)
		return;
	clear_pending(p);
	p->active = true;
	memset(p->scratch, 0, sizeof(p->scratch));
	p->t_entry = now_rt();
	p->m_entry = ktime_ns();
	p->clone_entry = *a;
	const struct syscall_desc *d = trace_desc(a->nr);
	int n = d->nargs;
	p->first_out = n;
	p->nshow = n;
	if ((!strcmp(d->name, "open") || !strcmp(d->name, "openat")) && !(a->a[n - 2] & (O_CREAT | 020000000)))
		p->nshow = n - 1;
	if (!strcmp(d->name, "ioctl") && !ioctl_takes_arg(a->a[1]))
		p->nshow = n - 1;
	char kinds[128];
	snprintf(kinds, sizeof(kinds), "%s", d->kinds ? d->kinds : "");
	char *save = NULL, *k = strtok_r(kinds, " ", &save);
	for (int i = 0; i < n; i++, k = k ? strtok_r(NULL, " ", &save) : NULL) {
		struct sbuf b = { 0 };
		const char *kind = k ? k : "hex";
		if (decode_arg(&b, t, kind, i, a, 0, AT_ENTRY)) {
			p->in[i] = b.s ? b.s : strdup("");
		} else {
			free(b.s);
			if (p->first_out == n)
				p->first_out = i;
		}
	}
	if (!strcmp(d->name, "futex")) {
		/* all inputs: the ones its operation uses come first */
		int idx[6], k = 0;
		bool used[6] = { false };
		char *in[6];
		p->nshow = futex_shown(a->a[1], idx);
		memcpy(in, p->in, sizeof(in));
		for (int i = 0; i < p->nshow; i++, k++) {
			p->in[k] = in[idx[i]];
			used[idx[i]] = true;
		}
		for (int j = 0; j < n; j++)
			if (!used[j])
				p->in[k++] = in[j];
	}
	if (trace_stack_on && !opt_summary_only) {
		struct sbuf b = { 0 };
		trace_stack_append(&b, t, opt_json);
		p->stack = b.s;
	}
}

static void json_str(struct sbuf *b, const char *s)
{
	sb_puts(b, "\"");
	while (s && *s) {
		/* runs that need no escape go in at once */
		size_t n = 0;
		while (s[n] && s[n] != '"' && s[n] != '\\' && (unsigned char)s[n] >= 32)
			n++;
		if (n) {
			sb_putn(b, s, n);
			s += n;
			continue;
		}
		unsigned char c = *s++;
		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else
			sb_printf(b, "\\u%04x", c);
	}
	sb_puts(b, "\"");
}

void trace_exit(struct task *t, const struct syscall_args *a, long ret)
{
	struct pending *p = t->trace_pending;
	if (!p || !p->active)
		return;
	u64 m_exit = ktime_ns(), dur = m_exit - p->m_entry;
	const struct syscall_desc *d = trace_desc(a->nr);
	/* strace -Z counts a call cut short by a signal (= ? ERESTART*) as
	 * failed, as it does a -1 return */
	bool failed = IS_ERR_VALUE(ret);
	stats[a->nr].calls++;
	stats[a->nr].errors += IS_ERR_VALUE(ret);
	stats[a->nr].ns += dur;
	if (opt_summary_only || (opt_failed && !failed)) {
		clear_pending(p);
		return;
	}
	/* all arguments, decoded */
	char *args[6] = { 0 };
	char kinds[128];
	snprintf(kinds, sizeof(kinds), "%s", d->kinds ? d->kinds : "");
	char *save = NULL, *k = strtok_r(kinds, " ", &save);
	for (int i = 0; i < d->nargs; i++, k = k ? strtok_r(NULL, " ", &save) : NULL) {
		if (p->in[i]) {
			args[i] = strdup(p->in[i]);
			continue;
		}
		struct sbuf b = { 0 };
		decode_arg(&b, t, k ? k : "hex", i, a, ret, AT_EXIT);
		args[i] = b.s ? b.s : strdup("");
	}
	struct sbuf b = { 0 };
	if (opt_json) {
		sb_printf(&b, "{\"type\":\"syscall\",\"pid\":%d,\"tid\":%d,\"comm\":", t->tgid, t->tid);
		json_str(&b, t->comm);
		sb_printf(&b, ",\"name\":\"%s\",\"nr\":%llu,\"args\":[", d->name, (unsigned long long)a->nr);
		for (int i = 0; i < d->nargs; i++) {
			if (i)
				sb_puts(&b, ",");
			json_str(&b, args[i]);
		}
		sb_puts(&b, "],\"raw\":[");
		for (int i = 0; i < d->nargs; i++)
			sb_printf(&b, "%s%llu", i ? "," : "", (unsigned long long)a->a[i]);
		sb_printf(&b, "],\"ret\":%ld,\"errno\":", IS_ERR_VALUE(ret) ? -1L : ret);
		if (IS_ERR_VALUE(ret) && strerrorname_np(-ret))
			json_str(&b, strerrorname_np(-ret));
		else if (IS_ERR_VALUE(ret))
			sb_printf(&b, "\"E%ld\"", -ret);
		else
			sb_puts(&b, "null");
		struct sbuf rs = { 0 };
		decode_ret(&rs, d->name, ret);
		sb_puts(&b, ",\"result\":");
		json_str(&b, rs.s);
		free(rs.s);
		sb_printf(&b, ",\"t_entry\":%llu,\"t_exit\":%llu,\"dur_us\":%.3f",
			  (unsigned long long)p->t_entry, (unsigned long long)(p->t_entry + dur), dur / 1000.0);
		if (p->stack)
			sb_printf(&b, ",\"stack\":%s", p->stack);
		sb_puts(&b, "}\n");
	} else {
		show_unfinished(t);
		if (p->shown) {
			leader(&b, t, p->t_entry + dur);
			sb_printf(&b, "<... %s resumed>", d->name);
			for (int i = p->first_out; i < p->nshow; i++)
				sb_printf(&b, "%s%s", i > p->first_out ? ", " : "", args[i]);
		} else if (!strcmp(d->name, "clone")) {
			leader(&b, t, p->t_entry);
			clone_args_text(&b, a);
		} else {
			leader(&b, t, p->t_entry);
			sb_printf(&b, "%s(", d->name);
			for (int i = 0; i < p->nshow; i++)
				sb_printf(&b, "%s%s", i ? ", " : "", args[i]);
		}
		sb_puts(&b, ")");
		align(&b);
		sb_puts(&b, "= ");
		decode_ret(&b, d->name, ret);
		decode_ret_fd(&b, t, a, ret);
		decode_ret_extra(&b, t, a, ret);
		if (opt_T)
			sb_printf(&b, " <%llu.%06llu>", (unsigned long long)(dur / 1000000000ULL),
				  (unsigned long long)(dur % 1000000000ULL / 1000));
		sb_puts(&b, "\n");
		if (p->stack)
			sb_puts(&b, p->stack);
	}
	for (int i = 0; i < 6; i++)
		free(args[i]);
	emit(&b);
	last_printer = t;
	clear_pending(p);
}

/* A call that never returns (exit, exit_group, a successful execve's
 * old image) is shown at entry with "= ?". */
void trace_noreturn(struct task *t, const struct syscall_args *a)
{
	struct pending *p = t->trace_pending;
	if (!p || !p->active || opt_summary_only || opt_failed) {
		if (p && p->active)
			stats[a->nr].calls++;
		return;
	}
	const struct syscall_desc *d = trace_desc(a->nr);
	stats[a->nr].calls++;
	struct sbuf b = { 0 };
	if (opt_json) {
		sb_printf(&b, "{\"type\":\"syscall\",\"pid\":%d,\"tid\":%d,\"comm\":", t->tgid, t->tid);
		json_str(&b, t->comm);
		sb_printf(&b, ",\"name\":\"%s\",\"nr\":%llu,\"args\":[", d->name, (unsigned long long)a->nr);
		for (int i = 0; i < d->nargs; i++) {
			if (i)
				sb_puts(&b, ",");
			json_str(&b, p->in[i]);
		}
		sb_puts(&b, "],\"raw\":[");
		for (int i = 0; i < d->nargs; i++)
			sb_printf(&b, "%s%llu", i ? "," : "", (unsigned long long)a->a[i]);
		sb_printf(&b, "],\"ret\":null,\"errno\":null,\"result\":\"?\",\"t_entry\":%llu,\"t_exit\":null,"
			      "\"dur_us\":null", (unsigned long long)p->t_entry);
		if (p->stack)
			sb_printf(&b, ",\"stack\":%s", p->stack);
		sb_puts(&b, "}\n");
	} else {
		show_unfinished(t);
		leader(&b, t, p->t_entry);
		entry_part(&b, t, a, p);
		sb_puts(&b, ")");
		align(&b);
		sb_puts(&b, "= ?\n");
		if (p->stack)
			sb_puts(&b, p->stack);
	}
	emit(&b);
	last_printer = t;
	clear_pending(p);
}

void trace_signal(struct task *t, const siginfo_t *si)
{
	if (!trace_on || opt_summary_only || !selected_signals(t))
		return;
	struct sbuf b = { 0 };
	struct sbuf info = { 0 };
	decode_siginfo(&info, si);
	if (opt_json) {
		sb_printf(&b, "{\"type\":\"signal\",\"pid\":%d,\"tid\":%d,\"signal\":\"%s\",\"siginfo\":", t->tgid,
			  t->tid, signal_name(si->si_signo));
		json_str(&b, info.s);
		sb_printf(&b, ",\"t\":%llu}\n", (unsigned long long)now_rt());
	} else {
		show_unfinished(t);
		leader(&b, t, now_rt());
		sb_printf(&b, "--- %s %s ---\n", signal_name(si->si_signo), info.s);
	}
	free(info.s);
	emit(&b);
	last_printer = t;
}

void trace_task_exit(struct task *t, int status)
{
	if (!trace_on || opt_summary_only || !selected_signals(t))
		return;
	struct sbuf b = { 0 };
	if (opt_json) {
		sb_printf(&b, "{\"type\":\"exit\",\"pid\":%d,\"tid\":%d,", t->tgid, t->tid);
		if (WIFSIGNALED(status))
			sb_printf(&b, "\"signal\":\"%s\",\"status\":null", signal_name(WTERMSIG(status)));
		else
			sb_printf(&b, "\"signal\":null,\"status\":%d", WEXITSTATUS(status));
		sb_printf(&b, ",\"t\":%llu}\n", (unsigned long long)now_rt());
	} else {
		show_unfinished(t);
		leader(&b, t, now_rt());
		if (WIFSIGNALED(status))
			sb_printf(&b, "+++ killed by %s%s +++\n", signal_name(WTERMSIG(status)),
				  WCOREDUMP(status) ? " (core dumped)" : "");
		else
			sb_printf(&b, "+++ exited with %d +++\n", WEXITSTATUS(status));
	}
	emit(&b);
	last_printer = t;
}

void trace_exec(struct task *t, const char *path)
{
	if (!trace_on || !opt_json || !selected_signals(t))
		return;
	struct sbuf b = { 0 };
	sb_printf(&b, "{\"type\":\"exec\",\"pid\":%d,\"tid\":%d,\"path\":", t->tgid, t->tid);
	json_str(&b, path);
	sb_printf(&b, ",\"t\":%llu}\n", (unsigned long long)now_rt());
	emit(&b);
}

bool selected_signals(struct task *t)
{
	if (opt_pid && t->tgid != opt_pid && t->tid != opt_pid)
		return false;
	if (opt_comm[0] && strcmp(t->comm, opt_comm))
		return false;
	return true;
}

void trace_flush(void)
{
	if (out)
		fflush(out);
}

void trace_finish(void)
{
	if (!out)
		return;
	if (opt_summary) {
		u64 total = 0, calls = 0, errors = 0;
		for (int i = 0; i < NR_SYSCALLS; i++) {
			total += stats[i].ns;
			calls += stats[i].calls;
			errors += stats[i].errors;
		}
		fprintf(out, "%% time     seconds  usecs/call     calls    errors syscall\n"
			     "------ ----------- ----------- --------- --------- ----------------\n");
		for (;;) {
			int best = -1;
			for (int i = 0; i < NR_SYSCALLS; i++)
				if (stats[i].calls && (best < 0 || stats[i].ns > stats[best].ns))
					best = i;
			if (best < 0)
				break;
			fprintf(out, "%6.2f %11.6f %11llu %9llu ", total ? 100.0 * stats[best].ns / total : 0.0,
				stats[best].ns / 1e9,
				(unsigned long long)(stats[best].ns / 1000 / stats[best].calls),
				(unsigned long long)stats[best].calls);
			if (stats[best].errors)
				fprintf(out, "%9llu ", (unsigned long long)stats[best].errors);
			else
				fprintf(out, "%9s ", "");
			fprintf(out, "%s\n", trace_desc(best)->name);
			stats[best].calls = 0;
		}
		fprintf(out, "------ ----------- ----------- --------- --------- ----------------\n"
			     "100.00 %11.6f %11llu %9llu %9llu total\n",
			total / 1e9, (unsigned long long)(calls ? total / 1000 / calls : 0),
			(unsigned long long)calls, (unsigned long long)errors);
	}
	fflush(out);
}

/* ---- the flight recorder ---- */

void flight_record(struct task *t, const struct syscall_args *a, long ret)
{
	struct flight *f = &t->flight;
	struct flight_rec *r = &f->rec[f->head];
	r->nr = a->nr;
	memcpy(r->a, a->a, sizeof(r->a));
	r->ret = ret;
	r->t_ns = ktime_ns();
	f->head = (f->head + 1) % FLIGHT_N;
	if (f->n < FLIGHT_N)
		f->n++;
}

size_t flight_format(struct task *t, char *buf, size_t len)
{
	struct flight *f = &t->flight;
	size_t used = 0;
	for (unsigned i = 0; i < f->n && used < len; i++) {
		struct flight_rec *r = &f->rec[(f->head + FLIGHT_N - f->n + i) % FLIGHT_N];
		const char *name = r->nr < NR_SYSCALLS ? trace_desc(r->nr)->name : "?";
		int nargs = r->nr < NR_SYSCALLS ? trace_desc(r->nr)->nargs : 6;
		int n = snprintf(buf + used, len - used, "[%5llu.%06llu] %s(", (unsigned long long)(r->t_ns / 1000000000ULL),
				 (unsigned long long)(r->t_ns % 1000000000ULL / 1000), name);
		used += n > 0 ? MIN((size_t)n, len - used) : 0;
		for (int k = 0; k < nargs && used < len; k++) {
			n = snprintf(buf + used, len - used, "%s%#llx", k ? ", " : "", (unsigned long long)r->a[k]);
			used += n > 0 ? MIN((size_t)n, len - used) : 0;
		}
		if (used < len) {
			n = snprintf(buf + used, len - used, ") = %lld\n", (long long)r->ret);
			used += n > 0 ? MIN((size_t)n, len - used) : 0;
		}
	}
	return used;
}
