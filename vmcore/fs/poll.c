/* poll, ppoll, select, pselect6.
 *
 * Readiness comes from each file's poll operation (files without one are
 * always ready, as regular files are).  A sleeper waits on one global
 * condition that every change of readiness broadcasts (poll_wake): simple,
 * and with the BKL no wake-up can be lost between the check and the sleep. */
#include <vmcore/ktime.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

static unsigned file_poll(struct file *f)
{
	if (f->ops && f->ops->poll)
		return f->ops->poll(f);
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

static int deadline(s64 ms_or_ns, bool ns, struct timespec *abs)
{
	clock_gettime(CLOCK_MONOTONIC, abs);
	s64 add = ns ? ms_or_ns : ms_or_ns * 1000000LL; /* poll's ms: an int */
	*abs = ts_add_ktime(*abs, add);
	return 0;
}

static s64 ns_left(const struct timespec *abs)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s64 l = ts_sub_ktime(abs, &now);
	return l > 0 ? l : 0;
}

/* Wait until one of fds is ready, the deadline (NULL: none; zero: poll
 * once), or a signal.  Returns the count, or -ERESTARTNOHAND. */
static long do_poll(struct task *t, struct pollfd *fds, u64 n, const struct timespec *abs, bool once)
{
	for (;;) {
		long count = 0;
		for (u64 i = 0; i < n; i++) {
			fds[i].revents = 0;
			if (fds[i].fd < 0)
				continue;
			struct file *f = fd_get(t, fds[i].fd);
			unsigned m = f ? file_poll(f) : POLLNVAL;
			fds[i].revents = m & (fds[i].events | POLLERR | POLLHUP | POLLNVAL);
			if (fds[i].revents)
				count++;
		}
		if (count || once)
			return count;
		int r = wait_interruptible(t, &poll_cond, abs);
		if (r == -ETIMEDOUT)
			once = true;
		else if (r < 0)
			return -ERESTARTNOHAND;
	}
}

static long poll_common(struct task *t, u64 ufds, u64 n, struct timespec *abs, bool once)
{
	if (n > t->rlimits[RLIMIT_NOFILE][0] || n > 65536)
		return -EINVAL;
	struct pollfd *fds = calloc(n ? n : 1, sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	if (n && copy_from_user(t->mm, fds, ufds, n * sizeof(*fds)) < 0) {
		free(fds);
		return -EFAULT;
	}
	long r = do_poll(t, fds, n, abs, once);
	if (r >= 0)
		for (u64 i = 0; i < n; i++)
			if (copy_to_user(t->mm, ufds + i * sizeof(*fds) + offsetof(struct pollfd, revents),
					 &fds[i].revents, sizeof(short)) < 0) {
				r = -EFAULT;
				break;
			}
	free(fds);
	return r;
}

SYSCALL_DEFINE(poll)
{
	int ms = a->a[2];
	struct timespec abs;
	if (ms > 0)
		deadline(ms, false, &abs);
	long r = poll_common(t, a->a[0], a->a[1], ms > 0 ? &abs : NULL, ms == 0);
	return r == -ERESTARTNOHAND ? -EINTR : r;
}

/* A temporary signal mask for ppoll/pselect6, restored after the handler
 * if a signal interrupts the call (as sigsuspend does). */
long poll_set_tmp_mask(struct task *t, u64 umask, u64 size, u64 *saved)
{
	*saved = t->sigmask;
	if (!umask)
		return 0;
	if (size != 8)
		return -EINVAL;
	u64 m;
	if (copy_from_user(t->mm, &m, umask, 8) < 0)
		return -EFAULT;
	t->sigmask = m & ~SIG_UNBLOCKABLE;
	return 0;
}

void poll_end_tmp_mask(struct task *t, long r, u64 saved)
{
	if (r == -ERESTARTNOHAND || r == -EINTR) {
		t->saved_sigmask = saved;
		t->restore_sigmask = true;
	} else {
		t->sigmask = saved;
	}
}

SYSCALL_DEFINE(ppoll)
{
	struct timespec ts, abs;
	bool once = false, has = a->a[2] != 0;
	if (has) {
		if (copy_from_user(t->mm, &ts, a->a[2], sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		once = !ts.tv_sec && !ts.tv_nsec;
		deadline(ts_to_ktime(&ts), true, &abs);
	}
	u64 saved;
	long r = poll_set_tmp_mask(t, a->a[3], a->a[4], &saved);
	if (r < 0)
		return r;
	r = poll_common(t, a->a[0], a->a[1], has ? &abs : NULL, once);
	if (r == -ERESTARTNOHAND)
		r = -EINTR;
	poll_end_tmp_mask(t, r, saved);
	if (has && r >= 0) {
		s64 l = ns_left(&abs);
		struct timespec rem = { l / 1000000000LL, l % 1000000000LL };
		copy_to_user(t->mm, a->a[2], &rem, sizeof(rem));
	}
	return r;
}

static long do_select(struct task *t, int nfds, u64 uin, u64 uout, u64 uex, struct timespec *abs, bool once)
{
	if (nfds < 0)
		return -EINVAL;
	if ((u64)nfds > t->rlimits[RLIMIT_NOFILE][0])
		nfds = t->rlimits[RLIMIT_NOFILE][0];
	size_t words = (nfds + 63) / 64;
	u64 *in = calloc(words * 3 + 1, 8), *out = in + words, *ex = out + words;
	if (!in)
		return -ENOMEM;
	long r = 0;
	if ((uin && copy_from_user(t->mm, in, uin, words * 8) < 0) ||
	    (uout && copy_from_user(t->mm, out, uout, words * 8) < 0) ||
	    (uex && copy_from_user(t->mm, ex, uex, words * 8) < 0)) {
		free(in);
		return -EFAULT;
	}
	struct pollfd *fds = calloc(nfds ? nfds : 1, sizeof(*fds));
	int n = 0;
	for (int fd = 0; fd < nfds && fds; fd++) {
		u64 bit = 1UL << (fd % 64);
		short ev = ((in[fd / 64] & bit) ? POLLIN : 0) | ((out[fd / 64] & bit) ? POLLOUT : 0) |
			   ((ex[fd / 64] & bit) ? POLLPRI : 0);
		if (!ev)
			continue;
		if (!fd_get(t, fd)) {
			free(fds);
			free(in);
			return -EBADF;
		}
		fds[n].fd = fd;
		fds[n].events = ev;
		n++;
	}
	if (!fds) {
		free(in);
		return -ENOMEM;
	}
	r = do_poll(t, fds, n, abs, once);
	if (r >= 0) {
		memset(in, 0, words * 8 * 3);
		r = 0;
		for (int i = 0; i < n; i++) {
			int fd = fds[i].fd;
			u64 bit = 1UL << (fd % 64);
			short rv = fds[i].revents;
			if ((fds[i].events & POLLIN) && (rv & (POLLIN | POLLHUP | POLLERR))) {
				in[fd / 64] |= bit;
				r++;
			}
			if ((fds[i].events & POLLOUT) && (rv & (POLLOUT | POLLERR))) {
				out[fd / 64] |= bit;
				r++;
			}
			if ((fds[i].events & POLLPRI) && (rv & POLLPRI)) {
				ex[fd / 64] |= bit;
				r++;
			}
		}
		if ((uin && copy_to_user(t->mm, uin, in, words * 8) < 0) ||
		    (uout && copy_to_user(t->mm, uout, out, words * 8) < 0) ||
		    (uex && copy_to_user(t->mm, uex, ex, words * 8) < 0))
			r = -EFAULT;
	}
	free(fds);
	free(in);
	return r;
}

SYSCALL_DEFINE(select)
{
	struct timeval tv;
	struct timespec abs;
	bool has = a->a[4] != 0, once = false;
	if (has) {
		if (copy_from_user(t->mm, &tv, a->a[4], sizeof(tv)) < 0)
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		s64 ns = tv_to_ktime(&tv);
		once = ns == 0;
		deadline(ns, true, &abs);
	}
	long r = do_select(t, a->a[0], a->a[1], a->a[2], a->a[3], has ? &abs : NULL, once);
	if (has && r != -EFAULT) {
		s64 l = ns_left(&abs);
		struct timeval rem = { l / 1000000000LL, l % 1000000000LL / 1000 };
		copy_to_user(t->mm, a->a[4], &rem, sizeof(rem));
	}
	return r;
}

SYSCALL_DEFINE(pselect6)
{
	struct timespec ts, abs;
	bool has = a->a[4] != 0, once = false;
	if (has) {
		if (copy_from_user(t->mm, &ts, a->a[4], sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		once = !ts.tv_sec && !ts.tv_nsec;
		deadline(ts_to_ktime(&ts), true, &abs);
	}
	u64 saved, sig[2] = { 0, 0 };
	if (a->a[5] && copy_from_user(t->mm, sig, a->a[5], sizeof(sig)) < 0)
		return -EFAULT;
	long r = poll_set_tmp_mask(t, sig[0], sig[1], &saved);
	if (r < 0)
		return r;
	r = do_select(t, a->a[0], a->a[1], a->a[2], a->a[3], has ? &abs : NULL, once);
	poll_end_tmp_mask(t, r, saved);
	if (has && r >= 0) {
		s64 l = ns_left(&abs);
		struct timespec rem = { l / 1000000000LL, l % 1000000000LL };
		copy_to_user(t->mm, a->a[4], &rem, sizeof(rem));
	}
	return r;
}
