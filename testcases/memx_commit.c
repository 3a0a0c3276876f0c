/* memx_commit: what a fork adds to Committed_AS.  Linux charges a private
 * mapping to the commit limit only if it is writable when mapped: a
 * program's text and read-only data are not charged, however often it
 * forks.  The child's charge (the rise of Committed_AS while it lives)
 * must therefore stay below the process's size less its executable
 * mappings.  Guest only: natively, Committed_AS is the whole host's. */
#include <sys/wait.h>
#include "memx.h"

/* Sum of the sizes (kB) of this process's mappings whose permissions
 * have PERM at index I ('x' at 2: executable). */
static long maps_kb(int i, char perm)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	long kb = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && perms[i] == perm)
			kb += (hi - lo) >> 10;
	}
	fclose(f);
	return kb;
}

int main(void)
{
	long before = meminfo("Committed_AS");
	long exec_kb = maps_kb(2, 'x'), all_kb = maps_kb(0, 'r') + maps_kb(0, '-');
	int p[2];
	if (before < 0 || exec_kb <= 0 || pipe(p) < 0) {
		printf("FAIL setup: Committed_AS %ld, executable %ld kB\n", before, exec_kb);
		return 1;
	}
	pid_t c = fork();
	if (c == 0) {
		char b;
		close(p[1]);
		_exit(read(p[0], &b, 1) == 0 ? 0 : 1);
	}
	long during = meminfo("Committed_AS");
	close(p[1]);
	int st;
	waitpid(c, &st, 0);
	long after = meminfo("Committed_AS");
	long charge = during - before;
	int ok = charge > 0 && charge <= all_kb - exec_kb && after == before;
	printf("%s fork charges %ld kB of %ld kB mapped, %ld kB executable; back to %+ld kB\n",
	       ok ? "ok" : "FAIL", charge, all_kb, exec_kb, after - before);
	return ok ? 0 : 1;
}
