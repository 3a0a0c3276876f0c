/* fm_times FS [UID]: file times set by hand and kept by the file system.
 * FS: tmpfs or host (fm_common.h).  As root the success cases, the
 * argument errors and the times each change moves; with UID the
 * permission rules (EACCES to touch another's file without write
 * permission, EPERM to set explicit times on it).  Times are printed as
 * the values set or as relations ("advanced"), never as they are. */
#include "fm_common.h"
#include <sys/syscall.h>
#include <sys/time.h>
#include <utime.h>

static struct stat st(const char *p)
{
	struct stat s;
	memset(&s, 0, sizeof(s));
	if (lstat(p, &s) < 0)
		printf("lstat %s: %s\n", p, strerrorname_np(errno));
	return s;
}

/* put a file's atime and mtime in the past, where any change is forward */
static void past(const char *p)
{
	struct timespec ts[2] = { { 1000000000, 111 }, { 1000000000, 222 } };
	if (utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW) < 0)
		printf("past %s: %s\n", p, strerrorname_np(errno));
}

#define ADV(a, b) (ts_cmp((a), (b)) > 0 ? "advanced" : ts_cmp((a), (b)) == 0 ? "same" : "went back")

/* what an operation does to the times of file p */
#define EFFECT(what, p, op)                                                                        \
	do {                                                                                       \
		past(p);                                                                           \
		struct stat b_ = st(p);                                                            \
		fm_tick_past(b_.st_ctim);                                                          \
		op;                                                                                \
		struct stat a_ = st(p);                                                            \
		printf("%s: atime %s mtime %s ctime %s\n", what, ADV(a_.st_atim, b_.st_atim),      \
		       ADV(a_.st_mtim, b_.st_mtim), ADV(a_.st_ctim, b_.st_ctim));                  \
	} while (0)

static void as_root(void)
{
	struct timespec ts[2] = { { 1234567890, 123456789 }, { 1300000000, 5 } };
	int fd = open("f", O_CREAT | O_RDWR, 0644);
	R("utimensat explicit", utimensat(AT_FDCWD, "f", ts, 0));
	struct stat s = st("f");
	printf("atime %ld.%09ld mtime %ld.%09ld\n", s.st_atim.tv_sec, s.st_atim.tv_nsec,
	       s.st_mtim.tv_sec, s.st_mtim.tv_nsec);
	struct timespec om[2] = { { 0, UTIME_OMIT }, { 1400000000, 0 } };
	R("utimensat omit atime", utimensat(AT_FDCWD, "f", om, 0));
	s = st("f");
	printf("atime %ld mtime %ld\n", s.st_atim.tv_sec, s.st_mtim.tv_sec);
	struct timespec now[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
	EFFECT("utimensat omit/now", "f", utimensat(AT_FDCWD, "f", now, 0));
	EFFECT("utimensat NULL", "f", utimensat(AT_FDCWD, "f", NULL, 0));
	struct timespec both[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	R("both omit, no such file", utimensat(AT_FDCWD, "nosuch", both, 0));
	R("no such file", utimensat(AT_FDCWD, "nosuch", NULL, 0));
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	R("nsec 1e9", utimensat(AT_FDCWD, "f", bad, 0));
	struct timespec neg[2] = { { 0, -5 }, { 0, 0 } };
	R("nsec -5", utimensat(AT_FDCWD, "f", neg, 0));
	R("bad flags", utimensat(AT_FDCWD, "f", NULL, 0x4000));
	R("futimens", futimens(fd, ts));
	s = st("f");
	printf("futimens mtime %ld.%09ld\n", s.st_mtim.tv_sec, s.st_mtim.tv_nsec);
	R("futimens flags", syscall(SYS_utimensat, fd, NULL, ts, AT_SYMLINK_NOFOLLOW));
	R("NULL path AT_FDCWD", syscall(SYS_utimensat, AT_FDCWD, NULL, ts, 0));
	int pfd = open("f", O_PATH);
	R("futimens O_PATH", syscall(SYS_utimensat, pfd, NULL, ts, 0));
	struct timespec e[2] = { { 1500000000, 0 }, { 1500000001, 0 } };
	R("AT_EMPTY_PATH O_PATH", utimensat(pfd, "", e, AT_EMPTY_PATH));
	s = st("f");
	printf("empty-path mtime %ld\n", s.st_mtim.tv_sec);
	R("bad fd", futimens(999, ts));
	/* symlinks: the link's own times or its target's */
	R("symlink", symlink("f", "l"));
	struct timespec lt[2] = { { 1600000000, 0 }, { 1600000001, 0 } };
	R("nofollow", utimensat(AT_FDCWD, "l", lt, AT_SYMLINK_NOFOLLOW));
	printf("link mtime %ld target mtime %ld\n", st("l").st_mtim.tv_sec, st("f").st_mtim.tv_sec);
	struct timespec ft[2] = { { 1700000000, 0 }, { 1700000001, 0 } };
	R("follow", utimensat(AT_FDCWD, "l", ft, 0));
	printf("link mtime %ld target mtime %ld\n", st("l").st_mtim.tv_sec, st("f").st_mtim.tv_sec);
	/* the old calls */
	struct timeval tv[2] = { { 1100000000, 7 }, { 1100000001, 999999 } };
	R("utimes", utimes("f", tv));
	s = st("f");
	printf("utimes atime %ld.%09ld mtime %ld.%09ld\n", s.st_atim.tv_sec, s.st_atim.tv_nsec,
	       s.st_mtim.tv_sec, s.st_mtim.tv_nsec);
	struct timeval tvbad[2] = { { 0, 1000000 }, { 0, 0 } };
	R("utimes usec 1e6", utimes("f", tvbad));
	struct utimbuf ub = { 1200000000, 1200000001 };
	R("utime", utime("f", &ub));
	printf("utime atime %ld mtime %ld\n", st("f").st_atim.tv_sec, st("f").st_mtim.tv_sec);
	EFFECT("utime NULL", "f", utime("f", NULL));
	R("futimesat", syscall(SYS_futimesat, AT_FDCWD, "f", tv));
	printf("futimesat mtime %ld\n", st("f").st_mtim.tv_sec);
	R("futimesat fd", syscall(SYS_futimesat, fd, NULL, tv));
	/* what the other calls do to the times */
	EFFECT("write", "f", write(fd, "abc", 3));
	EFFECT("pwrite", "f", pwrite(fd, "x", 1, 100));
	EFFECT("ftruncate", "f", ftruncate(fd, 10));
	EFFECT("truncate", "f", truncate("f", 20));
	EFFECT("chmod", "f", chmod("f", 0640));
	EFFECT("link", "f", link("f", "f2"));
	EFFECT("unlink other name", "f", unlink("f2"));
	EFFECT("rename there and back", "f", (rename("f", "g"), rename("g", "f")));
	char buf[8];
	EFFECT("read", "f", pread(fd, buf, 4, 0));
	/* relatime: an atime newer than mtime and ctime stays */
	struct timespec fut[2] = { { 2000000000, 0 }, { 1000000000, 0 } };
	utimensat(AT_FDCWD, "f", fut, 0);
	pread(fd, buf, 4, 0);
	printf("read with future atime: atime %ld\n", st("f").st_atim.tv_sec);
	mkdir("d", 0755);
	EFFECT("create in dir", "d", close(open("d/x", O_CREAT | O_WRONLY, 0644)));
	EFFECT("unlink in dir", "d", unlink("d/x"));
	EFFECT("mkdir in dir", "d", mkdir("d/sub", 0755));
	EFFECT("rename out of dir", "d", rename("d/sub", "sub"));
	EFFECT("symlink in dir", "d", symlink("x", "d/ln"));
	/* a file of a synthetic file system (procfs): root may touch it */
	mkdir("proc", 0755);
	if (fm_tmpfs && mount("proc", "proc", "proc", 0, NULL) == 0)
		R("touch a proc file", utimensat(AT_FDCWD, "proc/self/status", NULL, 0));
	close(fd);
	close(pfd);
}

static void as_user(void)
{
	struct timespec ts[2] = { { 1234567890, 0 }, { 1234567891, 0 } };
	R("touch root 0644", utimensat(AT_FDCWD, "ro644", NULL, 0));
	R("set root 0644", utimensat(AT_FDCWD, "ro644", ts, 0));
	R("touch root 0666", utimensat(AT_FDCWD, "rw666", NULL, 0));
	struct timespec now[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	R("now/now root 0666", utimensat(AT_FDCWD, "rw666", now, 0));
	struct timespec half[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
	R("now/omit root 0666", utimensat(AT_FDCWD, "rw666", half, 0));
	R("set root 0666", utimensat(AT_FDCWD, "rw666", ts, 0));
	R("utimes root 0666", utimes("rw666", NULL));
	struct timeval tv[2] = { { 1, 0 }, { 2, 0 } };
	R("utimes set root 0666", utimes("rw666", tv));
	R("utime root 0644", utime("ro644", NULL));
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	fm_setup(argv[1], NULL);
	if (argc > 2) {
		close(open("ro644", O_CREAT | O_WRONLY, 0644));
		close(open("rw666", O_CREAT | O_WRONLY, 0666));
		chmod("rw666", 0666);
		fm_drop(argv[2]);
		as_user();
	} else {
		as_root();
	}
	return 0;
}
