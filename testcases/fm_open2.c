/* fm_open2 FS: O_TMPFILE (tmpfs; a host directory has none) and
 * openat2's struct rules and RESOLVE_* restrictions, on tmpfs or a host
 * directory (fm_common.h). */
#include "fm_common.h"
#include <linux/openat2.h>
#include <sys/syscall.h>

static long o2(int dirfd, const char *p, unsigned long long flags, unsigned long long mode,
	       unsigned long long resolve)
{
	struct open_how h = { flags, mode, resolve };
	long fd = syscall(SYS_openat2, dirfd, p, &h, sizeof(h));
	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

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

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	fm_setup(argv[1], NULL);
	mkdir("d", 0755);
	mkdir("d/e", 0755);
	close(open("d/e/f", O_CREAT | O_WRONLY, 0644));
	symlink("e/f", "d/rel");
	symlink("/etc", "d/abs");
	symlink("../..", "d/up");
	int d = open("d", O_RDONLY | O_DIRECTORY);

	/* O_TMPFILE: tmpfs has it, a host directory not (hostfs, as UML's) */
	int t = fm_tmpfs ? open(".", O_TMPFILE | O_RDWR, 0600) : -1;
	if (fm_tmpfs)
		printf("O_TMPFILE: %s\n", t >= 0 ? "0" : strerrorname_np(errno));
	if (t >= 0) {
		struct stat s;
		write(t, "tmp", 3);
		fstat(t, &s);
		printf("nlink %ld size %ld\n", (long)s.st_nlink, (long)s.st_size);
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", t);
		R("linkat empty path", linkat(t, "", AT_FDCWD, "named", AT_EMPTY_PATH));
		cat("named");
		fstat(t, &s);
		printf("nlink %ld\n", (long)s.st_nlink);
		close(t);
		int x = open(".", O_TMPFILE | O_WRONLY | O_EXCL, 0600);
		R("O_TMPFILE|O_EXCL", x < 0 ? x : 0);
		R("linkat of O_EXCL tmpfile", linkat(x, "", AT_FDCWD, "never", AT_EMPTY_PATH));
		close(x);
	}
	if (fm_tmpfs)
		R("O_TMPFILE read-only", open(".", O_TMPFILE | O_RDONLY, 0600));
	R("O_TMPFILE on a file", open("d/e/f", O_TMPFILE | O_RDWR, 0600));
	R("O_TMPFILE missing dir", open("nosuch", O_TMPFILE | O_RDWR, 0600));

	/* the struct */
	struct open_how h = { O_RDONLY, 0, 0 };
	R("size 0", syscall(SYS_openat2, d, "e", &h, 0));
	R("size 23", syscall(SYS_openat2, d, "e", &h, 23));
	char big[64] = { 0 };
	memcpy(big, &h, sizeof(h));
	long fd64 = syscall(SYS_openat2, d, "e", big, 64);
	R("size 64 zeros", fd64 < 0 ? fd64 : close(fd64));
	big[40] = 1;
	R("size 64 nonzero tail", syscall(SYS_openat2, d, "e", big, 64));
	R("size 8192", syscall(SYS_openat2, d, "e", big, 8192));
	R("unknown flag", o2(d, "e", 1ULL << 40, 0, 0));
	R("unknown resolve", o2(d, "e", 0, 0, 0x100));
	R("mode without O_CREAT", o2(d, "e", 0, 0644, 0));
	R("mode 010000", o2(d, "new", O_CREAT | O_WRONLY, 010000, 0));
	R("beneath|in_root", o2(d, "e", 0, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT));
	R("O_PATH|O_APPEND", o2(d, "e", O_PATH | O_APPEND, 0, 0));
	R("cached O_CREAT", o2(d, "new", O_CREAT | O_WRONLY, 0644, RESOLVE_CACHED));
	R("plain", o2(d, "e/f", 0, 0, 0));
	R("create", o2(d, "made", O_CREAT | O_WRONLY, 0600, RESOLVE_BENEATH));

	/* RESOLVE_* */
	R("no_symlinks plain", o2(d, "e/f", 0, 0, RESOLVE_NO_SYMLINKS));
	R("no_symlinks rel", o2(d, "rel", 0, 0, RESOLVE_NO_SYMLINKS));
	R("no_symlinks O_PATH|O_NOFOLLOW", o2(d, "rel", O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS));
	R("beneath rel", o2(d, "rel", 0, 0, RESOLVE_BENEATH));
	R("beneath ..", o2(d, "..", O_DIRECTORY, 0, RESOLVE_BENEATH));
	R("beneath e/..", o2(d, "e/..", O_DIRECTORY, 0, RESOLVE_BENEATH));
	R("beneath e/../..", o2(d, "e/../..", O_DIRECTORY, 0, RESOLVE_BENEATH));
	R("beneath absolute", o2(d, "/", O_DIRECTORY, 0, RESOLVE_BENEATH));
	R("beneath abs link", o2(d, "abs", O_DIRECTORY, 0, RESOLVE_BENEATH));
	R("beneath up link", o2(d, "up", O_DIRECTORY, 0, RESOLVE_BENEATH));
	R("in_root /e/f", o2(d, "/e/f", 0, 0, RESOLVE_IN_ROOT));
	R("in_root ../../e/f", o2(d, "../../e/f", 0, 0, RESOLVE_IN_ROOT));
	R("in_root abs link", o2(d, "abs", O_DIRECTORY, 0, RESOLVE_IN_ROOT));
	R("in_root up link /e", o2(d, "up/e", O_DIRECTORY, 0, RESOLVE_IN_ROOT));
	char self[64];
	int ffd = open("d/e/f", O_RDONLY);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", ffd);
	if (fm_tmpfs) {
		mkdir("proc", 0755);
		R("mount proc", mount("proc", "proc", "proc", 0, NULL));
		snprintf(self, sizeof(self), "proc/self/fd/%d", ffd);
		R("magic link", o2(AT_FDCWD, self, 0, 0, 0));
		R("no_magiclinks", o2(AT_FDCWD, self, 0, 0, RESOLVE_NO_MAGICLINKS));
		R("no_magiclinks O_PATH|O_NOFOLLOW", o2(AT_FDCWD, self, O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_MAGICLINKS));
		R("no_xdev into proc", o2(AT_FDCWD, "proc/self", O_PATH, 0, RESOLVE_NO_XDEV));
		R("no_xdev within", o2(AT_FDCWD, "d/e/f", 0, 0, RESOLVE_NO_XDEV));
		R("no_xdev ..", o2(AT_FDCWD, "..", O_PATH, 0, RESOLVE_NO_XDEV));
	}
	return 0;
}
