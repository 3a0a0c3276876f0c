/* sendmmsg and recvmmsg: several messages in one call, for every family.
 *
 * Each entry of the guest's mmsghdr vector is one sendmsg/recvmsg of the
 * socket layer (net/socket.c), so a family needs nothing of its own; the
 * length each one moved goes to its msg_len.  As Linux: an error on the
 * first message is the call's error, an error after that ends the call
 * with the count so far; vlen is capped at UIO_MAXIOV (1024); recvmmsg's
 * MSG_WAITFORONE makes every receive after the first nonblocking, and its
 * timeout is looked at after each message (it does not bound the wait
 * for the first one, as in Linux). */
#include <vmcore/syscall.h>
#include <vmcore/net.h>
#include <vmcore/mm.h>
#include <vmcore/ktime.h>
#include <stddef.h>
#include <time.h>

#define MMSG_MAX 1024 /* UIO_MAXIOV */

long sys_sendmsg(struct task *t, const struct syscall_args *a);
long sys_recvmsg(struct task *t, const struct syscall_args *a);

static long check_sock(struct task *t, int fd)
{
	struct file *f = fd_get(t, fd);
	if (!f)
		return -EBADF;
	return sock_from_file(f) ? 0 : -ENOTSOCK;
}

SYSCALL_DEFINE(sendmmsg)
{
	long r = check_sock(t, a->a[0]);
	if (r < 0)
		return r;
	u64 vec = a->a[1];
	unsigned n = MIN((unsigned)a->a[2], (unsigned)MMSG_MAX);
	unsigned i;
	for (i = 0; i < n; i++) {
		u64 ent = vec + (u64)i * sizeof(struct mmsghdr);
		struct syscall_args sa = { .nr = a->nr, .a = { a->a[0], ent, a->a[3] } };
		r = sys_sendmsg(t, &sa);
		if (r < 0)
			break;
		unsigned len = r;
		if (copy_to_user(t->mm, ent + offsetof(struct mmsghdr, msg_len), &len, sizeof(len)) < 0) {
			r = -EFAULT;
			break;
		}
	}
	return i ? (long)i : r < 0 ? r : 0;
}

SYSCALL_DEFINE(recvmmsg)
{
	long r = check_sock(t, a->a[0]);
	if (r < 0)
		return r;
	struct timespec deadline = { 0 }, now;
	bool timed = a->a[4];
	if (timed) {
		struct timespec ts;
		if (copy_from_user(t->mm, &ts, a->a[4], sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		clock_gettime(CLOCK_MONOTONIC, &now);
		deadline = ts_add_ktime(now, ts_to_ktime(&ts));
	}
	u64 vec = a->a[1];
	unsigned n = MIN((unsigned)a->a[2], (unsigned)MMSG_MAX);
	u64 flags = a->a[3] & ~(u64)MSG_WAITFORONE;
	unsigned i;
	for (i = 0; i < n; i++) {
		u64 ent = vec + (u64)i * sizeof(struct mmsghdr);
		struct syscall_args sa = { .nr = a->nr, .a = { a->a[0], ent, flags } };
		r = sys_recvmsg(t, &sa);
		if (r < 0)
			break;
		unsigned len = r;
		if (copy_to_user(t->mm, ent + offsetof(struct mmsghdr, msg_len), &len, sizeof(len)) < 0) {
			r = -EFAULT;
			break;
		}
		if (a->a[3] & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (timed) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (ts_sub_ktime(&deadline, &now) <= 0) {
				i++;
				break;
			}
		}
	}
	return i ? (long)i : r < 0 ? r : 0;
}
