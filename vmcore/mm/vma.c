/* Address spaces and their VMAs.
 *
 * An mm's VMAs form a sorted, circular, doubly-linked list with mm->vmas as
 * its head; mm->cache remembers the last hit of find_vma.  Invariants: VMAs
 * never overlap, start < end, both page aligned, all below TASK_SIZE.
 * Adjacent anonymous private VMAs with the same rights are merged, as Linux
 * does, so that many small mmaps do not become many VMAs. */
#include "internal.h"
#include <vmcore/task.h>
#include <vmcore/vfs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct mm *mm_alloc(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	mm->users = 1;
	mm->vmas.next = mm->vmas.prev = &mm->vmas;
	mm->stub_data = NO_FRAME;
	mm_new_serial(mm);
	return mm;
}

void mm_new_serial(struct mm *mm)
{
	static u64 last;
	mm->serial = ++last;
}

/* /proc/PID/mem's address space (fs/proc_mem.c), while a task has it */
struct mm *mm_by_serial(u64 serial)
{
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->state == TASK_RUNNING && q->mm && q->mm->serial == serial)
			return q->mm;
	return NULL;
}

struct vma *find_vma(struct mm *mm, u64 addr)
{
	struct vma *v = mm->cache;
	if (v && v->start <= addr && addr < v->end)
		return v;
	for (v = mm->vmas.next; v != &mm->vmas; v = v->next)
		if (v->end > addr) {
			mm->cache = v;
			return v;
		}
	return NULL;
}

void vma_link(struct mm *mm, struct vma *nv)
{
	struct vma *v;
	BUG_ON(nv->start >= nv->end || nv->end > TASK_SIZE || (nv->start | nv->end) & ~PAGE_MASK);
	for (v = mm->vmas.next; v != &mm->vmas && v->start < nv->start; v = v->next)
		;
	nv->next = v;
	nv->prev = v->prev;
	v->prev->next = nv;
	v->prev = nv;
	mm->map_count++;
}

void vma_unlink(struct mm *mm, struct vma *v)
{
	v->prev->next = v->next;
	v->next->prev = v->prev;
	if (mm->cache == v)
		mm->cache = NULL;
	mm->map_count--;
}

/* Every VMA is host memory, and vm.max_map_count bounds only one process:
 * all VMAs together are bounded by mem= (two per page frame, and room for
 * two processes at the per-process limit), about what the slab of a Linux
 * machine of that size holds.  Past it, mmap, mprotect's splits and fork
 * get ENOMEM.  Without the bound a fuzzer's processes split their mappings
 * into millions of VMAs: gigabytes of host heap beyond mem=. */
static u64 nr_vmas;

u64 vma_count(void)
{
	return nr_vmas;
}

u64 vma_max(void)
{
	return MAX(physmem_frames * 2, 2 * (u64)MAX_MAP_COUNT_HOST + 64);
}

struct vma *vma_alloc(void)
{
	if (nr_vmas >= vma_max())
		return NULL;
	struct vma *v = kzalloc(sizeof(*v));
	if (v)
		nr_vmas++;
	return v;
}

void vma_free(struct vma *v)
{
	if (v->file)
		fput(v->file);
	free(v);
	nr_vmas--;
}

int max_map_count = MAX_MAP_COUNT_HOST;

/* Split v at addr (inside it); returns the new upper part, or NULL past
 * MAX_MAP_COUNT (ENOMEM, as Linux). */
struct vma *vma_split(struct mm *mm, struct vma *v, u64 addr)
{
	if (mm->map_count >= MAX_MAP_COUNT)
		return NULL;
	return vma_split_nolimit(mm, v, addr);
}

/* The same for a split whose pieces do not all stay (munmap's). */
struct vma *vma_split_nolimit(struct mm *mm, struct vma *v, u64 addr)
{
	struct vma *nv = vma_alloc();
	if (!nv)
		return NULL;
	*nv = *v;
	nv->start = addr;
	if (nv->file) {
		fget(nv->file);
		nv->pgoff += (addr - v->start) >> PAGE_SHIFT;
	}
	v->end = addr;
	vma_link(mm, nv);
	return nv;
}

static bool mergeable(struct vma *a, struct vma *b)
{
	return a != b && a->end == b->start && a->prot == b->prot && a->flags == b->flags &&
	       !a->file && !b->file && a->name == b->name;
}

/* Merge v with its neighbours where possible; returns the survivor. */
struct vma *vma_merge(struct mm *mm, struct vma *v)
{
	struct vma *p = v->prev, *n = v->next;
	if (n != &mm->vmas && mergeable(v, n)) {
		v->end = n->end;
		vma_unlink(mm, n);
		vma_free(n);
	}
	if (p != &mm->vmas && mergeable(p, v)) {
		p->end = v->end;
		vma_unlink(mm, v);
		vma_free(v);
		v = p;
	}
	return v;
}

u64 vma_pages(struct vma *v)
{
	return (v->end - v->start) >> PAGE_SHIFT;
}
