/* The machine's names (Linux's UTS namespace, one for the guest): what
 * uname(2) reports, sethostname/setdomainname change, and
 * /proc/sys/kernel/{hostname,domainname} read and write.  At most 64
 * bytes each, NUL-terminated. */
#ifndef VMCORE_UTS_H
#define VMCORE_UTS_H
#define UTS_LEN 64
extern char hostname[UTS_LEN + 1], domainname[UTS_LEN + 1];
#endif
