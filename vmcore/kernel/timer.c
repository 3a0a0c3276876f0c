/* Interval timers: alarm, setitimer and the POSIX timer_* calls.
 *
 * Every armed timer sits on one list; a kernel thread sleeps (with the BKL
 * released) until the earliest expiry, sends the timers' signals and
 * re-arms the periodic ones.  Expiry is on CLOCK_MONOTONIC; a timer on
 * CLOCK_REALTIME is converted when it is armed.  The CPU-time clocks
 * (ITIMER_VIRTUAL/PROF, CLOCK_*_CPUTIME_ID) are sampled from the host
 * thread's run time every few milliseconds while such a timer is armed. */
#include <vmcore/ktime.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

struct ktimer {
	struct ktimer *next;
	struct task *owner;    /* the process (thread-group leader) */
	struct task *target;   /* SIGEV_THREAD_ID: a thread, else the owner */
	int id;                /* timer_create id; -1..-3 for ITIMER_* */
	int sig, notify;       /* signal and SIGEV_* */
	u64 value;             /* sigev_value */
	clockid_t clock;
	bool cpu;              /* a CPU-time clock */
	u64 expires;           /* monotonic (or CPU) ns; 0 = disarmed */
	u64 interval;
	int overrun, last_overrun;
	void (*fn)(void *arg);  /* a kernel wake-up (ktimer_new_fn): no signal, no owner */
	void *arg;
};

static struct ktimer *timers;
static pthread_cond_t timer_cond;
static bool timer_thread_started;

static u64 mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* CPU time of a task's host thread (ns), from the host's schedstat. */
u64 task_cpu_ns(struct task *t)
{
	if (!t->mm || !t->mm->as.pid)
		return 0;
	char p[80];
	snprintf(p, sizeof(p), "/proc/%d/task/%d/schedstat", t->mm->as.pid, t->ht.tid);
	FILE *f = fopen(p, "re");
	unsigned long long ns = 0;
	if (f) {
		if (fscanf(f, "%llu", &ns) != 1)
			ns = 0;
		fclose(f);
	}
	return ns;
}

static u64 timer_now(struct ktimer *k)
{
	return k->cpu ? task_cpu_ns(k->target) : mono_ns();
}

static void fire(struct ktimer *k)
{
	if (k->fn) {
		k->expires = 0; /* one-shot; fn may arm it again (not free timers) */
		k->fn(k->arg);
		return;
	}
	if (k->notify == SIGEV_NONE || k->owner->state != TASK_RUNNING)
		return;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = k->sig;
	if (k->id < 0) {
		si.si_code = SI_KERNEL;
	} else {
		si.si_code = SI_TIMER;
		si.si_timerid = k->id;
		si.si_overrun = k->overrun;
		si.si_value.sival_ptr = (void *)k->value;
	}
	k->last_overrun = k->overrun;
	k->overrun = 0;
	send_signal(k->target->state == TASK_RUNNING ? k->target : k->owner, k->sig, &si);
}

static void *timer_thread(void *arg)
{
	bkl_lock();
	for (;;) {
		u64 now = mono_ns(), next = 0;
		bool cpu = false;
		for (struct ktimer *k = timers; k; k = k->next) {
			if (!k->expires)
				continue;
			u64 tnow = k->cpu ? timer_now(k) : now;
			if (k->expires <= tnow) {
				fire(k);
				if (k->interval) {
					u64 missed = (tnow - k->expires) / k->interval, step;
					k->overrun += missed;
					if (__builtin_mul_overflow(missed + 1, k->interval, &step) ||
					    __builtin_add_overflow(k->expires, step, &k->expires) || k->expires > KTIME_MAX)
						k->expires = KTIME_MAX; /* an interval of centuries */
				} else if (!k->fn) {
					k->expires = 0;
				}
			}
			if (!k->expires)
				continue;
			if (k->cpu)
				cpu = true;
			else if (!next || k->expires < next)
				next = k->expires;
		}
		if (cpu && (!next || next > now + 4000000))
			next = now + 4000000; /* sample CPU clocks every 4 ms */
		if (!next) {
			bkl_wait(&timer_cond);
		} else {
			struct timespec abs = { next / 1000000000ULL, next % 1000000000ULL };
			bkl_wait_timeout(&timer_cond, &abs);
		}
	}
	return NULL;
}

static void timers_changed(void)
{
	if (!timer_thread_started) {
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&timer_cond, &ca);
		pthread_condattr_destroy(&ca);
		pthread_t th;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_create(&th, &attr, timer_thread, NULL);
		pthread_attr_destroy(&attr);
		timer_thread_started = true;
	}
	pthread_cond_broadcast(&timer_cond);
}

static struct ktimer *find_timer(struct task *owner, int id)
{
	for (struct ktimer *k = timers; k; k = k->next)
		if (k->owner == owner && k->id == id)
			return k;
	return NULL;
}

static struct ktimer *new_timer(struct task *owner, int id)
{
	struct ktimer *k = kzalloc(sizeof(*k));
	if (!k)
		return NULL;
	k->owner = k->target = owner;
	k->id = id;
	k->next = timers;
	timers = k;
	return k;
}

static void free_timer(struct ktimer *k)
{
	for (struct ktimer **pp = &timers; *pp; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	free(k);
}

/* Kernel wake-ups (timerfd): fn(arg) runs on the timer thread, BKL held,
 * when CLOCK_MONOTONIC reaches expires (ns; 0 disarms).  One-shot: the
 * user arms it again. */
struct ktimer *ktimer_new_fn(void (*fn)(void *arg), void *arg)
{
	struct ktimer *k = new_timer(NULL, -100);
	if (k) {
		k->fn = fn;
		k->arg = arg;
	}
	return k;
}

void ktimer_arm(struct ktimer *k, u64 expires)
{
	k->expires = expires;
	k->interval = 0;
	timers_changed();
}

void ktimer_free(struct ktimer *k)
{
	free_timer(k);
	timers_changed();
}

/* A process's timers go when it exits or execs (POSIX timers) . */
void exit_timers(struct task *t, bool exec)
{
	for (struct ktimer *k = timers, *n; k; k = n) {
		n = k->next;
		if (k->owner == t || k->target == t) {
			if (exec && k->id < 0 && k->target == k->owner)
				continue; /* itimers survive exec */
			free_timer(k);
		}
	}
}

static u64 ts_ns(const struct timespec *ts)
{
	return ts_to_ktime(ts); /* validated: >= 0 */
}

static struct timespec ns_ts(u64 ns)
{
	return (struct timespec){ ns / 1000000000ULL, ns % 1000000000ULL };
}

static u64 remaining(struct ktimer *k)
{
	if (!k || !k->expires)
		return 0;
	u64 now = timer_now(k);
	return k->expires > now ? k->expires - now : 1;
}

/* ITIMER_REAL = -1, ITIMER_VIRTUAL = -2, ITIMER_PROF = -3 as timer ids */
static long do_setitimer(struct task *t, int which, const struct itimerval *nv, struct itimerval *ov)
{
	static const int sigs[] = { SIGALRM, SIGVTALRM, SIGPROF };
	if (which < 0 || which > 2)
		return -EINVAL;
	struct ktimer *k = find_timer(t, -1 - which);
	if (ov) {
		u64 rem = remaining(k), iv = k ? k->interval : 0;
		ov->it_value.tv_sec = rem / 1000000000ULL;
		ov->it_value.tv_usec = rem % 1000000000ULL / 1000;
		ov->it_interval.tv_sec = iv / 1000000000ULL;
		ov->it_interval.tv_usec = iv % 1000000000ULL / 1000;
	}
	if (!nv)
		return 0;
	if (nv->it_value.tv_usec < 0 || nv->it_value.tv_usec >= 1000000 || nv->it_interval.tv_usec < 0 ||
	    nv->it_interval.tv_usec >= 1000000 || nv->it_value.tv_sec < 0 || nv->it_interval.tv_sec < 0)
		return -EINVAL;
	u64 val = tv_to_ktime(&nv->it_value);
	if (!k && !val)
		return 0;
	if (!k && !(k = new_timer(t, -1 - which)))
		return -ENOMEM;
	k->sig = sigs[which];
	k->notify = SIGEV_SIGNAL;
	k->cpu = which != 0;
	k->interval = tv_to_ktime(&nv->it_interval);
	k->expires = val ? timer_now(k) + val : 0;
	timers_changed();
	return 0;
}

SYSCALL_DEFINE(setitimer)
{
	struct itimerval nv, ov;
	if (a->a[1] && copy_from_user(t->mm, &nv, a->a[1], sizeof(nv)) < 0)
		return -EFAULT;
	long r = do_setitimer(t, a->a[0], a->a[1] ? &nv : NULL, &ov);
	if (r == 0 && a->a[2] && copy_to_user(t->mm, a->a[2], &ov, sizeof(ov)) < 0)
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE(getitimer)
{
	struct itimerval ov;
	long r = do_setitimer(t, a->a[0], NULL, &ov);
	if (r == 0 && copy_to_user(t->mm, a->a[1], &ov, sizeof(ov)) < 0)
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE(alarm)
{
	struct itimerval nv = { { 0, 0 }, { (long)(unsigned)a->a[0], 0 } }, ov;
	do_setitimer(t, 0, &nv, &ov);
	return ov.it_value.tv_sec + (ov.it_value.tv_usec >= 500000 || (!ov.it_value.tv_sec && ov.it_value.tv_usec));
}

struct k_sigevent {
	u64 value;
	int signo, notify;
	int tid;
	int pad[11];
};

SYSCALL_DEFINE(timer_create)
{
	clockid_t c = a->a[0];
	struct k_sigevent ev = { .value = 0, .signo = SIGALRM, .notify = SIGEV_SIGNAL };
	if (c != CLOCK_REALTIME && c != CLOCK_MONOTONIC && c != CLOCK_BOOTTIME && c != CLOCK_PROCESS_CPUTIME_ID &&
	    c != CLOCK_THREAD_CPUTIME_ID && c != CLOCK_REALTIME_ALARM && c != CLOCK_BOOTTIME_ALARM && c != CLOCK_TAI)
		return -EINVAL;
	if (a->a[1] && copy_from_user(t->mm, &ev, a->a[1], sizeof(ev)) < 0)
		return -EFAULT;
	struct task *target = t;
	switch (ev.notify) {
	case SIGEV_NONE:
		break;
	case SIGEV_SIGNAL:
	case SIGEV_THREAD_ID:
		if (ev.signo < 1 || ev.signo > _NSIG_LINUX)
			return -EINVAL;
		if (ev.notify == SIGEV_THREAD_ID) {
			target = task_find(ev.tid);
			if (!target || target->tgid != t->tgid)
				return -EINVAL;
		}
		break;
	default:
		return -EINVAL;
	}
	int id = 0;
	while (find_timer(t, id))
		id++;
	struct ktimer *k = new_timer(t, id);
	if (!k)
		return -EAGAIN;
	k->target = target;
	k->clock = c;
	k->cpu = c == CLOCK_PROCESS_CPUTIME_ID || c == CLOCK_THREAD_CPUTIME_ID;
	k->sig = ev.signo;
	k->notify = ev.notify;
	k->value = a->a[1] ? ev.value : (u64)id;
	if (copy_to_user(t->mm, a->a[2], &id, sizeof(id)) < 0) {
		free_timer(k);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE(timer_settime)
{
	struct ktimer *k = find_timer(t, a->a[0]);
	struct itimerspec nv, ov;
	if (!k || k->id < 0)
		return -EINVAL;
	if (copy_from_user(t->mm, &nv, a->a[2], sizeof(nv)) < 0)
		return -EFAULT;
	if (nv.it_value.tv_nsec < 0 || nv.it_value.tv_nsec >= 1000000000 || nv.it_interval.tv_nsec < 0 ||
	    nv.it_interval.tv_nsec >= 1000000000 || nv.it_value.tv_sec < 0 || nv.it_interval.tv_sec < 0)
		return -EINVAL;
	ov.it_value = ns_ts(remaining(k));
	ov.it_interval = ns_ts(k->interval);
	u64 val = ts_ns(&nv.it_value);
	k->interval = ts_ns(&nv.it_interval);
	k->overrun = 0;
	if (!val) {
		k->expires = 0;
	} else if (a->a[1] & TIMER_ABSTIME) {
		struct timespec now;
		guest_clock_now(k->cpu ? CLOCK_MONOTONIC : k->clock, &now);
		u64 n = ts_ns(&now);
		u64 base = timer_now(k);
		k->expires = val > n ? base + (val - n) : base;
		if (k->expires == base)
			k->expires = base ? base : 1;
	} else {
		k->expires = timer_now(k) + val;
	}
	timers_changed();
	if (a->a[3] && copy_to_user(t->mm, a->a[3], &ov, sizeof(ov)) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE(timer_gettime)
{
	struct ktimer *k = find_timer(t, a->a[0]);
	struct itimerspec ov;
	if (!k || k->id < 0)
		return -EINVAL;
	ov.it_value = ns_ts(remaining(k));
	ov.it_interval = ns_ts(k->interval);
	return copy_to_user(t->mm, a->a[1], &ov, sizeof(ov));
}

SYSCALL_DEFINE(timer_getoverrun)
{
	struct ktimer *k = find_timer(t, a->a[0]);
	if (!k || k->id < 0)
		return -EINVAL;
	return k->last_overrun;
}

SYSCALL_DEFINE(timer_delete)
{
	struct ktimer *k = find_timer(t, a->a[0]);
	if (!k || k->id < 0)
		return -EINVAL;
	free_timer(k);
	timers_changed();
	return 0;
}
