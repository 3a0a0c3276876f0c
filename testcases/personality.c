/* personality(2): the query, setting ADDR_NO_RANDOMIZE (gdb's and setarch
 * -R's way to a fixed layout) and its effect: two execs of this program
 * with it see their stack, heap and mmap areas at the same addresses;
 * the persona is inherited by fork and kept across exec.  Prints what it
 * sees, for comparison with a native run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

/* the child's layout, as one line */
static void layout(int fd)
{
	int local;
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "%lx %lx %lx\n", (unsigned long)(uintptr_t)&local,
			 (unsigned long)(uintptr_t)sbrk(0), (unsigned long)(uintptr_t)m);
	write(fd, buf, n);
}

static void run_child(const char *self, char *out, size_t len)
{
	int p[2];
	if (pipe(p) < 0)
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		char fd[16];
		snprintf(fd, sizeof(fd), "%d", p[1]);
		close(p[0]);
		execl(self, self, "layout", fd, (char *)NULL);
		_exit(99);
	}
	close(p[1]);
	memset(out, 0, len);
	read(p[0], out, len - 1);
	close(p[0]);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "layout")) {
		printf("child persona %#x\n", personality(0xffffffff));
		fflush(stdout);
		layout(atoi(argv[2]));
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* as the guest's init it mounts its /proc (the root has the directory) */
	if (getpid() == 1 && access("/proc/self/exe", F_OK) < 0)
		mount("proc", "/proc", "proc", 0, NULL);
	const char *self = "/proc/self/exe";
	printf("persona %#x\n", personality(0xffffffff));
	char a[128], b[128];
	run_child(self, a, sizeof(a));
	run_child(self, b, sizeof(b));
	printf("randomized layouts differ: %d\n", strcmp(a, b) != 0);
	printf("set: old %#x\n", personality(ADDR_NO_RANDOMIZE));
	printf("now %#x\n", personality(0xffffffff));
	run_child(self, a, sizeof(a));
	run_child(self, b, sizeof(b));
	printf("fixed layouts are the same: %d\n", strcmp(a, b) == 0);
	printf("back: old %#x\n", personality(0));
	printf("now %#x\n", personality(0xffffffff));
	return 0;
}
