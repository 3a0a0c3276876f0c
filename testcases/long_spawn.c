/* long_spawn: one process starts N short programs (default 5000) one
 * after another with fork + execve of long_child, and checks that each
 * exits with status 3.  At checkpoints (before the first, and after every
 * N/5) it prints MemFree and Committed_AS from /proc/meminfo and, with
 * "wait", reads a line from stdin before it goes on, so that a harness can
 * take the kernel's host figures (fds, RSS) at the same point.
 *   long_spawn [N] [wait] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static long meminfo(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long v = -1;
	size_t k = strlen(key);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, k) && line[k] == ':')
			v = atol(line + k + 1);
	if (f)
		fclose(f);
	return v;
}

static int run_one(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *argv[] = { "long_child", NULL };
		execv("long_child", argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -2;
	return WIFEXITED(st) && WEXITSTATUS(st) == 3 ? 0 : -3;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5000;
	int wait = argc > 2 && !strcmp(argv[2], "wait");
	int every = n >= 5 ? n / 5 : 1, bad = 0, first_bad = -1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access("/proc/meminfo", R_OK)) { /* init of a fresh kernel */
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	/* a few rounds first: the program's pages come into the page cache */
	for (int i = 0; i < 20; i++)
		run_one();
	for (int i = 0; i <= n; i++) {
		if (i % every == 0 || i == n) {
			printf("checkpoint %d of %d: MemFree %ld kB, Committed_AS %ld kB, failures %d\n", i, n,
			       meminfo("MemFree"), meminfo("Committed_AS"), bad);
			if (wait) {
				char line[8];
				if (!fgets(line, sizeof(line), stdin))
					wait = 0;
			}
		}
		if (i == n)
			break;
		int r = run_one();
		if (r) {
			if (first_bad < 0) {
				first_bad = i;
				fprintf(stderr, "program %d failed (%d)\n", i, r);
			}
			bad++;
		}
	}
	printf("%d programs, %d failed\n", n, bad);
	return bad != 0;
}
