/* Decoding system call arguments the way strace prints them.
 *
 * Each argument has a kind (from syscalls.def): a plain number, a file
 * descriptor, a path read from guest memory, a set of flags, a struct.
 * Input arguments are decoded when the call enters (a guest that changes its
 * buffer while the call blocks cannot change what we show); output
 * arguments (kinds ending the call: rbuf, stat_out, ...) when it returns.
 * Guest memory that cannot be read prints as its address, as strace does. */
#include <vmcore/trace.h>
#include <vmcore/signal.h>
#include <vmcore/vfs.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

int trace_strsize = 32;
bool trace_decode_fds;

/* trace_y: "<path>" after a descriptor, as strace -y prints it; nothing if
 * the task has no such descriptor. */
static void fd_path(struct sbuf *b, struct task *t, int fd)
{
	char path[4096];
	if (!trace_decode_fds || !t)
		return;
	if (fd == AT_FDCWD) {
		if (!t->fs || dentry_path(t->fs->cwd, t->fs->root, path, sizeof(path)) < 0)
			return;
	} else {
		struct file *f = t->files ? fd_get(t, fd) : NULL;
		if (!f || file_link_name(t, f, path, sizeof(path)) < 0)
			return;
	}
	sb_puts(b, "<");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if (*c < 32 || *c >= 127 || *c == '>' || *c == '\\')
			sb_printf(b, "\\%o", *c);
		else
			sb_printf(b, "%c", *c);
	}
	sb_puts(b, ">");
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && b->len + n < b->cap) {
			b->len += n;
			return;
		}
		size_t nc = MAX(b->cap * 2, b->len + n + 256);
		char *ns = realloc(b->s, nc);
		if (!ns)
			return;
		b->s = ns;
		b->cap = nc;
	}
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_printf(b, "%s", s);
}

struct flag {
	u64 v;
	const char *n;
};
#define F(x) { x, #x }

static void print_flags(struct sbuf *b, u64 v, const struct flag *f, size_t n, const char *zero)
{
	bool any = false;
	for (size_t i = 0; i < n; i++)
		if (f[i].v && (v & f[i].v) == f[i].v) {
			sb_printf(b, "%s%s", any ? "|" : "", f[i].n);
			v &= ~f[i].v;
			any = true;
		}
	if (v)
		sb_printf(b, "%s%#llx", any ? "|" : "", (unsigned long long)v);
	else if (!any)
		sb_puts(b, zero);
}

static const char *lookup(u64 v, const struct flag *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].v == v)
			return f[i].n;
	return NULL;
}

static const struct flag oflags[] = {
	F(O_WRONLY), F(O_RDWR), F(O_CREAT), F(O_EXCL), F(O_NOCTTY), F(O_TRUNC), F(O_APPEND),
	F(O_NONBLOCK), F(O_DSYNC), F(O_DIRECT), F(O_LARGEFILE), F(O_DIRECTORY), F(O_NOFOLLOW),
	F(O_NOATIME), F(O_CLOEXEC), { 04000000, "__O_SYNC" }, F(O_PATH), { 020000000, "__O_TMPFILE" },
	{ 020000, "O_ASYNC" },
};

static void print_oflags(struct sbuf *b, u64 v)
{
	u64 acc = v & O_ACCMODE;
	sb_puts(b, acc == O_RDONLY ? "O_RDONLY" : acc == O_WRONLY ? "O_WRONLY" : acc == O_RDWR ? "O_RDWR" : "O_ACCMODE");
	v &= ~(u64)O_ACCMODE;
	if (v) {
		sb_puts(b, "|");
		print_flags(b, v, oflags + 2, ARRAY_SIZE(oflags) - 2, "0");
	}
}

static const struct flag prot[] = { F(PROT_READ), F(PROT_WRITE), F(PROT_EXEC), F(PROT_GROWSDOWN), F(PROT_GROWSUP) };
static const struct flag mmflags[] = {
	F(MAP_SHARED), F(MAP_PRIVATE), F(MAP_FIXED), F(MAP_ANONYMOUS), F(MAP_GROWSDOWN), F(MAP_DENYWRITE),
	F(MAP_EXECUTABLE), F(MAP_LOCKED), F(MAP_NORESERVE), F(MAP_POPULATE), F(MAP_NONBLOCK), F(MAP_STACK),
	F(MAP_HUGETLB), { 0x100000, "MAP_FIXED_NOREPLACE" },
};
static const struct flag atflags[] = {
	F(AT_SYMLINK_NOFOLLOW), F(AT_REMOVEDIR), F(AT_SYMLINK_FOLLOW), F(AT_NO_AUTOMOUNT), F(AT_EMPTY_PATH),
	F(AT_EACCESS),
};
static const struct flag cloneflags[] = {
	F(CLONE_VM), F(CLONE_FS), F(CLONE_FILES), F(CLONE_SIGHAND), F(CLONE_PIDFD), F(CLONE_PTRACE),
	F(CLONE_VFORK), F(CLONE_PARENT), F(CLONE_THREAD), F(CLONE_NEWNS), F(CLONE_SYSVSEM), F(CLONE_SETTLS),
	F(CLONE_PARENT_SETTID), F(CLONE_CHILD_CLEARTID), F(CLONE_DETACHED), F(CLONE_UNTRACED),
	F(CLONE_CHILD_SETTID), F(CLONE_NEWCGROUP), F(CLONE_NEWUTS), F(CLONE_NEWIPC), F(CLONE_NEWUSER),
	F(CLONE_NEWPID), F(CLONE_NEWNET), F(CLONE_IO),
};
static const struct flag waitopts[] = { F(WNOHANG), F(WUNTRACED), F(WEXITED), F(WCONTINUED), F(WNOWAIT),
					{ __WNOTHREAD, "__WNOTHREAD" }, { __WALL, "__WALL" }, { __WCLONE, "__WCLONE" } };
static const struct flag sa_flags[] = {
	F(SA_NOCLDSTOP), F(SA_NOCLDWAIT), F(SA_SIGINFO), { 0x04000000, "SA_RESTORER" }, F(SA_ONSTACK),
	F(SA_RESTART), F(SA_NODEFER), F(SA_RESETHAND),
};
static const struct flag pollev[] = { F(POLLIN), F(POLLPRI), F(POLLOUT), F(POLLERR), F(POLLHUP), F(POLLNVAL),
				      F(POLLRDNORM), F(POLLRDBAND), F(POLLWRNORM), F(POLLWRBAND) };
static const struct flag clocks[] = {
	F(CLOCK_REALTIME), F(CLOCK_MONOTONIC), F(CLOCK_PROCESS_CPUTIME_ID), F(CLOCK_THREAD_CPUTIME_ID),
	F(CLOCK_MONOTONIC_RAW), F(CLOCK_REALTIME_COARSE), F(CLOCK_MONOTONIC_COARSE), F(CLOCK_BOOTTIME),
	F(CLOCK_REALTIME_ALARM), F(CLOCK_BOOTTIME_ALARM), F(CLOCK_TAI),
};
static const struct flag resources[] = {
	F(RLIMIT_CPU), F(RLIMIT_FSIZE), F(RLIMIT_DATA), F(RLIMIT_STACK), F(RLIMIT_CORE), F(RLIMIT_RSS),
	F(RLIMIT_NPROC), F(RLIMIT_NOFILE), F(RLIMIT_MEMLOCK), F(RLIMIT_AS), F(RLIMIT_LOCKS),
	F(RLIMIT_SIGPENDING), F(RLIMIT_MSGQUEUE), F(RLIMIT_NICE), F(RLIMIT_RTPRIO), F(RLIMIT_RTTIME),
};
static const struct flag advices[] = {
	F(MADV_NORMAL), F(MADV_RANDOM), F(MADV_SEQUENTIAL), F(MADV_WILLNEED), F(MADV_DONTNEED), F(MADV_FREE),
	F(MADV_REMOVE), F(MADV_DONTFORK), F(MADV_DOFORK), F(MADV_MERGEABLE), F(MADV_UNMERGEABLE),
	F(MADV_HUGEPAGE), F(MADV_NOHUGEPAGE), F(MADV_DONTDUMP), F(MADV_DODUMP), F(MADV_COLD), F(MADV_PAGEOUT),
};
static const struct flag fcntls[] = {
	F(F_DUPFD), F(F_GETFD), F(F_SETFD), F(F_GETFL), F(F_SETFL), F(F_GETLK), F(F_SETLK), F(F_SETLKW),
	F(F_SETOWN), F(F_GETOWN), F(F_DUPFD_CLOEXEC), F(F_OFD_GETLK), F(F_OFD_SETLK), F(F_OFD_SETLKW),
	F(F_SETPIPE_SZ), F(F_GETPIPE_SZ), F(F_ADD_SEALS), F(F_GET_SEALS),
};
static const struct flag ioctls[] = {
	{ 0x5401, "TCGETS" }, { 0x5402, "TCSETS" }, { 0x5403, "TCSETSW" }, { 0x5404, "TCSETSF" },
	{ 0x540b, "TCFLSH" }, { 0x540e, "TIOCSCTTY" }, { 0x540f, "TIOCGPGRP" }, { 0x5410, "TIOCSPGRP" },
	{ 0x5413, "TIOCGWINSZ" }, { 0x5414, "TIOCSWINSZ" }, { 0x541b, "FIONREAD" }, { 0x5421, "FIONBIO" },
	{ 0x5422, "TIOCNOTTY" }, { 0x5429, "TIOCGSID" }, { 0x5451, "FIOCLEX" }, { 0x5450, "FIONCLEX" },
};
static const struct flag futexops[] = {
	F(FUTEX_WAIT), F(FUTEX_WAKE), F(FUTEX_FD), F(FUTEX_REQUEUE), F(FUTEX_CMP_REQUEUE), F(FUTEX_WAKE_OP),
	F(FUTEX_LOCK_PI), F(FUTEX_UNLOCK_PI), F(FUTEX_TRYLOCK_PI), F(FUTEX_WAIT_BITSET), F(FUTEX_WAKE_BITSET),
};

const char *signal_name(int sig)
{
	static __thread char buf[16];
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(buf, sizeof(buf), sig == SIGRTMIN ? "SIGRTMIN" : "SIGRT_%d", sig - SIGRTMIN);
		return buf;
	}
	const char *s = sigabbrev_np(sig);
	if (!s) {
		snprintf(buf, sizeof(buf), "%d", sig);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%s", s);
	return buf;
}

/* A string from guest memory, escaped as strace does, cut at len/strsize. */
/* A string of guest memory, escaped and cut at limit bytes ("..." after
 * it); its address if it cannot be read.  NUL-terminated strings, or len
 * bytes of a buffer. */
static void print_guest_strn(struct sbuf *b, struct task *t, u64 addr, s64 len, bool nul_terminated, size_t limit)
{
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	size_t want = nul_terminated ? limit + 1 : (size_t)MIN(len, (s64)limit);
	unsigned char buf[PATH_MAX + 1];
	want = MIN(want, sizeof(buf));
	size_t got = 0;
	/* read page by page: the tail of a string may be unreadable */
	while (got < want) {
		size_t n = MIN(want - got, PAGE_SIZE - ((addr + got) & ~PAGE_MASK));
		if (copy_from_user(t->mm, buf + got, addr + got, n) < 0)
			break;
		got += n;
	}
	if (!got && want) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	size_t shown = got;
	bool more = false;
	if (nul_terminated) {
		unsigned char *z = memchr(buf, 0, got);
		if (z)
			shown = z - buf;
		else {
			shown = MIN(got, limit);
			more = true;
		}
	} else {
		more = len > (s64)shown;
	}
	sb_puts(b, "\"");
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = buf[i];
		switch (c) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\t': sb_puts(b, "\\t"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\v': sb_puts(b, "\\v"); break;
		case '\f': sb_puts(b, "\\f"); break;
		default:
			if (c >= 32 && c < 127)
				sb_printf(b, "%c", c);
			else if (i + 1 < shown && buf[i + 1] >= '0' && buf[i + 1] <= '7')
				sb_printf(b, "\\%03o", c);
			else
				sb_printf(b, "\\%o", c);
		}
	}
	sb_puts(b, more ? "\"..." : "\"");
}

static void print_guest_str(struct sbuf *b, struct task *t, u64 addr, s64 len, bool nul_terminated)
{
	print_guest_strn(b, t, addr, len, nul_terminated, trace_strsize);
}

/* Paths are not cut at the string size: strace shows up to PATH_MAX - 1
 * bytes (a path and its NUL fit PATH_MAX). */
static void print_guest_path(struct sbuf *b, struct task *t, u64 addr)
{
	print_guest_strn(b, t, addr, 0, true, PATH_MAX - 1);
}

static void print_ptr(struct sbuf *b, u64 v)
{
	if (v)
		sb_printf(b, "%#llx", (unsigned long long)v);
	else
		sb_puts(b, "NULL");
}

static void print_mode(struct sbuf *b, u64 m)
{
	sb_printf(b, "%#03llo", (unsigned long long)m);
}

static void print_stat(struct sbuf *b, struct task *t, u64 addr)
{
	struct stat st;
	if (copy_from_user(t->mm, &st, addr, sizeof(st)) < 0) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	static const struct flag types[] = { F(S_IFREG), F(S_IFDIR), F(S_IFCHR), F(S_IFBLK), F(S_IFIFO),
					     F(S_IFLNK), F(S_IFSOCK) };
	const char *ty = lookup(st.st_mode & S_IFMT, types, ARRAY_SIZE(types));
	sb_printf(b, "{st_mode=%s|%#o, ", ty ? ty : "0", st.st_mode & 07777);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		sb_printf(b, "st_rdev=makedev(%#x, %#x), ", major(st.st_rdev), minor(st.st_rdev));
	else
		sb_printf(b, "st_size=%lld, ", (long long)st.st_size);
	sb_puts(b, "...}");
}

static void print_ts(struct sbuf *b, struct task *t, u64 addr)
{
	struct timespec ts;
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	if (copy_from_user(t->mm, &ts, addr, sizeof(ts)) < 0) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	sb_printf(b, "{tv_sec=%lld, tv_nsec=%ld}", (long long)ts.tv_sec, ts.tv_nsec);
}

static void print_sigset_val(struct sbuf *b, u64 set)
{
	int n = __builtin_popcountll(set);
	bool inv = n > 32;
	if (inv) {
		set = ~set;
		sb_puts(b, "~");
	}
	sb_puts(b, "[");
	bool first = true;
	for (int s = 1; s <= 64; s++)
		if (set & (1UL << (s - 1))) {
			const char *nm = signal_name(s);
			sb_printf(b, "%s%s", first ? "" : " ", !strncmp(nm, "SIG", 3) ? nm + 3 : nm);
			first = false;
		}
	sb_puts(b, "]");
}

static void print_sigset(struct sbuf *b, struct task *t, u64 addr)
{
	u64 set;
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	if (copy_from_user(t->mm, &set, addr, 8) < 0) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	print_sigset_val(b, set);
}

static void print_sigaction(struct sbuf *b, struct task *t, u64 addr)
{
	struct k_sigaction ka;
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	if (copy_from_user(t->mm, &ka, addr, sizeof(ka)) < 0) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	sb_puts(b, "{sa_handler=");
	if (ka.handler == (u64)SIG_DFL)
		sb_puts(b, "SIG_DFL");
	else if (ka.handler == (u64)SIG_IGN)
		sb_puts(b, "SIG_IGN");
	else
		sb_printf(b, "%#llx", (unsigned long long)ka.handler);
	sb_puts(b, ", sa_mask=");
	print_sigset_val(b, ka.mask);
	sb_puts(b, ", sa_flags=");
	print_flags(b, ka.flags, sa_flags, ARRAY_SIZE(sa_flags), "0");
	if (ka.flags & 0x04000000)
		sb_printf(b, ", sa_restorer=%#llx", (unsigned long long)ka.restorer);
	sb_puts(b, "}");
}

static void print_wstatus(struct sbuf *b, struct task *t, u64 addr, long ret)
{
	int st;
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	if (ret <= 0 || copy_from_user(t->mm, &st, addr, sizeof(st)) < 0) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	if (WIFEXITED(st))
		sb_printf(b, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		sb_printf(b, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]", signal_name(WTERMSIG(st)),
			  WCOREDUMP(st) ? " && WCOREDUMP(s)" : "");
	else if (WIFSTOPPED(st))
		sb_printf(b, "[{WIFSTOPPED(s) && WSTOPSIG(s) == %s}]", signal_name(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		sb_puts(b, "[{WIFCONTINUED(s)}]");
	else
		sb_printf(b, "[%#x]", st);
}

static void print_strv(struct sbuf *b, struct task *t, u64 addr, bool env)
{
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	int n = 0;
	u64 p;
	if (env) {
		while (n < 4096 && copy_from_user(t->mm, &p, addr + n * 8, 8) == 0 && p)
			n++;
		sb_printf(b, "%#llx /* %d var%s */", (unsigned long long)addr, n, n == 1 ? "" : "s");
		return;
	}
	sb_puts(b, "[");
	for (n = 0; n < 4096; n++) {
		if (copy_from_user(t->mm, &p, addr + n * 8, 8) < 0) {
			sb_printf(b, "%s%#llx", n ? ", " : "", (unsigned long long)(addr + n * 8));
			break;
		}
		if (!p)
			break;
		if (n)
			sb_puts(b, ", ");
		if (n == trace_strsize) {
			sb_puts(b, "...");
			break;
		}
		print_guest_str(b, t, p, 0, true);
	}
	sb_puts(b, "]");
}

static void print_iov(struct sbuf *b, struct task *t, u64 addr, int cnt, long total, bool out)
{
	struct iovec iov;
	if (cnt < 0 || cnt > 1024 || (out && total < 0)) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	sb_puts(b, "[");
	for (int i = 0; i < cnt; i++) {
		if (copy_from_user(t->mm, &iov, addr + i * sizeof(iov), sizeof(iov)) < 0) {
			sb_printf(b, "%s%#llx", i ? ", " : "", (unsigned long long)(addr + i * sizeof(iov)));
			break;
		}
		long n = (long)iov.iov_len;
		if (out)
			n = MIN(n, total), total -= n;
		sb_printf(b, "%s{iov_base=", i ? ", " : "");
		print_guest_str(b, t, (u64)iov.iov_base, n, false);
		sb_printf(b, ", iov_len=%zu}", iov.iov_len);
	}
	sb_puts(b, "]");
}

static void print_pollfds(struct sbuf *b, struct task *t, u64 addr, u64 n, bool revents)
{
	struct pollfd p;
	if (n > 1024) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	sb_puts(b, "[");
	bool first = true;
	for (u64 i = 0; i < n; i++) {
		if (copy_from_user(t->mm, &p, addr + i * sizeof(p), sizeof(p)) < 0)
			break;
		if (revents && !p.revents)
			continue;
		sb_printf(b, "%s{fd=%d", first ? "" : ", ", p.fd);
		if (!revents)
			fd_path(b, t, p.fd);
		sb_printf(b, ", %s=", revents ? "revents" : "events");
		print_flags(b, revents ? (u16)p.revents : (u16)p.events, pollev, ARRAY_SIZE(pollev), "0");
		sb_puts(b, "}");
		first = false;
	}
	sb_puts(b, "]");
}

bool kind_is_output(const char *k)
{
	return !strcmp(k, "rbuf") || !strcmp(k, "rstr") || !strcmp(k, "hexbuf") || !strcmp(k, "rlimit_out") || !strcmp(k, "stat_out") || !strcmp(k, "ts_out") ||
	       !strcmp(k, "sigset_out") || !strcmp(k, "sigaction_out") || !strcmp(k, "wstatus") ||
	       !strcmp(k, "pipefds") || !strcmp(k, "iov_out") || !strcmp(k, "uname");
}

bool decode_arg(struct sbuf *b, struct task *t, const char *k, int i, const struct syscall_args *a, long ret,
		enum arg_phase ph)
{
	u64 v = a->a[i];
	bool out = kind_is_output(k);
	if ((ph == AT_EXIT) != out)
		return false;
	bool failed = IS_ERR_VALUE(ret);
	if (!strcmp(k, "fd")) {
		sb_printf(b, "%d", (int)v);
		fd_path(b, t, (int)v);
	} else if (!strcmp(k, "int") || !strcmp(k, "pid")) {
		sb_printf(b, "%d", (int)v);
	} else if (!strcmp(k, "dirfd")) {
		if ((int)v == AT_FDCWD)
			sb_puts(b, "AT_FDCWD");
		else
			sb_printf(b, "%d", (int)v);
		fd_path(b, t, (int)v);
	} else if (!strcmp(k, "size") || !strcmp(k, "uint")) {
		sb_printf(b, "%llu", (unsigned long long)v);
	} else if (!strcmp(k, "off")) {
		sb_printf(b, "%lld", (long long)v);
	} else if (!strcmp(k, "hex")) {
		sb_printf(b, "%#llx", (unsigned long long)v);
	} else if (!strcmp(k, "ptr")) {
		print_ptr(b, v);
	} else if (!strcmp(k, "path")) {
		print_guest_path(b, t, v);
	} else if (!strcmp(k, "str")) {
		print_guest_str(b, t, v, 0, true);
	} else if (!strcmp(k, "wbuf")) {
		print_guest_str(b, t, v, (s64)a->a[i + 1], false);
	} else if (!strcmp(k, "rbuf")) {
		if (failed)
			sb_printf(b, "%#llx", (unsigned long long)v);
		else
			print_guest_str(b, t, v, ret, false);
	} else if (!strcmp(k, "hexbuf")) {
		unsigned char buf[64];
		size_t n = failed ? 0 : MIN((size_t)ret, MIN(sizeof(buf), (size_t)trace_strsize));
		if (failed || copy_from_user(t->mm, buf, v, n) < 0) {
			sb_printf(b, "%#llx", (unsigned long long)v);
		} else {
			sb_puts(b, "\"");
			for (size_t j = 0; j < n; j++)
				sb_printf(b, "\\x%02x", buf[j]);
			sb_puts(b, (size_t)ret > n ? "\"..." : "\"");
		}
	} else if (!strcmp(k, "rlimit_in") || !strcmp(k, "rlimit_out")) {
		u64 rl[2];
		if (!v)
			sb_puts(b, "NULL");
		else if ((k[7] == 'o' && failed) || copy_from_user(t->mm, rl, v, sizeof(rl)) < 0)
			sb_printf(b, "%#llx", (unsigned long long)v);
		else {
			sb_puts(b, "{rlim_cur=");
			for (int j = 0; j < 2; j++) {
				if (j)
					sb_puts(b, ", rlim_max=");
				if (rl[j] == ~0ULL)
					sb_puts(b, "RLIM64_INFINITY");
				else if (rl[j] && !(rl[j] % 1024))
					sb_printf(b, "%llu*1024", (unsigned long long)(rl[j] / 1024));
				else
					sb_printf(b, "%llu", (unsigned long long)rl[j]);
			}
			sb_puts(b, "}");
		}
	} else if (!strcmp(k, "rstr")) {
		if (failed)
			sb_printf(b, "%#llx", (unsigned long long)v);
		else if (!strcmp(syscall_table[a->nr].name, "getcwd"))
			print_guest_str(b, t, v, 0, true);
		else
			print_guest_str(b, t, v, ret, false);
	} else if (!strcmp(k, "fdflags")) {
		print_flags(b, v, oflags + 2, ARRAY_SIZE(oflags) - 2, "0");
	} else if (!strcmp(k, "oflags")) {
		print_oflags(b, v);
	} else if (!strcmp(k, "mode")) {
		print_mode(b, v);
	} else if (!strcmp(k, "prot")) {
		print_flags(b, v, prot, ARRAY_SIZE(prot), "PROT_NONE");
	} else if (!strcmp(k, "mmflags")) {
		print_flags(b, v, mmflags, ARRAY_SIZE(mmflags), "0");
	} else if (!strcmp(k, "atflags")) {
		print_flags(b, v, atflags, ARRAY_SIZE(atflags), "0");
	} else if (!strcmp(k, "cloneflags")) {
		u64 sig = v & 0xff;
		v &= ~0xffUL;
		sb_puts(b, "flags=");
		print_flags(b, v, cloneflags, ARRAY_SIZE(cloneflags), "");
		if (sig)
			sb_printf(b, "%s%s", v ? "|" : "", signal_name(sig));
	} else if (!strcmp(k, "sig")) {
		sb_puts(b, signal_name((int)v));
	} else if (!strcmp(k, "sighow")) {
		sb_puts(b, v == SIG_BLOCK ? "SIG_BLOCK" : v == SIG_UNBLOCK ? "SIG_UNBLOCK" : v == SIG_SETMASK ? "SIG_SETMASK" : "?");
	} else if (!strcmp(k, "sigset_in") || !strcmp(k, "sigset_out")) {
		print_sigset(b, t, v);
	} else if (!strcmp(k, "sigaction_in") || !strcmp(k, "sigaction_out")) {
		print_sigaction(b, t, v);
	} else if (!strcmp(k, "stat_out")) {
		if (failed)
			sb_printf(b, "%#llx", (unsigned long long)v);
		else
			print_stat(b, t, v);
	} else if (!strcmp(k, "ts_in")) {
		print_ts(b, t, v);
	} else if (!strcmp(k, "ts_out")) {
		if (failed || !v)
			print_ptr(b, v);
		else
			print_ts(b, t, v);
	} else if (!strcmp(k, "clockid")) {
		const char *c = lookup(v, clocks, ARRAY_SIZE(clocks));
		if (c)
			sb_puts(b, c);
		else
			sb_printf(b, "%d", (int)v);
	} else if (!strcmp(k, "whence")) {
		static const struct flag wh[] = { F(SEEK_SET), F(SEEK_CUR), F(SEEK_END), F(SEEK_DATA), F(SEEK_HOLE) };
		const char *c = lookup(v, wh, ARRAY_SIZE(wh));
		sb_puts(b, c ? c : "?");
	} else if (!strcmp(k, "wstatus")) {
		print_wstatus(b, t, v, ret);
	} else if (!strcmp(k, "waitopts")) {
		print_flags(b, v, waitopts, ARRAY_SIZE(waitopts), "0");
	} else if (!strcmp(k, "pipefds")) {
		int fds[2];
		if (failed || copy_from_user(t->mm, fds, v, sizeof(fds)) < 0)
			sb_printf(b, "%#llx", (unsigned long long)v);
		else {
			sb_printf(b, "[%d", fds[0]);
			fd_path(b, t, fds[0]);
			sb_printf(b, ", %d", fds[1]);
			fd_path(b, t, fds[1]);
			sb_puts(b, "]");
		}
	} else if (!strcmp(k, "argv") || !strcmp(k, "envp")) {
		print_strv(b, t, v, k[0] == 'e');
	} else if (!strcmp(k, "iov_in")) {
		print_iov(b, t, v, (int)a->a[i + 1], 0, false);
	} else if (!strcmp(k, "iov_out")) {
		if (failed)
			sb_printf(b, "%#llx", (unsigned long long)v);
		else
			print_iov(b, t, v, (int)a->a[i + 1], ret, true);
	} else if (!strcmp(k, "pollfds")) {
		print_pollfds(b, t, v, a->a[i + 1], false);
	} else if (!strcmp(k, "resource")) {
		const char *c = lookup(v, resources, ARRAY_SIZE(resources));
		if (c)
			sb_puts(b, c);
		else
			sb_printf(b, "%d", (int)v);
	} else if (!strcmp(k, "advice")) {
		const char *c = lookup(v, advices, ARRAY_SIZE(advices));
		if (c)
			sb_puts(b, c);
		else
			sb_printf(b, "%#llx /* MADV_??? */", (unsigned long long)v);
	} else if (!strcmp(k, "fcntl")) {
		const char *c = lookup(v, fcntls, ARRAY_SIZE(fcntls));
		if (c)
			sb_puts(b, c);
		else
			sb_printf(b, "%#llx /* F_??? */", (unsigned long long)v);
	} else if (!strcmp(k, "ioctl")) {
		const char *c = lookup(v & 0xffffffff, ioctls, ARRAY_SIZE(ioctls));
		if (c)
			sb_puts(b, c);
		else
			sb_printf(b, "%#llx", (unsigned long long)v);
	} else if (!strcmp(k, "futexop")) {
		const char *c = lookup(v & FUTEX_CMD_MASK, futexops, ARRAY_SIZE(futexops));
		sb_puts(b, c ? c : "FUTEX_???");
		if (v & FUTEX_PRIVATE_FLAG)
			sb_puts(b, "_PRIVATE");
		if (v & FUTEX_CLOCK_REALTIME)
			sb_puts(b, "|FUTEX_CLOCK_REALTIME");
	} else if (!strcmp(k, "amode")) {
		if (!v)
			sb_puts(b, "F_OK");
		else {
			static const struct flag am[] = { F(R_OK), F(W_OK), F(X_OK) };
			print_flags(b, v, am, ARRAY_SIZE(am), "F_OK");
		}
	} else if (!strcmp(k, "tflags")) {
		sb_puts(b, v == TIMER_ABSTIME ? "TIMER_ABSTIME" : v ? "?" : "0");
	} else if (!strcmp(k, "mremapflags")) {
		static const struct flag mr[] = { F(MREMAP_MAYMOVE), F(MREMAP_FIXED), { 4, "MREMAP_DONTUNMAP" } };
		print_flags(b, v, mr, ARRAY_SIZE(mr), "0");
	} else if (!strcmp(k, "msflags")) {
		static const struct flag ms[] = { F(MS_ASYNC), F(MS_INVALIDATE), F(MS_SYNC) };
		print_flags(b, v, ms, ARRAY_SIZE(ms), "0");
	} else if (!strcmp(k, "grflags")) {
		static const struct flag gr[] = { { 1, "GRND_NONBLOCK" }, { 2, "GRND_RANDOM" }, { 4, "GRND_INSECURE" } };
		print_flags(b, v, gr, ARRAY_SIZE(gr), "0");
	} else if (!strcmp(k, "archprctl")) {
		static const struct flag ap[] = { { 0x1001, "ARCH_SET_GS" }, { 0x1002, "ARCH_SET_FS" },
						  { 0x1003, "ARCH_GET_FS" }, { 0x1004, "ARCH_GET_GS" } };
		const char *c = lookup(v, ap, ARRAY_SIZE(ap));
		if (c)
			sb_puts(b, c);
		else
			sb_printf(b, "%#llx /* ARCH_??? */", (unsigned long long)v);
	} else if (!strcmp(k, "uname")) {
		struct utsname u;
		if (failed || copy_from_user(t->mm, &u, v, sizeof(u)) < 0)
			sb_printf(b, "%#llx", (unsigned long long)v);
		else
			sb_printf(b, "{sysname=\"%s\", nodename=\"%s\", ...}", u.sysname, u.nodename);
	} else {
		sb_printf(b, "%#llx", (unsigned long long)v);
	}
	return true;
}

void decode_ret(struct sbuf *b, const char *name, long ret)
{
	if (IS_ERR_VALUE(ret)) {
		int e = -ret;
		const char *en = strerrorname_np(e);
		if (e == ERESTARTSYS || e == ERESTARTNOINTR || e == ERESTARTNOHAND || e == ERESTART_RESTARTBLOCK)
			sb_printf(b, "? %s (To be restarted)", e == ERESTARTSYS ? "ERESTARTSYS" :
				  e == ERESTARTNOINTR ? "ERESTARTNOINTR" : e == ERESTARTNOHAND ? "ERESTARTNOHAND" :
				  "ERESTART_RESTARTBLOCK");
		else
			sb_printf(b, "-1 %s (%s)", en ? en : "E???", strerror(e));
		return;
	}
	if (!strcmp(name, "mmap") || !strcmp(name, "brk") || !strcmp(name, "mremap"))
		sb_printf(b, "%#lx", ret);
	else
		sb_printf(b, "%ld", ret);
}

/* trace_y: the path of a descriptor that a call returned. */
void decode_ret_fd(struct sbuf *b, struct task *t, const struct syscall_args *a, long ret)
{
	static const char *const makers[] = { "open", "openat", "openat2", "creat", "dup", "dup2", "dup3",
					      "socket", "accept", "accept4", "epoll_create", "epoll_create1",
					      "eventfd", "eventfd2", "memfd_create", "signalfd", "signalfd4",
					      "timerfd_create", "inotify_init", "inotify_init1", "pidfd_open",
					      "open_tree", "fsopen", "fsmount", "userfaultfd", NULL };
	if (!trace_decode_fds || IS_ERR_VALUE(ret))
		return;
	const char *name = syscall_table[a->nr].name;
	bool maker = !strcmp(name, "fcntl") && (a->a[1] == F_DUPFD || a->a[1] == F_DUPFD_CLOEXEC);
	for (const char *const *m = makers; *m && !maker; m++)
		maker = !strcmp(name, *m);
	if (maker)
		fd_path(b, t, (int)ret);
}

/* What strace adds after some results: poll's ready descriptors. */
void decode_ret_extra(struct sbuf *b, struct task *t, const struct syscall_args *a, long ret)
{
	const char *name = syscall_table[a->nr].name;
	if ((!strcmp(name, "poll") || !strcmp(name, "ppoll")) && ret > 0) {
		sb_puts(b, " (");
		print_pollfds(b, t, a->a[0], a->a[1], true);
		sb_puts(b, ")");
	}
}

void decode_siginfo(struct sbuf *b, const siginfo_t *si)
{
	static const struct flag codes[] = { F(SI_USER), F(SI_KERNEL), F(SI_QUEUE), F(SI_TIMER), F(SI_TKILL) };
	const char *code = NULL;
	char cbuf[32];
	if (si->si_signo == SIGCHLD) {
		static const struct flag cld[] = { F(CLD_EXITED), F(CLD_KILLED), F(CLD_DUMPED), F(CLD_TRAPPED),
						   F(CLD_STOPPED), F(CLD_CONTINUED) };
		code = lookup(si->si_code, cld, ARRAY_SIZE(cld));
	} else if (si->si_signo == SIGSEGV && si->si_code > 0) {
		code = si->si_code == SEGV_MAPERR ? "SEGV_MAPERR" : si->si_code == SEGV_ACCERR ? "SEGV_ACCERR" : NULL;
	}
	if (!code)
		code = lookup((u64)(s64)si->si_code, codes, ARRAY_SIZE(codes));
	if (!code) {
		snprintf(cbuf, sizeof(cbuf), "%d", si->si_code);
		code = cbuf;
	}
	sb_printf(b, "{si_signo=%s, si_code=%s", signal_name(si->si_signo), code);
	if (si->si_signo == SIGCHLD)
		sb_printf(b, ", si_pid=%d, si_uid=%d, si_status=%d, si_utime=0, si_stime=0", si->si_pid, si->si_uid,
			  si->si_status);
	else if (si->si_code == SI_USER || si->si_code == SI_TKILL || si->si_code == SI_QUEUE)
		sb_printf(b, ", si_pid=%d, si_uid=%d", si->si_pid, si->si_uid);
	else if (si->si_signo == SIGSEGV || si->si_signo == SIGBUS || si->si_signo == SIGILL ||
		 si->si_signo == SIGFPE)
		sb_printf(b, ", si_addr=%p", si->si_addr);
	sb_puts(b, "}");
}
