/* socket(2) and socketpair(2) before any address family exists.
 *
 * vmcore has no socket families yet (AF_UNIX, AF_INET and netlink are
 * issue 13's work).  A Linux kernel built without a family answers
 * socket() for it with EAFNOSUPPORT, and that is what these calls say for
 * every family, after the checks Linux makes first (EINVAL for a type
 * with unknown flags or out of range).  Programs handle it as they would
 * on such a kernel: libaudit and syslog carry on without their socket,
 * where ENOSYS made PAM's su and runuser fail with "System error". */
#include <vmcore/syscall.h>
#include <sys/socket.h>

#define SOCK_TYPE_MASK 0xf

static long check_type(u64 type)
{
	if (type & ~(u64)(SOCK_TYPE_MASK | SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	if ((type & SOCK_TYPE_MASK) == 0 || (type & SOCK_TYPE_MASK) > SOCK_PACKET)
		return -EINVAL;
	return 0;
}

SYSCALL_DEFINE(socket)
{
	long r = check_type(a->a[1]);
	return r < 0 ? r : -EAFNOSUPPORT;
}

SYSCALL_DEFINE(socketpair)
{
	long r = check_type(a->a[1]);
	return r < 0 ? r : -EAFNOSUPPORT;
}
