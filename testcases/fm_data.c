/* fm_data FS [UID]: statfs and the data-space calls (fallocate,
 * posix_fadvise, readahead, sync_file_range, syncfs, fsync).  FS: tmpfs
 * (size=256k, nr_inodes=64: figures that must come out as Linux's) or
 * host, whose figures are the host file system's (printed only where
 * they cannot move between the two runs). */
#include "fm_common.h"
#include <linux/falloc.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

/* struct ustat: glibc no longer declares it */
struct ustat {
	int f_tfree;
	unsigned long f_tinode;
	char f_fname[6], f_fpack[6];
};

static void sfs(const char *what, const char *path)
{
	struct statfs s;
	if (statfs(path, &s) < 0) {
		printf("statfs %s: %s\n", path, strerrorname_np(errno));
		return;
	}
	if (fm_tmpfs)
		printf("%s: type %#lx bsize %ld blocks %ld bfree %ld bavail %ld files %ld ffree %ld "
		       "namelen %ld frsize %ld flags %#lx\n",
		       what, (long)s.f_type, (long)s.f_bsize, (long)s.f_blocks, (long)s.f_bfree,
		       (long)s.f_bavail, (long)s.f_files, (long)s.f_ffree, (long)s.f_namelen,
		       (long)s.f_frsize, (long)s.f_flags);
	else
		printf("%s: bsize %ld blocks %ld files %ld namelen %ld frsize %ld\n", what,
		       (long)s.f_bsize, (long)s.f_blocks, (long)s.f_files, (long)s.f_namelen,
		       (long)s.f_frsize);
}

static long blocks(const char *p)
{
	struct stat s;
	return stat(p, &s) < 0 ? -1 : (long)s.st_blocks;
}

static long size(const char *p)
{
	struct stat s;
	return stat(p, &s) < 0 ? -1 : (long)s.st_size;
}

static void as_root(void)
{
	sfs("empty", ".");
	int fd = open("f", O_CREAT | O_RDWR, 0644);
	char page[4096];
	memset(page, 'a', sizeof(page));
	for (int i = 0; i < 4; i++)
		write(fd, page, sizeof(page));
	sfs("16k written", ".");
	struct statfs fs1, fs2;
	fstatfs(fd, &fs1);
	statfs(".", &fs2);
	printf("fstatfs = statfs: %d\n", fs1.f_blocks == fs2.f_blocks && fs1.f_type == fs2.f_type);
	R("fstatfs bad fd", fstatfs(999, &fs1));
	R("statfs nosuch", statfs("nosuch", &fs1));
	/* fallocate */
	R("falloc 0", fallocate(fd, 0, 0, 65536));
	printf("size %ld blocks %ld\n", size("f"), blocks("f"));
	sfs("after falloc", ".");
	R("falloc keep size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 65536, 8192));
	printf("size %ld blocks %ld\n", size("f"), blocks("f"));
	sfs("after keep size", ".");
	R("punch", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 8192));
	sfs("after punch", ".");
	printf("size %ld blocks %ld\n", size("f"), blocks("f"));
	char b[16];
	pread(fd, b, 4, 4096);
	printf("hole reads %d%d%d%d\n", b[0], b[1], b[2], b[3]);
	pread(fd, b, 4, 0);
	printf("data before hole %c\n", b[0]);
	R("punch partial", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 10));
	pread(fd, b, 4, 100);
	printf("partial hole reads %d and %c\n", b[0], (pread(fd, b, 1, 110), b[0]));
	R("punch without keep size", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 4096));
	R("punch and zero", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	R("unknown mode", fallocate(fd, 0x100, 0, 4096));
	R("len 0", fallocate(fd, 0, 0, 0));
	R("offset -1", fallocate(fd, 0, -1, 10));
	R("past the largest file", fallocate(fd, 0, 0x7fffffffffffff00LL, 0x1000));
	R("collapse and keep", fallocate(fd, FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	int rfd = open("f", O_RDONLY), pfd = open("f", O_PATH);
	R("falloc read-only fd", fallocate(rfd, 0, 0, 4096));
	R("falloc O_PATH", fallocate(pfd, 0, 0, 4096));
	R("falloc bad fd", fallocate(999, 0, 0, 4096));
	int dfd = open(".", O_RDONLY);
	R("falloc dir", fallocate(dfd, 0, 0, 4096));
	int p[2];
	pipe(p);
	R("falloc pipe", fallocate(p[1], 0, 0, 4096));
	struct statfs ps;
	R("fstatfs pipe", fstatfs(p[0], &ps));
	printf("pipe: type %#lx bsize %ld namelen %ld\n", (long)ps.f_type, (long)ps.f_bsize, (long)ps.f_namelen);
	if (fm_tmpfs) {
		R("zero range (tmpfs has none)", fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 4096));
		/* size=256k: the whole space, less what f holds, is not there */
		int g = open("g", O_CREAT | O_RDWR, 0644);
		sfs("before g", ".");
		R("falloc past size=", fallocate(g, 0, 0, 1 << 20));
		R("falloc more than is left", fallocate(g, 0, 0, 200 * 1024));
		printf("g size %ld blocks %ld\n", size("g"), blocks("g"));
		sfs("after ENOSPC", ".");
		R("falloc what is left", fallocate(g, 0, 0, 128 * 1024));
		sfs("full", ".");
		R("write when full", pwrite(g, page, 4096, 1 << 20));
		R("unlink g", unlink("g"));
		close(g);
		sfs("g gone", ".");
	} else {
		R("zero range", fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 4096));
		pread(fd, b, 1, 0);
		printf("zeroed reads %d\n", b[0]);
	}
	/* advice and syncing */
	R("fadvise", posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED) ? (errno = posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED), -1) : 0);
	R("fadvise bad advice", syscall(SYS_fadvise64, fd, 0, 0, 99));
	R("fadvise len -1", syscall(SYS_fadvise64, fd, 0, -1, 0));
	R("fadvise pipe", syscall(SYS_fadvise64, p[0], 0, 0, 0));
	R("fadvise bad fd", syscall(SYS_fadvise64, 999, 0, 0, 0));
	R("readahead", readahead(fd, 0, 4096));
	R("readahead write-only", readahead(p[1], 0, 4096));
	R("readahead pipe", readahead(p[0], 0, 4096));
	R("readahead dir", readahead(dfd, 0, 4096));
	R("sync_file_range", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
	R("sync_file_range flags", sync_file_range(fd, 0, 0, 8));
	R("sync_file_range -1", sync_file_range(fd, -1, 0, 0));
	R("sync_file_range pipe", sync_file_range(p[0], 0, 0, 0));
	R("syncfs", syncfs(fd));
	R("syncfs bad", syncfs(999));
	R("fsync", fsync(fd));
	R("fdatasync", fdatasync(fd));
	int opfd = open("f", O_PATH);
	R("fsync O_PATH", fsync(opfd));
	close(opfd);
	if (fm_tmpfs) {
		/* Linux refuses ro while a file is open for writing */
		close(fd);
		fd = open("f", O_RDONLY);
		R("remount ro", mount(NULL, ".", NULL, MS_REMOUNT | MS_RDONLY, NULL));
		sfs("ro", ".");
		R("open for write ro", open("f", O_WRONLY));
		R("create ro", open("new", O_CREAT | O_WRONLY, 0644));
		R("mkdir ro", mkdir("newdir", 0755));
		R("utimensat ro", utimensat(AT_FDCWD, "f", NULL, 0));
		R("chmod ro", chmod("f", 0600));
		R("unlink ro", unlink("f"));
		R("truncate ro", truncate("f", 0));
		R("remount rw", mount(NULL, ".", NULL, MS_REMOUNT, NULL));
		R("create rw", close(open("new", O_CREAT | O_WRONLY, 0644)));
	}
	/* ustat of this file system's device */
	struct stat st;
	struct ustat u;
	stat(".", &st);
	if (fm_tmpfs) {
		long r = syscall(SYS_ustat, (unsigned)st.st_dev, &u);
		printf("ustat: %ld tfree %ld tinode %ld\n", r, r ? 0L : (long)u.f_tfree, r ? 0L : (long)u.f_tinode);
	}
	R("ustat nonexistent", syscall(SYS_ustat, 0xfff00, &u));
	if (fm_tmpfs) {
		mkdir("fm_proc", 0755);
		R("mount proc", mount("proc", "fm_proc", "proc", 0, NULL));
		sfs("proc", "fm_proc");
	}
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	fm_setup(argv[1], NULL);
	as_root();
	return 0;
}
