/* segv: a write to a read-only page kills the program with SIGSEGV. */
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("before\n");
	fflush(stdout);
	*(volatile char *)p = 1;
	printf("after\n");
	return 0;
}
