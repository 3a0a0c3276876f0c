/* Futexes.
 *
 * A waiter is keyed by (mm, address) for private memory and by (physmem
 * frame, offset) for shared mappings, so that a shared futex works across
 * processes while a private one survives copy-on-write, as in Linux.
 * Waiters sit on one list and sleep on their task's sleep_cond; a wake
 * marks them and signals that condition.  Robust lists are walked at exit. */
#include <vmcore/ktime.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

struct futex_key {
	u64 a, b; /* (mm, addr) or (frame, offset) with bit 0 of b set */
};

struct futex_waiter {
	struct futex_waiter *next;
	struct futex_key key;
	u32 bitset;
	struct task *task;
	bool woken;
};

static struct futex_waiter *waiters;

static int get_key(struct task *t, u64 uaddr, bool private_op, struct futex_key *k)
{
	if (uaddr & 3)
		return -EINVAL;
	struct vma *v = find_vma(t->mm, uaddr);
	if (!v || v->start > uaddr)
		return -EFAULT;
	if (private_op || !(v->flags & VM_SHARED)) {
		k->a = (u64)t->mm;
		k->b = uaddr;
		return 0;
	}
	if (mm_populate(t->mm, uaddr, 4, false) < 0)
		return -EFAULT;
	pte_t *pte = pte_lookup(&t->mm->pt, uaddr & PAGE_MASK, false);
	if (!pte || !(*pte & PTE_PRESENT))
		return -EFAULT;
	k->a = PTE_FRAME(*pte);
	k->b = ((uaddr & ~PAGE_MASK) << 1) | 1;
	return 0;
}

static bool key_eq(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

static void unqueue(struct futex_waiter *w)
{
	for (struct futex_waiter **pp = &waiters; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			return;
		}
}

static int wake_key(const struct futex_key *k, int n, u32 bitset)
{
	int woken = 0;
	for (struct futex_waiter **pp = &waiters; *pp && woken < n;) {
		struct futex_waiter *w = *pp;
		if (key_eq(&w->key, k) && (w->bitset & bitset)) {
			*pp = w->next;
			w->woken = true;
			pthread_cond_broadcast(&w->task->sleep_cond);
			woken++;
		} else {
			pp = &w->next;
		}
	}
	return woken;
}

static int abs_timeout(struct task *t, u64 uts, bool absolute, bool realtime, struct timespec *abs)
{
	struct timespec ts, now;
	if (copy_from_user(t->mm, &ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (absolute) {
		struct timespec base;
		guest_clock_now(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, &base);
		*abs = ts_add_ktime(now, ts_sub_ktime(&ts, &base));
		return 0;
	}
	*abs = ts_add_ktime(now, ts_to_ktime(&ts));
	return 0;
}

static long futex_wait(struct task *t, u64 uaddr, bool priv, u32 val, u64 utimeout, bool absolute,
		       bool realtime, u32 bitset)
{
	struct futex_key k;
	struct timespec abs, *absp = NULL;
	u32 cur;
	if (!bitset)
		return -EINVAL;
	int r = get_key(t, uaddr, priv, &k);
	if (r < 0)
		return r;
	if (utimeout) {
		if ((r = abs_timeout(t, utimeout, absolute, realtime, &abs)) < 0)
			return r;
		absp = &abs;
	}
	if (copy_from_user(t->mm, &cur, uaddr, 4) < 0)
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	struct futex_waiter w = { waiters, k, bitset, t, false };
	waiters = &w;
	for (;;) {
		r = wait_interruptible(t, &t->sleep_cond, absp);
		if (w.woken) {
			r = 0;
			break;
		}
		if (r == -ETIMEDOUT || r < 0)
			break;
	}
	if (!w.woken)
		unqueue(&w);
	if (w.woken)
		return 0;
	return r == -ETIMEDOUT ? -ETIMEDOUT : -ERESTARTSYS;
}

int futex_wake_addr(struct task *t, u64 uaddr, int n)
{
	struct futex_key k;
	if (get_key(t, uaddr, false, &k) < 0)
		return 0;
	int r = wake_key(&k, n, ~0U);
	/* private waiters on the same address use the (mm, addr) key */
	struct futex_key pk = { (u64)t->mm, uaddr };
	if (!key_eq(&k, &pk))
		r += wake_key(&pk, n - r, ~0U);
	return r;
}

static long futex_requeue(struct task *t, u64 uaddr, bool priv, int nwake, int nreq, u64 uaddr2,
			  bool cmp, u32 val3)
{
	struct futex_key k1, k2;
	int r;
	if (nwake < 0 || nreq < 0)
		return -EINVAL;
	if ((r = get_key(t, uaddr, priv, &k1)) < 0 || (r = get_key(t, uaddr2, priv, &k2)) < 0)
		return r;
	if (cmp) {
		u32 cur;
		if (copy_from_user(t->mm, &cur, uaddr, 4) < 0)
			return -EFAULT;
		if (cur != val3)
			return -EAGAIN;
	}
	int done = wake_key(&k1, nwake, ~0U), moved = 0;
	for (struct futex_waiter *w = waiters; w && moved < nreq; w = w->next)
		if (key_eq(&w->key, &k1)) {
			w->key = k2;
			moved++;
		}
	return done + moved;
}

static long futex_wake_op(struct task *t, u64 uaddr, bool priv, int n1, int n2, u64 uaddr2, u32 op)
{
	struct futex_key k1, k2;
	int r;
	if ((r = get_key(t, uaddr, priv, &k1)) < 0 || (r = get_key(t, uaddr2, priv, &k2)) < 0)
		return r;
	u32 old, nv;
	int opcode = (op >> 28) & 7, cmp = (op >> 24) & 15;
	u32 oparg = (op >> 12) & 0xfff, cmparg = op & 0xfff;
	if (op & (8U << 28))
		oparg = 1U << (oparg & 31);
	if (copy_from_user(t->mm, &old, uaddr2, 4) < 0)
		return -EFAULT;
	switch (opcode) {
	case FUTEX_OP_SET: nv = oparg; break;
	case FUTEX_OP_ADD: nv = old + oparg; break;
	case FUTEX_OP_OR: nv = old | oparg; break;
	case FUTEX_OP_ANDN: nv = old & ~oparg; break;
	case FUTEX_OP_XOR: nv = old ^ oparg; break;
	default: return -ENOSYS;
	}
	if (copy_to_user(t->mm, uaddr2, &nv, 4) < 0)
		return -EFAULT;
	int woken = wake_key(&k1, n1, ~0U);
	bool c;
	switch (cmp) {
	case FUTEX_OP_CMP_EQ: c = old == cmparg; break;
	case FUTEX_OP_CMP_NE: c = old != cmparg; break;
	case FUTEX_OP_CMP_LT: c = (int)old < (int)cmparg; break;
	case FUTEX_OP_CMP_LE: c = (int)old <= (int)cmparg; break;
	case FUTEX_OP_CMP_GT: c = (int)old > (int)cmparg; break;
	case FUTEX_OP_CMP_GE: c = (int)old >= (int)cmparg; break;
	default: return -ENOSYS;
	}
	if (c)
		woken += wake_key(&k2, n2, ~0U);
	return woken;
}

SYSCALL_DEFINE(futex)
{
	u64 uaddr = a->a[0], utime = a->a[3], uaddr2 = a->a[4];
	int op = a->a[1];
	u32 val = a->a[2], val3 = a->a[5];
	bool priv = op & FUTEX_PRIVATE_FLAG, rt = op & FUTEX_CLOCK_REALTIME;
	int cmd = op & FUTEX_CMD_MASK;
	if (rt && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(t, uaddr, priv, val, utime, false, false, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(t, uaddr, priv, val, utime, true, rt, val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		struct futex_key k;
		u32 bits = cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : val3;
		if (!bits)
			return -EINVAL;
		int r = get_key(t, uaddr, priv, &k);
		return r < 0 ? r : wake_key(&k, (int)val, bits);
	}
	case FUTEX_REQUEUE:
		return futex_requeue(t, uaddr, priv, val, (int)utime, uaddr2, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(t, uaddr, priv, val, (int)utime, uaddr2, true, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(t, uaddr, priv, val, (int)utime, uaddr2, val3);
	default:
		return -ENOSYS;
	}
}

SYSCALL_DEFINE(get_robust_list)
{
	struct task *p = a->a[0] ? task_find(a->a[0]) : t;
	u64 len = 24;
	if (!p)
		return -ESRCH;
	if (copy_to_user(t->mm, a->a[1], &p->robust_list, 8) < 0 || copy_to_user(t->mm, a->a[2], &len, 8) < 0)
		return -EFAULT;
	return 0;
}

/* At exit: mark the futexes this task held as owner-died, and wake one
 * waiter of each, as Linux's exit_robust_list. */
void exit_robust_list(struct task *t)
{
	u64 head = t->robust_list, entry, off, pending;
	if (!head || !t->mm)
		return;
	struct { u64 next; s64 off; u64 pending; } rh;
	if (copy_from_user(t->mm, &rh, head, sizeof(rh)) < 0)
		return;
	off = rh.off;
	pending = rh.pending;
	entry = rh.next;
	for (int limit = 0; entry != head && limit < 2048; limit++) {
		u64 fu = entry + off;
		u32 v;
		if (copy_from_user(t->mm, &v, fu, 4) < 0)
			break;
		if ((v & FUTEX_TID_MASK) == (u32)t->tid) {
			u32 nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
			copy_to_user(t->mm, fu, &nv, 4);
			if (v & FUTEX_WAITERS)
				futex_wake_addr(t, fu, 1);
		}
		if (copy_from_user(t->mm, &entry, entry, 8) < 0)
			break;
	}
	if (pending)
		futex_wake_addr(t, pending + off, 1);
}
