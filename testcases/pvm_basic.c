/* process_vm_readv/writev against a child (pipes coordinate): reads and
 * writes, a partial read across an unmapped page, EFAULT, ESRCH, EINVAL,
 * a write into read-only text (EFAULT), a
 * non-dumpable child (EPERM unless CAP_SYS_PTRACE), prctl dumpable. */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static char secret[64] = "child-secret-data";
static int fails;

static void report(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static long rd(pid_t pid, void *local, size_t ll, void *remote, size_t rl)
{
	struct iovec l = { local, ll }, r = { remote, rl };
	return process_vm_readv(pid, &l, 1, &r, 1, 0);
}

static long wr(pid_t pid, void *local, size_t ll, void *remote, size_t rl)
{
	struct iovec l = { local, ll }, r = { remote, rl };
	return process_vm_writev(pid, &l, 1, &r, 1, 0);
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	/* two pages, the second unmapped: a read across gives the first part */
	char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(two, 'x', 2 * pg);
	munmap(two + pg, pg);
	int go[2], back[2];
	if (pipe(go) < 0 || pipe(back) < 0)
		return 1;
	bool root = geteuid() == 0;
	pid_t c = fork();
	if (c == 0) {
		char b;
		close(go[1]);
		while (read(go[0], &b, 1) == 1) {
			if (b == 'd')
				prctl(PR_SET_DUMPABLE, 0);
			if (b == 'p') {
				/* report what the parent wrote */
				if (write(back[1], secret, 16) != 16)
					_exit(2);
				continue;
			}
			if (write(back[1], "k", 1) != 1)
				_exit(2);
		}
		_exit(0);
	}
	char k;
#define SYNC(ch) do { char x_ = (ch); if (write(go[1], &x_, 1) != 1 || read(back[0], &k, 1) != 1) return 1; } while (0)
	SYNC('n');
	char buf[64] = { 0 };
	report("read child", rd(c, buf, 17, secret, 17));
	printf("read data: %s\n", buf);
	char mine[16] = "parent-wrote-it";
	report("write child", wr(c, mine, 16, secret, 16));
	{
		char x = 'p', got[17] = { 0 };
		if (write(go[1], &x, 1) != 1 || read(back[0], got, 16) != 16)
			return 1;
		printf("child sees: %s\n", got);
	}
	/* two local pieces, one remote */
	char a1[5] = { 0 }, a2[6] = { 0 };
	struct iovec lv[2] = { { a1, 4 }, { a2, 5 } }, rv[1] = { { secret, 9 } };
	report("readv 2x1", process_vm_readv(c, lv, 2, rv, 1, 0));
	printf("pieces: %s|%s\n", a1, a2);
	char *big = malloc(2 * pg);
	report("partial across unmapped", rd(c, big, 2 * pg, two + pg - 100, 2 * pg));
	report("unmapped only", rd(c, big, 16, two + pg, 16));
	report("remote NULL", rd(c, big, 16, NULL, 16));
	report("local bad", rd(c, (void *)8, 16, secret, 16));
	report("text write", wr(c, mine, 4, (void *)main, 4));
	report("flags 1", process_vm_readv(c, &(struct iovec){ buf, 4 }, 1, &(struct iovec){ secret, 4 }, 1, 1));
	report("liovcnt 1025", process_vm_readv(c, &(struct iovec){ buf, 4 }, 1025, &(struct iovec){ secret, 4 }, 1, 0));
	report("riovcnt 1025", process_vm_readv(c, &(struct iovec){ buf, 4 }, 1, &(struct iovec){ secret, 4 }, 1025, 0));
	report("zero local", rd(c, buf, 0, secret, 4));
	report("zero remote", rd(c, buf, 4, secret, 0));
	report("esrch", rd(999999, buf, 4, secret, 4));
	report("zero len esrch", rd(999999, buf, 0, secret, 4));
	report("self", rd(getpid(), buf, 4, secret, 4));
	report("dumpable", prctl(PR_GET_DUMPABLE));
	report("set dumpable 2", prctl(PR_SET_DUMPABLE, 2));
	SYNC('d');
	long r = rd(c, buf, 4, secret, 4);
	report("non-dumpable child", r);
	if (root ? r != 4 : !(r < 0 && errno == EPERM))
		fails++;
	close(go[1]);
	int st;
	waitpid(c, &st, 0);
	report("reaped child", rd(c, buf, 4, secret, 4));
	printf("%s\n", fails ? "FAIL" : "ok");
	return fails != 0;
}
