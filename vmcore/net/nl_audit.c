/* NETLINK_AUDIT: the answers of a Linux kernel whose audit is disabled
 * (audit=0, no auditd), which is what PAM's libaudit copes with.
 *
 * The socket opens, as on a Linux built with audit (a kernel without it
 * says EPROTONOSUPPORT, which libaudit takes as "no audit" too, but the
 * host this is compared with opens it).  The permissions are Linux's
 * audit_netlink_ok: the user messages (AUDIT_USER, 1100-1199, 2100-2999)
 * need CAP_AUDIT_WRITE, the control requests CAP_AUDIT_CONTROL, else
 * EPERM; the withdrawn AUDIT_LIST/ADD/DEL are EOPNOTSUPP, other types
 * EINVAL.  A user message is accepted and dropped, as with audit off;
 * AUDIT_GET tells a disabled audit with no daemon; AUDIT_LIST_RULES dumps
 * no rules (an empty NLMSG_DONE); AUDIT_GET_FEATURE and AUDIT_TTY_GET tell nothing enabled.
 * The control requests that would change the state (AUDIT_SET, rules,
 * AUDIT_TTY_SET...) are EOPNOTSUPP: there is no audit here to set. */
#include <vmcore/netlink.h>
#include <vmcore/cred.h>
#include <linux/audit.h>
#include <string.h>

#define CAP_AUDIT_WRITE 29
#define CAP_AUDIT_CONTROL 30

/* Linux's audit replies from a thread of its own: the ack of the request
 * comes first, and the reply's nlmsg_pid is 0 */
static int reply(struct nl_out *o, const struct nlmsghdr *nlh, int type, int flags, const void *data, size_t len)
{
	bool acked = nlh->nlmsg_flags & NLM_F_ACK;
	if (acked)
		nl_ack(o, nlh, 0);
	nlmsg_begin(o, type, flags, nlh->nlmsg_seq, data, len);
	nlmsg_set_pid(o, 0);
	nlmsg_end(o);
	return acked ? NL_ACKED : 0;
}

static int audit_rcv(struct nl_out *o, struct task *t, const struct nlmsghdr *nlh)
{
	int type = nlh->nlmsg_type;
	if (type == AUDIT_USER || (type >= AUDIT_FIRST_USER_MSG && type <= AUDIT_LAST_USER_MSG) ||
	    (type >= AUDIT_FIRST_USER_MSG2 && type <= AUDIT_LAST_USER_MSG2))
		return capable(t, CAP_AUDIT_WRITE) ? 0 : -EPERM;
	switch (type) {
	case AUDIT_LIST:
	case AUDIT_ADD:
	case AUDIT_DEL:
		return -EOPNOTSUPP;
	case AUDIT_GET:
	case AUDIT_SET:
	case AUDIT_GET_FEATURE:
	case AUDIT_SET_FEATURE:
	case AUDIT_LIST_RULES:
	case AUDIT_ADD_RULE:
	case AUDIT_DEL_RULE:
	case AUDIT_SIGNAL_INFO:
	case AUDIT_TTY_GET:
	case AUDIT_TTY_SET:
	case AUDIT_TRIM:
	case AUDIT_MAKE_EQUIV:
		if (!capable(t, CAP_AUDIT_CONTROL))
			return -EPERM;
		break;
	default:
		return -EINVAL;
	}
	switch (type) {
	case AUDIT_GET: {
		struct audit_status s;
		memset(&s, 0, sizeof(s));
		s.failure = AUDIT_FAIL_PRINTK;
		s.backlog_limit = 64;
		s.feature_bitmap = AUDIT_FEATURE_BITMAP_ALL;
		s.backlog_wait_time = 60 * 250; /* HZ 250 */
		return reply(o, nlh, AUDIT_GET, 0, &s, sizeof(s));
	}
	case AUDIT_GET_FEATURE: {
		struct audit_features f = { .vers = AUDIT_FEATURE_VERSION };
		return reply(o, nlh, AUDIT_GET_FEATURE, 0, &f, sizeof(f));
	}
	case AUDIT_TTY_GET: {
		struct audit_tty_status s = { 0 };
		return reply(o, nlh, AUDIT_TTY_GET, 0, &s, sizeof(s));
	}
	case AUDIT_LIST_RULES: /* no rules: the end of the list alone, empty */
		return reply(o, nlh, NLMSG_DONE, NLM_F_MULTI, NULL, 0);
	}
	return -EOPNOTSUPP;
}

const struct nl_proto audit_nl_proto = { .protocol = NETLINK_AUDIT, .rcv = audit_rcv };
