/* initsig: init takes only the signals it has a handler for (Linux's
 * SIGNAL_UNKILLABLE): SIGTERM, SIGKILL, SIGSTOP, SIGQUIT and SIGUSR1 with
 * the default action, from itself or from a child, are dropped; a handled
 * signal arrives; a child dies of the same signals as usual.  Run as pid 1
 * (in the guest, or natively in a new PID namespace). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t got;
static void on_usr2(int s) { got = s; }

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	CHECK(getpid() == 1);
	static const int sigs[] = { SIGTERM, SIGQUIT, SIGUSR1, SIGSTOP, SIGKILL, SIGSEGV, SIGALRM };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		CHECK(kill(1, sigs[i]) == 0);
		CHECK(raise(sigs[i]) == 0);
		union sigval v = { .sival_int = 7 };
		CHECK(sigqueue(1, sigs[i], v) == 0);
	}
	printf("init survived its own signals\n");
	pid_t c = fork();
	if (!c) {
		kill(1, SIGKILL);
		kill(1, SIGTERM);
		kill(-1, SIGTERM); /* everyone but init and us */
		_exit(0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st));
	printf("init survived its child's signals\n");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	kill(1, SIGUSR2);
	CHECK(got == SIGUSR2);
	/* a blocked signal is kept for sigtimedwait (busybox init's way),
	 * whether it comes before the wait or during it */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(1, SIGUSR1);
	siginfo_t si;
	CHECK(sigwaitinfo(&set, &si) == SIGUSR1);
	int pfd[2];
	CHECK(pipe(pfd) == 0);
	c = fork();
	if (!c) {
		char b;
		close(pfd[1]);
		if (read(pfd[0], &b, 1) != 0) /* init closes its end when it waits */
			_exit(1);
		kill(1, SIGTERM);
		_exit(0);
	}
	close(pfd[0]);
	close(pfd[1]);
	CHECK(sigwaitinfo(&set, &si) == SIGTERM && si.si_pid == c);
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("init took its blocked signals with sigwaitinfo\n");
	/* a child is not protected */
	c = fork();
	if (!c) {
		pause();
		_exit(0);
	}
	kill(c, SIGTERM);
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	printf("%d failures\n", fails);
	return fails != 0;
}
