/* timerfd_create(2), timerfd_settime, timerfd_gettime: a timer read as a
 * file.
 *
 * A timerfd keeps its next expiry on its own clock (CLOCK_REALTIME,
 * CLOCK_MONOTONIC, CLOCK_BOOTTIME; the _ALARM ones are their base clocks
 * here, and need CAP_WAKE_ALARM as on Linux) and its interval.  The
 * expirations are counted lazily: whoever looks (read, poll, gettime)
 * first turns the expiries that have passed into ticks, as Linux's
 * hrtimer_forward does, so a periodic timer nobody reads costs nothing.
 * Only the wake-up is active: a one-shot kernel timer on the timer thread
 * (kernel/timer.c, ktimer_new_fn), armed on CLOCK_MONOTONIC for the next
 * expiry while no tick is pending, wakes the readers (the file's
 * condition) and the poll/select sleepers (poll_wake).  A read of 8 bytes
 * takes the count and waits while it is 0 (EAGAIN under O_NONBLOCK;
 * -ERESTARTSYS on a signal).  Values saturate at KTIME_MAX (vmcore/ktime.h).
 *
 * TFD_TIMER_CANCEL_ON_SET with TFD_TIMER_ABSTIME on a realtime clock: when
 * the realtime clock is set (timerfd_clock_was_set, called by the clock's
 * setters) the timer counts a tick and its next read fails with ECANCELED
 * once, as Linux's.  The realtime timers then re-arm their wake-ups, since
 * the clock moved under the monotonic deadline. */
#include <vmcore/anon_inodes.h>
#include <vmcore/cred.h>
#include <vmcore/ktime.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>

#ifndef CAP_WAKE_ALARM
#define CAP_WAKE_ALARM 35
#endif

struct timerfd {
	struct timerfd *next;  /* all timerfds, for timerfd_clock_was_set */
	clockid_t clock;       /* the base clock (no _ALARM) */
	u64 expires;           /* next expiry on clock (ns); 0: disarmed */
	u64 interval;
	u64 ticks;             /* expirations not yet read */
	bool might_cancel;     /* ABSTIME | CANCEL_ON_SET on a realtime clock */
	bool canceled;         /* the clock was set: the next read is ECANCELED */
	struct ktimer *wake;
	pthread_cond_t cond;
	struct file *file;     /* its file (no reference), for poll_notify_file */
};

static struct timerfd *timerfds;
static const struct file_ops timerfd_fops;

static u64 clock_ns(clockid_t c)
{
	struct timespec ts;
	guest_clock_now(c, &ts); /* the wall clocks with the guest's offset */
	return ts_to_ktime(&ts);
}

static u64 sat_add(u64 a, u64 b)
{
	u64 r;
	return __builtin_add_overflow(a, b, &r) || r > KTIME_MAX ? KTIME_MAX : r;
}

/* Turn the expiries that have passed into ticks. */
static void tfd_update(struct timerfd *c)
{
	if (!c->expires)
		return;
	u64 now = clock_ns(c->clock);
	if (now < c->expires)
		return;
	u64 n = 1;
	if (c->interval) {
		u64 step;
		n += (now - c->expires) / c->interval;
		if (__builtin_mul_overflow(n, c->interval, &step))
			step = KTIME_MAX;
		c->expires = sat_add(c->expires, step);
	} else {
		c->expires = 0;
	}
	if (__builtin_add_overflow(c->ticks, n, &c->ticks))
		c->ticks = ~0ULL;
}

/* The wake-up for the next expiry, needed only while no tick waits. */
static void tfd_arm(struct timerfd *c)
{
	if (c->ticks || !c->expires) {
		ktimer_arm(c->wake, 0);
		return;
	}
	u64 now = clock_ns(c->clock), mono = clock_ns(CLOCK_MONOTONIC);
	ktimer_arm(c->wake, c->expires > now ? sat_add(mono, c->expires - now) : mono ? mono : 1);
}

static void tfd_wake(void *arg)
{
	struct timerfd *c = arg;
	tfd_update(c);
	tfd_arm(c);
	if (c->ticks) {
		pthread_cond_broadcast(&c->cond);
		poll_notify_file(c->file, POLLIN);
	}
}

static long tfd_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	struct timerfd *c = f->priv;
	if (len < 8)
		return -EINVAL;
	for (;;) {
		tfd_update(c);
		if (c->ticks)
			break;
		tfd_arm(c);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_interruptible(current, &c->cond, NULL) < 0)
			return -ERESTARTSYS;
	}
	if (c->canceled) {
		c->canceled = false;
		c->ticks = 0;
		tfd_arm(c);
		return -ECANCELED;
	}
	memcpy(buf, &c->ticks, 8);
	c->ticks = 0;
	tfd_arm(c);
	return 8;
}

static unsigned tfd_poll(struct file *f)
{
	struct timerfd *c = f->priv;
	tfd_update(c);
	return c->ticks ? POLLIN : 0;
}

static void tfd_release(struct file *f)
{
	struct timerfd *c = f->priv;
	for (struct timerfd **pp = &timerfds; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ktimer_free(c->wake);
	pthread_cond_destroy(&c->cond);
	free(c);
}

static const struct file_ops timerfd_fops = {
	.read = tfd_read,
	.poll = tfd_poll,
	.release = tfd_release,
};

void timerfd_clock_was_set(void)
{
	for (struct timerfd *c = timerfds; c; c = c->next) {
		if (c->clock != CLOCK_REALTIME)
			continue;
		if (c->might_cancel && !c->canceled) {
			c->canceled = true;
			c->ticks = c->ticks == ~0ULL ? c->ticks : c->ticks + 1;
		}
		tfd_update(c);
		tfd_arm(c);
		if (c->ticks) {
			pthread_cond_broadcast(&c->cond);
			poll_notify_file(c->file, POLLIN);
		}
	}
}

SYSCALL_DEFINE(timerfd_create)
{
	clockid_t clock = a->a[0];
	int flags = a->a[1];
	if ((flags & ~(TFD_CLOEXEC | TFD_NONBLOCK)) ||
	    (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
	     clock != CLOCK_REALTIME_ALARM && clock != CLOCK_BOOTTIME_ALARM))
		return -EINVAL;
	if ((clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM) && !capable(t, CAP_WAKE_ALARM))
		return -EPERM;
	struct timerfd *c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->clock = clock == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME : clock == CLOCK_BOOTTIME_ALARM ? CLOCK_BOOTTIME : clock;
	if (!(c->wake = ktimer_new_fn(tfd_wake, c))) {
		free(c);
		return -ENOMEM;
	}
	pthread_cond_init(&c->cond, NULL);
	c->next = timerfds;
	timerfds = c;
	bool released;
	int fd = anon_inode_getfd(t, "[timerfd]", &timerfd_fops, c, O_RDWR | (flags & TFD_NONBLOCK),
				  flags & TFD_CLOEXEC, &released);
	if (fd < 0 && !released)
		tfd_release(&(struct file){ .priv = c });
	if (fd >= 0)
		c->file = fd_get(t, fd);
	return fd;
}

static bool ts_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && (unsigned long)ts->tv_nsec < NSEC_PER_SEC;
}

/* The timer's setting now: time to the next expiry and the interval. */
static void tfd_get(struct timerfd *c, struct itimerspec *v)
{
	tfd_update(c);
	u64 left = 0;
	if (c->expires) {
		u64 now = clock_ns(c->clock);
		left = c->expires > now ? c->expires - now : 1;
	}
	v->it_value = ktime_to_ts(left);
	v->it_interval = ktime_to_ts(c->interval);
}

static struct timerfd *timerfd_of(struct task *t, int fd, long *err)
{
	struct file *f = fd_get(t, fd);
	*err = !f ? -EBADF : f->ops != &timerfd_fops ? -EINVAL : 0;
	return *err ? NULL : f->priv;
}

SYSCALL_DEFINE(timerfd_settime)
{
	int flags = a->a[1];
	struct itimerspec nv, ov;
	if (copy_from_user(t->mm, &nv, a->a[2], sizeof(nv)) < 0)
		return -EFAULT;
	if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) || !ts_valid(&nv.it_value) ||
	    !ts_valid(&nv.it_interval))
		return -EINVAL;
	long err;
	struct timerfd *c = timerfd_of(t, a->a[0], &err);
	if (!c)
		return err;
	tfd_get(c, &ov);
	c->might_cancel = c->clock == CLOCK_REALTIME && (flags & TFD_TIMER_ABSTIME) &&
			  (flags & TFD_TIMER_CANCEL_ON_SET);
	c->canceled = false;
	c->ticks = 0;
	c->interval = ts_to_ktime(&nv.it_interval);
	u64 val = ts_to_ktime(&nv.it_value);
	if (!val)
		c->expires = 0;
	else if (flags & TFD_TIMER_ABSTIME)
		c->expires = val;
	else
		c->expires = sat_add(clock_ns(c->clock), val);
	tfd_update(c); /* an absolute time already past counts at once */
	tfd_arm(c);
	if (c->ticks) {
		pthread_cond_broadcast(&c->cond);
		poll_notify_file(c->file, POLLIN);
	}
	if (a->a[3] && copy_to_user(t->mm, a->a[3], &ov, sizeof(ov)) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(timerfd_gettime)
{
	long err;
	struct timerfd *c = timerfd_of(t, a->a[0], &err);
	if (!c)
		return err;
	struct itimerspec v;
	tfd_get(c, &v);
	return copy_to_user(t->mm, a->a[1], &v, sizeof(v)) < 0 ? -EFAULT : 0;
}
