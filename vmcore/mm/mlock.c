/* mlock, mlock2, munlock, mlockall, munlockall.
 *
 * A locked VMA has VM_LOCKED (and VM_LOCKONFAULT for MLOCK_ONFAULT and
 * MCL_ONFAULT); its pages are made present when it is locked, unless on
 * fault.  Guest memory is never swapped, so the lock is otherwise the
 * accounting Linux does: RLIMIT_MEMLOCK bounds the pages of locked VMAs
 * (locked_vm, counted from the VMAs) without CAP_IPC_LOCK, and VmLck shows
 * them.  mlockall(MCL_FUTURE) sets mm->def_flags, which mmap and brk give
 * new VMAs.  Locks are not inherited by fork and end with exec. */
#include "internal.h"
#include <vmcore/syscall.h>
#include <vmcore/cred.h>
#include <sys/mman.h>

u64 mm_locked_pages(struct mm *mm)
{
	u64 n = 0;
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next)
		if (v->flags & VM_LOCKED)
			n += vma_pages(v);
	return n;
}

/* the locked pages of [start, end) */
static u64 locked_in(struct mm *mm, u64 start, u64 end)
{
	u64 n = 0;
	for (struct vma *v = find_vma(mm, start); v && v != &mm->vmas && v->start < end; v = v->next)
		if (v->flags & VM_LOCKED)
			n += (MIN(v->end, end) - MAX(v->start, start)) >> PAGE_SHIFT;
	return n;
}

static u64 lock_limit(struct task *t)
{
	return t->rlimits[RLIMIT_MEMLOCK][0] >> PAGE_SHIFT;
}

bool mlock_future_ok(struct task *t, u64 pages)
{
	return capable(t, CAP_IPC_LOCK) || mm_locked_pages(t->mm) + pages <= lock_limit(t);
}

/* Linux's can_do_mlock */
static bool may_lock(struct task *t)
{
	return t->rlimits[RLIMIT_MEMLOCK][0] || capable(t, CAP_IPC_LOCK);
}

/* Give v (of the range [start, end)) the lock bits flags, splitting it
 * where the range ends inside it; the VMA now covering start, or NULL. */
static struct vma *lock_fixup(struct mm *mm, struct vma *v, u64 start, u64 end, int flags)
{
	int nf = (v->flags & ~VM_LOCKED_MASK) | flags;
	if (nf == v->flags || (v->flags & VM_DONTEXPAND)) /* special mappings stay as they are */
		return v;
	if (v->start < start && !(v = vma_split(mm, v, start)))
		return NULL;
	if (v->end > end && !vma_split(mm, v, end))
		return NULL;
	v->flags = nf;
	return vma_merge(mm, v);
}

/* Linux's apply_vma_lock_flags: VMA by VMA up to a hole, then ENOMEM. */
static long lock_range(struct mm *mm, u64 start, u64 len, int flags)
{
	u64 end = start + len, a = start;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	struct vma *v = find_vma(mm, start);
	if (!v || v->start > start)
		return -ENOMEM;
	while (a < end) {
		if (v == &mm->vmas || v->end <= a || v->start > a)
			return -ENOMEM;
		if (!(v = lock_fixup(mm, v, a, end, flags)))
			return -ENOMEM;
		a = MIN(v->end, end);
		v = v->next;
	}
	return 0;
}

static bool populate_vma(struct mm *mm, struct vma *v, u64 start, u64 end)
{
	if (!(v->flags & VM_LOCKED) || (v->flags & VM_LOCKONFAULT) || (v->flags & VM_DONTEXPAND))
		return true;
	if (!v->prot)
		return false; /* Linux: gup refuses PROT_NONE, mlock says ENOMEM */
	bool write = (v->prot & PROT_WRITE) && !(v->flags & VM_SHARED);
	u64 s = MAX(v->start, start), e = MIN(v->end, end);
	return mm_populate(mm, s, e - s, write) == 0;
}

void mm_populate_locked(struct mm *mm, u64 start, u64 end)
{
	for (struct vma *v = find_vma(mm, start); v && v != &mm->vmas && v->start < end; v = v->next)
		populate_vma(mm, v, start, end);
}

static long do_mlock(struct task *t, u64 start, u64 len, int flags)
{
	struct mm *mm = t->mm;
	if (!may_lock(t))
		return -EPERM;
	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	u64 locked = (len >> PAGE_SHIFT) + mm_locked_pages(mm);
	bool cap = capable(t, CAP_IPC_LOCK);
	if (locked > lock_limit(t) && !cap)
		locked -= locked_in(mm, start, start + len);
	if (locked > lock_limit(t) && !cap)
		return -ENOMEM;
	long r = lock_range(mm, start, len, flags);
	if (r < 0)
		return r;
	/* populate, stopping at the first VMA that cannot be */
	u64 end = start + len;
	for (struct vma *v = find_vma(mm, start); v && v != &mm->vmas && v->start < end; v = v->next)
		if (!populate_vma(mm, v, start, end))
			return -ENOMEM;
	return 0;
}

SYSCALL_DEFINE(mlock)
{
	return do_mlock(t, a->a[0], a->a[1], VM_LOCKED);
}

SYSCALL_DEFINE(mlock2)
{
	if (a->a[2] & ~(u64)MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(t, a->a[0], a->a[1], VM_LOCKED | ((a->a[2] & MLOCK_ONFAULT) ? VM_LOCKONFAULT : 0));
}

SYSCALL_DEFINE(munlock)
{
	u64 start = a->a[0], len = PAGE_ALIGN(a->a[1] + (start & ~PAGE_MASK));
	return lock_range(t->mm, start & PAGE_MASK, len, 0);
}

/* Linux's apply_mlockall_flags */
static long lock_all(struct mm *mm, int flags)
{
	int add = 0;
	mm->def_flags = 0;
	if (flags & MCL_FUTURE) {
		mm->def_flags = VM_LOCKED | ((flags & MCL_ONFAULT) ? VM_LOCKONFAULT : 0);
		if (!(flags & MCL_CURRENT))
			return 0;
	}
	if (flags & MCL_CURRENT)
		add = VM_LOCKED | ((flags & MCL_ONFAULT) ? VM_LOCKONFAULT : 0);
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next)
		if (!(v = lock_fixup(mm, v, v->start, v->end, add)))
			return -ENOMEM;
	return 0;
}

SYSCALL_DEFINE(mlockall)
{
	int flags = a->a[0];
	struct mm *mm = t->mm;
	if (!flags || (a->a[0] & ~(u64)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!may_lock(t))
		return -EPERM;
	u64 total = 0;
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next)
		total += vma_pages(v);
	if ((flags & MCL_CURRENT) && total > lock_limit(t) && !capable(t, CAP_IPC_LOCK))
		return -ENOMEM;
	long r = lock_all(mm, flags);
	if (!r && (flags & MCL_CURRENT))
		mm_populate_locked(mm, 0, TASK_SIZE);
	return r;
}

SYSCALL_DEFINE(munlockall)
{
	return lock_all(t->mm, 0);
}
