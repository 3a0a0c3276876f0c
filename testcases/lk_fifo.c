/* FIFOs and reopened pipes: mkfifo/mknod, fifo(7)'s open rules (O_RDONLY
 * waits for a writer, O_WRONLY for a reader or ENXIO under O_NONBLOCK,
 * O_RDWR never waits), EINTR in a waiting open, data between processes,
 * and a pipe reopened through /proc/self/fd/N.
 * Usage: lk_fifo DIR [noproc]  (a directory to make FIFOs in; as init of a guest,
 * "shm" means a tmpfs this program mounts on dev/shm, natively /dev/shm) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256];

static const char *err(long r)
{
	static char buf[64];
	if (r >= 0)
		return "ok";
	switch (-r) {
	case EAGAIN: return "EAGAIN";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EINTR: return "EINTR";
	case ENXIO: return "ENXIO";
	case ESPIPE: return "ESPIPE";
	case EEXIST: return "EEXIST";
	case EPIPE: return "EPIPE";
	}
	snprintf(buf, sizeof(buf), "errno %ld", -r);
	return buf;
}

static long sys(long r)
{
	return r < 0 ? -errno : r;
}

static const char *path(const char *name)
{
	static char buf[2][512];
	static int i;
	i ^= 1;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void readall(const char *what, int fd)
{
	char buf[64];
	long n = sys(read(fd, buf, sizeof(buf) - 1));
	if (n >= 0) {
		buf[n] = 0;
		printf("%s: %ld \"%s\"\n", what, n, buf);
	} else {
		printf("%s: %s\n", what, err(n));
	}
}

static void on_alarm(int s)
{
	(void)s;
}

static int wait_child(pid_t p)
{
	int st;
	if (waitpid(p, &st, 0) != p)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "shm")) {
		if (getpid() == 1 && mount("tmpfs", "/dev/shm", "tmpfs", 0, NULL) < 0) {
			perror("mount tmpfs");
			return 2;
		}
		snprintf(dir, sizeof(dir), "/dev/shm");
	} else {
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	}
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	char f[512];
	snprintf(f, sizeof(f), "%s", path("lk_fifo.f"));
	unlink(f);
	printf("mkfifo: %s\n", err(sys(mkfifo(f, 0666))));
	printf("mkfifo again: %s\n", err(sys(mkfifo(f, 0666))));
	struct stat st;
	long sr = sys(stat(f, &st));
	printf("stat: %s fifo=%d mode=%o size=%ld\n", err(sr), S_ISFIFO(st.st_mode),
	       st.st_mode & 07777, (long)st.st_size);
	unlink(path("lk_fifo.n"));
	printf("mknod S_IFIFO: %s\n", err(sys(mknod(path("lk_fifo.n"), S_IFIFO | 0600, 0))));
	printf("stat mknod: fifo=%d\n", stat(path("lk_fifo.n"), &st) == 0 && S_ISFIFO(st.st_mode));
	unlink(path("lk_fifo.n"));

	/* O_NONBLOCK opens */
	printf("O_WRONLY|O_NONBLOCK, no reader: %s\n", err(sys(open(f, O_WRONLY | O_NONBLOCK))));
	int r = sys(open(f, O_RDONLY | O_NONBLOCK));
	printf("O_RDONLY|O_NONBLOCK, no writer: %s\n", err(r));
	readall("read, no writer ever", r);
	struct pollfd pf = { .fd = r, .events = POLLIN };
	int pr = poll(&pf, 1, 0);
	printf("poll, no writer ever: %d revents %#x\n", pr, pf.revents);
	int w = sys(open(f, O_WRONLY | O_NONBLOCK));
	printf("O_WRONLY|O_NONBLOCK with a reader: %s\n", err(w));
	readall("read, writer open, empty", r);
	printf("write: %s\n", err(sys(write(w, "abc", 3))));
	readall("read", r);
	printf("lseek: %s\n", err(sys(lseek(r, 0, SEEK_SET))));
	printf("F_GETPIPE_SZ: %ld\n", sys(fcntl(w, F_GETPIPE_SZ)));
	printf("fstat: fifo=%d\n", fstat(r, &st) == 0 && S_ISFIFO(st.st_mode));
	close(w);
	readall("read after the writer closed", r);
	pr = poll(&pf, 1, 0);
	printf("poll after the writer closed: %d revents %#x\n", pr, pf.revents);
	w = sys(open(f, O_WRONLY | O_NONBLOCK));
	close(r);
	printf("write, no reader: %s\n", err(sys(write(w, "x", 1))));
	close(w);

	/* O_RDWR never waits; the data goes when the last end closes */
	int rw = sys(open(f, O_RDWR));
	printf("O_RDWR: %s\n", err(rw));
	printf("write to itself: %s\n", err(sys(write(rw, "loop", 4))));
	readall("read from itself", rw);
	printf("write again: %s\n", err(sys(write(rw, "lost", 4))));
	close(rw);
	rw = sys(open(f, O_RDWR | O_NONBLOCK));
	readall("reopened after the last close", rw);
	close(rw);

	/* blocking opens meet: whichever comes first waits for the other */
	int sync_[2];
	if (pipe(sync_))
		return 1;
	pid_t k = fork();
	if (k == 0) {
		int fd = open(f, O_WRONLY);
		if (fd < 0 || write(fd, "hello", 5) != 5)
			_exit(3);
		close(fd);
		/* again, after the parent is known to be reading */
		char c;
		if (read(sync_[0], &c, 1) != 1)
			_exit(4);
		fd = open(f, O_WRONLY);
		if (fd < 0 || write(fd, "again", 5) != 5)
			_exit(5);
		_exit(0);
	}
	r = sys(open(f, O_RDONLY));
	printf("O_RDONLY (blocking) with a writer coming: %s\n", err(r));
	char buf[16];
	long n = 0, got;
	while (n < 5 && (got = read(r, buf + n, 5 - n)) > 0)
		n += got;
	printf("read %ld \"%.5s\"\n", n, buf);
	readall("then end of file", r);
	close(r);
	if (write(sync_[1], "x", 1) != 1)
		return 1;
	r = sys(open(f, O_RDONLY));
	n = 0;
	while (n < 5 && (got = read(r, buf + n, 5 - n)) > 0)
		n += got;
	printf("second meeting: read %ld \"%.5s\", child %d\n", n, buf, wait_child(k));
	close(r);

	/* a waiting open ends with a signal: EINTR without SA_RESTART */
	k = fork();
	if (k == 0) {
		struct sigaction sa = { .sa_handler = on_alarm };
		sigaction(SIGALRM, &sa, NULL);
		struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
		setitimer(ITIMER_REAL, &it, NULL);
		printf("child O_RDONLY, no writer, signalled: %s\n", err(sys(open(f, O_RDONLY))));
		printf("child O_WRONLY, no reader, signalled: %s\n", err(sys(open(f, O_WRONLY))));
		fflush(stdout);
		_exit(0);
	}
	printf("signalled child: %d\n", wait_child(k));
	printf("O_WRONLY|O_NONBLOCK after the interrupted opens: %s\n", err(sys(open(f, O_WRONLY | O_NONBLOCK))));

	/* an open FIFO lives on after unlink */
	rw = open(f, O_RDWR);
	printf("unlink while open: %s\n", err(sys(unlink(f))));
	printf("write, read: %s ", err(sys(write(rw, "still", 5))));
	readall("", rw);
	close(rw);

	/* an anonymous pipe reopened through /proc/self/fd/N (not as a user
	 * who could not mount the guest's /proc: "noproc") */
	if (argc > 2 && !strcmp(argv[2], "noproc")) {
		printf("done\n");
		return 0;
	}
	if (access("/proc/self/fd", F_OK) && mount("proc", "/proc", "proc", 0, NULL) < 0)
		perror("mount proc");
	int p[2];
	if (pipe(p))
		return 1;
	char name[64];
	if (write(p[1], "abc", 3) != 3)
		return 1;
	snprintf(name, sizeof(name), "/proc/self/fd/%d", p[0]);
	int r2 = sys(open(name, O_RDONLY));
	printf("reopen read end: %s\n", err(r2));
	readall("read through it", r2);
	int w2 = sys(open(name, O_WRONLY));
	printf("reopen read end for writing: %s\n", err(w2));
	printf("write through it: %s\n", err(sys(write(w2, "def", 3))));
	readall("read the original", p[0]);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", p[1]);
	int r3 = sys(open(name, O_RDONLY | O_NONBLOCK));
	printf("reopen write end for reading, O_NONBLOCK: %s\n", err(r3));
	readall("read, empty", r3);
	close(w2);
	close(p[1]);
	close(r3);
	readall("read, all writers gone", r2);
	printf("done\n");
	return 0;
}
