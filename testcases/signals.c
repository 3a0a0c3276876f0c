/* signals: handlers with siginfo, a caught SIGSEGV, kill of sleeping and
 * spinning children, stop/continue with WUNTRACED, sigwaitinfo, SIGCHLD,
 * sigaltstack, and the FPU state across a handler. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void *volatile addr;
static sigjmp_buf jb;
static volatile int on_alt;
static volatile unsigned long bad_addr = 16;
static char altstack[65536];

static void handler(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	got = s;
	addr = si->si_addr;
	int here;
	on_alt = (char *)&here >= altstack && (char *)&here < altstack + sizeof(altstack);
}

static void segv(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	addr = si->si_addr;
	siglongjmp(jb, 1);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &sa, NULL);
	volatile double d = 1.5;
	kill(getpid(), SIGUSR1);
	printf("usr1 got=%d fp=%.2f\n", got, d * 2);

	struct sigaction sb = { .sa_sigaction = segv, .sa_flags = SA_SIGINFO | SA_NODEFER };
	sigaction(SIGSEGV, &sb, NULL);
	if (!sigsetjmp(jb, 1))
		*(volatile int *)bad_addr = 1;
	printf("segv caught at %p\n", addr);

	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	sigaltstack(&ss, NULL);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	printf("usr2 on the alternate stack=%d\n", on_alt);

	int st;
	pid_t p = fork();
	if (!p) {
		pause();
		_exit(9);
	}
	usleep(20000);
	kill(p, SIGTERM);
	waitpid(p, &st, 0);
	printf("sleeping child killed sig=%d\n", WIFSIGNALED(st) ? WTERMSIG(st) : -1);

	p = fork();
	if (!p)
		for (;;)
			;
	usleep(20000);
	kill(p, SIGKILL);
	waitpid(p, &st, 0);
	printf("spinning child killed sig=%d\n", WIFSIGNALED(st) ? WTERMSIG(st) : -1);

	p = fork();
	if (!p) {
		raise(SIGSTOP);
		_exit(4);
	}
	waitpid(p, &st, WUNTRACED);
	printf("stopped=%d sig=%d\n", WIFSTOPPED(st), WSTOPSIG(st));
	kill(p, SIGCONT);
	waitpid(p, &st, 0);
	printf("continued, exit=%d\n", WEXITSTATUS(st));

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR2);
	siginfo_t si;
	int s = sigwaitinfo(&set, &si);
	printf("sigwaitinfo %d code=%s pid-ok=%d\n", s, si.si_code == SI_USER ? "SI_USER" : "other",
	       si.si_pid == getpid());

	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	got = 0;
	p = fork();
	if (!p)
		_exit(0);
	while (got != SIGCHLD)
		pause();
	printf("sigchld got=%d\n", got);
	wait(NULL);
	return 0;
}
