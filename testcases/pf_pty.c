/* pf_pty: Unix 98 pseudo-terminals, the same in the guest and natively
 * (in the guest it mounts devtmpfs on /dev and devpts on /dev/pts first).
 *   pf_pty basic    posix_openpt, grantpt, unlockpt, ptsname; the slave is
 *                   locked until unlocked; data both ways with the line
 *                   discipline (echo, ONLCR, canonical lines, raw mode);
 *                   window size; TIOCGPTPEER; devpts lists the slave
 *   pf_pty jobs     a session on the slave: ^C to its foreground group,
 *                   SIGTTIN for a background reader, SIGHUP at hang-up
 *   pf_pty hangup   closing either side: what the other one sees */
#include "check.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void setup(void)
{
	if (access("/dev/ptmx", F_OK) < 0) {
		mkdir("/dev", 0755);
		if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) < 0)
			perror("mount devtmpfs");
	}
	if (access("/dev/pts/ptmx", F_OK) < 0) {
		mkdir("/dev/pts", 0755);
		if (mount("devpts", "/dev/pts", "devpts", 0, NULL) < 0)
			perror("mount devpts");
	}
}

/* read from fd until n bytes came or the data ends in want */
static int readn(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			break;
		got += r;
	}
	buf[got] = 0;
	return got;
}

static int open_pair(int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return -1;
	*slave = open(ptsname(m), O_RDWR | O_NOCTTY);
	return m;
}

static void do_basic(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	CHECK(m >= 0);
	CHECK(grantpt(m) == 0);
	char *name = ptsname(m);
	int n = -1;
	CHECK(name && sscanf(name, "/dev/pts/%d", &n) == 1 && n >= 0);
	int lk = 0;
	CHECK(ioctl(m, TIOCGPTLCK, &lk) == 0 && lk == 1);
	CHECK(open(name, O_RDWR | O_NOCTTY) == -1 && errno == EIO); /* locked */
	CHECK(unlockpt(m) == 0);
	CHECK(ioctl(m, TIOCGPTLCK, &lk) == 0 && lk == 0);
	int s = open(name, O_RDWR | O_NOCTTY);
	CHECK(s >= 0);
	struct stat st;
	CHECK(fstat(s, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 &&
	      (int)minor(st.st_rdev) == n && st.st_uid == getuid());
	CHECK(isatty(s) && isatty(m));
	/* devpts lists it */
	char nm[16];
	snprintf(nm, sizeof(nm), "%d", n);
	DIR *d = opendir("/dev/pts");
	int seen = 0, ptmx = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		seen += !strcmp(e->d_name, nm);
		ptmx += !strcmp(e->d_name, "ptmx");
	}
	if (d)
		closedir(d);
	CHECK(seen == 1 && ptmx == 1);
	/* master to slave: a canonical line, echoed back to the master */
	char buf[256];
	CHECK(write(m, "hello\n", 6) == 6);
	CHECK(read(s, buf, sizeof(buf)) == 6 && !memcmp(buf, "hello\n", 6));
	CHECK(readn(m, buf, 7) == 7 && !strcmp(buf, "hello\r\n"));
	/* slave to master: ONLCR */
	CHECK(write(s, "out\n", 4) == 4);
	CHECK(readn(m, buf, 5) == 5 && !strcmp(buf, "out\r\n"));
	/* erase and kill while editing */
	CHECK(write(m, "abX\x7f" "c\n", 6) == 6);
	CHECK(read(s, buf, sizeof(buf)) == 4 && !memcmp(buf, "abc\n", 4));
	tcflush(m, TCIFLUSH);
	int q = 0;
	while (ioctl(m, FIONREAD, &q) == 0 && q > 0 && read(m, buf, q > 256 ? 256 : q) > 0)
		;
	/* raw mode: bytes as they come, no echo */
	struct termios t;
	CHECK(tcgetattr(s, &t) == 0 && (t.c_lflag & ICANON) && (t.c_lflag & ECHO));
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	CHECK(tcsetattr(s, TCSANOW, &t) == 0);
	CHECK(write(m, "xy", 2) == 2);
	CHECK(readn(s, buf, 2) == 2 && !strcmp(buf, "xy"));
	CHECK(ioctl(m, FIONREAD, &q) == 0 && q == 0); /* nothing echoed */
	struct termios mt;
	CHECK(tcgetattr(m, &mt) == 0 && !(mt.c_lflag & ICANON)); /* one termios */
	/* the window size is the pair's */
	struct winsize ws = { 30, 100, 0, 0 }, ws2;
	CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0);
	CHECK(ioctl(s, TIOCGWINSZ, &ws2) == 0 && ws2.ws_row == 30 && ws2.ws_col == 100);
	/* TIOCGPTPEER: the slave from the master */
	int s2 = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	CHECK(s2 >= 0 && fstat(s2, &st) == 0 && (int)minor(st.st_rdev) == n);
	CHECK(write(m, "z", 1) == 1 && read(s2, buf, 1) == 1 && buf[0] == 'z');
	close(s2);
	/* poll: the master is readable once the slave writes */
	close(s);
	close(m);
}

static int fds[2];

static void do_jobs(void)
{
	int s, m = open_pair(&s);
	CHECK(m >= 0 && s >= 0);
	char *name = ptsname(m);
	int sync[2];
	CHECK(pipe(sync) == 0);
	pid_t c = fork();
	if (c == 0) {
		/* a session leader with the slave as its controlling terminal */
		close(m);
		close(sync[0]);
		setsid();
		int fd = open(name, O_RDWR);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
			_exit(10);
		if (tcgetpgrp(fd) != getpid() || tcgetsid(fd) != getpid())
			_exit(11);
		/* a session has one controlling terminal */
		int s2, m2 = open_pair(&s2);
		if (m2 < 0 || s2 < 0 || ioctl(s2, TIOCSCTTY, 0) != -1 || errno != EPERM)
			_exit(18);
		close(s2);
		close(m2);
		/* a background group reading: SIGTTIN stops it */
		pid_t bg = fork();
		if (bg == 0) {
			setpgid(0, 0);
			char b;
			if (read(fd, &b, 1) < 0)
				_exit(12);
			_exit(13);
		}
		setpgid(bg, bg);
		int st;
		if (waitpid(bg, &st, WUNTRACED) != bg || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTTIN)
			_exit(14);
		kill(bg, SIGKILL);
		waitpid(bg, &st, 0);
		/* ready: the parent types ^C, which must kill us in read */
		if (write(sync[1], "r", 1) != 1)
			_exit(15);
		char b;
		ssize_t r = read(fd, &b, 1);
		_exit(r == 1 ? 16 : 17);
	}
	close(sync[1]);
	char r;
	CHECK(read(sync[0], &r, 1) == 1 && r == 'r');
	CHECK(write(m, "\x03", 1) == 1);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT);
	if (!WIFSIGNALED(st))
		printf("child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	char buf[16];
	CHECK(readn(m, buf, 2) == 2 && !strcmp(buf, "^C")); /* the echo */
	close(sync[0]);
	/* hang-up: closing the master sends SIGHUP to the session */
	CHECK(pipe(fds) == 0);
	c = fork();
	if (c == 0) {
		close(m);
		close(fds[0]);
		setsid();
		int fd = open(name, O_RDWR);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
			_exit(10);
		if (write(fds[1], "r", 1) != 1)
			_exit(11);
		pause();
		_exit(12);
	}
	close(fds[1]);
	CHECK(read(fds[0], &r, 1) == 1);
	close(s);
	close(m);
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP);
	close(fds[0]);
}

static void do_hangup(void)
{
	int s, m = open_pair(&s);
	CHECK(m >= 0 && s >= 0);
	char buf[16];
	/* the slave closes: the master reads EIO */
	close(s);
	CHECK(read(m, buf, sizeof(buf)) == -1 && errno == EIO);
	close(m);
	/* the master closes: the slave reads end of file, writes fail */
	m = open_pair(&s);
	CHECK(m >= 0 && s >= 0);
	close(m);
	CHECK(read(s, buf, sizeof(buf)) == 0);
	CHECK(write(s, "x", 1) == -1 && errno == EIO);
	close(s);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	setup();
	if (!strcmp(argv[1], "basic"))
		do_basic();
	else if (!strcmp(argv[1], "jobs"))
		do_jobs();
	else if (!strcmp(argv[1], "hangup"))
		do_hangup();
	else
		return 2;
	return fails ? 1 : 0;
}
