/* The registry of network devices (netdev.h).
 *
 * A singly linked list in ifindex order, under the BKL.  Indexes are
 * handed out from 1 and never reused, as Linux's per-namespace counter;
 * the loopback device is registered at start-up with what Linux gives it
 * (loopback_setup and the inet/inet6 address code): type ARPHRD_LOOPBACK,
 * flags LOOPBACK|UP (RUNNING and LOWER_UP are derived from the carrier,
 * as dev_get_flags does), MTU 65536, queue length 1000, qdisc "noqueue",
 * operstate UNKNOWN, an all-zero hardware address, 127.0.0.1/8 scope host
 * and ::1/128 scope host, both permanent. */
#include <vmcore/netdev.h>
#include <vmcore/ktime.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <string.h>

static struct net_device *devices;
static int last_ifindex;
static struct net_device loopback;

u32 netdev_cstamp_now(void)
{
	return (u32)(ktime_ns() / 10000000ULL);
}

struct net_device *netdev_first(void)
{
	return devices;
}

struct net_device *netdev_by_index(int ifindex)
{
	for (struct net_device *d = devices; d; d = d->next)
		if (d->ifindex == ifindex)
			return d;
	return NULL;
}

struct net_device *netdev_by_name(const char *name)
{
	for (struct net_device *d = devices; d; d = d->next)
		if (!strncmp(d->name, name, NETDEV_NAMSIZ))
			return d;
	return NULL;
}

int netdev_register(struct net_device *dev)
{
	if (netdev_by_name(dev->name))
		return -EEXIST;
	dev->ifindex = ++last_ifindex;
	dev->cstamp = netdev_cstamp_now();
	dev->next = NULL;
	struct net_device **pp = &devices;
	while (*pp)
		pp = &(*pp)->next;
	*pp = dev;
	return 0;
}

int netdev_add_addr4(struct net_device *dev, u32 local, int prefixlen, int scope)
{
	if (dev->n4 == NETDEV_MAX_IFA)
		return -ENOBUFS;
	struct in_ifaddr *ifa = &dev->ifa4[dev->n4++];
	memset(ifa, 0, sizeof(*ifa));
	ifa->local = local;
	ifa->prefixlen = prefixlen;
	ifa->scope = scope;
	ifa->flags = IFA_F_PERMANENT;
	/* a broadcast address only where the device broadcasts */
	if ((dev->flags & IFF_BROADCAST) && prefixlen < 31)
		ifa->broadcast = local | htonl(prefixlen ? ~0u >> prefixlen : ~0u);
	memcpy(ifa->label, dev->name, NETDEV_NAMSIZ);
	ifa->cstamp = netdev_cstamp_now();
	return 0;
}

int netdev_add_addr6(struct net_device *dev, const struct in6_addr *a, int prefixlen, int scope, int proto)
{
	if (dev->n6 == NETDEV_MAX_IFA)
		return -ENOBUFS;
	struct inet6_ifaddr *ifa = &dev->ifa6[dev->n6++];
	memset(ifa, 0, sizeof(*ifa));
	ifa->addr = *a;
	ifa->prefixlen = prefixlen;
	ifa->scope = scope;
	ifa->flags = IFA_F_PERMANENT;
	ifa->proto = proto;
	ifa->cstamp = netdev_cstamp_now();
	return 0;
}

unsigned netdev_get_flags(const struct net_device *dev)
{
	unsigned f = dev->flags;
	if ((f & IFF_UP) && dev->carrier)
		f |= IFF_RUNNING | IFF_LOWER_UP;
	return f;
}

/* what SIOCSIFFLAGS may change (Linux's __dev_change_flags; PROMISC and
 * ALLMULTI are counters there, plain bits here) */
#define IFF_CHANGEABLE                                                                                            \
	(IFF_UP | IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC | IFF_MULTICAST | IFF_PORTSEL |             \
	 IFF_AUTOMEDIA | IFF_PROMISC | IFF_ALLMULTI)

int netdev_change_flags(struct net_device *dev, unsigned flags)
{
	dev->flags = (dev->flags & ~IFF_CHANGEABLE) | (flags & IFF_CHANGEABLE);
	return 0;
}

static bool in_prefix4(u32 a, u32 net, int len)
{
	u32 mask = len ? htonl(~0u << (32 - len)) : 0;
	return (a & mask) == (net & mask);
}

bool netdev_is_local_addr4(u32 addr_be)
{
	for (struct net_device *d = devices; d; d = d->next) {
		if (!(d->flags & IFF_UP))
			continue;
		for (int i = 0; i < d->n4; i++) {
			/* a loopback address's whole prefix is local (the
			 * "local 127.0.0.0/8" route) */
			if (d->ifa4[i].local == addr_be ||
			    ((d->flags & IFF_LOOPBACK) && in_prefix4(addr_be, d->ifa4[i].local, d->ifa4[i].prefixlen)))
				return true;
		}
	}
	return false;
}

bool netdev_is_local_addr6(const struct in6_addr *a)
{
	for (struct net_device *d = devices; d; d = d->next) {
		if (!(d->flags & IFF_UP))
			continue;
		for (int i = 0; i < d->n6; i++)
			if (!memcmp(&d->ifa6[i].addr, a, sizeof(*a)))
				return true;
	}
	return false;
}

__attribute__((constructor)) static void loopback_init(void)
{
	struct net_device *lo = &loopback;
	strcpy(lo->name, "lo");
	lo->type = ARPHRD_LOOPBACK;
	lo->flags = IFF_LOOPBACK | IFF_UP;
	lo->carrier = true;
	lo->mtu = 65536;
	lo->min_mtu = lo->max_mtu = 0; /* as Linux shows lo's: no bounds */
	lo->txqueuelen = 1000;
	lo->addr_len = 6; /* ETH_ALEN, all zero */
	lo->qdisc = "noqueue";
	lo->operstate = IF_OPER_UNKNOWN;
	netdev_register(lo);
	netdev_add_addr4(lo, htonl(INADDR_LOOPBACK), 8, RT_SCOPE_HOST);
	netdev_add_addr6(lo, &in6addr_loopback, 128, RT_SCOPE_HOST, IFAPROT_KERNEL_LO);
}
