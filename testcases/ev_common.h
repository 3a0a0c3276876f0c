/* Shared by the ev_* tests (eventfd, timerfd, signalfd): checks that print
 * what they test, and /proc mounted when the test is a guest's init,
 * run as nobody with the first argument "nobody". */
#ifndef EV_COMMON_H
#define EV_COMMON_H
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <grp.h>
#include <stdlib.h>
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

/* A first argument "nobody": drop to 65534:65534 once /proc is there
 * (asuser would drop before a guest's init could mount it). */
static inline void ev_setup(int *argc, char ***argv)
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

/* the /proc/self/fd link of fd, or "" */
static inline const char *fd_link(int fd)
{
	static char buf[256];
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(p, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = 0;
	return buf;
}
#endif
