/* A known call chain down to a system call, for trace_stack:
 * main -> outer -> middle -> inner -> write(2), and the same chain in a
 * child process after fork.  Exits 0. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) static int inner(const char *s)
{
	int r = write(1, s, strlen(s));
	__asm__ volatile("" ::: "memory"); /* not a tail call */
	return r;
}

__attribute__((noinline)) static int middle(const char *s)
{
	int r = inner(s);
	__asm__ volatile("" ::: "memory");
	return r;
}

__attribute__((noinline)) int outer(const char *s)
{
	int r = middle(s);
	__asm__ volatile("" ::: "memory");
	return r;
}

int main(void)
{
	if (outer("stack me\n") != 9)
		return 1;
	pid_t pid = fork();
	if (pid == 0)
		_exit(outer("child\n") == 6 ? 0 : 1);
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 2;
	return 0;
}
