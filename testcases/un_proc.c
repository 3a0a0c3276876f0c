/* /proc/net/unix: the header, and the lines of this program's own sockets
 * (a listener on a path with a connection accepted and one pending, an
 * abstract name with NULs in it, a socketpair, datagram sockets bound,
 * connected and unnamed, a seqpacket pair, a socket closed after use),
 * for comparison with a native run (which has the host's sockets too:
 * only ours are printed).  Our lines are found by inode (fstat), the
 * pending connection, which has no inode yet, by its listener's path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static struct {
	unsigned long ino;
	const char *what;
} ours[32];
static int nours;
static char path[64], abstract_name[64];

static void track(int fd, const char *what)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		printf("%s: fstat %s\n", what, strerrorname_np(errno));
		return;
	}
	ours[nours].ino = st.st_ino;
	ours[nours++].what = what;
}

static socklen_t name_path(struct sockaddr_un *a, const char *p)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, p);
	return sizeof(*a);
}

/* "\0name\0x": an abstract name with a NUL inside */
static socklen_t name_abstract(struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	size_t n = strlen(abstract_name);
	memcpy(a->sun_path + 1, abstract_name, n);
	a->sun_path[n + 2] = 'x';
	return offsetof(struct sockaddr_un, sun_path) + n + 3;
}

static void show(void)
{
	FILE *f = fopen("/proc/net/unix", "r");
	if (!f) {
		printf("/proc/net/unix: %s\n", strerrorname_np(errno));
		return;
	}
	char line[512];
	if (fgets(line, sizeof(line), f))
		printf("header: %s", line);
	static char out[32][512];
	int nout = 0, bad = 0;
	while (fgets(line, sizeof(line), f) && nout < 32) {
		char num[32], p[256] = "";
		unsigned refs, proto, flags, type, st;
		unsigned long ino;
		int n = sscanf(line, "%31[0-9a-f]: %x %x %x %x %x %lu %255[^\n]", num, &refs, &proto, &flags, &type,
			       &st, &ino, p);
		if (n < 7 || strlen(num) != 16) {
			bad++;
			continue;
		}
		const char *what = NULL;
		for (int i = 0; i < nours; i++)
			if (ours[i].ino == ino)
				what = ours[i].what;
		if (!what && ino == 0 && !strcmp(p, path))
			what = "pending connection";
		if (!what)
			continue;
		/* the names carry our pid: shown by role */
		char shown[300];
		const char *ab = strstr(p, abstract_name);
		if (!strncmp(p, path, strlen(path)))
			snprintf(shown, sizeof(shown), "PATH%s", p + strlen(path));
		else if (ab)
			snprintf(shown, sizeof(shown), "%.*sNAME%s", (int)(ab - p), p, ab + strlen(abstract_name));
		else
			snprintf(shown, sizeof(shown), "%s", p);
		snprintf(out[nout++], 512, "  %-22s proto %u flags %05x type %u st %u path '%s'\n", what, proto, flags,
			 type, st, shown);
	}
	fclose(f);
	printf("unparsed lines: %d\n", bad);
	qsort(out, nout, sizeof(out[0]), (int (*)(const void *, const void *))strcmp);
	for (int i = 0; i < nout; i++)
		fputs(out[i], stdout);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access("/proc/self", F_OK) < 0) {
		/* a guest's init: its proc is not mounted yet */
		mkdir("/proc", 0555);
		if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			perror("mount proc");
	}
	snprintf(path, sizeof(path), "/tmp/un_proc.%d", getpid());
	snprintf(abstract_name, sizeof(abstract_name), "un_proc.%d", getpid());
	unlink(path);
	struct sockaddr_un a;

	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(l, (void *)&a, name_path(&a, path)) < 0 || listen(l, 4) < 0)
		printf("listener: %s\n", strerrorname_np(errno));
	track(l, "listener");
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c, (void *)&a, name_path(&a, path));
	track(c, "client");
	int s = accept(l, NULL, NULL);
	track(s, "accepted");
	int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c2, (void *)&a, name_path(&a, path));
	track(c2, "client of pending");

	int ab = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(ab, (void *)&a, name_abstract(&a)) < 0)
		printf("abstract: %s\n", strerrorname_np(errno));
	track(ab, "abstract unlistened");

	int sp[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
	track(sp[0], "pair 0");
	track(sp[1], "pair 1");
	int qp[2];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, qp);
	track(qp[0], "seqpacket 0");

	char dpath[80];
	snprintf(dpath, sizeof(dpath), "%s.d", path);
	unlink(dpath);
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(d, (void *)&a, name_path(&a, dpath));
	track(d, "dgram bound");
	int d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	connect(d2, (void *)&a, name_path(&a, dpath));
	track(d2, "dgram connected");
	int d3 = socket(AF_UNIX, SOCK_DGRAM, 0);
	track(d3, "dgram unnamed");
	int gone = socket(AF_UNIX, SOCK_STREAM, 0);
	track(gone, "closed");
	close(gone);

	show();
	/* the peer of the accepted one closes: that end is still listed */
	close(c);
	printf("-- client closed\n");
	show();
	/* AF_UNSPEC: the connector is unconnected again, its peer is not */
	struct sockaddr un = { .sa_family = AF_UNSPEC };
	connect(d2, &un, sizeof(un));
	printf("-- dgram disconnected\n");
	show();
	unlink(path);
	unlink(dpath);
	printf("== un_proc done\n");
	return 0;
}
