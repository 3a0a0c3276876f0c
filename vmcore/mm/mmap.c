/* The mmap family: mmap, munmap, mprotect, mremap, brk, madvise.
 *
 * These change VMAs and the page table; host mappings follow through queued
 * stub operations (unmap a range, change rights of mapped runs).  New pages
 * are never mapped here: they arrive by demand paging (fault.c). */
#include "internal.h"
#include <vmcore/vfs.h>
#include <vmcore/trace.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

int host_prot(struct vma *v, pte_t pte)
{
	int prot = v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
	if (pte & PTE_COW)
		prot &= ~PROT_WRITE;
	return prot;
}

struct zap_ctx {
	struct mm *mm;
};

static void zap_pte(pte_t *pte, u64 va, void *arg)
{
	struct zap_ctx *z = arg;
	(void)va;
	if (*pte & PTE_PRESENT) {
		/* a host-mapped frame is freed only once the stub's unmap
		 * of it has run (host_defer_put) */
		if (*pte & PTE_HOST)
			host_defer_put(&z->mm->as, PTE_FRAME(*pte));
		else
			frame_put(PTE_FRAME(*pte));
		z->mm->rss--;
	}
	*pte = 0;
}

void zap_range(struct mm *mm, u64 start, u64 end)
{
	BUG_ON(end < start || end > TASK_SIZE);
	struct zap_ctx z = { mm };
	pte_range(&mm->pt, start, end, zap_pte, &z);
	if (mm->as.pid)
		host_unmap(&mm->as, start, end - start);
}

/* Remove [start, end) from the address space: 0, or -ENOMEM when a VMA
 * cannot be split (MAX_MAP_COUNT). */
static int unmap_region(struct mm *mm, u64 start, u64 end)
{
	struct vma *v = find_vma(mm, start);
	while (v && v != &mm->vmas && v->start < end) {
		if (v->start < start) {
			/* only a hole inside one VMA leaves one more VMA behind:
			 * that split is held to MAX_MAP_COUNT (as Linux) */
			if (!(v->end > end ? vma_split : vma_split_nolimit)(mm, v, start))
				return -ENOMEM;
			v = v->next;
			continue;
		}
		if (v->end > end && !vma_split_nolimit(mm, v, end))
			return -ENOMEM;
		struct vma *next = v->next;
		if (v->file && (v->flags & VM_SHARED) && (v->prot & PROT_WRITE))
			pagecache_writeback(v->file->inode);
		if (v->flags & VM_ACCOUNT)
			vm_uncommit(vma_pages(v));
		vma_unlink(mm, v);
		vma_free(v);
		v = next;
	}
	zap_range(mm, start, end);
	return 0;
}

static bool range_free(struct mm *mm, u64 start, u64 end)
{
	struct vma *v = find_vma(mm, start);
	return !v || v->start >= end;
}

/* Highest free gap of len bytes below limit (top-down, as Linux). */
static u64 unmapped_area(struct mm *mm, u64 len, u64 limit)
{
	u64 top = limit;
	if (len > limit)
		return 0;
	for (struct vma *v = mm->vmas.prev; ; v = v->prev) {
		u64 gap_start = (v == &mm->vmas) ? PAGE_SIZE * 16 : v->end;
		if (v != &mm->vmas && v->start >= top)
			continue;
		if (top >= gap_start + len && top - len >= gap_start)
			return top - len;
		if (v == &mm->vmas)
			break;
		top = MIN(top, v->start);
	}
	return 0;
}

static u64 get_unmapped_area(struct mm *mm, u64 hint, u64 len)
{
	if (hint) {
		hint = PAGE_ALIGN(hint);
		if (hint + len <= TASK_SIZE && hint + len > hint && range_free(mm, hint, hint + len))
			return hint;
	}
	u64 a = unmapped_area(mm, len, mm->mmap_base);
	if (!a)
		a = unmapped_area(mm, len, TASK_SIZE);
	return a;
}

long do_mmap(struct mm *mm, u64 addr, u64 len, int prot, int flags, struct file *file, u64 off)
{
	int type = flags & 0xf;
	bool shared;

	if (!len || (off & ~PAGE_MASK))
		return -EINVAL;
	if (type == MAP_SHARED || type == MAP_SHARED_VALIDATE)
		shared = true;
	else if (type == MAP_PRIVATE)
		shared = false;
	else
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	u64 alen = PAGE_ALIGN(len);
	if (!alen || alen > TASK_SIZE)
		return -ENOMEM;
	if (off + alen < off)
		return -EOVERFLOW;
	if (flags & MAP_ANONYMOUS)
		file = NULL;
	if (file) {
		u32 acc = file->flags & O_ACCMODE;
		if (!S_ISREG(file->inode->mode) && !S_ISBLK(file->inode->mode))
			return -ENODEV;
		if (file->ops && file->ops->mmap_denied)
			return file->ops->mmap_denied(file);
		if (acc == O_WRONLY)
			return -EACCES;
		if (shared && (prot & PROT_WRITE) && acc != O_RDWR)
			return -EACCES;
		if ((prot & PROT_EXEC) && file->inode->sb && file->inode->sb->noexec)
			return -EPERM; /* a file of a noexec mount: no executable map */
		long r = memfd_may_map(file->inode, shared && (prot & PROT_WRITE));
		if (r < 0)
			return r;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (addr + alen > TASK_SIZE || addr + alen < addr)
			return -ENOMEM;
		if (!(flags & MAP_FIXED) && !range_free(mm, addr, addr + alen))
			return -EEXIST;
	} else {
		addr = get_unmapped_area(mm, addr, alen);
		if (!addr)
			return -ENOMEM;
	}

	if (mm->map_count > MAX_MAP_COUNT) /* Linux's test: splits stop at it */
		return -ENOMEM;
	struct vma *v = vma_alloc();
	if (!v)
		return -ENOMEM;
	v->start = addr;
	v->end = addr + alen;
	v->prot = prot & (PROT_READ | PROT_WRITE | PROT_EXEC);
	v->flags = (shared ? VM_SHARED : 0) | ((flags & MAP_GROWSDOWN) ? VM_GROWSDOWN : 0) |
		   mm->def_flags;
	if (!file && shared) {
		/* Shared anonymous memory is an unlinked in-memory file. */
		struct inode *ino = ramfs_new_inode(NULL, S_IFREG | 0600);
		if (!ino) {
			vma_free(v);
			return -ENOMEM;
		}
		/* charged to the object, for as long as it lives (its pages
		 * outlive any one mapping of it), not to the VMAs */
		if (ramfs_anon_resize(ino, alen) < 0) {
			iput(ino);
			vma_free(v);
			return -ENOMEM;
		}
		file = file_alloc(ino, NULL, O_RDWR);
		iput(ino);
		if (!file) {
			vma_free(v);
			return -ENOMEM;
		}
		off = 0;
		v->file = file;
	} else if (file) {
		v->file = fget(file);
	}
	v->pgoff = off >> PAGE_SHIFT;
	if ((!shared && (prot & PROT_WRITE)) || (shared && !file)) {
		if (vm_commit(alen >> PAGE_SHIFT) < 0) {
			vma_free(v);
			return -ENOMEM;
		}
		v->flags |= VM_ACCOUNT;
	}
	if ((flags & MAP_FIXED) && unmap_region(mm, addr, addr + alen) < 0) {
		if (v->flags & VM_ACCOUNT)
			vm_uncommit(alen >> PAGE_SHIFT);
		vma_free(v);
		return -ENOMEM;
	}
	vma_link(mm, v);
	v = vma_merge(mm, v);
	if (flags & MAP_POPULATE)
		mm_populate(mm, addr, alen, false);
	if (mm->def_flags & VM_LOCKED)
		mm_populate_locked(mm, addr, addr + alen);
	return addr;
}

long do_munmap(struct mm *mm, u64 addr, u64 len)
{
	if ((addr & ~PAGE_MASK) || !len || addr >= TASK_SIZE)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || addr + len > TASK_SIZE || addr + len < addr)
		return -EINVAL;
	return unmap_region(mm, addr, addr + len);
}

struct prot_ctx {
	struct mm *mm;
	struct vma *v;
	u64 run_start, run_end;
	int run_prot;
};

static void prot_flush(struct prot_ctx *c)
{
	if (c->run_end > c->run_start) {
		if (c->run_prot)
			host_protect(&c->mm->as, c->run_start, c->run_end - c->run_start, c->run_prot);
		else
			host_unmap(&c->mm->as, c->run_start, c->run_end - c->run_start);
	}
	c->run_start = c->run_end = 0;
}

static void prot_pte(pte_t *pte, u64 va, void *arg)
{
	struct prot_ctx *c = arg;
	if (!(*pte & PTE_HOST))
		return;
	int hp = host_prot(c->v, *pte);
	if (!hp)
		*pte &= ~PTE_HOST;
	*pte = (*pte & ~(7UL << PTE_PROT_SHIFT)) | ((u64)hp << PTE_PROT_SHIFT);
	if (c->run_end == va && c->run_prot == hp) {
		c->run_end += PAGE_SIZE;
		return;
	}
	prot_flush(c);
	c->run_start = va;
	c->run_end = va + PAGE_SIZE;
	c->run_prot = hp;
}

long do_mprotect(struct mm *mm, u64 addr, u64 len, int prot)
{
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	u64 end = addr + len;
	if (end < addr)
		return -ENOMEM;
	if (!len)
		return 0;
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	/* The whole range must be mapped. */
	u64 a = addr;
	for (struct vma *v = find_vma(mm, addr); a < end; v = v->next) {
		if (!v || v == &mm->vmas || v->start > a)
			return -ENOMEM;
		a = v->end;
	}
	struct vma *v = find_vma(mm, addr);
	if (v->start < addr && !(v = vma_split(mm, v, addr)))
		return -ENOMEM;
	while (v && v != &mm->vmas && v->start < end) {
		if (v->end > end && !vma_split(mm, v, end))
			return -ENOMEM;
		if (!(v->flags & VM_SHARED) && (prot & PROT_WRITE) && !(v->flags & VM_ACCOUNT)) {
			if (vm_commit(vma_pages(v)) < 0)
				return -ENOMEM;
			v->flags |= VM_ACCOUNT;
		}
		if (v->file && (v->flags & VM_SHARED) && (prot & PROT_WRITE) &&
		    (v->file->flags & O_ACCMODE) != O_RDWR)
			return -EACCES;
		if (v->file && (prot & PROT_EXEC) && v->file->inode->sb && v->file->inode->sb->noexec)
			return -EACCES; /* mapped from a noexec mount: never VM_MAYEXEC */
		if (v->file && (v->flags & VM_SHARED) && (prot & PROT_WRITE) &&
		    memfd_may_map(v->file->inode, true) < 0)
			return -EACCES; /* Linux: a sealed memfd's mapping stays read-only */
		v->prot = prot;
		struct prot_ctx c = { mm, v, 0, 0, 0 };
		pte_range(&mm->pt, v->start, v->end, prot_pte, &c);
		prot_flush(&c);
		v = vma_merge(mm, v)->next;
	}
	return 0;
}

struct move_ctx {
	struct mm *mm;
	u64 delta; /* new - old, modulo 2^64 */
};

static void move_pte(pte_t *pte, u64 va, void *arg)
{
	struct move_ctx *c = arg;
	pte_t *npte = pte_lookup(&c->mm->pt, va + c->delta, true);
	BUG_ON(!npte);
	*npte = *pte & ~PTE_HOST_BITS;
	*pte = 0;
}

long do_mremap(struct mm *mm, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr)
{
	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | 4 /* MREMAP_DONTUNMAP */))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & 4)
		return -EINVAL; /* MREMAP_DONTUNMAP: not supported yet */
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	if (old_len > TASK_SIZE || new_len > TASK_SIZE)
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len)
		return -EINVAL;
	if (addr >= TASK_SIZE || addr + old_len > TASK_SIZE)
		return -EFAULT;
	if (!old_len)
		return -EINVAL; /* duplicating a shared mapping: not supported */
	struct vma *v = find_vma(mm, addr);
	if (!v || v->start > addr || addr + old_len > v->end)
		return -EFAULT;
	if (flags & MREMAP_FIXED) {
		if ((new_addr & ~PAGE_MASK) || new_addr >= TASK_SIZE || new_addr + new_len > TASK_SIZE)
			return -EINVAL;
		if (new_addr < addr + old_len && addr < new_addr + new_len)
			return -EINVAL;
	} else if (new_len <= old_len) {
		if (new_len < old_len)
			unmap_region(mm, addr + new_len, addr + old_len);
		return addr;
	}
	/* Grow in place when the VMA ends here and the space after it is free. */
	if (!(flags & MREMAP_FIXED) && addr + old_len == v->end &&
	    addr + new_len <= TASK_SIZE && range_free(mm, v->end, addr + new_len)) {
		u64 extra = (new_len - old_len) >> PAGE_SHIFT;
		if ((v->flags & VM_ACCOUNT) && vm_commit(extra) < 0)
			return -ENOMEM;
		if (v->file && (v->flags & VM_SHARED) && !v->file->dentry) {
			/* shared anonymous memory: the object grows, and is charged */
			u64 size = (v->pgoff << PAGE_SHIFT) + (addr + new_len - v->start);
			if (size > v->file->inode->size && ramfs_anon_resize(v->file->inode, size) < 0) {
				if (v->flags & VM_ACCOUNT)
					vm_uncommit(extra);
				return -ENOMEM;
			}
		}
		v->end = addr + new_len;
		vma_merge(mm, v);
		return addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	/* Move: isolate [addr, addr+old_len) as its own VMA, then relocate it. */
	if (v->start < addr && !(v = vma_split(mm, v, addr)))
		return -ENOMEM;
	if (v->end > addr + old_len && !vma_split(mm, v, addr + old_len))
		return -ENOMEM;
	u64 dst;
	if (flags & MREMAP_FIXED) {
		dst = new_addr;
		unmap_region(mm, dst, dst + new_len);
	} else {
		dst = get_unmapped_area(mm, 0, new_len);
		if (!dst)
			return -ENOMEM;
	}
	if (new_len > old_len && (v->flags & VM_ACCOUNT) &&
	    vm_commit((new_len - old_len) >> PAGE_SHIFT) < 0)
		return -ENOMEM;
	if (new_len < old_len) {
		unmap_region(mm, addr + new_len, addr + old_len);
		old_len = new_len;
	}
	struct move_ctx c = { mm, dst - addr };
	pte_range(&mm->pt, addr, addr + old_len, move_pte, &c);
	host_unmap(&mm->as, addr, old_len);
	vma_unlink(mm, v);
	v->start = dst;
	v->end = dst + new_len;
	vma_link(mm, v);
	vma_merge(mm, v);
	return dst;
}

long do_brk(struct mm *mm, u64 brk)
{
	u64 old = PAGE_ALIGN(mm->brk), new = PAGE_ALIGN(brk);

	if (brk < mm->start_brk || brk >= TASK_SIZE)
		return mm->brk;
	if (new == old) {
		mm->brk = brk;
		return brk;
	}
	if (new < old) {
		unmap_region(mm, new, old);
		mm->brk = brk;
		return brk;
	}
	if (!range_free(mm, old, new))
		return mm->brk;
	struct vma *v = find_vma(mm, old - 1);
	if (vm_commit((new - old) >> PAGE_SHIFT) < 0)
		return mm->brk;
	if (v && v->end == old && v->name && !strcmp(v->name, "[heap]") &&
	    v->flags == (VM_ACCOUNT | mm->def_flags)) {
		v->end = new;
	} else {
		v = vma_alloc();
		if (!v) {
			vm_uncommit((new - old) >> PAGE_SHIFT);
			return mm->brk;
		}
		v->start = old;
		v->end = new;
		v->prot = PROT_READ | PROT_WRITE;
		v->flags = VM_ACCOUNT | mm->def_flags;
		v->name = "[heap]";
		vma_link(mm, v);
	}
	mm->brk = brk;
	if (mm->def_flags & VM_LOCKED)
		mm_populate_locked(mm, old, new);
	return brk;
}

long do_madvise(struct mm *mm, u64 addr, u64 len, int advice)
{
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_FREE: case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE:
	case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_DONTDUMP:
	case MADV_DODUMP: case MADV_COLD: case MADV_PAGEOUT: case MADV_DONTNEED:
		break;
	default:
		return -EINVAL;
	}
	if (!len)
		return 0;
	u64 end = addr + len, a = addr;
	if (end < addr || !PAGE_ALIGN(len))
		return -EINVAL;
	for (struct vma *v = find_vma(mm, addr); a < end; v = v->next) {
		if (!v || v == &mm->vmas || v->start > a)
			return -ENOMEM;
		a = v->end;
	}
	if (advice != MADV_DONTNEED && advice != MADV_FREE)
		return 0;
	/* VMA by VMA, as Linux: a locked one ends it with EINVAL (mlock.c),
	 * the ones before it dropped */
	for (struct vma *v = find_vma(mm, addr); v != &mm->vmas && v->start < end; v = v->next) {
		if (v->flags & VM_LOCKED)
			return -EINVAL;
		if (advice == MADV_DONTNEED)
			zap_range(mm, MAX(v->start, addr), MIN(v->end, end));
	}
	return 0;
}

void mm_unmap_all(struct mm *mm)
{
	unmap_region(mm, 0, TASK_SIZE);
	pgtable_free(&mm->pt);
	mm->rss = 0;
}

void mm_put(struct mm *mm)
{
	if (--mm->users)
		return;
	trace_stack_mm_free(mm);
	mm_unmap_all(mm);
	host_as_kill(&mm->as);
	if (mm->exe)
		dput(mm->exe);
	if (mm->stub_data != NO_FRAME)
		stub_data_free(mm->stub_data);
	free(mm);
	reclaim_mm_gone(); /* a task waiting for frames may find them now */
}

/* The stub's data pages of a new address space: every process costs them,
 * so they are charged like guest memory (fork fails with ENOMEM when they
 * cannot be had, instead of a fault finding no frame later). */
u64 stub_data_alloc(void)
{
	if (vm_commit_kernel(STUB_DATA_PAGES) < 0)
		return NO_FRAME;
	/* one run (the stub maps them with one mmap), found whole even in a
	 * fragmented physmem (physmem.c, frame_alloc_contig) */
	u64 f = frame_alloc_contig(STUB_DATA_PAGES);
	if (f == NO_FRAME)
		vm_uncommit_kernel(STUB_DATA_PAGES);
	return f;
}

void stub_data_free(u64 f)
{
	for (int i = 0; i < STUB_DATA_PAGES; i++)
		frame_put(f + i);
	vm_uncommit_kernel(STUB_DATA_PAGES);
}
