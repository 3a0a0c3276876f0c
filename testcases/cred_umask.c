/* cred_umask: the guest's umask, and only it, shapes new files' modes
 * (the test also looks at them from the host), and new files belong to
 * the creator's fs ids.  ARGS: DIR, writable by the caller. */
#include "cred_common.h"
#include <fcntl.h>
#include <sys/stat.h>

static void made(const char *dir, const char *name, int isdir, mode_t mode)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int r = isdir ? mkdir(p, mode) : open(p, O_CREAT | O_WRONLY, mode);
	if (r < 0 || stat(p, &st) < 0) {
		printf("%s: %s\n", name, ename(errno));
		return;
	}
	if (!isdir)
		close(r);
	printf("%s: %o %u:%u\n", name, st.st_mode, st.st_uid, st.st_gid);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	printf("umask was %o\n", umask(0));
	made(argv[1], "f0", 0, 0666);
	made(argv[1], "d0", 1, 0777);
	made(argv[1], "x0", 0, 0777);
	umask(027);
	made(argv[1], "f27", 0, 0666);
	made(argv[1], "d27", 1, 0777);
	umask(0);
	made(argv[1], "sticky", 1, 01777);
	made(argv[1], "suid", 0, 04755);
	return 0;
}
