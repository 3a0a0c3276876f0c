/* Helpers shared inside mm/. */
#ifndef VMCORE_MM_INTERNAL_H
#define VMCORE_MM_INTERNAL_H
#include <vmcore/mm.h>

void vma_link(struct mm *mm, struct vma *nv);
void vma_unlink(struct mm *mm, struct vma *v);
/* a VMA of the bounded pool (vma.c: all VMAs together bounded by mem=),
 * or NULL; vma_free gives it back */
struct vma *vma_alloc(void);
u64 vma_count(void);
u64 vma_max(void);
void vma_free(struct vma *v);
struct vma *vma_split(struct mm *mm, struct vma *v, u64 addr);
struct vma *vma_split_nolimit(struct mm *mm, struct vma *v, u64 addr);
struct vma *vma_merge(struct mm *mm, struct vma *v);
u64 vma_pages(struct vma *v);
/* Drop the pages of [start, end) from the page table and the host. */
void zap_range(struct mm *mm, u64 start, u64 end);
/* The rights the host mapping of a page with this pte gets in vma v. */
int host_prot(struct vma *v, pte_t pte);
#endif
