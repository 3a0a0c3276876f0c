/* The platform interface: everything that talks to ptrace, the stub or host
 * processes sits behind these calls (implemented in vmcore/host/).  Kernel
 * logic asks this layer to run a guest thread until the next event and to
 * change the host mappings of an address space; it never calls ptrace.
 *
 * An address space is a stub process: a tiny static program started from a
 * copy embedded in ./linux.  Once it is up, its only host mappings are its code
 * page and its read-only data pages (both at STUB_BASE, above the guest's
 * TASK_SIZE) and whatever the kernel maps from the physical-memory file.
 *
 * Every host_* call on a thread must come from the host thread that traces
 * it (the owning task's kernel thread). */
#ifndef VMCORE_HOST_H
#define VMCORE_HOST_H

#include <vmcore/kernel.h>
#include <sys/user.h>

/* Where the stub lives: the guest's TASK_SIZE.  0x7f0000000000 on a host
 * whose processes have the whole 47-bit space; lower (by 1 TiB steps) where
 * the host's own processes have less, as when ./linux runs inside a vmcore
 * guest, whose TASK_SIZE is its kernel's stub_base (host_init). */
#define STUB_BASE_MAX 0x7f0000000000UL
extern u64 stub_base;
#define STUB_BASE stub_base
#define STUB_CODE STUB_BASE
#define STUB_BATCH (STUB_BASE + 0x100UL) /* stub_batch, placed by stub.S */
#define STUB_BATCH_DONE (STUB_BASE + 0x1f0UL) /* its int3: the only end accepted */
#define STUB_CLONE (STUB_BASE + 0x200UL)
#define STUB_CLONE_DONE (STUB_BASE + 0x230UL)
#define STUB_EXIT (STUB_BASE + 0x240UL)
#define STUB_DATA (STUB_BASE + 0x10000UL)
#define STUB_DATA_PAGES 4
#define STUB_END (STUB_DATA + STUB_DATA_PAGES * PAGE_SIZE)
#define TASK_SIZE STUB_BASE
#define USER_CS 0x33 /* the x86-64 user code and stack segments */
#define USER_DS 0x2b

/* One host-side mapping operation, run by the stub as a host syscall. */
struct host_op {
	u64 nr, a[6];
};
#define HOST_OPS_MAX ((STUB_DATA_PAGES * PAGE_SIZE) / sizeof(struct host_op))

struct host_as {
	int pid;         /* host pid of the stub process */
	int ops_n;       /* pending operations, in ops[] */
	struct host_op *ops; /* kernel view of the stub's data pages */
	u64 data_off;    /* physmem offset of the data pages */
	u64 nflush, nops; /* statistics */
	struct host_thread *flusher; /* a stopped thread of this space we trace */
	int creator;     /* host tid of the kernel thread that started it (its parent) */
	/* Frames whose last reference went while this stub may still map
	 * them: they return to the allocator only once a batch that unmaps
	 * or replaces them has run to its end, or the stub is gone.  The
	 * first nsealed were queued before the last operation. */
	u64 *deferred;
	int ndeferred, nsealed, deferred_cap;
	bool broken;     /* a batch did not end as it must: no more batches */
};

struct host_thread {
	int tid;         /* host tid of the guest thread */
	int cpu;         /* host CPU it and its tracer are pinned to */
	struct host_as *as;
	struct user_regs_struct regs; /* the guest's registers while stopped */
	bool regs_dirty;
	bool in_syscall; /* stopped at a syscall (regs.orig_rax valid) */
	bool step;       /* the next host_run runs one instruction (the debugger) */
	u64 dr7;         /* what host_set_debugreg put in DR7 (cleared for stub code) */
	bool at_vsyscall; /* stopped in the host's vsyscall emulation */
};

enum host_event_kind {
	HEV_SYSCALL,  /* a guest syscall; regs hold it (orig_rax, args) */
	HEV_SYSCALL32, /* an i386 call (int $0x80, sysenter, or syscall in a
			* 32-bit code segment), as the host says: not the x86-64 table */
	HEV_FAULT,    /* SIGSEGV from a memory access: ev.addr */
	HEV_SIGNAL,   /* another synchronous signal (SIGILL, SIGFPE, SIGTRAP, SIGBUS) */
	HEV_EXITED,   /* the host thread is gone (killed from outside) */
	HEV_VSYSCALL, /* a call into the legacy vsyscall page, stopped by the
		       * stub's filter before the host ran it: regs.orig_rax is
		       * gettimeofday, time or getcpu with its arguments.  Answer
		       * it like a syscall (rax) and leave rip and rsp alone: the
		       * host then emulates the return.  Until the next host_run
		       * no stub code can run on this thread (host_flush keeps
		       * the queue) and no signal frame may be built. */
};

struct host_event {
	enum host_event_kind kind;
	int sig;       /* HEV_SIGNAL, HEV_FAULT */
	int si_code;   /* host si_code */
	u64 addr;      /* fault address */
	int status;    /* HEV_EXITED: wait status */
};

/* Boot-time set-up: the physmem file descriptor (mapped into each stub). */
void host_init(int physmem_fd);
int host_ncpus(void);
/* The host's /proc/cpuinfo entry of its first CPU (read at boot by
 * host_cpuinfo_init), "key\t: value" lines; NULL if unreadable. */
void host_cpuinfo_init(void);
const char *host_cpuinfo(void);

/* Start a new address space whose first thread is traced by the caller.
 * data_off/data are the physmem offset and kernel pointer of STUB_DATA_PAGES
 * pages reserved for the stub's operation batches. */
int host_as_create(struct host_as *as, struct host_thread *t, u64 data_off, void *data);
void host_as_kill(struct host_as *as);
/* Was as started by the calling kernel thread?  The stub dies with that
 * thread (PR_SET_PDEATHSIG is about the creating thread, and it traces the
 * stub's main thread with PTRACE_O_EXITKILL, zombie or not). */
bool host_as_mine(const struct host_as *as);

void host_pin(struct host_thread *t, int cpu);
/* The host niceness of a guest thread: its guest nice, or 0 if that is
 * below 0 (kernel/sched.c). */
void host_set_nice(struct host_thread *t, int nice);

/* Threads: make a new host thread in t's address space (run on t, which
 * must be stopped and traced by the caller); returns its tid or -errno.
 * The new thread waits, untraced, until host_thread_attach. */
int host_thread_clone(struct host_thread *t);
/* Called by the new thread's tracer: seize it and stop it. */
int host_thread_attach(struct host_thread *nt, struct host_as *as, int tid);
/* End one host thread of a space that lives on (a guest thread's exit). */
void host_thread_exit(struct host_thread *t);

/* Queue changes of the address space's host mappings.  They are carried out
 * by host_flush, which the kernel calls before the guest runs again; a full
 * queue is flushed through as->flusher, the thread the kernel is serving. */
void host_map(struct host_as *as, u64 addr, u64 len, int prot, u64 physoff);
void host_unmap(struct host_as *as, u64 addr, u64 len);
void host_protect(struct host_as *as, u64 addr, u64 len, int prot);
int host_flush(struct host_thread *t);
/* host_flush's answer when the stub process was killed by its seccomp
 * filter: it tried a host system call outside what the stub may make. */
#define HOST_ESECCOMP (-ENOTRECOVERABLE)

/* Provided by the mm: the host refused a change of as's mappings (its
 * stub reached the host's vm.max_map_count, say) and host_flush unmaps
 * all of them; no pte of that address space is mapped in the host any
 * more.  The guest's next accesses fault the pages back in. */
void mm_host_forget(struct host_as *as);

/* Drop a reference to frame f that a host mapping of as may still reach
 * (a pte that was PTE_HOST): the frame is put once that mapping is gone. */
void host_defer_put(struct host_as *as, u64 f);

/* The test hook of stub_selftest=escape: queue the host call an escape
 * would make, openat("vmcore-stub-escape", O_CREAT) in the stub's host
 * working directory (./linux's), which the stub's filter forbids: its
 * next batch gets it killed and no host file is created. */
void host_queue_forbidden(struct host_as *as);

/* Build the stub's seccomp filter program (host/seccomp.c) into buf, which
 * the stub sees at buf_addr; returns its size, or 0 if it does not fit. */
size_t stub_filter_build(void *buf, size_t size, u64 buf_addr, u64 clone_flags);

/* Resume the guest thread in user mode and wait for its next event. */
void host_run(struct host_thread *t, struct host_event *ev);

int host_get_fpregs(struct host_thread *t, void *buf, size_t len);
int host_set_fpregs(struct host_thread *t, const void *buf, size_t len);
void host_reset_fpu(struct host_thread *t);
/* The x86 debug registers of the guest thread (DR0-3, DR6, DR7): hardware
 * breakpoints and watchpoints for the debugger. */
int host_set_debugreg(struct host_thread *t, int n, u64 v);
u64 host_get_debugreg(struct host_thread *t, int n);

/* Make a thread running guest code stop and come back to its tracer (a
 * host signal the tracer swallows), so that a signal can be delivered. */
#define HOST_KICK_SIG SIGURG
void host_kick(struct host_thread *t);

/* Post-mortem debugging of the kernel itself (host/postmortem.c, oops=).
 * host_oops_wait prints the gdb command that attaches to ./linux and
 * returns once a debugger has attached and gone again;
 * host_oops_core writes a core file of ./linux with gdb's gcore, the
 * calling thread waiting for it: 0, or -errno / the failure's status. */
void host_oops_wait(void);
int host_oops_core(const char *path);

/* Kill every stub process that is still alive (used on halt). */
void host_kill_all(void);

/* The terminal guard (host/ttyguard.c): a process that restores the host
 * terminal to saved when the kernel dies without running its own exit
 * paths (SIGKILL).  Start it before making the terminal raw; stop it
 * (async-signal-safe) once the kernel has restored the terminal itself. */
struct termios;
int host_tty_guard_start(int tty_fd, const struct termios *saved);
void host_tty_guard_stop(void);

#endif
