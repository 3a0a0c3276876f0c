/* setdomainname(2): the NIS domain of uts.h.  As Linux: EINVAL past 64
 * bytes, EPERM without privilege (euid 0 stands for CAP_SYS_ADMIN until
 * the credentials carry capabilities). */
#include <vmcore/syscall.h>
#include <vmcore/cred.h>
#include <vmcore/uts.h>
#include <string.h>

SYSCALL_DEFINE(setdomainname)
{
	if (!capable(t, CAP_SYS_ADMIN))
		return -EPERM;
	if ((s64)a->a[1] < 0 || a->a[1] > UTS_LEN)
		return -EINVAL;
	char buf[UTS_LEN + 1] = { 0 };
	if (copy_from_user(t->mm, buf, a->a[0], a->a[1]) < 0)
		return -EFAULT;
	memcpy(domainname, buf, sizeof(buf));
	return 0;
}
