/* Helpers of the memx_* programs (memory limits): the pause in which the
 * host measures ./linux's memory, and reading /proc/meminfo. */
#ifndef TESTCASES_MEMX_H
#define TESTCASES_MEMX_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

/* Say "MEMX-WAIT" and block until the host writes a line (or closes our
 * stdin): the host reads the memory figures of ./linux meanwhile. */
static inline void memx_wait(void)
{
	char c;
	fflush(stdout);
	write(1, "MEMX-WAIT\n", 10);
	while (read(0, &c, 1) == 1 && c != '\n')
		;
}

/* A field of /proc/meminfo in kB, or -1 (proc is mounted on /proc if
 * it is not there yet). */
static inline long meminfo(const char *field)
{
	if (access("/proc/meminfo", R_OK) < 0) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = atol(line + n + 1);
	fclose(f);
	return v;
}
#endif
