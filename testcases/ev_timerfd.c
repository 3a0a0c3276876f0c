/* ev_timerfd: timerfd_create, timerfd_settime, timerfd_gettime as Linux
 * has them: clocks and flags, EINVAL/EBADF/EAGAIN/EPERM, one-shot and
 * periodic timers (counts checked against bounds measured around the
 * read, so they cannot flake), absolute times, poll readiness, huge
 * values saturating, a signal ending a blocked read.  Arg "alarm": only
 * the _ALARM clocks' creation (root has CAP_WAKE_ALARM, nobody not). */
#include "ev_common.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>

static int64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_alarm(int s)
{
	(void)s;
}

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static void arm(int fd, int flags, int64_t val, int64_t iv)
{
	struct itimerspec it = { { iv / 1000000000, iv % 1000000000 }, { val / 1000000000, val % 1000000000 } };
	if (timerfd_settime(fd, flags, &it, NULL) < 0)
		printf("settime failed %d\n", errno);
}

static void alarm_clocks(void)
{
	static const clockid_t cs[] = { CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM };
	for (int i = 0; i < 2; i++) {
		int fd = timerfd_create(cs[i], 0);
		printf("alarm clock %d: %s\n", cs[i], fd >= 0 ? "created" : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	ev_setup(&argc, &argv);
	if (argc > 1 && !strcmp(argv[1], "alarm")) {
		alarm_clocks();
		return 0;
	}
	uint64_t v;
	struct itimerspec it, old;
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	CHECK(fd >= 0);
	CHECK(strcmp(fd_link(fd), "anon_inode:[timerfd]") == 0);
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	CHECK(ERR(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL));
	CHECK(ERR(timerfd_create(CLOCK_MONOTONIC_RAW, 0), EINVAL));
	CHECK(ERR(timerfd_create(CLOCK_TAI, 0), EINVAL));
	CHECK(ERR(timerfd_create(CLOCK_MONOTONIC, 0x10), EINVAL));
	CHECK(ERR(timerfd_create(CLOCK_MONOTONIC, TFD_TIMER_ABSTIME), EINVAL));
	int fd2 = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	CHECK(fd2 >= 0 && (fcntl(fd2, F_GETFD) & FD_CLOEXEC) && (fcntl(fd2, F_GETFL) & O_NONBLOCK));
	CHECK(timerfd_gettime(fd, &it) == 0 && !it.it_value.tv_sec && !it.it_value.tv_nsec &&
	      !it.it_interval.tv_sec && !it.it_interval.tv_nsec);
	CHECK(ERR(read(fd2, &v, 8), EAGAIN));
	CHECK(ERR(read(fd2, &v, 4), EINVAL));
	CHECK(revents(fd2) == 0);

	/* errors of settime and gettime */
	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
	CHECK(ERR(timerfd_settime(fd, 0, &bad, NULL), EINVAL));
	bad.it_value = (struct timespec){ -1, 0 };
	CHECK(ERR(timerfd_settime(fd, 0, &bad, NULL), EINVAL));
	bad.it_value = (struct timespec){ 1, 0 };
	bad.it_interval = (struct timespec){ 0, -1 };
	CHECK(ERR(timerfd_settime(fd, 0, &bad, NULL), EINVAL));
	struct itimerspec zero = { { 0, 0 }, { 0, 0 } };
	CHECK(ERR(timerfd_settime(fd, 4, &zero, NULL), EINVAL));
	CHECK(ERR(timerfd_settime(99, 0, &zero, NULL), EBADF));
	int efd = eventfd(0, 0);
	CHECK(ERR(timerfd_settime(efd, 0, &zero, NULL), EINVAL));
	CHECK(ERR(timerfd_gettime(efd, &it), EINVAL));
	CHECK(ERR(timerfd_gettime(99, &it), EBADF));
	CHECK(ERR(timerfd_settime(fd, 0, NULL, NULL), EFAULT));
	CHECK(ERR(timerfd_gettime(fd, NULL), EFAULT));
	close(efd);
	CHECK(timerfd_settime(fd2, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &zero, NULL) == 0);

	/* one-shot, relative: a blocking read counts 1, then disarmed */
	arm(fd, 0, 20000000, 0);
	CHECK(timerfd_gettime(fd, &it) == 0 && it.it_value.tv_sec == 0 && it.it_value.tv_nsec > 0 &&
	      it.it_value.tv_nsec <= 20000000);
	CHECK(read(fd, &v, 8) == 8 && v == 1);
	CHECK(timerfd_gettime(fd, &it) == 0 && !it.it_value.tv_sec && !it.it_value.tv_nsec);
	CHECK(revents(fd) == 0);

	/* poll wakes when it expires; on the realtime and boottime clocks too */
	static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME };
	for (int i = 0; i < 3; i++) {
		int t = timerfd_create(clocks[i], 0);
		arm(t, 0, 10000000, 0);
		struct pollfd p = { t, POLLIN, 0 };
		CHECK(poll(&p, 1, -1) == 1 && p.revents == POLLIN);
		CHECK(read(t, &v, 8) == 8 && v == 1);
		close(t);
	}

	/* periodic: the count lies between the expiries surely past at the
	 * read and those possibly past */
	int64_t iv = 2000000, t0 = now_ns(CLOCK_MONOTONIC);
	arm(fd, 0, iv, iv);
	CHECK(read(fd, &v, 8) == 8 && v >= 1);
	int64_t f1 = now_ns(CLOCK_MONOTONIC);
	while (now_ns(CLOCK_MONOTONIC) < f1 + 30 * iv)
		;
	int64_t r0 = now_ns(CLOCK_MONOTONIC);
	uint64_t first = v;
	CHECK(read(fd, &v, 8) == 8);
	int64_t r1 = now_ns(CLOCK_MONOTONIC);
	/* expiries at A + k*iv, t0 <= A: those in (f1, r0] were surely
	 * left for the second read, and both reads got at most those before r1 */
	uint64_t lo = (r0 - f1) / iv - 1, hi = (r1 - t0) / iv + 1;
	CHECK(v >= lo && first + v <= hi);
	CHECK(timerfd_gettime(fd, &it) == 0 && it.it_interval.tv_nsec == iv && it.it_value.tv_sec == 0 &&
	      it.it_value.tv_nsec <= iv);

	/* the old setting */
	arm(fd, 0, 10000000000LL, 2000000000LL);
	it = zero;
	CHECK(timerfd_settime(fd, 0, &zero, &old) == 0 && old.it_interval.tv_sec == 2 &&
	      !old.it_interval.tv_nsec && old.it_value.tv_sec <= 10 && old.it_value.tv_sec >= 8);
	CHECK(timerfd_gettime(fd, &it) == 0 && !it.it_value.tv_sec && !it.it_value.tv_nsec);

	/* absolute: in the future, and in the past (at once) */
	arm(fd, TFD_TIMER_ABSTIME, now_ns(CLOCK_MONOTONIC) + 10000000, 0);
	CHECK(read(fd, &v, 8) == 8 && v == 1);
	arm(fd, TFD_TIMER_ABSTIME, now_ns(CLOCK_MONOTONIC) - 1000, 0);
	CHECK(revents(fd) == POLLIN);
	CHECK(read(fd, &v, 8) == 8 && v == 1);
	int64_t b0 = now_ns(CLOCK_MONOTONIC);
	arm(fd2, TFD_TIMER_ABSTIME, now_ns(CLOCK_REALTIME) - 3500000000LL, 1000000000);
	CHECK(read(fd2, &v, 8) == 8);
	int64_t b1 = now_ns(CLOCK_MONOTONIC);
	CHECK(v >= 4 && v <= 4 + (uint64_t)(b1 - b0) / 1000000000 + 1);
	arm(fd2, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, now_ns(CLOCK_REALTIME) + 1000000000LL, 0);
	CHECK(ERR(read(fd2, &v, 8), EAGAIN));
	CHECK(timerfd_gettime(fd2, &it) == 0 && it.it_value.tv_sec == 0 && it.it_value.tv_nsec > 0);

	/* huge values saturate (KTIME_MAX, about 292 years) */
	struct itimerspec huge = { { 0, 0 }, { INT64_MAX, 999999999 } };
	CHECK(timerfd_settime(fd, 0, &huge, NULL) == 0);
	CHECK(timerfd_gettime(fd, &it) == 0 && it.it_value.tv_sec > 9000000000LL &&
	      it.it_value.tv_sec <= 9223372036LL);
	huge = (struct itimerspec){ { INT64_MAX, 0 }, { 0, 1 } };
	CHECK(timerfd_settime(fd, 0, &huge, NULL) == 0);
	CHECK(read(fd, &v, 8) == 8 && v == 1);
	CHECK(timerfd_gettime(fd, &it) == 0 && it.it_interval.tv_sec == 9223372036LL &&
	      it.it_interval.tv_nsec == 854775807 && it.it_value.tv_sec > 9000000000LL);
	CHECK(revents(fd) == 0);

	/* a signal ends a blocked read */
	arm(fd, 0, 0, 0);
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval itv = { { 0, 20000 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &itv, NULL);
	CHECK(ERR(read(fd, &v, 8), EINTR));
	memset(&itv, 0, sizeof(itv));
	setitimer(ITIMER_REAL, &itv, NULL);
	close(fd);
	close(fd2);
	alarm_clocks();
	printf("%s\n", fails ? "FAILED" : "PASSED");
	return fails != 0;
}
