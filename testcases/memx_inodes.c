/* tmpfs's nr_inodes=: files, and extra hard links, until ENOSPC; removing
 * one makes room.  argv[1]: mount point. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/mnt";
	char path[256], path2[256];
	if (mount("tmpfs", dir, "tmpfs", 0, "nr_inodes=100") < 0) {
		perror("mount");
		return 1;
	}
	int n = 0, err = 0;
	for (;; n++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, n);
		int fd = open(path, O_CREAT | O_WRONLY, 0600);
		if (fd < 0) {
			err = errno;
			break;
		}
		close(fd);
	}
	printf("files: %d, then %s\n", n, strerrorname_np(err));
	snprintf(path, sizeof(path), "%s/f0", dir);
	snprintf(path2, sizeof(path2), "%s/link", dir);
	printf("link when full: %s\n", link(path, path2) == 0 ? "ok" : strerrorname_np(errno));
	snprintf(path, sizeof(path), "%s/f1", dir);
	printf("unlink: %s\n", unlink(path) == 0 ? "ok" : strerrorname_np(errno));
	snprintf(path, sizeof(path), "%s/f0", dir);
	printf("link: %s\n", link(path, path2) == 0 ? "ok" : strerrorname_np(errno));
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	printf("open existing: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	snprintf(path, sizeof(path), "%s/new", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	printf("create after link: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	printf("unlink link: %s\n", unlink(path2) == 0 ? "ok" : strerrorname_np(errno));
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	printf("create after unlink: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	umount(dir);
	return 0;
}
