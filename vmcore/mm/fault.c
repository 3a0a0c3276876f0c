/* Demand paging.
 *
 * A guest fault reaches us as a SIGSEGV stop with the address but not the
 * kind of access, so the kind is read off our own page table: if the page is
 * not present, or present but not mapped in the host, this is demand paging;
 * if it is mapped copy-on-write in a writable VMA, it was a write and we
 * copy; if it is mapped with all the rights its VMA gives, the access was
 * not allowed (SEGV_ACCERR).
 *
 * Fault-around: a miss fills the aligned window of FAULT_AROUND pages
 * around it (inside the VMA), with a contiguous run of frames for anonymous
 * memory so that the host sees one mapping, not sixteen.  Not in a VMA
 * locked on fault (mlock2 MLOCK_ONFAULT), whose pages are the ones touched.
 *
 * The zero pages: a read fault in anonymous memory the guest cannot write
 * (no PROT_WRITE, so not charged to the commit limit) takes no frame, as
 * Linux maps its shared zero page: the pte gets one of ZERO_RUN zero frames,
 * copy-on-write, read-only in the host; a write after an mprotect copies it
 * like any COW page.  The frame is picked by the page's address modulo the
 * run, so that neighbouring pages map neighbouring physmem offsets and the
 * host merges them (a 1 GiB read-only region is 1 GiB / ZERO_RUN pages of
 * host mappings, not 262,144).  Zero frames hold a reference of their own
 * forever: they are never reused in place, never freed. */
#include "internal.h"
#include <vmcore/vfs.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#define FAULT_AROUND 16
#define READ_AROUND 128 /* pages of a file read at once */
#define ZERO_RUN 64     /* zero frames, contiguous */

static u64 zero_base = NO_FRAME;

void zero_page_init(void)
{
	u64 got;
	zero_base = frame_alloc_run(ZERO_RUN, &got);
	if (zero_base == NO_FRAME || got != ZERO_RUN)
		panic("cannot reserve the zero pages");
}

bool is_zero_frame(u64 f)
{
	return zero_base != NO_FRAME && f >= zero_base && f < zero_base + ZERO_RUN;
}

static u64 zero_frame(u64 va)
{
	return zero_base + ((va >> PAGE_SHIFT) % ZERO_RUN);
}

static void set_pte(struct mm *mm, pte_t *pte, u64 frame, u64 flags)
{
	if (!(*pte & PTE_PRESENT))
		mm->rss++;
	*pte = (frame << PAGE_SHIFT) | PTE_PRESENT | flags;
}

/* Map n pages at va (consecutive ptes, maybe non-consecutive frames) in the
 * host, merging runs of consecutive frames with equal rights. */
static void host_map_ptes(struct mm *mm, struct vma *v, u64 va, u64 n)
{
	u64 run_va = 0, run_frame = 0, run_len = 0;
	int run_prot = 0;

	for (u64 i = 0; i <= n; i++, va += PAGE_SIZE) {
		pte_t *pte = i < n ? pte_lookup(&mm->pt, va, false) : NULL;
		int hp = pte ? host_prot(v, *pte) : -1;
		bool want = pte && (*pte & PTE_PRESENT) && !(*pte & PTE_HOST) && hp > 0;
		if (want && run_len && PTE_FRAME(*pte) == run_frame + run_len && hp == run_prot &&
		    va == run_va + run_len * PAGE_SIZE) {
			run_len++;
		} else {
			if (run_len)
				host_map(&mm->as, run_va, run_len * PAGE_SIZE, run_prot,
					 run_frame << PAGE_SHIFT);
			run_len = 0;
			if (want) {
				run_va = va;
				run_frame = PTE_FRAME(*pte);
				run_prot = hp;
				run_len = 1;
			}
		}
		if (want)
			*pte = (*pte & ~(7UL << PTE_PROT_SHIFT)) | PTE_HOST | ((u64)hp << PTE_PROT_SHIFT);
	}
}

static void forget_pte(pte_t *pte, u64 va, void *arg)
{
	(void)va;
	(void)arg;
	*pte &= ~PTE_HOST_BITS;
}

void mm_host_forget(struct host_as *as)
{
	struct mm *mm = (struct mm *)((char *)as - offsetof(struct mm, as));
	pte_range(&mm->pt, 0, TASK_SIZE, forget_pte, NULL);
}

/* Give the absent pages of [start, end) in v a frame.  Returns 0, -ENOMEM,
 * or -EFAULT when a file page lies wholly past the end of the file (only
 * an error if it is the page at addr). */
static int fill(struct mm *mm, struct vma *v, u64 start, u64 end, u64 addr)
{
	if (!v->file && !(v->prot & PROT_WRITE)) {
		for (u64 va = start; va < end; va += PAGE_SIZE) {
			pte_t *pte = pte_lookup(&mm->pt, va, true);
			if (!pte)
				return -ENOMEM;
			if (*pte & PTE_PRESENT)
				continue;
			u64 f = zero_frame(va);
			frame_get(f);
			set_pte(mm, pte, f, PTE_COW);
		}
		return 0;
	}
	if (!v->file) {
		u64 va = start;
		while (va < end) {
			pte_t *pte = pte_lookup(&mm->pt, va, true);
			if (!pte)
				return -ENOMEM;
			if (*pte & PTE_PRESENT) {
				va += PAGE_SIZE;
				continue;
			}
			u64 want = 1;
			while (va + want * PAGE_SIZE < end) {
				pte_t *p = pte_lookup(&mm->pt, va + want * PAGE_SIZE, false);
				if (p && (*p & PTE_PRESENT))
					break;
				want++;
			}
			if (!(want = frames_for_user(want)))
				return -ENOMEM;
			u64 got, f = frame_alloc_run(want, &got);
			if (f == NO_FRAME)
				return -ENOMEM;
			for (u64 i = 0; i < got; i++, va += PAGE_SIZE) {
				pte = pte_lookup(&mm->pt, va, true);
				if (!pte) {
					for (; i < got; i++)
						frame_put(f + i);
					return -ENOMEM;
				}
				set_pte(mm, pte, f + i, 0);
			}
		}
		return 0;
	}
	struct inode *ino = v->file->inode;
	if ((v->flags & VM_SHARED) && (v->prot & PROT_WRITE))
		ino->pc.may_dirty = true; /* reclaim must write its pages back */
	/* read ahead a larger aligned window, in one run of frames, so that
	 * later fault-around windows map consecutive physmem offsets */
	u64 pg = v->pgoff + ((start - v->start) >> PAGE_SHIFT);
	/* when memory is short, reading ahead only evicts what the last read
	 * brought in: read the fault-around window alone */
	u64 window = frames_free() > 4 * READ_AROUND ? READ_AROUND : FAULT_AROUND;
	u64 ra = pg & ~(window - 1);
	pagecache_readahead(ino, ra, window);
	for (u64 va = start; va < end; va += PAGE_SIZE) {
		pte_t *pte = pte_lookup(&mm->pt, va, true);
		if (!pte)
			return -ENOMEM;
		if (*pte & PTE_PRESENT)
			continue;
		u64 pgoff = v->pgoff + ((va - v->start) >> PAGE_SHIFT);
		if ((pgoff << PAGE_SHIFT) >= PAGE_ALIGN(ino->size)) {
			if (va == (addr & PAGE_MASK))
				return -EFAULT;
			continue;
		}
		u64 f;
		long r = pagecache_get(ino, pgoff, &f);
		if (r < 0)
			return va == (addr & PAGE_MASK) ? (int)r : 0;
		set_pte(mm, pte, f, (v->flags & VM_SHARED) ? 0 : PTE_COW);
	}
	return 0;
}

/* Break COW on a present page: reuse it when we are its only user (and it is
 * not a page-cache page), else copy it. */
static int cow_page(struct mm *mm, struct vma *v, pte_t *pte)
{
	u64 f = PTE_FRAME(*pte);
	bool cache_page = v->file != NULL;
	if (frame_refs(f) == 1 && !cache_page) {
		*pte &= ~(PTE_COW | PTE_HOST);
		return 0;
	}
	u64 nf = frames_for_user(1) ? frame_alloc() : NO_FRAME;
	if (nf == NO_FRAME)
		return -ENOMEM;
	memcpy(frame_ptr(nf), frame_ptr(f), PAGE_SIZE);
	frame_put(f);
	*pte = (nf << PAGE_SHIFT) | PTE_PRESENT;
	return 0;
}

static struct vma *vma_for_fault(struct mm *mm, u64 addr)
{
	struct vma *v = find_vma(mm, addr);
	if (v && addr < v->start && (v->flags & VM_GROWSDOWN)) {
		/* Grow the stack down to the faulting page, within its limit. */
		u64 na = addr & PAGE_MASK;
		u64 limit = 8UL << 20;
		if (v->end - na > limit)
			return NULL;
		struct vma *p = v->prev;
		if (p != &mm->vmas && p->end + PAGE_SIZE * 256 > na)
			return NULL;
		if (vm_commit((v->start - na) >> PAGE_SHIFT) < 0)
			return NULL;
		v->start = na;
		return v;
	}
	if (!v || addr < v->start)
		return NULL;
	return v;
}

int mm_fault(struct mm *mm, u64 addr)
{
	struct vma *v = vma_for_fault(mm, addr);
	u64 page = addr & PAGE_MASK;

	mm->nfaults++;
	if (!v)
		return SEGV_MAPERR;
	if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return SEGV_ACCERR;
	pte_t *pte = pte_lookup(&mm->pt, page, true);
	if (!pte)
		return -SIGKILL;
	if (*pte & PTE_PRESENT) {
		if (!(*pte & PTE_HOST)) {
			host_map_ptes(mm, v, page, 1);
			return 0;
		}
		if ((*pte & PTE_COW) && (v->prot & PROT_WRITE)) {
			if (cow_page(mm, v, pte) < 0)
				return -SIGKILL;
			host_map_ptes(mm, v, page, 1);
			return 0;
		}
		return SEGV_ACCERR;
	}
	u64 start = MAX(v->start, page & ~(FAULT_AROUND * PAGE_SIZE - 1));
	u64 end = MIN(v->end, start + FAULT_AROUND * PAGE_SIZE);
	if (v->flags & VM_LOCKONFAULT) /* locked as touched: the page alone */
		start = page, end = page + PAGE_SIZE;
	/* clean page cache may be taken from this very address space */
	reclaim_allow_unmap(mm);
	int r = fill(mm, v, start, end, addr);
	reclaim_allow_unmap(NULL);
	/* a page a full tmpfs cannot give is SIGBUS, as in Linux */
	if (r == -EFAULT || r == -ENOSPC)
		return -SIGBUS;
	if (r < 0)
		return -SIGKILL;
	host_map_ptes(mm, v, start, (end - start) >> PAGE_SHIFT);
	return 0;
}

/* Make one page usable by the kernel; returns its pte or NULL (-EFAULT). */
static pte_t *populate_page(struct mm *mm, u64 va, bool write)
{
	struct vma *v = find_vma(mm, va);
	if (!v || v->start > va)
		v = vma_for_fault(mm, va);
	if (!v)
		return NULL;
	if (!(v->prot & (write ? PROT_WRITE : PROT_READ)))
		return NULL;
	pte_t *pte = pte_lookup(&mm->pt, va, true);
	if (!pte)
		return NULL;
	if (!(*pte & PTE_PRESENT) && fill(mm, v, va, va + PAGE_SIZE, va) < 0)
		return NULL;
	if (write && (*pte & PTE_COW)) {
		bool was_host = *pte & PTE_HOST;
		if (cow_page(mm, v, pte) < 0)
			return NULL;
		if (was_host) {
			/* the host still maps the old frame: replace it */
			host_map_ptes(mm, v, va, 1);
		}
	}
	return pte;
}

int mm_populate(struct mm *mm, u64 addr, u64 len, bool write)
{
	for (u64 va = addr & PAGE_MASK; va < addr + len; va += PAGE_SIZE)
		if (!populate_page(mm, va, write))
			return -EFAULT;
	return 0;
}

/* Kernel pointer for guest address va, valid up to the end of its page. */
static void *user_ptr(struct mm *mm, u64 va, bool write)
{
	if (va >= TASK_SIZE)
		return NULL;
	pte_t *pte = pte_lookup(&mm->pt, va & PAGE_MASK, false);
	if (pte && (*pte & PTE_PRESENT) && !(write && (*pte & PTE_COW))) {
		struct vma *v = find_vma(mm, va);
		if (v && v->start <= va && (v->prot & (write ? PROT_WRITE : PROT_READ)))
			return (u8 *)frame_ptr(PTE_FRAME(*pte)) + (va & ~PAGE_MASK);
	}
	pte = populate_page(mm, va & PAGE_MASK, write);
	if (!pte)
		return NULL;
	return (u8 *)frame_ptr(PTE_FRAME(*pte)) + (va & ~PAGE_MASK);
}

int copy_from_user(struct mm *mm, void *dst, u64 src, size_t len)
{
	while (len) {
		void *p = user_ptr(mm, src, false);
		if (!p)
			return -EFAULT;
		size_t n = MIN(len, PAGE_SIZE - (src & ~PAGE_MASK));
		memcpy(dst, p, n);
		dst = (u8 *)dst + n;
		src += n;
		len -= n;
	}
	return 0;
}

int copy_to_user(struct mm *mm, u64 dst, const void *src, size_t len)
{
	while (len) {
		void *p = user_ptr(mm, dst, true);
		if (!p)
			return -EFAULT;
		size_t n = MIN(len, PAGE_SIZE - (dst & ~PAGE_MASK));
		memcpy(p, src, n);
		src = (const u8 *)src + n;
		dst += n;
		len -= n;
	}
	return 0;
}

int clear_user(struct mm *mm, u64 dst, size_t len)
{
	while (len) {
		void *p = user_ptr(mm, dst, true);
		if (!p)
			return -EFAULT;
		size_t n = MIN(len, PAGE_SIZE - (dst & ~PAGE_MASK));
		memset(p, 0, n);
		dst += n;
		len -= n;
	}
	return 0;
}

long strncpy_from_user(struct mm *mm, char *dst, u64 src, size_t max)
{
	size_t done = 0;
	while (done < max) {
		const char *p = user_ptr(mm, src + done, false);
		if (!p)
			return -EFAULT;
		size_t n = MIN(max - done, PAGE_SIZE - ((src + done) & ~PAGE_MASK));
		const char *z = memchr(p, 0, n);
		if (z) {
			memcpy(dst + done, p, z - p + 1);
			return done + (z - p);
		}
		memcpy(dst + done, p, n);
		done += n;
	}
	return -ENAMETOOLONG;
}

/* Kernel pointer to user memory for I/O straight into guest pages. */
void *user_page_ptr(struct mm *mm, u64 va, bool write)
{
	return user_ptr(mm, va, write);
}

struct premap_ctx {
	struct mm *mm;
	struct vma *v;
	u64 run_start, run_end;
};

static void premap_flush(struct premap_ctx *c)
{
	if (c->run_end > c->run_start)
		host_map_ptes(c->mm, c->v, c->run_start, (c->run_end - c->run_start) >> PAGE_SHIFT);
	c->run_start = c->run_end = 0;
}

static void premap_pte(pte_t *pte, u64 va, void *arg)
{
	struct premap_ctx *c = arg;
	if (!(*pte & PTE_PRESENT) || (*pte & PTE_HOST))
		return;
	if (c->run_end != va) {
		premap_flush(c);
		c->run_start = va;
	}
	c->run_end = va + PAGE_SIZE;
}

/* Map in the host every present page of mm (a new child after fork), so
 * that it does not take a fault for each page its parent had touched;
 * copy-on-write pages go in read-only. */
void mm_premap(struct mm *mm)
{
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next) {
		if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
			continue;
		struct premap_ctx c = { mm, v, 0, 0 };
		pte_range(&mm->pt, v->start, v->end, premap_pte, &c);
		premap_flush(&c);
	}
}

/* The present pte of the page at addr for the debugger, whatever the
 * mapping's rights (PROT_NONE too: Linux's FOLL_FORCE reads any mapping
 * that may be readable, and every mapping here may); NULL with *err set. */
static pte_t *debug_pte(struct mm *mm, u64 addr, struct vma **vp, int *err)
{
	struct vma *v = find_vma(mm, addr);
	*err = -EFAULT;
	if (!v || v->start > addr || addr >= TASK_SIZE)
		return NULL;
	pte_t *pte = pte_lookup(&mm->pt, addr & PAGE_MASK, true);
	if (!pte) {
		*err = -ENOMEM;
		return NULL;
	}
	if (!(*pte & PTE_PRESENT))
		fill(mm, v, addr & PAGE_MASK, (addr & PAGE_MASK) + PAGE_SIZE, addr);
	if (!(*pte & PTE_PRESENT))
		return NULL;
	*vp = v;
	return pte;
}

/* A debugger's write into guest memory (ptrace's forced write): it works in
 * read-only private mappings too (program text, for breakpoints), but only
 * ever into a private copy of the page in this address space: a page of
 * the page cache or one shared copy-on-write with another process is
 * copied first.  Shared mappings are written only when they are writable:
 * a file page that the guest could not change is never changed.  Returns
 * 0 or -EFAULT/-EIO/-ENOMEM. */
int mm_poke(struct mm *mm, u64 addr, const void *src, size_t len)
{
	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (addr & ~PAGE_MASK));
		struct vma *v = find_vma(mm, addr);
		int err;
		if (v && v->start <= addr && (v->flags & VM_SHARED) && !(v->prot & PROT_WRITE))
			return -EIO;
		pte_t *pte = debug_pte(mm, addr, &v, &err);
		if (!pte)
			return err;
		if (*pte & PTE_COW) {
			bool was_host = *pte & PTE_HOST;
			if (cow_page(mm, v, pte) < 0)
				return -ENOMEM;
			if (was_host)
				host_map_ptes(mm, v, addr & PAGE_MASK, 1);
		}
		memcpy((u8 *)frame_ptr(PTE_FRAME(*pte)) + (addr & ~PAGE_MASK), src, n);
		addr += n;
		src = (const u8 *)src + n;
		len -= n;
	}
	return 0;
}

/* A debugger's read: any mapped page it can be given, whatever the
 * mapping's rights (execute-only text too).  0 or -EFAULT. */
int mm_peek(struct mm *mm, void *dst, u64 addr, size_t len)
{
	while (len) {
		size_t n = MIN(len, PAGE_SIZE - (addr & ~PAGE_MASK));
		struct vma *v;
		int err;
		pte_t *pte = debug_pte(mm, addr, &v, &err);
		if (!pte)
			return err;
		memcpy(dst, (u8 *)frame_ptr(PTE_FRAME(*pte)) + (addr & ~PAGE_MASK), n);
		addr += n;
		dst = (u8 *)dst + n;
		len -= n;
	}
	return 0;
}
