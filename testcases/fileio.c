/* fileio: the file system calls a static program needs, in directory
 * argv[1]: open/openat/creat, read/write, pread/pwrite, readv/writev, lseek,
 * the stat family, getdents64, getcwd/chdir, symlinks, access, mkdir,
 * rename, unlink, and errors. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include "check.h"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	char buf[256], cwd[4096];
	CHECK(chdir(dir) == 0);
	CHECK(mkdir("d", 0755) == 0);
	CHECK(mkdir("d", 0755) == -1 && errno == EEXIST);
	int fd = open("d/f", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello world", 11) == 11);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11 && lseek(fd, 0, SEEK_SET) == 0);
	CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(lseek(fd, -5, SEEK_END) == 6);
	CHECK(read(fd, buf, 100) == 5 && memcmp(buf, "world", 5) == 0);
	CHECK(read(fd, buf, 100) == 0);
	CHECK(pwrite(fd, "HELLO", 5, 0) == 5 && pread(fd, buf, 11, 0) == 11 &&
	      memcmp(buf, "HELLO world", 11) == 0);
	struct iovec iov[2] = { { "ab", 2 }, { "cd", 2 } };
	CHECK(lseek(fd, 0, SEEK_END) == 11 && writev(fd, iov, 2) == 4);
	char x[3] = { 0 }, y[20] = { 0 };
	struct iovec riov[2] = { { x, 2 }, { y, sizeof(y) } };
	CHECK(lseek(fd, 0, SEEK_SET) == 0 && readv(fd, riov, 2) == 15 && memcmp(x, "HE", 2) == 0 &&
	      memcmp(y, "LLO worldabcd", 13) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 15 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644);
	CHECK(ioctl(fd, TCGETS, buf) == -1 && errno == ENOTTY);
	CHECK(lseek(fd, -100, SEEK_SET) == -1 && errno == EINVAL);
	CHECK(close(fd) == 0 && close(fd) == -1 && errno == EBADF);
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK(fstatat(dfd, "f", &st, 0) == 0 && st.st_size == 15);
	struct statx sx;
	CHECK(statx(dfd, "f", 0, STATX_BASIC_STATS, &sx) == 0 && sx.stx_size == 15 && S_ISREG(sx.stx_mode));
	CHECK(openat(dfd, "g", O_CREAT | O_WRONLY, 0600) >= 0);
	CHECK(symlinkat("f", dfd, "link") == 0);
	ssize_t n = readlinkat(dfd, "link", buf, sizeof(buf));
	CHECK(n == 1 && buf[0] == 'f');
	CHECK(fstatat(dfd, "link", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode));
	CHECK(fstatat(dfd, "link", &st, 0) == 0 && S_ISREG(st.st_mode) && st.st_size == 15);
	CHECK(access("d/f", R_OK | W_OK) == 0 && access("d/f", X_OK) == -1 && errno == EACCES);
	CHECK(syscall(SYS_faccessat2, dfd, "link", F_OK, AT_SYMLINK_NOFOLLOW) == 0);
	CHECK(open("d/missing", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(open("d/f/x", O_RDONLY) == -1 && errno == ENOTDIR);
	CHECK(open("d", O_WRONLY) == -1 && errno == EISDIR);
	CHECK(open("d/f", O_CREAT | O_EXCL | O_WRONLY, 0600) == -1 && errno == EEXIST);
	CHECK(rename("d/g", "d/h") == 0 && access("d/g", F_OK) == -1 && access("d/h", F_OK) == 0);
	CHECK(creat("d/c", 0600) >= 0);
	/* getdents64 through readdir, sorted */
	DIR *dp = opendir("d");
	char *names[16];
	int cnt = 0;
	struct dirent *de;
	while (dp && (de = readdir(dp)) && cnt < 16)
		names[cnt++] = strdup(de->d_name);
	closedir(dp);
	qsort(names, cnt, sizeof(char *), cmp);
	printf("entries:");
	for (int i = 0; i < cnt; i++)
		printf(" %s", names[i]);
	printf("\n");
	CHECK(chdir("d") == 0 && getcwd(cwd, sizeof(cwd)) && strstr(cwd, "/d") != NULL);
	CHECK(chdir("..") == 0);
	CHECK(rmdir("d") == -1 && errno == ENOTEMPTY);
	CHECK(unlink("d/link") == 0 && unlink("d/f") == 0 && unlink("d/h") == 0 && unlink("d/c") == 0);
	CHECK(unlink("d/f") == -1 && errno == ENOENT);
	CHECK(rmdir("d") == 0);
	CHECK(getcwd(buf, 1) == NULL && errno == ERANGE);
	printf("%d failures\n", fails);
	return fails != 0;
}
