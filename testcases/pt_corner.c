/* ptrace(2), the corner cases: group stops (the signal-delivery-stop of
 * SIGSTOP, then the group-stop, seized or not; SIGCONT; what the real
 * parent's waitid sees meanwhile), a SIGSTOP the tracer suppresses,
 * PTRACE_LISTEN, the exit of a tracer with tracees (with and without
 * PTRACE_O_EXITKILL, a tracee in a group-stop), the event stops and
 * their messages (PTRACE_EVENT_EXIT's status), PTRACE_PEEKSIGINFO,
 * PTRACE_ARCH_PRCTL, and the errors.  Prints what it sees, for comparison
 * with a native run; the sections are argv[1] (all of them without one).
 * Processes are coordinated with pipes and stops, never with sleeps. */
#include <asm/prctl.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pt_common.h"

static const char *cld_name(int code)
{
	switch (code) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_TRAPPED: return "CLD_TRAPPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	default: return "?";
	}
}

/* waitid(P_PID, pid, options | WNOHANG) in words */
static void waitid_show(const char *what, pid_t pid, int options)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	int r = waitid(P_PID, pid, &si, options | WNOHANG);
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else if (!si.si_pid)
		printf("%s: nothing\n", what);
	else
		printf("%s: %s %s\n", what, cld_name(si.si_code),
		       si.si_code == CLD_EXITED ? "status" : sig_name(si.si_status));
}

/* the SIGCHLDs that came (blocked), in words */
static void show_sigchld(const char *who)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	siginfo_t si;
	struct timespec zero = { 0, 0 };
	int n = 0;
	while (sigtimedwait(&s, &si, &zero) == SIGCHLD) {
		printf("%s: SIGCHLD %s %s\n", who, cld_name(si.si_code),
		       si.si_code == CLD_EXITED ? "status" : sig_name(si.si_status));
		n++;
	}
	if (!n)
		printf("%s: no SIGCHLD\n", who);
}

static void block_sigchld(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static void show_siginfo(const char *what, pid_t pid)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	long r = ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %s code %#x\n", what, sig_name(si.si_signo), si.si_code);
}

static char rd(int fd)
{
	char c = 0;
	return read(fd, &c, 1) == 1 ? c : 0;
}

static void wr(int fd, char c)
{
	CHECK(write(fd, &c, 1) == 1);
}

/* a child that answers every byte on cmd with one on rep until EOF or
 * 'q' (it exits 0 then) */
static pid_t echo_child(int cmd[2], int rep[2])
{
	CHECK(pipe(cmd) == 0 && pipe(rep) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		/* a sibling may trace it (Yama; EINVAL without Yama) */
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
		close(cmd[1]);
		close(rep[0]);
		for (;;) {
			char c = rd(cmd[0]);
			if (!c || c == 'q')
				_exit(0);
			wr(rep[1], c);
		}
	}
	close(cmd[0]);
	close(rep[1]);
	wr(cmd[1], 'x');
	CHECK(rd(rep[0]) == 'x');
	return pid;
}

static void echo_check(const char *what, int cmd[2], int rep[2])
{
	wr(cmd[1], 'y');
	printf("%s: %d\n", what, rd(rep[0]) == 'y');
}

static void echo_end(pid_t pid, int cmd[2], int rep[2], const char *what)
{
	wr(cmd[1], 'q');
	wait_for(pid, what);
	close(cmd[1]);
	close(rep[0]);
}

/* ---- group stops: the tracer's view and the real parent's ---- */

/* The real parent: forks the tracee, tells the tracer its pid, then
 * answers the tracer's questions about it with waitid. */
static void real_parent(int up, int down)
{
	pid_t c = fork();
	if (c == 0) {
		close(up);
		close(down);
		for (;;)
			pause();
	}
	CHECK(write(up, &c, sizeof(c)) == sizeof(c));
	for (;;) {
		char cmd = rd(down);
		if (cmd == 'h')
			show_sigchld("parent");
		else if (cmd == 's')
			waitid_show("parent: WSTOPPED", c, WSTOPPED);
		else if (cmd == 'c')
			waitid_show("parent: WCONTINUED", c, WCONTINUED);
		else if (cmd == 'a')
			waitid_show("parent: WSTOPPED|WCONTINUED", c, WSTOPPED | WCONTINUED);
		else if (cmd == 'e')
			wait_for(c, "parent: child");
		else
			break;
		wr(up, 'k');
	}
	_exit(0);
}

static void ask_parent(int up, int down, char cmd)
{
	wr(down, cmd);
	CHECK(rd(up) == 'k');
}

static void group_stop_round(bool seize)
{
	int up[2], down[2];
	CHECK(pipe(up) == 0 && pipe(down) == 0);
	pid_t p = fork();
	if (p == 0) {
		close(up[0]);
		close(down[1]);
		block_sigchld();
		real_parent(up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	pid_t c;
	CHECK(read(up[0], &c, sizeof(c)) == sizeof(c));
	block_sigchld();
	printf("%s: %s\n", seize ? "seize" : "attach",
	       err(ptrace(seize ? PTRACE_SEIZE : PTRACE_ATTACH, c, 0, 0)));
	if (!seize) {
		wait_for(c, "attach stop");
		CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
	}
	CHECK(kill(c, SIGSTOP) == 0);
	wait_for(c, "SIGSTOP's signal-delivery-stop");
	show_sigchld("tracer");
	show_siginfo("its siginfo", c);
	ask_parent(up[0], down[1], 'a');
	ask_parent(up[0], down[1], 'h');
	CHECK(ptrace(PTRACE_CONT, c, 0, SIGSTOP) == 0);
	wait_for(c, "group-stop");
	show_sigchld("tracer");
	show_siginfo("group-stop siginfo", c);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (seize && ptrace(PTRACE_GETSIGINFO, c, 0, &si) == 0)
		printf("its si_pid is the tracee: %d\n", si.si_pid == c);
	printf("setsiginfo in it: %s\n", err(ptrace(PTRACE_SETSIGINFO, c, 0, &si)));
	ask_parent(up[0], down[1], 'h');
	ask_parent(up[0], down[1], 's');
	ask_parent(up[0], down[1], 'a');
	wait_none(c, "tracer waits again");
	CHECK(kill(c, SIGCONT) == 0);
	wait_none(c, "after SIGCONT");
	show_sigchld("tracer");
	ask_parent(up[0], down[1], 'h');
	ask_parent(up[0], down[1], 'c');
	ask_parent(up[0], down[1], 'a');
	CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
	for (int i = 0; i < 3; i++) {
		int st = wait_for(c, "after the resume");
		if (!WIFSTOPPED(st))
			break;
		show_sigchld("tracer");
		ask_parent(up[0], down[1], 'h');
		show_siginfo("its siginfo", c);
		if (WSTOPSIG(st) == SIGCONT)
			break;
		CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
	}
	/* the tracee runs on with SIGCONT suppressed; a second SIGSTOP,
	 * delivered, then the tracer detaches from the group-stop */
	CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
	CHECK(kill(c, SIGSTOP) == 0);
	wait_for(c, "second SIGSTOP");
	CHECK(ptrace(PTRACE_CONT, c, 0, SIGSTOP) == 0);
	wait_for(c, "second group-stop");
	ask_parent(up[0], down[1], 's');
	printf("detach in the group-stop: %s\n", err(ptrace(PTRACE_DETACH, c, 0, 0)));
	ask_parent(up[0], down[1], 'a');
	CHECK(kill(c, SIGCONT) == 0);
	ask_parent(up[0], down[1], 'c');
	ask_parent(up[0], down[1], 'h');
	show_sigchld("tracer");
	CHECK(kill(c, SIGKILL) == 0);
	ask_parent(up[0], down[1], 'e');
	wr(down[1], 'q');
	wait_for(p, "real parent");
	show_sigchld("tracer");
	close(up[0]);
	close(down[1]);
}

static void group_stops(void)
{
	group_stop_round(false);
	group_stop_round(true);
}

/* ---- a SIGSTOP the tracer suppresses ---- */
static void suppress(void)
{
	for (int seize = 0; seize < 2; seize++) {
		int cmd[2], rep[2];
		pid_t c = echo_child(cmd, rep);
		CHECK(ptrace(seize ? PTRACE_SEIZE : PTRACE_ATTACH, c, 0, 0) == 0);
		if (!seize) {
			wait_for(c, "attach stop");
			CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
		}
		CHECK(kill(c, SIGSTOP) == 0);
		wait_for(c, "SIGSTOP");
		CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
		echo_check("suppressed: the tracee runs on", cmd, rep);
		wait_none(c, "no stop");
		/* SIGTSTP, SIGTTIN too */
		CHECK(kill(c, SIGTSTP) == 0);
		wait_for(c, "SIGTSTP");
		CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
		echo_check("suppressed SIGTSTP: runs on", cmd, rep);
		echo_end(c, cmd, rep, "suppress end");
	}
}

/* ---- PTRACE_LISTEN ---- */
static void listen_(void)
{
	int cmd[2], rep[2];
	pid_t c = echo_child(cmd, rep);
	CHECK(ptrace(PTRACE_SEIZE, c, 0, 0) == 0);
	printf("listen while running: %s\n", err(ptrace(PTRACE_LISTEN, c, 0, 0)));
	CHECK(ptrace(PTRACE_INTERRUPT, c, 0, 0) == 0);
	wait_for(c, "interrupted");
	printf("listen in the interrupt stop: %s\n", err(ptrace(PTRACE_LISTEN, c, 0, 0)));
	struct user_regs_struct r;
	printf("getregs while listening: %s\n", err(ptrace(PTRACE_GETREGS, c, 0, &r)));
	wait_none(c, "listening");
	CHECK(ptrace(PTRACE_INTERRUPT, c, 0, 0) == 0);
	wait_for(c, "interrupted while listening");
	CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
	echo_check("runs after the listen", cmd, rep);

	CHECK(kill(c, SIGSTOP) == 0);
	wait_for(c, "SIGSTOP");
	printf("listen in a signal-delivery-stop: %s\n", err(ptrace(PTRACE_LISTEN, c, 0, 0)));
	CHECK(ptrace(PTRACE_CONT, c, 0, SIGSTOP) == 0);
	wait_for(c, "group-stop");
	printf("listen in the group-stop: %s\n", err(ptrace(PTRACE_LISTEN, c, 0, 0)));
	printf("getregs while listening: %s\n", err(ptrace(PTRACE_GETREGS, c, 0, &r)));
	printf("cont while listening: %s\n", err(ptrace(PTRACE_CONT, c, 0, 0)));
	wait_none(c, "listening");
	CHECK(ptrace(PTRACE_INTERRUPT, c, 0, 0) == 0);
	wait_for(c, "interrupted in the group-stop");
	printf("listen again: %s\n", err(ptrace(PTRACE_LISTEN, c, 0, 0)));
	CHECK(kill(c, SIGCONT) == 0);
	wait_for(c, "SIGCONT wakes the listener");
	show_siginfo("its siginfo", c);
	CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
	wait_for(c, "then SIGCONT's delivery");
	CHECK(ptrace(PTRACE_CONT, c, 0, 0) == 0);
	echo_check("runs after SIGCONT", cmd, rep);
	echo_end(c, cmd, rep, "listen end");

	/* a tracee that is not seized: EIO */
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(0);
	}
	wait_for(pid, "traceme");
	printf("listen, not seized: %s\n", err(ptrace(PTRACE_LISTEN, pid, 0, 0)));
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_for(pid, "traceme end");
}

/* ---- the tracer exits ---- */
static void tracer_exit(void)
{
	for (int round = 0; round < 3; round++) {
		int cmd[2], rep[2];
		pid_t c = echo_child(cmd, rep);
		pid_t tr = fork();
		if (tr == 0) {
			CHECK(ptrace(PTRACE_SEIZE, c, 0, round == 1 ? PTRACE_O_EXITKILL : 0) == 0);
			if (round == 2) {
				CHECK(kill(c, SIGSTOP) == 0);
				wait_for(c, "tracer: SIGSTOP");
				CHECK(ptrace(PTRACE_CONT, c, 0, SIGSTOP) == 0);
				wait_for(c, "tracer: group-stop");
			} else {
				CHECK(ptrace(PTRACE_INTERRUPT, c, 0, 0) == 0);
				wait_for(c, "tracer: interrupted");
			}
			_exit(fails != 0);
		}
		wait_for(tr, "tracer");
		if (round == 1) {
			wait_for(c, "with EXITKILL");
			close(cmd[1]);
			close(rep[0]);
			continue;
		}
		if (round == 2) {
			waitid_show("stopped still", c, WSTOPPED | WNOWAIT);
			CHECK(kill(c, SIGCONT) == 0);
			waitid_show("continued", c, WCONTINUED);
		}
		echo_check("the tracee runs on", cmd, rep);
		echo_end(c, cmd, rep, "tracee");
	}
}

/* ---- event stops and their messages ---- */
static void events(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		pid_t g = vfork();
		if (g == 0)
			_exit(4);
		int st;
		waitpid(g, &st, 0);
		exit(WIFEXITED(st) && WEXITSTATUS(st) == 4 ? 7 : 1);
	}
	wait_for(pid, "events");
	CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0,
		     PTRACE_O_TRACEVFORK | PTRACE_O_TRACEVFORKDONE | PTRACE_O_TRACEEXIT) == 0);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_for(pid, "vfork event");
	unsigned long msg = 0;
	CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
	pid_t g = msg;
	wait_for(g, "vfork child");
	CHECK(ptrace(PTRACE_CONT, g, 0, 0) == 0);
	wait_for(g, "vfork child exit event");
	CHECK(ptrace(PTRACE_GETEVENTMSG, g, 0, &msg) == 0);
	printf("its message: %#lx\n", msg);
	CHECK(ptrace(PTRACE_CONT, g, 0, 0) == 0);
	wait_for(g, "vfork child end");
	for (int i = 0; i < 6; i++) {
		CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
		int st = wait_for(pid, "child");
		if (!WIFSTOPPED(st))
			break;
		if (st >> 16) {
			CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
			if (st >> 16 == PTRACE_EVENT_VFORK_DONE)
				printf("vfork-done message is the child: %d\n", (pid_t)msg == g);
			else
				printf("its message: %#lx\n", msg);
		}
	}

	/* a death by a signal: the exit event's message is that status */
	for (int how = 0; how < 2; how++) {
		pid = fork();
		if (pid == 0) {
			ptrace(PTRACE_TRACEME, 0, 0, 0);
			raise(SIGSTOP);
			raise(SIGTERM);
			_exit(0);
		}
		wait_for(pid, "dying");
		CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXIT) == 0);
		if (how == 0) {
			CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
			int st = wait_for(pid, "SIGTERM");
			CHECK(ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(st)) == 0);
		} else {
			CHECK(kill(pid, SIGKILL) == 0);
		}
		int st = wait_for(pid, how ? "after SIGKILL" : "after SIGTERM delivered");
		if (WIFSTOPPED(st)) {
			CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
			printf("exit event message: %#lx\n", msg);
			printf("regs in the exit stop: %s\n", err(ptrace(PTRACE_GETREGS, pid, 0, &(struct user_regs_struct){ 0 })));
			CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
			wait_for(pid, "dead");
		}
	}
}

/* ---- PTRACE_PEEKSIGINFO ---- */
static void show_peek(const char *what, pid_t pid, unsigned long off, unsigned flags, int nr)
{
	struct __ptrace_peeksiginfo_args a = { .off = off, .flags = flags, .nr = nr };
	siginfo_t si[8];
	memset(si, 0, sizeof(si));
	long n = ptrace(PTRACE_PEEKSIGINFO, pid, &a, si);
	if (n < 0) {
		printf("%s: %s\n", what, strerrorname_np(errno));
		return;
	}
	printf("%s: %ld", what, n);
	for (long i = 0; i < n && i < 8; i++)
		printf(" [%s%s code %d value %d]", si[i].si_signo >= SIGRTMIN ? "RTMIN+" : sig_name(si[i].si_signo),
		       si[i].si_signo >= SIGRTMIN ? (char[4]){ '0' + si[i].si_signo - SIGRTMIN, 0 } : "",
		       si[i].si_code, si[i].si_code == SI_QUEUE ? si[i].si_value.sival_int : 0);
	printf("\n");
}

static void peeksiginfo(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		sigaddset(&s, SIGUSR2);
		sigaddset(&s, SIGRTMIN);
		sigaddset(&s, SIGRTMIN + 1);
		sigprocmask(SIG_BLOCK, &s, NULL);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 11 });
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		si.si_signo = SIGRTMIN + 1;
		si.si_code = SI_QUEUE;
		si.si_pid = getpid();
		si.si_uid = getuid();
		si.si_value.sival_int = 22;
		syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGRTMIN + 1, &si);
		raise(SIGUSR1);
		kill(getpid(), SIGUSR2);
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 33 });
		raise(SIGSTOP);
		_exit(0);
	}
	wait_for(pid, "peeksiginfo");
	show_peek("thread queue", pid, 0, 0, 8);
	show_peek("shared queue", pid, 0, PTRACE_PEEKSIGINFO_SHARED, 8);
	show_peek("shared from 1, 1 of them", pid, 1, PTRACE_PEEKSIGINFO_SHARED, 1);
	show_peek("shared from 2", pid, 2, PTRACE_PEEKSIGINFO_SHARED, 8);
	show_peek("past the end", pid, 10, 0, 8);
	show_peek("none", pid, 0, 0, 0);
	show_peek("bad flags", pid, 0, 2, 8);
	show_peek("nr -1", pid, 0, 0, -1);
	show_peek("huge off", pid, ~0UL, 0, 1);
	struct __ptrace_peeksiginfo_args a = { .off = 0, .flags = PTRACE_PEEKSIGINFO_SHARED, .nr = 3 };
	printf("to a bad address: %s\n", err(ptrace(PTRACE_PEEKSIGINFO, pid, &a, (void *)8)));
	printf("bad args: %s\n", err(ptrace(PTRACE_PEEKSIGINFO, pid, (void *)8, &a)));
	/* room for one: the first, then EFAULT ends it */
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED && munmap(m + 4096, 4096) == 0);
	long n = ptrace(PTRACE_PEEKSIGINFO, pid, &a, m + 4096 - sizeof(siginfo_t));
	printf("room for one: %ld %s\n", n, err(n));
	munmap(m, 4096);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_for(pid, "peeksiginfo end");
}

/* ---- PTRACE_ARCH_PRCTL ---- */
#define GS_VALUE 0x12345000UL
static void arch_prctl_(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		unsigned long gs = 0;
		syscall(SYS_arch_prctl, ARCH_GET_GS, &gs);
		_exit(gs == GS_VALUE ? 5 : 6);
	}
	wait_for(pid, "arch_prctl");
	struct user_regs_struct r;
	unsigned long fs = 0, gs = 0;
	CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
	printf("get fs: %s\n", err(ptrace(PTRACE_ARCH_PRCTL, pid, &fs, ARCH_GET_FS)));
	printf("it is fs_base: %d\n", fs == r.fs_base);
	printf("set gs: %s\n", err(ptrace(PTRACE_ARCH_PRCTL, pid, GS_VALUE, ARCH_SET_GS)));
	CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
	printf("gs_base now: %#llx\n", r.gs_base);
	long g = ptrace(PTRACE_ARCH_PRCTL, pid, &gs, ARCH_GET_GS);
	printf("get gs: %s %#lx\n", err(g), gs);
	printf("set fs the same: %s\n", err(ptrace(PTRACE_ARCH_PRCTL, pid, fs, ARCH_SET_FS)));
	printf("set fs kernel: %s\n", err(ptrace(PTRACE_ARCH_PRCTL, pid, 0xffff800000000000UL, ARCH_SET_FS)));
	printf("set gs kernel: %s\n", err(ptrace(PTRACE_ARCH_PRCTL, pid, 0xffff800000000000UL, ARCH_SET_GS)));
	printf("get fs to a bad address: %s\n", err(ptrace(PTRACE_ARCH_PRCTL, pid, 8, ARCH_GET_FS)));
	printf("bad code: %s\n", err(ptrace(PTRACE_ARCH_PRCTL, pid, &fs, 0x9999)));
	printf("ARCH_GET_CPUID: %s\n", err(ptrace(PTRACE_ARCH_PRCTL, pid, 0, ARCH_GET_CPUID)));
	CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
	printf("fs_base kept: %d\n", fs == r.fs_base);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_for(pid, "arch_prctl end (5: the child sees its gs)");
}

/* ---- errors ---- */
static void errors(void)
{
	struct user_regs_struct r;
	/* a child not traced */
	pid_t pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(0);
	}
	CHECK(waitpid(pid, NULL, WUNTRACED) == pid);
	printf("getregs, not traced: %s\n", err(ptrace(PTRACE_GETREGS, pid, 0, &r)));
	printf("cont, not traced: %s\n", err(ptrace(PTRACE_CONT, pid, 0, 0)));
	printf("interrupt, not traced: %s\n", err(ptrace(PTRACE_INTERRUPT, pid, 0, 0)));
	CHECK(kill(pid, SIGKILL) == 0);
	wait_for(pid, "not traced");

	printf("attach to self: %s\n", err(ptrace(PTRACE_ATTACH, getpid(), 0, 0)));
	printf("seize self: %s\n", err(ptrace(PTRACE_SEIZE, getpid(), 0, 0)));
	if (geteuid() != 0) /* root may attach to the host's init */
		printf("attach to pid 1: %s\n", err(ptrace(PTRACE_ATTACH, 1, 0, 0)));

	/* a running tracee */
	int cmd[2], rep[2];
	pid = echo_child(cmd, rep);
	CHECK(ptrace(PTRACE_SEIZE, pid, 0, 0) == 0);
	printf("getregs, running: %s\n", err(ptrace(PTRACE_GETREGS, pid, 0, &r)));
	printf("peekdata, running: %s\n", err(ptrace(PTRACE_PEEKDATA, pid, &r, 0)));
	printf("attach, traced: %s\n", err(ptrace(PTRACE_ATTACH, pid, 0, 0)));
	printf("seize, traced: %s\n", err(ptrace(PTRACE_SEIZE, pid, 0, 0)));
	pid_t other = fork();
	if (other == 0) {
		printf("attach, another's tracee: %s\n", err(ptrace(PTRACE_ATTACH, pid, 0, 0)));
		_exit(0);
	}
	wait_for(other, "other");
	CHECK(ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0);
	wait_for(pid, "stopped");
	printf("bad request: %s\n", err(ptrace(0x4321, pid, 0, 0)));
	printf("request -1: %s\n", err(ptrace(-1, pid, 0, 0)));
	errno = 0;
	ptrace(PTRACE_PEEKUSER, pid, (void *)-8L, 0);
	printf("peekuser -8: %s\n", strerrorname_np(errno));
	errno = 0;
	ptrace(PTRACE_PEEKUSER, pid, (void *)1, 0);
	printf("peekuser 1: %s\n", strerrorname_np(errno));
	printf("pokeuser past the end: %s\n", err(ptrace(PTRACE_POKEUSER, pid, sizeof(struct user), 0)));
	printf("pokeuser unaligned: %s\n", err(ptrace(PTRACE_POKEUSER, pid, 4, 0)));
	printf("getregs to a bad address: %s\n", err(ptrace(PTRACE_GETREGS, pid, 0, (void *)8)));
	printf("setregs from a bad address: %s\n", err(ptrace(PTRACE_SETREGS, pid, 0, (void *)8)));
	printf("getfpregs to a bad address: %s\n", err(ptrace(PTRACE_GETFPREGS, pid, 0, (void *)8)));
	printf("getsiginfo to a bad address: %s\n", err(ptrace(PTRACE_GETSIGINFO, pid, 0, (void *)8)));
	printf("setsiginfo from a bad address: %s\n", err(ptrace(PTRACE_SETSIGINFO, pid, 0, (void *)8)));
	printf("geteventmsg to a bad address: %s\n", err(ptrace(PTRACE_GETEVENTMSG, pid, 0, (void *)8)));
	unsigned long w;
	printf("peekdata unmapped: %s\n", err(syscall(SYS_ptrace, PTRACE_PEEKDATA, pid, 8, &w)));
	printf("peekdata to a bad address: %s\n", err(syscall(SYS_ptrace, PTRACE_PEEKDATA, pid, &w, 8)));
	printf("peekdata unmapped, to a bad address: %s\n", err(syscall(SYS_ptrace, PTRACE_PEEKDATA, pid, 8, 8)));
	printf("peekuser to a bad address: %s\n", err(syscall(SYS_ptrace, PTRACE_PEEKUSER, pid, 0, 8)));
	printf("pokedata unmapped: %s\n", err(ptrace(PTRACE_POKEDATA, pid, 8, 0)));
	struct iovec iov = { &r, sizeof(r) };
	printf("getregset bad type: %s\n", err(ptrace(PTRACE_GETREGSET, pid, 0x999, &iov)));
	printf("getregset bad iovec: %s\n", err(ptrace(PTRACE_GETREGSET, pid, 1, (void *)8)));
	iov.iov_base = (void *)8;
	printf("getregset to a bad address: %s\n", err(ptrace(PTRACE_GETREGSET, pid, 1, &iov)));
	unsigned long mask;
	printf("getsigmask size 4: %s\n", err(ptrace(PTRACE_GETSIGMASK, pid, 4, &mask)));
	printf("getsigmask size 16: %s\n", err(ptrace(PTRACE_GETSIGMASK, pid, 16, &mask)));
	printf("getsigmask to a bad address: %s\n", err(ptrace(PTRACE_GETSIGMASK, pid, 8, (void *)8)));
	printf("setsigmask size 4: %s\n", err(ptrace(PTRACE_SETSIGMASK, pid, 4, &mask)));
	printf("setsigmask from a bad address: %s\n", err(ptrace(PTRACE_SETSIGMASK, pid, 8, (void *)8)));
	printf("setoptions bad: %s\n", err(ptrace(PTRACE_SETOPTIONS, pid, 0, 0x80000000UL)));
	printf("setoptions -1: %s\n", err(ptrace(PTRACE_SETOPTIONS, pid, 0, -1L)));
	printf("cont bad signal: %s\n", err(ptrace(PTRACE_CONT, pid, 0, 65)));
	printf("detach bad signal: %s\n", err(ptrace(PTRACE_DETACH, pid, 0, 65)));
	struct __ptrace_syscall_info info;
	printf("syscall info to a bad address: %s\n", err(ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), 8)));
	char filter[64];
	printf("seccomp get filter: %s\n", err(ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, filter)));
	unsigned long md[2] = { 0, 0 };
	printf("seccomp get metadata: %s\n", err(ptrace(PTRACE_SECCOMP_GET_METADATA, pid, sizeof(md), md)));
	CHECK(ptrace(PTRACE_DETACH, pid, 0, 0) == 0);
	echo_end(pid, cmd, rep, "errors end");
}

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "all";
	bool all = !strcmp(s, "all");
	setvbuf(stdout, NULL, _IOLBF, 0);
	mount_proc_as_init();
	if (all || !strcmp(s, "groupstop"))
		group_stops();
	if (all || !strcmp(s, "suppress"))
		suppress();
	if (all || !strcmp(s, "listen"))
		listen_();
	if (all || !strcmp(s, "tracerexit"))
		tracer_exit();
	if (all || !strcmp(s, "events"))
		events();
	if (all || !strcmp(s, "peeksiginfo"))
		peeksiginfo();
	if (all || !strcmp(s, "archprctl"))
		arch_prctl_();
	if (all || !strcmp(s, "errors"))
		errors();
	if (fails)
		printf("%d FAILED\n", fails);
	return fails != 0;
}
