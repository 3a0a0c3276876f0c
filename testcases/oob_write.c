/* No system call writes past the buffer it was given.  Each call gets a
 * buffer of a small size n inside a region filled with a pattern; after
 * the call every byte from n on must still be the pattern (and the
 * result is printed, to be compared with Linux).  A kernel that writes a
 * terminating NUL or a whole structure past a short buffer corrupts the
 * caller's heap: what trinity's children met as glibc's "invalid next
 * size" and "munmap_chunk(): invalid pointer". */
#include "check.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <netinet/in.h>
#include <unistd.h>

#define REGION 512
#define PAT 0xa5

static unsigned char region[REGION];

static unsigned char *fresh(void)
{
	memset(region, PAT, sizeof(region));
	return region;
}

/* the first byte at or past n that changed, or -1 */
static int spilled(size_t n)
{
	for (size_t i = n; i < sizeof(region); i++)
		if (region[i] != PAT)
			return (int)i;
	return -1;
}

static void report(const char *what, size_t n, long r)
{
	int e = errno;
	int at = spilled(n);
	printf("%-28s n=%-3zu r=%ld%s%s spill=%d\n", what, n, r, r < 0 ? " " : "",
	       r < 0 ? strerrorname_np(e) : "", at);
	CHECK(at < 0);
}

/* a SOL_SOCKET option into n bytes: its true length back, no more written */
static void sockopt(int fd, int opt, const char *name, size_t n)
{
	char what[64];
	socklen_t len = n;
	unsigned char *b = fresh();
	errno = 0;
	long r = getsockopt(fd, SOL_SOCKET, opt, b, &len);
	snprintf(what, sizeof(what), "getsockopt %s len=%u", name, len);
	report(what, n, r);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getpid() == 1 && access("/proc/self", F_OK) < 0)
		mount("proc", "/proc", "proc", 0, NULL); /* init of a guest */
	size_t sizes[] = { 0, 1, 3, 7 };
	unlink("/tmp/oob_link"); /* a run killed before its end */
	symlink("/a/rather/long/target/of/a/symlink", "/tmp/oob_link");
	int fd = open("/tmp/oob_file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		write(fd, "some file data\n", 15);
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int lsock = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bind(lsock, (struct sockaddr *)&sin, sizeof(sin));
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k];
		unsigned char *b;
		long r;
		char what[64];

		b = fresh(); errno = 0;
		r = readlink("/tmp/oob_link", (char *)b, n);
		report("readlink", n, r);
		b = fresh(); errno = 0;
		r = readlinkat(AT_FDCWD, "/proc/self/exe", (char *)b, n);
		report("readlinkat /proc/self/exe", n, r);
		b = fresh(); errno = 0;
		r = syscall(SYS_getcwd, b, n);
		report("getcwd", n, r);
		b = fresh(); errno = 0;
		r = pread(fd, b, n, 0);
		report("pread", n, r);
		int pf = open("/proc/self/stat", O_RDONLY);
		b = fresh(); errno = 0;
		r = read(pf, b, n);
		report("read /proc/self/stat", n, r);
		close(pf);
		b = fresh(); errno = 0;
		r = syscall(SYS_getdents64, open("/", O_RDONLY | O_DIRECTORY), b, n);
		report("getdents64", n, r);
		b = fresh(); errno = 0;
		r = listxattr("/tmp/oob_file", (char *)b, n);
		report("listxattr", n, r);
		b = fresh(); errno = 0;
		r = syscall(SYS_sched_getaffinity, 0, n, b);
		report("sched_getaffinity", n, r);
		b = fresh(); errno = 0;
		r = syscall(SYS_getgroups, (int)(n / sizeof(gid_t)), b);
		report("getgroups", n / sizeof(gid_t) * sizeof(gid_t), r);
		b = fresh(); errno = 0;
		r = syscall(SYS_rt_sigpending, b, n);
		report("rt_sigpending", n, r);
		b = fresh(); errno = 0;
		r = syscall(SYS_getrandom, b, n, 0);
		report("getrandom", n, r);

		/* socket addresses: the length in, the true length out, no
		 * more than asked written */
		socklen_t len = n;
		b = fresh(); errno = 0;
		r = getsockname(lsock, (struct sockaddr *)b, &len);
		snprintf(what, sizeof(what), "getsockname inet len=%u", len);
		report(what, n, r);
		len = n;
		b = fresh(); errno = 0;
		r = getsockname(sv[0], (struct sockaddr *)b, &len);
		snprintf(what, sizeof(what), "getsockname unix len=%u", len);
		report(what, n, r);
		send(sv[1], "dgram", 5, 0);
		len = n;
		b = fresh(); errno = 0;
		r = recvfrom(sv[0], b, n, MSG_DONTWAIT, NULL, NULL);
		report("recvfrom unix data", n, r);
		sendto(lsock, "x", 1, 0, (struct sockaddr *)&sin, sizeof(sin));
		struct sockaddr_in me;
		socklen_t ml = sizeof(me);
		getsockname(lsock, (struct sockaddr *)&me, &ml);
		sendto(lsock, "hello", 5, 0, (struct sockaddr *)&me, sizeof(me));
		char data[8];
		len = n;
		b = fresh(); errno = 0;
		r = recvfrom(lsock, data, sizeof(data), MSG_DONTWAIT, (struct sockaddr *)b, &len);
		snprintf(what, sizeof(what), "recvfrom inet addr len=%u", len);
		report(what, n, r);
		sockopt(lsock, SO_RCVBUF, "SO_RCVBUF", n);
		sockopt(sv[0], SO_PEERCRED, "SO_PEERCRED", n);
		sockopt(lsock, SO_RCVTIMEO, "SO_RCVTIMEO", n);
		b = fresh(); errno = 0;
		r = syscall(SYS_prctl, PR_GET_NAME, b, 0, 0, 0);
		report("prctl PR_GET_NAME (16)", 16, r);
	}
	unlink("/tmp/oob_link");
	unlink("/tmp/oob_file");
	printf("fails %d\n", fails);
	return fails != 0;
}
