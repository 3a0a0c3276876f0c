/* AF_NETLINK inside the kernel: what a netlink protocol (rtnetlink.c,
 * nl_audit.c) sees of the socket layer (af_netlink.c).
 *
 * A request is handled whole in the sender's sendmsg, as Linux's
 * netlink_unicast_kernel does: the core walks the messages of the
 * datagram and gives each request to its protocol's rcv, which builds its
 * answers into a struct nl_out (nlmsg_begin / nla_put / nlmsg_end).  The
 * answers are packed into datagrams no bigger than the reader takes
 * (NLMSG_GOODSIZE or its largest recvmsg so far, as netlink_dump sizes its
 * skbs) and queued on the sender's socket.  rcv returns 0 (an ack when
 * NLM_F_ACK asked for one), -errno (an NLMSG_ERROR with the request), or
 * NL_DUMPED: a dump was put, and the core ends it with NLMSG_DONE in a
 * datagram of its own, as Linux's second netlink_dump call does. */
#ifndef VMCORE_NETLINK_H
#define VMCORE_NETLINK_H
#include <vmcore/kernel.h>
#include <linux/netlink.h>

struct task;
struct nl_out;

#define NL_DUMPED 1
#define NL_ACKED 2 /* the protocol acked (nl_ack) before its answer */

struct nl_proto {
	int protocol;
	int (*rcv)(struct nl_out *o, struct task *t, const struct nlmsghdr *nlh);
};

extern const struct nl_proto rtnetlink_proto, audit_nl_proto;

/* the requester's port id (the nlmsg_pid of answers) */
u32 nl_out_portid(const struct nl_out *o);
/* start an answer of the given type with its fixed header (copied) */
void nlmsg_begin(struct nl_out *o, u16 type, u16 flags, u32 seq, const void *hdr, size_t hdrlen);
void nla_put(struct nl_out *o, u16 type, const void *data, size_t len);
void nla_put_u8(struct nl_out *o, u16 type, u8 v);
void nla_put_u32(struct nl_out *o, u16 type, u32 v);
void nla_put_str(struct nl_out *o, u16 type, const char *s);
void nlmsg_end(struct nl_out *o);
/* a nested attribute: its start, then its end once the inner ones are put */
size_t nla_nest_start(struct nl_out *o, u16 type);
void nla_nest_end(struct nl_out *o, size_t start);
/* the nlmsg_pid of the message being built (audit's replies say 0) */
void nlmsg_set_pid(struct nl_out *o, u32 pid);
/* NLMSG_ERROR for a request: err, and the request with an error */
void nl_ack(struct nl_out *o, const struct nlmsghdr *nlh, int err);
/* an attribute of a request (after hdrlen bytes of fixed header): its
 * payload and length, or NULL */
const void *nlmsg_attr(const struct nlmsghdr *nlh, size_t hdrlen, u16 type, size_t *len);
#endif
