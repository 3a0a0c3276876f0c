/* The physical memory file and its frame allocator.
 *
 * One memfd of mem= bytes, sparse until touched, mapped whole (MAP_SHARED)
 * into the kernel.  A frame is a page of it.  Free frames are found with a
 * next-fit search over a bitmap; frame_alloc_run hands out a contiguous run
 * so that neighbouring guest pages can share one host mapping.  Frames carry
 * a reference count (page tables, page caches, COW sharing).  A frame that
 * was never used is zero already; one that was freed is zeroed again when it
 * is handed out. */
#include <vmcore/mm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

u8 *physmem_base;
u64 physmem_frames;
static int physmem_fd = -1;
static u64 *used_map;   /* bit set: frame in use */
static u32 *refs;
static u8 *dirty;       /* frame was used and freed: zero it before reuse */
static u64 rover, nfree;
/* Commit accounting, as Linux's (mm/util.c __vm_enough_memory):
 * committed is what address spaces reserved (VM_ACCOUNT mappings),
 * kcommitted what the kernel holds for the guest (pipe pages, socket
 * buffers, tmpfs pages, stub pages).  The mode decides only what a user
 * commit may be refused for; the kernel's part is bounded by the limit
 * in every mode (socket buffers are host memory, not frames). */
static u64 committed, kcommitted, commit_limit;
int overcommit_mode = OVERCOMMIT_GUESS;

int physmem_fd_get(void)
{
	return physmem_fd;
}

void physmem_init(u64 bytes)
{
	physmem_frames = bytes >> PAGE_SHIFT;
	physmem_fd = memfd_create("vmcore-physmem", MFD_CLOEXEC);
	if (physmem_fd < 0 || ftruncate(physmem_fd, bytes) < 0)
		panic("cannot create the physical memory file (%llu bytes): %s",
		      (unsigned long long)bytes, strerror(errno));
	physmem_base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, physmem_fd, 0);
	if (physmem_base == MAP_FAILED)
		panic("cannot map the physical memory file: %s", strerror(errno));
	used_map = calloc((physmem_frames + 63) / 64, 8);
	refs = calloc(physmem_frames, sizeof(*refs));
	dirty = calloc(physmem_frames, 1);
	if (!used_map || !refs || !dirty)
		panic("out of host memory for the frame tables");
	nfree = physmem_frames;
	reclaim_init(physmem_frames);
	/* Keep 1/32 of memory (at least 256 pages) out of the commit limit
	 * for the kernel's own use: page cache, pipe buffers, stub pages. */
	u64 reserve = MAX(physmem_frames / 32, 256);
	commit_limit = physmem_frames > reserve ? physmem_frames - reserve : 0;
}

static inline bool frame_used(u64 f)
{
	return used_map[f / 64] & (1UL << (f % 64));
}

static void take(u64 f)
{
	used_map[f / 64] |= 1UL << (f % 64);
	refs[f] = 1;
	nfree--;
	if (dirty[f]) {
		memset(frame_ptr(f), 0, PAGE_SIZE);
		dirty[f] = 0;
	}
}

static u64 alloc_run(u64 want, u64 *got)
{
	if (!nfree || !want)
		return NO_FRAME;
	u64 f = rover;
	for (u64 n = 0; n < physmem_frames; n++, f++) {
		if (f >= physmem_frames)
			f = 0;
		if (used_map[f / 64] == ~0UL) { /* skip full words */
			u64 skip = 63 - (f % 64);
			f += skip;
			n += skip;
			continue;
		}
		if (frame_used(f))
			continue;
		u64 len = 0;
		while (len < want && f + len < physmem_frames && !frame_used(f + len))
			take(f + len++);
		rover = f + len;
		*got = len;
		return f;
	}
	return NO_FRAME;
}

/* Exactly n contiguous frames or none (the stub's data pages must be one
 * run: the stub maps them with one mmap).  frame_alloc_run gives the first
 * free run even when it is shorter, and after some thousands of forks the
 * first hole the rover meets is often shorter than n while plenty of
 * memory is free: that was a fork failing with ENOMEM with MemFree
 * unchanged. */
static u64 alloc_contig(u64 n)
{
	if (nfree < n || !n || n > physmem_frames)
		return NO_FRAME;
	u64 start = rover < physmem_frames ? rover : 0;
	for (u64 scanned = 0, f = start, len = 0; scanned < physmem_frames + n; scanned++, f++) {
		if (f >= physmem_frames) {
			f = 0;
			len = 0; /* a run does not wrap around the end */
		}
		len = frame_used(f) ? 0 : len + 1;
		if (len == n) {
			u64 first = f + 1 - n;
			for (u64 i = first; i <= f; i++)
				take(i);
			rover = f + 1;
			return first;
		}
	}
	return NO_FRAME;
}

/* Out of frames: clean page cache is taken back (reclaim.c) first. */
u64 frame_alloc_run(u64 want, u64 *got)
{
	u64 f = alloc_run(want, got);
	if (f == NO_FRAME && want && reclaim_frames(want))
		f = alloc_run(want, got);
	return f;
}

u64 frame_alloc_contig(u64 n)
{
	u64 f = alloc_contig(n);
	if (f == NO_FRAME && n && reclaim_frames(n))
		f = alloc_contig(n);
	return f;
}

u64 frame_alloc(void)
{
	u64 got;
	return frame_alloc_run(1, &got);
}

void frame_get(u64 f)
{
	refs[f]++;
}

u32 frame_refs(u64 f)
{
	return refs[f];
}

void frame_put(u64 f)
{
	BUG_ON(f >= physmem_frames || !refs[f]);
	if (--refs[f])
		return;
	used_map[f / 64] &= ~(1UL << (f % 64));
	dirty[f] = 1;
	nfree++;
}

u64 frames_free(void)
{
	return nfree;
}

int vm_commit(u64 pages)
{
	switch (overcommit_mode) {
	case OVERCOMMIT_GUESS:
		/* only what could never fit: more than all of memory at once
		 * (there is no swap) */
		if (pages > physmem_frames)
			return -ENOMEM;
		break;
	case OVERCOMMIT_NEVER:
		if (committed + kcommitted + pages > commit_limit)
			return -ENOMEM;
		break;
	}
	committed += pages;
	return 0;
}

void vm_uncommit(u64 pages)
{
	BUG_ON(pages > committed);
	committed -= pages;
}

/* frames in use that reclaim cannot take back: all but the clean page cache */
static u64 pinned_frames(void)
{
	u64 in_use = physmem_frames - nfree, cache = reclaim_tracked();
	return in_use > cache ? in_use - cache : 0;
}

int vm_commit_kernel(u64 pages)
{
	u64 used = kcommitted + (overcommit_mode == OVERCOMMIT_NEVER ? committed : 0);
	if (used + pages > commit_limit)
		return -ENOMEM;
	if (overcommit_mode != OVERCOMMIT_NEVER) {
		/* Without strict accounting nothing keeps address spaces' own
		 * frames under the limit: the kernel's take only what leaves
		 * the reserve free for the page cache and faults (pipes that
		 * filled it made every fault evict the page the next one
		 * needed: a livelock, not an OOM). */
		if (pinned_frames() + pages > commit_limit)
			return -ENOMEM;
	}
	kcommitted += pages;
	return 0;
}

void vm_uncommit_kernel(u64 pages)
{
	BUG_ON(pages > kcommitted);
	kcommitted -= pages;
}

/* Under overcommit nothing else keeps address spaces out of the reserve:
 * as Linux's watermarks keep user allocations out of the kernel's
 * reserve, a fault gets frames for anonymous memory or a COW copy only
 * while the frames nobody can take back (all but the clean page cache)
 * stay within the commit limit.  Beyond it the fault is out of memory
 * (the OOM killer), instead of evicting, one fault after another, the
 * page cache the faulting program itself runs from. */
u64 frames_for_user(u64 want)
{
	if (overcommit_mode == OVERCOMMIT_NEVER)
		return want;
	u64 pinned = pinned_frames();
	u64 room = commit_limit > pinned ? commit_limit - pinned : 0;
	return MIN(want, room);
}

u64 vm_committed(void)
{
	return committed + kcommitted;
}

u64 vm_commit_limit(void)
{
	return commit_limit;
}
