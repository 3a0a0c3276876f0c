/* Guest memory.
 *
 * All guest memory lives in one memfd of mem= bytes ("physmem"), mapped whole
 * into the kernel.  Frames are handed out by a bitmap allocator that prefers
 * contiguous runs, so that consecutive guest pages map consecutive file
 * offsets and the host merges them into one mapping.
 *
 * Each mm has VMAs (a sorted list) and a page table of its own: a four-level
 * radix tree of ptes (frame, present, mapped-in-host, host protection, COW).
 * The stub's host mappings are a cache of that table: a guest fault on a page
 * the table says is already mapped with the VMA's full rights is a real
 * protection fault; anything else is demand paging (or, later, COW).
 *
 * Commit accounting is strict (like vm.overcommit_memory=2 at 100%): private
 * writable mappings are charged when they are created, so a guest that asks
 * for more than mem= gets ENOMEM from mmap/brk instead of an OOM kill. */
#ifndef VMCORE_MM_H
#define VMCORE_MM_H

#include <vmcore/kernel.h>
#include <vmcore/host.h>

/* ---- physmem ---- */
#define NO_FRAME ((u64)-1)
extern u8 *physmem_base;
extern u64 physmem_frames;
void physmem_init(u64 bytes);
int physmem_fd_get(void);
u64 frame_alloc(void);                  /* one zeroed frame, or NO_FRAME */
u64 frame_alloc_run(u64 want, u64 *got); /* 1..want contiguous zeroed frames */
u64 frame_alloc_contig(u64 n);           /* exactly n contiguous zeroed frames, or NO_FRAME */
void frame_get(u64 f);
void frame_put(u64 f);
u32 frame_refs(u64 f);
static inline void *frame_ptr(u64 f) { return physmem_base + (f << PAGE_SHIFT); }
u64 frames_free(void);
/* Commit accounting in pages; returns 0 or -ENOMEM. */
/* Commit accounting (physmem.c).  vm_commit: an address space reserves
 * pages (a VM_ACCOUNT mapping, brk, a fork's copies), refused as
 * vm.overcommit_memory says; vm_commit_kernel: memory the kernel holds for
 * the guest (pipe pages, socket buffers, tmpfs pages, stub pages), refused
 * past the commit limit in every mode.  Committed_AS is both. */
enum { OVERCOMMIT_GUESS, OVERCOMMIT_ALWAYS, OVERCOMMIT_NEVER };
extern int overcommit_mode;
int vm_commit(u64 pages);
void vm_uncommit(u64 pages);
int vm_commit_kernel(u64 pages);
void vm_uncommit_kernel(u64 pages);
u64 vm_committed(void);
u64 vm_commit_limit(void);
/* how many of want frames a fault may take for an address space's own
 * memory (anonymous pages, COW copies): all of them under strict
 * accounting, else what keeps the reserve free (physmem.c) */
u64 frames_for_user(u64 want);

/* ---- reclaim of clean page cache (reclaim.c) ---- */
struct inode;
struct mm;
void reclaim_init(u64 frames);
/* frame holds page pgoff of ino's cache, which can be read back */
void reclaim_track(u64 frame, struct inode *ino, u64 pgoff);
void reclaim_untrack(u64 frame);
void reclaim_touch(u64 frame); /* used again: a second chance */
/* The allocator found no free frame: free some; returns how many. */
u64 reclaim_frames(u64 want);
/* While mm (the current task's, stopped in a fault) is set, reclaim may
 * also unmap cache pages from it; NULL ends that. */
void reclaim_allow_unmap(struct mm *mm);
u64 reclaim_tracked(void);
struct task;
/* A fault found no frame: ask address spaces running guest code to drop
 * their mapped page cache and wait until one has; false when none can. */
bool reclaim_wait_running(struct task *self);
/* t's address space was asked to (reclaim_req): do it, at a point where t
 * holds nothing (before it runs guest code again). */
void reclaim_self(struct task *t);
void reclaim_mm_gone(void); /* an mm went: its frames are free */
/* the count of address spaces gone, and a wait (a second at most) for
 * the next one to go */
u64 reclaim_generation(void);
void reclaim_wait_gen(struct task *self, u64 gen);
/* Out of memory at a fault of self (oom_kill.c): kill the process holding
 * the most memory; true when that was another process and it is gone (or
 * going): fault again.  false: self is the one to die. */
bool oom_kill_other(struct task *self);
/* the kernel's line about a process the OOM killer takes */
void oom_report(struct task *victim);
/* /proc/PID/oom_score, oom_score_adj and oom_adj (legacy: -17..15) */
long oom_score(struct task *t);
long oom_adj_read(struct task *t, bool legacy);
/* writer sets t's; the count written, or -EINVAL, -EACCES */
long oom_adj_write(struct task *writer, struct task *t, const char *src, size_t len, bool legacy);

/* ---- the zero pages (fault.c) ---- */
void zero_page_init(void);
bool is_zero_frame(u64 f);

/* ---- page tables ---- */
typedef u64 pte_t;
#define PTE_PRESENT 0x1UL  /* a frame is assigned */
#define PTE_HOST 0x2UL     /* and mapped in the stub with the prot below */
#define PTE_COW 0x4UL      /* frame shared: copy before writing */
#define PTE_PROT_SHIFT 3   /* 3 bits: PROT_READ|WRITE|EXEC as mapped */
#define PTE_FRAME(p) ((p) >> PAGE_SHIFT)
#define PTE_HPROT(p) (((p) >> PTE_PROT_SHIFT) & 7)
/* the bits saying how the stub maps the page: a pte without them is not
 * mapped in the host */
#define PTE_HOST_BITS (PTE_HOST | (7UL << PTE_PROT_SHIFT))

struct pgtable {
	void *root;
};
pte_t *pte_lookup(struct pgtable *pt, u64 va, bool alloc);
void pgtable_free(struct pgtable *pt);
u64 pgtable_pages(void);     /* tables of all mms, a page each */
u64 pgtable_max_pages(void); /* their bound */
void pte_range(struct pgtable *pt, u64 start, u64 end,
	       void (*fn)(pte_t *pte, u64 va, void *arg), void *arg);

/* ---- VMAs ---- */
#define VM_SHARED 0x1
#define VM_GROWSDOWN 0x2
#define VM_ACCOUNT 0x4  /* charged to the commit limit */
#define VM_DONTEXPAND 0x8
#define VM_LOCKED 0x10      /* mlock: populated when locked, counted in VmLck */
#define VM_LOCKONFAULT 0x20 /* with VM_LOCKED: pages arrive by faults (MLOCK_ONFAULT) */
#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)

struct file;
struct vma {
	u64 start, end;   /* [start, end), page aligned */
	int prot;         /* PROT_* */
	int flags;        /* VM_* */
	struct file *file; /* file mapping, or NULL for anonymous */
	u64 pgoff;        /* file offset of start, in pages */
	const char *name; /* "[heap]", "[stack]" for /proc/PID/maps */
	struct vma *next, *prev;
};

/* VMAs an mm may have (Linux's vm.max_map_count): each is host memory, and
 * each can become a host mapping of the stub, which the host bounds alike. */
#define MAX_MAP_COUNT_HOST 65530
/* /proc/sys/vm/max_map_count: root may lower it, never raise it past the
 * host's own bound above (proc_sys.c) */
extern int max_map_count;
#define MAX_MAP_COUNT max_map_count

struct mm {
	int users;
	int map_count;    /* VMAs linked */
	struct vma vmas;  /* list head, sorted by address */
	struct vma *cache;
	struct pgtable pt;
	struct host_as as;
	bool reclaim_req; /* drop mapped page cache at the next kernel entry */
	u64 stub_data;    /* first frame of the stub's data pages */
	u64 start_brk, brk;
	int def_flags;    /* VM_LOCKED_MASK bits new VMAs get (mlockall MCL_FUTURE) */
	u64 start_stack, arg_start, arg_end, env_start, env_end;
	u64 start_code, end_code, start_data, end_data;
	u64 mmap_base;
	u64 rss;          /* pages present */
	u64 nfaults;
	struct dentry *exe; /* the executable, for /proc/PID/exe */
	void *unwind;       /* trace_stack's view of the mappings (trace/stack.c) */
	u64 saved_auxv[64]; /* the auxiliary vector exec gave (pairs, AT_NULL last) */
	int saved_auxv_len; /* bytes */
	/* Linux's get_dumpable(mm) != SUID_DUMP_USER (prctl PR_SET_DUMPABLE,
	 * set-id exec, credential changes: kernel/ptrace_access.c) */
	bool nondumpable;
	/* which address space this is: unique, and renewed by exec, which
	 * may keep the structure (a /proc/PID/mem file names its mm so) */
	u64 serial;
};

struct mm *mm_alloc(void);
/* a new mm->serial: the address space exec lays out is another one */
void mm_new_serial(struct mm *mm);
/* The live address space of that serial (one of a running task's), or NULL. */
struct mm *mm_by_serial(u64 serial);
/* After another task's memory was written: its threads running guest
 * code are brought in, to take the host mappings a broken
 * copy-on-write replaced (process_vm.c) */
void mm_kick_runners(struct mm *mm);
/* The stub's STUB_DATA_PAGES data frames, charged; NO_FRAME when none. */
u64 stub_data_alloc(void);
void stub_data_free(u64 first);
/* A copy of mm for fork: private pages shared copy-on-write (the parent's
 * host mappings of them are write-protected). */
struct mm *mm_dup(struct mm *old);
void mm_put(struct mm *mm);
/* Tear down every mapping (exec, exit). */
void mm_unmap_all(struct mm *mm);
struct vma *find_vma(struct mm *mm, u64 addr); /* first vma with end > addr */

/* The mmap family, with Linux's semantics and -errno results. */
long do_mmap(struct mm *mm, u64 addr, u64 len, int prot, int flags, struct file *file, u64 off);
long do_munmap(struct mm *mm, u64 addr, u64 len);
long do_mprotect(struct mm *mm, u64 addr, u64 len, int prot);
long do_mremap(struct mm *mm, u64 addr, u64 old_len, u64 new_len, int flags, u64 new_addr);
long do_brk(struct mm *mm, u64 brk);
long do_madvise(struct mm *mm, u64 addr, u64 len, int advice);
/* mlock.c: the pages of mm's locked VMAs (Linux's locked_vm); whether t may
 * have pages more of them, by RLIMIT_MEMLOCK or CAP_IPC_LOCK (mmap and brk
 * under MCL_FUTURE); populate the locked, not on-fault pages of a range
 * (errors ignored: mmap, brk and mlockall's) */
u64 mm_locked_pages(struct mm *mm);
struct task;
bool mlock_future_ok(struct task *t, u64 pages);
void mm_populate_locked(struct mm *mm, u64 start, u64 end);

/* A guest fault at addr: 0 when handled, else the SIGSEGV si_code
 * (SEGV_MAPERR/SEGV_ACCERR), or -SIGBUS for a file page beyond its end. */
int mm_fault(struct mm *mm, u64 addr);
/* Make [addr, addr+len) present for kernel access; write asks for a private
 * copy.  Returns 0 or -EFAULT. */
int mm_populate(struct mm *mm, u64 addr, u64 len, bool write);
/* Map every present page in the host (a fresh stub after fork). */
void mm_premap(struct mm *mm);

/* ---- copying to and from the guest ---- */
int copy_from_user(struct mm *mm, void *dst, u64 src, size_t len);
int copy_to_user(struct mm *mm, u64 dst, const void *src, size_t len);
/* Copy a NUL-terminated string of at most max bytes (with the NUL);
 * returns its length, -EFAULT, or -ENAMETOOLONG. */
long strncpy_from_user(struct mm *mm, char *dst, u64 src, size_t max);
int clear_user(struct mm *mm, u64 dst, size_t len);
/* Kernel pointer to guest memory at va, valid to the end of its page, for
 * I/O straight into guest pages; NULL when the guest may not access it. */
void *user_page_ptr(struct mm *mm, u64 va, bool write);
/* The debugger's access: forced writes into private copies, reads of any
 * mapped page (fault.c). */
int mm_poke(struct mm *mm, u64 addr, const void *src, size_t len);
int mm_peek(struct mm *mm, void *dst, u64 addr, size_t len);

#endif
