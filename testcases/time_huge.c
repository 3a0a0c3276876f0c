/* Timeouts of centuries: { INT64_MAX, 999999999 } and the like are valid
 * and mean "very long" (Linux saturates them at KTIME_MAX); each blocking
 * call here is cut short by a SIGALRM and must say EINTR, with the time
 * left, if it reports one, still centuries.  vmcore once multiplied them
 * into signed overflows (found by trinity under UBSan). */
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define CENTURIES ((int64_t)3000000000LL) /* ~95 years, in seconds */

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* SIGALRM every 20 ms from now on, so that every wait below ends */
static void tick(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	struct timespec huge = { INT64_MAX, 999999999 }, rem = { 0, 0 };

	tick();
	int r = (int)syscall(SYS_nanosleep, &huge, &rem);
	CHECK(r == -1 && errno == EINTR);
	CHECK(rem.tv_sec > CENTURIES && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);

	struct timespec top = { INT64_MAX, 0 };
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &top, NULL) == EINTR);
	CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &top, NULL) == EINTR);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &huge, NULL) == EINTR);

	static int word;
	r = (int)syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &huge, NULL, 0);
	CHECK(r == -1 && errno == EINTR);
	r = (int)syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 0, &top, NULL, FUTEX_BITSET_MATCH_ANY);
	CHECK(r == -1 && errno == EINTR);
	r = (int)syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &top, NULL,
			 FUTEX_BITSET_MATCH_ANY);
	CHECK(r == -1 && errno == EINTR);

	r = ppoll(NULL, 0, &huge, NULL);
	CHECK(r == -1 && errno == EINTR);
	r = pselect(0, NULL, NULL, NULL, &huge, NULL);
	CHECK(r == -1 && errno == EINTR);
	struct timeval tv = { INT64_MAX, 999999 };
	r = select(0, NULL, NULL, NULL, &tv);
	CHECK(r == -1 && errno == EINTR);
	CHECK(tv.tv_sec > CENTURIES);

	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	r = sigtimedwait(&usr1, NULL, &huge);
	CHECK(r == -1 && errno == EINTR);

	/* an interval timer of centuries: it fires once, then is far off */
	struct itimerval it = { { INT64_MAX, 999999 }, { 0, 1000 } }, cur;
	int before = alarms;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	while (alarms == before)
		pause();
	CHECK(getitimer(ITIMER_REAL, &cur) == 0);
	CHECK(cur.it_value.tv_sec > CENTURIES);
	CHECK(cur.it_interval.tv_sec > CENTURIES);

	timer_t id;
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	CHECK(timer_create(CLOCK_MONOTONIC, &sev, &id) == 0);
	struct itimerspec its = { { 0, 0 }, huge }, got;
	CHECK(timer_settime(id, 0, &its, NULL) == 0);
	CHECK(timer_gettime(id, &got) == 0);
	CHECK(got.it_value.tv_sec > CENTURIES);
	its.it_value = top;
	CHECK(timer_settime(id, TIMER_ABSTIME, &its, NULL) == 0);
	CHECK(timer_gettime(id, &got) == 0);
	CHECK(got.it_value.tv_sec > CENTURIES);

	printf("time_huge done, %s\n", fails ? "FAILED" : "all ok");
	return fails != 0;
}
