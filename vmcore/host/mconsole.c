/* The control console's host half (umid=NAME): the umid directory, its
 * socket, the wire format, and the thread that serves them.  UML splits its
 * mconsole the same way (mconsole_user.c and umid.c on the host side).
 *
 * ~/.vmcore/NAME/ (mode 0700, as UML's ~/.uml/NAME/) holds "pid", the
 * kernel's host pid, and "mconsole", a Unix datagram socket.  A directory
 * whose kernel is gone (its pid dead, or nobody bound to its socket) is
 * taken over; one whose kernel answers is refused.  Every way out of the
 * kernel removes it (mconsole_remove); a restart makes it anew.
 *
 * The wire format is UML's mconsole protocol, version 2, so that UML's
 * own uml_mconsole can drive vmcore too.  A request is one datagram:
 *     u32 magic = 0xcafebabe, u32 version = 2, u32 len, char data[512]
 * (len bytes of command, fewer than 512; the datagram may stop after
 * them).  The reply goes to the request's source address as datagrams of
 *     u32 err, u32 more, u32 len, char data[512]
 * each carrying up to 511 bytes of text and a NUL (len counts the NUL),
 * more set on all but the last, err (1: an error reply) on the first.
 *
 * Datagrams keep the server simple and bounded: no connection, no state
 * per client, one request in memory at a time, served in order.  A client
 * that stops reading costs at most SEND_TIMEOUT_MS per datagram before its
 * reply is dropped; one that has gone makes the send fail at once. */
#include <vmcore/mconsole.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MCONSOLE_MAGIC 0xcafebabe
#define MCONSOLE_VERSION 2
#define SEND_TIMEOUT_MS 1000
#define UMID_MAX 64

struct mc_wire_request {
	u32 magic, version, len;
	char data[MCONSOLE_MAX_DATA];
};

struct mc_wire_reply {
	u32 err, more, len;
	char data[MCONSOLE_MAX_DATA];
};

struct mc_request {
	struct sockaddr_un from;
	socklen_t fromlen;
	bool replied;
};

static int mc_fd = -1;
static char dir_path[PATH_MAX], sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static char pid_path[PATH_MAX];
static volatile sig_atomic_t made; /* the directory is ours to remove */

void mconsole_remove(void)
{
	if (!made)
		return;
	made = 0;
	unlink(sock_path);
	unlink(pid_path);
	rmdir(dir_path);
}

bool mconsole_reply(struct mc_request *req, const char *text, size_t len, bool err)
{
	if (req->replied)
		return false;
	req->replied = true;
	struct mc_wire_reply r;
	do {
		size_t n = MIN(len, (size_t)MCONSOLE_MAX_DATA - 1);
		memset(&r, 0, sizeof(r));
		r.err = err;
		err = false; /* on the first datagram only, as UML's */
		r.more = len > n;
		r.len = n + 1;
		memcpy(r.data, text, n);
		text += n;
		len -= n;
		/* blocks while the client's queue is full, SEND_TIMEOUT_MS at most */
		if (sendto(mc_fd, &r, sizeof(r), 0, (struct sockaddr *)&req->from, req->fromlen) < 0)
			return false; /* gone, or not reading: the rest is dropped */
	} while (len);
	return true;
}

static void reply_str(struct mc_request *req, const char *s, bool err)
{
	mconsole_reply(req, s, strlen(s), err);
}

/* Well-formed UTF-8 (no overlong forms, surrogates or values past
 * U+10FFFF) without control characters other than tab. */
static bool clean_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return false;
			i++;
			continue;
		}
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
		if (more < 0 || c > 0xf4 || c == 0xc0 || c == 0xc1 || i + more >= n)
			return false;
		u32 cp = c & (0x3f >> more);
		for (int k = 1; k <= more; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((more == 2 && cp < 0x800) || (more == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += more + 1;
	}
	return true;
}

/* One datagram of n bytes (its real size, however much was kept). */
static void serve(struct mc_request *req, struct mc_wire_request *w, size_t n)
{
	const size_t hdr = offsetof(struct mc_wire_request, data);
	if (n < hdr) {
		reply_str(req, "truncated request: shorter than its header", true);
		return;
	}
	if (w->magic != MCONSOLE_MAGIC) {
		reply_str(req, "bad magic: not an mconsole request (version 2 protocol)", true);
		return;
	}
	if (w->version != MCONSOLE_VERSION) {
		reply_str(req, "This driver only supports version 2 clients", true);
		return;
	}
	if (n > sizeof(*w) || w->len >= MCONSOLE_MAX_DATA) {
		reply_str(req, "Request too large", true);
		return;
	}
	if (w->len > n - hdr) {
		reply_str(req, "truncated request: shorter than its length says", true);
		return;
	}
	w->data[w->len] = 0;
	if (!clean_utf8((unsigned char *)w->data, w->len)) {
		reply_str(req, "bad request: not UTF-8 text (or control characters in it)", true);
		return;
	}
	mconsole_command(req, w->data);
	if (!req->replied)
		reply_str(req, "", false);
}

static void *mconsole_thread(void *arg)
{
	/* no signal blocked: reboot execs ./linux anew from this thread, and
	 * the new kernel would inherit the mask */
	(void)arg;
	for (;;) {
		/* one byte more than a request: a longer datagram is seen as such */
		union {
			struct mc_wire_request w;
			char raw[sizeof(struct mc_wire_request) + 1];
		} buf;
		struct mc_request req;
		memset(&req, 0, sizeof(req));
		struct iovec iov = { &buf, sizeof(buf) };
		struct msghdr msg = { .msg_name = &req.from, .msg_namelen = sizeof(req.from),
				      .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(mc_fd, &msg, MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			pr_err("mconsole: receive failed: %s; the console is off\n", strerror(errno));
			return NULL;
		}
		req.fromlen = msg.msg_namelen;
		if (req.fromlen <= offsetof(struct sockaddr_un, sun_path))
			continue; /* an unbound sender: there is nowhere to reply */
		serve(&req, &buf.w, n);
	}
}

static int umid_ok(const char *umid)
{
	size_t n = strlen(umid);
	if (!n || n > UMID_MAX || strchr(umid, '/') || strstr(umid, "..") || umid[0] == '.')
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)umid[i] <= ' ' || umid[i] == 0x7f)
			return -EINVAL;
	return 0;
}

/* Does a live kernel own the directory?  Its pid is alive and somebody is
 * bound to its socket (a pid alone may have been reused). */
static int owner_alive(void)
{
	char buf[32] = { 0 };
	int fd = open(pid_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	int pid = r > 0 ? atoi(buf) : 0;
	if (pid <= 0 || pid == getpid() || (kill(pid, 0) < 0 && errno == ESRCH))
		return 0;
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	int alive = connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(s);
	return alive ? pid : 0;
}

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	if (h && *h)
		return h;
	struct passwd *pw = getpwuid(getuid());
	return pw ? pw->pw_dir : NULL;
}

int mconsole_start(const char *umid)
{
	const char *home = home_dir();
	char base[PATH_MAX];
	if (umid_ok(umid) < 0) {
		fprintf(stderr, "linux: bad umid=%s (1-%d characters, no '/', no '..', no spaces; "
			"not starting with '.')\n", umid, UMID_MAX);
		return -EINVAL;
	}
	if (!home) {
		fprintf(stderr, "linux: umid=%s: no home directory for ~/.vmcore\n", umid);
		return -ENOENT;
	}
	if (snprintf(base, sizeof(base), "%s/.vmcore", home) >= (int)sizeof(base) ||
	    snprintf(dir_path, sizeof(dir_path), "%s/%s", base, umid) >= (int)sizeof(dir_path) ||
	    snprintf(pid_path, sizeof(pid_path), "%s/pid", dir_path) >= (int)sizeof(pid_path) ||
	    snprintf(sock_path, sizeof(sock_path), "%s/mconsole", dir_path) >= (int)sizeof(sock_path)) {
		fprintf(stderr, "linux: umid=%s: %s/.vmcore/%s/mconsole is too long for a socket's name\n",
			umid, home, umid);
		return -ENAMETOOLONG;
	}
	if (mkdir(base, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "linux: umid=%s: cannot make %s: %s\n", umid, base, strerror(errno));
		return -errno;
	}
	if (mkdir(dir_path, 0700) < 0) {
		struct stat st;
		int e = errno;
		if (e != EEXIST || lstat(dir_path, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    st.st_uid != getuid()) {
			fprintf(stderr, "linux: umid=%s: cannot make %s: %s\n", umid, dir_path,
				e == EEXIST ? "it exists and is not a directory of ours" : strerror(e));
			return -(e == EEXIST ? EEXIST : e);
		}
		int pid = owner_alive();
		if (pid) {
			fprintf(stderr, "linux: umid=%s is in use by the kernel of pid %d (%s)\n", umid,
				pid, dir_path);
			return -EADDRINUSE;
		}
		/* a kernel that is gone left it: take it over */
		unlink(sock_path);
		unlink(pid_path);
		chmod(dir_path, 0700);
	}
	made = 1;
	atexit(mconsole_remove); /* a boot that fails after this returns from main */
	mc_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	struct timeval tv = { SEND_TIMEOUT_MS / 1000, SEND_TIMEOUT_MS % 1000 * 1000 };
	int pfd = -1;
	/* the directory's 0700 keeps other users out; the socket says so too */
	if (mc_fd < 0 || bind(mc_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sock_path, 0600) < 0 ||
	    setsockopt(mc_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    (pfd = open(pid_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
	    dprintf(pfd, "%d\n", getpid()) < 0) {
		int e = errno;
		fprintf(stderr, "linux: umid=%s: cannot set up %s: %s\n", umid, dir_path, strerror(e));
		if (pfd >= 0)
			close(pfd);
		if (mc_fd >= 0)
			close(mc_fd);
		mc_fd = -1;
		mconsole_remove();
		return -e;
	}
	close(pfd);
	pthread_t th;
	if ((errno = pthread_create(&th, NULL, mconsole_thread, NULL))) {
		fprintf(stderr, "linux: umid=%s: cannot start the console's thread: %s\n", umid,
			strerror(errno));
		mconsole_remove();
		return -EAGAIN;
	}
	pthread_detach(th);
	pr_info("mconsole (version 2) initialized on %s\n", sock_path);
	return 0;
}
