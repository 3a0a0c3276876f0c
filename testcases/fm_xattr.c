/* fm_xattr FS [UID]: extended attributes.  FS: tmpfs or host
 * (fm_common.h); hostfs carries user.* only, so the other namespaces are
 * tried on tmpfs.  With UID: what an unprivileged caller may read, write
 * and see of root's files. */
#include "fm_common.h"
#include <sys/sysmacros.h>
#include <sys/xattr.h>

static void show(const char *what, const char *path)
{
	char buf[256];
	ssize_t n = getxattr(path, what, buf, sizeof(buf) - 1);
	if (n < 0) {
		printf("get %s %s: %s\n", path, what, strerrorname_np(errno));
		return;
	}
	buf[n] = 0;
	printf("get %s %s: %zd \"%s\"\n", path, what, n, buf);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the names, sorted (a host file system lists in its own order) */
static void list(const char *path, int sorted)
{
	char buf[4096], *names[64];
	ssize_t n = llistxattr(path, buf, sizeof(buf));
	if (n < 0) {
		printf("list %s: %s\n", path, strerrorname_np(errno));
		return;
	}
	int k = 0;
	for (ssize_t i = 0; i < n && k < 64; i += strlen(buf + i) + 1)
		if (strncmp(buf + i, "security.selinux", 16))
			names[k++] = buf + i;
	if (sorted)
		qsort(names, k, sizeof(names[0]), cmp);
	printf("list %s:", path);
	for (int i = 0; i < k; i++)
		printf(" %s", names[i]);
	printf("\n");
}

static void as_root(void)
{
	char big[65537], name[300], buf[8];
	memset(big, 'x', sizeof(big));
	close(open("f", O_CREAT | O_WRONLY, 0644));
	R("set user.a", setxattr("f", "user.a", "v1", 2, 0));
	show("user.a", "f");
	R("size of user.a", getxattr("f", "user.a", NULL, 0));
	R("get small buffer", getxattr("f", "user.a", buf, 1));
	R("create existing", setxattr("f", "user.a", "v2", 2, XATTR_CREATE));
	R("replace existing", setxattr("f", "user.a", "v22", 3, XATTR_REPLACE));
	show("user.a", "f");
	R("replace missing", setxattr("f", "user.zz", "v", 1, XATTR_REPLACE));
	R("create new", setxattr("f", "user.b", "", 0, XATTR_CREATE));
	show("user.b", "f");
	R("get missing", getxattr("f", "user.nope", buf, sizeof(buf)));
	R("remove missing", removexattr("f", "user.nope"));
	R("bad flags", setxattr("f", "user.a", "v", 1, 4));
	R("value 65537", setxattr("f", "user.big", big, 65537, 0));
	memset(name, 'n', sizeof(name));
	memcpy(name, "user.", 5);
	name[256] = 0;
	R("name 256", setxattr("f", name, "v", 1, 0));
	name[255] = 0;
	R("get name 255", getxattr("f", name, buf, sizeof(buf)));
	R("empty name", setxattr("f", "", "v", 1, 0));
	R("no namespace", setxattr("f", "foo.bar", "v", 1, 0));
	R("get no namespace", getxattr("f", "foo.bar", buf, sizeof(buf)));
	R("bare user.", setxattr("f", "user.", "v", 1, 0));
	R("set user.c", setxattr("f", "user.c", "3", 1, 0));
	list("f", !fm_tmpfs);
	char lb[64];
	R("list size", listxattr("f", NULL, 0));
	R("list small", listxattr("f", lb, 3));
	R("remove user.b", removexattr("f", "user.b"));
	show("user.b", "f");
	list("f", !fm_tmpfs);
	int fd = open("f", O_RDONLY), pfd = open("f", O_PATH);
	R("fset", fsetxattr(fd, "user.fd", "F", 1, 0));
	R("fget", fgetxattr(fd, "user.fd", buf, sizeof(buf)));
	R("flist", flistxattr(fd, lb, sizeof(lb)) > 0 ? 0 : -1);
	R("fremove", fremovexattr(fd, "user.fd"));
	R("fget O_PATH", fgetxattr(pfd, "user.a", buf, sizeof(buf)));
	R("fset O_PATH", fsetxattr(pfd, "user.a", "x", 1, 0));
	R("fget bad fd", fgetxattr(999, "user.a", buf, sizeof(buf)));
	/* user.* only on regular files and directories */
	R("symlink", symlink("f", "l"));
	R("lset symlink", lsetxattr("l", "user.a", "v", 1, 0));
	R("lget symlink", lgetxattr("l", "user.a", buf, sizeof(buf)));
	R("get through symlink", getxattr("l", "user.a", buf, sizeof(buf)));
	list("l", 1);
	R("mkfifo", mkfifo("p", 0644));
	R("set fifo", setxattr("p", "user.a", "v", 1, 0));
	mkdir("d", 0755);
	R("set dir", setxattr("d", "user.d", "D", 1, 0));
	show("user.d", "d");
	R("no such file", setxattr("nosuch", "user.a", "v", 1, 0));
	if (!fm_tmpfs) {
		/* the host's other namespaces are not the guest's: not compared */
		close(fd);
		close(pfd);
		return;
	}
	R("set trusted.t", setxattr("f", "trusted.t", "T", 1, 0));
	R("set security.s", setxattr("f", "security.s", "S", 1, 0));
	show("trusted.t", "f");
	show("security.s", "f");
	list("f", 0);
	R("mknod chr", mknod("c", S_IFCHR | 0644, makedev(1, 3)));
	R("set trusted on chr", setxattr("c", "trusted.t", "T", 1, 0));
	R("set user on chr", setxattr("c", "user.t", "T", 1, 0));
	/* the inode space: 64 inodes of 1 KiB, which attributes share */
	R("value 65536", setxattr("f", "user.big", big, 65536, 0));
	R("value 16000", setxattr("f", "user.big", big, 16000, 0));
	R("another 16000", setxattr("d", "user.big", big, 16000, 0));
	R("a third", setxattr("d", "user.big2", big, 16000, 0));
	R("a fourth", setxattr("f", "user.big2", big, 16000, 0));
	R("remove one", removexattr("d", "user.big2"));
	R("now it fits", setxattr("f", "user.big2", big, 16000, 0));
	/* read-only */
	close(open("rw666", O_CREAT | O_WRONLY, 0666));
	chmod("rw666", 0666);
	R("set on rw666", setxattr("rw666", "user.a", "root", 4, 0));
	R("trusted on rw666", setxattr("rw666", "trusted.a", "root", 4, 0));
	R("remount ro", mount(NULL, ".", NULL, MS_REMOUNT | MS_RDONLY, NULL));
	R("set ro", setxattr("f", "user.a", "v", 1, 0));
	R("remove ro", removexattr("f", "user.a"));
	show("user.a", "f");
	close(fd);
	close(pfd);
}

static void as_user(void)
{
	char buf[16];
	show("user.a", "r644");
	R("set r644", setxattr("r644", "user.a", "me", 2, 0));
	R("get r600", getxattr("r600", "user.a", buf, sizeof(buf)));
	R("set rw666", setxattr("rw666", "user.a", "me", 2, 0));
	show("user.a", "rw666");
	R("remove r644", removexattr("r644", "user.a"));
	R("sticky dir", setxattr("sticky", "user.a", "me", 2, 0));
	if (!fm_tmpfs)
		return;
	R("get trusted", getxattr("rw666", "trusted.a", buf, sizeof(buf)));
	R("set trusted", setxattr("rw666", "trusted.b", "me", 2, 0));
	R("set security", setxattr("rw666", "security.b", "me", 2, 0));
	show("security.s", "rw666");
	list("rw666", 0);
	R("list size", listxattr("rw666", NULL, 0));
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	fm_setup(argv[1], NULL);
	if (argc > 2) {
		close(open("r644", O_CREAT | O_WRONLY, 0644));
		close(open("r600", O_CREAT | O_WRONLY, 0600));
		close(open("rw666", O_CREAT | O_WRONLY, 0666));
		chmod("rw666", 0666);
		mkdir("sticky", 01777);
		chmod("sticky", 01777);
		setxattr("r644", "user.a", "root", 4, 0);
		setxattr("r600", "user.a", "root", 4, 0);
		setxattr("rw666", "user.a", "root", 4, 0);
		if (fm_tmpfs) {
			setxattr("rw666", "trusted.a", "T", 1, 0);
			setxattr("rw666", "security.s", "S", 1, 0);
		}
		fm_drop(argv[2]);
		as_user();
	} else {
		as_root();
	}
	return 0;
}
