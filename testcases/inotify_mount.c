/* inotify and mounts, and the limits of /proc/sys/fs/inotify.
 *
 * inotify_mount unmount: watches on a tmpfs's root and a file in it end
 * with IN_UNMOUNT and IN_IGNORED when it is unmounted; the watches do not
 * make it busy (an open file does).  Natively it runs in a mount
 * namespace of its own.
 * inotify_mount limits: (the guest's root) max_user_watches,
 * max_queued_events and max_user_instances take effect for new watches
 * and instances; bad values are EINVAL. */
#include "in_common.h"

static int set(const char *name, const char *v)
{
	char p[128];
	snprintf(p, sizeof(p), "/proc/sys/fs/inotify/%s", name);
	int f = open(p, O_WRONLY);
	if (f < 0)
		return -1;
	int r = write(f, v, strlen(v));
	int e = errno;
	close(f);
	errno = e;
	return r < 0 ? -1 : 0;
}

static void unmount_case(void)
{
	mkdir("in-mnt", 0755);
	if (mount("tmpfs", "in-mnt", "tmpfs", 0, NULL) < 0) {
		perror("mount");
		fails++;
		return;
	}
	int f = open("in-mnt/f", O_CREAT | O_WRONLY, 0644);
	close(f);
	int fd = inotify_init1(IN_NONBLOCK);
	label(inotify_add_watch(fd, "in-mnt", IN_ALL_EVENTS), "root");
	label(inotify_add_watch(fd, "in-mnt/f", IN_ATTRIB), "f");
	label(inotify_add_watch(fd, ".", IN_CREATE | IN_DELETE), "parent");
	f = open("in-mnt/f", O_RDONLY);
	CHECK(ERR(umount("in-mnt"), EBUSY));
	close(f);
	drain(fd, "an open file keeps it busy");
	CHECK(umount("in-mnt") == 0);
	drain(fd, "unmounted");
	rmdir("in-mnt");
	drain(fd, "mount point removed");
	close(fd);
}

static void limits_case(void)
{
	/* the values a write may give */
	CHECK(ERR(set("max_queued_events", "-1"), EINVAL));
	CHECK(ERR(set("max_queued_events", "abc"), EINVAL));
	CHECK(ERR(set("max_user_watches", "2147483648"), EINVAL));
	CHECK(set("max_user_watches", "2147483647") == 0);

	/* watches */
	CHECK(set("max_user_watches", "3") == 0);
	int fd = inotify_init1(IN_NONBLOCK);
	mkdir("in-lim", 0755);
	mkdir("in-lim/a", 0755);
	mkdir("in-lim/b", 0755);
	mkdir("in-lim/c", 0755);
	CHECK(inotify_add_watch(fd, "in-lim", IN_CREATE) > 0);
	CHECK(inotify_add_watch(fd, "in-lim/a", IN_CREATE) > 0);
	int wb = inotify_add_watch(fd, "in-lim/b", IN_CREATE);
	CHECK(wb > 0);
	CHECK(ERR(inotify_add_watch(fd, "in-lim/c", IN_CREATE), ENOSPC));
	CHECK(inotify_add_watch(fd, "in-lim/b", IN_DELETE) == wb); /* not a new one */
	CHECK(inotify_rm_watch(fd, wb) == 0);
	CHECK(inotify_add_watch(fd, "in-lim/c", IN_CREATE) > 0);
	close(fd);
	CHECK(set("max_user_watches", "8192") == 0);

	/* the queue: an instance keeps the bound it was made with */
	int old = inotify_init1(IN_NONBLOCK);
	CHECK(set("max_queued_events", "5") == 0);
	fd = inotify_init1(IN_NONBLOCK);
	label(inotify_add_watch(fd, "in-lim", IN_CREATE | IN_DELETE), "small");
	inotify_add_watch(old, "in-lim", IN_CREATE | IN_DELETE);
	for (int i = 0; i < 4; i++) {
		char n[32];
		snprintf(n, sizeof(n), "in-lim/f%d", i);
		close(open(n, O_CREAT | O_WRONLY, 0644));
		unlink(n);
	}
	int n = drain(fd, "a queue of 5");
	CHECK(n == 6);
	char buf[4096];
	CHECK(read(old, buf, sizeof(buf)) == 8 * 32);
	close(fd);
	close(old);
	CHECK(set("max_queued_events", "16384") == 0);

	/* instances */
	int a = inotify_init();
	CHECK(set("max_user_instances", "2") == 0);
	int b = inotify_init();
	CHECK(b >= 0);
	CHECK(ERR(inotify_init(), EMFILE));
	close(b);
	CHECK((b = inotify_init()) >= 0);
	close(a);
	close(b);
	CHECK(set("max_user_instances", "128") == 0);
	rmdir("in-lim/a");
	rmdir("in-lim/b");
	rmdir("in-lim/c");
	rmdir("in-lim");
}

int main(int argc, char **argv)
{
	in_setup(&argc, &argv);
	if (argc > 1 && !strcmp(argv[1], "unmount"))
		unmount_case();
	else
		limits_case();
	printf("done, %d failures\n", fails);
	return fails != 0;
}
