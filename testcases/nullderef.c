/* nullderef: a NULL dereference kills the program with SIGSEGV. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argv;
	volatile int *p = (volatile int *)(long)(argc - 1);
	printf("before\n");
	fflush(stdout);
	return *p;
}
