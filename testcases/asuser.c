/* asuser UID GID PROG [ARGS...]: run PROG (a file in the working
 * directory, "/PROG" as its argv[0]) as UID:GID with no supplementary
 * groups, the way the tests run a program unprivileged both in the guest
 * (where init is root) and natively (under the same wrapper, in the same
 * root): setgroups, setgid, setuid, execve.  Any failure is reported and
 * exits 126 before PROG runs.  As a guest's init it first mounts proc on
 * the root's /proc, if there is one, as an init would (PROG, unprivileged,
 * could not). */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: asuser UID GID PROG [ARGS...]\n");
		return 126;
	}
	/* on the root's own /proc only: never a directory made in a root
	 * that others share */
	if (getpid() == 1 && access("/proc/self", F_OK) < 0 && access("/proc", F_OK) == 0)
		mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	uid_t uid = strtoul(argv[1], NULL, 10);
	gid_t gid = strtoul(argv[2], NULL, 10);
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		perror("asuser");
		return 126;
	}
	const char *prog = argv[3][0] == '/' ? argv[3] + 1 : argv[3];
	char path[4096], arg0[4096];
	snprintf(path, sizeof(path), "./%s", prog);
	snprintf(arg0, sizeof(arg0), "/%s", prog);
	argv[3] = arg0;
	execve(path, argv + 3, environ);
	perror("asuser: execve");
	return 126;
}
