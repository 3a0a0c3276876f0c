/* fm_misc FS: renameat2's flags, O_PATH descriptors, close_range and the
 * old getdents, on tmpfs or a host directory (fm_common.h). */
#include "fm_common.h"
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <dirent.h>

static void cat(const char *p)
{
	char b[32] = "";
	int fd = open(p, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, b, sizeof(b) - 1);
	if (n >= 0)
		b[n] = 0;
	printf("%s holds \"%s\"\n", p, n < 0 ? strerrorname_np(errno) : b);
	if (fd >= 0)
		close(fd);
}

static void put(const char *p, const char *s)
{
	int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	write(fd, s, strlen(s));
	close(fd);
}

struct old_dirent {
	unsigned long d_ino, d_off;
	unsigned short d_reclen;
	char d_name[];
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	fm_setup(argv[1], NULL);
	put("a", "A");
	put("b", "B");
	R("noreplace onto existing", renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE));
	R("noreplace onto new", renameat2(AT_FDCWD, "a", AT_FDCWD, "c", RENAME_NOREPLACE));
	cat("c");
	R("exchange", renameat2(AT_FDCWD, "b", AT_FDCWD, "c", RENAME_EXCHANGE));
	cat("b");
	cat("c");
	mkdir("d", 0755);
	put("d/x", "X");
	R("exchange file and dir", renameat2(AT_FDCWD, "b", AT_FDCWD, "d", RENAME_EXCHANGE));
	cat("d");
	cat("b/x");
	R("exchange with missing", renameat2(AT_FDCWD, "c", AT_FDCWD, "nosuch", RENAME_EXCHANGE));
	R("exchange|noreplace", renameat2(AT_FDCWD, "c", AT_FDCWD, "d", RENAME_EXCHANGE | RENAME_NOREPLACE));
	R("unknown flag", renameat2(AT_FDCWD, "c", AT_FDCWD, "e", 0x100));
	if (fm_tmpfs) {
		/* a host directory has none (hostfs would make a host device node) */
		R("whiteout", renameat2(AT_FDCWD, "c", AT_FDCWD, "e", RENAME_WHITEOUT));
		struct stat w;
		if (lstat("c", &w) == 0)
			printf("c after whiteout: %s %u:%u\n", S_ISCHR(w.st_mode) ? "chr" : "other",
			       major(w.st_rdev), minor(w.st_rdev));
	} else {
		R("rename", rename("c", "e"));
	}
	struct stat s;
	/* O_PATH: a handle, not an open file */
	int p = open("e", O_PATH);
	char buf[8];
	R("O_PATH read", read(p, buf, 1));
	R("O_PATH write", write(p, "x", 1));
	R("O_PATH fstat", fstat(p, &s));
	printf("O_PATH fstat size %ld\n", (long)s.st_size);
	R("O_PATH fchmod", fchmod(p, 0600));
	R("O_PATH dup", close(dup(p)));
	R("O_PATH fstatat empty", fstatat(p, "", &s, AT_EMPTY_PATH));
	int dp = open("b", O_PATH | O_DIRECTORY);
	R("O_PATH dir openat", close(openat(dp, "x", O_RDONLY)));
	R("O_PATH symlink", symlink("e", "l"));
	int lp = open("l", O_PATH | O_NOFOLLOW);
	R("O_PATH|O_NOFOLLOW on symlink", lp >= 0 ? 0 : -1);
	R("lstat it", fstatat(lp, "", &s, AT_EMPTY_PATH));
	printf("is a link: %d\n", S_ISLNK(s.st_mode));
	/* close_range */
	int base = open(".", O_RDONLY);
	for (int i = 0; i < 5; i++)
		dup2(base, 20 + i);
	R("close_range 21..22", syscall(SYS_close_range, 21, 22, 0));
	R("fd 21", fcntl(21, F_GETFD));
	R("fd 23", fcntl(23, F_GETFD));
	R("close_range cloexec", syscall(SYS_close_range, 23, ~0U, CLOSE_RANGE_CLOEXEC));
	R("fd 23 flags", fcntl(23, F_GETFD));
	R("close_range unshare", syscall(SYS_close_range, 24, ~0U, CLOSE_RANGE_UNSHARE));
	R("fd 24", fcntl(24, F_GETFD));
	R("close_range first > last", syscall(SYS_close_range, 5, 4, 0));
	R("close_range bad flag", syscall(SYS_close_range, 30, 40, 1));
	/* the old getdents */
	int dfd = open("b", O_RDONLY | O_DIRECTORY);
	char db[1024];
	long n = syscall(SYS_getdents, dfd, db, sizeof(db));
	int names = 0, xtype = -1;
	for (long off = 0; off < n;) {
		struct old_dirent *d = (void *)(db + off);
		names++;
		if (!strcmp(d->d_name, "x"))
			xtype = db[off + d->d_reclen - 1];
		off += d->d_reclen;
	}
	printf("getdents: %d names, x is type %d (DT_REG %d)\n", names, xtype, DT_REG);
	R("getdents small buffer", syscall(SYS_getdents, open("b", O_RDONLY), db, 8));
	R("getdents on a file", syscall(SYS_getdents, open("e", O_RDONLY), db, sizeof(db)));
	return 0;
}
