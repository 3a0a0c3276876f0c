/* Time arithmetic on values the guest gives: nanosecond counts saturate at
 * KTIME_MAX (about 292 years), as Linux's ktime_t does, so that a timeout
 * of { INT64_MAX, 0 } means "very long", not a signed overflow or a
 * deadline in the past. */
#ifndef VMCORE_KTIME_H
#define VMCORE_KTIME_H
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#define NSEC_PER_SEC 1000000000LL
#define KTIME_MAX INT64_MAX
#define KTIME_SEC_MAX (KTIME_MAX / NSEC_PER_SEC)

/* sec seconds and nsec (|nsec| < 1 s) nanoseconds, saturating */
static inline int64_t ktime_set(int64_t sec, int64_t nsec)
{
	if (sec >= KTIME_SEC_MAX)
		return KTIME_MAX;
	if (sec <= -KTIME_SEC_MAX)
		return -KTIME_MAX;
	return sec * NSEC_PER_SEC + nsec;
}

static inline int64_t ts_to_ktime(const struct timespec *ts)
{
	return ktime_set(ts->tv_sec, ts->tv_nsec % NSEC_PER_SEC);
}

/* a timeval, its microseconds carried into seconds as select(2) does */
static inline int64_t tv_to_ktime(const struct timeval *tv)
{
	int64_t sec = tv->tv_sec, carry = tv->tv_usec / 1000000;
	if (__builtin_add_overflow(sec, carry, &sec))
		return sec < 0 ? -KTIME_MAX : KTIME_MAX;
	return ktime_set(sec, tv->tv_usec % 1000000 * 1000);
}

/* a - b, saturating */
static inline int64_t ts_sub_ktime(const struct timespec *a, const struct timespec *b)
{
	int64_t sec;
	if (__builtin_sub_overflow((int64_t)a->tv_sec, (int64_t)b->tv_sec, &sec))
		return (int64_t)a->tv_sec < 0 ? -KTIME_MAX : KTIME_MAX;
	return ktime_set(sec, a->tv_nsec - b->tv_nsec);
}

/* ts + ns (ns < 0 counts as 0): a deadline that cannot overflow */
static inline struct timespec ts_add_ktime(struct timespec ts, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	ts.tv_sec += ns / NSEC_PER_SEC; /* ts is a clock's now: far from the top */
	ts.tv_nsec += ns % NSEC_PER_SEC;
	if (ts.tv_nsec >= NSEC_PER_SEC) {
		ts.tv_sec++;
		ts.tv_nsec -= NSEC_PER_SEC;
	}
	return ts;
}

/* ns >= 0 as a timespec */
static inline struct timespec ktime_to_ts(int64_t ns)
{
	if (ns < 0)
		ns = 0;
	return (struct timespec){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

#endif
