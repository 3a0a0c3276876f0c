/* gdb bpshare: a parent and a forked child run the same code (the same
 * page of program text) at once: each calls marker() argv[1] times (default
 * 40), 20 ms apart, and says "parent done" / "child done".  A breakpoint
 * that the debugger puts into one of them must not stop the other. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile int calls;

void marker(void)
{
	calls++;                        /* @marker */
}

static void run(const char *who, int n)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < n; i++) {
		marker();
		nanosleep(&ts, NULL);
	}
	printf("%s done %d\n", who, calls);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 40;
	pid_t pid = fork();
	if (pid == 0) {
		run("child", n);
		return 0;
	}
	run("parent", n);
	int st;
	waitpid(pid, &st, 0);
	return 0;
}
