/* NETLINK_AUDIT as libaudit (PAM) uses it, on a kernel whose audit is
 * off: the socket opens; AUDIT_GET answers (an ack, then the status);
 * a user message is accepted (root) or EPERM (without CAP_AUDIT_WRITE);
 * control requests need CAP_AUDIT_CONTROL; unknown types are EINVAL.
 * Prints the same natively on a host with audit disabled. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define AUDIT_USER_LOGIN 1112 /* libaudit.h's, not the kernel header's */

static int fd;
static unsigned seq;

static void send_req(int type, int flags, const void *body, size_t len)
{
	struct {
		struct nlmsghdr h;
		char b[512];
	} r;
	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(len);
	r.h.nlmsg_type = type;
	r.h.nlmsg_flags = flags;
	r.h.nlmsg_seq = ++seq;
	memcpy(r.b, body, len);
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	ssize_t n = sendto(fd, &r, r.h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k));
	if (n < 0)
		printf("  sendto: %s\n", strerror(errno));
}

/* print the answers that come within a moment (the kernel answers at the
 * send; Linux's audit replies from a thread: wait for each) */
static void answers(int expect)
{
	char buf[8192];
	for (int i = 0; i < expect; i++) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 5000) != 1) {
			printf("  no answer\n");
			return;
		}
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		struct nlmsghdr *h = (void *)buf;
		if (n < (ssize_t)sizeof(*h)) {
			printf("  recv %zd %s\n", n, strerror(errno));
			return;
		}
		printf("  from %u: type %u len %u flags %#x seq ok %d", from.nl_pid, h->nlmsg_type, h->nlmsg_len,
		       h->nlmsg_flags, h->nlmsg_seq == seq);
		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(h);
			printf(" error %d (%s)", e->error, strerror(-e->error));
		} else if (h->nlmsg_type == AUDIT_GET) {
			struct audit_status *s = NLMSG_DATA(h);
			printf(" enabled %u pid %u failure %u backlog_limit %u", s->enabled, s->pid, s->failure,
			       s->backlog_limit);
		}
		printf("\n");
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	printf("socket: %s\n", fd < 0 ? strerror(errno) : "ok");
	if (fd < 0)
		return 0;
	int root = geteuid() == 0;
	printf("AUDIT_GET with ack\n");
	send_req(AUDIT_GET, NLM_F_REQUEST | NLM_F_ACK, NULL, 0);
	answers(root ? 2 : 1);
	printf("AUDIT_USER_LOGIN with ack\n");
	const char *msg = "op=login acct=\"nobody\" exe=\"/bin/true\" hostname=? addr=? terminal=? res=success";
	send_req(AUDIT_USER_LOGIN, NLM_F_REQUEST | NLM_F_ACK, msg, strlen(msg) + 1);
	answers(1);
	printf("AUDIT_USER_LOGIN without ack\n");
	send_req(AUDIT_USER_LOGIN, NLM_F_REQUEST, msg, strlen(msg) + 1);
	if (root) { /* accepted: no answer */
		char c;
		struct pollfd p = { fd, POLLIN, 0 };
		int pr = poll(&p, 1, 200);
		printf("  nothing queued: %d %s\n", pr,
		       pr ? "" : (recv(fd, &c, 1, MSG_DONTWAIT) < 0 ? strerror(errno) : "data"));
	} else { /* an error is told even unasked */
		answers(1);
	}
	if (!root) {
		printf("AUDIT_SET\n");
		struct audit_status s = { .mask = AUDIT_STATUS_ENABLED, .enabled = 1 };
		send_req(AUDIT_SET, NLM_F_REQUEST | NLM_F_ACK, &s, sizeof(s));
		answers(1);
	}
	printf("unknown type 1999\n");
	send_req(1999, NLM_F_REQUEST | NLM_F_ACK, NULL, 0);
	answers(1);
	printf("AUDIT_LIST (withdrawn)\n");
	send_req(AUDIT_LIST, NLM_F_REQUEST | NLM_F_ACK, NULL, 0);
	answers(1);
	return 0;
}
