/* long_clone: clone(2) and clone3(2) with unusual flag sets.  For each
 * case, print whether the task was created (or the error), what the child
 * saw, and how it ended, in words that do not depend on pids, so that the
 * output compares with Linux's.  Linux either creates the task or refuses
 * with EINVAL; it never kills the caller.
 * The cases run in a child ("the runner"), so that CLONE_PARENT has a
 * parent to give: main reaps those grandchildren at the end.  Children
 * report through a pipe with raw system calls only (a child made with
 * CLONE_SETTLS has no usable glibc TLS). */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <asm/prctl.h>

static long raw(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

struct report {
	long tid;      /* gettid() in the child */
	long fsbase;   /* its TLS base */
	long ctid_val; /* what CLONE_CHILD_SETTID left at ctid, as the child sees it */
	long dupfd;    /* CLONE_FILES: a descriptor the child made */
};

struct ccase {
	const char *name;
	unsigned long flags;
	int exit_signal;
	int use_clone3;
	int exec; /* the child execs exit42 after its report */
};

static int rep_pipe[2];
static volatile int shared_word;     /* the child writes 1: visible with CLONE_VM */
static volatile int ctid_word, ptid_word;
static volatile int usr1_count;
static volatile int sentinel = 0x5eed;
static char fake_tls[4096] __attribute__((aligned(64)));

static int child_fn(void *arg)
{
	struct ccase *c = arg;
	struct report r = { 0 };
	r.tid = raw(SYS_gettid, 0, 0, 0);
	raw(SYS_arch_prctl, ARCH_GET_FS, (long)&r.fsbase, 0);
	r.ctid_val = ctid_word;
	if (c->flags & CLONE_FS)
		raw(SYS_chdir, (long)"tmp", 0, 0);
	if (c->flags & CLONE_FILES)
		r.dupfd = raw(SYS_dup, rep_pipe[1], 0, 0);
	shared_word = 1;
	raw(SYS_write, rep_pipe[1], (long)&r, sizeof(r));
	if (c->exec) {
		static char *const argv[] = { "exit42", NULL }, *const envp[] = { NULL };
		raw(SYS_execve, (long)"exit42", (long)argv, (long)envp);
	}
	raw(SYS_exit, 7, 0, 0);
	return 0;
}

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static char *new_stack(void)
{
	char *s = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return s == MAP_FAILED ? NULL : s + 65536 - 64;
}

/* clone3 has no function pointer: the child returns 0 on its own stack
 * (a copy without CLONE_VM; with CLONE_VM a fresh one, where it must not
 * return from this frame, so it calls child_fn and exits). */
static long do_clone3(struct ccase *c, char *stack)
{
	struct clone_args ca;
	memset(&ca, 0, sizeof(ca));
	ca.flags = c->flags;
	ca.exit_signal = c->exit_signal;
	if (c->flags & CLONE_VM) {
		ca.stack = (uintptr_t)(stack - 65536 + 64);
		ca.stack_size = 65536 - 64;
	}
	ca.child_tid = (uintptr_t)&ctid_word;
	ca.parent_tid = (uintptr_t)&ptid_word;
	ca.tls = (uintptr_t)(fake_tls + 2048);
	long r;
	register long r10 __asm__("r10");
	(void)r10;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov %[c], %%rdi\n\t"
			 "and $-16, %%rsp\n\t"
			 "call *%[fn]\n\t"
			 "mov $60, %%eax\n\t"
			 "mov $7, %%edi\n\t"
			 "syscall\n\t"
			 "1:"
			 : "=a"(r)
			 : "a"(SYS_clone3), "D"(&ca), "S"(sizeof(ca)), [c] "r"(c), [fn] "r"(child_fn)
			 : "rcx", "r11", "memory");
	return r;
}

static void wait_ctid_clear(void)
{
	while (ctid_word)
		syscall(SYS_futex, &ctid_word, FUTEX_WAIT, ctid_word, NULL, NULL, 0);
}

static void run_case(struct ccase *c)
{
	char *stack = new_stack();
	struct stat tmp_st, dot_st;
	stat("tmp", &tmp_st);
	shared_word = 0;
	ctid_word = -1;
	ptid_word = -1;
	usr1_count = 0;
	long pid;
	if (c->use_clone3)
		pid = do_clone3(c, stack);
	else
		pid = clone(child_fn, stack, c->flags | c->exit_signal, c, &ptid_word,
			    fake_tls + 2048, &ctid_word);
	if (c->use_clone3 && pid < 0) {
		errno = -pid;
		pid = -1;
	}
	if (pid < 0) {
		printf("%-32s refused: %s\n", c->name, strerrorname_np(errno));
		return;
	}
	struct report r;
	ssize_t n = read(rep_pipe[0], &r, sizeof(r));
	if (n != sizeof(r)) {
		printf("%-32s created, but no report from the child (%zd)\n", c->name, n);
		return;
	}
	int st = 0;
	const char *how;
	if (c->flags & CLONE_THREAD) {
		wait_ctid_clear();
		how = "ended (thread)";
	} else if (c->flags & CLONE_PARENT) {
		long w = waitpid(pid, &st, __WALL);
		how = w < 0 && errno == ECHILD ? "not our child" : "waited for??";
	} else {
		long w = waitpid(pid, &st, __WALL);
		how = w != pid || !WIFEXITED(st) ? "wrong status"
		      : WEXITSTATUS(st) == 7 ? "exited 7" : WEXITSTATUS(st) == 42 ? "exec'd, exited 42" : "wrong status";
		if (w != pid)
			printf("  waitpid: %s\n", strerror(errno));
	}
	if (c->flags & CLONE_CHILD_CLEARTID && !(c->flags & CLONE_THREAD) && (c->flags & CLONE_VM))
		wait_ctid_clear();
	stat(".", &dot_st);
	if (c->flags & CLONE_FS)
		chdir("..");
	int dup_ok = -1;
	if (c->flags & CLONE_FILES) {
		dup_ok = fcntl(r.dupfd, F_GETFD) >= 0;
		close(r.dupfd);
	} else if (r.dupfd) {
		dup_ok = 0;
	}
	if (sentinel != 0x5eed)
		printf("  the parent's memory changed\n");
	printf("%-32s created, %s; shared memory %s, tid %s, tls %s, ptid %s, ctid %s/%s, "
	       "cwd %s, fd %s, SIGUSR1 %d\n",
	       c->name, how, shared_word ? "yes" : "no", r.tid == pid ? "=pid" : "?",
	       r.fsbase == (long)(fake_tls + 2048) ? "set" : "kept", ptid_word == pid ? "set" : "unset",
	       r.ctid_val == pid ? "set" : "unset",
	       !(c->flags & CLONE_VM) ? "-" : ctid_word == 0 ? "cleared" : ctid_word == pid ? "kept" : "other",
	       dot_st.st_ino == tmp_st.st_ino ? "shared" : "own", dup_ok < 0 ? "-" : dup_ok ? "shared" : "own",
	       usr1_count);
	struct sigaction sa;
	sigaction(SIGUSR1, NULL, &sa);
	if (sa.sa_handler != on_usr1)
		printf("  the parent's SIGUSR1 handler is gone\n");
	if (fcntl(rep_pipe[1], F_GETFD) < 0)
		printf("  the parent's report pipe is closed\n");
}

#define C(flags, sig) { #flags ", " #sig, flags, sig, 0, 0 }
#define C3(flags, sig) { "clone3 " #flags ", " #sig, flags, sig, 1, 0 }
#define CX(flags, sig) { "exec " #flags ", " #sig, flags, sig, 0, 1 }
static struct ccase cases[] = {
	C(0, SIGCHLD),
	C(CLONE_VM, SIGCHLD),
	C(CLONE_VM | CLONE_VFORK, SIGCHLD),
	C(CLONE_VFORK, SIGCHLD),
	C(CLONE_VM | CLONE_SIGHAND, SIGCHLD),
	C(CLONE_SIGHAND, SIGCHLD),
	C(CLONE_THREAD, SIGCHLD),
	C(CLONE_THREAD | CLONE_SIGHAND, 0),
	C(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_CHILD_CLEARTID, 0),
	C(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_SETTLS | CLONE_CHILD_CLEARTID, 0),
	C(CLONE_PARENT, SIGCHLD),
	C(CLONE_VM | CLONE_PARENT, SIGCHLD),
	C(CLONE_FS, SIGCHLD),
	C(CLONE_FILES, SIGCHLD),
	C(CLONE_VM | CLONE_FS | CLONE_FILES, SIGCHLD),
	C(CLONE_VM | CLONE_SETTLS, SIGCHLD),
	C(CLONE_VM | CLONE_CHILD_SETTID, SIGCHLD),
	C(CLONE_VM | CLONE_CHILD_CLEARTID, SIGCHLD),
	C(CLONE_CHILD_SETTID, SIGCHLD),
	C(CLONE_PARENT_SETTID, SIGCHLD),
	C(CLONE_VM | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, SIGCHLD),
	C(CLONE_VM | CLONE_VFORK | CLONE_SETTLS, SIGCHLD),
	C(0, 0),
	C(0, SIGUSR1),
	C(CLONE_VM, SIGUSR1),
	C(CLONE_VM | CLONE_VFORK, 0),
	CX(0, SIGCHLD),
	CX(CLONE_VM, SIGCHLD),
	CX(CLONE_VM | CLONE_VFORK, SIGCHLD),
	CX(CLONE_VM | CLONE_SIGHAND | CLONE_FILES, SIGCHLD),
	C3(0, SIGCHLD),
	C3(0, 0),
	C3(CLONE_VM, SIGCHLD),
	C3(CLONE_VM | CLONE_VFORK, SIGCHLD),
	C3(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_SETTLS | CLONE_CHILD_CLEARTID, 0),
	C3(CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, SIGCHLD),
	C3(CLONE_FILES | CLONE_FS, SIGUSR1),
	C3(CLONE_SIGHAND, SIGCHLD),
	C3(CLONE_THREAD | CLONE_SIGHAND, SIGCHLD),
	C3(0, 65),
	C3(SIGCHLD, 0),
};

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (pipe2(rep_pipe, O_CLOEXEC) < 0)
		return 1;
	pid_t runner = fork();
	if (runner == 0) {
		signal(SIGUSR1, on_usr1);
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			run_case(&cases[i]);
		/* clone3 with a bad size */
		struct clone_args ca = { .exit_signal = SIGCHLD };
		long r = syscall(SYS_clone3, &ca, 8);
		printf("%-32s %s\n", "clone3 size 8", r < 0 ? strerrorname_np(errno) : "created");
		_exit(0);
	}
	int st, others = 0;
	waitpid(runner, &st, 0);
	printf("runner %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "exited 0" : "failed");
	/* the CLONE_PARENT children are ours */
	pid_t w;
	while ((w = waitpid(-1, &st, __WALL)) > 0)
		others += WIFEXITED(st) && WEXITSTATUS(st) == 7;
	printf("CLONE_PARENT children reaped by their grandparent: %d\n", others);
	return 0;
}
