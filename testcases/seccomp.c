/* seccomp(2): strict mode, filters' actions (ERRNO, TRAP, KILL_*, TRACE, LOG), stacking, inheritance over fork and exec, the checks of a program, the errors, the vsyscall page.  Usage: seccomp SECTION */
#include "check.h"
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define NR_OFF offsetof(struct seccomp_data, nr)
#define STMT(c, k) ((struct sock_filter)BPF_STMT(c, k))
#define JUMP(c, k, t, f) ((struct sock_filter)BPF_JUMP(c, k, t, f))
#define FAKE_NR 10000 /* no such call */
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* SIGSYS si_code */
#endif

static char *self;

static long sc(unsigned op, unsigned flags, void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}

static long install(struct sock_filter *p, unsigned short n, unsigned flags)
{
	struct sock_fprog fp = { n, p };
	return sc(SECCOMP_SET_MODE_FILTER, flags, &fp);
}

/* a filter giving RET to call NR, ALLOW to the rest */
static long one_rule(int nr, unsigned ret)
{
	struct sock_filter p[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		STMT(BPF_RET | BPF_K, ret),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	return install(p, 4, 0);
}

static void nnp(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		printf("FAIL no_new_privs\n");
}

static int wait_status(pid_t p)
{
	int st = -1;
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* run fn in a child (its exit status the failures count): the status */
static int in_child(void (*fn)(void))
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		fn();
		fflush(stdout);
		_exit(fails);
	}
	return wait_status(p);
}

static int status_line(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int v = -1;
	size_t n = strlen(key);
	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = atoi(line + n + 1);
	fclose(f);
	return v;
}

/* ---- strict ---- */

static void strict_ok(void)
{
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) != 0)
		syscall(SYS_exit, 99);
	char c = 'x';
	if (write(1, "ok strict write\n", 16) != 16 || read(-1, &c, 1) != -1)
		syscall(SYS_exit, 98);
	syscall(SYS_exit, 7);
}

static void strict_bad(void)
{
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) != 0)
		syscall(SYS_exit, 99);
	syscall(SYS_getpid);
	syscall(SYS_exit, 0);
}

static void strict_group(void)
{
	if (sc(SECCOMP_SET_MODE_STRICT, 0, NULL) != 0)
		syscall(SYS_exit, 99);
	syscall(SYS_exit_group, 0); /* not one of the four */
}

static void strict_args(void)
{
	CHECK(sc(SECCOMP_SET_MODE_STRICT, 1, NULL) == -1 && errno == EINVAL);
	CHECK(sc(SECCOMP_SET_MODE_STRICT, 0, (void *)8) == -1 && errno == EINVAL);
	CHECK(prctl(PR_SET_SECCOMP, 7, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0);
	nnp();
	CHECK(one_rule(FAKE_NR, SECCOMP_RET_ERRNO | 1) == 0);
	CHECK(prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2);
}

static void sec_strict(void)
{
	int st = in_child(strict_ok);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	st = in_child(strict_bad);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	st = in_child(strict_group);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	st = in_child(strict_args);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- errno ---- */

static void errno_child(void)
{
	nnp();
	CHECK(status_line("Seccomp") == 0 && status_line("Seccomp_filters") == 0);
	CHECK(one_rule(SYS_getppid, SECCOMP_RET_ERRNO | ENOTTY) == 0);
	CHECK(syscall(SYS_getppid) == -1 && errno == ENOTTY);
	CHECK(getpid() > 0);
	CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2);
	CHECK(status_line("Seccomp") == 2 && status_line("Seccomp_filters") == 1);
	/* the errno is capped at 4095 */
	CHECK(one_rule(SYS_getuid, SECCOMP_RET_ERRNO | 5000) == 0);
	CHECK(syscall(SYS_getuid) == -1 && errno == 4095);
	CHECK(one_rule(SYS_getgid, SECCOMP_RET_ERRNO | 0) == 0);
	CHECK(syscall(SYS_getgid) == 0);
	/* arguments, the architecture, the length */
	struct sock_filter p[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, FAKE_NR, 0, 9),
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]) + 4),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x12345678, 0, 7),
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		STMT(BPF_ST, 3),
		STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		STMT(BPF_MISC | BPF_TAX, 0),
		STMT(BPF_LD | BPF_MEM, 3),
		STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
		STMT(BPF_RET | BPF_A, 0),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	CHECK(install(p, sizeof(p) / sizeof(p[0]), 0) == 0);
	/* ERRNO(0x50000 + 100 + 64): the low half of arg 1 plus the length */
	CHECK(syscall(FAKE_NR, 0, 0x1234567800050064UL) == -1 && errno == 100 + 64);
	CHECK(syscall(FAKE_NR, 0, 0x1234567900050064UL) == -1 && errno == ENOSYS);
	CHECK(status_line("Seccomp_filters") == 4);
}

static void sec_errno(void)
{
	int st = in_child(errno_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- trap ---- */

static volatile int got_sig, got_code, got_errno, got_syscall, got_addr_ok;
static volatile unsigned got_arch;

static void on_sys(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	got_sig = sig;
	got_code = si->si_code;
	got_errno = si->si_errno;
	got_syscall = si->si_syscall;
	got_arch = si->si_arch;
	got_addr_ok = (uintptr_t)si->si_call_addr == (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] &&
		      uc->uc_mcontext.gregs[REG_RAX] == SYS_getppid;
}

static void trap_child(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_sys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	nnp();
	CHECK(one_rule(SYS_getppid, SECCOMP_RET_TRAP | 0x42) == 0);
	long r = syscall(SYS_getppid, 1, 2, 3);
	CHECK(r == SYS_getppid); /* the call's registers, rax its number */
	CHECK(got_sig == SIGSYS && got_code == SYS_SECCOMP);
	CHECK(got_errno == 0x42 && got_syscall == SYS_getppid && got_arch == AUDIT_ARCH_X86_64);
	CHECK(got_addr_ok);
}

static void trap_blocked(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGSYS);
	sigprocmask(SIG_BLOCK, &s, NULL);
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
	nnp();
	one_rule(SYS_getppid, SECCOMP_RET_TRAP);
	syscall(SYS_getppid);
	_exit(0);
}

static void sec_trap(void)
{
	int st = in_child(trap_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(trap_blocked);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS && !WCOREDUMP(st));
}

/* ---- kill ---- */

static unsigned kill_action;

static void *caller(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	return (void *)1;
}

static void kill_child(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
	nnp();
	one_rule(SYS_getppid, kill_action);
	syscall(SYS_getppid);
	_exit(0);
}

/* the call from a second thread */
static void kill_thread_child(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
	nnp();
	one_rule(SYS_getppid, kill_action);
	pthread_t th;
	void *ret = NULL;
	if (pthread_create(&th, NULL, caller, NULL) != 0)
		_exit(50);
	pthread_join(th, &ret);
	_exit(ret == NULL ? 3 : 4); /* the thread never returned */
}

static void sec_kill(void)
{
	kill_action = SECCOMP_RET_KILL_PROCESS;
	int st = in_child(kill_child);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS && !WCOREDUMP(st));
	st = in_child(kill_thread_child);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	kill_action = SECCOMP_RET_KILL_THREAD;
	st = in_child(kill_child);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS && !WCOREDUMP(st));
	st = in_child(kill_thread_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	/* an action Linux does not know kills the process */
	kill_action = 0x00010000;
	st = in_child(kill_child);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
}

/* ---- stack ---- */

static void stack_child(void)
{
	nnp();
	CHECK(one_rule(SYS_getppid, SECCOMP_RET_ERRNO | 1) == 0);
	CHECK(one_rule(SYS_getppid, SECCOMP_RET_ALLOW) == 0);
	CHECK(syscall(SYS_getppid) == -1 && errno == 1); /* a newer ALLOW changes nothing */
	CHECK(one_rule(SYS_getppid, SECCOMP_RET_ERRNO | 2) == 0);
	CHECK(syscall(SYS_getppid) == -1 && errno == 2); /* equals: the newest */
	CHECK(one_rule(SYS_getppid, SECCOMP_RET_TRACE | 3) == 0);
	CHECK(one_rule(SYS_getppid, SECCOMP_RET_LOG) == 0);
	CHECK(syscall(SYS_getppid) == -1 && errno == 2); /* ERRNO over TRACE and LOG */
	CHECK(one_rule(SYS_getuid, SECCOMP_RET_TRACE | 3) == 0);
	CHECK(one_rule(SYS_getuid, SECCOMP_RET_USER_NOTIF) == 0);
	CHECK(syscall(SYS_getuid) == -1 && errno == ENOSYS); /* USER_NOTIF, no listener */
	CHECK(one_rule(SYS_getgid, SECCOMP_RET_LOG) == 0);
	CHECK(syscall(SYS_getgid) == (long)getegid()); /* LOG runs it */
	CHECK(status_line("Seccomp_filters") == 8);
}

static void stack_kill(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
	nnp();
	one_rule(SYS_getppid, SECCOMP_RET_KILL_PROCESS);
	one_rule(SYS_getppid, SECCOMP_RET_TRAP);
	one_rule(SYS_getppid, SECCOMP_RET_ERRNO | 1);
	one_rule(SYS_getppid, SECCOMP_RET_KILL_THREAD);
	syscall(SYS_getppid);
	_exit(0);
}

/* 7 filters of 4096 instructions fit the 32768 of a path (4 more a
 * filter), the 8th does not; a small one still does */
static void stack_limit(void)
{
	static struct sock_filter p[4096];
	for (int i = 0; i < 4095; i++)
		p[i] = STMT(BPF_LD | BPF_IMM, i);
	p[4095] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	nnp();
	int n = 0;
	while (n < 10 && install(p, 4096, 0) == 0)
		n++;
	CHECK(n == 7 && errno == ENOMEM);
	CHECK(install(p + 4096 - 100, 100, 0) == 0);
	CHECK(install(p + 96, 4000, 0) == -1 && errno == ENOMEM);
}

static void sec_stack(void)
{
	int st = in_child(stack_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(stack_kill);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(stack_limit);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- inherit ---- */

static void grandchild(void)
{
	CHECK(syscall(SYS_getppid) == -1 && errno == EDOM);
	CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2);
}

static void *thread_check(void *arg)
{
	(void)arg;
	return (void *)(long)(syscall(SYS_getppid) == -1 && errno == EDOM);
}

static void inherit_child(void)
{
	nnp();
	CHECK(one_rule(SYS_getppid, SECCOMP_RET_ERRNO | EDOM) == 0);
	int st = in_child(grandchild);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pthread_t th;
	void *r = NULL;
	CHECK(pthread_create(&th, NULL, thread_check, NULL) == 0 && pthread_join(th, &r) == 0 && r);
	fflush(stdout);
	char *argv[] = { self, "exec-check", NULL };
	execv(self, argv);
	printf("FAIL execv %s\n", strerror(errno));
}

static void sec_inherit(void)
{
	int st = in_child(inherit_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int exec_check(void)
{
	CHECK(syscall(SYS_getppid) == -1 && errno == EDOM);
	CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2);
	CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
	CHECK(status_line("Seccomp") == 2 && status_line("Seccomp_filters") == 1);
	return fails;
}

/* ---- nnp ---- */

static void nnp_child(void)
{
	long r = one_rule(FAKE_NR, SECCOMP_RET_ERRNO | 1);
	if (geteuid() == 0)
		CHECK(r == 0); /* CAP_SYS_ADMIN */
	else
		CHECK(r == -1 && errno == EACCES);
	struct sock_filter p[] = { STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &(struct sock_fprog){ 1, p }, 0, 0);
	CHECK(geteuid() == 0 ? r == 0 : r == -1 && errno == EACCES);
	/* the checks before that one still come first */
	CHECK(install(p, 0, 0) == -1 && errno == EINVAL);
	CHECK(sc(SECCOMP_SET_MODE_FILTER, 0, NULL) == -1 && errno == EFAULT);
	nnp();
	CHECK(one_rule(FAKE_NR, SECCOMP_RET_ERRNO | 1) == 0);
	CHECK(syscall(FAKE_NR) == -1 && errno == 1);
}

static void sec_nnp(void)
{
	int st = in_child(nnp_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- einval ---- */

static int bad(struct sock_filter *p, unsigned short n)
{
	return install(p, n, 0) == -1 && errno == EINVAL;
}

#define RET_ALLOW STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

static void einval_child(void)
{
	nnp();
	static struct sock_filter big[4097];
	for (int i = 0; i < 4097; i++)
		big[i] = RET_ALLOW;
	CHECK(bad(big, 0));
	CHECK(bad(big, 4097));
	struct sock_filter noret[] = { STMT(BPF_LD | BPF_W | BPF_ABS, 0) };
	CHECK(bad(noret, 1));
	struct sock_filter far[] = { JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), RET_ALLOW };
	CHECK(bad(far, 2));
	struct sock_filter ja[] = { STMT(BPF_JMP | BPF_JA, 1), RET_ALLOW };
	CHECK(bad(ja, 2));
	struct sock_filter beyond[] = { STMT(BPF_LD | BPF_W | BPF_ABS, 64), RET_ALLOW };
	CHECK(bad(beyond, 2));
	struct sock_filter unaligned[] = { STMT(BPF_LD | BPF_W | BPF_ABS, 2), RET_ALLOW };
	CHECK(bad(unaligned, 2));
	struct sock_filter half[] = { STMT(BPF_LD | BPF_H | BPF_ABS, 0), RET_ALLOW };
	CHECK(bad(half, 2));
	struct sock_filter ind[] = { STMT(BPF_LD | BPF_W | BPF_IND, 0), RET_ALLOW };
	CHECK(bad(ind, 2));
	struct sock_filter mod[] = { STMT(BPF_ALU | BPF_MOD | BPF_K, 3), RET_ALLOW };
	CHECK(bad(mod, 2));
	struct sock_filter div0[] = { STMT(BPF_ALU | BPF_DIV | BPF_K, 0), RET_ALLOW };
	CHECK(bad(div0, 2));
	struct sock_filter lsh[] = { STMT(BPF_ALU | BPF_LSH | BPF_K, 32), RET_ALLOW };
	CHECK(bad(lsh, 2));
	struct sock_filter mem[] = { STMT(BPF_ST, 16), RET_ALLOW };
	CHECK(bad(mem, 2));
	struct sock_filter unset[] = { STMT(BPF_LD | BPF_MEM, 0), RET_ALLOW };
	CHECK(bad(unset, 2));
	/* M[1] written on one path only */
	struct sock_filter onepath[] = {
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		STMT(BPF_ST, 1),
		STMT(BPF_LD | BPF_MEM, 1),
		RET_ALLOW,
	};
	CHECK(bad(onepath, 4));
	struct sock_filter opcode[] = { STMT(0xff, 0), RET_ALLOW };
	CHECK(bad(opcode, 2));
	struct sock_filter ok[] = {
		STMT(BPF_ST, 1),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		STMT(BPF_LD | BPF_MEM, 1),
		STMT(BPF_LDX | BPF_MEM, 1),
		STMT(BPF_JMP | BPF_JA, 0),
		RET_ALLOW,
	};
	CHECK(install(ok, 6, 0) == 0);
	CHECK(install(ok, 6, 1u << 30) == -1 && errno == EINVAL);
	CHECK(install(ok, 6, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER) == -1 &&
	      errno == EINVAL);
	CHECK(install(ok, 6, 1u << 5 /* WAIT_KILLABLE_RECV */) == -1 && errno == EINVAL);
	CHECK(install(ok, 6, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW) == 0);
	CHECK(install(ok, 6, SECCOMP_FILTER_FLAG_TSYNC) == 0);
	CHECK(sc(99, 0, NULL) == -1 && errno == EINVAL);
	CHECK(status_line("Seccomp_filters") == 3);
}

static void sec_einval(void)
{
	int st = in_child(einval_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- efault ---- */

static void efault_child(void)
{
	nnp();
	CHECK(sc(SECCOMP_SET_MODE_FILTER, 0, NULL) == -1 && errno == EFAULT);
	CHECK(sc(SECCOMP_SET_MODE_FILTER, 0, (void *)8) == -1 && errno == EFAULT);
	CHECK(install((struct sock_filter *)8, 3, 0) == -1 && errno == EFAULT);
	CHECK(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, 8, 0, 0) == -1 && errno == EFAULT);
	CHECK(sc(SECCOMP_GET_ACTION_AVAIL, 0, NULL) == -1 && errno == EFAULT);
	CHECK(sc(SECCOMP_GET_NOTIF_SIZES, 0, NULL) == -1 && errno == EFAULT);
	CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0);
}

static void sec_efault(void)
{
	int st = in_child(efault_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- avail ---- */

static void sec_avail(void)
{
	unsigned acts[] = { SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP,
			    SECCOMP_RET_ERRNO, SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE,
			    SECCOMP_RET_LOG, SECCOMP_RET_ALLOW };
	int n = 0;
	for (unsigned i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		n += sc(SECCOMP_GET_ACTION_AVAIL, 0, &acts[i]) == 0;
	CHECK(n == 8);
	unsigned other = 0x00010000;
	CHECK(sc(SECCOMP_GET_ACTION_AVAIL, 0, &other) == -1 && errno == EOPNOTSUPP);
	CHECK(sc(SECCOMP_GET_ACTION_AVAIL, 1, &acts[0]) == -1 && errno == EINVAL);
	struct seccomp_notif_sizes s;
	CHECK(sc(SECCOMP_GET_NOTIF_SIZES, 0, &s) == 0);
	CHECK(s.seccomp_notif == sizeof(struct seccomp_notif) &&
	      s.seccomp_notif_resp == sizeof(struct seccomp_notif_resp) &&
	      s.seccomp_data == sizeof(struct seccomp_data));
	CHECK(sc(SECCOMP_GET_NOTIF_SIZES, 1, &s) == -1 && errno == EINVAL);
}

/* ---- trace ---- */

static void trace_none_child(void)
{
	nnp();
	CHECK(one_rule(SYS_getppid, SECCOMP_RET_TRACE | 5) == 0);
	CHECK(syscall(SYS_getppid) == -1 && errno == ENOSYS);
}

/* the tracee: every FAKE_NR+i call goes to the tracer */
static void tracee(void)
{
	ptrace(PTRACE_TRACEME, 0, 0, 0);
	raise(SIGSTOP);
	nnp();
	struct sock_filter p[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EXDEV),
		JUMP(BPF_JMP | BPF_JGE | BPF_K, FAKE_NR, 0, 4),
		JUMP(BPF_JMP | BPF_JGT | BPF_K, FAKE_NR + 9, 3, 0),
		STMT(BPF_ALU | BPF_SUB | BPF_K, FAKE_NR),
		STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_TRACE),
		STMT(BPF_RET | BPF_A, 0),
		RET_ALLOW,
	};
	if (install(p, sizeof(p) / sizeof(p[0]), 0) != 0)
		_exit(90);
	int ok = 1;
	ok &= syscall(FAKE_NR) == getpid();                     /* changed to getpid */
	ok &= syscall(FAKE_NR + 1) == -1 && errno == EXDEV;     /* to getppid: judged again */
	ok &= syscall(FAKE_NR + 2) == 4242;                     /* skipped, rax the tracer's */
	umask(0);
	ok &= syscall(FAKE_NR + 3, 7) == 0 && umask(0) == 8;     /* umask, its argument changed */
	_exit(ok ? 0 : 1);
}

static void sec_trace(void)
{
	int st = in_child(trace_none_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0)
		tracee();
	st = wait_status(c);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK(ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) == 0);
	ptrace(PTRACE_CONT, c, 0, 0);
	int events = 0, regs_ok = 1;
	for (;;) {
		st = wait_status(c);
		if (!WIFSTOPPED(st))
			break;
		if ((st >> 8) != (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			ptrace(PTRACE_CONT, c, 0, WSTOPSIG(st));
			continue;
		}
		unsigned long msg = 0;
		struct user_regs_struct r;
		ptrace(PTRACE_GETEVENTMSG, c, 0, &msg);
		ptrace(PTRACE_GETREGS, c, 0, &r);
		printf("event %#lx nr %lld\n", msg, (long long)r.orig_rax - FAKE_NR);
		regs_ok &= (long long)r.rax == -ENOSYS && r.orig_rax == FAKE_NR + msg;
		events++;
		if (msg == 0)
			r.orig_rax = SYS_getpid;
		else if (msg == 1)
			r.orig_rax = SYS_getppid;
		else if (msg == 2) {
			r.orig_rax = -1;
			r.rax = 4242;
		} else if (msg == 3) {
			r.orig_rax = SYS_umask;
			r.rdi += 1;
		}
		ptrace(PTRACE_SETREGS, c, 0, &r);
		ptrace(PTRACE_CONT, c, 0, 0);
	}
	CHECK(events == 4 && regs_ok);
	CHECK(WIFEXITED(st));
	printf("tracee exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* ---- vsyscall ---- */

static void vsyscall_child(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_sys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	long (*vgtod)(struct timeval *, void *) = (void *)0xffffffffff600000UL;
	long (*vtime)(long *) = (void *)0xffffffffff600400UL;
	struct timeval tv;
	CHECK(vgtod(&tv, NULL) == 0);
	nnp();
	/* gettimeofday from the vsyscall page: ERRNO; time: TRAP */
	struct sock_filter p[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, 7),
		STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
		STMT(BPF_ALU | BPF_AND | BPF_K, 0xfffff000),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xff600000, 0, 4),
		STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_gettimeofday, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EL2HLT),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP | 9),
		RET_ALLOW,
	};
	CHECK(install(p, sizeof(p) / sizeof(p[0]), 0) == 0);
	CHECK(vgtod(&tv, NULL) == -EL2HLT);
	CHECK(gettimeofday(&tv, NULL) == 0); /* the vDSO's, or a plain call */
	CHECK(syscall(SYS_gettimeofday, &tv, NULL) == 0);
	got_sig = 0;
	long t = 0;
	vtime(&t);
	CHECK(got_sig == SIGSYS && got_code == SYS_SECCOMP && got_errno == 9 && got_syscall == SYS_time);
}

static void sec_vsyscall(void)
{
	int st = in_child(vsyscall_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- tsync ---- */

static volatile int go;

static void *tsync_thread(void *arg)
{
	(void)arg;
	while (!go)
		usleep(1000);
	return (void *)(long)(syscall(SYS_getppid) == -1 && errno == ENOLINK);
}

static void tsync_child(void)
{
	nnp();
	pthread_t th;
	void *r = NULL;
	pthread_create(&th, NULL, tsync_thread, NULL);
	struct sock_filter p[] = {
		STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOLINK),
		RET_ALLOW,
	};
	CHECK(install(p, 4, SECCOMP_FILTER_FLAG_TSYNC) == 0);
	go = 1;
	CHECK(pthread_join(th, &r) == 0 && r);
}

static volatile int ready, own_tid;

static void *tsync_own(void *arg)
{
	(void)arg;
	one_rule(FAKE_NR, SECCOMP_RET_ERRNO | 1); /* a filter not ours */
	own_tid = syscall(SYS_gettid);
	ready = 1;
	while (!go)
		usleep(1000);
	return NULL;
}

/* a thread with a filter of its own cannot be synced: ESRCH, or its tid */
static void tsync_fail(void)
{
	nnp();
	pthread_t th;
	pthread_create(&th, NULL, tsync_own, NULL);
	while (!ready)
		usleep(1000);
	struct sock_filter p[] = { RET_ALLOW };
	CHECK(install(p, 1, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH) == -1 && errno == ESRCH);
	CHECK(install(p, 1, SECCOMP_FILTER_FLAG_TSYNC) == own_tid);
	CHECK(prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0);
	go = 1;
	pthread_join(th, NULL);
}

static void sec_tsync(void)
{
	int st = in_child(tsync_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	go = 0;
	st = in_child(tsync_fail);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "exec-check"))
		return exec_check();
	if (getpid() == 1 && geteuid() == 0 && access("/proc/self/status", R_OK) < 0)
		mount("proc", "/proc", "proc", 0, NULL);
	/* re-exec by a path that works from the guest's root and natively
	 * from the test's directory */
	const char *base = strrchr(argv[0], '/');
	static char path[256];
	snprintf(path, sizeof(path), "./%s", base ? base + 1 : argv[0]);
	self = path;
	static const struct {
		const char *name;
		void (*fn)(void);
	} sections[] = {
		{ "strict", sec_strict }, { "errno", sec_errno }, { "trap", sec_trap },
		{ "kill", sec_kill },     { "stack", sec_stack }, { "inherit", sec_inherit },
		{ "nnp", sec_nnp },       { "einval", sec_einval }, { "efault", sec_efault },
		{ "avail", sec_avail },   { "trace", sec_trace }, { "vsyscall", sec_vsyscall },
		{ "tsync", sec_tsync },
	};
	for (unsigned i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (argc > 1 && !strcmp(argv[1], sections[i].name)) {
			sections[i].fn();
			return fails;
		}
	fprintf(stderr, "usage: seccomp SECTION\n");
	return 2;
}
