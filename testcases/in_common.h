/* Shared by the inotify_* tests: events printed deterministically (watch
 * descriptors by label, masks by name, cookies as "paired" or not), checks
 * that print what they test, and /proc mounted when the test is a guest's
 * init.  A first argument "nobody" drops to 65534:65534 after that. */
#ifndef IN_COMMON_H
#define IN_COMMON_H
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int fails;
#define CHECK(c)                                                              \
	do {                                                                  \
		int ok_ = (c);                                                \
		printf("%s %s\n", ok_ ? "ok" : "FAIL", #c);                   \
		if (!ok_) {                                                   \
			fails++;                                              \
			printf("  errno %d\n", errno);                        \
		}                                                             \
	} while (0)
#define ERR(r, e) ((r) < 0 && errno == (e))

static inline void in_setup(int *argc, char ***argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getpid() == 1) {
		mkdir("/proc", 0555);
		mount("proc", "/proc", "proc", 0, NULL);
	}
	if (*argc > 1 && !strcmp((*argv)[1], "nobody")) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) {
			perror("drop");
			exit(126);
		}
		(*argc)--;
		(*argv)++;
	}
}

/* watch descriptors are shown by the label given when they were added */
static const char *wd_label[4096];

static inline void label(int wd, const char *name)
{
	if (wd > 0 && wd < 4096)
		wd_label[wd] = name;
}

static inline const char *mask_names(unsigned m)
{
	static char buf[512];
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ IN_ACCESS, "ACCESS" },	   { IN_MODIFY, "MODIFY" },	    { IN_ATTRIB, "ATTRIB" },
		{ IN_CLOSE_WRITE, "CLOSE_WRITE" }, { IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" },
		{ IN_OPEN, "OPEN" },		   { IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
		{ IN_CREATE, "CREATE" },	   { IN_DELETE, "DELETE" },	    { IN_DELETE_SELF, "DELETE_SELF" },
		{ IN_MOVE_SELF, "MOVE_SELF" },	   { IN_UNMOUNT, "UNMOUNT" },	    { IN_Q_OVERFLOW, "Q_OVERFLOW" },
		{ IN_IGNORED, "IGNORED" },	   { IN_ISDIR, "ISDIR" },
	};
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (m & names[i].bit) {
			if (buf[0])
				strcat(buf, "|");
			strcat(buf, names[i].name);
			m &= ~names[i].bit;
		}
	if (m)
		sprintf(buf + strlen(buf), "%s0x%x", buf[0] ? "|" : "", m);
	return buf;
}

/* Read and print every queued event of fd (which must be O_NONBLOCK):
 * "  LABEL MASK name [cookie]"; a MOVED_TO whose cookie is the last
 * MOVED_FROM's says "paired".  Returns the number of events. */
static inline int drain(int fd, const char *step)
{
	static unsigned last_cookie;
	char buf[8192] __attribute__((aligned(8)));
	int n = 0;
	printf("%s:\n", step);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0) {
			if (errno != EAGAIN)
				printf("  read: %s\n", strerror(errno));
			break;
		}
		for (char *p = buf; p < buf + r;) {
			struct inotify_event *e = (struct inotify_event *)p;
			const char *l = e->wd > 0 && e->wd < 4096 && wd_label[e->wd] ? wd_label[e->wd] : NULL;
			char wds[32];
			if (!l) {
				snprintf(wds, sizeof(wds), "wd%d", e->wd);
				l = wds;
			}
			printf("  %s %s", l, mask_names(e->mask));
			if (e->len)
				printf(" \"%s\" len=%u", e->name, e->len);
			if (e->mask & IN_MOVED_FROM) {
				last_cookie = e->cookie;
				printf(" cookie=%s", e->cookie ? "set" : "0");
			} else if (e->mask & IN_MOVED_TO) {
				printf(" cookie=%s", e->cookie && e->cookie == last_cookie ? "paired" : "unpaired");
			} else if (e->cookie) {
				printf(" cookie=nonzero");
			}
			printf("\n");
			p += sizeof(*e) + e->len;
			n++;
		}
	}
	return n;
}
#endif
