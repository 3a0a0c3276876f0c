/* Data movement in the kernel: sendfile, splice, tee, vmsplice,
 * copy_file_range and the pipe size fcntls, with their errors; a blocking
 * splice meets a writer in another process (ordered by a pipe).
 * Usage: lk_splice DIR [XDIR]: files in DIR (writable); with XDIR, a
 * directory on another file system for copy_file_range's EXDEV ("shm":
 * /dev/shm, a tmpfs this program mounts when it is a guest's init). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256];

static const char *err(long r)
{
	static char buf[64];
	if (r >= 0) {
		snprintf(buf, sizeof(buf), "%ld", r);
		return buf;
	}
	switch (-r) {
	case EAGAIN: return "EAGAIN";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case ESPIPE: return "ESPIPE";
	case EPIPE: return "EPIPE";
	case EISDIR: return "EISDIR";
	case EXDEV: return "EXDEV";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
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
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static int mkfile(const char *name, const char *data, int flags)
{
	int fd = open(path(name), O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) != (long)strlen(data)) {
		perror(name);
		exit(2);
	}
	close(fd);
	return open(path(name), flags);
}

static void show_fd(const char *what, int fd)
{
	char buf[256];
	long n = sys(read(fd, buf, sizeof(buf) - 1));
	if (n < 0) {
		printf("%s: %s\n", what, err(n));
		return;
	}
	buf[n] = 0;
	printf("%s: \"%s\"\n", what, buf);
}

static void show_file(const char *what, const char *name)
{
	int fd = open(path(name), O_RDONLY);
	show_fd(what, fd);
	close(fd);
}

static void mkpipe(int p[2], int flags)
{
	if (pipe2(p, flags)) {
		perror("pipe");
		exit(2);
	}
}

static void test_sendfile(void)
{
	const char *abc = "0123456789abcdefghijklmnopqrstuvwxyz";
	int in = mkfile("lk_in", abc, O_RDONLY);
	int out = mkfile("lk_out", "", O_WRONLY);
	printf("sendfile 10: %s\n", err(sys(sendfile(out, in, NULL, 10))));
	printf("positions: in %ld out %ld\n", (long)lseek(in, 0, SEEK_CUR), (long)lseek(out, 0, SEEK_CUR));
	off_t off = 20;
	printf("sendfile at 20, 4: %s", err(sys(sendfile(out, in, &off, 4))));
	printf(" off %ld in pos %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
	printf("sendfile huge count: %s\n", err(sys(sendfile(out, in, NULL, 1L << 40))));
	printf("sendfile at EOF: %s\n", err(sys(sendfile(out, in, NULL, 10))));
	show_file("out", "lk_out");
	int p[2];
	mkpipe(p, 0);
	off = 30;
	long r = sys(sendfile(p[1], in, &off, 100));
	printf("sendfile to a pipe: %s off %ld\n", err(r), (long)off);
	show_fd("pipe", p[0]);
	/* a full pipe: O_NONBLOCK on its end gives EAGAIN */
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	char page[4096];
	memset(page, 'p', sizeof(page));
	if (write(p[1], page, sizeof(page)) != sizeof(page))
		exit(3);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	off = 0;
	printf("sendfile to a full O_NONBLOCK pipe: %s\n", err(sys(sendfile(p[1], in, &off, 5))));
	printf("sendfile from O_WRONLY: %s\n", err(sys(sendfile(out, out, NULL, 1))));
	printf("sendfile to O_RDONLY: %s\n", err(sys(sendfile(in, in, NULL, 1))));
	printf("sendfile from a pipe: %s\n", err(sys(sendfile(out, p[0], NULL, 1))));
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	printf("sendfile from a directory: %s\n", err(sys(sendfile(out, d, NULL, 1))));
	int app = open(path("lk_out"), O_WRONLY | O_APPEND);
	printf("sendfile to O_APPEND: %s\n", err(sys(sendfile(app, in, NULL, 1))));
	off = -1;
	printf("sendfile negative offset: %s\n", err(sys(sendfile(out, in, &off, 1))));
	printf("sendfile bad fd: %s\n", err(sys(sendfile(99, in, NULL, 1))));
	printf("sendfile offset on a pipe: %s\n", err(sys(sendfile(out, p[0], &off, 1))));
	close(app);
	close(d);
	close(p[0]);
	close(p[1]);
	close(in);
	close(out);
}

static void test_splice(void)
{
	int f = mkfile("lk_sp", "0123456789abcdefghij", O_RDWR);
	int p[2], q[2];
	mkpipe(p, 0);
	mkpipe(q, 0);
	loff_t off = 5;
	long rr = sys(splice(f, &off, p[1], NULL, 10, 0));
	printf("splice file->pipe at 5, 10: %s off %ld\n", err(rr), (long)off);
	printf("file pos %ld\n", (long)lseek(f, 0, SEEK_CUR));
	rr = sys(splice(f, NULL, p[1], NULL, 3, 0));
	printf("splice file->pipe, file pos, 3: %s pos %ld\n", err(rr), (long)lseek(f, 0, SEEK_CUR));
	printf("splice pipe->pipe 4: %s\n", err(sys(splice(p[0], NULL, q[1], NULL, 4, 0))));
	show_fd("q", q[0]);
	off = 100;
	rr = sys(splice(p[0], NULL, f, &off, 100, 0));
	printf("splice pipe->file at 100: %s off %ld\n", err(rr), (long)off);
	char buf[64] = { 0 };
	rr = pread(f, buf, 63, 100);
	printf("pread at 100: %ld \"%s\"\n", rr, buf);
	if (write(p[1], "tail", 4) != 4)
		exit(3);
	if (lseek(f, 0, SEEK_SET) != 0)
		exit(3);
	rr = sys(splice(p[0], NULL, f, NULL, 2, 0));
	printf("splice pipe->file, file pos: %s pos %ld\n", err(rr), (long)lseek(f, 0, SEEK_CUR));
	printf("the rest stays: %s\n", err(sys(splice(p[0], NULL, q[1], NULL, 100, 0))));
	show_fd("q", q[0]);
	printf("splice empty pipe, SPLICE_F_NONBLOCK: %s\n",
	       err(sys(splice(p[0], NULL, f, NULL, 10, SPLICE_F_NONBLOCK))));
	printf("pipe->pipe empty, SPLICE_F_NONBLOCK: %s\n",
	       err(sys(splice(p[0], NULL, q[1], NULL, 10, SPLICE_F_NONBLOCK))));
	printf("len 0 with bad fds: %s\n", err(sys(splice(98, NULL, 99, NULL, 0, 0))));
	printf("bad flags: %s\n", err(sys(splice(p[0], NULL, q[1], NULL, 1, 0x100))));
	printf("bad fd: %s\n", err(sys(splice(99, NULL, q[1], NULL, 1, 0))));
	int g = mkfile("lk_sp2", "x", O_RDWR);
	printf("neither a pipe: %s\n", err(sys(splice(f, NULL, g, NULL, 1, 0))));
	off = 0;
	printf("offset on the input pipe: %s\n", err(sys(splice(p[0], &off, f, NULL, 1, 0))));
	printf("offset on the output pipe: %s\n", err(sys(splice(f, NULL, p[1], &off, 1, 0))));
	printf("pipe->pipe with an offset: %s\n", err(sys(splice(p[0], NULL, q[1], &off, 1, 0))));
	printf("a pipe to itself: %s\n", err(sys(splice(p[0], NULL, p[1], NULL, 1, 0))));
	printf("from a write end: %s\n", err(sys(splice(p[1], NULL, f, NULL, 1, 0))));
	printf("to a read end: %s\n", err(sys(splice(f, NULL, p[0], NULL, 1, 0))));
	int app = open(path("lk_sp2"), O_WRONLY | O_APPEND);
	if (write(p[1], "z", 1) != 1)
		exit(3);
	printf("to O_APPEND: %s\n", err(sys(splice(p[0], NULL, app, NULL, 1, 0))));
	off = -3;
	printf("negative offset: %s\n", err(sys(splice(f, &off, q[1], NULL, 1, 0))));
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	printf("from a directory: %s\n", err(sys(splice(d, NULL, q[1], NULL, 1, 0))));
	/* to a pipe with no reader */
	int r[2];
	mkpipe(r, 0);
	close(r[0]);
	printf("to a pipe without readers: %s\n", err(sys(splice(f, NULL, r[1], NULL, 1, 0))));
	close(r[1]);
	/* a full pipe */
	mkpipe(r, 0);
	fcntl(r[1], F_SETPIPE_SZ, 4096);
	char page[4096];
	memset(page, 'f', sizeof(page));
	if (write(r[1], page, sizeof(page)) != sizeof(page))
		exit(3);
	printf("to a full pipe, SPLICE_F_NONBLOCK: %s\n", err(sys(splice(f, NULL, r[1], NULL, 1, SPLICE_F_NONBLOCK))));
	close(r[0]);
	close(r[1]);
	/* a blocking splice waits for the writer in another process */
	int go[2];
	mkpipe(go, 0);
	mkpipe(r, 0);
	pid_t k = fork();
	if (k == 0) {
		char c;
		if (read(go[0], &c, 1) != 1 || write(r[1], "late", 4) != 4)
			_exit(3);
		_exit(0);
	}
	close(r[1]);
	if (write(go[1], "x", 1) != 1)
		exit(3);
	off = 200;
	printf("blocking splice: %s\n", err(sys(splice(r[0], NULL, f, &off, 10, 0))));
	int st;
	waitpid(k, &st, 0);
	long r2 = sys(splice(r[0], NULL, f, &off, 10, 0));
	printf("after the writer left: %s (child %d)\n", err(r2), WEXITSTATUS(st));
	memset(buf, 0, sizeof(buf));
	r2 = pread(f, buf, 63, 200);
	printf("pread at 200: %ld \"%s\"\n", r2, buf);
	close(r[0]);
	close(d);
	close(app);
	close(f);
	close(g);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

static void test_tee(void)
{
	int p[2], q[2];
	mkpipe(p, 0);
	mkpipe(q, 0);
	if (write(p[1], "abcdef", 6) != 6)
		exit(3);
	printf("tee 4: %s\n", err(sys(tee(p[0], q[1], 4, 0))));
	show_fd("copy", q[0]);
	printf("tee 100: %s\n", err(sys(tee(p[0], q[1], 100, 0))));
	show_fd("copy", q[0]);
	show_fd("original", p[0]);
	printf("tee empty, SPLICE_F_NONBLOCK: %s\n", err(sys(tee(p[0], q[1], 4, SPLICE_F_NONBLOCK))));
	printf("tee to itself: %s\n", err(sys(tee(p[0], p[1], 4, 0))));
	printf("tee bad flags: %s\n", err(sys(tee(p[0], q[1], 4, 0x100))));
	printf("tee len 0: %s\n", err(sys(tee(p[0], q[1], 0, 0))));
	printf("tee from a write end: %s\n", err(sys(tee(p[1], q[1], 4, 0))));
	int f = mkfile("lk_tee", "data", O_RDWR);
	printf("tee from a file: %s\n", err(sys(tee(f, q[1], 4, 0))));
	printf("tee to a file: %s\n", err(sys(tee(p[0], f, 4, 0))));
	close(p[1]);
	printf("tee empty, no writers: %s\n", err(sys(tee(p[0], q[1], 4, 0))));
	close(f);
	close(p[0]);
	close(q[0]);
	close(q[1]);
}

static void test_vmsplice(void)
{
	int p[2];
	mkpipe(p, 0);
	char a[] = "hello ", b[] = "world";
	struct iovec iov[2] = { { a, 6 }, { b, 5 } };
	printf("vmsplice to the pipe: %s\n", err(sys(vmsplice(p[1], iov, 2, 0))));
	char x[4] = { 0 }, y[32] = { 0 };
	struct iovec out[2] = { { x, 3 }, { y, 31 } };
	long r = sys(vmsplice(p[0], out, 2, 0));
	printf("vmsplice from the pipe: %s", err(r));
	printf(" \"%s\" \"%s\"\n", x, y);
	printf("vmsplice empty, SPLICE_F_NONBLOCK: %s\n", err(sys(vmsplice(p[0], out, 2, SPLICE_F_NONBLOCK))));
	printf("vmsplice 0 segments: %s\n", err(sys(vmsplice(p[1], iov, 0, 0))));
	printf("vmsplice bad flags: %s\n", err(sys(vmsplice(p[1], iov, 2, 0x100))));
	printf("vmsplice bad fd: %s\n", err(sys(vmsplice(99, iov, 2, 0))));
	int f = mkfile("lk_vm", "", O_RDWR);
	printf("vmsplice to a file: %s\n", err(sys(vmsplice(f, iov, 2, 0))));
	struct iovec bad = { (void *)8, 4 };
	printf("vmsplice bad buffer: %s\n", err(sys(vmsplice(p[1], &bad, 1, 0))));
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	static char page[4096];
	if (write(p[1], page, sizeof(page)) != sizeof(page))
		exit(3);
	printf("vmsplice full, SPLICE_F_NONBLOCK: %s\n", err(sys(vmsplice(p[1], iov, 2, SPLICE_F_NONBLOCK))));
	close(p[0]);
	printf("vmsplice without readers: %s\n", err(sys(vmsplice(p[1], iov, 2, 0))));
	close(p[1]);
	close(f);
}

static void test_copy_file_range(const char *xdir)
{
	int f = mkfile("lk_cfr", "0123456789abcdefghij", O_RDWR);
	loff_t oi = 0, oo = 100;
	long r = sys(copy_file_range(f, &oi, f, &oo, 10, 0));
	printf("cfr same file 10 to 100: %s oi %ld oo %ld pos %ld\n", err(r), (long)oi, (long)oo,
	       (long)lseek(f, 0, SEEK_CUR));
	struct stat st;
	fstat(f, &st);
	char buf[64] = { 0 };
	r = pread(f, buf, 63, 100);
	printf("size %ld, at 100: %ld \"%s\"\n", (long)st.st_size, r, buf);
	oi = 0;
	oo = 5;
	printf("cfr overlapping: %s\n", err(sys(copy_file_range(f, &oi, f, &oo, 10, 0))));
	int g = mkfile("lk_cfr2", "", O_RDWR);
	if (lseek(f, 10, SEEK_SET) != 10)
		exit(3);
	r = sys(copy_file_range(f, NULL, g, NULL, 5, 0));
	printf("cfr file pos to another file: %s pos %ld %ld\n", err(r), (long)lseek(f, 0, SEEK_CUR),
	       (long)lseek(g, 0, SEEK_CUR));
	show_file("other", "lk_cfr2");
	oi = 1000;
	printf("cfr at EOF: %s\n", err(sys(copy_file_range(f, &oi, g, NULL, 5, 0))));
	oi = 105;
	printf("cfr past EOF is cut: %s\n", err(sys(copy_file_range(f, &oi, g, NULL, 500, 0))));
	printf("cfr flags 1: %s\n", err(sys(copy_file_range(f, NULL, g, NULL, 5, 1))));
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	printf("cfr from a directory: %s\n", err(sys(copy_file_range(d, NULL, g, NULL, 5, 0))));
	int p[2];
	mkpipe(p, 0);
	printf("cfr to a pipe: %s\n", err(sys(copy_file_range(f, NULL, p[1], NULL, 5, 0))));
	int ro = open(path("lk_cfr2"), O_RDONLY), app = open(path("lk_cfr2"), O_WRONLY | O_APPEND);
	printf("cfr to O_RDONLY: %s\n", err(sys(copy_file_range(f, NULL, ro, NULL, 5, 0))));
	printf("cfr to O_APPEND: %s\n", err(sys(copy_file_range(f, NULL, app, NULL, 5, 0))));
	int wo = open(path("lk_cfr"), O_WRONLY);
	printf("cfr from O_WRONLY: %s\n", err(sys(copy_file_range(wo, NULL, g, NULL, 5, 0))));
	oi = -1;
	printf("cfr negative offset: %s\n", err(sys(copy_file_range(f, &oi, g, NULL, 5, 0))));
	printf("cfr bad fd: %s\n", err(sys(copy_file_range(99, NULL, g, NULL, 5, 0))));
	if (xdir) {
		char xp[512];
		snprintf(xp, sizeof(xp), "%s/lk_cfr_x", xdir);
		int x = open(xp, O_RDWR | O_CREAT | O_TRUNC, 0644);
		oi = 0;
		printf("cfr across file systems: %s\n", err(sys(copy_file_range(f, &oi, x, NULL, 5, 0))));
		close(x);
		unlink(xp);
	}
	close(wo);
	close(ro);
	close(app);
	close(p[0]);
	close(p[1]);
	close(d);
	close(f);
	close(g);
}

static void test_pipe_size(void)
{
	int p[2];
	mkpipe(p, 0);
	printf("F_GETPIPE_SZ: %s\n", err(sys(fcntl(p[0], F_GETPIPE_SZ))));
	printf("F_SETPIPE_SZ 100000: %s\n", err(sys(fcntl(p[1], F_SETPIPE_SZ, 100000))));
	printf("F_GETPIPE_SZ other end: %s\n", err(sys(fcntl(p[0], F_GETPIPE_SZ))));
	printf("F_SETPIPE_SZ 0: %s\n", err(sys(fcntl(p[1], F_SETPIPE_SZ, 0))));
	char page[8192] = { 0 };
	if (fcntl(p[1], F_SETPIPE_SZ, 16384) < 0 || write(p[1], page, sizeof(page)) != sizeof(page))
		exit(3);
	printf("F_SETPIPE_SZ below the content: %s\n", err(sys(fcntl(p[1], F_SETPIPE_SZ, 4096))));
	int f = mkfile("lk_psz", "", O_RDWR);
	printf("F_GETPIPE_SZ on a file: %s\n", err(sys(fcntl(f, F_GETPIPE_SZ))));
	printf("F_SETPIPE_SZ on a file: %s\n", err(sys(fcntl(f, F_SETPIPE_SZ, 4096))));
	/* root may pass pipe-max-size on Linux; vmcore's root may not (the
	 * host memory it takes): compared as an unprivileged user only */
	if (getuid() != 0)
		printf("F_SETPIPE_SZ past pipe-max-size: %s\n", err(sys(fcntl(p[1], F_SETPIPE_SZ, 2 << 20))));
	close(f);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	const char *xdir = NULL;
	if (argc > 2) {
		if (!strcmp(argv[2], "shm")) {
			if (getpid() == 1 && mount("tmpfs", "/dev/shm", "tmpfs", 0, NULL) < 0)
				perror("mount tmpfs");
			xdir = "/dev/shm";
		} else {
			xdir = argv[2];
		}
	}
	test_sendfile();
	test_splice();
	test_tee();
	test_vmsplice();
	test_copy_file_range(xdir);
	test_pipe_size();
	const char *names[] = { "lk_in", "lk_out", "lk_sp", "lk_sp2", "lk_tee", "lk_vm", "lk_cfr", "lk_cfr2", "lk_psz" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(path(names[i]));
	printf("done\n");
	return 0;
}
