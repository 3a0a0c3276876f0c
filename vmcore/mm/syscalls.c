/* Memory system calls. */
#include <vmcore/syscall.h>
#include <sys/mman.h>

SYSCALL_DEFINE(mmap)
{
	struct file *f = NULL;
	int flags = a->a[3];
	if (!(flags & MAP_ANONYMOUS)) {
		f = fd_get(t, a->a[4]);
		if (!f)
			return -EBADF;
	}
	if ((t->mm->def_flags & VM_LOCKED) && !mlock_future_ok(t, PAGE_ALIGN(a->a[1]) >> PAGE_SHIFT))
		return -EAGAIN;
	return do_mmap(t->mm, a->a[0], a->a[1], a->a[2], flags, f, a->a[5]);
}

SYSCALL_DEFINE(munmap)
{
	return do_munmap(t->mm, a->a[0], a->a[1]);
}

SYSCALL_DEFINE(mprotect)
{
	return do_mprotect(t->mm, a->a[0], a->a[1], a->a[2]);
}

SYSCALL_DEFINE(mremap)
{
	/* a locked mapping grows locked: within RLIMIT_MEMLOCK, populated */
	struct mm *mm = t->mm;
	u64 old_len = PAGE_ALIGN(a->a[1]), new_len = PAGE_ALIGN(a->a[2]);
	struct vma *v = find_vma(mm, a->a[0]);
	bool locked = v && v != &mm->vmas && v->start <= a->a[0] && (v->flags & VM_LOCKED) &&
		      new_len > old_len && !(a->a[0] & ~PAGE_MASK) &&
		      !(a->a[3] & ~(u64)(MREMAP_MAYMOVE | MREMAP_FIXED)) && old_len <= v->end - a->a[0];
	if (locked && !mlock_future_ok(t, (new_len - old_len) >> PAGE_SHIFT))
		return -EAGAIN;
	long r = do_mremap(mm, a->a[0], a->a[1], a->a[2], a->a[3], a->a[4]);
	if (r >= 0 && locked)
		mm_populate_locked(mm, r + old_len, r + new_len);
	return r;
}

SYSCALL_DEFINE(brk)
{
	struct mm *mm = t->mm;
	u64 old = PAGE_ALIGN(mm->brk), new = PAGE_ALIGN(a->a[0]);
	if ((mm->def_flags & VM_LOCKED) && new > old && a->a[0] >= mm->start_brk &&
	    !mlock_future_ok(t, (new - old) >> PAGE_SHIFT))
		return mm->brk;
	return do_brk(mm, a->a[0]);
}

SYSCALL_DEFINE(madvise)
{
	return do_madvise(t->mm, a->a[0], a->a[1], a->a[2]);
}

SYSCALL_DEFINE(msync)
{
	u64 addr = a->a[0], len = PAGE_ALIGN(a->a[1]);
	int flags = a->a[2];
	if ((addr & ~PAGE_MASK) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	u64 end = addr + len, p = addr;
	long r = 0;
	if (end < addr || (a->a[1] && !len))
		return -ENOMEM;
	for (struct vma *v = find_vma(t->mm, addr); p < end; v = v->next) {
		if (!v || v == &t->mm->vmas || v->start > p)
			return -ENOMEM;
		if (v->file && (v->flags & VM_SHARED))
			r = pagecache_writeback(v->file->inode);
		p = v->end;
	}
	return r;
}

SYSCALL_DEFINE(mincore)
{
	u64 addr = a->a[0], len = PAGE_ALIGN(a->a[1]);
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	u64 end = addr + len, p = addr;
	if (end < addr || (a->a[1] && !len) || end > TASK_SIZE)
		return -ENOMEM;
	for (struct vma *v = find_vma(t->mm, addr); p < end; v = v->next) {
		if (!v || v == &t->mm->vmas || v->start > p)
			return -ENOMEM;
		p = v->end;
	}
	for (u64 va = addr; va < end; va += PAGE_SIZE) {
		pte_t *pte = pte_lookup(&t->mm->pt, va, false);
		u8 in = pte && (*pte & PTE_PRESENT);
		if (copy_to_user(t->mm, a->a[2] + ((va - addr) >> PAGE_SHIFT), &in, 1) < 0)
			return -EFAULT;
	}
	return 0;
}
