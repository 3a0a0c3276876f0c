/* Magic SysRq keys (kernel/sysrq.c), as the control console sends them. */
#ifndef VMCORE_SYSRQ_H
#define VMCORE_SYSRQ_H

#include <vmcore/kernel.h>
#include <vmcore/strbuf.h>

/* Carry out key: its report goes to the kernel log and to out.  locked:
 * the caller holds the BKL; without it only the keys that merely read
 * (t, w, m, h) and the ones that end the kernel (b, c) may be given, and
 * the reads say they are lockless.  -EINVAL for a key it does not know.
 * b, c and o do not return. */
int handle_sysrq(int key, struct buf *out, bool locked);
bool sysrq_needs_lock(int key);
const char *sysrq_help(void);

#endif
