/* orphans: Linux's rules for orphaned process groups.
 *  - SIGTSTP, SIGTTIN and SIGTTOU with their default action are discarded
 *    in an orphaned group (the test's own group: it runs as init or as a
 *    session leader), but stop a member of a group that has a parent
 *    outside it in the session; SIGSTOP stops either way.
 *  - An exit that orphans a group with a stopped member sends the group
 *    SIGHUP and SIGCONT: when the group's link outside exits itself, and
 *    when the exiting process was the parent of the group's member.
 *  - No stopped member, no SIGHUP.
 * Every scenario runs under a child of the test ("middle"), because a
 * parent that is init never counts as a link outside a group. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t got_hup, got_cont;
static void on_hup(int s) { (void)s; got_hup = 1; }
static void on_cont(int s) { (void)s; got_cont = 1; }

static void catch_hup_cont(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
}

/* What a stop signal does to a forked child of ours, in our group or in a
 * group of its own (whose parent, we, are outside it). */
static const char *stop_outcome(int sig, int own_group)
{
	static char buf[64];
	pid_t c = fork();
	if (!c) {
		if (own_group)
			setpgid(0, 0);
		raise(sig);
		_exit(7);
	}
	if (own_group)
		setpgid(c, c);
	int st;
	waitpid(c, &st, WUNTRACED);
	if (WIFSTOPPED(st)) {
		snprintf(buf, sizeof(buf), "stopped by %s", sigabbrev_np(WSTOPSIG(st)));
		kill(c, SIGKILL);
		waitpid(c, &st, 0);
	} else if (WIFEXITED(st)) {
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
	} else {
		snprintf(buf, sizeof(buf), "killed by %s", sigabbrev_np(WTERMSIG(st)));
	}
	return buf;
}

static void stop_signals(void)
{
	static const int sigs[] = { SIGTSTP, SIGTTIN, SIGTTOU, SIGSTOP };
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		printf("orphaned group, SIG%s: %s\n", sigabbrev_np(sigs[i]), stop_outcome(sigs[i], 0));
		printf("linked group, SIG%s: %s\n", sigabbrev_np(sigs[i]), stop_outcome(sigs[i], 1));
	}
}

/* The group's member C reports to us over a pipe what it saw. */
static void report(int wfd)
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "member: hup=%d cont=%d\n", (int)got_hup, (int)got_cont);
	if (write(wfd, msg, n) != n)
		_exit(2);
}

/* how: 0 = the exiting P leads the group (its own exit orphans it);
 *      1 = C leads a group of its own and P, its parent, exits;
 *      2 = like 1, but C is not stopped: no SIGHUP. */
static void orphaning(int how)
{
	int rep[2], go[2];
	if (pipe(rep) || pipe(go))
		exit(3);
	pid_t p = fork();
	if (!p) {
		if (how == 0)
			setpgid(0, 0);
		pid_t c = fork();
		if (!c) {
			close(rep[0]);
			close(go[1]);
			if (how != 0)
				setpgid(0, 0);
			catch_hup_cont();
			if (how == 2) {
				char b;
				if (read(go[0], &b, 1) != 1)
					_exit(4);
			} else {
				raise(SIGSTOP);
			}
			report(rep[1]);
			_exit(0);
		}
		if (how != 0)
			setpgid(c, c);
		int st;
		if (how != 2) {
			waitpid(c, &st, WUNTRACED);
			if (!WIFSTOPPED(st))
				_exit(5);
		}
		_exit(0);
	}
	close(rep[1]);
	close(go[0]);
	int st;
	waitpid(p, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (how == 2 && write(go[1], "g", 1) != 1)
		exit(6);
	close(go[1]);
	char buf[128];
	ssize_t n, len = 0;
	while ((n = read(rep[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(rep[0]);
	printf("%s: %s", how == 0 ? "group leader exits" : how == 1 ? "member's parent exits" :
	       "no stopped member", len ? buf : "(nothing)\n");
}

static void in_middle(void (*fn)(int), int arg)
{
	fflush(stdout);
	pid_t m = fork();
	if (!m) {
		fn(arg);
		fflush(stdout);
		_exit(fails ? 1 : 0);
	}
	int st;
	waitpid(m, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void stop_signals_arg(int unused)
{
	(void)unused;
	stop_signals();
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	/* our own group is orphaned (init, or a session leader) */
	printf("own group, SIGTSTP: ");
	raise(SIGTSTP);
	printf("discarded\n");
	in_middle(stop_signals_arg, 0);
	for (int how = 0; how < 3; how++)
		in_middle(orphaning, how);
	printf("%d failures\n", fails);
	return fails != 0;
}
