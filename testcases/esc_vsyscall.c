/* The legacy vsyscall page and the stub's pages, seen from the guest.
 *   esc_vsyscall time   gettimeofday, time and getcpu through their fixed
 *                       vsyscall addresses, then through the system calls;
 *                       the two must agree (the kernel, not the host,
 *                       answers both) or the call must fault
 *   esc_vsyscall signals  20000 vsyscall gettimeofday calls under an
 *                       interval timer: every call returns, every signal
 *                       is handled (a signal can be pending when the
 *                       kernel answers a vsyscall)
 *   esc_vsyscall stub   read the stub's data pages (0x7f0000010000, above
 *                       the guest's TASK_SIZE): a fault, or nothing but zeros
 * Output lines name what happened, for the test to judge. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static sigjmp_buf env;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

static int test_time(void)
{
	struct timeval tv = { 0, 0 };
	long (*vgtod)(struct timeval *, void *) = (void *)0xffffffffff600000UL;
	long (*vtime)(long *) = (void *)0xffffffffff600400UL;
	long (*vgetcpu)(unsigned *, unsigned *, void *) = (void *)0xffffffffff600800UL;

	if (sigsetjmp(env, 1) == 0) {
		long r = vgtod(&tv, NULL);
		struct timespec ts;
		syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
		long d = (long)ts.tv_sec - (long)tv.tv_sec;
		printf("vsyscall gettimeofday: returned %ld, %s the clock_gettime system call\n", r,
		       d >= 0 && d <= 1 ? "agrees with" : "differs from");
	} else {
		printf("vsyscall gettimeofday: SIGSEGV\n");
	}
	if (sigsetjmp(env, 1) == 0) {
		long t = vtime(NULL);
		long s = syscall(SYS_time, NULL);
		printf("vsyscall time: %s the time system call\n",
		       s - t >= 0 && s - t <= 1 ? "agrees with" : "differs from");
	} else {
		printf("vsyscall time: SIGSEGV\n");
	}
	if (sigsetjmp(env, 1) == 0) {
		unsigned vc = 99, sc = 98;
		vgetcpu(&vc, NULL, NULL);
		syscall(SYS_getcpu, &sc, NULL, NULL);
		printf("vsyscall getcpu: %s the getcpu system call\n", vc == sc ? "agrees with" : "differs from");
	} else {
		printf("vsyscall getcpu: SIGSEGV\n");
	}
	return 0;
}

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static int test_signals(void)
{
	long (*vgtod)(struct timeval *, void *) = (void *)0xffffffffff600000UL;
	struct itimerval it = { { 0, 500 }, { 0, 500 } };
	struct timeval tv;
	int bad = 0;
	signal(SIGALRM, on_alarm);
	setitimer(ITIMER_REAL, &it, NULL);
	for (int i = 0; i < 20000; i++)
		if (vgtod(&tv, NULL) != 0)
			bad++;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	printf("vsyscall under a timer: %d failed calls, signals %s\n", bad, alarms ? "handled" : "never came");
	return 0;
}

static int test_stub(void)
{
	volatile const unsigned char *p = (void *)0x7f0000010000UL;
	static volatile long nonzero;
	if (sigsetjmp(env, 1) == 0) {
		for (long i = 0; i < 4 * 4096; i++)
			if (p[i])
				nonzero++;
		printf("stub data pages: readable, %ld non-zero bytes\n", nonzero);
	} else {
		printf("stub data pages: SIGSEGV\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGSEGV, on_segv);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "stub"))
		return test_stub();
	if (argc > 1 && !strcmp(argv[1], "signals"))
		return test_signals();
	return test_time();
}
