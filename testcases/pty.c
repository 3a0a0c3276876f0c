/* pty: Unix 98 pseudo-terminals as Linux has them.  As init of a guest
 * (pid 1) it first mounts devpts on /dev/pts, as an init does; the host's
 * /dev/ptmx is the device node either way.  Prints each check. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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

static int fails;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		fails++;
}

/* read what is there now (after a poll for up to 2 s) */
static ssize_t drain(int fd, char *buf, size_t len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	if (poll(&p, 1, 2000) <= 0)
		return -2;
	return read(fd, buf, len);
}

/* read from fd until the bytes read end with WANT (or 2 s without data) */
static int read_until(int fd, const char *want, char *got, size_t len)
{
	size_t n = 0, w = strlen(want);
	while (n < len - 1) {
		ssize_t r = drain(fd, got + n, len - 1 - n);
		if (r <= 0)
			break;
		n += r;
		got[n] = 0;
		if (n >= w && !memcmp(got + n - w, want, w))
			return 1;
	}
	got[n] = 0;
	return 0;
}

static int open_pair(int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0)
		return -1;
	if (grantpt(m) < 0 || unlockpt(m) < 0)
		return -1;
	*slave = open(ptsname(m), O_RDWR | O_NOCTTY);
	return m;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getpid() == 1) {
		mkdir("/dev/pts", 0755);
		if (mount("devpts", "/dev/pts", "devpts", 0, "mode=620,ptmxmode=666") < 0)
			perror("mount devpts");
	}
	char buf[256];
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	check(m >= 0, "posix_openpt");
	const char *name = ptsname(m);
	check(name && !strncmp(name, "/dev/pts/", 9), "ptsname is /dev/pts/N");
	int s = open(name, O_RDWR | O_NOCTTY);
	check(s < 0 && errno == EIO, "a locked slave does not open (EIO)");
	check(grantpt(m) == 0 && unlockpt(m) == 0, "grantpt, unlockpt");
	s = open(name, O_RDWR | O_NOCTTY);
	check(s >= 0, "the slave opens");
	struct stat st;
	check(fstat(s, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 136,
	      "the slave is char 136:N");
	check(isatty(s) && isatty(m), "both are terminals");
	int n;
	check(ioctl(m, TIOCGPTN, &n) == 0 && n == atoi(name + 9), "TIOCGPTN matches ptsname");

	/* canonical input, echo, output processing */
	write(m, "hello\n", 6);
	ssize_t r = drain(s, buf, sizeof(buf));
	check(r == 6 && !memcmp(buf, "hello\n", 6), "master input is a line on the slave");
	check(read_until(m, "hello\r\n", buf, sizeof(buf)), "the line is echoed with ONLCR");
	write(s, "out\n", 4);
	check(read_until(m, "out\r\n", buf, sizeof(buf)), "slave output reaches the master with ONLCR");
	write(m, "ab\x7f" "c\n", 5);
	r = drain(s, buf, sizeof(buf));
	check(r == 3 && !memcmp(buf, "ac\n", 3), "erase edits the line");
	read_until(m, "\r\n", buf, sizeof(buf));

	/* raw mode */
	struct termios t;
	tcgetattr(s, &t);
	cfmakeraw(&t);
	check(tcsetattr(s, TCSANOW, &t) == 0, "the slave made raw");
	struct termios tm;
	tcgetattr(m, &tm);
	check(!(tm.c_lflag & ICANON), "the master sees the same termios");
	write(m, "x", 1);
	r = drain(s, buf, sizeof(buf));
	check(r == 1 && buf[0] == 'x', "raw input byte by byte");
	write(s, "a\nb", 3);
	r = drain(m, buf, sizeof(buf));
	check(r == 3 && !memcmp(buf, "a\nb", 3), "raw output unprocessed");

	/* window size from the master, seen by the slave */
	struct winsize ws = { 24, 80, 0, 0 }, ws2;
	check(ioctl(m, TIOCSWINSZ, &ws) == 0 && ioctl(s, TIOCGWINSZ, &ws2) == 0 &&
		      ws2.ws_row == 24 && ws2.ws_col == 80, "window size shared");
	/* a large write through the slave arrives whole */
	static char big[100000], got[100000];
	memset(big, 'z', sizeof(big));
	pid_t w = fork();
	if (w == 0) {
		ssize_t done = 0;
		while (done < (ssize_t)sizeof(big)) {
			ssize_t k = write(s, big + done, sizeof(big) - done);
			if (k <= 0)
				_exit(1);
			done += k;
		}
		_exit(0);
	}
	size_t total = 0;
	while (total < sizeof(got)) {
		r = drain(m, got + total, sizeof(got) - total);
		if (r <= 0)
			break;
		total += r;
	}
	int wst;
	waitpid(w, &wst, 0);
	check(total == sizeof(big) && WIFEXITED(wst) && !WEXITSTATUS(wst),
	      "100,000 bytes through a full master buffer, none lost");

	/* a controlling terminal, job control signals */
	int sync[2];
	pipe(sync);
	pid_t c = fork();
	if (c == 0) {
		setsid();
		int cs = open(name, O_RDWR); /* the session leader's first tty */
		struct termios ct;
		tcgetattr(cs, &ct);
		ct.c_lflag |= ISIG | ICANON | ECHO;
		tcsetattr(cs, TCSANOW, &ct);
		int fd = open("/dev/tty", O_RDWR);
		char ok = fd >= 0 && tcgetpgrp(cs) == getpid() ? 'y' : 'n';
		write(sync[1], &ok, 1);
		pause();
		_exit(3);
	}
	char ok = 0;
	read(sync[0], &ok, 1);
	check(ok == 'y', "the slave is the controlling terminal, /dev/tty opens");
	write(m, "\x03", 1);
	int cst;
	waitpid(c, &cst, 0);
	check(WIFSIGNALED(cst) && WTERMSIG(cst) == SIGINT, "^C on the master: SIGINT for the foreground");

	/* ends */
	close(s);
	int m2, s2;
	m2 = open_pair(&s2);
	check(m2 >= 0 && s2 >= 0, "a second pair");
	close(s2);
	r = read(m2, buf, sizeof(buf));
	check(r < 0 && errno == EIO, "the master reads EIO once the slave closed");
	struct pollfd p = { m2, POLLIN, 0 };
	check(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP), "and polls POLLHUP");
	close(m2);
	int m3, s3;
	m3 = open_pair(&s3);
	close(m3);
	r = read(s3, buf, sizeof(buf));
	check(r == 0 || (r < 0 && errno == EIO), "the slave reads end or EIO after the master closed");
	r = write(s3, "x", 1);
	check(r < 0 && errno == EIO, "the slave writes EIO after the master closed");
	close(s3);
	close(m);
	return fails != 0;
}
