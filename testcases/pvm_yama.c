/* Yama in the guest (it changes ptrace_scope; never run natively): as
 * nobody, a sibling's memory under scope 1 (EPERM), after the sibling's
 * PR_SET_PTRACER_ANY and PR_SET_PTRACER(us) (allowed), scope 0 (allowed),
 * scope 2 and 3 (EPERM), 3 sticky; the writes are made as root first. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static char word[8] = "sibling";

static long setscope(const char *v)
{
	int fd = open("/proc/sys/kernel/yama/ptrace_scope", O_WRONLY);
	if (fd < 0)
		return -errno;
	long r = write(fd, v, strlen(v));
	r = r < 0 ? -errno : r;
	close(fd);
	return r;
}

static void rd(const char *what, pid_t pid)
{
	char b[8] = { 0 };
	struct iovec l = { b, 7 }, r = { word, 7 };
	long n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	printf("%s: %s\n", what, n < 0 ? strerrorname_np(errno) : b);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int go[2], back[2];
	if (pipe(go) < 0 || pipe(back) < 0)
		return 1;
	mount("proc", "/proc", "proc", 0, NULL); /* the root's own /proc (tmproot has one) */
	pid_t sib = fork();
	if (sib == 0) {
		close(go[1]);
		if (setgid(65534) || setuid(65534))
			_exit(3);
		prctl(PR_SET_DUMPABLE, 1); /* setuid made it 0, as Linux */
		char c;
		while (read(go[0], &c, 1) == 1) {
			if (c == 'a')
				prctl(0x59616d61, (unsigned long)-1);
			if (c == '0')
				prctl(0x59616d61, 0);
			if (write(back[1], "k", 1) != 1)
				_exit(2);
		}
		_exit(0);
	}
	char k;
#define SYNC(ch) do { char x_ = (ch); if (write(go[1], &x_, 1) != 1 || read(back[0], &k, 1) != 1) return 1; } while (0)
	/* the reader: another child of init, as nobody (not the sibling's ancestor) */
	const char *scopes[] = { "1", "0", "2", "3" };
	for (int i = 0; i < 4; i++) {
		printf("scope %s write: %ld\n", scopes[i], setscope(scopes[i]));
		pid_t rdr = fork();
		if (rdr == 0) {
			if (setgid(65534) || setuid(65534))
				_exit(3);
			rd("sibling", sib);
			if (i == 0) {
				SYNC('a');
				rd("after PR_SET_PTRACER_ANY", sib);
				SYNC('0');
				rd("after PR_SET_PTRACER 0", sib);
				printf("nobody write: %ld\n", setscope("0"));
				printf("PR_SET_PTRACER bad pid: %s\n",
				       prctl(0x59616d61, 999999) < 0 ? strerrorname_np(errno) : "0");
			}
			fflush(stdout);
			_exit(0);
		}
		waitpid(rdr, NULL, 0);
		rd("root reads sibling", sib);
	}
	printf("scope 1 after 3: %ld\n", setscope("1"));
	close(go[1]);
	waitpid(sib, NULL, 0);
	return 0;
}
