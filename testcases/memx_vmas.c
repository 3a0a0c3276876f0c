/* memx_vmas N PAGES: N processes each split a read-only mapping of PAGES
 * pages into one VMA per page (mprotect of every other page), together
 * far more VMAs than a small guest's memory would hold.  Each says how
 * many VMAs it reached (ENOMEM stops it) and holds them until all have
 * reported; prints each child's count and whether any met ENOMEM. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	long pages = argc > 2 ? atol(argv[2]) : 60000;
	int p[2];
	if (pipe(p) < 0)
		return 2;
	pid_t kids[64];
	for (int i = 0; i < n && i < 64; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			close(p[0]);
			char *m = mmap(NULL, pages * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			long made = 1, err = 0;
			if (m == MAP_FAILED) {
				err = errno;
			} else {
				for (long k = 1; k < pages; k += 2) {
					if (mprotect(m + k * 4096, 4096, PROT_NONE) < 0) {
						err = errno;
						break;
					}
					made += k + 1 < pages ? 2 : 1;
				}
			}
			long msg[2] = { made, err };
			if (write(p[1], msg, sizeof(msg)) != sizeof(msg))
				_exit(3);
			pause();
			_exit(0);
		}
	}
	close(p[1]);
	int enomem = 0;
	long total = 0;
	for (int i = 0; i < n; i++) {
		long msg[2];
		if (read(p[0], msg, sizeof(msg)) != sizeof(msg))
			return 2;
		total += msg[0];
		if (msg[1] == ENOMEM)
			enomem++;
		else if (msg[1])
			printf("child error %ld\n", msg[1]);
	}
	printf("vmas: %ld in %d processes, %d met ENOMEM\n", total, n, enomem);
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	/* and the VMAs came back: one more process gets its full count */
	pid_t c = fork();
	if (c == 0) {
		char *m = mmap(NULL, 2000 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (long k = 1; k < 2000; k += 2)
			if (mprotect(m + k * 4096, 4096, PROT_NONE) < 0)
				_exit(1);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	printf("after: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "splits work again" : "still ENOMEM");
	return 0;
}
