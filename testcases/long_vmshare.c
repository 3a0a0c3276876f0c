/* long_vmshare: a process made with clone(CLONE_VM) and no CLONE_THREAD
 * outlives the process it shares memory with: its parent exits (or execs
 * exit42) right after the clone, perhaps before the child ever ran; the
 * child then waits for a byte on a pipe, touches the shared memory and
 * exits 0.  N rounds of each; main (init in the guest, a subreaper
 * natively) reaps everyone.  With "wait" it then prints "done" and reads
 * a line from stdin, so that a harness can look at the host meanwhile.
 *   long_vmshare [N] [wait] */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int go[2];
static volatile int counter;

static int child_fn(void *arg)
{
	(void)arg;
	char c;
	if (read(go[0], &c, 1) != 1)
		_exit(1);
	counter++; /* the memory the parent left behind */
	_exit(counter > 0 ? 0 : 2);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 50;
	int hold = argc > 2 && !strcmp(argv[2], "wait");
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (pipe(go) < 0)
		return 1;
	int exited42 = 0, exited0 = 0, other = 0;
	for (int i = 0; i < 2 * n; i++) {
		int do_exec = i >= n;
		pid_t r = fork();
		if (r == 0) {
			char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (stack == MAP_FAILED || clone(child_fn, stack + 65536, CLONE_VM | SIGCHLD, NULL) < 0)
				_exit(3);
			if (do_exec) {
				char *args[] = { "exit42", NULL };
				execv("exit42", args);
			}
			_exit(0);
		}
		int st;
		if (waitpid(r, &st, 0) != r || !WIFEXITED(st) || WEXITSTATUS(st) != (do_exec ? 42 : 0))
			other++;
		if (write(go[1], "x", 1) != 1)
			other++;
		pid_t c = wait(&st); /* the orphan, now ours */
		if (c <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			other++;
		else if (do_exec)
			exited42++;
		else
			exited0++;
	}
	printf("children outliving an exit: %d of %d; outliving an exec: %d of %d; wrong: %d\n", exited0, n,
	       exited42, n, other);
	if (hold) {
		printf("done\n");
		fflush(stdout);
		char line[8];
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	}
	return other != 0;
}
