/* The interface ioctls and glibc's interface functions, as a host with
 * only lo shows them.  The host this is compared with has more devices:
 * only lo's answers are printed (SIOCGIFCONF with room for one entry,
 * getifaddrs' and if_nameindex's lo entries).
 * ifreq_lo [unix|netlink|inet|inet6]: the socket the ioctls are made on. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int sock;

static void ioc(const char *what, unsigned long cmd, const char *name)
{
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", name);
	int rc = ioctl(sock, cmd, &r);
	printf("%s %s: %d", what, name, rc);
	if (rc < 0) {
		printf(" %s\n", strerror(errno));
		return;
	}
	switch (cmd) {
	case SIOCGIFFLAGS: printf(" flags %#x", (unsigned short)r.ifr_flags); break;
	case SIOCGIFMTU: printf(" mtu %d", r.ifr_mtu); break;
	case SIOCGIFINDEX: printf(" index %d", r.ifr_ifindex); break;
	case SIOCGIFTXQLEN: printf(" qlen %d", r.ifr_qlen); break;
	case SIOCGIFMETRIC: printf(" metric %d", r.ifr_metric); break;
	case SIOCGIFHWADDR:
		printf(" family %d addr", r.ifr_hwaddr.sa_family);
		for (int i = 0; i < 14; i++)
			printf(" %02x", (unsigned char)r.ifr_hwaddr.sa_data[i]);
		break;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
	case SIOCGIFBRDADDR:
	case SIOCGIFDSTADDR: {
		struct sockaddr_in *sin = (struct sockaddr_in *)&r.ifr_addr;
		printf(" family %d %s", sin->sin_family, inet_ntoa(sin->sin_addr));
		break;
	}
	}
	printf("\n");
}

static void ifconf(void)
{
	struct ifconf c = { .ifc_len = 0, .ifc_buf = NULL };
	int rc = ioctl(sock, SIOCGIFCONF, &c);
	printf("SIOCGIFCONF NULL: %d len>=40 %d multiple %d\n", rc, c.ifc_len >= 40, c.ifc_len % 40 == 0);
	struct ifreq one[2];
	memset(one, 0x55, sizeof(one));
	c.ifc_len = sizeof(one[0]) + 10; /* room for one entry and a bit */
	c.ifc_req = one;
	rc = ioctl(sock, SIOCGIFCONF, &c);
	struct sockaddr_in *sin = (struct sockaddr_in *)&one[0].ifr_addr;
	printf("SIOCGIFCONF one: %d len %d name %s family %d addr %s next untouched %d\n", rc, c.ifc_len,
	       one[0].ifr_name, sin->sin_family, inet_ntoa(sin->sin_addr), ((unsigned char *)&one[1])[0] == 0x55);
	c.ifc_len = 0;
	rc = ioctl(sock, SIOCGIFCONF, &c);
	printf("SIOCGIFCONF zero: %d len %d\n", rc, c.ifc_len);
	c.ifc_len = 80;
	c.ifc_buf = (char *)8;
	rc = ioctl(sock, SIOCGIFCONF, &c);
	printf("SIOCGIFCONF bad buffer: %d %s\n", rc, rc < 0 ? strerror(errno) : "");
	rc = ioctl(sock, SIOCGIFCONF, (void *)8);
	printf("SIOCGIFCONF bad ifconf: %d %s\n", rc, rc < 0 ? strerror(errno) : "");
}

static void names(void)
{
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	r.ifr_ifindex = 1;
	int rc = ioctl(sock, SIOCGIFNAME, &r);
	printf("SIOCGIFNAME 1: %d %s\n", rc, rc ? strerror(errno) : r.ifr_name);
	r.ifr_ifindex = 9999;
	rc = ioctl(sock, SIOCGIFNAME, &r);
	printf("SIOCGIFNAME 9999: %d %s\n", rc, rc ? strerror(errno) : r.ifr_name);
	rc = ioctl(sock, SIOCGIFINDEX, (void *)8);
	printf("SIOCGIFINDEX bad pointer: %d %s\n", rc, rc ? strerror(errno) : "");
	/* a name of 16 bytes without its nul: the 16th is dropped */
	memset(&r, 0, sizeof(r));
	memcpy(r.ifr_name, "lo\0xxxxxxxxxxxxx", 16);
	rc = ioctl(sock, SIOCGIFINDEX, &r);
	printf("SIOCGIFINDEX lo with tail: %d %d\n", rc, r.ifr_ifindex);
	memset(r.ifr_name, 'l', 16);
	rc = ioctl(sock, SIOCGIFINDEX, &r);
	printf("SIOCGIFINDEX 16 letters: %d %s\n", rc, rc ? strerror(errno) : "");
}

static void setflags(void)
{
	struct ifreq r;
	memset(&r, 0, sizeof(r));
	strcpy(r.ifr_name, "lo");
	ioctl(sock, SIOCGIFFLAGS, &r);
	/* lo's own flags again: no change for the host it runs on */
	int rc = ioctl(sock, SIOCSIFFLAGS, &r);
	printf("SIOCSIFFLAGS lo same: %d %s\n", rc, rc ? strerror(errno) : "");
	strcpy(r.ifr_name, "nosuch0");
	rc = ioctl(sock, SIOCSIFFLAGS, &r);
	printf("SIOCSIFFLAGS nosuch0: %d %s\n", rc, rc ? strerror(errno) : "");
	rc = ioctl(sock, SIOCSIFFLAGS, (void *)8);
	printf("SIOCSIFFLAGS bad pointer: %d %s\n", rc, rc ? strerror(errno) : "");
}

static void glibc(void)
{
	printf("if_nametoindex lo %u\n", if_nametoindex("lo"));
	errno = 0;
	unsigned i = if_nametoindex("nosuch0");
	printf("if_nametoindex nosuch0 %u %s\n", i, strerror(errno));
	char buf[IF_NAMESIZE];
	printf("if_indextoname 1 %s\n", if_indextoname(1, buf) ? buf : strerror(errno));
	char *p = if_indextoname(9999, buf);
	printf("if_indextoname 9999 %s\n", p ? p : strerror(errno));
	struct if_nameindex *ni = if_nameindex();
	int n = 0, lo = 0;
	for (struct if_nameindex *x = ni; x && x->if_index; x++, n++)
		if (!strcmp(x->if_name, "lo"))
			lo = x->if_index;
	printf("if_nameindex: some %d lo %d\n", n > 0, lo);
	if_freenameindex(ni);

	struct ifaddrs *ifa;
	if (getifaddrs(&ifa) < 0) {
		printf("getifaddrs: %s\n", strerror(errno));
		return;
	}
	for (struct ifaddrs *x = ifa; x; x = x->ifa_next) {
		if (strcmp(x->ifa_name, "lo"))
			continue;
		int fam = x->ifa_addr ? x->ifa_addr->sa_family : -1;
		printf("getifaddrs lo flags %#x family %d", x->ifa_flags, fam);
		char s[64];
		if (fam == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)x->ifa_addr)->sin_addr, s, sizeof(s));
			printf(" addr %s", s);
			inet_ntop(AF_INET, &((struct sockaddr_in *)x->ifa_netmask)->sin_addr, s, sizeof(s));
			printf(" mask %s", s);
			printf(" broad %s", x->ifa_broadaddr ? "yes" : "no");
		} else if (fam == AF_INET6) {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)x->ifa_addr)->sin6_addr, s, sizeof(s));
			printf(" addr %s", s);
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)x->ifa_netmask)->sin6_addr, s, sizeof(s));
			printf(" mask %s scope %u", s, ((struct sockaddr_in6 *)x->ifa_addr)->sin6_scope_id);
		} else if (fam == AF_PACKET) {
			struct sockaddr_ll *ll = (struct sockaddr_ll *)x->ifa_addr;
			printf(" index %d hatype %d halen %d data %s", ll->sll_ifindex, ll->sll_hatype, ll->sll_halen,
			       x->ifa_data ? "yes" : "no");
		}
		printf("\n");
	}
	freeifaddrs(ifa);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *kind = argc > 1 ? argv[1] : "unix";
	if (!strcmp(kind, "netlink"))
		sock = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	else if (!strcmp(kind, "inet"))
		sock = socket(AF_INET, SOCK_DGRAM, 0);
	else if (!strcmp(kind, "inet6"))
		sock = socket(AF_INET6, SOCK_DGRAM, 0);
	else
		sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sock < 0) {
		perror("socket");
		return 1;
	}
	static const struct { const char *n; unsigned long c; } cmds[] = {
		{ "SIOCGIFFLAGS", SIOCGIFFLAGS }, { "SIOCGIFMTU", SIOCGIFMTU },
		{ "SIOCGIFINDEX", SIOCGIFINDEX }, { "SIOCGIFTXQLEN", SIOCGIFTXQLEN },
		{ "SIOCGIFMETRIC", SIOCGIFMETRIC }, { "SIOCGIFHWADDR", SIOCGIFHWADDR },
		{ "SIOCGIFMAP", SIOCGIFMAP },
		/* AF_INET's: ENOTTY on other sockets */
		{ "SIOCGIFADDR", SIOCGIFADDR }, { "SIOCGIFNETMASK", SIOCGIFNETMASK },
		{ "SIOCGIFBRDADDR", SIOCGIFBRDADDR }, { "SIOCGIFDSTADDR", SIOCGIFDSTADDR },
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		ioc(cmds[i].n, cmds[i].c, "lo");
		ioc(cmds[i].n, cmds[i].c, "nosuch0");
	}
	ioc("SIOCGIFFLAGS", SIOCGIFFLAGS, "lo:0");
	ifconf();
	names();
	setflags();
	glibc();
	return 0;
}
