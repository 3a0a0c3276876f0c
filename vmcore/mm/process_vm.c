/* process_vm_readv and process_vm_writev: copies between the caller's
 * memory and another process's, as Linux's mm/process_vm_access.c.  The
 * local and remote iovec lists are walked side by side; the copy stops at
 * the first fault on either side and returns what was moved (EFAULT only
 * when nothing was).  The remote process must pass
 * PTRACE_MODE_ATTACH_REALCREDS (kernel/ptrace_access.c); the remote side
 * is accessed with its own rights (no FOLL_FORCE): a read needs a readable
 * mapping, a write a writable one, so program text is never written. */
#include <vmcore/ptrace.h>
#include <vmcore/syscall.h>
#include <vmcore/task.h>
#include <stdlib.h>
#include <sys/uio.h>

#ifndef UIO_MAXIOV
#define UIO_MAXIOV 1024
#endif
#define MAX_RW_COUNT 0x7ffff000UL

static long get_iovs(struct task *t, u64 uiov, u64 n, struct iovec *iov, bool local)
{
	if (n > UIO_MAXIOV)
		return -EINVAL;
	if (n && copy_from_user(t->mm, iov, uiov, n * sizeof(*iov)) < 0)
		return -EFAULT;
	u64 total = 0;
	for (u64 i = 0; i < n; i++) {
		if ((s64)iov[i].iov_len < 0)
			return -EINVAL;
		if (!local)
			continue;
		u64 b = (u64)iov[i].iov_base;
		if (b > TASK_SIZE || iov[i].iov_len > TASK_SIZE - b)
			return -EFAULT; /* access_ok */
		if (iov[i].iov_len > MAX_RW_COUNT - total)
			iov[i].iov_len = MAX_RW_COUNT - total;
		total += iov[i].iov_len;
	}
	return total;
}

/* a thread of mm running guest code still sees the host mappings the
 * copy replaced (a copy-on-write page broken): bring it in to update them */
void mm_kick_runners(struct mm *mm)
{
	if (!mm->as.ops_n)
		return;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->mm == mm && q->in_user && q->state == TASK_RUNNING)
			host_kick(&q->ht);
}

static long process_vm_rw(struct task *t, const struct syscall_args *a, bool write)
{
	int pid = a->a[0];
	u64 liovcnt = a->a[2], riovcnt = a->a[4];
	if (a->a[5])
		return -EINVAL;
	if (liovcnt > UIO_MAXIOV)
		return -EINVAL;
	struct iovec *liov = malloc((liovcnt + 1) * sizeof(*liov));
	struct iovec *riov = malloc((MIN(riovcnt, (u64)UIO_MAXIOV) + 1) * sizeof(*riov));
	long r;
	if (!liov || !riov) {
		r = -ENOMEM;
		goto out;
	}
	r = get_iovs(t, a->a[1], liovcnt, liov, true);
	if (r <= 0)
		goto out;
	r = get_iovs(t, a->a[3], riovcnt, riov, false);
	if (r < 0)
		goto out;
	bool any = false;
	for (u64 i = 0; i < riovcnt; i++)
		any |= riov[i].iov_len > 0;
	r = 0;
	if (!any)
		goto out;
	struct task *p = task_find(pid);
	r = -ESRCH;
	if (pid <= 0 || !p || p->state != TASK_RUNNING || !p->mm)
		goto out;
	r = -EPERM;
	if (p->mm != t->mm && ptrace_may_access(t, p, PTRACE_MODE_ATTACH_REALCREDS) < 0)
		goto out;
	struct mm *rmm = p->mm;
	u64 li = 0, loff = 0, done = 0;
	bool fault = false;
	u8 bounce[PAGE_SIZE];
	for (u64 ri = 0; ri < riovcnt && li < liovcnt && !fault; ri++) {
		u64 rb = (u64)riov[ri].iov_base, rlen = riov[ri].iov_len, roff = 0;
		while (roff < rlen && !fault) {
			while (li < liovcnt && loff == liov[li].iov_len)
				li++, loff = 0;
			if (li == liovcnt)
				break;
			u64 la = (u64)liov[li].iov_base + loff, ra = rb + roff;
			u64 n = MIN(rlen - roff, liov[li].iov_len - loff);
			n = MIN(n, PAGE_SIZE - (ra & ~PAGE_MASK));
			n = MIN(n, PAGE_SIZE - (la & ~PAGE_MASK));
			if (ra + n < ra || ra >= TASK_SIZE) {
				fault = true;
				break;
			}
			if (write)
				fault = copy_from_user(t->mm, bounce, la, n) < 0 || copy_to_user(rmm, ra, bounce, n) < 0;
			else
				fault = copy_from_user(rmm, bounce, ra, n) < 0 || copy_to_user(t->mm, la, bounce, n) < 0;
			if (fault)
				break;
			roff += n;
			loff += n;
			done += n;
		}
	}
	if (write && rmm != t->mm)
		mm_kick_runners(rmm);
	r = done ? (long)done : fault ? -EFAULT : 0;
out:
	free(liov);
	free(riov);
	return r;
}

SYSCALL_DEFINE(process_vm_readv)
{
	return process_vm_rw(t, a, false);
}

SYSCALL_DEFINE(process_vm_writev)
{
	return process_vm_rw(t, a, true);
}
