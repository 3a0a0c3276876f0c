/* Socket messages and options as strace prints them: struct msghdr with
 * its control messages (sendmsg, recvmsg), the vectors of sendmmsg and
 * recvmmsg, and setsockopt/getsockopt's levels, names and values.
 *
 * A received message is shown after the call: its name with the smaller
 * of the lengths before and after ("msg_namelen=128 => 16"), the data up
 * to what the call returned, the control messages the kernel wrote.  A
 * failed recvmsg shows only the msg_namelen it was given. */
#include "decode.h"
#include <vmcore/mm.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

/* ---- levels and option names ---- */

static const struct flag sol_levels[] = {
	{ 0, "SOL_IP" }, { 1, "SOL_SOCKET" }, { 6, "SOL_TCP" }, { 17, "SOL_UDP" }, { 40, "AF_VSOCK" },
	{ 41, "SOL_IPV6" }, { 58, "SOL_ICMPV6" }, { 100, "SOL_CAN_BASE" }, { 101, "SOL_CAN_RAW" },
	{ 132, "SOL_SCTP" }, { 136, "SOL_UDPLITE" }, { 255, "SOL_RAW" }, { 256, "SOL_IPX" }, { 257, "SOL_AX25" },
	{ 258, "SOL_ATALK" }, { 259, "SOL_NETROM" }, { 260, "SOL_ROSE" }, { 261, "SOL_DECNET" }, { 262, "SOL_X25" },
	{ 263, "SOL_PACKET" }, { 264, "SOL_ATM" }, { 265, "SOL_AAL" }, { 266, "SOL_IRDA" }, { 267, "SOL_NETBEUI" },
	{ 268, "SOL_LLC" }, { 269, "SOL_DCCP" }, { 270, "SOL_NETLINK" }, { 271, "SOL_TIPC" }, { 272, "SOL_RXRPC" },
	{ 273, "SOL_PPPOL2TP" }, { 274, "SOL_BLUETOOTH" }, { 275, "SOL_PNPIPE" }, { 276, "SOL_RDS" },
	{ 277, "SOL_IUCV" }, { 278, "SOL_CAIF" }, { 279, "SOL_ALG" }, { 280, "SOL_NFC" }, { 281, "SOL_KCM" },
	{ 282, "SOL_TLS" }, { 283, "SOL_XDP" },
};

static const struct flag so_names[] = {
	{ 1, "SO_DEBUG" }, { 2, "SO_REUSEADDR" }, { 3, "SO_TYPE" }, { 4, "SO_ERROR" }, { 5, "SO_DONTROUTE" },
	{ 6, "SO_BROADCAST" }, { 7, "SO_SNDBUF" }, { 8, "SO_RCVBUF" }, { 9, "SO_KEEPALIVE" }, { 10, "SO_OOBINLINE" },
	{ 11, "SO_NO_CHECK" }, { 12, "SO_PRIORITY" }, { 13, "SO_LINGER" }, { 14, "SO_BSDCOMPAT" },
	{ 15, "SO_REUSEPORT" }, { 16, "SO_PASSCRED" }, { 17, "SO_PEERCRED" }, { 18, "SO_RCVLOWAT" },
	{ 19, "SO_SNDLOWAT" }, { 20, "SO_RCVTIMEO_OLD" }, { 21, "SO_SNDTIMEO_OLD" },
	{ 22, "SO_SECURITY_AUTHENTICATION" }, { 23, "SO_SECURITY_ENCRYPTION_TRANSPORT" },
	{ 24, "SO_SECURITY_ENCRYPTION_NETWORK" }, { 25, "SO_BINDTODEVICE" }, { 26, "SO_ATTACH_FILTER" },
	{ 27, "SO_DETACH_FILTER" }, { 28, "SO_PEERNAME" }, { 29, "SO_TIMESTAMP_OLD" }, { 30, "SO_ACCEPTCONN" },
	{ 31, "SO_PEERSEC" }, { 32, "SO_SNDBUFFORCE" }, { 33, "SO_RCVBUFFORCE" }, { 34, "SO_PASSSEC" },
	{ 35, "SO_TIMESTAMPNS_OLD" }, { 36, "SO_MARK" }, { 37, "SO_TIMESTAMPING_OLD" }, { 38, "SO_PROTOCOL" },
	{ 39, "SO_DOMAIN" }, { 40, "SO_RXQ_OVFL" }, { 41, "SO_WIFI_STATUS" }, { 42, "SO_PEEK_OFF" },
	{ 43, "SO_NOFCS" }, { 44, "SO_LOCK_FILTER" }, { 45, "SO_SELECT_ERR_QUEUE" }, { 46, "SO_BUSY_POLL" },
	{ 47, "SO_MAX_PACING_RATE" }, { 48, "SO_BPF_EXTENSIONS" }, { 49, "SO_INCOMING_CPU" },
	{ 50, "SO_ATTACH_BPF" }, { 51, "SO_ATTACH_REUSEPORT_CBPF" }, { 52, "SO_ATTACH_REUSEPORT_EBPF" },
	{ 53, "SO_CNX_ADVICE" }, { 55, "SO_MEMINFO" }, { 56, "SO_INCOMING_NAPI_ID" }, { 57, "SO_COOKIE" },
	{ 59, "SO_PEERGROUPS" }, { 60, "SO_ZEROCOPY" }, { 61, "SO_TXTIME" }, { 62, "SO_BINDTOIFINDEX" },
	{ 63, "SO_TIMESTAMP_NEW" }, { 64, "SO_TIMESTAMPNS_NEW" }, { 65, "SO_TIMESTAMPING_NEW" },
	{ 66, "SO_RCVTIMEO_NEW" }, { 67, "SO_SNDTIMEO_NEW" }, { 68, "SO_DETACH_REUSEPORT_BPF" },
	{ 69, "SO_PREFER_BUSY_POLL" }, { 70, "SO_BUSY_POLL_BUDGET" }, { 71, "SO_NETNS_COOKIE" },
	{ 72, "SO_BUF_LOCK" }, { 73, "SO_RESERVE_MEM" }, { 74, "SO_TXREHASH" }, { 75, "SO_RCVMARK" },
};

static const struct flag ip_names[] = {
	{ 1, "IP_TOS" }, { 2, "IP_TTL" }, { 3, "IP_HDRINCL" }, { 4, "IP_OPTIONS" }, { 5, "IP_ROUTER_ALERT" },
	{ 6, "IP_RECVOPTS" }, { 7, "IP_RETOPTS" }, { 8, "IP_PKTINFO" }, { 9, "IP_PKTOPTIONS" },
	{ 10, "IP_MTU_DISCOVER" }, { 11, "IP_RECVERR" }, { 12, "IP_RECVTTL" }, { 13, "IP_RECVTOS" },
	{ 14, "IP_MTU" }, { 15, "IP_FREEBIND" }, { 16, "IP_IPSEC_POLICY" }, { 17, "IP_XFRM_POLICY" },
	{ 18, "IP_PASSSEC" }, { 19, "IP_TRANSPARENT" }, { 20, "IP_ORIGDSTADDR" }, { 21, "IP_MINTTL" },
	{ 22, "IP_NODEFRAG" }, { 23, "IP_CHECKSUM" }, { 24, "IP_BIND_ADDRESS_NO_PORT" },
	{ 25, "IP_RECVFRAGSIZE" }, { 26, "IP_RECVERR_RFC4884" }, { 32, "IP_MULTICAST_IF" },
	{ 33, "IP_MULTICAST_TTL" }, { 34, "IP_MULTICAST_LOOP" }, { 35, "IP_ADD_MEMBERSHIP" },
	{ 36, "IP_DROP_MEMBERSHIP" }, { 37, "IP_UNBLOCK_SOURCE" }, { 38, "IP_BLOCK_SOURCE" },
	{ 39, "IP_ADD_SOURCE_MEMBERSHIP" }, { 40, "IP_DROP_SOURCE_MEMBERSHIP" }, { 41, "IP_MSFILTER" },
	{ 42, "MCAST_JOIN_GROUP" }, { 43, "MCAST_BLOCK_SOURCE" }, { 44, "MCAST_UNBLOCK_SOURCE" },
	{ 45, "MCAST_LEAVE_GROUP" }, { 46, "MCAST_JOIN_SOURCE_GROUP" }, { 47, "MCAST_LEAVE_SOURCE_GROUP" },
	{ 48, "MCAST_MSFILTER" }, { 49, "IP_MULTICAST_ALL" }, { 50, "IP_UNICAST_IF" },
	{ 64, "IPT_SO_SET_REPLACE" }, { 65, "IPT_SO_SET_ADD_COUNTERS" },
};

static const struct flag ipv6_names[] = {
	{ 1, "IPV6_ADDRFORM" }, { 2, "IPV6_2292PKTINFO" }, { 3, "IPV6_2292HOPOPTS" }, { 4, "IPV6_2292DSTOPTS" },
	{ 5, "IPV6_2292RTHDR" }, { 6, "IPV6_2292PKTOPTIONS" }, { 7, "IPV6_CHECKSUM" }, { 8, "IPV6_2292HOPLIMIT" },
	{ 9, "IPV6_NEXTHOP" }, { 10, "IPV6_AUTHHDR" }, { 11, "IPV6_FLOWINFO" }, { 16, "IPV6_UNICAST_HOPS" },
	{ 17, "IPV6_MULTICAST_IF" }, { 18, "IPV6_MULTICAST_HOPS" }, { 19, "IPV6_MULTICAST_LOOP" },
	{ 20, "IPV6_ADD_MEMBERSHIP" }, { 21, "IPV6_DROP_MEMBERSHIP" }, { 22, "IPV6_ROUTER_ALERT" },
	{ 23, "IPV6_MTU_DISCOVER" }, { 24, "IPV6_MTU" }, { 25, "IPV6_RECVERR" }, { 26, "IPV6_V6ONLY" },
	{ 27, "IPV6_JOIN_ANYCAST" }, { 28, "IPV6_LEAVE_ANYCAST" }, { 29, "IPV6_MULTICAST_ALL" },
	{ 30, "IPV6_ROUTER_ALERT_ISOLATE" }, { 31, "IPV6_RECVERR_RFC4884" }, { 32, "IPV6_FLOWLABEL_MGR" },
	{ 33, "IPV6_FLOWINFO_SEND" }, { 34, "IPV6_IPSEC_POLICY" }, { 35, "IPV6_XFRM_POLICY" },
	{ 36, "IPV6_HDRINCL" }, { 42, "MCAST_JOIN_GROUP" }, { 43, "MCAST_BLOCK_SOURCE" },
	{ 44, "MCAST_UNBLOCK_SOURCE" }, { 45, "MCAST_LEAVE_GROUP" }, { 46, "MCAST_JOIN_SOURCE_GROUP" },
	{ 47, "MCAST_LEAVE_SOURCE_GROUP" }, { 48, "MCAST_MSFILTER" }, { 49, "IPV6_RECVPKTINFO" },
	{ 50, "IPV6_PKTINFO" }, { 51, "IPV6_RECVHOPLIMIT" }, { 52, "IPV6_HOPLIMIT" }, { 53, "IPV6_RECVHOPOPTS" },
	{ 54, "IPV6_HOPOPTS" }, { 55, "IPV6_RTHDRDSTOPTS" }, { 56, "IPV6_RECVRTHDR" }, { 57, "IPV6_RTHDR" },
	{ 58, "IPV6_RECVDSTOPTS" }, { 59, "IPV6_DSTOPTS" }, { 60, "IPV6_RECVPATHMTU" }, { 61, "IPV6_PATHMTU" },
	{ 62, "IPV6_DONTFRAG" }, { 63, "IPV6_USE_MIN_MTU" }, { 64, "IP6T_SO_SET_REPLACE" },
	{ 65, "IP6T_SO_SET_ADD_COUNTERS" }, { 66, "IPV6_RECVTCLASS" }, { 67, "IPV6_TCLASS" },
	{ 70, "IPV6_AUTOFLOWLABEL" }, { 72, "IPV6_ADDR_PREFERENCES" }, { 73, "IPV6_MINHOPCOUNT" },
	{ 74, "IPV6_ORIGDSTADDR" }, { 75, "IPV6_TRANSPARENT" }, { 76, "IPV6_UNICAST_IF" },
	{ 77, "IPV6_RECVFRAGSIZE" }, { 78, "IPV6_FREEBIND" },
};

static const struct flag tcp_names[] = {
	{ 1, "TCP_NODELAY" }, { 2, "TCP_MAXSEG" }, { 3, "TCP_CORK" }, { 4, "TCP_KEEPIDLE" }, { 5, "TCP_KEEPINTVL" },
	{ 6, "TCP_KEEPCNT" }, { 7, "TCP_SYNCNT" }, { 8, "TCP_LINGER2" }, { 9, "TCP_DEFER_ACCEPT" },
	{ 10, "TCP_WINDOW_CLAMP" }, { 11, "TCP_INFO" }, { 12, "TCP_QUICKACK" }, { 13, "TCP_CONGESTION" },
	{ 14, "TCP_MD5SIG" }, { 15, "TCP_COOKIE_TRANSACTIONS" }, { 16, "TCP_THIN_LINEAR_TIMEOUTS" },
	{ 17, "TCP_THIN_DUPACK" }, { 18, "TCP_USER_TIMEOUT" }, { 19, "TCP_REPAIR" }, { 20, "TCP_REPAIR_QUEUE" },
	{ 21, "TCP_QUEUE_SEQ" }, { 22, "TCP_REPAIR_OPTIONS" }, { 23, "TCP_FASTOPEN" }, { 24, "TCP_TIMESTAMP" },
	{ 25, "TCP_NOTSENT_LOWAT" }, { 26, "TCP_CC_INFO" }, { 27, "TCP_SAVE_SYN" }, { 28, "TCP_SAVED_SYN" },
	{ 29, "TCP_REPAIR_WINDOW" }, { 30, "TCP_FASTOPEN_CONNECT" }, { 31, "TCP_ULP" }, { 32, "TCP_MD5SIG_EXT" },
	{ 33, "TCP_FASTOPEN_KEY" }, { 34, "TCP_FASTOPEN_NO_COOKIE" }, { 35, "TCP_ZEROCOPY_RECEIVE" },
	{ 36, "TCP_INQ" }, { 37, "TCP_TX_DELAY" },
};

static const struct flag udp_names[] = {
	{ 1, "UDP_CORK" }, { 100, "UDP_ENCAP" }, { 101, "UDP_NO_CHECK6_TX" }, { 102, "UDP_NO_CHECK6_RX" },
	{ 103, "UDP_SEGMENT" }, { 104, "UDP_GRO" },
};

static const struct flag netlink_names[] = {
	{ 1, "NETLINK_ADD_MEMBERSHIP" }, { 2, "NETLINK_DROP_MEMBERSHIP" }, { 3, "NETLINK_PKTINFO" },
	{ 4, "NETLINK_BROADCAST_ERROR" }, { 5, "NETLINK_NO_ENOBUFS" }, { 6, "NETLINK_RX_RING" },
	{ 7, "NETLINK_TX_RING" }, { 8, "NETLINK_LISTEN_ALL_NSID" }, { 9, "NETLINK_LIST_MEMBERSHIPS" },
	{ 10, "NETLINK_CAP_ACK" }, { 11, "NETLINK_EXT_ACK" }, { 12, "NETLINK_GET_STRICT_CHK" },
};

static const struct flag packet_names[] = {
	{ 1, "PACKET_ADD_MEMBERSHIP" }, { 2, "PACKET_DROP_MEMBERSHIP" }, { 3, "PACKET_RECV_OUTPUT" },
	{ 5, "PACKET_RX_RING" }, { 6, "PACKET_STATISTICS" }, { 7, "PACKET_COPY_THRESH" }, { 8, "PACKET_AUXDATA" },
	{ 9, "PACKET_ORIGDEV" }, { 10, "PACKET_VERSION" }, { 11, "PACKET_HDRLEN" }, { 12, "PACKET_RESERVE" },
	{ 13, "PACKET_TX_RING" }, { 14, "PACKET_LOSS" }, { 15, "PACKET_VNET_HDR" }, { 16, "PACKET_TX_TIMESTAMP" },
	{ 17, "PACKET_TIMESTAMP" }, { 18, "PACKET_FANOUT" }, { 19, "PACKET_TX_HAS_OFF" },
	{ 20, "PACKET_QDISC_BYPASS" }, { 21, "PACKET_ROLLOVER_STATS" }, { 22, "PACKET_FANOUT_DATA" },
	{ 23, "PACKET_IGNORE_OUTGOING" },
};

static const struct flag raw_names[] = { { 1, "ICMP_FILTER" } };

/* The option names of a level: a table and its default comment; levels
 * without a table of ours print names in decimal, as strace does for the
 * levels it has none for. */
static const struct optlevel {
	int level;
	const struct flag *names;
	size_t n;
	const char *dflt;
} optlevels[] = {
	{ SOL_SOCKET, so_names, ARRAY_SIZE(so_names), "SO_???" },
	{ SOL_IP, ip_names, ARRAY_SIZE(ip_names), "IP_???" },
	{ SOL_IPV6, ipv6_names, ARRAY_SIZE(ipv6_names), "IPV6_???" },
	{ 6 /* SOL_TCP */, tcp_names, ARRAY_SIZE(tcp_names), "TCP_???" },
	{ 17 /* SOL_UDP */, udp_names, ARRAY_SIZE(udp_names), "UDP_???" },
	{ SOL_NETLINK, netlink_names, ARRAY_SIZE(netlink_names), "NETLINK_???" },
	{ SOL_PACKET, packet_names, ARRAY_SIZE(packet_names), "PACKET_???" },
	{ SOL_RAW, raw_names, ARRAY_SIZE(raw_names), "RAW_???" },
};

static void print_optname(struct sbuf *b, int level, u32 name)
{
	for (size_t i = 0; i < ARRAY_SIZE(optlevels); i++)
		if (optlevels[i].level == level) {
			print_xval(b, name, optlevels[i].names, optlevels[i].n, optlevels[i].dflt);
			return;
		}
	sb_printf(b, "%u", name);
}

/* SOL_SOCKET options whose value is an int: shown as one whenever at least
 * an int was given (a shorter value prints as its address). */
static bool so_int_option(u32 name)
{
	static const unsigned char ints[] = { 1,  2,  5,  6,  7,  8,  9,  10, 11, 12, 14, 15, 16, 18, 19, 27,
					      29, 30, 32, 33, 34, 35, 36, 37, 40, 41, 42, 43, 44, 45, 46, 49,
					      53, 56, 60, 63, 64, 65, 68, 69, 70, 73, 74, 75 };
	for (size_t i = 0; i < sizeof(ints); i++)
		if (ints[i] == name)
			return true;
	return false;
}

/* An option's value of len bytes at addr. */
static void print_optval(struct sbuf *b, struct task *t, int level, u32 name, u64 addr, int len, bool get)
{
	if (len < 0 || !addr) {
		print_ptr(b, addr);
		return;
	}
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l;
		if (len < (int)sizeof(l) || copy_from_user(t->mm, &l, addr, sizeof(l)) < 0)
			print_ptr(b, addr);
		else
			sb_printf(b, "{l_onoff=%d, l_linger=%d}", l.l_onoff, l.l_linger);
		return;
	}
	if (get && level == SOL_SOCKET && name == SO_PEERCRED) {
		struct ucred c;
		if (len < (int)sizeof(c) || copy_from_user(t->mm, &c, addr, sizeof(c)) < 0)
			print_ptr(b, addr);
		else
			sb_printf(b, "{pid=%d, uid=%u, gid=%u}", c.pid, c.uid, c.gid);
		return;
	}
	if (!get && level == SOL_IP && (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP)) {
		struct ip_mreq m;
		char g[INET_ADDRSTRLEN], i[INET_ADDRSTRLEN];
		if (len < (int)sizeof(m) || copy_from_user(t->mm, &m, addr, sizeof(m)) < 0 ||
		    !inet_ntop(AF_INET, &m.imr_multiaddr, g, sizeof(g)) || !inet_ntop(AF_INET, &m.imr_interface, i, sizeof(i)))
			print_ptr(b, addr);
		else
			sb_printf(b, "{imr_multiaddr=inet_addr(\"%s\"), imr_interface=inet_addr(\"%s\")}", g, i);
		return;
	}
	bool int_always = !get && ((level == SOL_SOCKET && so_int_option(name)) || level == SOL_NETLINK);
	/* structs strace decodes that we do not: their address */
	if (!get && ((level == SOL_SOCKET && (name == SO_ATTACH_FILTER || name == SO_ATTACH_REUSEPORT_CBPF)) ||
		     (level == SOL_IP && name >= 42 && name <= 48) ||
		     (level == SOL_IPV6 && ((name >= 20 && name <= 21) || (name >= 27 && name <= 28) || (name >= 42 && name <= 48))) ||
		     (level == SOL_PACKET && (name == 1 || name == 2 || name == 5 || name == 13)))) {
		print_ptr(b, addr);
		return;
	}
	if (int_always) {
		if (len < (int)sizeof(int))
			print_ptr(b, addr);
		else
			print_int_ptr(b, t, addr);
	} else if (len == sizeof(int)) {
		print_int_ptr(b, t, addr);
	} else {
		print_guest_str(b, t, addr, len, false);
	}
}

/* ---- control messages ---- */

static const struct flag scm_types[] = {
	{ 1, "SCM_RIGHTS" }, { 2, "SCM_CREDENTIALS" }, { 3, "SCM_SECURITY" }, { 29, "SO_TIMESTAMP_OLD" },
	{ 35, "SO_TIMESTAMPNS_OLD" }, { 37, "SO_TIMESTAMPING_OLD" }, { 41, "SO_WIFI_STATUS" },
	{ 54, "SCM_TIMESTAMPING_OPT_STATS" }, { 58, "SCM_TIMESTAMPING_PKTINFO" }, { 61, "SO_TXTIME" },
	{ 63, "SO_TIMESTAMP_NEW" }, { 64, "SO_TIMESTAMPNS_NEW" }, { 65, "SO_TIMESTAMPING_NEW" },
};
static const struct flag ip_cmsg_types[] = {
	{ 1, "IP_TOS" }, { 2, "IP_TTL" }, { 3, "SCM_SECURITY" }, { 6, "IP_RECVOPTS" }, { 7, "IP_RETOPTS" },
	{ 8, "IP_PKTINFO" }, { 11, "IP_RECVERR" }, { 20, "IP_ORIGDSTADDR" }, { 23, "IP_CHECKSUM" },
};

#define CMSG_MAX 4096 /* bytes of control data decoded, at most */

static void print_ints(struct sbuf *b, struct task *t, const unsigned char *d, size_t len, bool fds)
{
	sb_puts(b, "[");
	for (size_t o = 0; o + sizeof(int) <= len; o += sizeof(int)) {
		int v;
		memcpy(&v, d + o, sizeof(v));
		sb_printf(b, "%s%d", o ? ", " : "", v);
		if (fds)
			fd_path(b, t, v);
	}
	sb_puts(b, "]");
}

static void print_hex_bytes(struct sbuf *b, const unsigned char *d, size_t len)
{
	sb_puts(b, "[");
	for (size_t o = 0; o < len; o++)
		sb_printf(b, "%s%#x", o ? ", " : "", d[o]);
	sb_puts(b, "]");
}

static void print_ifindex(struct sbuf *b, int idx)
{
	if (idx == 1) /* the guest's only interface */
		sb_puts(b, "if_nametoindex(\"lo\")");
	else
		sb_printf(b, "%d", idx);
}

static void print_inaddr(struct sbuf *b, const struct in_addr *a)
{
	char s[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, a, s, sizeof(s));
	sb_printf(b, "inet_addr(\"%s\")", s);
}

/* One message's level, type and data (data_len bytes at d). */
static void print_cmsg_body(struct sbuf *b, struct task *t, const struct cmsghdr *c, const unsigned char *d,
			    size_t dl, u64 daddr)
{
	sb_puts(b, ", cmsg_level=");
	print_xval(b, (u32)c->cmsg_level, sol_levels, ARRAY_SIZE(sol_levels), "SOL_??");
	sb_puts(b, ", cmsg_type=");
	if (c->cmsg_level == SOL_SOCKET) {
		print_xval(b, (u32)c->cmsg_type, scm_types, ARRAY_SIZE(scm_types), "SCM_???");
		switch (c->cmsg_type) {
		case SCM_RIGHTS:
			sb_puts(b, ", cmsg_data=");
			print_ints(b, t, d, dl, true);
			break;
		case SCM_CREDENTIALS:
			if (dl >= sizeof(struct ucred)) {
				struct ucred u;
				memcpy(&u, d, sizeof(u));
				sb_printf(b, ", cmsg_data={pid=%d, uid=%u, gid=%u}", u.pid, u.uid, u.gid);
			}
			break;
		case 3: /* SCM_SECURITY */
			sb_puts(b, ", cmsg_data=");
			print_guest_str(b, t, daddr, dl, false);
			break;
		case 29: /* SO_TIMESTAMP_OLD, and _NEW: the same on 64-bit */
		case 63:
		case 35: /* SO_TIMESTAMPNS */
		case 64:
			if (dl >= 16) {
				long long v[2];
				memcpy(v, d, sizeof(v));
				sb_printf(b, ", cmsg_data={tv_sec=%lld, %s=%lld}", v[0],
					  c->cmsg_type == 29 || c->cmsg_type == 63 ? "tv_usec" : "tv_nsec", v[1]);
			}
			break;
		case 37: /* SO_TIMESTAMPING: three timespecs */
		case 65:
			sb_puts(b, ", cmsg_data=");
			if (dl >= 48) {
				long long v[6];
				memcpy(v, d, sizeof(v));
				sb_printf(b, "{ts=[{tv_sec=%lld, tv_nsec=%lld}, {tv_sec=%lld, tv_nsec=%lld}, "
					  "{tv_sec=%lld, tv_nsec=%lld}]}", v[0], v[1], v[2], v[3], v[4], v[5]);
			} else {
				sb_puts(b, "???");
			}
			break;
		}
	} else if (c->cmsg_level == SOL_IP) {
		print_xval(b, (u32)c->cmsg_type, ip_cmsg_types, ARRAY_SIZE(ip_cmsg_types), "IP_???");
		switch (c->cmsg_type) {
		case IP_TOS:
		case IP_RECVOPTS:
		case IP_RETOPTS:
			sb_puts(b, ", cmsg_data=");
			print_hex_bytes(b, d, dl);
			break;
		case IP_TTL:
		case IP_CHECKSUM:
			sb_puts(b, ", cmsg_data=");
			print_ints(b, t, d, dl, false);
			break;
		case 3: /* SCM_SECURITY */
			sb_puts(b, ", cmsg_data=");
			print_guest_str(b, t, daddr, dl, false);
			break;
		case IP_PKTINFO:
			if (dl >= sizeof(struct in_pktinfo)) {
				struct in_pktinfo p;
				memcpy(&p, d, sizeof(p));
				sb_puts(b, ", cmsg_data={ipi_ifindex=");
				print_ifindex(b, p.ipi_ifindex);
				sb_puts(b, ", ipi_spec_dst=");
				print_inaddr(b, &p.ipi_spec_dst);
				sb_puts(b, ", ipi_addr=");
				print_inaddr(b, &p.ipi_addr);
				sb_puts(b, "}");
			}
			break;
		case IP_ORIGDSTADDR:
			sb_puts(b, ", cmsg_data=");
			print_sockaddr(b, t, daddr, dl);
			break;
		}
	} else {
		sb_printf(b, "%#x", (u32)c->cmsg_type);
	}
}

/* msg_control: ", msg_control=[...]" (nothing when its length is 0). */
static void print_msg_control(struct sbuf *b, struct task *t, u64 addr, size_t len)
{
	if (!len)
		return;
	sb_puts(b, ", msg_control=");
	size_t n = MIN(len, (size_t)CMSG_MAX);
	unsigned char buf[CMSG_MAX];
	if (!addr || copy_from_user(t->mm, buf, addr, n) < 0) {
		print_ptr(b, addr);
		return;
	}
	sb_puts(b, "[");
	size_t off = 0;
	bool first = true;
	while (off + sizeof(struct cmsghdr) <= n) {
		struct cmsghdr c;
		memcpy(&c, buf + off, sizeof(c));
		sb_printf(b, "%s{cmsg_len=%zu", first ? "" : ", ", (size_t)c.cmsg_len);
		first = false;
		size_t clen = c.cmsg_len;
		if (clen > n - off)
			clen = n - off;
		if (clen >= sizeof(c))
			print_cmsg_body(b, t, &c, buf + off + sizeof(c), clen - sizeof(c), addr + off + sizeof(c));
		else
			sb_puts(b, ", cmsg_level=?, cmsg_type=?");
		sb_puts(b, "}");
		if (c.cmsg_len < sizeof(c))
			break;
		size_t step = (c.cmsg_len + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1);
		if (step > n - off)
			break;
		off += step;
	}
	if (len > n)
		sb_puts(b, ", ...");
	sb_puts(b, "]");
}

/* ---- msghdr ---- */

/* A msghdr as read: data up to `total` bytes (-1: every buffer in full);
 * in_namelen, when not negative, the length the caller gave (shown as
 * "in => out" when the call changed it). */
static void print_msghdr(struct sbuf *b, struct task *t, const struct msghdr *m, long total, int in_namelen)
{
	int namelen = (int)m->msg_namelen;
	if (in_namelen >= 0 && namelen > in_namelen)
		namelen = in_namelen;
	sb_puts(b, "{msg_name=");
	print_sockaddr(b, t, (u64)m->msg_name, namelen);
	sb_puts(b, ", msg_namelen=");
	if (in_namelen >= 0 && in_namelen != (int)m->msg_namelen)
		sb_printf(b, "%d => ", in_namelen);
	sb_printf(b, "%d, msg_iov=", (int)m->msg_namelen);
	if (!m->msg_iov)
		sb_puts(b, "NULL");
	else
		print_iov(b, t, (u64)m->msg_iov, m->msg_iovlen > 1024 ? -1 : (int)m->msg_iovlen, total, total >= 0);
	sb_printf(b, ", msg_iovlen=%zu", (size_t)m->msg_iovlen);
	print_msg_control(b, t, (u64)m->msg_control, m->msg_controllen);
	sb_printf(b, ", msg_controllen=%zu, msg_flags=", (size_t)m->msg_controllen);
	print_flags_x(b, (u32)m->msg_flags, msgflags, n_msgflags, "MSG_???");
	sb_puts(b, "}");
}

/* sendmmsg/recvmmsg's vector: n entries, each with its msg_len when
 * with_len. */
static void print_mmsgvec(struct sbuf *b, struct task *t, u64 addr, long n, bool recv, bool with_len)
{
	if (!addr || n < 0) {
		print_ptr(b, addr);
		return;
	}
	sb_puts(b, "[");
	for (long i = 0; i < n; i++) {
		struct mmsghdr mm;
		if (i)
			sb_puts(b, ", ");
		if (i == trace_strsize) {
			sb_puts(b, "...");
			break;
		}
		if (copy_from_user(t->mm, &mm, addr + i * sizeof(mm), sizeof(mm)) < 0) {
			sb_printf(b, "... /* %#llx */", (unsigned long long)(addr + i * sizeof(mm)));
			break;
		}
		sb_puts(b, "{msg_hdr=");
		print_msghdr(b, t, &mm.msg_hdr, recv ? (long)mm.msg_len : -1, -1);
		if (with_len)
			sb_printf(b, ", msg_len=%u", mm.msg_len);
		sb_puts(b, "}");
	}
	sb_puts(b, "]");
}

/* ---- the kinds ---- */

bool net_kind_is_output(const char *k)
{
	return !strcmp(k, "msghdr_out") || !strcmp(k, "sockopt_out") || !strcmp(k, "mmsgvec_out") ||
	       !strcmp(k, "mmsgvec_send");
}

void net_keep_for_exit(struct task *t, const char *k, int i, const struct syscall_args *a)
{
	struct entry_keep *kp = kept(t);
	if (!kp || strcmp(k, "msghdr_out"))
		return;
	struct msghdr m;
	kp->have_namelen = a->a[i] && copy_from_user(t->mm, &m, a->a[i], sizeof(m)) == 0;
	if (kp->have_namelen)
		kp->namelen = (int)m.msg_namelen;
}

bool decode_net_arg(struct sbuf *b, struct task *t, const char *k, int i, const struct syscall_args *a, long ret)
{
	u64 v = a->a[i];
	bool failed = IS_ERR_VALUE(ret);
	if (!strcmp(k, "msghdr_in")) {
		struct msghdr m;
		if (!v || copy_from_user(t->mm, &m, v, sizeof(m)) < 0)
			print_ptr(b, v);
		else
			print_msghdr(b, t, &m, -1, -1);
	} else if (!strcmp(k, "msghdr_out")) {
		struct entry_keep *kp = kept(t);
		struct msghdr m;
		if (!kp || !kp->have_namelen)
			print_ptr(b, v);
		else if (failed || copy_from_user(t->mm, &m, v, sizeof(m)) < 0)
			sb_printf(b, "{msg_namelen=%d}", kp->namelen);
		else
			print_msghdr(b, t, &m, ret, kp->namelen);
	} else if (!strcmp(k, "mmsgvec_send")) {
		/* the messages as given; after a success, the ones sent with
		 * their lengths */
		print_mmsgvec(b, t, v, failed ? (long)MIN(a->a[2], 1024ULL) : ret, false, !failed);
	} else if (!strcmp(k, "mmsgvec_out")) {
		if (failed)
			print_ptr(b, v);
		else
			print_mmsgvec(b, t, v, ret, true, true);
	} else if (!strcmp(k, "sockoptlevel")) {
		print_xval(b, (u32)v, sol_levels, ARRAY_SIZE(sol_levels), "SOL_??");
	} else if (!strcmp(k, "sockoptname")) {
		print_optname(b, (int)a->a[1], (u32)v);
	} else if (!strcmp(k, "sockopt_in")) {
		print_optval(b, t, (int)a->a[1], (u32)a->a[2], v, (int)a->a[4], false);
	} else if (!strcmp(k, "sockopt_out")) {
		int rlen;
		if (failed || !a->a[4] || copy_from_user(t->mm, &rlen, a->a[4], sizeof(rlen)) < 0)
			print_ptr(b, v);
		else
			print_optval(b, t, (int)a->a[1], (u32)a->a[2], v, rlen, true);
	} else {
		return false;
	}
	return true;
}
