/* The GDB remote serial protocol: transports (TCP, Unix socket, stdio),
 * the packet state machine (checksums, acks, escapes, run-length
 * encoding, interrupts, over-long packets), and packet arguments.
 * Everything from the client is checked: a bad packet is NAKed and
 * dropped, never trusted. */
#include "proto.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct gdb_listener {
	int fd;           /* listening socket; -1 for stdio */
	bool stdio, used;
	int in_fd, out_fd; /* stdio */
	char addr[128];
	char path[108];   /* unix: unlinked at exit */
};

struct gdb_conn {
	int in_fd, out_fd;
	bool owns;        /* close them at the end */
	struct gdb_parser parser;
	u8 rx[4096];
	size_t rx_len, rx_pos;
	bool noack;
	char *last;       /* the last packet sent, for a NAK */
	size_t last_len;
	int resends;
};

/* ---- transports ---- */

static struct gdb_listener *listen_fail(struct gdb_listener *l, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	if (l->fd >= 0)
		close(l->fd);
	free(l);
	return NULL;
}

struct gdb_listener *gdb_listen(const char *spec, char *err, size_t errlen)
{
	struct gdb_listener *l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->fd = -1;
	if (!strcmp(spec, "-") || !strcmp(spec, "stdio")) {
		/* the client is on stdin/stdout: the console moves to stderr */
		l->stdio = true;
		l->in_fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
		l->out_fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (l->in_fd < 0 || l->out_fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(2, 1) < 0)
			return listen_fail(l, err, errlen, "cannot take stdin and stdout");
		close(null);
		snprintf(l->addr, sizeof(l->addr), "stdio");
		return l;
	}
	if (!strncmp(spec, "unix:", 5)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		const char *path = spec + 5;
		if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
			snprintf(err, errlen, "a Unix socket path of 1 to %zu bytes is needed", sizeof(sa.sun_path) - 1);
			free(l);
			return NULL;
		}
		strcpy(sa.sun_path, path);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path); /* a stale socket of an earlier run */
		l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (l->fd < 0)
			return listen_fail(l, err, errlen, "socket");
		if (bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			return listen_fail(l, err, errlen, path);
		if (listen(l->fd, 1) < 0)
			return listen_fail(l, err, errlen, "listen");
		snprintf(l->path, sizeof(l->path), "%s", path);
		snprintf(l->addr, sizeof(l->addr), "unix:%s", path);
		return l;
	}
	/* tcp:HOST:PORT, or HOST:PORT, :PORT */
	const char *hp = !strncmp(spec, "tcp:", 4) ? spec + 4 : spec;
	const char *colon = strrchr(hp, ':');
	if (!colon) {
		snprintf(err, errlen, "expected tcp:[HOST]:PORT, unix:PATH or -");
		free(l);
		return NULL;
	}
	char host[64];
	size_t hl = colon - hp;
	if (hl >= sizeof(host)) {
		snprintf(err, errlen, "host name too long");
		free(l);
		return NULL;
	}
	memcpy(host, hp, hl);
	host[hl] = 0;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535) {
		snprintf(err, errlen, "bad port '%s'", colon + 1);
		free(l);
		return NULL;
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (!host[0] || !strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "bad address '%s' (a numeric IPv4 address or localhost)", host);
		free(l);
		return NULL;
	}
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return listen_fail(l, err, errlen, "socket");
	int one = 1;
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		char what[96];
		snprintf(what, sizeof(what), "cannot listen on %s:%ld", host, port);
		return listen_fail(l, err, errlen, what);
	}
	if (listen(l->fd, 1) < 0)
		return listen_fail(l, err, errlen, "listen");
	socklen_t sl = sizeof(sa);
	getsockname(l->fd, (struct sockaddr *)&sa, &sl);
	snprintf(l->addr, sizeof(l->addr), "%s:%d", host, ntohs(sa.sin_port));
	return l;
}

int gdb_listener_fd(struct gdb_listener *l)
{
	return l->fd;
}

const char *gdb_listener_addr(struct gdb_listener *l)
{
	return l->addr;
}

static struct gdb_conn *conn_new(int in, int out, bool owns)
{
	struct gdb_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->in_fd = in;
	c->out_fd = out;
	c->owns = owns;
	return c;
}

struct gdb_conn *gdb_accept(struct gdb_listener *l)
{
	if (l->stdio) {
		if (l->used)
			return NULL;
		l->used = true;
		return conn_new(l->in_fd, l->out_fd, true);
	}
	for (;;) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct gdb_conn *c = conn_new(fd, fd, true);
		if (!c)
			close(fd);
		return c;
	}
}

void gdb_refuse_second(struct gdb_listener *l)
{
	if (l->fd < 0)
		return;
	int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	struct gdb_conn *c = conn_new(fd, fd, true);
	if (c) {
		static const char msg[] = "E.vmcore gdbstub: another debugger is connected; one at a time";
		gdb_send(c, msg, sizeof(msg) - 1);
		gdb_conn_close(c);
	} else {
		close(fd);
	}
}

int gdb_conn_fd(struct gdb_conn *c)
{
	return c->in_fd;
}

void gdb_conn_close(struct gdb_conn *c)
{
	if (!c)
		return;
	if (c->owns) {
		close(c->in_fd);
		if (c->out_fd != c->in_fd)
			close(c->out_fd);
	}
	free(c->parser.buf);
	free(c->last);
	free(c);
}

void gdb_conn_set_noack(struct gdb_conn *c, bool noack)
{
	c->noack = noack;
}

int gdb_conn_fill(struct gdb_conn *c)
{
	if (c->rx_pos < c->rx_len)
		return 0;
	ssize_t n = read(c->in_fd, c->rx, sizeof(c->rx));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	c->rx_len = n;
	c->rx_pos = 0;
	return 0;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = { fd, POLLOUT, 0 };
			poll(&pfd, 1, 1000);
			continue;
		}
		if (w <= 0)
			return; /* the client has gone: the reader notices */
		p += w;
		n -= w;
	}
}

void gdb_send(struct gdb_conn *c, const char *data, size_t len)
{
	char *pkt = malloc(len * 2 + 5);
	if (!pkt)
		return;
	size_t n = 0;
	u8 sum = 0;
	pkt[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		if (ch == '$' || ch == '#' || ch == '}' || ch == '*') {
			pkt[n++] = '}';
			sum += '}';
			ch ^= 0x20;
		}
		pkt[n++] = ch;
		sum += (u8)ch;
	}
	n += sprintf(pkt + n, "#%02x", sum);
	write_all(c->out_fd, pkt, n);
	free(c->last);
	c->last = pkt;
	c->last_len = n;
	c->resends = 0;
}

int gdb_conn_next(struct gdb_conn *c, char *buf, size_t cap, size_t *len)
{
	while (c->rx_pos < c->rx_len) {
		int ev = gdb_parser_feed(&c->parser, c->rx[c->rx_pos++]);
		switch (ev) {
		case GDB_EV_PACKET:
			if (!c->noack)
				write_all(c->out_fd, "+", 1);
			if (c->parser.len >= cap) {
				if (!c->noack)
					write_all(c->out_fd, "-", 1);
				break;
			}
			memcpy(buf, c->parser.buf, c->parser.len);
			*len = c->parser.len;
			return GDB_PACKET;
		case GDB_EV_BAD:
			if (!c->noack)
				write_all(c->out_fd, "-", 1);
			break;
		case GDB_EV_NAK:
			if (c->last && c->resends++ < 3)
				write_all(c->out_fd, c->last, c->last_len);
			break;
		case GDB_EV_INTERRUPT:
			return GDB_INTERRUPT;
		}
	}
	return GDB_NONE;
}

/* ---- the packet state machine ---- */

enum { P_IDLE, P_DATA, P_CSUM };

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put(struct gdb_parser *p, char c)
{
	if (p->overflow)
		return;
	if (p->len + 1 >= GDB_PACKET_SIZE) {
		p->overflow = true;
		return;
	}
	if (p->len + 1 >= p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 1024;
		char *nb = realloc(p->buf, nc);
		if (!nb) {
			p->overflow = true;
			return;
		}
		p->buf = nb;
		p->cap = nc;
	}
	p->buf[p->len++] = c;
}

int gdb_parser_feed(struct gdb_parser *p, u8 c)
{
	switch (p->state) {
	case P_IDLE:
		if (c == '$') {
			p->state = P_DATA;
			p->sum = 0;
			p->len = 0;
			p->overflow = false;
			p->escape = false;
		} else if (c == 0x03) {
			return GDB_EV_INTERRUPT;
		} else if (c == '+') {
			return GDB_EV_ACK;
		} else if (c == '-') {
			return GDB_EV_NAK;
		}
		return GDB_EV_NONE; /* anything else between packets: noise */
	case P_DATA:
		if (c == '#' && !p->escape) {
			p->state = P_CSUM;
			p->csum_digits = 0;
			p->csum = 0;
			return GDB_EV_NONE;
		}
		if (c == '$' && !p->escape) {
			/* a new packet before this one ended: start again */
			p->sum = 0;
			p->len = 0;
			p->overflow = false;
			return GDB_EV_NONE;
		}
		p->sum += c;
		if (p->escape) {
			put(p, c ^ 0x20);
			p->escape = false;
		} else if (c == '}') {
			p->escape = true;
		} else if (c == '*' && p->len > 0) {
			/* run-length: the previous character c - 29 more times */
			p->state = P_DATA + 10;
		} else {
			put(p, c);
		}
		return GDB_EV_NONE;
	case P_DATA + 10: {
		p->sum += c;
		p->state = P_DATA;
		int n = (int)c - 29;
		if (n < 0 || n > 126 - 29) {
			p->overflow = true; /* a malformed run: the packet is refused */
			return GDB_EV_NONE;
		}
		char prev = p->buf[p->len - 1];
		for (int i = 0; i < n; i++)
			put(p, prev);
		return GDB_EV_NONE;
	}
	case P_CSUM: {
		int v = hexval(c);
		if (v < 0) {
			p->state = P_IDLE;
			return GDB_EV_BAD;
		}
		p->csum = (u8)(p->csum << 4 | v);
		if (++p->csum_digits < 2)
			return GDB_EV_NONE;
		p->state = P_IDLE;
		if (p->csum != p->sum || p->overflow)
			return GDB_EV_BAD;
		put(p, 0);
		if (p->overflow)
			return GDB_EV_BAD;
		p->len--; /* the NUL is not part of the data */
		return GDB_EV_PACKET;
	}
	}
	p->state = P_IDLE;
	return GDB_EV_NONE;
}

/* ---- arguments ---- */

int gdb_hex_decode(const char *hex, void *out, size_t n)
{
	u8 *o = out;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval((u8)hex[2 * i]), lo = hi < 0 ? -1 : hexval((u8)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		o[i] = (u8)(hi << 4 | lo);
	}
	return 0;
}

void gdb_hex_encode(struct sbuf *b, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t need = b->len + 2 * n + 1;
	if (need > b->cap) {
		size_t nc = MAX(need, b->cap * 2);
		char *ns = realloc(b->s, nc);
		if (!ns)
			return;
		b->s = ns;
		b->cap = nc;
	}
	const u8 *p = data;
	char *o = b->s + b->len;
	for (size_t i = 0; i < n; i++) {
		*o++ = digits[p[i] >> 4];
		*o++ = digits[p[i] & 15];
	}
	*o = 0;
	b->len += 2 * n;
}

static int parse_hex_u64(const char *s, u64 *v, const char **end)
{
	u64 x = 0;
	int n = 0;
	for (; hexval((u8)*s) >= 0; s++, n++) {
		if (n == 16)
			return -1;
		x = x << 4 | hexval((u8)*s);
	}
	if (!n)
		return -1;
	*v = x;
	*end = s;
	return 0;
}

int gdb_parse_addr_len(const char *s, u64 *addr, u64 *len, const char **rest)
{
	const char *e;
	if (parse_hex_u64(s, addr, &e) < 0 || *e != ',')
		return -1;
	if (parse_hex_u64(e + 1, len, &e) < 0)
		return -1;
	if (rest)
		*rest = *e == ':' ? e + 1 : NULL;
	else if (*e && *e != ':' && *e != ';')
		return -1;
	return 0;
}

/* one id: "-1", or hex */
static int parse_id(const char *s, int *v, const char **end)
{
	if (s[0] == '-' && s[1] == '1') {
		*v = -1;
		*end = s + 2;
		return 0;
	}
	u64 x;
	if (parse_hex_u64(s, &x, end) < 0 || x > 0x7fffffff)
		return -1;
	*v = (int)x;
	return 0;
}

int gdb_parse_thread_id(const char *s, int *pid, int *tid, const char **end)
{
	const char *e;
	*pid = 0;
	*tid = 0;
	if (*s == 'p') {
		if (parse_id(s + 1, pid, &e) < 0)
			return -1;
		if (*e == '.') {
			if (parse_id(e + 1, tid, &e) < 0)
				return -1;
		} else {
			*tid = -1; /* all threads of the process */
		}
	} else if (parse_id(s, tid, &e) < 0) {
		return -1;
	}
	if (end)
		*end = e;
	else if (*e)
		return -1;
	return 0;
}

int gdb_parse_vcont(const char *s, struct gdb_vcont *acts, int max)
{
	int n = 0;
	while (*s == ';') {
		if (n == max)
			return -1;
		struct gdb_vcont a = { .action = s[1], .pid = -1, .tid = -1 };
		const char *e = s + 2;
		if (a.action == 'C' || a.action == 'S') {
			u64 sig;
			if (parse_hex_u64(e, &sig, &e) < 0 || sig > 255)
				return -1;
			a.sig = (int)sig;
		} else if (a.action != 'c' && a.action != 's' && a.action != 't') {
			return -1;
		}
		if (*e == ':') {
			if (gdb_parse_thread_id(e + 1, &a.pid, &a.tid, &e) < 0)
				return -1;
		}
		if (*e && *e != ';')
			return -1;
		acts[n++] = a;
		s = e;
	}
	return *s ? -1 : n;
}

int gdb_parse_qxfer(const char *s, char *object, size_t olen, char *annex, size_t alen, u64 *off, u64 *len)
{
	const char *c = strchr(s, ':');
	if (!c || (size_t)(c - s) >= olen)
		return -1;
	memcpy(object, s, c - s);
	object[c - s] = 0;
	if (strncmp(c + 1, "read:", 5))
		return -1;
	const char *a = c + 6, *ae = strchr(a, ':');
	if (!ae || (size_t)(ae - a) >= alen)
		return -1;
	memcpy(annex, a, ae - a);
	annex[ae - a] = 0;
	const char *e;
	if (parse_hex_u64(ae + 1, off, &e) < 0 || *e != ',' || parse_hex_u64(e + 1, len, &e) < 0 || *e)
		return -1;
	return 0;
}

void gdb_qxfer_chunk(struct sbuf *b, const char *data, size_t dlen, u64 off, u64 len)
{
	if (off >= dlen) {
		sb_puts(b, "l");
		return;
	}
	u64 n = MIN(len, (u64)(GDB_PACKET_SIZE / 2));
	n = MIN(n, (u64)(dlen - off));
	sb_puts(b, off + n < dlen ? "m" : "l");
	sb_putn(b, data + off, n); /* binary: gdb_send escapes it */
}
