/* Decoding system call arguments the way strace prints them.
 *
 * Each argument has a kind (from syscalls.def): a plain number, a file
 * descriptor, a path read from guest memory, a set of flags, a struct.
 * Input arguments are decoded when the call enters (a guest that changes its
 * buffer while the call blocks cannot change what we show); output
 * arguments (kinds ending the call: rbuf, stat_out, ...) when it returns.
 * Guest memory that cannot be read prints as its address, as strace does. */
#include <vmcore/trace.h>
#include "decode.h"
#include <vmcore/signal.h>
#include <vmcore/vfs.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

int trace_strsize = 32;
bool trace_decode_fds;

/* trace_y: "<path>" after a descriptor, as strace -y prints it; nothing if
 * the task has no such descriptor. */
void fd_path(struct sbuf *b, struct task *t, int fd)
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

void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t nc = MAX(b->cap * 2, b->len + n + 256);
		char *ns = realloc(b->s, nc);
		if (!ns)
			return;
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

void print_flags(struct sbuf *b, u64 v, const struct flag *f, size_t n, const char *zero)
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

const char *lookup(u64 v, const struct flag *f, size_t n)
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
	/* in strace's order */
	{ 0x04000000, "SA_RESTORER" }, F(SA_ONSTACK), F(SA_RESTART), F(SA_NODEFER), F(SA_RESETHAND),
	F(SA_SIGINFO), F(SA_NOCLDSTOP), F(SA_NOCLDWAIT),
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
/* strace names the requests that share a number with an OSS sound ioctl
 * by both names */
static const struct flag ioctls[] = {
	{ 0x5401, "TCGETS" }, { 0x5402, "SNDCTL_TMR_START or TCSETS" }, { 0x5403, "SNDCTL_TMR_STOP or TCSETSW" },
	{ 0x5404, "SNDCTL_TMR_CONTINUE or TCSETSF" },
	{ 0x540b, "TCFLSH" }, { 0x540e, "TIOCSCTTY" }, { 0x540f, "TIOCGPGRP" }, { 0x5410, "TIOCSPGRP" },
	{ 0x5413, "TIOCGWINSZ" }, { 0x5414, "TIOCSWINSZ" }, { 0x541b, "FIONREAD" }, { 0x5421, "FIONBIO" },
	{ 0x5422, "TIOCNOTTY" }, { 0x5429, "TIOCGSID" }, { 0x5451, "FIOCLEX" }, { 0x5450, "FIONCLEX" },
	{ 0x5409, "TCSBRK" }, { 0x540a, "TCXONC" }, { 0x540c, "TIOCEXCL" }, { 0x540d, "TIOCNXCL" },
	{ 0x5411, "TIOCOUTQ" }, { 0x5412, "TIOCSTI" }, { 0x5419, "TIOCGSOFTCAR" }, { 0x541a, "TIOCSSOFTCAR" },
	{ 0x541d, "TIOCCONS" }, { 0x541f, "TIOCSSERIAL" }, { 0x5420, "TIOCPKT" }, { 0x5423, "TIOCSETD" },
	{ 0x5424, "TIOCGETD" }, { 0x5425, "TCSBRKP" }, { 0x5427, "TIOCSBRK" }, { 0x5428, "TIOCCBRK" },
	{ 0x5437, "TIOCVHANGUP" }, { 0x5452, "FIOASYNC" }, { 0x5456, "TIOCGLCKTRMIOS" },
	{ 0x5457, "TIOCSLCKTRMIOS" }, { 0x802c542a, "TCGETS2" }, { 0x402c542b, "TCSETS2" },
	{ 0x402c542c, "TCSETSW2" }, { 0x402c542d, "TCSETSF2" }, { 0x80045430, "TIOCGPTN" },
	{ 0x40045431, "TIOCSPTLCK" }, { 0x80045432, "TIOCGDEV" }, { 0x80045440, "TIOCGEXCL" },
};

const char *signal_name(int sig)
{
	static __thread char buf[16];
	/* the kernel's real-time signals start at 32 (glibc keeps two) */
	if (sig >= 32 && sig <= 64) {
		snprintf(buf, sizeof(buf), sig == 32 ? "SIGRTMIN" : "SIGRT_%d", sig - 32);
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
/* Bytes in double quotes, escaped as strace does. */
void quote_bytes(struct sbuf *b, const unsigned char *buf, size_t n)
{
	sb_puts(b, "\"");
	for (size_t i = 0; i < n; i++) {
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
			else if (i + 1 < n && buf[i + 1] >= '0' && buf[i + 1] <= '7')
				sb_printf(b, "\\%03o", c);
			else
				sb_printf(b, "\\%o", c);
		}
	}
	sb_puts(b, "\"");
}

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
	quote_bytes(b, buf, shown);
	if (more)
		sb_puts(b, "...");

}

void print_guest_str(struct sbuf *b, struct task *t, u64 addr, s64 len, bool nul_terminated)
{
	print_guest_strn(b, t, addr, len, nul_terminated, trace_strsize);
}

/* Paths are not cut at the string size: strace shows up to PATH_MAX - 1
 * bytes (a path and its NUL fit PATH_MAX). */
static void print_guest_path(struct sbuf *b, struct task *t, u64 addr)
{
	print_guest_strn(b, t, addr, 0, true, PATH_MAX - 1);
}

void print_ptr(struct sbuf *b, u64 v)
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

void print_ts(struct sbuf *b, struct task *t, u64 addr)
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

void print_sigset(struct sbuf *b, struct task *t, u64 addr)
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
	if (ka.flags & 0x04000000) {
		sb_puts(b, ", sa_restorer=");
		print_ptr(b, ka.restorer);
	}
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

void print_iov(struct sbuf *b, struct task *t, u64 addr, int cnt, long total, bool out)
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

/* ---- structs: socket addresses, terminal ioctls, clone3, epoll ---- */


/* strace's printflags: the names of the table (in its order) joined by '|',
 * then the unknown bits in hex; no name at all: the hex value with the
 * default as a comment; zero: "0", or nothing when there is no default
 * (strace prints termios flags that way). */
void print_flags_x(struct sbuf *b, u64 v, const struct flag *f, size_t n, const char *dflt)
{
	if (!v) {
		if (dflt)
			sb_puts(b, "0");
		return;
	}
	bool any = false;
	for (size_t i = 0; i < n; i++)
		if (f[i].v && (v & f[i].v) == f[i].v) {
			sb_printf(b, "%s%s", any ? "|" : "", f[i].n);
			v &= ~f[i].v;
			any = true;
		}
	if (v && any)
		sb_printf(b, "|%#llx", (unsigned long long)v);
	else if (v && dflt)
		sb_printf(b, "%#llx /* %s */", (unsigned long long)v, dflt);
	else if (v)
		sb_printf(b, "%#llx", (unsigned long long)v);
}

/* strace's printxval: a value's name, or the value in hex and a comment. */
void print_xval(struct sbuf *b, u64 v, const struct flag *f, size_t n, const char *dflt)
{
	const char *s = lookup(v, f, n);
	if (s)
		sb_puts(b, s);
	else
		sb_printf(b, "%#llx /* %s */", (unsigned long long)v, dflt);
}


struct entry_keep *kept(struct task *t)
{
	return t ? trace_scratch(t) : NULL;
}

const struct flag addrfams[] = {
	{ 0, "AF_UNSPEC" }, { 1, "AF_UNIX" }, { 2, "AF_INET" }, { 3, "AF_AX25" }, { 4, "AF_IPX" },
	{ 5, "AF_APPLETALK" }, { 6, "AF_NETROM" }, { 7, "AF_BRIDGE" }, { 8, "AF_ATMPVC" }, { 9, "AF_X25" },
	{ 10, "AF_INET6" }, { 11, "AF_ROSE" }, { 12, "AF_DECnet" }, { 13, "AF_NETBEUI" }, { 14, "AF_SECURITY" },
	{ 15, "AF_KEY" }, { 16, "AF_NETLINK" }, { 17, "AF_PACKET" }, { 18, "AF_ASH" }, { 19, "AF_ECONET" },
	{ 20, "AF_ATMSVC" }, { 21, "AF_RDS" }, { 22, "AF_SNA" }, { 23, "AF_IRDA" }, { 24, "AF_PPPOX" },
	{ 25, "AF_WANPIPE" }, { 26, "AF_LLC" }, { 27, "AF_IB" }, { 28, "AF_MPLS" }, { 29, "AF_CAN" },
	{ 30, "AF_TIPC" }, { 31, "AF_BLUETOOTH" }, { 32, "AF_IUCV" }, { 33, "AF_RXRPC" }, { 34, "AF_ISDN" },
	{ 35, "AF_PHONET" }, { 36, "AF_IEEE802154" }, { 37, "AF_CAIF" }, { 38, "AF_ALG" }, { 39, "AF_NFC" },
	{ 40, "AF_VSOCK" }, { 41, "AF_KCM" }, { 42, "AF_QIPCRTR" }, { 43, "AF_SMC" }, { 44, "AF_XDP" },
	{ 45, "AF_MCTP" },
};
const size_t n_addrfams = ARRAY_SIZE(addrfams);
static const struct flag socktypes[] = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" }, { 10, "SOCK_PACKET" },
};
static const struct flag sockflags[] = { { 02000000, "SOCK_CLOEXEC" }, { 04000, "SOCK_NONBLOCK" } };
static const struct flag inet_protos[] = {
	{ 0, "IPPROTO_IP" }, { 1, "IPPROTO_ICMP" }, { 2, "IPPROTO_IGMP" }, { 4, "IPPROTO_IPIP" },
	{ 6, "IPPROTO_TCP" }, { 8, "IPPROTO_EGP" }, { 12, "IPPROTO_PUP" }, { 17, "IPPROTO_UDP" },
	{ 22, "IPPROTO_IDP" }, { 29, "IPPROTO_TP" }, { 33, "IPPROTO_DCCP" }, { 41, "IPPROTO_IPV6" },
	{ 43, "IPPROTO_ROUTING" }, { 44, "IPPROTO_FRAGMENT" }, { 46, "IPPROTO_RSVP" }, { 47, "IPPROTO_GRE" },
	{ 50, "IPPROTO_ESP" }, { 51, "IPPROTO_AH" }, { 58, "IPPROTO_ICMPV6" }, { 59, "IPPROTO_NONE" },
	{ 60, "IPPROTO_DSTOPTS" }, { 92, "IPPROTO_MTP" }, { 94, "IPPROTO_BEETPH" }, { 98, "IPPROTO_ENCAP" },
	{ 103, "IPPROTO_PIM" }, { 108, "IPPROTO_COMP" }, { 115, "IPPROTO_L2TP" }, { 132, "IPPROTO_SCTP" },
	{ 135, "IPPROTO_MH" }, { 136, "IPPROTO_UDPLITE" }, { 137, "IPPROTO_MPLS" }, { 143, "IPPROTO_ETHERNET" },
	{ 255, "IPPROTO_RAW" }, { 262, "IPPROTO_MPTCP" },
};
static const struct flag netlink_protos[] = {
	{ 0, "NETLINK_ROUTE" }, { 1, "NETLINK_UNUSED" }, { 2, "NETLINK_USERSOCK" }, { 3, "NETLINK_FIREWALL" },
	{ 4, "NETLINK_SOCK_DIAG" }, { 5, "NETLINK_NFLOG" }, { 6, "NETLINK_XFRM" }, { 7, "NETLINK_SELINUX" },
	{ 8, "NETLINK_ISCSI" }, { 9, "NETLINK_AUDIT" }, { 10, "NETLINK_FIB_LOOKUP" }, { 11, "NETLINK_CONNECTOR" },
	{ 12, "NETLINK_NETFILTER" }, { 13, "NETLINK_IP6_FW" }, { 14, "NETLINK_DNRTMSG" },
	{ 15, "NETLINK_KOBJECT_UEVENT" }, { 16, "NETLINK_GENERIC" }, { 18, "NETLINK_SCSITRANSPORT" },
	{ 19, "NETLINK_ECRYPTFS" }, { 20, "NETLINK_RDMA" }, { 21, "NETLINK_CRYPTO" }, { 22, "NETLINK_SMC" },
};
static const struct flag eth_protos[] = {
	{ 0x0060, "ETH_P_LOOP" }, { 0x0200, "ETH_P_PUP" }, { 0x0201, "ETH_P_PUPAT" }, { 0x22f0, "ETH_P_TSN" },
	{ 0x22eb, "ETH_P_ERSPAN2" }, { 0x0800, "ETH_P_IP" }, { 0x0805, "ETH_P_X25" }, { 0x0806, "ETH_P_ARP" },
	{ 0x0a00, "ETH_P_IEEEPUP" }, { 0x0a01, "ETH_P_IEEEPUPAT" }, { 0x4305, "ETH_P_BATMAN" },
	{ 0x6000, "ETH_P_DEC" }, { 0x6001, "ETH_P_DNA_DL" }, { 0x6002, "ETH_P_DNA_RC" }, { 0x6003, "ETH_P_DNA_RT" },
	{ 0x6004, "ETH_P_LAT" }, { 0x6005, "ETH_P_DIAG" }, { 0x6006, "ETH_P_CUST" }, { 0x6007, "ETH_P_SCA" },
	{ 0x6558, "ETH_P_TEB" }, { 0x8035, "ETH_P_RARP" }, { 0x809b, "ETH_P_ATALK" }, { 0x80f3, "ETH_P_AARP" },
	{ 0x8100, "ETH_P_8021Q" }, { 0x88be, "ETH_P_ERSPAN" }, { 0x8137, "ETH_P_IPX" }, { 0x86dd, "ETH_P_IPV6" },
	{ 0x8808, "ETH_P_PAUSE" }, { 0x8809, "ETH_P_SLOW" }, { 0x883e, "ETH_P_WCCP" }, { 0x8847, "ETH_P_MPLS_UC" },
	{ 0x8848, "ETH_P_MPLS_MC" }, { 0x884c, "ETH_P_ATMMPOA" }, { 0x8863, "ETH_P_PPP_DISC" },
	{ 0x8864, "ETH_P_PPP_SES" }, { 0x886c, "ETH_P_LINK_CTL" }, { 0x8884, "ETH_P_ATMFATE" },
	{ 0x888e, "ETH_P_PAE" }, { 0x8899, "ETH_P_REALTEK" }, { 0x88a2, "ETH_P_AOE" }, { 0x88a8, "ETH_P_8021AD" },
	{ 0x88b5, "ETH_P_802_EX1" }, { 0x88c7, "ETH_P_PREAUTH" }, { 0x88ca, "ETH_P_TIPC" }, { 0x88cc, "ETH_P_LLDP" },
	{ 0x88e3, "ETH_P_MRP" }, { 0x88e5, "ETH_P_MACSEC" }, { 0x88e7, "ETH_P_8021AH" }, { 0x88f5, "ETH_P_MVRP" },
	{ 0x88f7, "ETH_P_1588" }, { 0x88f8, "ETH_P_NCSI" }, { 0x88fb, "ETH_P_PRP" }, { 0x8902, "ETH_P_CFM" },
	{ 0x8906, "ETH_P_FCOE" }, { 0x8915, "ETH_P_IBOE" }, { 0x890d, "ETH_P_TDLS" }, { 0x8914, "ETH_P_FIP" },
	{ 0x8917, "ETH_P_80221" }, { 0x892f, "ETH_P_HSR" }, { 0x894f, "ETH_P_NSH" }, { 0x9000, "ETH_P_LOOPBACK" },
	{ 0x9100, "ETH_P_QINQ1" }, { 0x9200, "ETH_P_QINQ2" }, { 0x9300, "ETH_P_QINQ3" }, { 0xdada, "ETH_P_EDSA" },
	{ 0xdadb, "ETH_P_DSA_8021Q" }, { 0xe001, "ETH_P_DSA_A5PSW" }, { 0xed3e, "ETH_P_IFE" },
	{ 0xfbfb, "ETH_P_AF_IUCV" }, { 0x0600, "ETH_P_802_3_MIN" }, { 0x0001, "ETH_P_802_3" },
	{ 0x0002, "ETH_P_AX25" }, { 0x0003, "ETH_P_ALL" }, { 0x0004, "ETH_P_802_2" }, { 0x0005, "ETH_P_SNAP" },
	{ 0x0006, "ETH_P_DDCMP" }, { 0x0007, "ETH_P_WAN_PPP" }, { 0x0008, "ETH_P_PPP_MP" },
	{ 0x0009, "ETH_P_LOCALTALK" }, { 0x000c, "ETH_P_CAN" }, { 0x000d, "ETH_P_CANFD" }, { 0x000e, "ETH_P_CANXL" },
	{ 0x0010, "ETH_P_PPPTALK" }, { 0x0011, "ETH_P_TR_802_2" }, { 0x0015, "ETH_P_MOBITEX" },
	{ 0x0016, "ETH_P_CONTROL" }, { 0x0017, "ETH_P_IRDA" }, { 0x0018, "ETH_P_ECONET" }, { 0x0019, "ETH_P_HDLC" },
	{ 0x001a, "ETH_P_ARCNET" }, { 0x001b, "ETH_P_DSA" }, { 0x001c, "ETH_P_TRAILER" }, { 0x00f5, "ETH_P_PHONET" },
	{ 0x00f6, "ETH_P_IEEE802154" }, { 0x00f7, "ETH_P_CAIF" }, { 0x00f8, "ETH_P_XDSA" }, { 0x00f9, "ETH_P_MAP" },
	{ 0x00fa, "ETH_P_MCTP" },
};
const struct flag msgflags[] = {
	{ 0x1, "MSG_OOB" }, { 0x2, "MSG_PEEK" }, { 0x4, "MSG_DONTROUTE" }, { 0x8, "MSG_CTRUNC" },
	{ 0x10, "MSG_PROBE" }, { 0x20, "MSG_TRUNC" }, { 0x40, "MSG_DONTWAIT" }, { 0x80, "MSG_EOR" },
	{ 0x100, "MSG_WAITALL" }, { 0x200, "MSG_FIN" }, { 0x400, "MSG_SYN" }, { 0x800, "MSG_CONFIRM" },
	{ 0x1000, "MSG_RST" }, { 0x2000, "MSG_ERRQUEUE" }, { 0x4000, "MSG_NOSIGNAL" }, { 0x8000, "MSG_MORE" },
	{ 0x10000, "MSG_WAITFORONE" }, { 0x20000, "MSG_SENDPAGE_NOTLAST" }, { 0x40000, "MSG_BATCH" },
	{ 0x80000, "MSG_NO_SHARED_FRAGS" }, { 0x4000000, "MSG_ZEROCOPY" }, { 0x20000000, "MSG_FASTOPEN" },
	{ 0x40000000, "MSG_CMSG_CLOEXEC" }, { 0x80000000, "MSG_CMSG_COMPAT" },
};
const size_t n_msgflags = ARRAY_SIZE(msgflags);

/* socket(2)'s type: the type's name, then its flags. */
static void print_socktype(struct sbuf *b, u64 v)
{
	unsigned type = (unsigned)v;
	const char *s = lookup(type & 0xf, socktypes, ARRAY_SIZE(socktypes));
	if (s) {
		sb_puts(b, s);
		type &= ~0xfu;
		if (!type)
			return;
		sb_puts(b, "|");
	}
	print_flags_x(b, type, sockflags, ARRAY_SIZE(sockflags), "SOCK_???");
}

/* socket(2)'s protocol, by the family of its first argument. */
static void print_sockproto(struct sbuf *b, u64 family, u64 v)
{
	if (family == AF_INET || family == AF_INET6) {
		print_xval(b, v, inet_protos, ARRAY_SIZE(inet_protos), "IPPROTO_???");
	} else if (family == AF_NETLINK) {
		print_xval(b, v, netlink_protos, ARRAY_SIZE(netlink_protos), "NETLINK_???");
	} else if (family == AF_PACKET) {
		sb_puts(b, "htons(");
		print_xval(b, ntohs((u16)v), eth_protos, ARRAY_SIZE(eth_protos), "ETH_P_???");
		sb_puts(b, ")");
	} else {
		sb_printf(b, "%llu", (unsigned long long)v);
	}
}

/* A socket address of len bytes at addr, as strace's decode_sockaddr:
 * AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK by their fields, any other
 * family (or one too short for its struct) as sa_data bytes.  A scope id
 * is a number: the guest has no interfaces to name it by. */
void print_sockaddr(struct sbuf *b, struct task *t, u64 addr, int len)
{
	if (len < 2 || !addr) {
		print_ptr(b, addr);
		return;
	}
	union {
		struct sockaddr_storage ss;
		struct sockaddr_un un;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_nl nl;
		unsigned char raw[sizeof(struct sockaddr_storage) + 1];
	} u;
	if ((size_t)len > sizeof(u.ss))
		len = sizeof(u.ss);
	if (copy_from_user(t->mm, u.raw, addr, len) < 0) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	memset(u.raw + len, 0, sizeof(u.raw) - len);
	sa_family_t fam = u.ss.ss_family;
	sb_puts(b, "{sa_family=");
	print_xval(b, fam, addrfams, n_addrfams, "AF_???");
	if (len <= 2) {
		sb_puts(b, "}");
		return;
	}
	sb_puts(b, ", ");
	char text[INET6_ADDRSTRLEN];
	if (fam == AF_UNIX) {
		int path_len = MIN(len, (int)sizeof(u.un)) - 2;
		const unsigned char *p = u.raw + 2;
		sb_puts(b, "sun_path=");
		if (p[0]) {
			quote_bytes(b, p, strnlen((const char *)p, path_len + 1));
		} else {
			sb_puts(b, "@");
			quote_bytes(b, p + 1, path_len - 1);
		}
	} else if (fam == AF_INET && len >= (int)sizeof(u.in) &&
		   inet_ntop(AF_INET, &u.in.sin_addr, text, sizeof(text))) {
		sb_printf(b, "sin_port=htons(%u), sin_addr=inet_addr(\"%s\")", ntohs(u.in.sin_port), text);
	} else if (fam == AF_INET6 && len >= (int)offsetof(struct sockaddr_in6, sin6_scope_id) &&
		   inet_ntop(AF_INET6, &u.in6.sin6_addr, text, sizeof(text))) {
		sb_printf(b, "sin6_port=htons(%u), sin6_flowinfo=htonl(%u), inet_pton(AF_INET6, \"%s\", &sin6_addr)",
			  ntohs(u.in6.sin6_port), ntohl(u.in6.sin6_flowinfo), text);
		if (len > (int)offsetof(struct sockaddr_in6, sin6_scope_id))
			sb_printf(b, ", sin6_scope_id=%u", u.in6.sin6_scope_id);
	} else if (fam == AF_NETLINK && len >= (int)sizeof(u.nl)) {
		if (u.nl.nl_pad)
			sb_printf(b, "nl_pad=%#x, ", u.nl.nl_pad);
		sb_printf(b, "nl_pid=%d, nl_groups=%#08x", (int)u.nl.nl_pid, u.nl.nl_groups);
	} else {
		sb_puts(b, "sa_data=");
		quote_bytes(b, u.raw + 2, len - 2);
	}
	sb_puts(b, "}");
}

/* The address an accept/getsockname/recvfrom filled in: shown when the
 * call succeeded, with the smaller of the lengths before and after. */
static void print_sockaddr_out(struct sbuf *b, struct task *t, u64 addr, u64 lenp, bool failed)
{
	struct entry_keep *k = kept(t);
	int rlen;
	if (!k || !k->have_len || failed || copy_from_user(t->mm, &rlen, lenp, sizeof(rlen)) < 0)
		print_ptr(b, addr);
	else
		print_sockaddr(b, t, addr, MIN(k->len, rlen));
}

/* Its length, in and out: [110 => 16], or [16] when it did not change. */
static void print_socklen_io(struct sbuf *b, struct task *t, u64 lenp, bool failed)
{
	struct entry_keep *k = kept(t);
	int rlen;
	if (!k || !k->have_len)
		print_ptr(b, lenp);
	else if (failed || copy_from_user(t->mm, &rlen, lenp, sizeof(rlen)) < 0)
		sb_printf(b, "[%d]", k->len);
	else if (rlen != k->len)
		sb_printf(b, "[%d => %d]", k->len, rlen);
	else
		sb_printf(b, "[%d]", rlen);
}

/* A pointer to an int: [value]. */
void print_int_ptr(struct sbuf *b, struct task *t, u64 addr)
{
	int v;
	if (!addr || copy_from_user(t->mm, &v, addr, sizeof(v)) < 0)
		print_ptr(b, addr);
	else
		sb_printf(b, "[%d]", v);
}

/* struct termios (or termios2, which begins the same way), abbreviated as
 * strace shows it without -v: the four flag words. */
static const struct flag tc_iflags[] = {
	F(IGNBRK), F(BRKINT), F(IGNPAR), F(PARMRK), F(INPCK), F(ISTRIP), F(INLCR), F(IGNCR), F(ICRNL),
	F(IUCLC), F(IXON), F(IXANY), F(IXOFF), F(IMAXBEL), F(IUTF8),
};
static const struct flag tc_oflags[] = { F(OPOST), F(OLCUC), F(ONLCR), F(OCRNL), F(ONOCR), F(ONLRET), F(OFILL),
					 F(OFDEL) };
static const struct flag tc_cflags[] = { F(CSTOPB), F(CREAD), F(PARENB), F(PARODD), F(HUPCL), F(CLOCAL),
					 F(CMSPAR), F(CRTSCTS) };
static const struct flag tc_lflags[] = {
	F(ISIG), F(ICANON), F(XCASE), F(ECHO), F(ECHOE), F(ECHOK), F(ECHONL), F(NOFLSH), F(IEXTEN),
	F(ECHOCTL), F(ECHOPRT), F(ECHOKE), F(FLUSHO), F(PENDIN), F(TOSTOP), F(EXTPROC),
};
static const struct flag tc_bauds[] = {
	F(B0), F(B50), F(B75), F(B110), F(B134), F(B150), F(B200), F(B300), F(B600), F(B1200), F(B1800),
	F(B2400), F(B4800), F(B9600), F(B19200), F(B38400), { 0x1000, "BOTHER" }, F(B57600), F(B115200),
	F(B230400), F(B460800), F(B500000), F(B576000), F(B921600), F(B1000000), F(B1152000), F(B1500000),
	F(B2000000), F(B2500000), F(B3000000), F(B3500000), F(B4000000),
};
static const struct flag tc_csize[] = { F(CS5), F(CS6), F(CS7), F(CS8) };

/* the kernel's struct termios and termios2 (not the C library's) */
#define KTERMIOS_SIZE 36
#define KTERMIOS2_SIZE 44
#ifndef BOTHER
#define BOTHER 0x1000
#endif
#ifndef IBSHIFT
#define IBSHIFT 16
#endif

static void print_termios(struct sbuf *b, struct task *t, u64 addr, size_t size)
{
	unsigned char buf[64];
	u32 f[4];
	if (!addr || size > sizeof(buf) || copy_from_user(t->mm, buf, addr, size) < 0) {
		print_ptr(b, addr);
		return;
	}
	memcpy(f, buf, sizeof(f));
	sb_puts(b, "{c_iflag=");
	print_flags_x(b, f[0], tc_iflags, ARRAY_SIZE(tc_iflags), NULL);
	/* the delay fields, each by name, then the flags */
	static const struct {
		u32 mask;
		const char *names[4];
	} delays[] = {
		{ NLDLY, { "NL0", "NL1" } },	{ CRDLY, { "CR0", "CR1", "CR2", "CR3" } },
		{ TABDLY, { "TAB0", "TAB1", "TAB2", "XTABS" } }, { BSDLY, { "BS0", "BS1" } },
		{ VTDLY, { "VT0", "VT1" } },	{ FFDLY, { "FF0", "FF1" } },
	};
	sb_puts(b, ", c_oflag=");
	u32 o = f[1];
	for (size_t i = 0; i < ARRAY_SIZE(delays); i++) {
		u32 m = delays[i].mask, v = (o & m) / (m & -m);
		sb_printf(b, "%s|", v < 4 && delays[i].names[v] ? delays[i].names[v] : "?");
		o &= ~m;
	}
	print_flags_x(b, o, tc_oflags, ARRAY_SIZE(tc_oflags), NULL);
	sb_puts(b, ", c_cflag=");
	u32 c = f[2];
	print_xval(b, c & CBAUD, tc_bauds, ARRAY_SIZE(tc_bauds), "B???");
	sb_puts(b, "|");
	if (c & CIBAUD) {
		print_xval(b, (c & CIBAUD) >> IBSHIFT, tc_bauds, ARRAY_SIZE(tc_bauds), "B???");
		sb_puts(b, "<<IBSHIFT|");
	}
	print_xval(b, c & CSIZE, tc_csize, ARRAY_SIZE(tc_csize), "CS?");
	sb_puts(b, "|");
	print_flags_x(b, c & ~(u32)(CBAUD | CIBAUD | CSIZE), tc_cflags, ARRAY_SIZE(tc_cflags), NULL);
	sb_puts(b, ", c_lflag=");
	print_flags_x(b, f[3], tc_lflags, ARRAY_SIZE(tc_lflags), NULL);
	sb_puts(b, ", ...}");
}

static void print_winsize(struct sbuf *b, struct task *t, u64 addr)
{
	struct winsize ws;
	if (!addr || copy_from_user(t->mm, &ws, addr, sizeof(ws)) < 0)
		print_ptr(b, addr);
	else
		sb_printf(b, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", ws.ws_row, ws.ws_col, ws.ws_xpixel,
			  ws.ws_ypixel);
}

/* ioctl's third argument, by the request (strace's term_ioctl): how it is
 * shown, and whether it is shown after the call (the kernel fills it in). */
enum { IOA_TERMIOS, IOA_TERMIOS2, IOA_WINSIZE, IOA_INTPTR, IOA_INT, IOA_XONC, IOA_FLSH, IOA_CHAR, IOA_NONE };
static const struct ioctl_arg {
	u32 req;
	u8 how;
	bool out;
} ioctl_args[] = {
	{ TCGETS, IOA_TERMIOS, true },
	{ TCSETS, IOA_TERMIOS, false },
	{ TCSETSW, IOA_TERMIOS, false },
	{ TCSETSF, IOA_TERMIOS, false },
	{ TIOCGLCKTRMIOS, IOA_TERMIOS, true },
	{ TIOCSLCKTRMIOS, IOA_TERMIOS, false },
	{ 0x802c542a, IOA_TERMIOS2, true },  /* TCGETS2 */
	{ 0x402c542b, IOA_TERMIOS2, false }, /* TCSETS2 */
	{ 0x402c542c, IOA_TERMIOS2, false }, /* TCSETSW2 */
	{ 0x402c542d, IOA_TERMIOS2, false }, /* TCSETSF2 */
	{ TIOCGWINSZ, IOA_WINSIZE, true },
	{ TIOCSWINSZ, IOA_WINSIZE, false },
	{ TCXONC, IOA_XONC, false },
	{ TCFLSH, IOA_FLSH, false },
	{ TCSBRK, IOA_INT, false },
	{ TCSBRKP, IOA_INT, false },
	{ TIOCSCTTY, IOA_INT, false },
	{ TIOCGPGRP, IOA_INTPTR, true },
	{ TIOCGSID, IOA_INTPTR, true },
	{ TIOCGETD, IOA_INTPTR, true },
	{ TIOCGSOFTCAR, IOA_INTPTR, true },
	{ FIONREAD, IOA_INTPTR, true },
	{ TIOCOUTQ, IOA_INTPTR, true },
	{ 0x80045430, IOA_INTPTR, true }, /* TIOCGPTN */
	{ 0x80045432, IOA_INTPTR, true }, /* TIOCGDEV */
	{ 0x80045440, IOA_INTPTR, true }, /* TIOCGEXCL */
	{ TIOCSPGRP, IOA_INTPTR, false },
	{ TIOCSETD, IOA_INTPTR, false },
	{ FIONBIO, IOA_INTPTR, false },
	{ FIOASYNC, IOA_INTPTR, false },
	{ TIOCPKT, IOA_INTPTR, false },
	{ TIOCSSOFTCAR, IOA_INTPTR, false },
	{ 0x40045431, IOA_INTPTR, false }, /* TIOCSPTLCK */
	{ TIOCSTI, IOA_CHAR, false },
	{ TIOCSBRK, IOA_NONE, false },
	{ TIOCCBRK, IOA_NONE, false },
	{ TIOCCONS, IOA_NONE, false },
	{ TIOCNOTTY, IOA_NONE, false },
	{ TIOCEXCL, IOA_NONE, false },
	{ TIOCNXCL, IOA_NONE, false },
	{ FIOCLEX, IOA_NONE, false },
	{ FIONCLEX, IOA_NONE, false },
	{ TIOCVHANGUP, IOA_NONE, false },
	{ TIOCSSERIAL, IOA_NONE, false },
};

static const struct ioctl_arg *ioctl_arg_of(u64 req)
{
	for (size_t i = 0; i < ARRAY_SIZE(ioctl_args); i++)
		if (ioctl_args[i].req == (u32)req)
			return &ioctl_args[i];
	return NULL;
}

bool ioctl_takes_arg(u64 req)
{
	const struct ioctl_arg *ia = ioctl_arg_of(req);
	return !ia || ia->how != IOA_NONE;
}

static void print_ioctl_arg(struct sbuf *b, struct task *t, const struct syscall_args *a, bool failed)
{
	u64 v = a->a[2];
	const struct ioctl_arg *ia = ioctl_arg_of(a->a[1]);
	if (!ia) {
		sb_printf(b, "%#llx", (unsigned long long)v);
		return;
	}
	if (ia->out && failed) {
		print_ptr(b, v);
		return;
	}
	static const struct flag xonc[] = { F(TCOOFF), F(TCOON), F(TCIOFF), F(TCION) };
	static const struct flag flsh[] = { F(TCIFLUSH), F(TCOFLUSH), F(TCIOFLUSH) };
	switch (ia->how) {
	case IOA_TERMIOS:
		print_termios(b, t, v, KTERMIOS_SIZE);
		break;
	case IOA_TERMIOS2:
		print_termios(b, t, v, KTERMIOS2_SIZE);
		break;
	case IOA_WINSIZE:
		print_winsize(b, t, v);
		break;
	case IOA_INTPTR:
		print_int_ptr(b, t, v);
		break;
	case IOA_INT:
		sb_printf(b, "%d", (int)v);
		break;
	case IOA_XONC:
		print_xval(b, v, xonc, ARRAY_SIZE(xonc), "TC???");
		break;
	case IOA_FLSH:
		print_xval(b, v, flsh, ARRAY_SIZE(flsh), "TC???");
		break;
	case IOA_CHAR:
		print_guest_str(b, t, v, 1, false);
		break;
	default:
		break;
	}
}

/* clone3's struct clone_args (strace's clone3 decoder). */
static const struct flag clone3flags[] = {
	F(CLONE_VM), F(CLONE_FS), F(CLONE_FILES), F(CLONE_SIGHAND), F(CLONE_PIDFD), F(CLONE_PTRACE),
	F(CLONE_VFORK), F(CLONE_PARENT), F(CLONE_THREAD), F(CLONE_NEWNS), F(CLONE_SYSVSEM), F(CLONE_SETTLS),
	F(CLONE_PARENT_SETTID), F(CLONE_CHILD_CLEARTID), F(CLONE_UNTRACED), F(CLONE_CHILD_SETTID),
	F(CLONE_NEWCGROUP), F(CLONE_NEWUTS), F(CLONE_NEWIPC), F(CLONE_NEWUSER), F(CLONE_NEWPID), F(CLONE_NEWNET),
	F(CLONE_IO), { 0x80, "CLONE_NEWTIME" }, { 0x100000000ULL, "CLONE_CLEAR_SIGHAND" },
	{ 0x200000000ULL, "CLONE_INTO_CGROUP" },
};

static void print_addr64(struct sbuf *b, const char *name, u64 v)
{
	sb_printf(b, ", %s=", name);
	print_ptr(b, v);
}

/* Read clone3's argument: false if it is too short or cannot be read. */
static bool read_clone3(struct task *t, const struct syscall_args *a, struct clone3_args *ca)
{
	size_t n = MIN(a->a[1], sizeof(*ca));
	memset(ca, 0, sizeof(*ca));
	return n >= CLONE3_MIN && copy_from_user(t->mm, ca, a->a[0], n) == 0;
}

static void print_clone3(struct sbuf *b, struct task *t, const struct syscall_args *a, const struct clone3_args *ca)
{
	size_t n = MIN(a->a[1], sizeof(*ca));
	sb_puts(b, "{flags=");
	print_flags_x(b, ca->flags, clone3flags, ARRAY_SIZE(clone3flags), "CLONE_???");
	if (ca->flags & CLONE_PIDFD)
		print_addr64(b, "pidfd", ca->pidfd);
	if (ca->flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		print_addr64(b, "child_tid", ca->child_tid);
	if (ca->flags & CLONE_PARENT_SETTID)
		print_addr64(b, "parent_tid", ca->parent_tid);
	if (ca->exit_signal < INT_MAX)
		sb_printf(b, ", exit_signal=%s", signal_name((int)ca->exit_signal));
	else
		sb_printf(b, ", exit_signal=%llu", (unsigned long long)ca->exit_signal);
	print_addr64(b, "stack", ca->stack);
	sb_printf(b, ", stack_size=%#llx", (unsigned long long)ca->stack_size);
	if (ca->flags & CLONE_SETTLS)
		print_addr64(b, "tls", ca->tls);
	if (ca->set_tid || ca->set_tid_size) {
		if (!ca->set_tid || !ca->set_tid_size || ca->set_tid_size > 32) {
			print_addr64(b, "set_tid", ca->set_tid);
		} else {
			sb_puts(b, ", set_tid=[");
			for (u64 i = 0; i < ca->set_tid_size; i++) {
				int tid;
				if (copy_from_user(t->mm, &tid, ca->set_tid + i * sizeof(tid), sizeof(tid)) < 0) {
					sb_printf(b, "%s...", i ? ", " : "");
					break;
				}
				sb_printf(b, "%s%d", i ? ", " : "", tid);
			}
			sb_puts(b, "]");
		}
		sb_printf(b, ", set_tid_size=%llu", (unsigned long long)ca->set_tid_size);
	}
	if (n > offsetof(struct clone3_args, cgroup) && (ca->cgroup || (ca->flags & 0x200000000ULL)))
		sb_printf(b, ", cgroup=%llu", (unsigned long long)ca->cgroup);
	sb_puts(b, "}");
}

/* After a successful clone3: what the kernel wrote back (" => {...}"). */
static void print_clone3_result(struct sbuf *b, struct task *t, const struct syscall_args *a)
{
	struct clone3_args now;
	if (!read_clone3(t, a, &now)) {
		sb_printf(b, " => %#llx", (unsigned long long)a->a[0]);
		return;
	}
	const char *sep = " => {";
	if (now.flags & CLONE_PIDFD) {
		sb_printf(b, "%spidfd=", sep);
		print_int_ptr(b, t, now.pidfd);
		sep = ", ";
	}
	if (now.flags & CLONE_PARENT_SETTID) {
		sb_printf(b, "%sparent_tid=", sep);
		print_int_ptr(b, t, now.parent_tid);
		sep = ", ";
	}
	if (strcmp(sep, " => {"))
		sb_puts(b, "}");
}

/* epoll */
static const struct flag epollevents[] = {
	F(EPOLLIN), F(EPOLLPRI), F(EPOLLOUT), F(EPOLLERR), F(EPOLLHUP), { 0x20, "EPOLLNVAL" }, F(EPOLLRDNORM),
	F(EPOLLRDBAND), F(EPOLLWRNORM), F(EPOLLWRBAND), F(EPOLLMSG), F(EPOLLRDHUP), F(EPOLLEXCLUSIVE),
	F(EPOLLWAKEUP), F(EPOLLONESHOT), F(EPOLLET),
};

static void print_epoll_event(struct sbuf *b, const struct epoll_event *ev)
{
	sb_puts(b, "{events=");
	print_flags_x(b, ev->events, epollevents, ARRAY_SIZE(epollevents), "EPOLL???");
	sb_printf(b, ", data={u32=%u, u64=%llu}}", ev->data.u32, (unsigned long long)ev->data.u64);
}

/* epoll_wait's events: as many as the call returned. */
static void print_epoll_events(struct sbuf *b, struct task *t, u64 addr, long n)
{
	if (!addr) {
		sb_puts(b, "NULL");
		return;
	}
	if (n < 0 || (u64)n > (~0ULL - addr) / sizeof(struct epoll_event)) {
		sb_printf(b, "%#llx", (unsigned long long)addr);
		return;
	}
	sb_puts(b, "[");
	for (long i = 0; i < n; i++) {
		struct epoll_event ev;
		if (i)
			sb_puts(b, ", ");
		if (i == trace_strsize) {
			sb_puts(b, "...");
			break;
		}
		if (copy_from_user(t->mm, &ev, addr + i * sizeof(ev), sizeof(ev)) < 0) {
			if (i)
				sb_printf(b, "... /* %#llx */", (unsigned long long)(addr + i * sizeof(ev)));
			else
				sb_printf(b, "%#llx", (unsigned long long)addr);
			break;
		}
		print_epoll_event(b, &ev);
	}
	sb_puts(b, "]");
}

/* Kinds shown at entry or after the call depending on the call itself. */
static bool kind_phase_varies(const char *k)
{
	return !strcmp(k, "ioctl_arg") || !strcmp(k, "clone_args") || !strcmp(k, "clone3_size");
}

static bool waits_for_exit(struct task *t, const char *k, const struct syscall_args *a)
{
	if (!strcmp(k, "ioctl_arg")) {
		const struct ioctl_arg *ia = ioctl_arg_of(a->a[1]);
		return ia && ia->out;
	}
	struct entry_keep *kp = kept(t);
	return kp && kp->clone_at_exit;
}

/* At entry: what the exit's decoding will need. */
static void keep_for_exit(struct task *t, const char *k, int i, const struct syscall_args *a)
{
	struct entry_keep *kp = kept(t);
	if (!kp)
		return;
	if (!strcmp(k, "socklen_io")) {
		/* only with both pointers, as strace */
		kp->have_len = i > 0 && a->a[i - 1] && a->a[i] &&
			       copy_from_user(t->mm, &kp->len, a->a[i], sizeof(kp->len)) == 0;
	} else if (!strcmp(k, "clone_args")) {
		/* the kernel writes pidfd and parent_tid: shown after the call */
		kp->clone_at_exit = read_clone3(t, a, &kp->ca) &&
				    ((kp->ca.flags & (CLONE_PIDFD | CLONE_PARENT_SETTID)) ||
				     a->a[1] > sizeof(struct clone3_args));
	}
}

bool kind_is_output(const char *k)
{
	return !strcmp(k, "rbuf") || !strcmp(k, "rstr") || !strcmp(k, "hexbuf") || !strcmp(k, "rlimit_out") || !strcmp(k, "stat_out") || !strcmp(k, "ts_out") ||
	       !strcmp(k, "sigset_out") || !strcmp(k, "sigaction_out") || !strcmp(k, "wstatus") ||
	       !strcmp(k, "pipefds") || !strcmp(k, "iov_out") || !strcmp(k, "uname") ||
	       !strcmp(k, "sockaddr_out") || !strcmp(k, "socklen_io") || !strcmp(k, "epoll_events_out") ||
	       net_kind_is_output(k) || event_kind_is_output(k);
}

bool decode_arg(struct sbuf *b, struct task *t, const char *k, int i, const struct syscall_args *a, long ret,
		enum arg_phase ph)
{
	u64 v = a->a[i];
	if (ph == AT_ENTRY) {
		keep_for_exit(t, k, i, a);
		net_keep_for_exit(t, k, i, a);
	}
	bool out = kind_is_output(k);
	if (kind_phase_varies(k))
		out = ph == AT_EXIT || waits_for_exit(t, k, a);
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
		else if (!strcmp(trace_desc(a->nr)->name, "getcwd"))
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
	} else if (!strcmp(k, "sockfamily")) {
		print_xval(b, v, addrfams, n_addrfams, "AF_???");
	} else if (!strcmp(k, "socktype")) {
		print_socktype(b, v);
	} else if (!strcmp(k, "sockproto")) {
		print_sockproto(b, a->a[0], v);
	} else if (!strcmp(k, "sockaddr")) {
		print_sockaddr(b, t, v, (int)a->a[i + 1]);
	} else if (!strcmp(k, "socklen")) {
		sb_printf(b, "%d", (int)v);
	} else if (!strcmp(k, "sockaddr_out")) {
		print_sockaddr_out(b, t, v, a->a[i + 1], failed);
	} else if (!strcmp(k, "socklen_io")) {
		print_socklen_io(b, t, v, failed);
	} else if (!strcmp(k, "msgflags")) {
		print_flags_x(b, (u32)v, msgflags, n_msgflags, "MSG_???");
	} else if (!strcmp(k, "sockflags")) {
		print_flags_x(b, (u32)v, sockflags, ARRAY_SIZE(sockflags), "SOCK_???");
	} else if (!strcmp(k, "shuthow")) {
		static const struct flag sh[] = { F(SHUT_RD), F(SHUT_WR), F(SHUT_RDWR) };
		print_xval(b, (u32)v, sh, ARRAY_SIZE(sh), "SHUT_???");
	} else if (!strcmp(k, "ioctl_arg")) {
		print_ioctl_arg(b, t, a, failed);
	} else if (!strcmp(k, "clone_args")) {
		struct entry_keep *kp = kept(t);
		struct clone3_args ca;
		if (ph == AT_EXIT && kp) {
			print_clone3(b, t, a, &kp->ca);
			if (!failed)
				print_clone3_result(b, t, a);
		} else if (read_clone3(t, a, &ca)) {
			print_clone3(b, t, a, &ca);
		} else {
			print_ptr(b, v);
		}
	} else if (!strcmp(k, "clone3_size")) {
		sb_printf(b, "%llu", (unsigned long long)v);
	} else if (!strcmp(k, "epollflags")) {
		static const struct flag ef[] = { F(EPOLL_CLOEXEC) };
		print_flags_x(b, (u32)v, ef, ARRAY_SIZE(ef), "EPOLL_???");
	} else if (!strcmp(k, "epollop")) {
		static const struct flag ops[] = { F(EPOLL_CTL_ADD), F(EPOLL_CTL_DEL), F(EPOLL_CTL_MOD) };
		print_xval(b, (u32)v, ops, ARRAY_SIZE(ops), "EPOLL_CTL_???");
	} else if (!strcmp(k, "epoll_event")) {
		struct epoll_event ev;
		if ((u32)a->a[1] == EPOLL_CTL_DEL || !v || copy_from_user(t->mm, &ev, v, sizeof(ev)) < 0)
			print_ptr(b, v);
		else
			print_epoll_event(b, &ev);
	} else if (!strcmp(k, "epoll_events_out")) {
		print_epoll_events(b, t, v, ret);
	} else if (!strcmp(k, "fadvice")) {
		static const struct flag fa[] = { F(POSIX_FADV_NORMAL), F(POSIX_FADV_RANDOM), F(POSIX_FADV_SEQUENTIAL),
						  F(POSIX_FADV_WILLNEED), F(POSIX_FADV_DONTNEED), F(POSIX_FADV_NOREUSE) };
		print_xval(b, (u32)v, fa, ARRAY_SIZE(fa), "POSIX_FADV_???");
	} else if (!strcmp(k, "sigreturn_mask")) {
		/* no argument: strace shows the mask the frame restores, at
		 * uc_sigmask of the rt_sigframe the stack points into */
		u64 set;
		if (!t || copy_from_user(t->mm, &set, t->ht.regs.rsp + 296, sizeof(set)) < 0) {
			sb_puts(b, "{mask=?}");
		} else {
			sb_puts(b, "{mask=");
			print_sigset_val(b, set);
			sb_puts(b, "}");
		}
	} else if (!decode_net_arg(b, t, k, i, a, ret) && !decode_event_arg(b, t, k, i, a, ret) &&
		   !decode_futex_arg(b, t, k, a)) {
		sb_printf(b, "%#llx", (unsigned long long)v);
	}
	return true;
}

void decode_ret(struct sbuf *b, const char *name, long ret)
{
	if (IS_ERR_VALUE(ret)) {
		int e = -ret;
		const char *en = strerrorname_np(e);
		/* strace's words for the codes a signal leaves */
		if (e == ERESTARTSYS)
			sb_puts(b, "? ERESTARTSYS (To be restarted if SA_RESTART is set)");
		else if (e == ERESTARTNOINTR)
			sb_puts(b, "? ERESTARTNOINTR (To be restarted)");
		else if (e == ERESTARTNOHAND)
			sb_puts(b, "? ERESTARTNOHAND (To be restarted if no handler)");
		else if (e == ERESTART_RESTARTBLOCK)
			sb_puts(b, "? ERESTART_RESTARTBLOCK (Interrupted by signal)");
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
	const char *name = trace_desc(a->nr)->name;
	bool maker = !strcmp(name, "fcntl") && (a->a[1] == F_DUPFD || a->a[1] == F_DUPFD_CLOEXEC);
	for (const char *const *m = makers; *m && !maker; m++)
		maker = !strcmp(name, *m);
	if (maker)
		fd_path(b, t, (int)ret);
}

/* What strace adds after some results: poll's ready descriptors. */
void decode_ret_extra(struct sbuf *b, struct task *t, const struct syscall_args *a, long ret)
{
	const char *name = trace_desc(a->nr)->name;
	if ((!strcmp(name, "poll") || !strcmp(name, "ppoll")) && ret > 0) {
		sb_puts(b, " (");
		print_pollfds(b, t, a->a[0], a->a[1], true);
		sb_puts(b, ")");
	}
}

void decode_siginfo(struct sbuf *b, const siginfo_t *si)
{
	decode_siginfo_times(b, si, false);
}

/* with_times: SIGCHLD's si_utime and si_stime as the struct holds them
 * (waitid's result), in clock ticks and, when not 0, in seconds */
void decode_siginfo_times(struct sbuf *b, const siginfo_t *si, bool with_times)
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
	if (si->si_signo == SIGCHLD) {
		sb_printf(b, ", si_pid=%d, si_uid=%d, si_status=", si->si_pid, si->si_uid);
		if (si->si_code == CLD_EXITED)
			sb_printf(b, "%d", si->si_status);
		else
			sb_puts(b, signal_name(si->si_status));
		long long tm[2] = { with_times ? (long long)si->si_utime : 0, with_times ? (long long)si->si_stime : 0 };
		for (int j = 0; j < 2; j++) {
			sb_printf(b, ", si_%stime=%lld", j ? "s" : "u", tm[j]);
			if (tm[j])
				sb_printf(b, " /* %lld.%02lld s */", tm[j] / 100, tm[j] % 100);
		}
	}
	else if (si->si_code == SI_USER || si->si_code == SI_TKILL || si->si_code == SI_QUEUE)
		sb_printf(b, ", si_pid=%d, si_uid=%d", si->si_pid, si->si_uid);
	else if (si->si_signo == SIGSEGV || si->si_signo == SIGBUS || si->si_signo == SIGILL ||
		 si->si_signo == SIGFPE)
		sb_printf(b, ", si_addr=%p", si->si_addr);
	sb_puts(b, "}");
}
