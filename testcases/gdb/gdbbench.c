/* gdb gdbbench: for make bench's debugger figures: 16 MiB of memory to
 * read, and a loop without system calls to single-step through. */
#include <stdio.h>
#include <string.h>

char big[16 << 20];
volatile unsigned long sum;

void loop(void)
{
	for (unsigned long i = 0; i < 100000000UL; i++)  /* @loop */
		sum += i ^ (sum >> 3);
}

int main(int argc, char **argv)
{
	(void)argv;
	memset(big, 0x5a, sizeof(big));
	if (argc > 1)
		loop();
	printf("gdbbench %lu\n", sum);
	return 0;
}
