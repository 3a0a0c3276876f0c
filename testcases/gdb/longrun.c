/* gdb longrun: prints "tick N" every 50 ms for at most argv[1] seconds
 * (default 30), so that a test sees it go on running after a detach.
 * With argv[2] "spin" it waits between ticks in a busy loop (no system
 * call but an occasional clock_gettime) instead of nanosleep. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile long ticks;
volatile unsigned long spins;

void tick(void)
{
	ticks++;
	printf("tick %ld\n", ticks);    /* @tick */
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void spin_until(double end)
{
	while (now() < end)
		for (unsigned long i = 0; i < (1UL << 20); i++)
			spins++;        /* @spin */
}

int main(int argc, char **argv)
{
	long limit = (argc > 1 ? atol(argv[1]) : 30) * 20;
	int spin = argc > 2 && strcmp(argv[2], "spin") == 0;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	while (ticks < limit) {
		tick();
		if (spin)
			spin_until(now() + 0.05);
		else
			nanosleep(&ts, NULL);
	}
	printf("longrun done\n");
	return 0;
}
