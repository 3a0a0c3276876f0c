/* The ptrace platform: address spaces are stub processes, guest threads are
 * their host threads, traced with PTRACE_SYSEMU by one kernel task thread
 * each.  This is the only file that calls ptrace, clone and waitpid.
 *
 * A stub is created by the task thread that will trace it: it clones a
 * vfork-style child that asks to be traced (PTRACE_TRACEME makes the calling
 * thread, not the process, its tracer), moves into its own session (so the
 * host terminal's signals never reach it), keeps only the physmem file open
 * (as fd 3) and execs the stub image from a memfd.  PTRACE_O_EXITKILL and
 * PR_SET_PDEATHSIG make the host kill it whenever its tracer goes away, for
 * whatever reason ./linux ends.
 *
 * Wall one (docs/security.md, "Stub walls"): stub code runs from a register
 * state set here whole, never the guest's (run_stub), a batch or clone ends
 * only at its own int3, a new thread's id is checked against the host's
 * /proc, a frame a stub may still map is freed only after the batch that
 * unmaps it ran to its end (host_defer_put), and a 32-bit system call is
 * told apart by the host's own word (PTRACE_GET_SYSCALL_INFO).  Wall two,
 * the stub's seccomp filter, is host/seccomp.c. */
#include <vmcore/host.h>
#include <vmcore/mm.h>
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/elf.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#ifndef PTRACE_SYSEMU_SINGLESTEP
#define PTRACE_SYSEMU_SINGLESTEP 32
#endif
#ifndef PTRACE_SYSEMU
#define PTRACE_SYSEMU 31
#endif

/* The host's user-mode selectors (its GDT) and the flags stub code runs
 * with: IF and the always-one bit, nothing else (no TF, AC, DF, NT). */
#define STUB_RFLAGS 0x202
#define VSYSCALL_PAGE 0xffffffffff600000UL
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)
#define TRACE_OPTS (PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP)

extern const unsigned char stub_image[];
extern const unsigned char stub_image_end[];

static int physmem_fd = -1;
/* The guest thread this kernel thread traces: a full operation queue is
 * flushed through it. */
static __thread struct host_thread *traced;
static int stub_fd = -1;
static int ncpus = 1;

/* Every live stub, so that a halt can kill them all. */
#define MAX_AS 4096
static pthread_mutex_t as_lock = PTHREAD_MUTEX_INITIALIZER;
static int as_pids[MAX_AS];

static void as_register(int pid)
{
	pthread_mutex_lock(&as_lock);
	for (int i = 0; i < MAX_AS; i++)
		if (!as_pids[i]) {
			as_pids[i] = pid;
			break;
		}
	pthread_mutex_unlock(&as_lock);
}

static void as_unregister(int pid)
{
	pthread_mutex_lock(&as_lock);
	for (int i = 0; i < MAX_AS; i++)
		if (as_pids[i] == pid)
			as_pids[i] = 0;
	pthread_mutex_unlock(&as_lock);
}

static u64 deferred_leaked;

/* Put the first n deferred frames: a confirmed batch unmapped them. */
static void release_deferred(struct host_as *as, int n)
{
	for (int i = 0; i < n; i++)
		frame_put(as->deferred[i]);
	if (as->ndeferred > n) /* (deferred is NULL before the first one) */
		memmove(as->deferred, as->deferred + n, (as->ndeferred - n) * sizeof(u64));
	as->ndeferred -= n;
	as->nsealed = as->nsealed > n ? as->nsealed - n : 0;
}

void host_defer_put(struct host_as *as, u64 f)
{
	/* Even when others hold the frame (the page cache, another process
	 * after fork), this mapping's reference waits for the unmapping: the
	 * other holder may drop its own, and reclaim (mm/reclaim.c) may reuse
	 * a cache page whose only reference is the cache's. */
	if (as->pid <= 0) {
		frame_put(f); /* no stub: nothing maps it */
		return;
	}
	if (as->ndeferred == as->deferred_cap) {
		int cap = as->deferred_cap ? 2 * as->deferred_cap : 64;
		u64 *d = realloc(as->deferred, cap * sizeof(u64));
		if (!d) {
			deferred_leaked++; /* never free what may be mapped */
			return;
		}
		as->deferred = d;
		as->deferred_cap = cap;
	}
	as->deferred[as->ndeferred++] = f;
}

void host_kill_all(void)
{
	pthread_mutex_lock(&as_lock);
	for (int i = 0; i < MAX_AS; i++)
		if (as_pids[i] > 0)
			kill(as_pids[i], SIGKILL);
	pthread_mutex_unlock(&as_lock);
}

int host_ncpus(void)
{
	return ncpus;
}

u64 stub_base = STUB_BASE_MAX;
/* The top of the host's user address space, for the stub to unmap up to. */
static u64 user_top = 0x7ffffffff000UL;

/* Where the stub goes: the highest of STUB_BASE_MAX, 1 TiB lower, ... that
 * a host process can map.  A host that refuses an address as beyond its
 * address space (ENOMEM: ./linux in a vmcore guest, whose space ends at its
 * kernel's stub) lowers the top too; one that has something there already
 * (EEXIST: a library of ours, by chance) only moves the stub. */
static void choose_stub_base(void)
{
	for (u64 base = STUB_BASE_MAX; base >= STUB_BASE_MAX - (8UL << 40); base -= 1UL << 40) {
		size_t len = STUB_DATA - STUB_BASE + STUB_DATA_PAGES * PAGE_SIZE;
		void *p = mmap((void *)base, len, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == (void *)base) {
			munmap(p, len);
			stub_base = base;
			if (base != STUB_BASE_MAX)
				pr_info("stub: at %#llx, the host's user space ends at %#llx\n",
					(unsigned long long)base, (unsigned long long)user_top);
			return;
		}
		if (p != MAP_FAILED)
			munmap(p, len); /* an old kernel's hint */
		else if (errno == ENOMEM)
			user_top = base;
	}
	panic("no room for the stub below %#llx", (unsigned long long)user_top);
}

void host_init(int fd)
{
	cpu_set_t set;

	physmem_fd = fd;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		ncpus = CPU_COUNT(&set);
	choose_stub_base();
	stub_fd = memfd_create("vmcore-stub", MFD_CLOEXEC);
	if (stub_fd < 0)
		panic("memfd_create(stub): %s", strerror(errno));
	/* the image is linked at STUB_BASE_MAX; its code is position-
	 * independent, so moving it is its entry and load address */
	size_t len = stub_image_end - stub_image;
	unsigned char *img = malloc(len);
	if (!img)
		panic("no memory for the stub image");
	memcpy(img, stub_image, len);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	eh->e_entry += stub_base - STUB_BASE_MAX;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(img + eh->e_phoff) + i;
		if (ph->p_type == PT_LOAD) {
			ph->p_vaddr += stub_base - STUB_BASE_MAX;
			ph->p_paddr += stub_base - STUB_BASE_MAX;
		}
	}
	if (write(stub_fd, img, len) != (ssize_t)len)
		panic("cannot write the stub image");
	free(img);
}

struct child_args {
	int physmem_fd;
	int stub_fd;
};

/* Runs in the vfork child, on its own small stack and sharing our memory:
 * raw system calls only, no allocation. */
static int stub_child(void *arg)
{
	struct child_args *ca = arg;
	static char *const argv[] = { "vmcore-stub", NULL };
	static char *const envp[] = { NULL };

	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	syscall(SYS_setsid);
	if (syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0) < 0)
		syscall(SYS_exit, 126);
	if (ca->physmem_fd == 3)
		syscall(SYS_fcntl, 3, F_SETFD, 0);
	else
		syscall(SYS_dup2, ca->physmem_fd, 3);
	syscall(SYS_close_range, 0, 2, 0);
	syscall(SYS_close_range, 4, ~0U, CLOSE_RANGE_CLOEXEC);
	syscall(SYS_execveat, ca->stub_fd, "", argv, envp, AT_EMPTY_PATH);
	syscall(SYS_exit, 127);
	return 0;
}

static int wait_stop(int tid, int *status)
{
	for (;;) {
		int r = waitpid(tid, status, __WALL);
		if (r == tid)
			return 0;
		if (r < 0 && errno == EINTR)
			continue;
		return -errno;
	}
}

int host_as_create(struct host_as *as, struct host_thread *t, u64 data_off, void *data)
{
	/* The vfork child runs on this frame's buffer while we are suspended
	 * (until its execveat).  It was a 64 KiB mmap cached per thread, but a
	 * task thread makes one stub and ends: every fork left 64 KiB of host
	 * address space and a page of host RSS behind. */
	char stack[16384] __attribute__((aligned(64)));
	struct child_args ca = { physmem_fd, stub_fd };
	int status;

	memset(as, 0, sizeof(*as));
	as->ops = data;
	as->data_off = data_off;
	size_t filter_len = stub_filter_build(data, STUB_DATA_PAGES * PAGE_SIZE, STUB_DATA, THREAD_FLAGS);
	if (!filter_len)
		panic("the stub's seccomp filter does not fit its data pages");
	int pid = clone(stub_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &ca);
	if (pid < 0)
		return -errno;
	if (wait_stop(pid, &status) < 0 || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
		pr_err("vmcore: stub did not start (status %#x)\n", status);
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
		return -ECHILD;
	}
	as->pid = pid;
	as->creator = gettid();
	as_register(pid);
	ptrace(PTRACE_SETOPTIONS, pid, 0, TRACE_OPTS);

	/* At the exec stop: tell the entry code where its data pages are. */
	struct user_regs_struct regs;
	ptrace(PTRACE_GETREGS, pid, 0, &regs);
	regs.rdi = 3;
	regs.rsi = data_off;
	regs.rdx = STUB_DATA_PAGES * PAGE_SIZE;
	regs.r8 = user_top;
	ptrace(PTRACE_SETREGS, pid, 0, &regs);
	ptrace(PTRACE_CONT, pid, 0, 0);
	if (wait_stop(pid, &status) < 0 || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
		pr_err("vmcore: stub failed to set up (status %#x)\n", status);
		host_as_kill(as);
		return -ECHILD;
	}
	ptrace(PTRACE_GETREGS, pid, 0, &regs);
	if (regs.rax != 0) {
		static const char *const step[] = { "?", "prctl(PR_SET_NAME)", "mmap of its data pages",
						     "prctl(PR_SET_NO_NEW_PRIVS)", "seccomp (no seccomp filter?)",
						     "munmap above it" };
		/* the filter as the stub read it against the one built above */
		char *again = malloc(filter_len);
		bool same = again && stub_filter_build(again, filter_len, STUB_DATA, THREAD_FLAGS) == filter_len &&
			    !memcmp(again, data, filter_len);
		free(again);
		pr_err("vmcore: stub set-up failed at %s: %s (fd %lld, data pages %#llx+%#llx, %s)\n",
		       step[regs.r15 < 6 ? regs.r15 : 0], strerror(-(long)regs.rax),
		       (long long)regs.r12, (unsigned long long)regs.r13, (unsigned long long)regs.r14,
		       same ? "filter intact" : "filter changed since written");
		host_as_kill(as);
		return (long)regs.rax;
	}
	memset(data, 0, filter_len); /* the guest can read these pages */
	memset(t, 0, sizeof(*t));
	t->tid = pid;
	t->as = as;
	t->regs = regs;
	t->cpu = -1;
	as->flusher = t;
	traced = t;
	return 0;
}

void host_as_kill(struct host_as *as)
{
	int status;

	if (as->pid <= 0)
		return;
	kill(as->pid, SIGKILL);
	/* Reap it when we are its parent and the tracer of its main thread;
	 * otherwise that thread's tracer reaps it. */
	bool reaped = false;
	if (as->creator == gettid())
		while (!(reaped = waitpid(as->pid, &status, __WALL) == as->pid) && errno == EINTR)
			;
	as_unregister(as->pid);
	as->pid = 0;
	/* Only a reaped stub is known to map nothing any more.  Frames still
	 * deferred for one we could not reap stay out of the allocator. */
	if (reaped) {
		release_deferred(as, as->ndeferred);
	} else if (as->ndeferred) {
		static bool logged;
		if (!logged)
			pr_warn("vmcore: %d frames of a stub this thread cannot reap are kept out of use\n",
				as->ndeferred);
		logged = true;
		deferred_leaked += as->ndeferred;
	}
	free(as->deferred);
	as->deferred = NULL;
	as->ndeferred = as->nsealed = as->deferred_cap = 0;
}

bool host_as_mine(const struct host_as *as)
{
	return as->pid > 0 && as->creator == gettid();
}

void host_kick(struct host_thread *t)
{
	if (t->as && t->as->pid > 0)
		syscall(SYS_tgkill, t->as->pid, t->tid, HOST_KICK_SIG);
}

void host_pin(struct host_thread *t, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	sched_setaffinity(t->tid, sizeof(set), &set);
	t->cpu = cpu;
}

void host_set_nice(struct host_thread *t, int nice)
{
	/* never below 0: a guest's niceness may yield the host's CPU, never
	 * take it from the host's other work (or from the kernel itself) */
	setpriority(PRIO_PROCESS, t->tid, nice > 0 ? nice : 0);
}

static void stub_broken(struct host_as *as, const char *why);

static void queue(struct host_as *as, u64 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	if (as->pid <= 0)
		return; /* its stub is gone (an address space torn down after it) */
	/* A full queue that cannot be run leaves the host mappings out of
	 * step with the page table (a write-protect for COW lost, say): the
	 * stub must not run guest code again. */
	if (as->ops_n == (int)HOST_OPS_MAX) {
		int r = host_flush(traced && traced->as == as ? traced : as->flusher);
		if (r < 0 || as->ops_n) { /* failed, or could not run here */
			if (!as->broken)
				stub_broken(as, "a full operation queue could not be run");
			as->ops_n = 0;
		}
	}
	struct host_op *op = &as->ops[as->ops_n++];
	as->nsealed = as->ndeferred; /* this op unmaps or replaces them */
	op->nr = nr;
	op->a[0] = a0;
	op->a[1] = a1;
	op->a[2] = a2;
	op->a[3] = a3;
	op->a[4] = a4;
	op->a[5] = a5;
}

void host_map(struct host_as *as, u64 addr, u64 len, int prot, u64 physoff)
{
	queue(as, SYS_mmap, addr, len, prot, MAP_SHARED | MAP_FIXED, 3, physoff);
}

void host_unmap(struct host_as *as, u64 addr, u64 len)
{
	queue(as, SYS_munmap, addr, len, 0, 0, 0, 0);
}

void host_protect(struct host_as *as, u64 addr, u64 len, int prot)
{
	queue(as, SYS_mprotect, addr, len, prot, 0, 0, 0);
}

/* The path sits in the data pages' last bytes, past the last op slot,
 * where the stub can read it. */
#define ESCAPE_PATH "vmcore-stub-escape"
_Static_assert(HOST_OPS_MAX * sizeof(struct host_op) + sizeof(ESCAPE_PATH) <=
	       STUB_DATA_PAGES * PAGE_SIZE, "no room for the escape path");

void host_queue_forbidden(struct host_as *as)
{
	u64 off = STUB_DATA_PAGES * PAGE_SIZE - sizeof(ESCAPE_PATH);
	memcpy((char *)as->ops + off, ESCAPE_PATH, sizeof(ESCAPE_PATH));
	queue(as, SYS_openat, AT_FDCWD, STUB_DATA + off, O_WRONLY | O_CREAT, 0600, 0, 0);
}

/* Kill a stub whose state can no longer be trusted. */
static void stub_broken(struct host_as *as, const char *why)
{
	printk(KERN_CRIT, "vmcore: stub %d: %s: address space killed\n", as->pid, why);
	as->broken = true;
	if (as->pid > 0)
		kill(as->pid, SIGKILL);
}

/* Run stub code at entry on thread t (stopped, traced by us) with rdi and
 * rsi as arguments, until the int3 at done; the registers it ends with go
 * to *out.  Nothing of the guest's register state reaches stub code: the
 * flags are ours (a guest TF would end the run after one instruction and
 * make its first result look like the answer), CS and SS are the 64-bit
 * ones (a guest far return to CS 0x23 would run it in compat mode), DR7 is
 * clear while it runs.  Only a stop at done ends the run; a signal or a
 * seccomp kill there means the stub cannot be trusted.  The guest's
 * registers are put back before t runs guest code again. */
static int run_stub(struct host_thread *t, u64 entry, u64 done, u64 rdi, u64 rsi,
		    struct user_regs_struct *out)
{
	struct user_regs_struct regs = t->regs;
	struct host_as *as = t->as;
	int status;
	if (as->broken)
		return -EIO;
	regs.rip = entry;
	regs.rdi = rdi;
	regs.rsi = rsi;
	regs.orig_rax = -1;
	regs.eflags = STUB_RFLAGS;
	regs.cs = USER_CS;
	regs.ss = USER_DS;
	regs.ds = regs.es = 0;
	t->regs_dirty = true;
	if (t->dr7)
		ptrace(PTRACE_POKEUSER, t->tid, offsetof(struct user, u_debugreg) + 7 * sizeof(long), 0);
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &regs) < 0 || ptrace(PTRACE_CONT, t->tid, 0, 0) < 0)
		return -ESRCH;
	for (;;) {
		if (wait_stop(t->tid, &status) < 0)
			return -ESRCH;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
			printk(KERN_CRIT, "vmcore: stub %d killed by its seccomp filter: it made a host "
			       "system call outside the stub's own\n", as->pid);
			as->broken = true;
			return HOST_ESECCOMP;
		}
		if (!WIFSTOPPED(status))
			return -ESRCH;
		int sig = WSTOPSIG(status);
		if (sig == SIGTRAP && (status >> 16) == 0) {
			ptrace(PTRACE_GETREGS, t->tid, 0, out);
			if (out->rip == done + 1)
				break;
			stub_broken(as, "stub code stopped outside its end");
			return -EIO;
		}
		if ((status >> 16) == PTRACE_EVENT_STOP) {
			/* a group-stop of a seized thread (a host user's
			 * SIGSTOP reached another thread first): go on */
			ptrace(PTRACE_CONT, t->tid, 0, 0);
			continue;
		}
		if ((status >> 16) || sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
		    sig == SIGTRAP || sig == SIGSYS) {
			/* stub code faulted, or met its filter's trap: resuming
			 * would fault again for ever */
			stub_broken(as, sig == SIGSYS ? "stub code met its seccomp filter"
						      : "stub code faulted");
			return sig == SIGSYS ? HOST_ESECCOMP : -EIO;
		}
		/* a signal from outside (our kick, a host user's SIGSTOP) while
		 * stub code runs: let it finish, drop the signal */
		ptrace(PTRACE_CONT, t->tid, 0, 0);
	}
	if (t->dr7)
		ptrace(PTRACE_POKEUSER, t->tid, offsetof(struct user, u_debugreg) + 7 * sizeof(long), t->dr7);
	return 0;
}

/* Run the n queued operations in the stub on thread t; 0 when every one
 * succeeded (the queue is then cleared: nothing left for the guest to
 * read), the host's -errno of the first that failed (the ops after it did
 * not run), or another negative code when the stub could not run. */
static int run_batch(struct host_thread *t, int n, u64 *failed)
{
	struct host_as *as = t->as;
	struct user_regs_struct regs;
	int r = run_stub(t, STUB_BATCH, STUB_BATCH_DONE, STUB_DATA, n, &regs);
	if (r < 0)
		return r == HOST_ESECCOMP ? r : -ESRCH;
	as->nflush++;
	as->nops += n;
	if (regs.rax) {
		*failed = regs.r12 < (u64)n ? regs.r12 : 0;
		return (long)regs.rax < 0 && (long)regs.rax >= -4095 ? (long)regs.rax : -EIO;
	}
	if (regs.r12 != (u64)n) {
		stub_broken(as, "batch ended before its last operation");
		return -EIO;
	}
	memset(as->ops, 0, n * sizeof(*as->ops));
	return 0;
}

static u64 host_refusals;

/* Run the queued operations in the stub, on thread t (stopped, traced by
 * us), then put its registers back as they were.  Frames deferred before
 * the last queued op are put only if every op ran.
 *
 * The stub's host mappings are a cache of the page tables, and the host
 * may refuse to grow it: every host mapping is a host VMA, and a guest
 * that reads one page in every few of a large sparse mapping (or whose
 * frames are scattered) reaches the host's vm.max_map_count in one stub,
 * where mmap, mprotect and a munmap that splits fail with ENOMEM.  Then
 * the whole cache goes, as a TLB is flushed: the ptes forget their host
 * mappings (mm_host_forget), one munmap of the guest's range (which splits
 * nothing, so the host never refuses it) takes every mapping away, every
 * deferred frame can go back, and the guest faults back what it uses.
 * The ops that did not run are then moot.  Leaving the cache as the
 * failed batch left it would let the guest write through mappings the
 * page table no longer has: a write-protect for COW lost, a frame reused
 * by another process. */
int host_flush(struct host_thread *t)
{
	struct host_as *as = t->as;
	int n = as->ops_n;
	u64 failed = 0;

	if (!n || t->at_vsyscall)
		return 0; /* the host checks rip after a vsyscall stop: no stub code */
	as->ops_n = 0;
	int sealed = as->nsealed;
	int r = run_batch(t, n, &failed);
	if (r == 0) {
		release_deferred(as, sealed);
		return 0;
	}
	if (r == HOST_ESECCOMP || r == -ESRCH || as->broken)
		return r;
	struct host_op *op = &as->ops[failed];
	if (r != -ENOMEM || !host_refusals++)
		printk(r == -ENOMEM ? KERN_INFO : KERN_ERR,
		       "vmcore: stub %d: host op %llu(%#llx, %#llx, %#llx) failed: %s; its host "
		       "mappings are dropped and fault back in\n", as->pid, (unsigned long long)op->nr,
		       (unsigned long long)op->a[0], (unsigned long long)op->a[1],
		       (unsigned long long)op->a[2], strerror(-r));
	mm_host_forget(as);
	memset(as->ops, 0, n * sizeof(*as->ops));
	queue(as, SYS_munmap, 0, TASK_SIZE, 0, 0, 0, 0);
	sealed = as->nsealed;
	as->ops_n = 0;
	r = run_batch(t, 1, &failed);
	if (r == 0) {
		release_deferred(as, sealed);
		return 0;
	}
	if (r != HOST_ESECCOMP && r != -ESRCH && !as->broken)
		stub_broken(as, "its host mappings could not be dropped");
	return r == HOST_ESECCOMP ? r : -EIO;
}

void host_run(struct host_thread *t, struct host_event *ev)
{
	int status;
	siginfo_t si;

	if (t->at_vsyscall) {
		/* the kernel answered it: the host skips the call (orig_rax
		 * -1) and emulates the return; rip must be the entry still */
		t->regs.orig_rax = -1;
		t->regs_dirty = true;
	}
	if (t->regs_dirty) {
		ptrace(PTRACE_SETREGS, t->tid, 0, &t->regs);
		t->regs_dirty = false;
	}
	t->in_syscall = false;
	t->at_vsyscall = false;
	traced = t;
	memset(ev, 0, sizeof(*ev));
	if (ptrace(t->step ? PTRACE_SYSEMU_SINGLESTEP : PTRACE_SYSEMU, t->tid, 0, 0) < 0) {
		pr_err("vmcore: cannot resume host thread %d: %s\n", t->tid, strerror(errno));
		ev->kind = HEV_EXITED;
		return;
	}
	for (;;) {
		int wr = wait_stop(t->tid, &status);
		if (wr < 0) {
			pr_err("vmcore: cannot wait for host thread %d: %s\n", t->tid, strerror(-wr));
			ev->kind = HEV_EXITED;
			return;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			ev->kind = HEV_EXITED;
			ev->status = status;
			return;
		}
		if (WIFSTOPPED(status))
			break;
	}
	ptrace(PTRACE_GETREGS, t->tid, 0, &t->regs);
	int sig = WSTOPSIG(status);
	if (sig == (SIGTRAP | 0x80)) {
		/* int $0x80, sysenter and the syscall instruction in a 32-bit
		 * code segment are i386 calls: the host's word, not the bytes
		 * before rip (guest memory), says which */
		struct __ptrace_syscall_info info;
		ev->kind = HEV_SYSCALL;
		if (t->regs.cs != USER_CS ||
		    (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(info), &info) > 0 &&
		     info.arch != AUDIT_ARCH_X86_64))
			ev->kind = HEV_SYSCALL32;
		t->in_syscall = true;
		return;
	}
	if ((status >> 8) == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
		/* the stub's filter said SECCOMP_RET_TRACE: only the host's
		 * vsyscall emulation gets there from guest code */
		if ((t->regs.rip & ~0xfffUL) == VSYSCALL_PAGE) {
			t->at_vsyscall = true;
			ev->kind = HEV_VSYSCALL;
			return;
		}
		t->regs.orig_rax = -1; /* whatever it is, the host must not run it */
		t->regs_dirty = true;
		ev->kind = HEV_SIGNAL;
		ev->sig = SIGSYS;
		return;
	}
	memset(&si, 0, sizeof(si));
	ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si);
	ev->sig = sig;
	ev->si_code = si.si_code;
	ev->addr = (u64)si.si_addr;
	if (sig == SIGSEGV && si.si_code > 0 && si.si_code != SI_KERNEL)
		ev->kind = HEV_FAULT;
	else
		ev->kind = HEV_SIGNAL;
}

int host_get_fpregs(struct host_thread *t, void *buf, size_t len)
{
	struct iovec iov = { buf, len };
	if (ptrace(PTRACE_GETREGSET, t->tid, NT_X86_XSTATE, &iov) < 0)
		return -errno;
	return iov.iov_len;
}

int host_set_fpregs(struct host_thread *t, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };
	if (ptrace(PTRACE_SETREGSET, t->tid, NT_X86_XSTATE, &iov) < 0)
		return -errno;
	return 0;
}

int host_set_debugreg(struct host_thread *t, int n, u64 v)
{
	if (ptrace(PTRACE_POKEUSER, t->tid, offsetof(struct user, u_debugreg) + n * sizeof(long), v) < 0)
		return -errno;
	if (n == 7)
		t->dr7 = v; /* cleared while stub code runs (run_stub) */
	return 0;
}

u64 host_get_debugreg(struct host_thread *t, int n)
{
	errno = 0;
	long v = ptrace(PTRACE_PEEKUSER, t->tid, offsetof(struct user, u_debugreg) + n * sizeof(long), 0);
	return errno ? 0 : (u64)v;
}

/* The FPU state a new program starts with: x87 control word 0x37f, MXCSR
 * 0x1f80, every register zero. */
void host_reset_fpu(struct host_thread *t)
{
	struct user_fpregs_struct fp;
	memset(&fp, 0, sizeof(fp));
	fp.cwd = 0x37f;
	fp.mxcsr = 0x1f80;
	fp.mxcr_mask = 0xffff;
	ptrace(PTRACE_SETFPREGS, t->tid, 0, &fp);
}

/* Is tid a thread of the stub process pid?  The host's /proc answers:
 * /proc/PID/task/TID exists only for a thread of PID's thread group. */
static bool thread_of(int pid, int tid)
{
	char path[64];
	struct stat st;
	if (pid <= 0 || tid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d", pid, tid);
	return stat(path, &st) == 0;
}

int host_thread_clone(struct host_thread *t)
{
	struct user_regs_struct regs;
	int r = run_stub(t, STUB_CLONE, STUB_CLONE_DONE, THREAD_FLAGS, 0, &regs);
	if (r < 0)
		return r == HOST_ESECCOMP ? r : -ESRCH;
	long tid = (long)regs.rax;
	if (tid < 0)
		return tid;
	if (tid > INT32_MAX || !thread_of(t->as->pid, tid)) {
		stub_broken(t->as, "clone's answer is not a thread of the stub");
		return -EIO;
	}
	return tid;
}

int host_thread_attach(struct host_thread *nt, struct host_as *as, int tid)
{
	int status;
	if (!thread_of(as->pid, tid))
		return -ESRCH; /* never seize a host process that is not ours */
	if (ptrace(PTRACE_SEIZE, tid, 0, TRACE_OPTS) < 0)
		return -errno;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		return -errno;
	if (wait_stop(tid, &status) < 0 || !WIFSTOPPED(status))
		return -ESRCH;
	memset(nt, 0, sizeof(*nt));
	nt->tid = tid;
	nt->as = as;
	nt->cpu = -1;
	ptrace(PTRACE_GETREGS, tid, 0, &nt->regs);
	traced = nt;
	return 0;
}

void host_thread_exit(struct host_thread *t)
{
	struct user_regs_struct regs = t->regs;
	int status;
	regs.rip = STUB_EXIT;
	regs.orig_rax = -1;
	if (traced == t)
		traced = NULL; /* never flush through a thread that is gone */
	/* as run_stub: the kernel's flags and 64-bit segments, not the guest's */
	regs.eflags = STUB_RFLAGS;
	regs.cs = USER_CS;
	regs.ss = USER_DS;
	regs.ds = regs.es = 0;
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &regs) < 0 || ptrace(PTRACE_CONT, t->tid, 0, 0) < 0)
		return;
	/* The main thread of a process whose other threads live on stays a
	 * zombie until they are gone; it is reaped with the process. */
	if (t->as && t->tid == t->as->pid)
		return;
	while (waitpid(t->tid, &status, __WALL) == t->tid) {
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		ptrace(PTRACE_CONT, t->tid, 0, 0);
	}
}
