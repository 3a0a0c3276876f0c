/* spin: say so, then spin forever (for tests that kill ./linux). */
#include <stdio.h>

int main(void)
{
	printf("spinning\n");
	fflush(stdout);
	for (volatile unsigned long i = 0;; i++)
		;
}
