/* The guest side of the stub filter's test (stub_selftest=escape): a
 * child process changes its mappings, which makes its stub run a batch;
 * with the test hook, that batch carries a host call the stub's seccomp
 * filter forbids, so the child must die (SIGKILL) while this parent, and
 * the kernel, go on.  Without the hook the child exits 0. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		memset(p, 1, 1 << 20);
		munmap(p, 1 << 20);
		_exit(0);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	if (WIFSIGNALED(status))
		printf("child killed by signal %d\n", WTERMSIG(status));
	else
		printf("child exited with status %d\n", WEXITSTATUS(status));
	printf("parent still running\n");
	return 0;
}
