/* NETLINK_ROUTE: the links, addresses and routes of the devices of
 * netdev.c, as Linux's rtnetlink, ipv4/devinet, ipv6/addrconf and the
 * FIB dumps answer them.
 *
 * The routes are not a table of their own: they are derived from the
 * addresses, as Linux's kernel routes are (fib_add_ifaddr for IPv4,
 * addrconf for IPv6).  For an up device's IPv4 address A/len: in the
 * local table "local A", and for a loopback device "local NET/len", and
 * below /31 "broadcast NET|~mask"; for a device that is no loopback
 * "NET/len proto kernel scope link src A" in the main table.  For an IPv6
 * address: "local A" in the local table (and, for other devices, the
 * prefix in the main table, metric 256).  So a host with only lo has
 * the four local routes Linux 6.x shows and no main ones.  Dumps come
 * in Linux's order: IPv4 before IPv6, the main table before the local
 * one, each by address.  A dump of AF_UNSPEC is every family's.
 *
 * Requests of kinds other than GET need CAP_NET_ADMIN (EPERM) and are
 * then EOPNOTSUPP, as are the GETs not written here (qdiscs, GETADDR of
 * one address...).  RTM_GETRULE dumps the default policy rules, and
 * RTM_GETNEIGH an empty table. */
#include <vmcore/netlink.h>
#include <vmcore/netdev.h>
#include <vmcore/task.h>
#include <vmcore/cred.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/fib_rules.h>
#include <stdlib.h>
#include <string.h>

#define CAP_NET_ADMIN 12
#define INFINITY_LIFE_TIME 0xFFFFFFFFu
#define IF_READY 0x80000000 /* an IPv6 device that is up */

static void put_link(struct nl_out *o, struct net_device *d, u16 flags, u32 seq)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_type = d->type, .ifi_index = d->ifindex,
				 .ifi_flags = netdev_get_flags(d) };
	nlmsg_begin(o, RTM_NEWLINK, flags, seq, &ifi, sizeof(ifi));
	nla_put_str(o, IFLA_IFNAME, d->name);
	nla_put_u32(o, IFLA_TXQLEN, d->txqueuelen);
	nla_put_u8(o, IFLA_OPERSTATE, d->operstate);
	nla_put_u8(o, IFLA_LINKMODE, 0);
	nla_put_u32(o, IFLA_MTU, d->mtu);
	nla_put_u32(o, IFLA_MIN_MTU, d->min_mtu);
	nla_put_u32(o, IFLA_MAX_MTU, d->max_mtu);
	nla_put_u32(o, IFLA_GROUP, 0);
	nla_put_u32(o, IFLA_PROMISCUITY, !!(d->flags & IFF_PROMISC));
	nla_put_u32(o, IFLA_ALLMULTI, !!(d->flags & IFF_ALLMULTI));
	nla_put_u32(o, IFLA_NUM_TX_QUEUES, 1);
	/* the offload limits Linux 6.x gives a software device */
	nla_put_u32(o, IFLA_GSO_MAX_SEGS, 65535);
	nla_put_u32(o, IFLA_GSO_MAX_SIZE, 65536);
	nla_put_u32(o, IFLA_GRO_MAX_SIZE, 65536);
	nla_put_u32(o, 63 /* IFLA_GSO_IPV4_MAX_SIZE */, 65536);
	nla_put_u32(o, 64 /* IFLA_GRO_IPV4_MAX_SIZE */, 65536);
	nla_put_u32(o, IFLA_TSO_MAX_SIZE, 524280);
	nla_put_u32(o, IFLA_TSO_MAX_SEGS, 65535);
	nla_put_u32(o, IFLA_NUM_RX_QUEUES, 1);
	nla_put_u8(o, IFLA_CARRIER, d->carrier);
	nla_put_u32(o, IFLA_CARRIER_CHANGES, 0);
	nla_put_u8(o, IFLA_PROTO_DOWN, 0);
	nla_put(o, IFLA_ADDRESS, d->addr, d->addr_len);
	nla_put(o, IFLA_BROADCAST, d->broadcast, d->addr_len);
	/* the counters: nothing moves over the devices yet */
	u8 zero[200] = { 0 };
	nla_put(o, IFLA_STATS64, zero, 200);
	nla_put(o, IFLA_STATS, zero, 96);
	nla_put_str(o, IFLA_QDISC, d->qdisc);
	/* IPv6's part: how addresses are made (`ip -d link`'s addrgenmode) */
	size_t spec = nla_nest_start(o, IFLA_AF_SPEC);
	size_t in6 = nla_nest_start(o, AF_INET6);
	nla_put_u32(o, IFLA_INET6_FLAGS, IF_READY);
	nla_put_u8(o, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_EUI64);
	nla_nest_end(o, in6);
	nla_nest_end(o, spec);
	nla_put(o, IFLA_MAP, zero, sizeof(struct rtnl_link_ifmap));
	nlmsg_end(o);
}

static int get_link(struct nl_out *o, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_flags & NLM_F_DUMP) {
		for (struct net_device *d = netdev_first(); d; d = d->next)
			put_link(o, d, NLM_F_MULTI, nlh->nlmsg_seq);
		return NL_DUMPED;
	}
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EINVAL;
	const struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	struct net_device *d = NULL;
	size_t len;
	const char *name = nlmsg_attr(nlh, sizeof(*ifi), IFLA_IFNAME, &len);
	if (ifi->ifi_index > 0) {
		d = netdev_by_index(ifi->ifi_index);
	} else if (name) {
		char buf[NETDEV_NAMSIZ] = { 0 };
		memcpy(buf, name, MIN(len, sizeof(buf) - 1));
		d = netdev_by_name(buf);
	} else {
		return -EINVAL;
	}
	if (!d)
		return -ENODEV;
	put_link(o, d, 0, nlh->nlmsg_seq);
	return 0;
}

static void put_cacheinfo(struct nl_out *o, u16 type, u32 cstamp)
{
	struct ifa_cacheinfo ci = { .ifa_prefered = INFINITY_LIFE_TIME, .ifa_valid = INFINITY_LIFE_TIME,
				    .cstamp = cstamp, .tstamp = cstamp };
	nla_put(o, type, &ci, sizeof(ci));
}

static int get_addr(struct nl_out *o, const struct nlmsghdr *nlh)
{
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		return -EOPNOTSUPP;
	int family = nlh->nlmsg_len >= NLMSG_LENGTH(1) ? *(const u8 *)NLMSG_DATA(nlh) : AF_UNSPEC;
	if (family == AF_UNSPEC || family == AF_INET)
		for (struct net_device *d = netdev_first(); d; d = d->next)
			for (int i = 0; i < d->n4; i++) {
				struct in_ifaddr *a = &d->ifa4[i];
				struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = a->prefixlen,
							 .ifa_flags = (u8)a->flags, .ifa_scope = a->scope,
							 .ifa_index = d->ifindex };
				nlmsg_begin(o, RTM_NEWADDR, NLM_F_MULTI, nlh->nlmsg_seq, &ifa, sizeof(ifa));
				nla_put(o, IFA_ADDRESS, &a->local, 4);
				nla_put(o, IFA_LOCAL, &a->local, 4);
				if (a->broadcast)
					nla_put(o, IFA_BROADCAST, &a->broadcast, 4);
				nla_put_str(o, IFA_LABEL, a->label);
				nla_put_u32(o, IFA_FLAGS, a->flags);
				put_cacheinfo(o, IFA_CACHEINFO, a->cstamp);
				nlmsg_end(o);
			}
	if (family == AF_UNSPEC || family == AF_INET6)
		for (struct net_device *d = netdev_first(); d; d = d->next)
			for (int i = 0; i < d->n6; i++) {
				struct inet6_ifaddr *a = &d->ifa6[i];
				struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_prefixlen = a->prefixlen,
							 .ifa_flags = (u8)a->flags, .ifa_scope = a->scope,
							 .ifa_index = d->ifindex };
				nlmsg_begin(o, RTM_NEWADDR, NLM_F_MULTI, nlh->nlmsg_seq, &ifa, sizeof(ifa));
				nla_put(o, IFA_ADDRESS, &a->addr, 16);
				put_cacheinfo(o, IFA_CACHEINFO, a->cstamp);
				nla_put_u32(o, IFA_FLAGS, a->flags);
				if (a->proto)
					nla_put_u8(o, IFA_PROTO, a->proto);
				nlmsg_end(o);
			}
	return NL_DUMPED;
}

/* ---- routes ---- */

struct route {
	u8 family, dst_len, table, scope, type;
	u8 dst[16], prefsrc[16];
	u32 metric;
	int oif;
};

static int route_cmp(const void *pa, const void *pb)
{
	const struct route *a = pa, *b = pb;
	if (a->family != b->family)
		return a->family - b->family;
	/* main (254) before local (255), as the FIB dumps its tables */
	if (a->table != b->table)
		return a->table - b->table;
	int c = memcmp(a->dst, b->dst, a->family == AF_INET ? 4 : 16);
	if (c)
		return c;
	return a->dst_len - b->dst_len;
}

static int collect_routes(struct route *r, int max)
{
	int n = 0;
#define ADD(x)                                                                                                    \
	do {                                                                                                      \
		if (n < max)                                                                                      \
			r[n++] = (x);                                                                             \
	} while (0)
	for (struct net_device *d = netdev_first(); d; d = d->next) {
		if (!(d->flags & IFF_UP))
			continue;
		bool loop = d->flags & IFF_LOOPBACK;
		for (int i = 0; i < d->n4; i++) {
			struct in_ifaddr *a = &d->ifa4[i];
			u32 mask = a->prefixlen ? htonl(~0u << (32 - a->prefixlen)) : 0;
			u32 net = a->local & mask, brd = net | ~mask;
			struct route x = { .family = AF_INET, .oif = d->ifindex };
			memcpy(x.prefsrc, &a->local, 4);
			x.table = RT_TABLE_LOCAL, x.dst_len = 32, x.scope = RT_SCOPE_HOST, x.type = RTN_LOCAL;
			memcpy(x.dst, &a->local, 4);
			ADD(x);
			if (net && (net != a->local || a->prefixlen < 32)) {
				struct route p = x;
				memcpy(p.dst, &net, 4);
				p.dst_len = a->prefixlen;
				if (loop) {
					p.table = RT_TABLE_LOCAL, p.scope = RT_SCOPE_HOST, p.type = RTN_LOCAL;
				} else {
					p.table = RT_TABLE_MAIN, p.scope = RT_SCOPE_LINK, p.type = RTN_UNICAST;
				}
				ADD(p);
				if (a->prefixlen < 31) {
					struct route b = x;
					memcpy(b.dst, &brd, 4);
					b.scope = RT_SCOPE_LINK, b.type = RTN_BROADCAST;
					ADD(b);
				}
			}
		}
		for (int i = 0; i < d->n6; i++) {
			struct inet6_ifaddr *a = &d->ifa6[i];
			struct route x = { .family = AF_INET6, .oif = d->ifindex, .table = RT_TABLE_LOCAL,
					   .dst_len = 128, .scope = RT_SCOPE_UNIVERSE, .type = RTN_LOCAL };
			memcpy(x.dst, &a->addr, 16);
			ADD(x);
			if (!loop && a->prefixlen < 128) {
				struct route p = x;
				p.table = RT_TABLE_MAIN, p.type = RTN_UNICAST, p.dst_len = a->prefixlen, p.metric = 256;
				for (int k = 0; k < 16; k++) {
					int bits = a->prefixlen - 8 * k;
					p.dst[k] &= bits >= 8 ? 0xff : bits <= 0 ? 0 : (u8)(0xff << (8 - bits));
				}
				ADD(p);
			}
		}
	}
#undef ADD
	qsort(r, n, sizeof(*r), route_cmp);
	return n;
}

static void put_route(struct nl_out *o, const struct route *x, u32 seq)
{
	struct rtmsg rtm = { .rtm_family = x->family, .rtm_dst_len = x->dst_len, .rtm_table = x->table,
			     .rtm_protocol = RTPROT_KERNEL, .rtm_scope = x->scope, .rtm_type = x->type };
	int alen = x->family == AF_INET ? 4 : 16;
	nlmsg_begin(o, RTM_NEWROUTE, NLM_F_MULTI, seq, &rtm, sizeof(rtm));
	nla_put_u32(o, RTA_TABLE, x->table);
	if (x->dst_len)
		nla_put(o, RTA_DST, x->dst, alen);
	if (x->family == AF_INET) {
		nla_put(o, RTA_PREFSRC, x->prefsrc, 4);
		nla_put_u32(o, RTA_OIF, x->oif);
	} else {
		nla_put_u32(o, RTA_PRIORITY, x->metric);
		nla_put_u32(o, RTA_OIF, x->oif);
		struct rta_cacheinfo ci = { 0 };
		nla_put(o, RTA_CACHEINFO, &ci, sizeof(ci));
		nla_put_u8(o, RTA_PREF, 0); /* ICMPV6_ROUTER_PREF_MEDIUM */
	}
	nlmsg_end(o);
}

/* `ip route get`: the route a packet to RTA_DST would take, as Linux's
 * inet_rtm_getroute / inet6_rtm_getroute answer it (a cloned cache entry
 * for IPv4).  A local address goes over lo from itself (127/8 from lo's
 * own address); another one by the longest main-table prefix of an up
 * device; else ENETUNREACH. */
static int route_lookup(struct nl_out *o, struct task *t, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return -EINVAL;
	const struct rtmsg *req = NLMSG_DATA(nlh);
	int family = req->rtm_family;
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	int alen = family == AF_INET ? 4 : 16;
	size_t len;
	const u8 *dstp = nlmsg_attr(nlh, sizeof(*req), RTA_DST, &len);
	u8 dst[16] = { 0 };
	if (dstp && len >= (size_t)alen)
		memcpy(dst, dstp, alen);
	struct route r[64];
	int n = collect_routes(r, 64);
	const struct route *best = NULL;
	for (int i = 0; i < n; i++) {
		const struct route *x = &r[i];
		if (x->family != family || x->type == RTN_BROADCAST)
			continue;
		bool in = true;
		for (int b = 0; b < x->dst_len && in; b++)
			in = ((x->dst[b / 8] ^ dst[b / 8]) & (0x80 >> (b % 8))) == 0;
		/* the local table first, then the longest prefix */
		if (in && (!best || (x->table == RT_TABLE_LOCAL && best->table != RT_TABLE_LOCAL) ||
			   (x->table == best->table && x->dst_len > best->dst_len)))
			best = x;
	}
	if (!best)
		return -ENETUNREACH;
	struct rtmsg rtm = { .rtm_family = family, .rtm_dst_len = alen * 8, .rtm_type = best->type };
	struct rta_cacheinfo ci = { .rta_clntref = 2 };
	if (family == AF_INET) {
		rtm.rtm_table = RT_TABLE_MAIN;
		rtm.rtm_flags = RTM_F_CLONED | (best->type == RTN_LOCAL ? 0x80000000u /* RTCF_LOCAL */ : 0);
		nlmsg_begin(o, RTM_NEWROUTE, 0, nlh->nlmsg_seq, &rtm, sizeof(rtm));
		nla_put_u32(o, RTA_TABLE, RT_TABLE_MAIN);
		nla_put(o, RTA_DST, dst, 4);
		nla_put_u32(o, RTA_OIF, best->oif);
		nla_put(o, RTA_PREFSRC, best->type == RTN_LOCAL && netdev_is_local_addr4(*(u32 *)dst) &&
						best->dst_len == 32 ? dst : best->prefsrc, 4);
		nla_put_u32(o, RTA_UID, t ? t->uid : 0);
		nla_put(o, RTA_CACHEINFO, &ci, sizeof(ci));
	} else {
		static const u8 any[16];
		rtm.rtm_src_len = 128;
		rtm.rtm_table = best->table;
		rtm.rtm_protocol = RTPROT_KERNEL;
		nlmsg_begin(o, RTM_NEWROUTE, 0, nlh->nlmsg_seq, &rtm, sizeof(rtm));
		nla_put_u32(o, RTA_TABLE, best->table);
		nla_put(o, RTA_DST, dst, 16);
		nla_put(o, RTA_SRC, any, 16);
		nla_put(o, RTA_PREFSRC, best->type == RTN_LOCAL ? dst : best->prefsrc, 16);
		nla_put_u32(o, RTA_PRIORITY, best->metric);
		nla_put_u32(o, RTA_OIF, best->oif);
		nla_put(o, RTA_CACHEINFO, &ci, sizeof(ci));
		nla_put_u8(o, RTA_PREF, 0);
	}
	nlmsg_end(o);
	return 0;
}

static int get_route(struct nl_out *o, struct task *t, const struct nlmsghdr *nlh)
{
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		return route_lookup(o, t, nlh);
	int family = nlh->nlmsg_len >= NLMSG_LENGTH(1) ? *(const u8 *)NLMSG_DATA(nlh) : AF_UNSPEC;
	struct route r[64];
	int n = collect_routes(r, 64);
	for (int i = 0; i < n; i++)
		if (family == AF_UNSPEC || family == r[i].family)
			put_route(o, &r[i], nlh->nlmsg_seq);
	return NL_DUMPED;
}

/* the policy rules of a fresh namespace: 0 lookup local, 32766 lookup
 * main, and for IPv4 32767 lookup default (fib_default_rules_init) */
static int get_rule(struct nl_out *o, const struct nlmsghdr *nlh)
{
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		return -EOPNOTSUPP;
	int family = *(const u8 *)NLMSG_DATA(nlh);
	static const struct { u8 table; u32 prio; } rules[] = {
		{ RT_TABLE_LOCAL, 0 }, { RT_TABLE_MAIN, 32766 }, { RT_TABLE_DEFAULT, 32767 },
	};
	for (int f = 0; f < 2; f++) {
		int fam = f ? AF_INET6 : AF_INET;
		if (family != AF_UNSPEC && family != fam)
			continue;
		for (int i = 0; i < (fam == AF_INET ? 3 : 2); i++) {
			struct fib_rule_hdr h = { .family = fam, .table = rules[i].table, .action = FR_ACT_TO_TBL };
			nlmsg_begin(o, RTM_NEWRULE, NLM_F_MULTI, nlh->nlmsg_seq, &h, sizeof(h));
			nla_put_u32(o, FRA_TABLE, rules[i].table);
			nla_put_u32(o, FRA_SUPPRESS_PREFIXLEN, 0xffffffff);
			nla_put_u8(o, FRA_PROTOCOL, RTPROT_KERNEL);
			if (rules[i].prio)
				nla_put_u32(o, FRA_PRIORITY, rules[i].prio);
			nlmsg_end(o);
		}
	}
	return NL_DUMPED;
}

static int rtnl_rcv(struct nl_out *o, struct task *t, const struct nlmsghdr *nlh)
{
	int type = nlh->nlmsg_type;
	if (type > RTM_MAX)
		return -EOPNOTSUPP;
	/* a request shorter than its family byte is skipped, as Linux's */
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtgenmsg)))
		return 0;
	int kind = (type - RTM_BASE) & 3;
	if (kind != 2 && !capable(t, CAP_NET_ADMIN))
		return -EPERM;
	switch (type) {
	case RTM_GETLINK:
		return get_link(o, nlh);
	case RTM_GETADDR:
		return get_addr(o, nlh);
	case RTM_GETROUTE:
		return get_route(o, t, nlh);
	case RTM_GETRULE:
		return get_rule(o, nlh);
	case RTM_GETNEIGH: /* lo has no neighbours: an empty dump */
		return nlh->nlmsg_flags & NLM_F_DUMP ? NL_DUMPED : -EOPNOTSUPP;
	}
	return -EOPNOTSUPP;
}

const struct nl_proto rtnetlink_proto = { .protocol = NETLINK_ROUTE, .rcv = rtnl_rcv };
