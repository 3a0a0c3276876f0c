/* Reclaim: taking clean page-cache frames back when physmem runs out.
 *
 * Pages of a file system that can read them back (hostfs) are a cache: they
 * are not charged to the commit limit, and when the frame allocator finds
 * no free frame it asks us for some before anyone sees ENOMEM or is
 * OOM-killed.  Every such frame is registered here with its owner (inode,
 * page); a clock hand sweeps the frames with a second chance: a page found
 * in the cache since the last sweep (reclaim_touch) is skipped once.
 *
 * In that order:
 * - A frame held by nothing but the page cache is dropped at once.
 * - A frame still mapped in other address spaces whose threads are all
 *   stopped (none in user mode; we hold the BKL, so none can get there
 *   without first running its stub's queue): a whole file VMA at a time,
 *   the ptes are cleared and the stub's unmapping queued; the frames can go
 *   at once, since no stub thread runs before its queue has been flushed.
 * - A frame mapped in the address space that is faulting
 *   (reclaim_allow_unmap, set by mm_fault around its fill): its ptes are
 *   cleared, the stub's mappings removed, and the batch flushed through
 *   that address space's own stopped thread before the frames go.
 * - When a fault still finds no frame (task.c, at a point where it holds
 *   nothing): address spaces running guest code with cache mapped are
 *   asked (reclaim_req) and their threads kicked out of user mode; their
 *   own task thread drops the mapped cache and flushes its stub before the
 *   frames go (reclaim_self), and the fault is retried: Linux's TLB
 *   shootdown, in the tracer's terms.
 *
 * A frame is thus never reused while any stub can still reach it.  Pages of
 * shared writable mappings go the same way: once no stub can write them
 * any more, a page that may have been written through one is written back
 * before it is dropped (pagecache_evict). */
#include "internal.h"
#include <vmcore/vfs.h>
#include <vmcore/task.h>
#include <vmcore/signal.h>
#include <stdlib.h>
#include <time.h>
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
static u64 nreclaimed, nunmapped; /* pages dropped, ptes cleared: for the debugger */

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

/* Is every thread of mm stopped (out of user mode)?  Only then may its
 * stub's mappings be removed by queue alone. */
static bool mm_stopped(struct mm *mm)
{
	for (struct task *t = all_tasks; t; t = t->next_task)
		if (t->mm == mm && t->in_user)
			return false;
	return true;
}

struct vma_zap {
	struct mm *mm;
	struct vma *v;
	u64 freed;
};

/* One pte of a stopped mm's file VMA: a page of the cache is dropped from
 * the table (and from the cache, when nothing else holds it); any other
 * page (a private copy) stays, no longer mapped in the host. */
static void zap_cache_pte(pte_t *pte, u64 va, void *arg)
{
	struct vma_zap *z = arg;
	if (!(*pte & PTE_PRESENT))
		return;
	u64 f = PTE_FRAME(*pte), pgoff = z->v->pgoff + ((va - z->v->start) >> PAGE_SHIFT);
	struct owner *o = f < nframes ? &owners[f] : NULL;
	if (!o || o->ino != z->v->file->inode || o->pgoff != pgoff) {
		*pte &= ~PTE_HOST_BITS;
		return;
	}
	*pte = 0;
	z->mm->rss--;
	frame_put(f);
	nunmapped++;
	if (frame_refs(f) == 1)
		z->freed += evict(f);
}

/* Pass two: cache pages mapped in address spaces other than the current
 * one whose threads are all stopped.  A whole file VMA at a time, so that
 * the stub's queue, which only its own tracer can run, gets one unmapping
 * per VMA. */
static u64 sweep_stopped(u64 want)
{
	u64 freed = 0;
	struct mm *self = current ? current->mm : NULL;
	for (struct task *t = all_tasks; t && freed < want; t = t->next_task) {
		struct mm *mm = t->mm;
		if (!mm || mm == self || !mm->as.pid || !mm_stopped(mm))
			continue;
		for (struct vma *v = mm->vmas.next; v != &mm->vmas && freed < want; v = v->next) {
			if (!v->file || !v->file->inode->iops || !v->file->inode->iops->readpage)
				continue;
			/* never let the queue fill: we cannot flush another
			 * tracer's stub */
			if (mm->as.ops_n + 1 >= (int)HOST_OPS_MAX)
				break;
			struct vma_zap z = { .mm = mm, .v = v };
			pte_range(&mm->pt, v->start, v->end, zap_cache_pte, &z);
			/* its threads are all stopped, and each runs its stub's
			 * queue before guest code: the frames may go now */
			host_unmap(&mm->as, v->start, v->end - v->start);
			freed += z.freed;
		}
	}
	return freed;
}

static pthread_cond_t reclaim_cond = PTHREAD_COND_INITIALIZER;
static u64 reclaim_gen;

static bool mm_has_cache(struct mm *mm)
{
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next)
		if (v->file && v->file->inode->iops && v->file->inode->iops->readpage &&
		    pagecache_pages(v->file->inode))
			return true;
	return false;
}

bool reclaim_wait_running(struct task *self)
{
	bool asked = false;
	for (struct task *t = all_tasks; t; t = t->next_task) {
		struct mm *mm = t->mm;
		if (!mm || mm == self->mm || !t->in_user || !mm->as.pid || !mm_has_cache(mm))
			continue;
		mm->reclaim_req = true;
		host_kick(&t->ht);
		asked = true;
	}
	if (!asked)
		return false;
	/* the kicked tracers answer at once; the deadline only guards against
	 * one that cannot (a task parked by the debugger) */
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 1;
	u64 gen = reclaim_gen;
	while (reclaim_gen == gen)
		if (wait_interruptible(self, &reclaim_cond, &dl) < 0)
			break;
	return true;
}

u64 reclaim_generation(void)
{
	return reclaim_gen;
}

/* Sleep until an address space goes after generation gen, or a second. */
void reclaim_wait_gen(struct task *self, u64 gen)
{
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 1;
	while (reclaim_gen == gen)
		if (wait_interruptible(self, &reclaim_cond, &dl) < 0)
			break;
}

void reclaim_mm_gone(void)
{
	reclaim_gen++;
	pthread_cond_broadcast(&reclaim_cond);
}

struct self_zap {
	struct mm *mm;
	struct vma *v;
	u64 *frames;
	u64 n, cap;
};

static void self_zap_pte(pte_t *pte, u64 va, void *arg)
{
	struct self_zap *z = arg;
	if (!(*pte & PTE_PRESENT))
		return;
	u64 f = PTE_FRAME(*pte), pgoff = z->v->pgoff + ((va - z->v->start) >> PAGE_SHIFT);
	struct owner *o = f < nframes ? &owners[f] : NULL;
	if (!o || o->ino != z->v->file->inode || o->pgoff != pgoff || z->n == z->cap) {
		/* not a cache page: it stays, unmapped in the host */
		*pte &= ~PTE_HOST_BITS;
		return;
	}
	*pte = 0;
	z->mm->rss--;
	z->frames[z->n++] = f; /* its reference is dropped after the flush */
}

void reclaim_self(struct task *t)
{
	struct mm *mm = t->mm;
	mm->reclaim_req = false;
	struct self_zap z = { .mm = mm, .cap = mm->rss };
	z.frames = malloc(MAX(z.cap, 1) * sizeof(u64));
	if (z.frames) {
		for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next) {
			if (!v->file || !v->file->inode->iops || !v->file->inode->iops->readpage)
				continue;
			z.v = v;
			pte_range(&mm->pt, v->start, v->end, self_zap_pte, &z);
			host_unmap(&mm->as, v->start, v->end - v->start);
		}
		/* no thread of this stub can reach the frames after this */
		if (host_flush(&t->ht) == 0) {
			for (u64 i = 0; i < z.n; i++) {
				frame_put(z.frames[i]);
				nunmapped++;
				if (frame_refs(z.frames[i]) == 1)
					evict(z.frames[i]);
			}
		} else {
			/* the stub is gone: its mappings with it */
			for (u64 i = 0; i < z.n; i++)
				frame_put(z.frames[i]);
		}
		free(z.frames);
	}
	reclaim_gen++;
	pthread_cond_broadcast(&reclaim_cond);
}

u64 reclaim_frames(u64 want)
{
	if (!ntracked)
		return 0;
	want = MAX(want, 32); /* a little ahead, so the next allocations find some */
	u64 freed = sweep_unmapped(want);
	if (!freed)
		freed = sweep_stopped(want);
	if (!freed && unmap_mm)
		freed = sweep_mapped(unmap_mm, want);
	return freed;
}
