/* inotify on procfs: watches on /proc, /proc/self, a /proc/sys directory
 * and a file in it see the opens, reads and closes of those names, as on
 * Linux (procfs gives a name's inode again while it is in use). */
#include "in_common.h"

static void rd(const char *path)
{
	char b[64];
	int f = open(path, O_RDONLY);
	if (f < 0 || read(f, b, sizeof(b)) < 0)
		printf("%s: %s\n", path, strerror(errno));
	close(f);
}

int main(int argc, char **argv)
{
	in_setup(&argc, &argv);
	int fd = inotify_init1(IN_NONBLOCK);
	label(inotify_add_watch(fd, "/proc/sys/fs/inotify", IN_ALL_EVENTS), "dir");
	label(inotify_add_watch(fd, "/proc/sys/fs/inotify/max_queued_events", IN_ALL_EVENTS), "file");
	label(inotify_add_watch(fd, "/proc/self", IN_ALL_EVENTS), "self");
	label(inotify_add_watch(fd, "/proc", IN_OPEN | IN_CLOSE), "proc");
	rd("/proc/sys/fs/inotify/max_queued_events");
	drain(fd, "a sysctl read");
	rd("/proc/self/status");
	drain(fd, "/proc/self/status");
	rd("/proc/meminfo");
	drain(fd, "/proc/meminfo");
	close(fd);
	printf("done, %d failures\n", fails);
	return 0;
}
