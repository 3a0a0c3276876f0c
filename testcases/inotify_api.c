/* inotify's calls and file: inotify_init/init1 and their flags, the errors
 * of inotify_add_watch and inotify_rm_watch, watch descriptors, read's
 * sizes and padding, FIONREAD, coalescing, blocking reads, poll and
 * edge-triggered epoll, the queue's overflow, the limits' files and
 * /proc/self/fdinfo.
 *
 * inotify_api [nobody] [instances]: "instances" also counts how many
 * instances the user may have (as nobody only: natively root's count
 * depends on the host's other users of inotify). */
#include "in_common.h"
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <sys/sysmacros.h>

static void show_fdinfo(int fd, const char *path)
{
	char p[64], buf[4096];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	int f = open(p, O_RDONLY);
	ssize_t n = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n < 0) {
		printf("fdinfo: %s\n", strerror(errno));
		return;
	}
	buf[n] = 0;
	struct stat st;
	stat(path, &st);
	/* every line but mnt_id and ino (which name the host's objects) as is;
	 * an inotify line's ino and sdev checked against stat */
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		if (!strncmp(l, "mnt_id:", 7) || !strncmp(l, "ino:", 4)) {
			printf("  %.*s\n", (int)(strchr(l, ':') - l + 1), l);
			continue;
		}
		if (!strncmp(l, "inotify ", 8)) {
			int wd;
			unsigned long long ino, sdev;
			unsigned mask, ign;
			if (sscanf(l, "inotify wd:%d ino:%llx sdev:%llx mask:%x ignored_mask:%x", &wd, &ino, &sdev,
				   &mask, &ign) != 5) {
				printf("  bad line %s\n", l);
				continue;
			}
			printf("  inotify wd:%d ino:%s sdev:%s mask:%x ignored_mask:%x\n", wd,
			       ino == st.st_ino ? "same" : "other",
			       sdev == ((unsigned long long)major(st.st_dev) << 20 | minor(st.st_dev)) ? "same" : "other",
			       mask, ign);
			continue;
		}
		char *pos = strstr(l, "  pos:");
		if (!strncmp(l, "tfd:", 4) && pos)
			*pos = 0; /* the target's inode is the host's */
		printf("  %s\n", l);
	}
}

static int ev_count(int fd, unsigned *last_mask, int *last_wd)
{
	char buf[65536] __attribute__((aligned(8)));
	int n = 0;
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + r;) {
			struct inotify_event *e = (struct inotify_event *)p;
			*last_mask = e->mask;
			*last_wd = e->wd;
			p += sizeof(*e) + e->len;
			n++;
		}
	return n;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getpid() == 1) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	bool nobody = argc > 1 && !strcmp(argv[1], "nobody");
	bool instances = !strcmp(argv[argc - 1], "instances");
	mkdir("in-api", 0777);
	chmod("in-api", 0777);
	if (chdir("in-api") < 0)
		return 1;
	int fd = open("secret", O_CREAT | O_WRONLY, 0600);
	close(fd);
	chmod("secret", 0600);
	if (nobody && (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)) {
		perror("drop");
		return 126;
	}

	/* ---- init ---- */
	int a = inotify_init();
	CHECK(a >= 0 && fcntl(a, F_GETFL) == O_RDONLY && fcntl(a, F_GETFD) == 0);
	int b = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CHECK(b >= 0 && fcntl(b, F_GETFL) == (O_RDONLY | O_NONBLOCK) && fcntl(b, F_GETFD) == FD_CLOEXEC);
	CHECK(ERR(inotify_init1(1), EINVAL));
	CHECK(ERR(inotify_init1(IN_NONBLOCK | 2), EINVAL));
	char link[256] = "";
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", b);
	ssize_t ln = readlink(p, link, sizeof(link) - 1);
	link[ln < 0 ? 0 : ln] = 0;
	printf("link: %s\n", link);
	char buf[4096] __attribute__((aligned(8)));
	CHECK(ERR(read(b, buf, sizeof(buf)), EAGAIN));
	CHECK(ERR(write(b, "x", 1), EBADF));

	/* ---- add_watch's errors ---- */
	int pfd[2];
	if (pipe(pfd) < 0)
		return 1;
	CHECK(ERR(inotify_add_watch(b, ".", 0), EINVAL));
	CHECK(ERR(inotify_add_watch(b, ".", IN_MODIFY | IN_MASK_ADD | IN_MASK_CREATE), EINVAL));
	CHECK(ERR(inotify_add_watch(999, ".", IN_MODIFY), EBADF));
	CHECK(ERR(inotify_add_watch(999, ".", 0), EINVAL));
	CHECK(ERR(inotify_add_watch(pfd[0], ".", IN_MODIFY), EINVAL));
	CHECK(ERR(inotify_add_watch(b, "nonexistent", IN_MODIFY), ENOENT));
	CHECK(ERR(inotify_add_watch(b, "", IN_MODIFY), ENOENT));
	CHECK(ERR(inotify_add_watch(b, NULL, IN_MODIFY), EFAULT));
	fd = open("f", O_CREAT | O_RDWR, 0644);
	CHECK(ERR(inotify_add_watch(b, "f", IN_MODIFY | IN_ONLYDIR), ENOTDIR));
	CHECK(ERR(inotify_add_watch(b, "f/x", IN_MODIFY), ENOTDIR));
	symlink("nowhere", "dangling");
	CHECK(ERR(inotify_add_watch(b, "dangling", IN_MODIFY), ENOENT));
	int wl = inotify_add_watch(b, "dangling", IN_MODIFY | IN_DONT_FOLLOW);
	CHECK(wl == 1);
	int ws = inotify_add_watch(b, "secret", IN_MODIFY);
	printf("watch of a 0600 file of root's: %s\n", ws >= 0 ? "ok" : strerror(errno));
	/* flags alone are a watch with no events */
	CHECK(inotify_add_watch(b, ".", IN_ONLYDIR) > 0);
	int wd = inotify_add_watch(b, "f", IN_MODIFY);
	CHECK(wd > 0);
	CHECK(ERR(inotify_add_watch(b, "f", IN_ATTRIB | IN_MASK_CREATE), EEXIST));
	CHECK(inotify_add_watch(b, "f", IN_ATTRIB) == wd);
	show_fdinfo(b, "f");

	/* ---- rm_watch ---- */
	CHECK(ERR(inotify_rm_watch(999, wd), EBADF));
	CHECK(ERR(inotify_rm_watch(pfd[0], wd), EINVAL));
	CHECK(ERR(inotify_rm_watch(b, 12345), EINVAL));
	CHECK(ERR(inotify_rm_watch(b, -1), EINVAL));
	CHECK(ERR(inotify_rm_watch(b, 0), EINVAL));
	CHECK(inotify_rm_watch(b, wl) == 0);
	drain(b, "rm_watch of the link");
	/* watch descriptors go on from the last one given */
	int w2 = inotify_add_watch(b, "dangling", IN_MODIFY | IN_DONT_FOLLOW);
	printf("next wd after %d: %d\n", wd, w2);
	close(b);

	/* ---- read: sizes, padding, FIONREAD ---- */
	b = inotify_init1(IN_NONBLOCK);
	label(inotify_add_watch(b, ".", IN_CREATE | IN_DELETE | IN_ATTRIB), "dir");
	int n = -1;
	CHECK(ioctl(b, FIONREAD, &n) == 0 && n == 0);
	const char *names[] = { "a", "abcdefghijklmno", "abcdefghijklmnop", "x234567890123456789012345678901" };
	for (int i = 0; i < 4; i++) {
		int t = open(names[i], O_CREAT | O_WRONLY, 0644);
		close(t);
	}
	CHECK(ioctl(b, FIONREAD, &n) == 0);
	printf("FIONREAD %d\n", n);
	CHECK(ERR(read(b, buf, 16), EINVAL));
	CHECK(ERR(read(b, buf, 31), EINVAL));
	ssize_t r = read(b, buf, 32);
	CHECK(r == 32);
	r = read(b, buf, 32 + 31);
	printf("read of 63: %zd\n", r);
	r = read(b, buf, sizeof(buf));
	printf("read of the rest: %zd\n", r);
	for (char *q = buf; q < buf + r;) {
		struct inotify_event *e = (struct inotify_event *)q;
		bool zero = true;
		for (size_t k = strlen(e->name); k < e->len; k++)
			zero &= e->name[k] == 0;
		printf("  %s len %u padding zero %d\n", e->name, e->len, zero);
		q += sizeof(*e) + e->len;
	}
	CHECK(ioctl(b, FIONREAD, &n) == 0 && n == 0);
	r = read(b, buf, 0);
	printf("read of 0, queue empty: %zd %s\n", r, r < 0 ? strerror(errno) : "");
	chmod("a", 0600);
	r = read(b, buf, 0);
	printf("read of 0, event queued: %zd %s\n", r, r < 0 ? strerror(errno) : "");
	drain(b, "after");

	/* coalescing: only the same event as the last one queued */
	chmod("a", 0600);
	chmod("a", 0644);
	chmod("abcdefghijklmno", 0644);
	chmod("a", 0644);
	drain(b, "coalesced: a a | abc.. | a");
	chmod("a", 0600);
	drain(b, "one");
	chmod("a", 0600);
	drain(b, "the same after a read");

	/* poll and epoll */
	struct pollfd pf = { b, POLLIN, 0 };
	CHECK(poll(&pf, 1, 0) == 0);
	chmod("a", 0600);
	CHECK(poll(&pf, 1, 0) == 1 && pf.revents == POLLIN);
	drain(b, "polled");
	int ep = epoll_create1(0);
	struct epoll_event ee = { .events = EPOLLIN | EPOLLET, .data.u64 = 7 };
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, b, &ee) == 0);
	CHECK(epoll_wait(ep, &ee, 1, 0) == 0);
	chmod("a", 0644);
	CHECK(epoll_wait(ep, &ee, 1, 0) == 1 && ee.data.u64 == 7);
	CHECK(epoll_wait(ep, &ee, 1, 0) == 0);
	chmod("abcdefghijklmno", 0600);
	CHECK(epoll_wait(ep, &ee, 1, 0) == 1);
	CHECK(epoll_wait(ep, &ee, 1, 0) == 0);
	chmod("abcdefghijklmno", 0600); /* coalesced: nothing new to read */
	printf("coalesced event, epoll_wait: %d\n", epoll_wait(ep, &ee, 1, 0));
	drain(b, "epoll");
	CHECK(epoll_wait(ep, &ee, 1, 0) == 0);
	show_fdinfo(ep, ".");
	close(ep);

	/* a blocking read waits for the event a child makes */
	int wa = inotify_add_watch(a, "a", IN_ATTRIB);
	pid_t c = fork();
	if (c == 0) {
		chmod("a", 0644);
		_exit(0);
	}
	r = read(a, buf, sizeof(buf));
	struct inotify_event *e = (struct inotify_event *)buf;
	printf("blocking read: %zd wd ok %d mask %s\n", r, e->wd == wa, mask_names(e->mask));
	waitpid(c, NULL, 0);

	/* ---- the queue's overflow ---- */
	char v[64] = "";
	int lf = open("/proc/sys/fs/inotify/max_queued_events", O_RDONLY);
	ssize_t vn = read(lf, v, sizeof(v) - 1);
	v[vn < 0 ? 0 : vn] = 0;
	close(lf);
	int maxq = atoi(v);
	printf("max_queued_events %s", v);
	lf = open("/proc/sys/fs/inotify/max_user_instances", O_RDONLY);
	vn = read(lf, v, sizeof(v) - 1);
	v[vn < 0 ? 0 : vn] = 0;
	close(lf);
	printf("max_user_instances %s", v);
	lf = open("/proc/sys/fs/inotify/max_user_watches", O_RDONLY);
	vn = read(lf, v, sizeof(v) - 1);
	v[vn < 0 ? 0 : vn] = 0;
	close(lf);
	printf("max_user_watches at least 8192: %d\n", atoi(v) >= 8192);
	CHECK(ERR(open("/proc/sys/fs/inotify/max_queued_events", O_WRONLY), EACCES) || !nobody);
	for (int i = 0; i < maxq + 10; i++)
		chmod(i & 1 ? "a" : "abcdefghijklmno", 0644);
	CHECK(ioctl(b, FIONREAD, &n) == 0);
	printf("FIONREAD after overflow %d\n", n);
	unsigned lm = 0;
	int lw = 0;
	int cnt = ev_count(b, &lm, &lw);
	printf("events %d, last %s wd %d\n", cnt, mask_names(lm), lw);
	chmod("a", 0600);
	cnt = ev_count(b, &lm, &lw);
	printf("after the overflow: %d, %s\n", cnt, mask_names(lm));
	close(b);

	/* ---- instances ---- */
	if (instances) {
		int k = 0, fds[1024];
		while (k < 1024 && (fds[k] = inotify_init()) >= 0)
			k++;
		printf("instances: %d, then %s\n", k, strerror(errno));
		while (k > 0)
			close(fds[--k]);
		CHECK((fds[0] = inotify_init()) >= 0);
		close(fds[0]);
	}

	/* clean up */
	for (int i = 0; i < 4; i++)
		unlink(names[i]);
	unlink("f");
	unlink("dangling");
	close(fd);
	if (!nobody) {
		unlink("secret");
		chdir("..");
		rmdir("in-api");
	}
	printf("done, %d failures\n", fails);
	return fails != 0;
}
