/* The interface ioctls of sockets (SIOCGIF*, SIOCSIFFLAGS).
 *
 * Linux answers these for a socket of any family (dev_ioctl, after the
 * family's own ioctl declined): the generic layer (socket.c's sock_ioctl)
 * calls dev_ioctl first, and what is not an interface ioctl comes back
 * as -ENOIOCTLCMD for the family.  The order of the checks is Linux's:
 * the struct ifreq is copied in (EFAULT), then the capability of a set
 * (EPERM), then the device is looked up by name (ENODEV).  The address
 * ioctls (SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFBRDADDR, SIOCGIFDSTADDR)
 * are AF_INET's in Linux (devinet_ioctl): on other sockets they are the
 * family's (ENOTTY), on AF_INET ones they are answered here from the
 * device's first IPv4 address (or the one whose label is the name:
 * "lo:1"), EADDRNOTAVAIL without one.  SIOCGIFCONF lists the IPv4
 * addresses of every device, as inet_gifconf. */
#include <vmcore/netdev.h>
#include <vmcore/task.h>
#include <vmcore/mm.h>
#include <vmcore/cred.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/socket.h>

#define CAP_NET_ADMIN 12

static struct in_ifaddr *ifa_by_label(struct net_device *dev, const char *label)
{
	for (int i = 0; i < dev->n4; i++)
		if (!strncmp(dev->ifa4[i].label, label, IFNAMSIZ))
			return &dev->ifa4[i];
	return NULL;
}

static void put_sin(struct sockaddr *sa, u32 addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
}

static long ifconf(struct task *t, u64 arg)
{
	struct ifconf ifc;
	if (copy_from_user(t->mm, &ifc, arg, sizeof(ifc)) < 0)
		return -EFAULT;
	int done = 0;
	for (struct net_device *d = netdev_first(); d; d = d->next)
		for (int i = 0; i < d->n4; i++) {
			if (!ifc.ifc_buf) {
				done += sizeof(struct ifreq);
				continue;
			}
			if (ifc.ifc_len - done < (int)sizeof(struct ifreq))
				goto out;
			struct ifreq r;
			memset(&r, 0, sizeof(r));
			memcpy(r.ifr_name, d->ifa4[i].label, IFNAMSIZ);
			put_sin(&r.ifr_addr, d->ifa4[i].local);
			if (copy_to_user(t->mm, (u64)ifc.ifc_buf + done, &r, sizeof(r)) < 0)
				return -EFAULT;
			done += sizeof(r);
		}
out:
	ifc.ifc_len = done;
	return copy_to_user(t->mm, arg, &ifc, sizeof(ifc)) < 0 ? -EFAULT : 0;
}

/* AF_INET's address ioctls */
static long inet_ifaddr(struct net_device *dev, unsigned cmd, struct ifreq *r)
{
	struct in_ifaddr *ifa = ifa_by_label(dev, r->ifr_name);
	if (!ifa && !strchr(r->ifr_name, ':') && dev->n4)
		ifa = &dev->ifa4[0];
	if (!ifa)
		return -EADDRNOTAVAIL;
	memset(&r->ifr_ifru, 0, sizeof(r->ifr_ifru));
	switch (cmd) {
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR: /* the peer; a non point-to-point one is itself */
		put_sin(&r->ifr_addr, ifa->local);
		break;
	case SIOCGIFBRDADDR:
		put_sin(&r->ifr_broadaddr, ifa->broadcast);
		break;
	case SIOCGIFNETMASK:
		put_sin(&r->ifr_netmask, ifa->prefixlen ? htonl(~0u << (32 - ifa->prefixlen)) : 0);
		break;
	}
	return 0;
}

long dev_ioctl(struct task *t, int family, unsigned cmd, u64 arg)
{
	bool inet_addr = false;
	switch (cmd) {
	case SIOCGIFCONF:
		return ifconf(t, arg);
	case SIOCGIFADDR:
	case SIOCGIFDSTADDR:
	case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
		if (family != AF_INET)
			return -ENOIOCTLCMD;
		inet_addr = true;
		break;
	case SIOCGIFNAME:
	case SIOCGIFFLAGS:
	case SIOCSIFFLAGS:
	case SIOCGIFMETRIC:
	case SIOCGIFMTU:
	case SIOCGIFHWADDR:
	case SIOCGIFINDEX:
	case SIOCGIFTXQLEN:
	case SIOCGIFMAP:
		break;
	default:
		return -ENOIOCTLCMD;
	}
	struct ifreq r;
	if (copy_from_user(t->mm, &r, arg, sizeof(r)) < 0)
		return -EFAULT;
	struct net_device *dev;
	if (cmd == SIOCGIFNAME) {
		if (!(dev = netdev_by_index(r.ifr_ifindex)))
			return -ENODEV;
		memcpy(r.ifr_name, dev->name, IFNAMSIZ);
		return copy_to_user(t->mm, arg, &r, sizeof(r)) < 0 ? -EFAULT : 0;
	}
	r.ifr_name[IFNAMSIZ - 1] = 0;
	char name[IFNAMSIZ];
	memcpy(name, r.ifr_name, IFNAMSIZ);
	char *colon = strchr(name, ':'); /* an alias label names its device */
	if (colon)
		*colon = 0;
	if (cmd == SIOCSIFFLAGS && !capable(t, CAP_NET_ADMIN))
		return -EPERM;
	if (!(dev = netdev_by_name(name)))
		return -ENODEV;
	long e = 0;
	switch (cmd) {
	case SIOCGIFFLAGS:
		r.ifr_flags = (short)netdev_get_flags(dev);
		break;
	case SIOCSIFFLAGS:
		/* ifr_flags is a short: the high flags stay as they are */
		return netdev_change_flags(dev, (dev->flags & ~0xffffu) | (u16)r.ifr_flags);
	case SIOCGIFMETRIC:
		r.ifr_metric = 0;
		break;
	case SIOCGIFMTU:
		r.ifr_mtu = dev->mtu;
		break;
	case SIOCGIFHWADDR:
		memset(&r.ifr_hwaddr, 0, sizeof(r.ifr_hwaddr));
		r.ifr_hwaddr.sa_family = dev->type;
		memcpy(r.ifr_hwaddr.sa_data, dev->addr, MIN(dev->addr_len, (int)sizeof(r.ifr_hwaddr.sa_data)));
		break;
	case SIOCGIFINDEX:
		r.ifr_ifindex = dev->ifindex;
		break;
	case SIOCGIFTXQLEN:
		r.ifr_qlen = dev->txqueuelen;
		break;
	case SIOCGIFMAP:
		memset(&r.ifr_map, 0, sizeof(r.ifr_map));
		break;
	default:
		if (inet_addr)
			e = inet_ifaddr(dev, cmd, &r);
		break;
	}
	if (e < 0)
		return e;
	return copy_to_user(t->mm, arg, &r, sizeof(r)) < 0 ? -EFAULT : 0;
}
