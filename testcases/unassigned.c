/* unassigned: every system call number x86-64 Linux leaves unassigned
 * (335-423, 451-511), the x32 and far-out numbers, and -1: each is ENOSYS,
 * and the kernel (its trace included) stays up.  Prints the count. */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int n, enosys;

static void try(long nr)
{
	errno = 0;
	long r = syscall(nr, 1, 2, 3, 4, 5, 6);
	n++;
	if (r == -1 && errno == ENOSYS)
		enosys++;
	else
		printf("syscall %#lx: %ld errno %d\n", nr, r, errno);
}

int main(void)
{
	for (long nr = 335; nr <= 423; nr++)
		try(nr);
	for (long nr = 451; nr <= 600; nr++)
		try(nr);
	static const long far[] = { 0x40000000 + 39, 0x40000000 + 600, 1L << 32, 1L << 62, -2, -1 };
	for (unsigned i = 0; i < sizeof(far) / sizeof(far[0]); i++)
		try(far[i]);
	printf("%d calls, %d ENOSYS\n", n, enosys);
	return 0;
}
