/* strace_futex: futex(2) with each command and odd operations, for the kernel trace's decoding against strace's (test_strace_guest.py); results are not checked */
#include <linux/futex.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

struct ksa {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

int main(void)
{
	static int f, g = 1;
	struct timespec ts = { 0, 1 };
	struct ksa k = { SIG_DFL, 0x1 | 0x2 | 0x4 | 0x04000000 | 0x08000000 | 0x10000000 | 0x40000000 | 0x80000000,
			 NULL, 0 };

	syscall(SYS_rt_sigaction, SIGUSR2, &k, NULL, 8);
	syscall(SYS_futex, &f, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, FUTEX_BITSET_MATCH_ANY);
	syscall(SYS_futex, &f, FUTEX_WAIT_BITSET, 0, &ts, NULL, 5);
	syscall(SYS_futex, &f, FUTEX_WAKE_BITSET, 1, NULL, NULL, FUTEX_BITSET_MATCH_ANY);
	syscall(SYS_futex, &f, FUTEX_WAIT, 0, &ts, NULL, 0);
	syscall(SYS_futex, &f, FUTEX_WAIT, -1, NULL, NULL, 0);
	syscall(SYS_futex, &f, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	syscall(SYS_futex, &f, FUTEX_REQUEUE, 1, 2, &g, 0);
	syscall(SYS_futex, &f, FUTEX_CMP_REQUEUE, -1, -2, &g, -1);
	syscall(SYS_futex, &f, FUTEX_WAKE_OP, 1, 2, &g, (9u << 28) | (FUTEX_OP_CMP_GT << 24) | (5 << 12) | 3);
	syscall(SYS_futex, &f, FUTEX_WAKE_OP, 1, 2, &g, 0xffffffff);
	syscall(SYS_futex, &f, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
	syscall(SYS_futex, &f, FUTEX_TRYLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	syscall(SYS_futex, &f, FUTEX_LOCK_PI2 | FUTEX_CLOCK_REALTIME, 1, 2, 3, 4);
	syscall(SYS_futex, &f, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0);
	syscall(SYS_futex, &f, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0);
	syscall(SYS_futex, &f, FUTEX_WAKE | 0x200, 1, NULL, NULL, 0);
	syscall(SYS_futex, &f, 15, 1, 2, 3, 4);
	syscall(SYS_futex, &f, FUTEX_FD, 1, 2, 3, 4);
	return 0;
}
