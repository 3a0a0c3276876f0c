/* timers: alarm, setitimer, timer_create; a signal interrupts nanosleep
 * (with the time left) and a blocking read (EINTR). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int n;

static void h(int s)
{
	(void)s;
	n++;
}

int main(void)
{
	signal(SIGALRM, h);
	alarm(1);
	pause();
	printf("alarm: n=%d\n", n);
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	while (n < 6)
		pause();
	it.it_value.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	printf("setitimer: periodic ticks arrived\n");
	timer_t tid;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	signal(SIGUSR1, h);
	timer_create(CLOCK_MONOTONIC, &ev, &tid);
	struct itimerspec ts = { { 0, 0 }, { 0, 20000000 } };
	timer_settime(tid, 0, &ts, NULL);
	int before = n;
	struct timespec req = { 1, 0 }, rem;
	int r = nanosleep(&req, &rem);
	printf("nanosleep interrupted: r=%d errno=%s one signal=%d time left<1s=%d\n", r,
	       errno == EINTR ? "EINTR" : "?", n == before + 1, rem.tv_sec == 0 && rem.tv_nsec > 0);
	timer_delete(tid);
	struct sigaction sa = { .sa_handler = h, .sa_flags = 0 };
	sigaction(SIGALRM, &sa, NULL);
	int p[2];
	if (pipe(p) < 0)
		return 1;
	alarm(1);
	char c;
	r = read(p[0], &c, 1);
	printf("read interrupted: r=%d errno=%s\n", r, errno == EINTR ? "EINTR" : "?");
	return 0;
}
