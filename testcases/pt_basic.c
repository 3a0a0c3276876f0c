/* ptrace(2), the core: PTRACE_TRACEME and the stops it brings (a signal's
 * delivery, the legacy SIGTRAP after execve), reading and writing the
 * tracee's memory and registers, syscall-enter and -exit stops (with
 * TRACESYSGOOD), changing and skipping a system call, suppressing and
 * injecting signals, PTRACE_ATTACH/DETACH on a running process, and the
 * errors.  Prints what it sees, for comparison with a native run; the
 * sections are argv[1] (all of them without one).  Children are
 * coordinated with pipes and stops, never with sleeps. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt_common.h"

static volatile long target = 1234;
static volatile sig_atomic_t got_usr1, got_usr2;
static void on_usr1(int s)
{
	(void)s;
	got_usr1++;
}
static void on_usr2(int s)
{
	(void)s;
	got_usr2++;
}

/* ---- TRACEME: memory, registers, siginfo ---- */
static void traceme(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		CHECK(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
		errno = 0;
		printf("second TRACEME: %s\n", err(ptrace(PTRACE_TRACEME, 0, 0, 0)));
		fflush(stdout);
		raise(SIGSTOP);
		/* the tracer wrote 5678 here */
		_exit(target == 5678 ? 7 : 1);
	}
	int st = wait_for(pid, "traceme");
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	siginfo_t si;
	CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
	printf("siginfo: %s code %d pid ok %d\n", sigabbrev_np(si.si_signo), si.si_code, si.si_pid == pid);
	errno = 0;
	long w = ptrace(PTRACE_PEEKDATA, pid, &target, 0);
	printf("peekdata: %ld %s\n", w, err(errno ? -1 : 0));
	CHECK(ptrace(PTRACE_POKEDATA, pid, &target, (void *)5678L) == 0);
	errno = 0;
	ptrace(PTRACE_PEEKDATA, pid, (void *)8, 0);
	printf("peek of page 0: %s\n", strerrorname_np(errno));
	errno = 0;
	ptrace(PTRACE_PEEKTEXT, pid, (void *)0x7fff00000000UL, 0);
	printf("peek above the stack: %s\n", strerrorname_np(errno));
	printf("poke of page 0: %s\n", err(ptrace(PTRACE_POKEDATA, pid, (void *)8, 0)));
	/* the text is writable for the tracer (a private copy) */
	errno = 0;
	long insn = ptrace(PTRACE_PEEKTEXT, pid, (void *)traceme, 0);
	CHECK(errno == 0);
	printf("poke text: %s\n", err(ptrace(PTRACE_POKETEXT, pid, (void *)traceme, (void *)insn)));
	struct user_regs_struct regs;
	CHECK(ptrace(PTRACE_GETREGS, pid, 0, &regs) == 0);
	printf("regs: cs %#llx ss %#llx orig_rax %lld (tgkill %d) rax %lld\n", regs.cs, regs.ss,
	       (long long)regs.orig_rax, SYS_tgkill, (long long)regs.rax);
	errno = 0;
	long rip = ptrace(PTRACE_PEEKUSER, pid, offsetof(struct user_regs_struct, rip), 0);
	printf("peekuser rip matches: %d\n", errno == 0 && (unsigned long)rip == regs.rip);
	errno = 0;
	ptrace(PTRACE_PEEKUSER, pid, 3, 0);
	printf("peekuser unaligned: %s\n", strerrorname_np(errno));
	errno = 0;
	ptrace(PTRACE_PEEKUSER, pid, sizeof(struct user), 0);
	printf("peekuser past the end: %s\n", strerrorname_np(errno));
	/* registers a program may not have */
	struct user_regs_struct bad = regs;
	bad.cs = 0x10; /* a kernel segment */
	printf("setregs kernel cs: %s\n", err(ptrace(PTRACE_SETREGS, pid, 0, &bad)));
	bad = regs;
	bad.fs_base = 0xffff800000000000ULL;
	printf("setregs kernel fs_base: %s\n", err(ptrace(PTRACE_SETREGS, pid, 0, &bad)));
	printf("setregs same: %s\n", err(ptrace(PTRACE_SETREGS, pid, 0, &regs)));
	struct iovec iov = { &regs, sizeof(regs) };
	printf("getregset prstatus: %s len %zu\n", err(ptrace(PTRACE_GETREGSET, pid, 1 /* NT_PRSTATUS */, &iov)),
	       iov.iov_len);
	struct user_fpregs_struct fp;
	printf("getfpregs: %s mxcsr %#x\n", err(ptrace(PTRACE_GETFPREGS, pid, 0, &fp)), fp.mxcsr);
	unsigned long mask = 0;
	printf("getsigmask: %s %#lx\n", err(ptrace(PTRACE_GETSIGMASK, pid, sizeof(mask), &mask)), mask);
	printf("getsigmask size 4: %s\n", err(ptrace(PTRACE_GETSIGMASK, pid, 4, &mask)));
	printf("bad request: %s\n", err(ptrace(12345, pid, 0, 0)));
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	printf("cont again while running: %s\n", err(ptrace(PTRACE_CONT, pid, 0, 0)));
	st = wait_for(pid, "traceme end");
}

/* ---- syscall stops ---- */
static void syscalls(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		long a = syscall(SYS_getppid); /* the tracer makes this getpid */
		long b = syscall(SYS_getuid); /* skipped: the tracer answers 4242 */
		char msg[64];
		int n = snprintf(msg, sizeof(msg), "%d %ld\n", a == getpid(), b);
		write(p[1], msg, n);
		_exit(0);
	}
	close(p[1]);
	wait_for(pid, "syscalls");
	CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD) == 0);
	printf("bad option: %s\n", err(ptrace(PTRACE_SETOPTIONS, pid, 0, 0x8000000)));
	int stops = 0, n_getppid = 0;
	for (;;) {
		CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
		int st;
		CHECK(waitpid(pid, &st, 0) == pid);
		if (!WIFSTOPPED(st)) {
			show_status("syscalls end", st);
			break;
		}
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			show_status("syscalls other stop", st);
			continue;
		}
		stops++;
		struct user_regs_struct r;
		CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
		if (r.orig_rax == SYS_getppid && n_getppid++ == 0) {
			printf("getppid entry rax %lld\n", (long long)r.rax);
			r.orig_rax = SYS_getpid;
			CHECK(ptrace(PTRACE_SETREGS, pid, 0, &r) == 0);
		} else if (r.orig_rax == SYS_getpid && n_getppid == 1) {
			n_getppid++;
			printf("exit stop says getpid, result is the pid: %d\n", (long)r.rax == pid);
		} else if (r.orig_rax == SYS_getuid) {
			printf("getuid entry: skip it\n");
			r.orig_rax = -1;
			r.rax = 4242;
			CHECK(ptrace(PTRACE_SETREGS, pid, 0, &r) == 0);
		} else if ((long long)r.orig_rax == -1) {
			printf("skipped call's exit stop: rax %lld\n", (long long)r.rax);
		}
	}
	char buf[64] = { 0 };
	read(p[0], buf, sizeof(buf) - 1);
	printf("child says: %s", buf);
	printf("stops even: %d, more than 6: %d\n", stops % 2 == 0, stops > 6);
	close(p[0]);
}

/* ---- signals: suppressed, injected, replaced ---- */
static void signals(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGUSR1, on_usr1);
		signal(SIGUSR2, on_usr2);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGUSR1); /* suppressed */
		raise(SIGUSR2); /* replaced by SIGUSR1 */
		raise(SIGUSR2); /* delivered */
		char msg[32];
		int n = snprintf(msg, sizeof(msg), "usr1 %d usr2 %d\n", (int)got_usr1, (int)got_usr2);
		write(p[1], msg, n);
		_exit(0);
	}
	close(p[1]);
	int st = wait_for(pid, "signal 1");
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	st = wait_for(pid, "signal 2");
	CHECK(ptrace(PTRACE_CONT, pid, 0, SIGUSR1) == 0);
	st = wait_for(pid, "signal 3");
	CHECK(ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(st)) == 0);
	/* the handlers' own sigreturns and the exit need no stop */
	wait_for(pid, "signals end");
	char buf[32] = { 0 };
	read(p[0], buf, sizeof(buf) - 1);
	printf("child says: %s", buf);
	close(p[0]);
}

/* ---- execve under TRACEME: the SIGTRAP after it ---- */
static void exec_trap(const char *self)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		execl(self, self, "exit3", (char *)NULL);
		_exit(99);
	}
	int st = wait_for(pid, "after execve");
	siginfo_t si;
	CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
	printf("execve's trap: %s code %d\n", sigabbrev_np(si.si_signo), si.si_code);
	(void)st;
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_for(pid, "exec end");
}

/* until pid sleeps in the kernel (state S in /proc/PID/stat) */
static void wait_asleep(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (;;) {
		FILE *f = fopen(path, "r");
		if (!f)
			return;
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = 0;
		char *e = strrchr(buf, ')');
		if (e && e[1] == ' ' && e[2] == 'S')
			return;
		sched_yield();
	}
}

/* TracerPid in /proc/PID/status */
static int tracer_pid(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	int v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* ---- events: fork, exec, exit; seize and interrupt ---- */
static void events(const char *self)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		pid_t g = fork();
		if (g == 0)
			_exit(5);
		int st;
		waitpid(g, &st, 0);
		execl(self, self, "exit3", (char *)NULL);
		_exit(99);
	}
	wait_for(pid, "events");
	printf("tracer pid is ours: %d\n", tracer_pid(pid) == getpid());
	CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0,
		     PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT) == 0);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	int st = wait_for(pid, "fork event");
	unsigned long msg = 0;
	CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
	pid_t g = msg;
	/* the grandchild is traced from its birth: SIGSTOP first */
	st = wait_for(g, "grandchild");
	printf("grandchild traced by us: %d\n", tracer_pid(g) == getpid());
	CHECK(ptrace(PTRACE_CONT, g, 0, 0) == 0);
	st = wait_for(g, "grandchild exit event");
	CHECK(ptrace(PTRACE_GETEVENTMSG, g, 0, &msg) == 0);
	printf("exit event message: %#lx\n", msg);
	CHECK(ptrace(PTRACE_CONT, g, 0, 0) == 0);
	/* the tracer sees its exit first; its parent reaps it */
	st = wait_for(g, "grandchild end");
	/* then: SIGCHLD (the grandchild's parent hears of it once we reaped
	 * it), the exec event, the exit event, the end */
	for (int i = 0; i < 6; i++) {
		CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
		st = wait_for(pid, "child");
		if (!WIFSTOPPED(st))
			break;
		if (st >> 16) {
			CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
			if (st >> 16 == PTRACE_EVENT_EXEC)
				printf("exec event message is the pid: %d\n", (pid_t)msg == pid);
			else
				printf("event message: %#lx\n", msg);
		}
	}

	/* PTRACE_SEIZE: no SIGSTOP; PTRACE_INTERRUPT stops it in its read */
	int p[2];
	CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		ssize_t n = read(p[0], &c, 1);
		_exit(n == 1 ? 11 : 12);
	}
	close(p[0]);
	wait_asleep(pid); /* in its read */
	printf("seize: %s\n", err(ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD)));
	printf("seize bad option: %s\n", err(ptrace(PTRACE_SEIZE, pid, 0, 0x8000000)));
	printf("interrupt: %s\n", err(ptrace(PTRACE_INTERRUPT, pid, 0, 0)));
	wait_for(pid, "interrupted");
	struct __ptrace_syscall_info info;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);
	printf("syscall info at an event stop: %ld op %d\n", n, info.op);
	CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	st = wait_for(pid, "read restarted, its exit");
	n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);
	printf("syscall info: %ld op %d rval %lld error %d\n", n, info.op, (long long)info.exit.rval,
	       info.exit.is_error);
	CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
	st = wait_for(pid, "next entry");
	n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);
	printf("syscall info: %ld op %d nr %llu arg0 %llu\n", n, info.op, (unsigned long long)info.entry.nr,
	       (unsigned long long)info.entry.args[0]);
	CHECK(ptrace(PTRACE_DETACH, pid, 0, 0) == 0);
	wait_for(pid, "seized end");
	close(p[1]);
}

/* ---- single steps ---- */
static void steps(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		syscall(SYS_getpid);
		raise(SIGSTOP);
		_exit(0);
	}
	wait_for(pid, "steps");
	int n = 0, over_syscalls = 0, st;
	struct user_regs_struct r, prev;
	for (;;) {
		CHECK(ptrace(PTRACE_GETREGS, pid, 0, &prev) == 0);
		CHECK(ptrace(PTRACE_SINGLESTEP, pid, 0, 0) == 0);
		CHECK(waitpid(pid, &st, 0) == pid);
		if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
			break;
		n++;
		siginfo_t si;
		CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
		CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
		if (r.rip == prev.rip + 2 && si.si_code == TRAP_BRKPT)
			over_syscalls++;
	}
	show_status("after the steps", st);
	printf("steps %d, %d of them over a syscall\n", n, over_syscalls);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_for(pid, "steps end");
}

/* ---- attach to a process blocked in read, detach ---- */
static void attach(void)
{
	int p[2], q[2];
	CHECK(pipe(p) == 0 && pipe(q) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		close(q[0]);
		write(q[1], "r", 1);
		ssize_t n = read(p[0], &c, 1); /* interrupted by the attach, restarted */
		char msg[32];
		int m = snprintf(msg, sizeof(msg), "read %zd %c\n", n, n == 1 ? c : '?');
		write(q[1], msg, m);
		_exit(0);
	}
	close(p[0]);
	close(q[1]);
	char ready;
	CHECK(read(q[0], &ready, 1) == 1);
	wait_asleep(pid); /* in that read */
	printf("attach: %s\n", err(ptrace(PTRACE_ATTACH, pid, 0, 0)));
	printf("attach again: %s\n", err(ptrace(PTRACE_ATTACH, pid, 0, 0)));
	int st = wait_for(pid, "attached");
	(void)st;
	struct user_regs_struct r;
	CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
	printf("stopped in read: %d, rax %lld\n", r.orig_rax == SYS_read, (long long)r.rax);
	printf("detach: %s\n", err(ptrace(PTRACE_DETACH, pid, 0, 0)));
	printf("getregs after detach: %s\n", err(ptrace(PTRACE_GETREGS, pid, 0, &r)));
	CHECK(write(p[1], "x", 1) == 1);
	char buf[32] = { 0 };
	read(q[0], buf, sizeof(buf) - 1);
	printf("child says: %s", buf);
	wait_for(pid, "attach end");
	close(p[1]);
	close(q[0]);
}

/* ---- errors ---- */
static void errors(void)
{
	struct user_regs_struct r;
	printf("getregs of self: %s\n", err(ptrace(PTRACE_GETREGS, getpid(), 0, &r)));
	printf("attach to self: %s\n", err(ptrace(PTRACE_ATTACH, getpid(), 0, 0)));
	printf("attach to nobody: %s\n", err(ptrace(PTRACE_ATTACH, 999999, 0, 0)));
	printf("cont of nobody: %s\n", err(ptrace(PTRACE_CONT, 999999, 0, 0)));
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(0);
	}
	wait_for(pid, "errors child");
	printf("getregs to a bad address: %s\n", err(ptrace(PTRACE_GETREGS, pid, 0, (void *)8)));
	printf("getsiginfo to a bad address: %s\n", err(ptrace(PTRACE_GETSIGINFO, pid, 0, (void *)8)));
	printf("cont with a bad signal: %s\n", err(ptrace(PTRACE_CONT, pid, 0, 99)));
	printf("kill: %s\n", err(ptrace(PTRACE_KILL, pid, 0, 0)));
	wait_for(pid, "errors end");
}

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "all";
	bool all = !strcmp(s, "all");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(s, "exit3"))
		return 3;
	mount_proc_as_init();
	if (all || !strcmp(s, "traceme"))
		traceme();
	if (all || !strcmp(s, "syscalls"))
		syscalls();
	if (all || !strcmp(s, "signals"))
		signals();
	if (all || !strcmp(s, "exec"))
		exec_trap("/proc/self/exe");
	if (all || !strcmp(s, "attach"))
		attach();
	if (all || !strcmp(s, "events"))
		events("/proc/self/exe");
	if (all || !strcmp(s, "steps"))
		steps();
	if (all || !strcmp(s, "errors"))
		errors();
	if (fails)
		printf("%d FAILED\n", fails);
	return fails != 0;
}
