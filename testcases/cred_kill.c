/* cred_kill: kill(2)'s permission rules.  A target runs with uid 1000
 * (real, effective and saved); senders with other ids try signal 0,
 * SIGUSR1 (ignored by the target) and SIGCONT, in and out of the
 * target's session, and root with and without CAP_KILL.  Run as root. */
#include "cred_common.h"
#include <signal.h>

static pid_t target;

static void sender(const char *what, uid_t r, uid_t e, uid_t s, int newsession, int dropkill)
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		if (newsession)
			setsid();
		if (dropkill) {
			struct caps c = { 0, 0, 0 };
			get_caps(0, &c);
			set_caps(c.eff & ~(1ULL << 5), c.perm & ~(1ULL << 5), 0);
		}
		if ((r != (uid_t)-1 || e != (uid_t)-1 || s != (uid_t)-1) && setresuid(r, e, s) < 0)
			printf("%s: setresuid %s\n", what, ename(errno));
		errno = 0;
		int a = kill(target, 0);
		const char *ra = RES(a);
		errno = 0;
		int b = kill(target, SIGUSR1);
		const char *rb = RES(b);
		errno = 0;
		int c = kill(target, SIGCONT);
		printf("%s: sig0 %s usr1 %s cont %s\n", what, ra, rb, RES(c));
		errno = 0;
		int d = kill(-target, 0);
		printf("%s: group sig0 %s\n", what, RES(d));
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, NULL, 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	int ready[2], done[2];
	pipe(ready);
	pipe(done);
	target = fork();
	if (target == 0) {
		signal(SIGUSR1, SIG_IGN);
		setpgid(0, 0);
		setresuid(1000, 1000, 1000);
		close(ready[0]);
		write(ready[1], "x", 1);
		char c;
		close(done[1]);
		read(done[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	char c;
	read(ready[0], &c, 1);
	sender("root", -1, -1, -1, 0, 0);
	sender("root without CAP_KILL", -1, -1, -1, 0, 1);
	sender("uid 2000", 2000, 2000, 2000, 0, 0);
	sender("uid 2000 other session", 2000, 2000, 2000, 1, 0);
	sender("real 1000 eff 2000", 1000, 2000, 2000, 1, 0);
	sender("real 2000 eff 1000", 2000, 1000, 2000, 1, 0);
	sender("real 2000 saved 1000", 2000, 2000, 1000, 1, 0);
	sender("uid 1000", 1000, 1000, 1000, 1, 0);
	SHOW("kill 999999", kill(999999, 0));
	close(done[1]);
	int st;
	waitpid(target, &st, 0);
	printf("target exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}
