/* cred_tmpfs DIR WHO [mount]: cred_perm's setup (as root) and check (as
 * WHO: root or nobody) on a tmpfs at DIR, in one boot (a guest's tmpfs
 * lives as long as the guest).  With "mount" the program mounts the
 * tmpfs itself (the guest); natively the test mounts it. */
#include "cred_common.h"
#include <sys/mount.h>

static void run(char *const argv[], int nobody)
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		if (nobody && drop_to_nobody() < 0)
			printf("drop: %s\n", ename(errno));
		execv("./cred_perm", argv);
		printf("exec: %s\n", ename(errno));
		fflush(stdout);
		_exit(127);
	}
	int st;
	waitpid(p, &st, 0);
	printf("%s: status %d\n", argv[1], WEXITSTATUS(st));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		return 2;
	if (argc > 3 && mount("none", argv[1], "tmpfs", 0, "mode=0755") < 0) {
		printf("mount: %s\n", ename(errno));
		return 1;
	}
	char *setup[] = { "cred_perm", "setup", argv[1], NULL };
	char *check[] = { "cred_perm", "check", argv[1], NULL };
	run(setup, 0);
	run(check, !strcmp(argv[2], "nobody"));
	return 0;
}
