/* sigactions: every signal's default action and the wait status it gives;
 * siginfo for SIGSEGV (si_addr) and for sigqueue (si_value); SA_RESTART
 * against a blocked read; a stack overflow caught on an alternate stack;
 * SIGPIPE killing and, when ignored, EPIPE. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static volatile void *fault_addr;
static volatile int value_seen, handled;
static sigjmp_buf jb;
static char altstack[1 << 16];

static void on_segv(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	fault_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static volatile int got_code, got_sig;
static void on_fault(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = s;
	got_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(jb, 1);
}

static void on_rt(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	value_seen = si->si_value.sival_int;
}

static void on_alarm(int s)
{
	(void)s;
	handled++;
}

static volatile int depth, limit = 1 << 30;
static int recurse(int n)
{
	volatile char pad[1024];
	pad[0] = (char)n;
	depth++;
	return (depth < limit ? recurse(n + 1) : 0) + pad[0];
}

int main(void)
{
	/* default actions */
	struct rlimit nocore = { 0, 0 };
	setrlimit(RLIMIT_CORE, &nocore);
	for (int sig = 1; sig < 32; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		pid_t p = fork();
		if (!p) {
			raise(sig);
			_exit(100);
		}
		int st;
		waitpid(p, &st, WUNTRACED);
		if (WIFSTOPPED(st)) {
			kill(p, SIGKILL);
			waitpid(p, NULL, 0);
		}
		printf("signal %2d (%s): status %#06x %s\n", sig, sigabbrev_np(sig), st,
		       WIFEXITED(st) ? "exited" : WIFSIGNALED(st) ? "killed" : WIFSTOPPED(st) ? "stopped" : "?");
	}
	/* SIGSEGV's si_addr */
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_NODEFER };
	sigaction(SIGSEGV, &sa, NULL);
	volatile char *bad = (char *)0x1234;
	if (!sigsetjmp(jb, 1))
		*bad = 1;
	CHECK(fault_addr == (void *)0x1234);
	/* SIGFPE, SIGILL, SIGTRAP and SIGBUS from the instructions that raise
	 * them, with their si_code (and si_addr for SIGBUS) */
	struct sigaction fa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER };
	sigaction(SIGFPE, &fa, NULL);
	sigaction(SIGILL, &fa, NULL);
	sigaction(SIGTRAP, &fa, NULL);
	sigaction(SIGBUS, &fa, NULL);
	volatile int zero = 0;
	if (!sigsetjmp(jb, 1))
		zero = 10 / zero;
	printf("SIGFPE: sig=%d code=%d (FPE_INTDIV=%d)\n", got_sig, got_code, FPE_INTDIV);
	if (!sigsetjmp(jb, 1))
		__asm__ volatile("ud2");
	printf("SIGILL: sig=%d code=%d (ILL_ILLOPN=%d)\n", got_sig, got_code, ILL_ILLOPN);
	if (!sigsetjmp(jb, 1))
		__asm__ volatile("int3");
	printf("SIGTRAP: sig=%d code=%d\n", got_sig, got_code);
	FILE *tf = tmpfile();
	char *volatile bus = tf ? mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fileno(tf), 0) : MAP_FAILED;
	if (bus != MAP_FAILED && !sigsetjmp(jb, 1))
		zero = bus[4096];
	printf("SIGBUS: sig=%d code=%d (BUS_ADRERR=%d) addr-ok=%d\n", got_sig, got_code, BUS_ADRERR,
	       fault_addr == bus + 4096);
	/* sigqueue's si_value */
	struct sigaction rt = { .sa_sigaction = on_rt, .sa_flags = SA_SIGINFO };
	sigaction(SIGRTMIN, &rt, NULL);
	union sigval v = { .sival_int = 4242 };
	sigqueue(getpid(), SIGRTMIN, v);
	CHECK(value_seen == 4242);
	/* SA_RESTART: a read blocked when the signal comes goes on */
	struct sigaction al = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	sigaction(SIGALRM, &al, NULL);
	int pfd[2];
	if (pipe(pfd) < 0)
		return 1;
	pid_t w = fork();
	if (!w) {
		usleep(300000);
		if (write(pfd[1], "z", 1) != 1)
			_exit(1);
		_exit(0);
	}
	ualarm(100000, 0);
	char c = 0;
	ssize_t r = read(pfd[0], &c, 1);
	CHECK(r == 1 && c == 'z' && handled == 1);
	waitpid(w, NULL, 0);
	/* stack overflow, caught on the alternate stack */
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	sigaltstack(&ss, NULL);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(jb, 1))
		recurse(0);
	CHECK(depth > 1000);
	/* SIGPIPE kills a writer to a pipe without readers ... */
	int q[2];
	if (pipe(q) < 0)
		return 1;
	close(q[0]);
	pid_t p = fork();
	if (!p) {
		signal(SIGPIPE, SIG_DFL);
		if (write(q[1], "x", 1) < 0)
			_exit(3);
		_exit(4);
	}
	int st;
	waitpid(p, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
	/* ... and, ignored, turns into EPIPE */
	signal(SIGPIPE, SIG_IGN);
	CHECK(write(q[1], "x", 1) == -1 && errno == EPIPE);
	printf("%d failures\n", fails);
	return fails != 0;
}
