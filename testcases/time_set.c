/* Setting the wall clock: clock_settime, settimeofday, adjtimex.
 *
 *   time_set errors   the refusals (EINVAL before EPERM, as Linux checks);
 *                     run as nobody natively and in the guest: the same
 *   time_set step     (guest only, as root: it moves the clock) steps the
 *                     guest's clock a day ahead and checks that every way
 *                     of reading it, and new files' times, follow */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

#define DAY 86400

static int errors(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct timespec bad = { now.tv_sec, 1000000000 };
	errno = 0;
	CHECK(clock_settime(CLOCK_MONOTONIC, &now) == -1 && errno == EINVAL);
	CHECK(clock_settime(CLOCK_BOOTTIME, &now) == -1 && errno == EINVAL);
	CHECK(clock_settime(CLOCK_REALTIME, &bad) == -1 && errno == EINVAL);
	struct timespec neg = { -1, 0 };
	CHECK(clock_settime(CLOCK_REALTIME, &neg) == -1 && errno == EINVAL);
	CHECK(syscall(SYS_clock_settime, CLOCK_REALTIME, (void *)8) == -1 && errno == EFAULT);
	CHECK(clock_settime(CLOCK_REALTIME, &now) == -1 && errno == EPERM);
	struct timeval tv = { now.tv_sec, 1000000 };
	CHECK(settimeofday(&tv, NULL) == -1 && errno == EINVAL);
	tv.tv_usec = 0;
	CHECK(settimeofday(&tv, NULL) == -1 && errno == EPERM);
	struct timex tx;
	memset(&tx, 0, sizeof(tx));
	int state = adjtimex(&tx);
	CHECK(state >= 0 && state <= TIME_ERROR);
	CHECK(tx.time.tv_sec >= now.tv_sec && tx.time.tv_sec < now.tv_sec + 60);
	tx.modes = ADJ_SETOFFSET;
	CHECK(adjtimex(&tx) == -1 && errno == EPERM);
	memset(&tx, 0, sizeof(tx));
	tx.modes = 0x8000; /* ADJ_ADJTIME without SINGLESHOT */
	CHECK(adjtimex(&tx) == -1 && errno == EINVAL);
	tx.modes = 0x40000000; /* unknown bits: ignored, but a change needs CAP_SYS_TIME */
	CHECK(adjtimex(&tx) == -1 && errno == EPERM);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_OFFSET_SS_READ; /* a read: allowed */
	CHECK(adjtimex(&tx) >= 0);
	memset(&tx, 0, sizeof(tx));
	CHECK(clock_adjtime(CLOCK_MONOTONIC, &tx) == -1 && errno == EOPNOTSUPP);
	CHECK(clock_adjtime(12345, &tx) == -1 && errno == EINVAL);
	return fails != 0;
}

static long near(long a, long b)
{
	return a - b < 5 && b - a < 5;
}

static int step(void)
{
	struct timespec before, mono0, now, mono1;
	clock_gettime(CLOCK_REALTIME, &before);
	clock_gettime(CLOCK_MONOTONIC, &mono0);
	struct timespec ahead = { before.tv_sec + DAY, before.tv_nsec };
	/* a timerfd that asks to hear of clock steps */
	int tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	struct itimerspec its = { { 0, 0 }, { before.tv_sec + 3600, 0 } };
	CHECK(tfd >= 0 && timerfd_settime(tfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) == 0);
	uint64_t ticks;
	CHECK(read(tfd, &ticks, 8) == -1 && errno == EAGAIN);
	CHECK(clock_settime(CLOCK_REALTIME, &ahead) == 0);
	CHECK(read(tfd, &ticks, 8) == -1 && errno == ECANCELED);
	close(tfd);
	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_MONOTONIC, &mono1);
	CHECK(near(now.tv_sec, before.tv_sec + DAY));
	CHECK(near(mono1.tv_sec, mono0.tv_sec)); /* the monotonic clock does not jump */
	struct timeval tv;
	gettimeofday(&tv, NULL);
	CHECK(near(tv.tv_sec, before.tv_sec + DAY));
	CHECK(near(syscall(SYS_time, NULL), before.tv_sec + DAY));
	/* a tmpfs file takes the kernel's time (hostfs files take the host's) */
	CHECK(mount("tmpfs", "/tmp", "tmpfs", 0, NULL) == 0);
	int fd = open("/tmp/time_set.f", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	struct stat st;
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && near(st.st_mtime, before.tv_sec + DAY));
	close(fd);
	unlink("/tmp/time_set.f");
	umount("/tmp");
	/* an absolute sleep on the realtime clock, in the new time */
	struct timespec soon;
	clock_gettime(CLOCK_REALTIME, &soon);
	soon.tv_nsec += 20000000;
	if (soon.tv_nsec >= 1000000000) {
		soon.tv_sec++;
		soon.tv_nsec -= 1000000000;
	}
	struct timespec m0, m1;
	clock_gettime(CLOCK_MONOTONIC, &m0);
	CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &soon, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &m1);
	CHECK(m1.tv_sec - m0.tv_sec < 2);
	/* adjtimex: ADJ_SETOFFSET steps back a day */
	struct timex tx;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET;
	tx.time.tv_sec = -DAY;
	tx.time.tv_usec = 0;
	CHECK(adjtimex(&tx) >= 0);
	clock_gettime(CLOCK_REALTIME, &now);
	/* offsets that do not fit: refused, nothing moves */
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET;
	tx.time.tv_sec = INT64_MAX / 2;
	CHECK(adjtimex(&tx) == -1 && errno == EINVAL);
	tx.time.tv_sec = 0;
	tx.time.tv_usec = 1000000;
	CHECK(adjtimex(&tx) == -1 && errno == EINVAL);
	tx.time.tv_usec = INT64_MAX / 10;
	CHECK(adjtimex(&tx) == -1 && errno == EINVAL);
	CHECK(near(now.tv_sec, before.tv_sec));
	/* settimeofday ahead, then back */
	gettimeofday(&tv, NULL);
	tv.tv_sec += 3600;
	CHECK(settimeofday(&tv, NULL) == 0);
	CHECK(near(time(NULL), before.tv_sec + 3600));
	tv.tv_sec -= 3600;
	CHECK(settimeofday(&tv, NULL) == 0);
	CHECK(near(time(NULL), before.tv_sec));
	return fails != 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "step"))
		return step();
	return errors();
}
