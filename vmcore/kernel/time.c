/* The guest's wall clock and the calls that set it.
 *
 * CLOCK_REALTIME in the guest is the host's CLOCK_REALTIME plus an offset
 * of the guest's own: clock_settime, settimeofday and adjtimex's
 * ADJ_SETOFFSET move the offset (with CAP_SYS_TIME, as Linux asks), never
 * the host's clock.  The monotonic and boot-time clocks are the host's and
 * cannot be set (EINVAL, as on Linux).  CLOCK_TAI is the wall clock plus
 * the TAI offset adjtimex keeps (0 until ADJ_TAI sets it).
 *
 * adjtimex's other modes (frequency, offset slewing, maxerror, status...)
 * are kept as values the next adjtimex reads back; the guest's clock does
 * not slew by them: there is no NTP discipline here, the host's clock is
 * already disciplined.  Timers armed on CLOCK_REALTIME are converted to
 * the monotonic clock when they are armed; a clock step does not move
 * them (Linux re-evaluates absolute ones), which is noted in
 * docs/compatibility.md. */
#include <vmcore/anon_inodes.h>
#include <vmcore/cred.h>
#include <vmcore/ktime.h>
#include <vmcore/syscall.h>
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>

static s64 real_offset_ns; /* guest wall clock - host wall clock */
static struct timex adj_state = { .status = STA_UNSYNC, .maxerror = 16000000, .esterror = 16000000,
				  .constant = 2, .precision = 1, .tolerance = 32768000, .tick = 10000 };
static int tai_offset;
static bool adj_seeded;

/* The guest's clock starts as the host's: its discipline state too (a
 * read-only adjtimex of the host, which changes nothing there). */
static void adj_seed(void)
{
	if (adj_seeded)
		return;
	adj_seeded = true;
	struct timex host;
	memset(&host, 0, sizeof(host));
	if (adjtimex(&host) >= 0) {
		adj_state = host;
		tai_offset = host.tai;
	}
}

/* TIME_SETTOD_SEC_MAX: what settimeofday accepts, leaving room for 30
 * years of uptime before the nanosecond count would overflow */
#define SETTOD_SEC_MAX (KTIME_SEC_MAX - 30LL * 365 * 86400)

void guest_realtime(struct timespec *ts)
{
	struct timespec host;
	clock_gettime(CLOCK_REALTIME, &host);
	s64 off = __atomic_load_n(&real_offset_ns, __ATOMIC_RELAXED);
	s64 ns = ts_to_ktime(&host) + off;
	*ts = ktime_to_ts(ns);
}

u64 krealtime_ns(void)
{
	struct timespec ts;
	guest_realtime(&ts);
	return ts_to_ktime(&ts);
}

/* clock c's time as the guest sees it: the wall clocks with the guest's
 * offset, the others the host's */
int guest_clock_now(clockid_t c, struct timespec *ts)
{
	switch (c) {
	case CLOCK_REALTIME: case CLOCK_REALTIME_ALARM: case CLOCK_REALTIME_COARSE:
		guest_realtime(ts);
		return 0;
	case CLOCK_TAI:
		guest_realtime(ts);
		ts->tv_sec += tai_offset;
		return 0;
	case CLOCK_BOOTTIME_ALARM:
		c = CLOCK_BOOTTIME;
		break;
	}
	return clock_gettime(c, ts) < 0 ? -errno : 0;
}

/* Step the guest's wall clock to ts. */
static void set_realtime(const struct timespec *ts)
{
	struct timespec host;
	clock_gettime(CLOCK_REALTIME, &host);
	__atomic_store_n(&real_offset_ns, ts_to_ktime(ts) - ts_to_ktime(&host), __ATOMIC_RELAXED);
	adj_state.status |= STA_UNSYNC;
	timerfd_clock_was_set(); /* CANCEL_ON_SET timers read ECANCELED */
}

static bool settod_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_sec < SETTOD_SEC_MAX && ts->tv_nsec >= 0 && ts->tv_nsec < NSEC_PER_SEC;
}

SYSCALL_DEFINE(clock_settime)
{
	clockid_t c = a->a[0];
	if (c != CLOCK_REALTIME)
		return -EINVAL; /* the others have no clock_set in Linux */
	struct timespec ts;
	if (copy_from_user(t->mm, &ts, a->a[1], sizeof(ts)) < 0)
		return -EFAULT;
	if (!settod_valid(&ts))
		return -EINVAL;
	if (!capable(t, CAP_SYS_TIME))
		return -EPERM;
	set_realtime(&ts);
	return 0;
}

SYSCALL_DEFINE(settimeofday)
{
	struct timeval tv;
	struct { int minuteswest, dsttime; } tz;
	if (a->a[0] && copy_from_user(t->mm, &tv, a->a[0], sizeof(tv)) < 0)
		return -EFAULT;
	if (a->a[1] && copy_from_user(t->mm, &tz, a->a[1], sizeof(tz)) < 0)
		return -EFAULT;
	struct timespec ts = { 0, 0 };
	if (a->a[0]) {
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		ts = (struct timespec){ tv.tv_sec, tv.tv_usec * 1000 };
		if (!settod_valid(&ts))
			return -EINVAL;
	}
	if (a->a[1] && (tz.minuteswest < -15 * 60 || tz.minuteswest > 15 * 60))
		return -EINVAL;
	if (!capable(t, CAP_SYS_TIME))
		return -EPERM;
	if (a->a[0])
		set_realtime(&ts);
	return 0;
}

/* adjtimex's work on a copied-in timex; returns the clock state */
static long do_adjtimex(struct task *t, struct timex *tx)
{
	adj_seed();
	unsigned modes = tx->modes;
	/* adjtime(3)'s modes: those two only; other unknown bits are ignored */
	bool single = modes & 0x8000 /* ADJ_ADJTIME */;
	if (single && modes != ADJ_OFFSET_SINGLESHOT && modes != ADJ_OFFSET_SS_READ)
		return -EINVAL;
	if (modes && modes != ADJ_OFFSET_SS_READ && !capable(t, CAP_SYS_TIME))
		return -EPERM;
	if (!single && (modes & ADJ_TICK) && (tx->tick < 9000 || tx->tick > 11000))
		return -EINVAL;
	if (!single && (modes & ADJ_SETOFFSET)) {
		s64 frac = tx->time.tv_usec;
		if (frac < 0 || frac >= ((modes & ADJ_NANO) ? NSEC_PER_SEC : 1000000))
			return -EINVAL;
		struct timespec now, delta = { tx->time.tv_sec, (modes & ADJ_NANO) ? frac : frac * 1000 };
		guest_realtime(&now);
		s64 to_ns;
		if (__builtin_add_overflow(ts_to_ktime(&now), ts_to_ktime(&delta), &to_ns) || to_ns < 0)
			return -EINVAL;
		struct timespec to = ktime_to_ts(to_ns);
		if (!settod_valid(&to))
			return -EINVAL;
		set_realtime(&to);
	}
	if (!single) {
		if (modes & ADJ_NANO)
			adj_state.status |= STA_NANO;
		if (modes & ADJ_MICRO)
			adj_state.status &= ~STA_NANO;
		if (modes & ADJ_STATUS)
			adj_state.status = (adj_state.status & (STA_NANO | STA_CLOCKERR)) |
					   (tx->status & ~(STA_NANO | STA_CLOCKERR | STA_PPSSIGNAL | STA_PPSJITTER |
							   STA_PPSWANDER | STA_PPSERROR | STA_CLK));
		if (modes & ADJ_FREQUENCY)
			adj_state.freq = tx->freq;
		if (modes & ADJ_MAXERROR)
			adj_state.maxerror = tx->maxerror;
		if (modes & ADJ_ESTERROR)
			adj_state.esterror = tx->esterror;
		if (modes & ADJ_TIMECONST)
			adj_state.constant = tx->constant;
		if ((modes & ADJ_TAI) && tx->constant >= 0)
			tai_offset = tx->constant;
		if (modes & ADJ_OFFSET)
			adj_state.offset = tx->offset;
		if (modes & ADJ_TICK)
			adj_state.tick = tx->tick;
	}
	long saved_offset = tx->offset;
	*tx = adj_state;
	if (single)
		tx->offset = modes == ADJ_OFFSET_SINGLESHOT ? saved_offset : 0;
	tx->modes = modes;
	tx->tai = tai_offset;
	struct timespec now;
	guest_realtime(&now);
	tx->time.tv_sec = now.tv_sec;
	tx->time.tv_usec = (adj_state.status & STA_NANO) ? now.tv_nsec : now.tv_nsec / 1000;
	return (adj_state.status & STA_UNSYNC) ? TIME_ERROR : TIME_OK;
}

static long adjtimex_user(struct task *t, u64 ubuf)
{
	struct timex tx;
	if (copy_from_user(t->mm, &tx, ubuf, sizeof(tx)) < 0)
		return -EFAULT;
	long r = do_adjtimex(t, &tx);
	if (r >= 0 && copy_to_user(t->mm, ubuf, &tx, sizeof(tx)) < 0)
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE(adjtimex)
{
	return adjtimex_user(t, a->a[0]);
}

SYSCALL_DEFINE(clock_adjtime)
{
	clockid_t c = a->a[0];
	if (c == CLOCK_REALTIME)
		return adjtimex_user(t, a->a[1]);
	switch (c) {
	case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM: case CLOCK_TAI: case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return -EOPNOTSUPP;
	}
	return -EINVAL;
}
