/* strace_mix: a deterministic mix for strace -f -tt -T -y and -k in the guest against natively: two threads, a fork whose child execs /bin/true, a pipe, a signal to itself with a handler, files with fixed names in DIR (argv[1]); its log is DIR/strace_mix.log */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir;
static int logfd = -1, pfd[2], failed;
static volatile sig_atomic_t got_usr1;

static __attribute__((noinline)) void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* every line of the log is one write(2) from here */
static __attribute__((noinline)) void log_line(const char *what, int ok)
{
	char line[128];
	int n = snprintf(line, sizeof line, "%s %s\n", ok ? "ok" : "FAIL", what);

	if (!ok)
		failed = 1;
	if (write(logfd, line, n) != n)
		failed = 1;
}

static void on_usr1(int sig)
{
	got_usr1 = sig == SIGUSR1;
}

/* the first thread: a message down the pipe */
static __attribute__((noinline)) void *pipe_writer(void *arg)
{
	(void)arg;
	if (write(pfd[1], "from the thread", 15) != 15)
		failed = 1;
	return NULL;
}

/* the second thread: a file of its own */
static __attribute__((noinline)) void *file_worker(void *arg)
{
	char path[4096];
	int fd;

	(void)arg;
	path_of(path, sizeof path, "strace_mix.thread");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "thread data\n", 12) != 12)
		failed = 1;
	close(fd);
	return NULL;
}

static __attribute__((noinline)) void file_ops(void)
{
	char a[4096], b[4096], buf[64];
	struct stat st;
	int fd;

	path_of(a, sizeof a, "strace_mix.a");
	path_of(b, sizeof b, "strace_mix.b");
	fd = open(a, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	log_line("open", fd >= 0);
	log_line("write", write(fd, "hello, file\n", 12) == 12);
	log_line("lseek", lseek(fd, 0, SEEK_SET) == 0);
	log_line("read", read(fd, buf, sizeof buf) == 12 && !memcmp(buf, "hello, file\n", 12));
	log_line("fstat", fstat(fd, &st) == 0 && st.st_size == 12);
	close(fd);
	log_line("rename", rename(a, b) == 0);
	log_line("unlink", unlink(b) == 0);
}

static __attribute__((noinline)) void threads(void)
{
	pthread_t t1, t2;
	char buf[32];

	log_line("thread 1", pthread_create(&t1, NULL, pipe_writer, NULL) == 0);
	log_line("pipe read", read(pfd[0], buf, sizeof buf) == 15 && !memcmp(buf, "from the thread", 15));
	log_line("join 1", pthread_join(t1, NULL) == 0);
	log_line("thread 2", pthread_create(&t2, NULL, file_worker, NULL) == 0);
	log_line("join 2", pthread_join(t2, NULL) == 0);
}

static __attribute__((noinline)) void signal_self(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	log_line("kill", kill(getpid(), SIGUSR1) == 0);
	log_line("handler ran", got_usr1);
}

static __attribute__((noinline)) void fork_exec(void)
{
	sigset_t chld, old;
	int status = -1;
	pid_t pid;

	/* SIGCHLD comes when it is unblocked, after wait4, whatever the timing */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pid = fork();
	if (pid == 0) {
		execl("/bin/true", "/bin/true", (char *)NULL);
		_exit(127);
	}
	log_line("fork", pid > 0);
	log_line("wait", waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc != 2)
		return 2;
	dir = argv[1];
	path_of(path, sizeof path, "strace_mix.log");
	logfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0)
		return 3;
	log_line("begin", 1);
	log_line("pipe", pipe2(pfd, O_CLOEXEC) == 0);
	file_ops();
	threads();
	signal_self();
	fork_exec();
	log_line(failed ? "end with failures" : "end", !failed);
	return failed;
}
