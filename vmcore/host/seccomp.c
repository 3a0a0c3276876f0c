/* Wall two: the seccomp filter every stub process installs on itself.
 *
 * Guest system calls never reach this filter: PTRACE_SYSEMU stops them at
 * syscall entry, before seccomp, and the host skips them.  What the filter
 * sees are the stub's own host calls, made under PTRACE_CONT from stub code
 * the kernel points a thread at (host/ptrace.c).  It allows exactly what
 * those paths make, with their arguments checked:
 *   mmap      MAP_SHARED|MAP_FIXED of the physmem fd (3), rights within
 *             rwx, the range [addr, addr+len) wholly below STUB_BASE
 *   munmap, mprotect   the same range check (so neither the stub's code
 *             nor its data pages can be unmapped or made writable)
 *   clone     exactly the thread flags of host_thread_clone
 *   pause, exit, exit_group
 * and kills the whole process (SECCOMP_RET_KILL_PROCESS, SIGSYS) for
 * anything else, whether or not a tracer is there to see it.  If wall one
 * ever fails and the guest gets a stub to run a call of its choosing, the
 * result is a dead stub and a kernel report, not a host file.
 *
 * The legacy vsyscall page: the host emulates calls into it without a
 * ptrace syscall stop (host time and CPU would reach the guest), but runs
 * them past seccomp, with the host's gettimeofday, time or getcpu number
 * and the vsyscall address in rip.  Those three numbers get
 * SECCOMP_RET_TRACE: the tracer sees a PTRACE_EVENT_SECCOMP stop with rip
 * in the vsyscall page, the kernel answers the call as the guest's own
 * (HEV_VSYSCALL) and skips it, and the host emulates only the return.
 * (The stub itself never makes these calls; if it did, the event stop in
 * stub code would get it killed, host/ptrace.c.  Without a tracer RET_TRACE
 * fails the call with ENOSYS and does not run it.)
 *
 * The program is written, with its struct sock_fprog in front, into the
 * stub's data pages before the stub starts; the stub passes that address
 * to seccomp(SECCOMP_SET_MODE_FILTER) and the host copies it. */
#include <vmcore/host.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))
#define ARG_HI(n) (ARG_LO(n) + 4)

/* Jump targets resolved when the program is complete. */
enum { L_NONE, L_ALLOW, L_TRACE, L_KILL, L_MMAP, L_PROT, L_RANGE, L_CLONE, L_NOCARRY, L_JOIN,
       L_HIEQ, L_MAX };

struct prog {
	struct sock_filter *f;
	int n, cap;
	int label[L_MAX];           /* instruction index of each label */
	unsigned char jt[64], jf[64]; /* per instruction: the labels it jumps to */
	bool bad;
};

static void emit(struct prog *p, u16 code, u32 k, int jt, int jf)
{
	if (p->n >= p->cap || p->n >= 64) {
		p->bad = true;
		return;
	}
	p->f[p->n] = (struct sock_filter){ code, 0, 0, k };
	p->jt[p->n] = jt;
	p->jf[p->n] = jf;
	p->n++;
}

static void label(struct prog *p, int l)
{
	p->label[l] = p->n;
}

#define LD(p, off) emit(p, BPF_LD | BPF_W | BPF_ABS, off, 0, 0)
/* if A == k goto t else goto f (L_NONE: the next instruction) */
#define JEQ(p, k, t, f) emit(p, BPF_JMP | BPF_JEQ | BPF_K, k, t, f)
#define JGE(p, k, t, f) emit(p, BPF_JMP | BPF_JGE | BPF_K, k, t, f)
#define JGT(p, k, t, f) emit(p, BPF_JMP | BPF_JGT | BPF_K, k, t, f)
#define JSET(p, k, t, f) emit(p, BPF_JMP | BPF_JSET | BPF_K, k, t, f)
#define JA(p, t) emit(p, BPF_JMP | BPF_JA, 0, t, 0)
#define RET(p, v) emit(p, BPF_RET | BPF_K, v, 0, 0)

/* [addr, addr+len) of arguments 0 and 1 lies below STUB_BASE, computed
 * on 32-bit halves: hi(addr) + hi(len) + carry(lo(addr) + lo(len)). */
static void range_check(struct prog *p)
{
	const u32 top = STUB_BASE >> 32; /* STUB_BASE's low half is 0 */
	label(p, L_RANGE);
	LD(p, ARG_HI(0));
	JGE(p, top, L_KILL, L_NONE);
	LD(p, ARG_HI(1));
	JGT(p, top, L_KILL, L_NONE);
	LD(p, ARG_LO(0));
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
	LD(p, ARG_LO(1));
	emit(p, BPF_ALU | BPF_ADD | BPF_X, 0, 0, 0);
	emit(p, BPF_ST, 0, 0, 0); /* M[0] = low half of the end */
	emit(p, BPF_JMP | BPF_JGE | BPF_X, 0, L_NOCARRY, L_NONE);
	emit(p, BPF_LD | BPF_IMM, 1, 0, 0);
	JA(p, L_JOIN);
	label(p, L_NOCARRY);
	emit(p, BPF_LD | BPF_IMM, 0, 0, 0);
	label(p, L_JOIN);
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
	LD(p, ARG_HI(0));
	emit(p, BPF_ALU | BPF_ADD | BPF_X, 0, 0, 0);
	emit(p, BPF_MISC | BPF_TAX, 0, 0, 0);
	LD(p, ARG_HI(1));
	emit(p, BPF_ALU | BPF_ADD | BPF_X, 0, 0, 0); /* A = high half of the end */
	JGT(p, top, L_KILL, L_NONE);
	JEQ(p, top, L_HIEQ, L_ALLOW);
	label(p, L_HIEQ);
	emit(p, BPF_LD | BPF_MEM, 0, 0, 0);
	JEQ(p, 0, L_ALLOW, L_KILL); /* end == STUB_BASE exactly */
}

static bool resolve(struct prog *p)
{
	for (int i = 0; i < p->n; i++) {
		struct sock_filter *f = &p->f[i];
		int t = p->jt[i], e = p->jf[i];
		if (BPF_CLASS(f->code) != BPF_JMP)
			continue;
		int to_t = t ? p->label[t] - (i + 1) : 0;
		int to_f = e ? p->label[e] - (i + 1) : 0;
		if (BPF_OP(f->code) == BPF_JA) {
			if (to_t < 0)
				return false;
			f->k = to_t;
			continue;
		}
		if (to_t < 0 || to_t > 255 || to_f < 0 || to_f > 255)
			return false;
		f->jt = to_t;
		f->jf = to_f;
	}
	return true;
}

size_t stub_filter_build(void *buf, size_t size, u64 buf_addr, u64 clone_flags)
{
	struct sock_fprog *fprog = buf;
	struct prog p = { .f = (struct sock_filter *)((char *)buf + 16) };
	if (size < 16)
		return 0;
	p.cap = (size - 16) / sizeof(struct sock_filter);

	LD(&p, offsetof(struct seccomp_data, arch));
	JEQ(&p, AUDIT_ARCH_X86_64, L_NONE, L_KILL);
	LD(&p, offsetof(struct seccomp_data, nr));
	JEQ(&p, SYS_mmap, L_MMAP, L_NONE);
	JEQ(&p, SYS_munmap, L_RANGE, L_NONE);
	JEQ(&p, SYS_mprotect, L_PROT, L_NONE);
	JEQ(&p, SYS_clone, L_CLONE, L_NONE);
	JEQ(&p, SYS_pause, L_ALLOW, L_NONE);
	JEQ(&p, SYS_exit, L_ALLOW, L_NONE);
	JEQ(&p, SYS_exit_group, L_ALLOW, L_NONE);
	JEQ(&p, SYS_gettimeofday, L_TRACE, L_NONE);
	JEQ(&p, SYS_time, L_TRACE, L_NONE);
	JEQ(&p, SYS_getcpu, L_TRACE, L_KILL);

	label(&p, L_MMAP);
	LD(&p, ARG_LO(3));
	JEQ(&p, MAP_SHARED | MAP_FIXED, L_NONE, L_KILL);
	LD(&p, ARG_HI(3));
	JEQ(&p, 0, L_NONE, L_KILL);
	LD(&p, ARG_LO(4));
	JEQ(&p, 3, L_NONE, L_KILL); /* the physmem fd */
	LD(&p, ARG_HI(4));
	JEQ(&p, 0, L_NONE, L_KILL);
	label(&p, L_PROT);
	LD(&p, ARG_LO(2));
	JSET(&p, ~(u32)(PROT_READ | PROT_WRITE | PROT_EXEC), L_KILL, L_NONE);
	LD(&p, ARG_HI(2));
	JEQ(&p, 0, L_RANGE, L_KILL);
	range_check(&p);

	label(&p, L_CLONE);
	LD(&p, ARG_LO(0));
	JEQ(&p, (u32)clone_flags, L_NONE, L_KILL);
	LD(&p, ARG_HI(0));
	JEQ(&p, clone_flags >> 32, L_ALLOW, L_KILL);

	label(&p, L_ALLOW);
	RET(&p, SECCOMP_RET_ALLOW);
	label(&p, L_TRACE);
	RET(&p, SECCOMP_RET_TRACE);
	label(&p, L_KILL);
	RET(&p, SECCOMP_RET_KILL_PROCESS);

	if (p.bad || !resolve(&p))
		return 0;
	memset(fprog, 0, 16);
	fprog->len = p.n;
	fprog->filter = (struct sock_filter *)(uintptr_t)(buf_addr + 16);
	return 16 + p.n * sizeof(struct sock_filter);
}
