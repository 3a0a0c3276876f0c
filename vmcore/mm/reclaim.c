/* Reclaim: taking clean page-cache frames back when physmem runs out.
 *
 * Pages of a file system that can read them back (hostfs) are a cache: they
 * are not charged to the commit limit, and when the frame allocator finds
 * no free frame it asks us for some before anyone sees ENOMEM or is
 * OOM-killed.  Every such frame is registered here with its owner (inode,
 * page); a clock hand sweeps the frames with a second chance: a page found
 * in the cache since the last sweep (reclaim_touch) is skipped once.
 *
 * - A frame held by nothing but the page cache is dropped at once.
 * - A frame still mapped is only taken from the address space that is
 *   faulting (reclaim_allow_unmap, set by mm_fault around its fill): its
 *   ptes are cleared, the stub's mappings removed, and the batch flushed
 *   through that address space's own stopped thread before the frames go.
 *   A frame is thus never reused while any stub can still reach it; pages
 *   mapped in other address spaces stay until their owners unmap them.
 *   Pages of shared writable mappings are never unmapped here (they may be
 *   dirty); a cache page that may have been written through one is written
 *   back before it is dropped (pagecache_evict). */
#include "internal.h"
#include <vmcore/vfs.h>
#include <vmcore/task.h>
#include <stdlib.h>
#include <sys/mman.h>

#define UNMAP_BATCH 512 /* frames unmapped per flush of the faulting stub */

struct owner {
	struct inode *ino; /* NULL: not an evictable page-cache frame */
	u64 pgoff : 63;
	u64 referenced : 1;
};

static struct owner *owners;
static u64 nframes, ntracked, hand;
static __thread struct mm *unmap_mm;
static u64 nreclaimed, nunmapped; /* for /proc/vmstat-like reports */

void reclaim_init(u64 frames)
{
	nframes = frames;
	owners = calloc(frames, sizeof(*owners));
	if (!owners)
		panic("out of host memory for the reclaim table");
}

void reclaim_track(u64 frame, struct inode *ino, u64 pgoff)
{
	BUG_ON(frame >= nframes || owners[frame].ino);
	owners[frame].ino = ino;
	owners[frame].pgoff = pgoff;
	owners[frame].referenced = 1;
	ntracked++;
}

void reclaim_untrack(u64 frame)
{
	if (frame < nframes && owners[frame].ino) {
		owners[frame].ino = NULL;
		ntracked--;
	}
}

void reclaim_touch(u64 frame)
{
	if (frame < nframes)
		owners[frame].referenced = 1;
}

void reclaim_allow_unmap(struct mm *mm)
{
	unmap_mm = mm;
}

u64 reclaim_tracked(void)
{
	return ntracked;
}

static bool evict(u64 f)
{
	struct owner *o = &owners[f];
	if (!o->ino || frame_refs(f) != 1)
		return false;
	/* untracks f and drops its frame */
	if (!pagecache_evict(o->ino, o->pgoff, f)) {
		BUG_ON(1); /* the owner table and the cache disagree */
		return false;
	}
	nreclaimed++;
	return true;
}

/* Pass one: frames only the cache holds, with a second chance. */
static u64 sweep_unmapped(u64 want)
{
	u64 freed = 0;
	for (u64 n = 0; n < 2 * nframes && freed < want && ntracked; n++) {
		u64 f = hand;
		hand = (hand + 1) % nframes;
		struct owner *o = &owners[f];
		if (!o->ino || frame_refs(f) != 1)
			continue;
		if (o->referenced) {
			o->referenced = 0;
			continue;
		}
		freed += evict(f);
	}
	return freed;
}

struct unmap_run {
	struct mm *mm;
	u64 start, end; /* pending host unmapping */
};

static void run_flush(struct unmap_run *r)
{
	if (r->end > r->start)
		host_unmap(&r->mm->as, r->start, r->end - r->start);
	r->start = r->end = 0;
}

/* Clear the ptes of mm that map frame f as page pgoff of ino; true when
 * any went. */
static bool unmap_frame(struct unmap_run *r, u64 f, struct inode *ino, u64 pgoff)
{
	struct mm *mm = r->mm;
	bool any = false;
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next) {
		if (!v->file || v->file->inode != ino || pgoff < v->pgoff ||
		    pgoff - v->pgoff >= vma_pages(v))
			continue;
		if ((v->flags & VM_SHARED) && (v->prot & PROT_WRITE))
			continue;
		u64 va = v->start + ((pgoff - v->pgoff) << PAGE_SHIFT);
		pte_t *pte = pte_lookup(&mm->pt, va, false);
		/* only pages the stub maps already: a pte without PTE_HOST may be
		 * one a fill in progress has just set */
		if (!pte || !(*pte & PTE_PRESENT) || !(*pte & PTE_HOST) || PTE_FRAME(*pte) != f)
			continue;
		*pte = 0;
		mm->rss--;
		frame_put(f);
		if (r->end != va) {
			run_flush(r);
			r->start = va;
		}
		r->end = va + PAGE_SIZE;
		any = true;
	}
	return any;
}

/* Pass two: cache frames mapped (only) in the faulting address space. */
static u64 sweep_mapped(struct mm *mm, u64 want)
{
	if (!current || current->mm != mm || !mm->as.pid)
		return 0;
	u64 *cand = malloc(UNMAP_BATCH * sizeof(*cand)), n = 0, freed = 0;
	if (!cand)
		return 0;
	struct unmap_run r = { mm, 0, 0 };
	u64 batch = MIN(UNMAP_BATCH, MAX(want, 64));
	for (u64 i = 0, f = hand; i < nframes && n < batch; i++, f = (f + 1) % nframes) {
		struct owner *o = &owners[f];
		if (!o->ino || frame_refs(f) < 2)
			continue;
		if (unmap_frame(&r, f, o->ino, o->pgoff))
			cand[n++] = f;
		hand = (f + 1) % nframes;
	}
	run_flush(&r);
	/* the stub must have dropped its mappings before the frames are reused */
	if (n && host_flush(&current->ht) < 0) {
		free(cand);
		return 0;
	}
	for (u64 i = 0; i < n; i++)
		freed += evict(cand[i]);
	nunmapped += n;
	free(cand);
	return freed;
}

u64 reclaim_frames(u64 want)
{
	if (!ntracked)
		return 0;
	want = MAX(want, 32); /* a little ahead, so the next allocations find some */
	u64 freed = sweep_unmapped(want);
	if (!freed && unmap_mm)
		freed = sweep_mapped(unmap_mm, want);
	return freed;
}

void reclaim_stats(u64 *reclaimed, u64 *unmapped)
{
	*reclaimed = nreclaimed;
	*unmapped = nunmapped;
}
