/* /proc/net/{tcp,tcp6,udp,udp6}: the header, and the lines of this
 * program's own sockets (a listener with a pending connection, a
 * connection, a half-closed one, UDP sockets bound and connected), with
 * ports shown by role and the inode checked against fstat, for comparison
 * with a native run (which has other sockets: only ours are printed). */
#include "inet_common.h"
#include <sys/mount.h>
#include <sys/stat.h>

static int ports[16], nports;
static unsigned long inos[16];
static int ninos;

static const char *role(unsigned p, char *buf)
{
	for (int i = 0; i < nports; i++)
		if ((unsigned)ports[i] == p) {
			snprintf(buf, 8, "P%d", i);
			return buf;
		}
	return p ? "eph?" : "0";
}

static bool ours(unsigned p)
{
	for (int i = 0; i < nports; i++)
		if ((unsigned)ports[i] == p)
			return true;
	return false;
}

static void track_port(int fd)
{
	ports[nports++] = port_of(fd);
}

static void track_ino(int fd)
{
	struct stat st;
	fstat(fd, &st);
	inos[ninos++] = st.st_ino;
}

static void show_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("%s: %s\n", path, strerrorname_np(errno));
		return;
	}
	char line[512];
	if (fgets(line, sizeof(line), f))
		printf("%s header (%zu chars): %s", path, strlen(line), line);
	/* ours, sorted: the order is that of the kernel's hash tables */
	static char out[64][256];
	int nout = 0;
	while (fgets(line, sizeof(line), f) && nout < 64) {
		char la[40], ra[40];
		unsigned lp, rp, st, tx, rx, uid;
		unsigned long ino;
		int sl;
		if (sscanf(line, "%d: %39[0-9A-F]:%x %39[0-9A-F]:%x %x %x:%x %*x:%*x %*x %u %*d %lu", &sl, la, &lp, ra, &rp,
			   &st, &tx, &rx, &uid, &ino) != 10) {
			printf("unparsed: %s", line);
			continue;
		}
		bool known = false;
		for (int i = 0; i < ninos; i++)
			known |= inos[i] == ino;
		/* ours: our inodes, or a connection without a socket yet between
		 * two of our ports (the host's TIME_WAIT lines of earlier runs may
		 * name a port of ours too) */
		if (!known && !(ino == 0 && st != 6 && ours(lp) && ours(rp)))
			continue;
		char b1[8], b2[8];
		snprintf(out[nout++], 256, "  %s:%s %s:%s st %02X tx %u rx %u uid %u inode %s len %zu\n", la,
			 role(lp, b1), ra, role(rp, b2), st, tx, rx, uid, ino == 0 ? "0" : known ? "ours" : "other",
			 strstr(path, "6") ? 0 : strlen(line)); /* v6 lines are not padded: inode digits vary */
	}
	fclose(f);
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
	int port;
	int l = listener4("127.0.0.1", 7, &port);
	track_port(l);
	track_ino(l);
	struct sockaddr_in a = sin4("127.0.0.1", port);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (void *)&a, sizeof(a));
	track_port(c);
	track_ino(c);
	write(c, "abc", 3);
	/* a second connection left in the accept queue */
	int c2 = socket(AF_INET, SOCK_STREAM, 0);
	connect(c2, (void *)&a, sizeof(a));
	track_port(c2);
	track_ino(c2);
	int s = accept(l, NULL, NULL);
	track_ino(s);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in ua = sin4("127.0.0.1", 0);
	bind(u, (void *)&ua, sizeof(ua));
	track_port(u);
	track_ino(u);
	int u2 = socket(AF_INET, SOCK_DGRAM, 0);
	ua = sin4("127.0.0.1", port_of(u));
	connect(u2, (void *)&ua, sizeof(ua));
	track_port(u2);
	track_ino(u2);
	send(u2, "datagram", 8, 0);
	int l6 = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a6 = sin6("::1", 0);
	bind(l6, (void *)&a6, sizeof(a6));
	listen(l6, 3);
	track_port(l6);
	track_ino(l6);
	int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	a6 = sin6("::", 0);
	bind(u6, (void *)&a6, sizeof(a6));
	track_port(u6);
	track_ino(u6);
	show_file("/proc/net/tcp");
	show_file("/proc/net/udp");
	show_file("/proc/net/tcp6");
	show_file("/proc/net/udp6");
	close(c);
	close(s);
	close(c2);
	close(l);
	close(l6);
	close(u);
	close(u2);
	close(u6);
	return 0;
}
