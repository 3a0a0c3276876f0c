/* fsx_mount: what a guest's root can reach with mount(2) of hostfs.
 *
 * fsx_mount deny HOSTPATH     no hostfs= on the command line: every hostfs
 *                             mount fails (the host's "/" and HOSTPATH too)
 * fsx_mount allow HOSTPATH    hostfs=DIR given; DIR holds data.txt
 *                             ("ALLOWED"), sub/, up -> "..", abs -> "/",
 *                             sec -> "../secret.txt"; HOSTPATH is DIR's
 *                             host path.  Mounts stay inside DIR.
 * fsx_mount rootro            booted with ro: the root stays read-only
 * fsx_mount cycle N           hostfs=DIR given: mount and unmount DIR N
 *                             times (each mount's host descriptors go back);
 *                             a busy mount is not unmounted (EBUSY)
 *
 * The guest's root holds /mnt1../mnt6.  A file "secret.txt" containing
 * "SECRET" sits next to DIR on the host: no mount may read it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static int has(const char *path, const char *word)
{
	char buf[256] = { 0 };
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strstr(buf, word) != NULL;
}

static int secret_anywhere(void)
{
	static const char *const paths[] = {
		"/mnt1/../secret.txt", "/mnt1/up/secret.txt", "/mnt1/up/up/secret.txt",
		"/mnt1/sec", "/mnt1/abs/secret.txt", "/mnt1/abs/../secret.txt",
		"/mnt1/sub/../../secret.txt", "/mnt2/secret.txt", "/mnt3/secret.txt",
		"/mnt5/secret.txt",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (has(paths[i], "SECRET")) {
			printf("secret read through %s\n", paths[i]);
			return 1;
		}
	return 0;
}

static int try_mount(const char *src, const char *dst, unsigned long fl)
{
	return mount(src, dst, "hostfs", fl, NULL) == 0 ? 0 : errno;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *host = argc > 2 ? argv[2] : "/";
	if (!strcmp(mode, "deny")) {
		CHECK(try_mount("/", "/mnt1", 0) == EPERM);
		CHECK(try_mount(host, "/mnt1", 0) == EPERM);
		CHECK(try_mount("/", "/mnt1", MS_RDONLY) == EPERM);
		CHECK(mount("none", "/mnt1", "hostfs", 0, "/") == -1 && errno == EPERM);
		CHECK(!has("/mnt1/etc/passwd", "root"));
	} else if (!strcmp(mode, "allow")) {
		CHECK(try_mount("/", "/mnt1", 0) == 0);
		CHECK(has("/mnt1/data.txt", "ALLOWED"));
		/* every way up stays at DIR */
		CHECK(try_mount("..", "/mnt2", 0) == 0 && has("/mnt2/data.txt", "ALLOWED"));
		CHECK(try_mount("up", "/mnt3", 0) == 0 && has("/mnt3/data.txt", "ALLOWED"));
		CHECK(try_mount("/sub/../../..", "/mnt5", 0) == 0 && has("/mnt5/data.txt", "ALLOWED"));
		CHECK(try_mount("sub", "/mnt6", 0) == 0 && !has("/mnt6/data.txt", "ALLOWED"));
		/* a host path is taken under DIR too: not there */
		CHECK(try_mount(host, "/mnt4", 0) == ENOENT);
		CHECK(try_mount("sec", "/mnt4", 0) == ENOENT);
		CHECK(!secret_anywhere());
		/* writes land in DIR */
		int fd = open("/mnt1/made-by-guest", O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0 && write(fd, "GUEST\n", 6) == 6);
		close(fd);
		fd = open("/mnt1/up/made-via-up", O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0);
		close(fd);
		/* MS_RDONLY is honoured */
		CHECK(try_mount("/", "/mnt4", MS_RDONLY) == 0 && has("/mnt4/data.txt", "ALLOWED"));
		CHECK(open("/mnt4/new", O_CREAT | O_WRONLY, 0644) == -1 && errno == EROFS);
		CHECK(open("/mnt4/data.txt", O_WRONLY) == -1 && errno == EROFS);
		CHECK(unlink("/mnt4/data.txt") == -1 && errno == EROFS);
		CHECK(mkdir("/mnt4/d", 0755) == -1 && errno == EROFS);
		CHECK(rename("/mnt4/data.txt", "/mnt4/x") == -1 && errno == EROFS);
	} else if (!strcmp(mode, "cycle")) {
		int n = atoi(host), bad = 0;
		for (int i = 0; i < n; i++)
			if (try_mount("/", "/mnt1", 0) || !has("/mnt1/data.txt", "ALLOWED") ||
			    umount("/mnt1"))
				bad++;
		CHECK(bad == 0);
		CHECK(try_mount("/", "/mnt1", 0) == 0);
		int fd = open("/mnt1/data.txt", O_RDONLY);
		CHECK(fd >= 0 && umount("/mnt1") == -1 && errno == EBUSY);
		close(fd);
		CHECK(chdir("/mnt1/sub") == 0 && umount("/mnt1") == -1 && errno == EBUSY);
		CHECK(chdir("/") == 0 && try_mount("sub", "/mnt1/sub", 0) == 0);
		CHECK(umount("/mnt1") == -1 && errno == EBUSY);
		CHECK(umount("/mnt1/sub") == 0 && umount("/mnt1") == 0);
		CHECK(!has("/mnt1/data.txt", "ALLOWED"));
	} else if (!strcmp(mode, "rootro")) {
		CHECK(open("/newfile", O_CREAT | O_WRONLY, 0644) == -1 && errno == EROFS);
		CHECK(mount(NULL, "/", NULL, MS_REMOUNT, NULL) == 0 || errno == EACCES);
		CHECK(open("/newfile", O_CREAT | O_WRONLY, 0644) == -1 && errno == EROFS);
		CHECK(try_mount("/", "/mnt1", 0) == EPERM);
		CHECK(open("/mnt1/newfile", O_CREAT | O_WRONLY, 0644) == -1);
	} else {
		printf("usage: fsx_mount deny|allow|rootro [HOSTPATH]\n");
		return 2;
	}
	printf("fails %d\n", fails);
	return fails != 0;
}
