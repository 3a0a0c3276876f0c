/* Copying an address space for fork.
 *
 * The child gets the parent's VMAs and a copy of its page table in which
 * every private page is shared copy-on-write: the frame's reference count
 * goes up, both ptes get PTE_COW, and the parent's host mapping of a page it
 * could write is made read-only (queued stub operations, run before the
 * parent returns to user mode).  None of the child's ptes are mapped in its
 * new stub yet: the child faults them in, read-only while they are COW. */
#include "internal.h"
#include <vmcore/vfs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct dup_ctx {
	struct mm *old, *new;
	struct vma *v;
	bool cow;
	u64 run_start, run_end; /* parent pages to write-protect in the host */
	int run_prot;
	bool failed;
};

static void flush_wp(struct dup_ctx *c)
{
	if (c->run_end > c->run_start)
		host_protect(&c->old->as, c->run_start, c->run_end - c->run_start, c->run_prot);
	c->run_start = c->run_end = 0;
}

static void dup_pte(pte_t *pte, u64 va, void *arg)
{
	struct dup_ctx *c = arg;
	if (!(*pte & PTE_PRESENT))
		return;
	pte_t *npte = pte_lookup(&c->new->pt, va, true);
	if (!npte) {
		c->failed = true;
		return;
	}
	frame_get(PTE_FRAME(*pte));
	c->new->rss++;
	if (!c->cow) {
		*npte = (*pte & ~PTE_HOST_BITS);
		return;
	}
	bool was_writable = (*pte & PTE_HOST) && (PTE_HPROT(*pte) & PROT_WRITE);
	*pte |= PTE_COW;
	*npte = (*pte & ~PTE_HOST_BITS) | PTE_COW;
	if (was_writable) {
		int hp = host_prot(c->v, *pte);
		*pte = (*pte & ~(7UL << PTE_PROT_SHIFT)) | ((u64)hp << PTE_PROT_SHIFT);
		if (c->run_end == va && c->run_prot == hp) {
			c->run_end += PAGE_SIZE;
		} else {
			flush_wp(c);
			c->run_start = va;
			c->run_end = va + PAGE_SIZE;
			c->run_prot = hp;
		}
	}
}

struct mm *mm_dup(struct mm *old)
{
	struct mm *mm = mm_alloc();
	if (!mm)
		return NULL;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->mmap_base = old->mmap_base;
	mm->exe = old->exe ? dget(old->exe) : NULL;
	memcpy(mm->saved_auxv, old->saved_auxv, sizeof(mm->saved_auxv));
	mm->saved_auxv_len = old->saved_auxv_len;
	mm->nondumpable = old->nondumpable;
	for (struct vma *v = old->vmas.next; v != &old->vmas; v = v->next) {
		struct vma *nv = vma_alloc();
		if (!nv)
			goto fail;
		*nv = *v;
		nv->flags &= ~(VM_ACCOUNT | VM_LOCKED_MASK); /* locks are not inherited */
		if ((v->flags & VM_ACCOUNT) && vm_commit(vma_pages(v)) < 0) {
			nv->file = NULL; /* not referenced yet */
			vma_free(nv);
			goto fail;
		}
		nv->flags |= v->flags & VM_ACCOUNT;
		if (nv->file)
			fget(nv->file);
		vma_link(mm, nv);
		struct dup_ctx c = { old, mm, v, !(v->flags & VM_SHARED), 0, 0, 0, false };
		pte_range(&old->pt, v->start, v->end, dup_pte, &c);
		flush_wp(&c);
		if (c.failed)
			goto fail;
	}
	return mm;
fail:
	mm_unmap_all(mm);
	free(mm);
	return NULL;
}
