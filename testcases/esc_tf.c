/* Wall one: a guest that sets EFLAGS.TF before a system call must not
 * change how the kernel's own stub code runs.
 *   esc_tf munmap  N times: touch a page, munmap it with TF set, then read
 *                  it: the read must fault (the host mapping is gone).
 *   esc_tf clone   create a thread with TF set: it must run, and its exit
 *                  must clear the CLONE_CHILD_CLEARTID word.
 * A SIGTRAP handler clears TF again after each single-step trap, so the
 * output is the same natively and in vmcore. */
#include <linux/futex.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static volatile int traps;
static sigjmp_buf segv_env;

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;
	traps++;
}

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_env, 1);
}

/* syscall with TF set by the instruction before it */
static long tf_syscall3(long nr, long a, long b, long c)
{
	long r;
	register long r10 asm("r10") = 0;
	asm volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tsyscall"
		     : "=a"(r)
		     : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
		     : "rcx", "r11", "memory", "cc");
	return r;
}

static int test_munmap(int n)
{
	volatile int faulted = 0, survived = 0;
	for (volatile int i = 0; i < n; i++) {
		volatile char *p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		for (int k = 0; k < 16; k++)
			p[k * 4096] = 0x5a;
		long r = tf_syscall3(SYS_munmap, (long)p, 16 * 4096, 0);
		if (r != 0) {
			printf("munmap: %ld\n", r);
			return 1;
		}
		if (sigsetjmp(segv_env, 1) == 0) {
			char c = p[4096];
			(void)c;
			survived++;
		} else {
			faulted++;
		}
	}
	printf("munmap with TF: %d of %d reads faulted, %d did not\n", faulted, n, survived);
	printf("single-step traps: %s\n", traps >= n ? "yes" : "no");
	return survived != 0;
}

static volatile int thread_ran;

static int test_clone(void)
{
	char *stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static volatile int ctid = 1;
	long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		     CLONE_SYSVSEM | CLONE_CHILD_CLEARTID;
	long r;
	register long r10 asm("r10") = (long)&ctid;
	register long r8 asm("r8") = 0;
	/* the child writes thread_ran and exits at once, on its own stack */
	asm volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tsyscall\n\t"
		     "test %%rax, %%rax\n\tjnz 1f\n\t"
		     "movl $1, (%%rbx)\n\t"
		     "mov $60, %%eax\n\txor %%edi, %%edi\n\tsyscall\n"
		     "1:"
		     : "=a"(r)
		     : "0"((long)SYS_clone), "D"(flags), "S"(stack + 65536), "d"(0L), "r"(r10),
		       "r"(r8), "b"(&thread_ran)
		     : "rcx", "r11", "memory", "cc");
	if (r < 0) {
		printf("clone: %ld\n", r);
		return 1;
	}
	while (ctid)
		syscall(SYS_futex, &ctid, FUTEX_WAIT, 1, NULL, NULL, 0);
	printf("thread created with TF: %s\n", thread_ran ? "ran" : "never ran");
	return !thread_ran;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	signal(SIGSEGV, on_segv);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "munmap"))
		return test_munmap(argc > 2 ? atoi(argv[2]) : 8);
	if (argc > 1 && !strcmp(argv[1], "clone"))
		return test_clone();
	fprintf(stderr, "usage: esc_tf munmap [N] | clone\n");
	return 2;
}
