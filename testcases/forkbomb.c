/* forkbomb: every process forks as fast as it can, for two seconds; then
 * the original kills them all.  Under maxtasks= the bomb must be contained
 * (fork fails with EAGAIN) and the kernel must still serve a fork after. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	int pipefd[2];
	if (pipe(pipefd) < 0)
		return 1;
	pid_t bomb = fork();
	if (!bomb) {
		setpgid(0, 0);
		int told = 0;
		for (;;) {
			pid_t p = fork();
			if (p < 0 && errno == EAGAIN && !told) {
				told = 1;
				if (write(pipefd[1], "A", 1) != 1)
					_exit(1);
			}
		}
	}
	close(pipefd[1]);
	struct timespec t = { 2, 0 };
	nanosleep(&t, NULL);
	char c = 0;
	int eagain = read(pipefd[0], &c, 1) == 1 && c == 'A';
	kill(-bomb, SIGKILL);
	/* the bomb's orphans come to us (we may be init): reap everything */
	int reaped = 0;
	while (waitpid(-1, NULL, 0) > 0)
		reaped++;
	pid_t p = fork();
	if (!p)
		_exit(7);
	int st = 0;
	waitpid(p, &st, 0);
	printf("contained: fork hit EAGAIN=%d, reaped some=%d, fork afterwards exit=%d\n", eagain,
	       reaped > 0, WEXITSTATUS(st));
	return !(eagain && WEXITSTATUS(st) == 7);
}
