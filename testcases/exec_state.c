/* exec_state: what a process keeps across execve, and the family rules of
 * wait, as Linux has them.
 *   exec_state          run the checks (re-executes itself)
 * Checks:
 *  - the alternate signal stack does not survive execve: the new image's
 *    first SA_ONSTACK signal runs on its ordinary stack (sigaltstack
 *    reports SS_DISABLE), instead of on memory of the old image;
 *  - a child forked by one thread is waited for by another thread of the
 *    same process (wait4 and waitid), and __WNOTHREAD limits wait to the
 *    caller's own children (ECHILD);
 *  - the children of a thread that exits stay children of the process. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __WNOTHREAD
#define __WNOTHREAD 0x20000000
#endif

static int fails;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		fails++;
}

static volatile int on_alt = -1;

static void handler(int sig)
{
	(void)sig;
	stack_t cur;
	sigaltstack(NULL, &cur);
	on_alt = (cur.ss_flags & SS_ONSTACK) != 0;
}

/* after the exec: no alternate stack, and a SA_ONSTACK signal runs */
static int after_exec(void)
{
	stack_t cur;
	sigaltstack(NULL, &cur);
	check(cur.ss_flags == SS_DISABLE && cur.ss_size == 0, "no alternate stack after execve");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	check(on_alt == 0, "SA_ONSTACK signal after execve runs on the ordinary stack");
	/* and a new alternate stack works */
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 };
	check(sigaltstack(&ss, NULL) == 0, "sigaltstack after execve");
	raise(SIGUSR1);
	check(on_alt == 1, "SA_ONSTACK signal runs on the new alternate stack");
	return fails != 0;
}

static pid_t child_of_thread;
static int forked[2], go[2];

/* fork a child (it exits 7 once GO is closed); tell main; with HOLD, stay
 * alive until GO is closed too */
static void *forker(void *arg)
{
	char c = 0;
	child_of_thread = fork();
	if (child_of_thread == 0) {
		close(go[1]);
		read(go[0], &c, 1);
		_exit(7);
	}
	write(forked[1], &c, 1);
	if (arg)
		read(go[0], &c, 1);
	return NULL;
}

static void wait_checks(void)
{
	pthread_t th;
	char c;
	int st = 0;
	pipe(forked);
	pipe(go);
	pthread_create(&th, NULL, forker, (void *)1);
	read(forked[0], &c, 1); /* the forking thread lives on */
	check(waitpid(child_of_thread, &st, __WNOTHREAD | WNOHANG) == -1,
	      "__WNOTHREAD does not see another thread's child");
	check(waitpid(child_of_thread, &st, WNOHANG) == 0,
	      "wait sees a running child of another thread");
	close(go[1]);
	pthread_join(th, NULL);
	pid_t r = waitpid(child_of_thread, &st, 0);
	check(r == child_of_thread && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "wait4 for a child forked by another thread");
	close(go[0]);
	pipe(go);
	pthread_create(&th, NULL, forker, NULL);
	pthread_join(th, NULL); /* the forking thread has exited */
	check(waitpid(child_of_thread, &st, __WNOTHREAD | WNOHANG) == 0,
	      "the child of an exited thread is the remaining thread's");
	close(go[1]);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	check(waitid(P_PID, child_of_thread, &si, WEXITED) == 0 && si.si_pid == child_of_thread &&
		      si.si_status == 7, "waitid for a child forked by another thread");
	check(wait(NULL) == -1, "no child left");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "after-exec"))
		return after_exec();
	wait_checks();
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0 };
	check(sigaltstack(&ss, NULL) == 0, "sigaltstack before execve");
	pid_t c = fork();
	if (c == 0) {
		execl("/proc/self/exe", argv[0], "after-exec", (char *)NULL);
		execl(argv[0], argv[0], "after-exec", (char *)NULL);
		_exit(127);
	}
	int st;
	waitpid(c, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the exec'ed image passed its checks");
	return fails != 0;
}
