/* cred_thread: credentials belong to threads.  The C library's setuid
 * family and setgroups change every thread (glibc signals each one to
 * make the call itself); the raw system call changes only the caller.
 * Run as root. */
#include "cred_common.h"
#include <grp.h>
#include <pthread.h>

static int to_thread[2], from_thread[2];

static void ids(const char *what)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	syscall(SYS_getresuid, &r, &e, &s);
	syscall(SYS_getresgid, &gr, &ge, &gs);
	printf("%s: uid=%u,%u,%u gid=%u,%u,%u groups=%ld\n", what, r, e, s, gr, ge, gs,
	       syscall(SYS_getgroups, 0, NULL));
}

static void *thread(void *arg)
{
	const char *tags[] = { "thread before", "thread after raw", "thread after" };
	for (int i = 0; i < 3; i++) {
		char c;
		read(to_thread[0], &c, 1);
		ids(tags[i]);
		write(from_thread[1], "x", 1);
	}
	return arg;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	pipe(to_thread);
	pipe(from_thread);
	pthread_t th;
	pthread_create(&th, NULL, thread, NULL);
	char c;
	write(to_thread[1], "x", 1);
	read(from_thread[0], &c, 1);
	/* only this thread: the kernel's own call, without the library */
	SHOW("raw setresgid", syscall(SYS_setresgid, 7, 7, 7));
	write(to_thread[1], "x", 1);
	read(from_thread[0], &c, 1);
	gid_t g[2] = { 5, 6 };
	SHOW("setgroups", setgroups(2, g));
	SHOW("setresgid", setresgid(2000, 2000, 2000));
	SHOW("setresuid", setresuid(1000, 1000, 1000));
	write(to_thread[1], "x", 1);
	read(from_thread[0], &c, 1);
	ids("main");
	pthread_join(th, NULL);
	return 0;
}
