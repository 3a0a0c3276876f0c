/* Page tables: a four-level radix tree of 512-entry tables over the 47-bit
 * guest address space, as on x86-64.  Leaves are ptes (see mm.h).  The tree
 * is the kernel's, in host memory; the stub's mappings only cache it.
 *
 * Each table is a page of host memory, and the host's own page tables of
 * the stub grow with ours, so all page tables together are bounded: at most
 * an eighth of mem= (and at least 4 MiB), about what a Linux machine of that
 * size could hold.  Past it a table cannot be had and the fault is out of
 * memory.  Without the bound a guest could read terabytes of uncharged,
 * read-only zero memory into host page tables.  They are not charged to the
 * commit limit: they take no physmem frame, and committed memory must never
 * fail for want of a table. */
#include <vmcore/mm.h>
#include <stdlib.h>

#define LEVELS 4
#define BITS 9
#define ENTRIES (1 << BITS)

static u64 nr_tables;

u64 pgtable_pages(void)
{
	return nr_tables;
}

u64 pgtable_max_pages(void)
{
	return MAX(physmem_frames / 8, 1024);
}

static void *table_alloc(size_t entry)
{
	if (nr_tables >= pgtable_max_pages())
		return NULL;
	void *t = calloc(ENTRIES, entry);
	if (t)
		nr_tables++;
	return t;
}

static inline unsigned idx(u64 va, int level)
{
	return (va >> (PAGE_SHIFT + BITS * level)) & (ENTRIES - 1);
}

pte_t *pte_lookup(struct pgtable *pt, u64 va, bool alloc)
{
	void **table;

	if (!pt->root) {
		if (!alloc)
			return NULL;
		pt->root = table_alloc(sizeof(void *));
		if (!pt->root)
			return NULL;
	}
	table = pt->root;
	for (int level = LEVELS - 1; level > 0; level--) {
		void **next = table[idx(va, level)];
		if (!next) {
			if (!alloc)
				return NULL;
			next = table_alloc(level == 1 ? sizeof(pte_t) : sizeof(void *));
			if (!next)
				return NULL;
			table[idx(va, level)] = next;
		}
		table = next;
	}
	return &((pte_t *)table)[idx(va, 0)];
}

/* Free a table of the given level (3 = root, 0 = a leaf of ptes). */
static void free_table(void **table, int level)
{
	if (level > 0)
		for (int i = 0; i < ENTRIES; i++)
			if (table[i])
				free_table(table[i], level - 1);
	free(table);
	nr_tables--;
}

void pgtable_free(struct pgtable *pt)
{
	if (pt->root)
		free_table(pt->root, LEVELS - 1);
	pt->root = NULL;
}

/* Visit every non-zero pte in [start, end), skipping absent tables. */
void pte_range(struct pgtable *pt, u64 start, u64 end,
	       void (*fn)(pte_t *pte, u64 va, void *arg), void *arg)
{
	if (!pt->root)
		return;
	u64 va = start;
	while (va < end) {
		void **table = pt->root;
		int level;
		for (level = LEVELS - 1; level > 0; level--) {
			void **next = table[idx(va, level)];
			if (!next)
				break;
			table = next;
		}
		if (level > 0) {
			/* no table at this level: skip to the next entry's start */
			u64 span = 1UL << (PAGE_SHIFT + BITS * level);
			u64 nva = (va & ~(span - 1)) + span;
			if (nva <= va)
				return;
			va = nva;
			continue;
		}
		pte_t *ptes = (pte_t *)table;
		for (unsigned i = idx(va, 0); i < ENTRIES && va < end; i++, va += PAGE_SIZE)
			if (ptes[i])
				fn(&ptes[i], va, arg);
	}
}
