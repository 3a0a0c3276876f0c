/* vm.overcommit_memory as Linux has it: 0 (the default) lets address
 * spaces reserve more than there is and refuses only a single request
 * larger than all of memory; 1 refuses nothing; 2 refuses past the commit
 * limit.  When frames run out the OOM killer takes the process with the
 * most memory, not necessarily the one faulting, weighed by each one's
 * oom_score_adj (adj).  Run as init (root):
 *   memx_overcommit guess|always|never|oom|adj */
#include "memx.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

static int sysctl_get(void)
{
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
	int v = -1;
	if (f && fscanf(f, "%d", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

static void sysctl_set(const char *v)
{
	int fd = open("/proc/sys/vm/overcommit_memory", O_WRONLY);
	ssize_t r = write(fd, v, strlen(v));
	printf("write %s: %s\n", v, r > 0 ? "ok" : strerrorname_np(errno));
	close(fd);
}

static void set_adj(const char *v)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd < 0 || write(fd, v, strlen(v)) < 0)
		printf("oom_score_adj %s: %s\n", v, strerrorname_np(errno));
	close(fd);
}

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
}

/* n children each reserving frac of memory, touching a page of it */
static void reserve_in_children(int n, size_t len)
{
	int ok = 0;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *p = map(len);
			if (!p)
				_exit(1);
			p[0] = 1;
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	printf("children reserving %zu MiB each: %d of %d could\n", len >> 20, ok, n);
}

static void status(const char *who, int st)
{
	if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", who, WTERMSIG(st));
	else
		printf("%s: exited %d\n", who, WEXITSTATUS(st));
}

/* A child that touches len bytes of its own and exits. */
static pid_t toucher(size_t len)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *p = map(len);
		touch(p, len);
		_exit(0);
	}
	return pid;
}

/* A child that sets its oom_score_adj (adj, or NULL) and touches len
 * bytes of its own, then waits for a byte on go[0]; returned once it has
 * done so (it says so on ready). */
static pid_t holder(const char *adj, size_t len, int ready[2], int go[2])
{
	char c;
	pid_t pid = fork();
	if (pid == 0) {
		if (adj)
			set_adj(adj);
		if (len) {
			char *p = map(len);
			touch(p, len);
		}
		write(ready[1], "r", 1);
		read(go[0], &c, 1);
		_exit(0);
	}
	read(ready[0], &c, 1);
	return pid;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *mode = argc > 1 ? argv[1] : "guess";
	size_t total = (size_t)meminfo("MemTotal") << 10;
	printf("overcommit_memory %d\n", sysctl_get());
	if (!strcmp(mode, "guess") || !strcmp(mode, "always")) {
		if (!strcmp(mode, "always"))
			sysctl_set("1");
		/* the parent holds 3/4 of memory reserved, untouched: its
		 * children's copies of it do not count against them */
		char *big = map(total / 4 * 3);
		printf("reserve 3/4: %s\n", big ? "ok" : strerrorname_np(errno));
		reserve_in_children(4, total / 4 * 3);
		long committed = meminfo("Committed_AS") << 10;
		printf("committed over memory: %d\n", committed > (long)total / 2);
		errno = 0;
		void *huge = map(total + (64 << 20));
		printf("one request over all memory: %s\n", huge ? "ok" : strerrorname_np(errno));
	} else if (!strcmp(mode, "never")) {
		sysctl_set("2");
		printf("overcommit_memory %d\n", sysctl_get());
		char *a = map(total / 4 * 3);
		printf("reserve 3/4: %s\n", a ? "ok" : strerrorname_np(errno));
		errno = 0;
		char *b = map(total / 4 * 3);
		printf("reserve 3/4 again: %s\n", b ? "ok" : strerrorname_np(errno));
		errno = 0;
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		printf("fork holding 3/4: %s\n", pid > 0 ? "ok" : strerrorname_np(errno));
		if (pid > 0)
			waitpid(pid, NULL, 0);
		sysctl_set("3");
		sysctl_set("-1");
	} else if (!strcmp(mode, "oom")) {
		/* B holds 60% touched and waits; C touches 60%: when memory
		 * runs out, B holds more than C, so B is killed and C ends */
		int go[2], ready[2];
		pipe(go);
		pipe(ready);
		size_t part = total / 10 * 6;
		pid_t b = holder(NULL, part, ready, go);
		pid_t cc = toucher(part);
		int st;
		waitpid(cc, &st, 0);
		status("toucher", st);
		write(go[1], "g", 1);
		waitpid(b, &st, 0);
		status("holder", st);
		/* alone, the biggest is the one faulting: it goes */
		pid_t d = fork();
		if (d == 0) {
			char *p = map(total); /* all of memory: more is refused at once */
			if (!p)
				_exit(1);
			touch(p, total);
			_exit(0);
		}
		waitpid(d, &st, 0);
		status("toucher of all memory", st);
		printf("init survives\n");
	} else if (!strcmp(mode, "adj")) {
		/* B holds 60% but is never to be taken (oom_score_adj -1000),
		 * S holds almost nothing but asks to be first (+1000); C
		 * touches 60%: S goes first, then C, the biggest left; B lives */
		int go[2], ready[2];
		pipe(go);
		pipe(ready);
		size_t part = total / 10 * 6;
		pid_t b = holder("-1000", part, ready, go);
		pid_t small = holder("1000", 0, ready, go);
		pid_t cc = toucher(part);
		int st;
		waitpid(cc, &st, 0);
		status("toucher", st);
		waitpid(small, &st, 0);
		status("small", st);
		write(go[1], "gg", 2);
		waitpid(b, &st, 0);
		status("holder", st);
	}
	printf("== %s done\n", mode);
	return 0;
}
