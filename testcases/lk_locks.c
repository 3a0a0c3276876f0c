/* File locks between processes: flock(2), POSIX record locks and OFD
 * locks, with their errors.  Processes are ordered by pipes; a blocking
 * wait is interrupted by an interval timer that keeps firing until the
 * call returns, so no step waits for a time.  Pids are printed as names
 * (parent, child...) so that the output compares with Linux's.
 * Usage: lk_locks flock|posix|ofd|deadlock|intr  (in a writable cwd/tmp) */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_NAME "tmp/lk_locks.dat"

static pid_t parent_pid;

static const char *err(long r)
{
	static char buf[64];
	if (r >= 0)
		return "ok";
	switch (-r) {
	case EAGAIN: return "EAGAIN";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EDEADLK: return "EDEADLK";
	case EINTR: return "EINTR";
	case EOVERFLOW: return "EOVERFLOW";
	}
	snprintf(buf, sizeof(buf), "errno %ld", -r);
	return buf;
}

static long sys(long r)
{
	return r < 0 ? -errno : r;
}

static void tell(int fd)
{
	if (write(fd, "x", 1) != 1)
		_exit(90);
}

static void await(int fd)
{
	char c;
	if (read(fd, &c, 1) != 1)
		_exit(91);
}

static long lk(int fd, int cmd, short type, short whence, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len };
	return sys(fcntl(fd, cmd, &fl));
}

static const char *tname(int t)
{
	return t == F_RDLCK ? "RD" : t == F_WRLCK ? "WR" : t == F_UNLCK ? "UN" : "??";
}

static void getlk(const char *what, int fd, int cmd, short type, off_t start, off_t len, pid_t child)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len, .l_pid = 0 };
	long r = sys(fcntl(fd, cmd, &fl));
	if (r < 0) {
		printf("%s: %s\n", what, err(r));
		return;
	}
	const char *who = fl.l_pid == parent_pid ? "parent" : fl.l_pid == child ? "child" :
			  fl.l_pid == -1 ? "-1" : fl.l_pid == 0 ? "0" : "other";
	if (fl.l_type == F_UNLCK)
		printf("%s: UN whence=%d start=%ld len=%ld\n", what, fl.l_whence, (long)fl.l_start, (long)fl.l_len);
	else
		printf("%s: %s whence=%d start=%ld len=%ld pid=%s\n", what, tname(fl.l_type), fl.l_whence,
		       (long)fl.l_start, (long)fl.l_len, who);
}

static int open_file(int flags)
{
	int fd = open(FILE_NAME, flags | O_CREAT, 0666);
	if (fd < 0) {
		perror(FILE_NAME);
		exit(2);
	}
	return fd;
}

static int wait_child(pid_t p)
{
	int st;
	if (waitpid(p, &st, 0) != p)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- flock ---- */
static int test_flock(void)
{
	int a = open_file(O_RDWR);
	int to_child[2], to_parent[2];
	if (pipe(to_child) || pipe(to_parent))
		return 1;
	printf("flock bad op: %s\n", err(sys(flock(a, 0))));
	printf("flock bad op 3: %s\n", err(sys(flock(a, LOCK_SH | LOCK_EX))));
	printf("flock bad fd: %s\n", err(sys(flock(99, LOCK_SH))));
	int pfd = open(FILE_NAME, O_PATH);
	printf("flock O_PATH: %s\n", err(sys(flock(pfd, LOCK_SH))));
	close(pfd);
	printf("parent EX: %s\n", err(sys(flock(a, LOCK_EX))));
	printf("parent EX again: %s\n", err(sys(flock(a, LOCK_EX | LOCK_NB))));
	pid_t c = fork();
	if (c == 0) {
		int b = open_file(O_RDONLY);
		printf("child inherited fd EX: %s\n", err(sys(flock(a, LOCK_EX | LOCK_NB))));
		close(a); /* else the parent's description stays open here */
		printf("child own fd EX NB: %s\n", err(sys(flock(b, LOCK_EX | LOCK_NB))));
		printf("child own fd SH NB: %s\n", err(sys(flock(b, LOCK_SH | LOCK_NB))));
		fflush(stdout);
		tell(to_parent[1]);
		await(to_child[0]); /* parent converted to SH */
		printf("child SH NB after parent SH: %s\n", err(sys(flock(b, LOCK_SH | LOCK_NB))));
		/* converting drops the SH lock first: it is lost */
		printf("child EX NB (conversion): %s\n", err(sys(flock(b, LOCK_EX | LOCK_NB))));
		fflush(stdout);
		tell(to_parent[1]);
		await(to_child[0]); /* parent holds EX through a dup */
		printf("child EX NB while dup holds: %s\n", err(sys(flock(b, LOCK_EX | LOCK_NB))));
		fflush(stdout);
		tell(to_parent[1]);
		/* blocks until the parent closes its last descriptor */
		long r = sys(flock(b, LOCK_EX));
		printf("child EX (blocking) after last close: %s\n", err(r));
		fflush(stdout);
		tell(to_parent[1]);
		await(to_child[0]);
		printf("child UN: %s\n", err(sys(flock(b, LOCK_UN))));
		printf("child UN again: %s\n", err(sys(flock(b, LOCK_UN))));
		fflush(stdout);
		_exit(0);
	}
	await(to_parent[0]);
	printf("parent SH: %s\n", err(sys(flock(a, LOCK_SH))));
	fflush(stdout);
	tell(to_child[1]);
	await(to_parent[0]);
	printf("parent EX NB: %s\n", err(sys(flock(a, LOCK_EX | LOCK_NB))));
	int d = dup(a);
	close(a);
	fflush(stdout);
	tell(to_child[1]);
	await(to_parent[0]);
	/* the child is about to block (or blocked): a dup still holds it */
	close(d);
	await(to_parent[0]);
	int e = open_file(O_RDONLY);
	printf("parent SH NB while child EX: %s\n", err(sys(flock(e, LOCK_SH | LOCK_NB))));
	fflush(stdout);
	tell(to_child[1]);
	int st = wait_child(c);
	printf("parent SH NB after child exit: %s (child %d)\n", err(sys(flock(e, LOCK_SH | LOCK_NB))), st);
	/* flock and POSIX locks do not see each other (Linux) */
	printf("F_SETLK WR beside flock SH: %s\n", err(lk(open_file(O_RDWR), F_SETLK, F_WRLCK, SEEK_SET, 0, 0)));
	return 0;
}

/* ---- POSIX record locks ---- */
static int test_posix(void)
{
	int a = open_file(O_RDWR | O_TRUNC);
	if (write(a, "0123456789abcdefghijklmnopqrstuvwxyz", 36) != 36)
		return 1;
	int to_child[2], to_parent[2];
	if (pipe(to_child) || pipe(to_parent))
		return 1;
	printf("WR [0,10): %s\n", err(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
	printf("RD [20,30): %s\n", err(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 20, 10)));
	getlk("own lock is no conflict", a, F_GETLK, F_WRLCK, 0, 0, 0);
	printf("bad type: %s\n", err(lk(a, F_SETLK, 99, SEEK_SET, 0, 1)));
	printf("bad whence: %s\n", err(lk(a, F_SETLK, F_RDLCK, 7, 0, 1)));
	printf("negative start: %s\n", err(lk(a, F_SETLK, F_RDLCK, SEEK_SET, -5, 1)));
	printf("negative len past 0: %s\n", err(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 3, -5)));
	printf("GETLK UNLCK: %s\n", err(lk(a, F_GETLK, F_UNLCK, SEEK_SET, 0, 1)));
	printf("overflow: %s\n", err(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 0x7fffffffffffff00L, 0x1000)));
	int ro = open(FILE_NAME, O_RDONLY), wo = open(FILE_NAME, O_WRONLY);
	printf("WR on O_RDONLY: %s\n", err(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 100, 1)));
	printf("RD on O_WRONLY: %s\n", err(lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 100, 1)));
	printf("UN on O_RDONLY: %s\n", err(lk(ro, F_SETLK, F_UNLCK, SEEK_SET, 100, 1)));
	printf("bad fd: %s\n", err(lk(99, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
	pid_t c = fork();
	if (c == 0) {
		int b = open_file(O_RDWR);
		getlk("child GETLK WR at 5", b, F_GETLK, F_WRLCK, 5, 1, 0);
		getlk("child GETLK RD at 25", b, F_GETLK, F_RDLCK, 25, 1, 0);
		getlk("child GETLK WR at 25", b, F_GETLK, F_WRLCK, 25, 1, 0);
		getlk("child GETLK WR at 100", b, F_GETLK, F_WRLCK, 100, 7, 0);
		getlk("child GETLK WR whole", b, F_GETLK, F_WRLCK, 0, 0, 0);
		printf("child SETLK WR at 5: %s\n", err(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
		printf("child SETLK RD at 25: %s\n", err(lk(b, F_SETLK, F_RDLCK, SEEK_SET, 25, 1)));
		printf("child SETLK WR at 22: %s\n", err(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 22, 1)));
		printf("child inherited fd SETLK WR at 5: %s\n", err(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
		fflush(stdout);
		tell(to_parent[1]);
		await(to_child[0]); /* parent split [0,10) */
		getlk("child GETLK after split", b, F_GETLK, F_WRLCK, 0, 0, 0);
		getlk("child GETLK at 4", b, F_GETLK, F_WRLCK, 4, 1, 0);
		printf("child SETLK WR [3,6): %s\n", err(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 3, 3)));
		getlk("child GETLK at 12 (merged)", b, F_GETLK, F_WRLCK, 12, 1, 0);
		getlk("child GETLK at 50 (SEEK_CUR)", b, F_GETLK, F_WRLCK, 50, 1, 0);
		getlk("child GETLK at 91 (negative len)", b, F_GETLK, F_WRLCK, 91, 1, 0);
		getlk("child GETLK at 36 (SEEK_END)", b, F_GETLK, F_WRLCK, 36, 1, 0);
		getlk("child GETLK at 1000 (to EOF)", b, F_GETLK, F_WRLCK, 1000, 1, 0);
		fflush(stdout);
		/* a grandchild does not inherit the child's locks */
		pid_t g = fork();
		if (g == 0) {
			printf("grandchild SETLK WR [3,6): %s\n", err(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 3, 3)));
			getlk("grandchild GETLK at 4", b, F_GETLK, F_WRLCK, 4, 1, getppid());
			fflush(stdout);
			_exit(0);
		}
		wait_child(g);
		tell(to_parent[1]);
		await(to_child[0]); /* parent closed another descriptor */
		getlk("child GETLK after parent's close", b, F_GETLK, F_WRLCK, 0, 0, 0);
		/* blocking: the parent takes [200,210) back and releases it */
		tell(to_parent[1]);
		await(to_child[0]);
		long r = lk(b, F_SETLKW, F_WRLCK, SEEK_SET, 200, 10);
		printf("child SETLKW [200,210): %s\n", err(r));
		fflush(stdout);
		tell(to_parent[1]);
		await(to_child[0]);
		_exit(0);
	}
	await(to_parent[0]);
	printf("UN [6,7) then [3,6): %s %s\n", err(lk(a, F_SETLK, F_UNLCK, SEEK_SET, 6, 1)),
	       err(lk(a, F_SETLK, F_UNLCK, SEEK_SET, 3, 3)));
	printf("RD [7,10) again: %s\n", err(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 7, 3)));
	printf("RD [10,20) adjacent: %s\n", err(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 10, 10)));
	if (lseek(a, 100, SEEK_SET) != 100)
		return 1;
	printf("WR SEEK_CUR -50 len 10: %s\n", err(lk(a, F_SETLK, F_WRLCK, SEEK_CUR, -50, 10)));
	printf("WR 100 len -10: %s\n", err(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 100, -10)));
	printf("RD SEEK_END 0 len 5: %s\n", err(lk(a, F_SETLK, F_RDLCK, SEEK_END, 0, 5)));
	printf("RD [500, EOF): %s\n", err(lk(a, F_SETLK, F_RDLCK, SEEK_SET, 500, 0)));
	fflush(stdout);
	tell(to_child[1]);
	await(to_parent[0]);
	int other = open(FILE_NAME, O_RDONLY);
	close(other); /* any close of the file drops all of this process's locks */
	tell(to_child[1]);
	await(to_parent[0]);
	printf("WR [200,210): %s\n", err(lk(a, F_SETLK, F_WRLCK, SEEK_SET, 200, 10)));
	fflush(stdout);
	tell(to_child[1]);
	/* whether or not the child waits yet, it gets the lock after this */
	long un = lk(a, F_SETLK, F_UNLCK, SEEK_SET, 200, 10);
	await(to_parent[0]);
	printf("UN [200,210): %s\n", err(un));
	getlk("parent GETLK at 205", a, F_GETLK, F_RDLCK, 205, 1, c);
	fflush(stdout);
	tell(to_child[1]);
	int st = wait_child(c);
	getlk("parent GETLK after child exit", a, F_GETLK, F_WRLCK, 0, 0, c);
	printf("child status %d\n", st);
	return 0;
}

/* ---- OFD locks ---- */
static int test_ofd(void)
{
	int a = open_file(O_RDWR | O_TRUNC), b = open_file(O_RDWR);
	printf("OFD l_pid 1: %s\n", err(({
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1 };
		sys(fcntl(a, F_OFD_SETLK, &fl));
	})));
	printf("OFD GETLK l_pid 1: %s\n", err(({
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1 };
		sys(fcntl(a, F_OFD_GETLK, &fl));
	})));
	printf("OFD WR [0,10) on a: %s\n", err(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
	printf("OFD WR [5,6) on b: %s\n", err(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
	getlk("OFD GETLK on b", b, F_OFD_GETLK, F_RDLCK, 0, 0, 0);
	getlk("POSIX GETLK on b", b, F_GETLK, F_RDLCK, 0, 0, 0);
	printf("POSIX WR [5,6) on b: %s\n", err(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
	printf("POSIX WR [20,30) on b: %s\n", err(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 20, 10)));
	getlk("OFD GETLK on a at 25", a, F_OFD_GETLK, F_RDLCK, 25, 1, 0);
	printf("OFD RD [25,26) on a: %s\n", err(lk(a, F_OFD_SETLK, F_RDLCK, SEEK_SET, 25, 1)));
	printf("OFD WR on O_RDONLY: %s\n", err(lk(open(FILE_NAME, O_RDONLY), F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
	int c = open(FILE_NAME, O_RDONLY);
	close(c); /* drops the POSIX lock, not the OFD one */
	getlk("after another close, at 25", a, F_OFD_GETLK, F_WRLCK, 25, 1, 0);
	getlk("after another close, at 5", b, F_OFD_GETLK, F_WRLCK, 5, 1, 0);
	int p[2];
	if (pipe(p))
		return 1;
	pid_t k = fork();
	if (k == 0) {
		/* the inherited description is the same owner */
		printf("child OFD WR [0,20) on inherited a: %s\n", err(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 20)));
		printf("child OFD WR on inherited b: %s\n", err(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
		int own = open_file(O_RDWR);
		printf("child POSIX WR [15,16): %s\n", err(lk(own, F_SETLK, F_WRLCK, SEEK_SET, 15, 1)));
		close(a);
		close(b);
		fflush(stdout);
		tell(p[1]);
		/* blocks until the parent's last close of a */
		long r = lk(own, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
		printf("child OFD SETLKW after the last close: %s\n", err(r));
		fflush(stdout);
		_exit(0);
	}
	await(p[0]);
	int d = dup(a);
	close(a);
	getlk("dup keeps it", b, F_OFD_GETLK, F_WRLCK, 0, 1, 0);
	fflush(stdout);
	close(d);
	int st = wait_child(k);
	printf("child status %d\n", st);
	return 0;
}

/* ---- deadlock: two processes each hold a byte and want the other's ---- */
static int test_deadlock(void)
{
	int fd = open_file(O_RDWR);
	int ready[2], res[2];
	if (pipe(ready) || pipe(res))
		return 1;
	pid_t k[2];
	for (int i = 0; i < 2; i++) {
		k[i] = fork();
		if (k[i] == 0) {
			int f = open_file(O_RDWR);
			if (lk(f, F_SETLK, F_WRLCK, SEEK_SET, i, 1) < 0)
				_exit(3);
			tell(ready[1]);
			/* wait until both hold their byte */
			struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = !i, .l_len = 1 };
			while (fcntl(f, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK)
				fl.l_type = F_WRLCK;
			long r = lk(f, F_SETLKW, F_WRLCK, SEEK_SET, !i, 1);
			/* the loser lets go, and the winner gets it */
			if (write(res[1], r == -EDEADLK ? "D" : r == 0 ? "G" : "?", 1) != 1)
				_exit(5);
			_exit(0);
		}
	}
	await(ready[0]);
	await(ready[0]);
	char got[3] = { 0 };
	if (read(res[0], &got[0], 1) != 1 || read(res[0], &got[1], 1) != 1)
		return 1;
	if (got[0] > got[1]) {
		char x = got[0];
		got[0] = got[1];
		got[1] = x;
	}
	printf("deadlock outcomes: %s\n", got);
	printf("statuses %d %d\n", wait_child(k[0]), wait_child(k[1]));
	/* one process waiting on itself is no deadlock */
	printf("own range again: %s\n", err(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 2)));
	return 0;
}

/* ---- EINTR: blocking waits end with a signal (no SA_RESTART) ---- */
static volatile int ticks;
static void on_alarm(int s)
{
	(void)s;
	ticks++;
}

static int test_intr(void)
{
	int fd = open_file(O_RDWR);
	int p[2];
	if (pipe(p))
		return 1;
	printf("parent EX: %s\n", err(sys(flock(fd, LOCK_EX))));
	printf("parent WR: %s\n", err(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0)));
	fflush(stdout);
	pid_t k = fork();
	if (k == 0) {
		int f = open_file(O_RDWR);
		struct sigaction sa = { .sa_handler = on_alarm };
		sigaction(SIGALRM, &sa, NULL);
		/* fires until the wait has been interrupted */
		struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
		setitimer(ITIMER_REAL, &it, NULL);
		long r;
		while ((r = sys(flock(f, LOCK_EX))) == 0)
			;
		printf("child flock EX: %s\n", err(r));
		while ((r = lk(f, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1)) == 0)
			;
		printf("child F_SETLKW: %s\n", err(r));
		while ((r = lk(f, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 1)) == 0)
			;
		printf("child F_OFD_SETLKW: %s\n", err(r));
		/* with SA_RESTART the wait goes on: the parent lets go */
		sa.sa_flags = SA_RESTART;
		sigaction(SIGALRM, &sa, NULL);
		fflush(stdout);
		tell(p[1]);
		r = sys(flock(f, LOCK_EX));
		struct itimerval off = { { 0, 0 }, { 0, 0 } };
		setitimer(ITIMER_REAL, &off, NULL);
		printf("child flock EX with SA_RESTART: %s\n", err(r));
		fflush(stdout);
		_exit(0);
	}
	await(p[0]);
	flock(fd, LOCK_UN);
	printf("child status %d\n", wait_child(k));
	return 0;
}

/* ---- contention: N processes increment a counter in the file under a
 * lock; any lost update shows in the total ---- */
#define WORKERS 4
#define ROUNDS 150

static int take(int fd, int how)
{
	switch (how) {
	case 0:
		return flock(fd, LOCK_EX);
	case 1:
		return lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1) < 0 ? -1 : 0;
	default:
		return lk(fd, F_OFD_SETLKW, F_WRLCK, SEEK_SET, 0, 1) < 0 ? -1 : 0;
	}
}

static int give(int fd, int how)
{
	switch (how) {
	case 0:
		return flock(fd, LOCK_UN);
	case 1:
		return lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1) < 0 ? -1 : 0;
	default:
		return lk(fd, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 1) < 0 ? -1 : 0;
	}
}

static int test_contend(void)
{
	const char *names[] = { "flock", "F_SETLKW", "F_OFD_SETLKW" };
	for (int how = 0; how < 3; how++) {
		int fd = open_file(O_RDWR | O_TRUNC);
		if (pwrite(fd, "0\n", 2, 0) != 2)
			return 1;
		close(fd);
		pid_t k[WORKERS];
		for (int i = 0; i < WORKERS; i++) {
			k[i] = fork();
			if (k[i] == 0) {
				int f = open_file(O_RDWR);
				for (int n = 0; n < ROUNDS; n++) {
					char buf[32] = { 0 };
					if (take(f, how) < 0 || pread(f, buf, sizeof(buf) - 1, 0) < 0)
						_exit(3);
					int len = snprintf(buf, sizeof(buf), "%d\n", atoi(buf) + 1);
					if (pwrite(f, buf, len, 0) != len || give(f, how) < 0)
						_exit(4);
				}
				_exit(0);
			}
		}
		int bad = 0;
		for (int i = 0; i < WORKERS; i++)
			bad += wait_child(k[i]) != 0;
		fd = open_file(O_RDONLY);
		char buf[32] = { 0 };
		if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
			return 1;
		close(fd);
		printf("%s: %d processes x %d rounds: counter %d, %d failed\n", names[how], WORKERS, ROUNDS, atoi(buf), bad);
	}
	return 0;
}

/* ---- threads share their process's POSIX locks, not OFD ones ---- */
static int thr_fd, thr_fd2;
static long thr_res[4];

static void *thread_main(void *arg)
{
	(void)arg;
	thr_res[0] = lk(thr_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);   /* the same owner */
	thr_res[1] = lk(thr_fd2, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);  /* and through another fd */
	thr_res[2] = lk(thr_fd2, F_OFD_SETLK, F_WRLCK, SEEK_SET, 20, 1); /* another description */
	thr_res[3] = sys(flock(thr_fd2, LOCK_EX | LOCK_NB));
	return NULL;
}

static int test_threads(void)
{
	thr_fd = open_file(O_RDWR);
	thr_fd2 = open_file(O_RDWR);
	printf("main WR [0,10): %s\n", err(lk(thr_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
	printf("main OFD WR [20,21): %s\n", err(lk(thr_fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 20, 1)));
	printf("main flock EX: %s\n", err(sys(flock(thr_fd, LOCK_EX))));
	pthread_t th;
	if (pthread_create(&th, NULL, thread_main, NULL) || pthread_join(th, NULL))
		return 1;
	printf("thread WR [0,10) same fd: %s\n", err(thr_res[0]));
	printf("thread WR [0,10) other fd: %s\n", err(thr_res[1]));
	printf("thread OFD WR [20,21) other fd: %s\n", err(thr_res[2]));
	printf("thread flock EX NB other fd: %s\n", err(thr_res[3]));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	parent_pid = getpid();
	if (argc < 2)
		return 2;
	unlink(FILE_NAME);
	int r = 2;
	if (!strcmp(argv[1], "flock"))
		r = test_flock();
	else if (!strcmp(argv[1], "posix"))
		r = test_posix();
	else if (!strcmp(argv[1], "ofd"))
		r = test_ofd();
	else if (!strcmp(argv[1], "deadlock"))
		r = test_deadlock();
	else if (!strcmp(argv[1], "intr"))
		r = test_intr();
	else if (!strcmp(argv[1], "contend"))
		r = test_contend();
	else if (!strcmp(argv[1], "threads"))
		r = test_threads();
	unlink(FILE_NAME);
	printf("done %s\n", argv[1]);
	return r;
}
