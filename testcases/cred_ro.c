/* cred_ro: a read-only mount gives EROFS, before any permission
 * question, as root and as nobody.  DIR is a read-only mount of a
 * directory holding "file" (0666) and "sub/" (0777): natively the test
 * bind-mounts it read-only; in the guest ("cred_ro DIR mount") the
 * program mounts hostfs=DIR's directory there itself.  Both mounts are
 * nosuid: the set-user-ID "suid_1234" there runs with the caller's ids. */
#include "cred_common.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <utime.h>

static const char *dir;

static char *P(const char *name)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void checks(void)
{
	show_ids("ids");
	SHOW("open file r", open(P("file"), O_RDONLY));
	SHOW("open file w", open(P("file"), O_WRONLY));
	SHOW("open file rw", open(P("file"), O_RDWR));
	SHOW("open file trunc", open(P("file"), O_RDONLY | O_TRUNC));
	SHOW("create", open(P("new"), O_CREAT | O_WRONLY, 0644));
	SHOW("create existing r", open(P("file"), O_CREAT | O_RDONLY, 0644));
	SHOW("mkdir", mkdir(P("d"), 0755));
	SHOW("mkdir existing", mkdir(P("sub"), 0755));
	SHOW("unlink", unlink(P("file")));
	SHOW("unlink missing", unlink(P("missing")));
	SHOW("rmdir", rmdir(P("sub")));
	SHOW("rename", rename(P("file"), P("file2")));
	SHOW("symlink", symlink("x", P("sl")));
	SHOW("link", link(P("file"), P("hl")));
	SHOW("chmod", chmod(P("file"), 0600));
	SHOW("chown", chown(P("file"), -1, -1));
	SHOW("truncate", truncate(P("file"), 0));
	SHOW("access w", access(P("file"), W_OK));
	SHOW("access r", access(P("file"), R_OK));
	SHOW("access dir w", access(P("sub"), W_OK));
	SHOW("create in sub", open(P("sub/x"), O_CREAT | O_WRONLY, 0644));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	dir = argv[1];
	if (argc > 2 && !strcmp(argv[2], "mount") && mount("hostfs", dir, "hostfs", MS_RDONLY | MS_NOSUID, NULL) < 0) {
		printf("mount: %s\n", ename(errno));
		return 1;
	}
	checks();
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		if (drop_to_nobody() < 0)
			printf("drop: %s\n", ename(errno));
		checks();
		/* a set-user-ID program of uid 1234 on a nosuid mount */
		fflush(stdout);
		execl(P("suid_1234"), "cred_showid", "nosuid mount", (char *)NULL);
		printf("exec: %s\n", ename(errno));
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, NULL, 0);
	return 0;
}
