/* fsx_nofile: descriptor limits.
 *
 * fsx_nofile emfile        RLIMIT_NOFILE as Linux enforces it: EMFILE at
 *                          the soft limit, dup2/F_DUPFD beyond it, the rules
 *                          of setrlimit/prlimit (same output natively)
 * fsx_nofile defaults      the limits a fresh init has
 * fsx_nofile enfile MAX    fs.file-max is MAX: an unprivileged process gets
 *                          ENFILE, root does not
 * fsx_nofile many DIR N P  P processes each open N distinct files of DIR
 *                          (DIR/fI, I < N*P) and hold them; then one of them
 *                          forks and execs itself; all wait for DIR/go
 * fsx_nofile hello         prints "hello" (the exec'ed child) */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static int open_until_error(const char *path, int *err)
{
	int n = 0;
	for (;;) {
		int fd = open(path, O_RDONLY);
		if (fd < 0) {
			*err = errno;
			return n;
		}
		n++;
	}
}

static void close_from(int lo)
{
	for (int fd = lo; fd < 8192; fd++)
		close(fd);
}

static void *set_soft_100(void *arg)
{
	struct rlimit rl = { 100, 128 };
	(void)arg;
	return (void *)(long)setrlimit(RLIMIT_NOFILE, &rl);
}

static int emfile(void)
{
	struct rlimit rl = { 64, 128 }, got;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &got) == 0 && got.rlim_cur == 64 && got.rlim_max == 128);
	int err = 0;
	int n = open_until_error(".", &err);
	printf("opened %d then %s\n", n, strerrorname_np(err));
	CHECK(err == EMFILE);
	CHECK(dup(0) == -1 && errno == EMFILE);
	CHECK(dup2(0, 64) == -1 && errno == EBADF);
	CHECK(dup2(0, 63) == 63);
	CHECK(fcntl(0, F_DUPFD, 64) == -1 && errno == EINVAL);
	close_from(3);
	/* raising the soft limit up to the hard one is allowed */
	rl.rlim_cur = 128;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	n = open_until_error(".", &err);
	printf("opened %d then %s\n", n, strerrorname_np(err));
	close_from(3);
	rl.rlim_cur = 129;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EINVAL);
	/* beyond fs.nr_open: EPERM even for root */
	rl.rlim_cur = rl.rlim_max = 1048576 + 1;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EPERM);
	/* prlimit reads what setrlimit set */
	struct rlimit old;
	CHECK(prlimit(0, RLIMIT_NOFILE, NULL, &old) == 0 && old.rlim_cur == 128 && old.rlim_max == 128);
	/* the limit is inherited across fork */
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		struct rlimit c;
		getrlimit(RLIMIT_NOFILE, &c);
		_exit(c.rlim_cur == 128 ? 0 : 1);
	}
	int st;
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* limits are the process's: a thread's change is everyone's */
	pthread_t th;
	CHECK(pthread_create(&th, NULL, set_soft_100, NULL) == 0 && pthread_join(th, NULL) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &got) == 0 && got.rlim_cur == 100);
	/* prlimit on another process */
	int pp[2];
	CHECK(pipe(pp) == 0);
	fflush(stdout);
	p = fork();
	if (p == 0) {
		char c;
		close(pp[1]);
		if (read(pp[0], &c, 1) != 1)
			_exit(2);
		struct rlimit c2;
		getrlimit(RLIMIT_NOFILE, &c2);
		_exit(c2.rlim_cur == 50 && c2.rlim_max == 128 ? 0 : 1);
	}
	close(pp[0]);
	struct rlimit lim = { 50, 128 };
	CHECK(prlimit(p, RLIMIT_NOFILE, &lim, &old) == 0 && old.rlim_cur == 100);
	CHECK(write(pp[1], "g", 1) == 1);
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(pp[1]);
	CHECK(prlimit(999999, RLIMIT_NOFILE, NULL, &old) == -1 && errno == ESRCH);
	/* an unprivileged process may lower its hard limit, not raise it */
	CHECK(setgid(65534) == 0 && setuid(65534) == 0);
	rl.rlim_cur = rl.rlim_max = 100;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	rl.rlim_cur = rl.rlim_max = 101;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EPERM);
	rl.rlim_cur = 10;
	rl.rlim_max = 100;
	CHECK(prlimit(0, RLIMIT_NOFILE, &rl, &old) == 0 && old.rlim_cur == 100);
	n = open_until_error(".", &err);
	printf("opened %d then %s\n", n, strerrorname_np(err));
	return 0;
}

static int enfile(long max)
{
	char buf[128] = { 0 };
	mkdir("/proc", 0555);
	CHECK(mount("proc", "/proc", "proc", 0, NULL) == 0);
	int fd = open("/proc/sys/fs/file-max", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && atol(buf) == max);
	close(fd);
	fd = open("/proc/sys/fs/file-nr", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	long nr = -1, zero = -1, fmax = -1;
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 &&
	      sscanf(buf, "%ld %ld %ld", &nr, &zero, &fmax) == 3 && nr > 0 && nr < max && fmax == max);
	close(fd);
	struct rlimit rl = { 4096, 4096 };
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	int pfd[2];
	CHECK(pipe(pfd) == 0);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(3);
		int err = 0;
		int n = open_until_error(".", &err);
		printf("unprivileged: opened %d then %s\n", n < max ? n > max / 2 ? 1 : 0 : -1,
		       strerrorname_np(err));
		fflush(stdout);
		_exit(err == ENFILE && n < max ? 0 : 1);
	}
	int st;
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* root is not bound by file-max (CAP_SYS_ADMIN) */
	int n = 0;
	for (; n < max + 50; n++)
		if (open(".", O_RDONLY) < 0)
			break;
	CHECK(n == max + 50);
	close_from(3);
	/* file-max can be changed by root */
	fd = open("/proc/sys/fs/file-max", O_WRONLY);
	CHECK(fd >= 0 && write(fd, "5000\n", 5) == 5);
	close(fd);
	fd = open("/proc/sys/fs/file-max", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && atol(buf) == 5000);
	close(fd);
	return 0;
}

static void wait_for(const char *path)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	while (access(path, F_OK) != 0)
		nanosleep(&ts, NULL);
}

static int many(const char *self, const char *dir, int n, int procs)
{
	struct rlimit rl = { n + 64, n + 64 };
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	fflush(stdout); /* not again in every child */
	char go[256], path[256];
	snprintf(go, sizeof(go), "%s/go", dir);
	pid_t kids[64];
	for (int k = 0; k < procs; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			int bad = 0;
			for (int i = 0; i < n; i++) {
				snprintf(path, sizeof(path), "%s/f%d", dir, k * n + i);
				int fd = open(path, O_RDONLY);
				char c;
				if (fd < 0 || read(fd, &c, 1) != 1)
					bad++;
			}
			/* and one more open of a file already open: a second struct file */
			snprintf(path, sizeof(path), "%s/f%d", dir, k * n);
			if (open(path, O_RDONLY) < 0)
				bad++;
			snprintf(path, sizeof(path), "%s/ready%d", dir, k);
			close(open(path, O_CREAT | O_WRONLY, 0644));
			wait_for(go);
			if (k == 0) {
				/* with every file still open: fork and exec */
				pid_t c = fork();
				if (c == 0) {
					execl(self, self, "hello", (char *)NULL);
					_exit(127);
				}
				int st;
				if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
					bad++;
			}
			/* the data is still there through every descriptor */
			for (int fd = 3; fd < n + 3; fd++) {
				char c;
				if (pread(fd, &c, 1, 0) != 1 || c != 'x')
					bad++;
			}
			_exit(bad ? 1 : 0);
		}
	}
	for (int k = 0; k < procs; k++) {
		snprintf(path, sizeof(path), "%s/ready%d", dir, k);
		wait_for(path);
	}
	printf("HOLDING\n");
	fflush(stdout);
	int ok = 0;
	for (int k = 0; k < procs; k++) {
		int st;
		if (waitpid(kids[k], &st, 0) == kids[k] && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	CHECK(ok == procs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *self = argv[0];
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "hello")) {
		printf("hello\n");
		return 0;
	} else if (!strcmp(mode, "emfile")) {
		emfile();
	} else if (!strcmp(mode, "defaults")) {
		struct rlimit rl;
		getrlimit(RLIMIT_NOFILE, &rl);
		printf("nofile %ld %ld\n", (long)rl.rlim_cur, (long)rl.rlim_max);
	} else if (!strcmp(mode, "enfile") && argc > 2) {
		enfile(atol(argv[2]));
	} else if (!strcmp(mode, "many") && argc > 4) {
		many(self, argv[2], atoi(argv[3]), atoi(argv[4]));
	} else {
		printf("usage: fsx_nofile emfile|defaults|enfile MAX|many DIR N P|hello\n");
		return 2;
	}
	printf("fails %d\n", fails);
	return fails != 0;
}
