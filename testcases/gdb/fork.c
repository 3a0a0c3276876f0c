/* gdb fork: the child runs child_work() and exits 7; the parent waits
 * for it and prints what it saw. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int child_result;

int child_work(int n)
{
	int r = 0;
	for (int i = 0; i < n; i++)
		r += i;                 /* @child_loop */
	child_result = r;
	return r;
}

int main(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		printf("child work %d\n", child_work(5));
		fflush(stdout);
		_exit(7);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	printf("parent saw child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
