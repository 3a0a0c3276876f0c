/* pause_forever: say so, then sleep in pause(2) forever (for tests that look at or kill a running ./linux). */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("pausing\n");
	fflush(stdout);
	for (;;)
		pause();
}
