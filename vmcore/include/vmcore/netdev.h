/* Network devices (net/netdev.c): the registry of interfaces the guest
 * sees through the interface ioctls (net/dev_ioctl.c), NETLINK_ROUTE
 * (net/af_netlink.c) and, later, the families that send packets.
 *
 * A device has Linux's identity (name, ifindex, ARPHRD type, flags, MTU,
 * hardware address, queue length) and its IPv4 and IPv6 addresses.  Only
 * `lo` exists today, registered at start-up as Linux's loopback is
 * (ifindex 1, 127.0.0.1/8 and ::1/128); netdev_register takes further
 * devices (an eth0) at the next index.  Everything runs under the BKL. */
#ifndef VMCORE_NETDEV_H
#define VMCORE_NETDEV_H
#include <vmcore/kernel.h>
#include <netinet/in.h>

#define NETDEV_NAMSIZ 16
#define NETDEV_ADDR_MAX 32 /* MAX_ADDR_LEN */
#define NETDEV_MAX_IFA 8

struct in_ifaddr {
	u32 local;      /* network order */
	u32 broadcast;  /* network order; 0: none (lo has none) */
	u8 prefixlen, scope;
	u32 flags;      /* IFA_F_* */
	char label[NETDEV_NAMSIZ];
	u32 cstamp;     /* centiseconds since boot at creation */
};

struct inet6_ifaddr {
	struct in6_addr addr;
	u8 prefixlen, scope;
	u32 flags;
	u8 proto;       /* IFAPROT_*: who made it */
	u32 cstamp;
};

struct net_device {
	char name[NETDEV_NAMSIZ];
	int ifindex;
	u16 type;         /* ARPHRD_* */
	unsigned flags;   /* IFF_* as set (UP, LOOPBACK...); see netdev_get_flags */
	bool carrier;
	int mtu, min_mtu, max_mtu;
	int txqueuelen;
	int addr_len;
	u8 addr[NETDEV_ADDR_MAX], broadcast[NETDEV_ADDR_MAX];
	const char *qdisc;
	u8 operstate;     /* IF_OPER_*: lo is UNKNOWN as Linux's */
	u32 cstamp;
	int n4, n6;
	struct in_ifaddr ifa4[NETDEV_MAX_IFA];
	struct inet6_ifaddr ifa6[NETDEV_MAX_IFA];
	struct net_device *next;
};

/* the devices in ifindex order */
struct net_device *netdev_first(void);
struct net_device *netdev_by_index(int ifindex);
struct net_device *netdev_by_name(const char *name);
/* give dev the next ifindex and put it in the list: 0 or -EEXIST */
int netdev_register(struct net_device *dev);
int netdev_add_addr4(struct net_device *dev, u32 local, int prefixlen, int scope);
int netdev_add_addr6(struct net_device *dev, const struct in6_addr *a, int prefixlen, int scope, int proto);
/* the flags userspace sees: IFF_RUNNING and IFF_LOWER_UP for an up
 * device with carrier, as Linux's dev_get_flags */
unsigned netdev_get_flags(const struct net_device *dev);
/* SIOCSIFFLAGS: change the flags userspace may change: 0 or -errno */
int netdev_change_flags(struct net_device *dev, unsigned flags);
/* whether an address is one of this host's (what a bind may take): any
 * address of an up device, and 127/8 (lo's local route) */
bool netdev_is_local_addr4(u32 addr_be);
bool netdev_is_local_addr6(const struct in6_addr *a);
/* centiseconds since boot (IFA_CACHEINFO's stamps) */
u32 netdev_cstamp_now(void);

/* the interface ioctls of every socket (net/dev_ioctl.c): handles cmd
 * and returns its result, or -ENOIOCTLCMD when cmd is none of them; the
 * address ones (SIOCGIFADDR...) are AF_INET's only, as Linux's */
#ifndef ENOIOCTLCMD
#define ENOIOCTLCMD 515
#endif
struct task;
long dev_ioctl(struct task *t, int family, unsigned cmd, u64 arg);
#endif
