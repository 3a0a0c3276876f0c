/* inotify's event sequences for the guest's own changes: the events of
 * creating, opening, reading, writing, changing, linking, renaming and
 * removing files and directories, as one watch on a directory and watches
 * on the files themselves see them, printed in order (drain, in_common.h).
 *
 * inotify_events [nobody] hostfs|tmpfs: the work directory is ./in-events
 * (the guest's hostfs root, natively the test's directory) or a tmpfs (the
 * guest mounts one as init; natively /dev/shm). */
#include "in_common.h"
#include <dirent.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <stdbool.h>
#include <time.h>

static int ifd;

static int add(const char *path, unsigned mask, const char *l)
{
	int wd = inotify_add_watch(ifd, path, mask);
	if (wd < 0)
		printf("add_watch %s: %s\n", l, strerror(errno));
	label(wd, l);
	return wd;
}

static void wr(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		printf("wr %s: %s\n", path, strerror(errno));
	close(fd);
}

int main(int argc, char **argv)
{
	char base[256];
	bool nobody = argc > 1 && !strcmp(argv[1], "nobody");
	const char *kind = argv[argc - 1];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getpid() == 1) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	if (!strcmp(kind, "tmpfs")) {
		if (getpid() == 1) {
			snprintf(base, sizeof(base), "/in-tmpfs");
			mkdir(base, 0755);
			if (mount("tmpfs", base, "tmpfs", 0, NULL) < 0)
				perror("mount");
		} else {
			snprintf(base, sizeof(base), "/dev/shm/in-events-%d", getpid());
		}
	} else {
		snprintf(base, sizeof(base), "in-events");
	}
	char top[256];
	snprintf(top, sizeof(top), "%s", base);
	mkdir(top, 0755);
	int startfd = open(".", O_RDONLY | O_DIRECTORY);
	strcat(base, "/w");
	mkdir(base, 0777);
	chmod(base, 0777);
	if (chdir(base) < 0) {
		perror("chdir");
		return 1;
	}
	if (nobody && (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)) {
		perror("drop");
		return 126;
	}

	ifd = inotify_init1(IN_NONBLOCK);
	if (ifd < 0) {
		perror("inotify_init1");
		return 1;
	}
	add(".", IN_ALL_EVENTS, "dir");
	char buf[64];

	int fd = open("f", O_WRONLY | O_CREAT, 0644);
	drain(ifd, "create f");
	write(fd, "hello", 5);
	drain(ifd, "write");
	write(fd, "a", 1);
	write(fd, "b", 1);
	pwrite(fd, "c", 1, 0);
	drain(ifd, "three writes coalesce");
	write(fd, "", 0);
	drain(ifd, "empty write");
	close(fd);
	drain(ifd, "close");
	fd = open("f", O_RDONLY);
	read(fd, buf, 2);
	read(fd, buf, 2);
	drain(ifd, "open, two reads");
	lseek(fd, 0, SEEK_END);
	read(fd, buf, 2);
	drain(ifd, "read at the end");
	close(fd);
	drain(ifd, "close read-only");

	add("f", IN_ALL_EVENTS, "f");
	chmod("f", 0600);
	drain(ifd, "chmod");
	fchownat(AT_FDCWD, "f", -1, -1, 0);
	drain(ifd, "chown -1 -1");
	fchownat(AT_FDCWD, "f", getuid(), -1, 0);
	drain(ifd, "chown to self");
	utimensat(AT_FDCWD, "f", NULL, 0);
	drain(ifd, "utimensat now");
	struct timespec ts[2] = { { 1, 0 }, { 0, UTIME_OMIT } };
	utimensat(AT_FDCWD, "f", ts, 0);
	drain(ifd, "utimensat atime only");
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = (struct timespec){ 2, 0 };
	utimensat(AT_FDCWD, "f", ts, 0);
	drain(ifd, "utimensat mtime only");
	truncate("f", 2);
	drain(ifd, "truncate");
	fd = open("f", O_RDWR | O_TRUNC);
	drain(ifd, "open O_TRUNC");
	ftruncate(fd, 10);
	drain(ifd, "ftruncate");
	fchmod(fd, 0644);
	drain(ifd, "fchmod");
	close(fd);
	drain(ifd, "close");
	fd = open("f", O_PATH);
	drain(ifd, "open O_PATH");
	close(fd);
	drain(ifd, "close O_PATH");

	link("f", "g");
	drain(ifd, "link f g");
	symlink("f", "s");
	drain(ifd, "symlink");
	add("s", IN_ALL_EVENTS | IN_DONT_FOLLOW, "s-link");
	fd = open("s", O_RDONLY);
	close(fd);
	drain(ifd, "open through the symlink");
	unlink("s");
	drain(ifd, "unlink symlink");
	rename("g", "h");
	drain(ifd, "rename g h");
	unlink("h");
	drain(ifd, "unlink h (f keeps a link)");
	wr("t", "x");
	drain(ifd, "make t");
	rename("t", "f");
	drain(ifd, "rename t over watched f");
	add("f", IN_ALL_EVENTS, "f2");
	fd = open("f", O_RDWR);
	unlink("f");
	drain(ifd, "unlink open f");
	write(fd, "z", 1);
	drain(ifd, "write to unlinked f");
	close(fd);
	drain(ifd, "close unlinked f");

	mkdir("sub", 0755);
	drain(ifd, "mkdir");
	add("sub", IN_ALL_EVENTS, "sub");
	DIR *d = opendir("sub");
	while (readdir(d))
		;
	closedir(d);
	drain(ifd, "readdir sub");
	wr("sub/in", "1");
	drain(ifd, "file in sub");
	unlink("sub/in");
	drain(ifd, "unlink in sub");
	rename("sub", "sub2");
	drain(ifd, "rename sub");
	rmdir("sub2");
	drain(ifd, "rmdir");
	mknod("fifo", S_IFIFO | 0644, 0);
	drain(ifd, "mkfifo");
	unlink("fifo");
	drain(ifd, "unlink fifo");

	/* the flags of a watch */
	wr("o", "");
	int wd = add("o", IN_MODIFY | IN_ONESHOT, "oneshot");
	wr("o", "1");
	wr("o", "2");
	drain(ifd, "oneshot");
	wd = add("o", IN_MODIFY, "o");
	int wd2 = inotify_add_watch(ifd, "o", IN_ATTRIB | IN_MASK_ADD);
	printf("mask add same wd: %d\n", wd == wd2);
	chmod("o", 0600);
	wr("o", "1");
	drain(ifd, "mask add");
	inotify_add_watch(ifd, "o", IN_ATTRIB);
	wr("o", "1");
	chmod("o", 0644);
	drain(ifd, "mask replaced");
	inotify_rm_watch(ifd, wd);
	drain(ifd, "rm_watch");
	int r = inotify_rm_watch(ifd, wd);
	printf("rm_watch again: %d %s\n", r, r < 0 ? strerror(errno) : "");

	/* IN_EXCL_UNLINK: no events for a child once it is unlinked */
	int ifd2 = inotify_init1(IN_NONBLOCK);
	label(inotify_add_watch(ifd2, ".", IN_MODIFY | IN_CLOSE_WRITE | IN_EXCL_UNLINK), "excl");
	fd = open("o", O_WRONLY);
	write(fd, "1", 1);
	drain(ifd2, "excl: write to o");
	unlink("o");
	write(fd, "1", 1);
	close(fd);
	drain(ifd2, "excl: write, close after unlink");
	close(ifd2);
	label(1, "dir"); /* ifd2's wd 1 had the label */
	drain(ifd, "dir saw");

	/* rename a directory over an empty one, exchange */
	mkdir("d1", 0755);
	mkdir("d2", 0755);
	add("d2", IN_ALL_EVENTS, "d2");
	add("d1", IN_ALL_EVENTS, "d1");
	drain(ifd, "two dirs");
	rename("d1", "d2");
	drain(ifd, "rename d1 over d2");
	wr("x", "1");
	wr("y", "2");
	add("x", IN_ALL_EVENTS, "x");
	syscall(SYS_renameat2, AT_FDCWD, "x", AT_FDCWD, "y", 2 /* RENAME_EXCHANGE */);
	drain(ifd, "exchange x y");
	unlink("x");
	unlink("y");
	rmdir("d2");
	drain(ifd, "clean up");

	/* the calls that move data between files */
	wr("s1", "hello");
	wr("s2", "");
	drain(ifd, "two files");
	int i1 = open("s1", O_RDONLY), o1 = open("s2", O_WRONLY);
	drain(ifd, "opened");
	sendfile(o1, i1, NULL, 5);
	drain(ifd, "sendfile");
	lseek(i1, 0, SEEK_SET);
	copy_file_range(i1, NULL, o1, NULL, 5, 0);
	drain(ifd, "copy_file_range");
	int pp[2];
	if (pipe(pp) == 0) {
		write(pp[1], "abc", 3);
		splice(pp[0], NULL, o1, NULL, 3, 0);
		drain(ifd, "splice pipe to file");
		lseek(i1, 0, SEEK_SET);
		splice(i1, NULL, pp[1], NULL, 3, 0);
		drain(ifd, "splice file to pipe");
		close(pp[0]);
		close(pp[1]);
	}
	int fr = fallocate(o1, 0, 0, 100);
	printf("fallocate: %d\n", fr);
	drain(ifd, "fallocate");
	close(i1);
	close(o1);
	unlink("s1");
	unlink("s2");
	drain(ifd, "closed, unlinked");
	close(ifd);

	/* the directory itself goes */
	ifd = inotify_init1(IN_NONBLOCK);
	if (chdir("..") < 0)
		perror("chdir ..");
	add("w", IN_ALL_EVENTS, "w");
	rmdir("w");
	drain(ifd, "rmdir the watched directory");
	close(ifd);
	if (fchdir(startfd) == 0 && getpid() != 1)
		rmdir(top);
	printf("done, %d failures\n", fails);
	return fails != 0;
}
