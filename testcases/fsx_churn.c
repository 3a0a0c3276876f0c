/* fsx_churn: open files stay right while the kernel's host descriptor
 * cache turns over.  Relative paths, run in a writable directory:
 * an unlinked open file, a renamed open file, a file in a renamed
 * directory, renames over an open file, hard links, and a
 * directory listing read in pieces, each used after 3,000 other files
 * have been opened (more than the cache holds). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define CHURN 3000

static void churn(void)
{
	char p[64];
	for (int i = 0; i < CHURN; i++) {
		snprintf(p, sizeof(p), "cw/many/m%d", i);
		int fd = open(p, O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
}

static int has(int fd, const char *want)
{
	char buf[64] = { 0 };
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	return n > 0 && !strcmp(buf, want);
}

static int put(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd >= 0 && write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -1;
	return fd;
}

int main(void)
{
	char p[64];
	struct rlimit rl = { 4096, 4096 };
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	mkdir("cw", 0755);
	mkdir("cw/many", 0755);
	for (int i = 0; i < CHURN; i++) {
		snprintf(p, sizeof(p), "cw/many/m%d", i);
		close(open(p, O_CREAT | O_WRONLY, 0644));
	}
	int unl = put("cw/unlinked", "unlinked");
	CHECK(unl >= 0 && unlink("cw/unlinked") == 0);
	int ren = put("cw/renamed", "renamed");
	CHECK(ren >= 0 && rename("cw/renamed", "cw/renamed2") == 0);
	mkdir("cw/d1", 0755);
	mkdir("cw/d1/sub", 0755);
	int deep = put("cw/d1/sub/deep", "deep");
	CHECK(deep >= 0 && rename("cw/d1", "cw/d2") == 0);
	int over = put("cw/over", "over");
	int cover = put("cw/cover", "cover");
	CHECK(over >= 0 && cover >= 0 && rename("cw/cover", "cw/over") == 0);
	int xa = put("cw/xa", "xa"), xb = put("cw/xb", "xb");
	CHECK(renameat2(AT_FDCWD, "cw/xa", AT_FDCWD, "cw/xb", RENAME_NOREPLACE) == -1 && errno == EEXIST);
	int hl = put("cw/hl1", "hl");
	CHECK(link("cw/hl1", "cw/hl2") == 0 && unlink("cw/hl1") == 0);
	/* many files unlinked while open: more than the cache holds */
	static int ufd[1500];
	int ubad = 0;
	for (int i = 0; i < 1500; i++) {
		snprintf(p, sizeof(p), "cw/u%d", i);
		ufd[i] = put(p, "u");
		if (ufd[i] < 0 || unlink(p) != 0)
			ubad++;
	}
	CHECK(ubad == 0);
	int dir = open("cw/d2/sub", O_RDONLY | O_DIRECTORY);
	CHECK(dir >= 0 && fchdir(dir) == 0 && chdir("../../..") == 0);

	churn();

	CHECK(has(unl, "unlinked"));
	CHECK(pwrite(unl, "UNLINKED", 8, 0) == 8 && has(unl, "UNLINKED"));
	struct stat st;
	CHECK(fstat(unl, &st) == 0 && st.st_nlink == 0 && st.st_size == 8);
	CHECK(has(ren, "renamed") && pwrite(ren, "R", 1, 0) == 1);
	CHECK(has(deep, "deep") && pwrite(deep, "D", 1, 0) == 1);
	CHECK(has(over, "over") && has(cover, "cover"));
	CHECK(has(xa, "xa") && has(xb, "xb"));
	CHECK(has(hl, "hl") && fstat(hl, &st) == 0 && st.st_nlink == 1);
	CHECK(fchdir(dir) == 0 && open("deep", O_RDONLY) >= 0 && chdir("../../..") == 0);
	for (int i = 0; i < 1500; i++)
		if (!has(ufd[i], "u") || pwrite(ufd[i], "U", 1, 0) != 1)
			ubad++;
	CHECK(ubad == 0);

	churn();

	/* what the names now hold */
	int fd = open("cw/renamed2", O_RDONLY);
	CHECK(fd >= 0 && has(fd, "Renamed"));
	fd = open("cw/d2/sub/deep", O_RDONLY);
	CHECK(fd >= 0 && has(fd, "Deep"));
	fd = open("cw/over", O_RDONLY);
	CHECK(fd >= 0 && has(fd, "cover"));
	fd = open("cw/xa", O_RDONLY);
	CHECK(fd >= 0 && has(fd, "xa"));
	CHECK(access("cw/renamed", F_OK) == -1 && errno == ENOENT);
	CHECK(access("cw/d1", F_OK) == -1 && errno == ENOENT);

	/* a directory read in pieces across the churn sees every entry once */
	DIR *dp = opendir("cw/many");
	int seen = 0;
	CHECK(dp != NULL);
	if (!dp)
		return 1;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == 'm')
			seen++;
		if (seen == 1000)
			churn();
	}
	closedir(dp);
	printf("listed %d\n", seen);
	CHECK(seen == CHURN);
	printf("fails %d\n", fails);
	return fails != 0;
}
