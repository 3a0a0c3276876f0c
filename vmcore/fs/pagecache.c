/* The page cache: an inode's pages, frames of physmem indexed by file page.
 *
 * The index is a hash table (open addressing, linear probing, at most half
 * full, backward-shift deletion), so its host memory follows the number of
 * pages present, never the file offsets used: a 1-byte write at 1 TiB costs
 * one slot, not a table of 2^28.  Tables shrink again when pages go, so the
 * host memory of all indexes stays a small multiple of mem= (a slot is 24
 * bytes, a frame 4096).
 *
 * What a page costs depends on whose it is:
 * - a file system that can read its pages back (hostfs: iops->readpage) has
 *   clean, evictable pages: they are not charged, and the reclaimer
 *   (mm/reclaim.c) takes them back under memory pressure;
 * - an in-memory file system (ramfs/tmpfs: no readpage) keeps the only copy
 *   of the data: every page is charged through iops->account (tmpfs's
 *   size= and the commit limit), and a page that cannot be charged is
 *   ENOSPC;
 * - a frame the kernel puts in (pagecache_set, KCOV) is the kernel's. */
#include <vmcore/vfs.h>
#include <vmcore/mm.h>
#include <stdlib.h>
#include <string.h>

#define PCF_CHARGED 0x1 /* charged through iops->account */
#define PCF_TRACKED 0x2 /* evictable: known to the reclaimer */

struct pc_slot {
	u64 pgoff;
	u64 frame; /* NO_FRAME: empty slot */
	u32 flags;
};

static inline u64 slot_hash(u64 pgoff, u64 cap)
{
	return (pgoff * 0x9E3779B97F4A7C15ULL) >> 17 & (cap - 1);
}

static struct pc_slot *find_slot(struct page_cache *pc, u64 pgoff)
{
	if (!pc->cap)
		return NULL;
	for (u64 i = slot_hash(pgoff, pc->cap);; i = (i + 1) & (pc->cap - 1)) {
		struct pc_slot *s = &pc->slots[i];
		if (s->frame == NO_FRAME)
			return NULL;
		if (s->pgoff == pgoff)
			return s;
	}
}

static void put_slot(struct pc_slot *tab, u64 cap, const struct pc_slot *src)
{
	u64 i = slot_hash(src->pgoff, cap);
	while (tab[i].frame != NO_FRAME)
		i = (i + 1) & (cap - 1);
	tab[i] = *src;
}

/* Re-hash into a table of cap slots (a power of two > count). */
static int resize(struct page_cache *pc, u64 cap)
{
	struct pc_slot *tab = malloc(cap * sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	for (u64 i = 0; i < cap; i++)
		tab[i].frame = NO_FRAME;
	for (u64 i = 0; i < pc->cap; i++)
		if (pc->slots[i].frame != NO_FRAME)
			put_slot(tab, cap, &pc->slots[i]);
	free(pc->slots);
	pc->slots = tab;
	pc->cap = cap;
	return 0;
}

static int insert(struct page_cache *pc, u64 pgoff, u64 frame, u32 flags)
{
	if ((pc->count + 1) * 2 > pc->cap && resize(pc, pc->cap ? pc->cap * 2 : 8) < 0)
		return -ENOMEM;
	struct pc_slot s = { pgoff, frame, flags };
	put_slot(pc->slots, pc->cap, &s);
	pc->count++;
	return 0;
}

/* Remove the slot s, moving later members of its probe run back. */
static void remove_slot(struct page_cache *pc, struct pc_slot *s)
{
	u64 mask = pc->cap - 1, i = s - pc->slots, j = i;
	pc->slots[i].frame = NO_FRAME;
	for (;;) {
		j = (j + 1) & mask;
		if (pc->slots[j].frame == NO_FRAME)
			break;
		u64 h = slot_hash(pc->slots[j].pgoff, pc->cap);
		/* j's entry may move to the hole at i when its home h is not in (i, j] */
		if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
			pc->slots[i] = pc->slots[j];
			pc->slots[j].frame = NO_FRAME;
			i = j;
		}
	}
	pc->count--;
	if (pc->cap > 8 && pc->count * 8 < pc->cap)
		resize(pc, pc->cap / 2); /* best effort: a failure keeps the big table */
}

/* Drop the cache's hold on a slot's frame (the slot is being removed). */
static void release(struct inode *ino, u64 frame, u32 flags)
{
	if (flags & PCF_TRACKED)
		reclaim_untrack(frame);
	if ((flags & PCF_CHARGED) && ino->iops && ino->iops->account)
		ino->iops->account(ino, -1);
	frame_put(frame);
}

static bool evictable(struct inode *ino)
{
	return ino->iops && ino->iops->readpage;
}

/* Charge one page of an in-memory file; 0 when nothing needs charging. */
static int charge(struct inode *ino, u32 *flags)
{
	*flags = 0;
	if (evictable(ino) || !ino->iops || !ino->iops->account)
		return 0;
	int r = ino->iops->account(ino, 1);
	if (r == 0)
		*flags = PCF_CHARGED;
	return r;
}

static void uncharge(struct inode *ino, u32 flags)
{
	if (flags & PCF_CHARGED)
		ino->iops->account(ino, -1);
}

long pagecache_get(struct inode *ino, u64 pgoff, u64 *frame)
{
	struct page_cache *pc = &ino->pc;
	struct pc_slot *s = find_slot(pc, pgoff);
	if (s) {
		frame_get(s->frame);
		if (s->flags & PCF_TRACKED)
			reclaim_touch(s->frame);
		*frame = s->frame;
		return 0;
	}
	u32 flags;
	int r = charge(ino, &flags);
	if (r < 0)
		return r;
	u64 f = frame_alloc();
	if (f == NO_FRAME) {
		uncharge(ino, flags);
		return evictable(ino) ? -ENOMEM : -ENOSPC;
	}
	if (evictable(ino)) {
		r = ino->iops->readpage(ino, pgoff, frame_ptr(f));
		if (r < 0) {
			frame_put(f);
			return r;
		}
		flags |= PCF_TRACKED;
	}
	if (insert(pc, pgoff, f, flags) < 0) {
		uncharge(ino, flags);
		frame_put(f);
		return -ENOMEM;
	}
	if (flags & PCF_TRACKED)
		reclaim_track(f, ino, pgoff);
	frame_get(f);
	*frame = f;
	return 0;
}

int pagecache_set(struct inode *ino, u64 pgoff, u64 frame)
{
	struct pc_slot *s = find_slot(&ino->pc, pgoff);
	if (s) {
		u64 old = s->frame;
		u32 oflags = s->flags;
		frame_get(frame);
		s->frame = frame;
		s->flags = 0;
		release(ino, old, oflags);
		return 0;
	}
	if (insert(&ino->pc, pgoff, frame, 0) < 0)
		return -ENOMEM;
	frame_get(frame);
	return 0;
}

/* Fill the absent pages of [pgoff, pgoff+n) (within the file) with one
 * contiguous run of frames where possible, so that a file mapping of them
 * becomes few host mappings.  Only for pages that cost nothing to drop
 * again (evictable ones) or are paid for already (shared anonymous memory,
 * charged with its mapping): an in-memory file's holes are not filled on
 * speculation.  Best effort: errors leave pages absent. */
void pagecache_readahead(struct inode *ino, u64 pgoff, u64 n)
{
	if (!evictable(ino) && ino->sb)
		return;
	u64 end = MIN(pgoff + n, PAGE_ALIGN(ino->size) >> PAGE_SHIFT);
	u64 i = pgoff;
	while (i < end) {
		if (find_slot(&ino->pc, i)) {
			i++;
			continue;
		}
		u64 want = 1;
		while (i + want < end && !find_slot(&ino->pc, i + want))
			want++;
		u64 got, f = frame_alloc_run(want, &got);
		if (f == NO_FRAME)
			return;
		for (u64 k = 0; k < got; k++, i++) {
			u32 flags = evictable(ino) ? PCF_TRACKED : 0;
			/* the allocation may have reclaimed: the page may be here */
			if ((evictable(ino) && ino->iops->readpage(ino, i, frame_ptr(f + k)) < 0) ||
			    find_slot(&ino->pc, i) || insert(&ino->pc, i, f + k, flags) < 0) {
				for (; k < got; k++)
					frame_put(f + k);
				return;
			}
			if (flags & PCF_TRACKED)
				reclaim_track(f + k, ino, i);
		}
	}
}

u64 pagecache_peek(struct inode *ino, u64 pgoff)
{
	struct pc_slot *s = find_slot(&ino->pc, pgoff);
	return s ? s->frame : NO_FRAME;
}

/* Drop every page at or after page keep: one pass that keeps the rest in
 * a fresh table sized for them. */
static void drop_from(struct inode *ino, u64 keep)
{
	struct page_cache *pc = &ino->pc;
	struct pc_slot *old = pc->slots;
	u64 ocap = pc->cap, kept = 0;
	for (u64 i = 0; i < ocap; i++)
		if (old[i].frame != NO_FRAME && old[i].pgoff < keep)
			kept++;
	if (kept == pc->count)
		return;
	u64 cap = 0;
	if (kept)
		for (cap = 8; cap < kept * 2; cap *= 2)
			;
	struct pc_slot *tab = cap ? malloc(cap * sizeof(*tab)) : NULL;
	if (cap && !tab) {
		/* no memory for a smaller table: remove in place */
		for (u64 i = 0; i < pc->cap;) {
			struct pc_slot *s = &pc->slots[i];
			if (s->frame != NO_FRAME && s->pgoff >= keep) {
				u64 f = s->frame;
				u32 fl = s->flags;
				remove_slot(pc, s);
				release(ino, f, fl);
				i = 0; /* the table may have moved or shrunk */
				continue;
			}
			i++;
		}
		return;
	}
	for (u64 i = 0; i < cap; i++)
		tab[i].frame = NO_FRAME;
	pc->slots = tab;
	pc->cap = cap;
	pc->count = kept;
	for (u64 i = 0; i < ocap; i++) {
		if (old[i].frame == NO_FRAME)
			continue;
		if (old[i].pgoff < keep)
			put_slot(tab, cap, &old[i]);
		else
			release(ino, old[i].frame, old[i].flags);
	}
	free(old);
}

void pagecache_truncate(struct inode *ino, u64 size)
{
	drop_from(ino, PAGE_ALIGN(size) >> PAGE_SHIFT);
	if (size & ~PAGE_MASK) {
		u64 f = pagecache_peek(ino, size >> PAGE_SHIFT);
		if (f != NO_FRAME)
			memset((u8 *)frame_ptr(f) + (size & ~PAGE_MASK), 0, PAGE_SIZE - (size & ~PAGE_MASK));
	}
}

static int write_one(struct inode *ino, u64 pgoff, u64 f)
{
	if ((pgoff << PAGE_SHIFT) >= ino->size)
		return 0;
	size_t len = MIN(PAGE_SIZE, ino->size - (pgoff << PAGE_SHIFT));
	return ino->iops->writepage(ino, pgoff, frame_ptr(f), len);
}

int pagecache_writeback(struct inode *ino)
{
	if (!ino->iops || !ino->iops->writepage)
		return 0;
	int ret = 0;
	for (u64 i = 0; i < ino->pc.cap; i++) {
		struct pc_slot *s = &ino->pc.slots[i];
		if (s->frame == NO_FRAME)
			continue;
		int r = write_one(ino, s->pgoff, s->frame);
		if (r < 0)
			ret = r;
	}
	return ret;
}

/* The reclaimer takes an evictable page back: written back first if a
 * shared writable mapping may have changed it.  The caller has checked
 * that nothing but the cache holds the frame. */
bool pagecache_evict(struct inode *ino, u64 pgoff, u64 f)
{
	struct pc_slot *s = find_slot(&ino->pc, pgoff);
	if (!s || !(s->flags & PCF_TRACKED) || s->frame != f)
		return false;
	if (ino->pc.may_dirty && ino->iops->writepage)
		write_one(ino, pgoff, f);
	remove_slot(&ino->pc, s);
	release(ino, f, PCF_TRACKED);
	return true;
}

void pagecache_free(struct inode *ino)
{
	struct page_cache *pc = &ino->pc;
	for (u64 i = 0; i < pc->cap; i++)
		if (pc->slots[i].frame != NO_FRAME)
			release(ino, pc->slots[i].frame, pc->slots[i].flags);
	free(pc->slots);
	pc->slots = NULL;
	pc->cap = pc->count = 0;
}

/* Drop one page, wherever it is (a hole punched, an allocation undone). */
void pagecache_drop(struct inode *ino, u64 pgoff)
{
	struct pc_slot *s = find_slot(&ino->pc, pgoff);
	if (!s)
		return;
	u64 f = s->frame;
	u32 fl = s->flags;
	remove_slot(&ino->pc, s);
	release(ino, f, fl);
}

static void zero_part(struct inode *ino, u64 from, u64 to)
{
	u64 f = pagecache_peek(ino, from >> PAGE_SHIFT);
	if (f != NO_FRAME && to > from)
		memset((u8 *)frame_ptr(f) + (from & ~PAGE_MASK), 0, to - from);
}

/* A hole in [off, off+len): whole pages go, the partial ones are zeroed.
 * The pages are found from the index, not the range, which may be vast. */
void pagecache_punch(struct inode *ino, u64 off, u64 len)
{
	u64 end = off + len < off ? ~0ULL : off + len;
	u64 first = (off >> PAGE_SHIFT) + ((off & ~PAGE_MASK) != 0), last = end >> PAGE_SHIFT;
	if (off & ~PAGE_MASK)
		zero_part(ino, off, MIN(end, (off | ~PAGE_MASK) + 1));
	if ((end & ~PAGE_MASK) && (end >> PAGE_SHIFT) != (off >> PAGE_SHIFT))
		zero_part(ino, end & PAGE_MASK, end);
	if (first >= last || !ino->pc.count)
		return;
	u64 n = 0, *list = malloc(ino->pc.count * sizeof(u64));
	if (!list) {
		for (u64 i = first; i < last && i - first < ino->pc.cap * 64; i++)
			pagecache_drop(ino, i); /* no memory for a list: the slow way */
		return;
	}
	for (u64 i = 0; i < ino->pc.cap; i++) {
		struct pc_slot *sl = &ino->pc.slots[i];
		if (sl->frame != NO_FRAME && sl->pgoff >= first && sl->pgoff < last)
			list[n++] = sl->pgoff;
	}
	for (u64 i = 0; i < n; i++)
		pagecache_drop(ino, list[i]);
	free(list);
}

u64 pagecache_pages(struct inode *ino)
{
	return ino->pc.count;
}
