/* execs: execve from a second thread (the other threads die, the process
 * goes on), execveat with a directory fd and with AT_EMPTY_PATH,
 * PR_SET_PDEATHSIG, getrusage of children, and exec errors.
 * argv[1]: the path of this program. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static const char *self;

static void *exec_thread(void *arg)
{
	(void)arg;
	char *argv[] = { (char *)self, "child-image", NULL };
	execve(self, argv, environ);
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && !strcmp(argv[1], "child-image")) {
		printf("new image runs, pid matches: %d\n", getppid() > 0);
		return 11;
	}
	if (argc > 1 && !strcmp(argv[1], "orphan")) {
		prctl(PR_SET_PDEATHSIG, SIGUSR1);
		int sig = 0;
		if (prctl(PR_GET_PDEATHSIG, &sig) == 0 && sig == SIGUSR1)
			printf("pdeathsig set\n");
		fflush(stdout);
		pause(); /* killed by SIGUSR1 when the parent goes */
		return 0;
	}
	/* argv[1]: this program's path, where argv[0] may not name it */
	if (argc > 1)
		self = argv[1];
	int st;
	pid_t p = fork();
	if (!p) {
		pthread_t a, b;
		pthread_create(&a, NULL, sleeper, NULL);
		pthread_create(&b, NULL, exec_thread, NULL);
		for (;;)
			pause();
	}
	waitpid(p, &st, 0);
	printf("exec from a thread: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
	fflush(stdout);

	const char *base = strrchr(self, '/');
	base = base ? base + 1 : self;
	char dir[512];
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - self), self);
	int dfd = open(dir[0] ? dir : ".", O_RDONLY | O_DIRECTORY);
	p = fork();
	if (!p) {
		char *av[] = { (char *)self, "child-image", NULL };
		syscall(SYS_execveat, dfd, base, av, environ, 0);
		_exit(99);
	}
	waitpid(p, &st, 0);
	printf("execveat(dirfd, name): exit %d\n", WEXITSTATUS(st));
	fflush(stdout);
	int fd = open(self, O_RDONLY);
	p = fork();
	if (!p) {
		char *av[] = { (char *)self, "child-image", NULL };
		syscall(SYS_execveat, fd, "", av, environ, AT_EMPTY_PATH);
		_exit(99);
	}
	waitpid(p, &st, 0);
	printf("execveat(fd, \"\", AT_EMPTY_PATH): exit %d\n", WEXITSTATUS(st));
	char *nav[] = { "x", NULL };
	printf("exec errors: %d %d %d\n", execve("/nonexistent", nav, environ) == -1 && errno == ENOENT,
	       execve("/", nav, environ) == -1 && errno == EACCES,
	       syscall(SYS_execveat, dfd, "", nav, environ, 0) == -1 && errno == ENOENT);
	fflush(stdout);

	/* a grandchild with PR_SET_PDEATHSIG dies with its parent */
	int pipefd[2];
	if (pipe(pipefd) < 0)
		return 1;
	p = fork();
	if (!p) {
		pid_t g = fork();
		if (!g) {
			dup2(pipefd[1], 1);
			char *av[] = { (char *)self, "orphan", NULL };
			execve(self, av, environ);
			_exit(98);
		}
		usleep(100000);
		_exit(0);
	}
	close(pipefd[1]);
	char buf[64] = { 0 };
	ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);
	waitpid(p, &st, 0);
	/* the pipe reaches end of file once the grandchild is gone */
	char c;
	while (read(pipefd[0], &c, 1) > 0)
		;
	printf("grandchild said: %s", n > 0 ? buf : "nothing\n");
	printf("grandchild gone with its parent\n");
	struct rusage ru;
	printf("getrusage: %d\n", getrusage(RUSAGE_CHILDREN, &ru) == 0 && getrusage(RUSAGE_SELF, &ru) == 0);
	return 0;
}
