/* The magic SysRq keys of /proc/sysrq-trigger (root only: the file is
 * 0200, as on Linux).  'c' crashes the kernel on purpose, as Linux's
 * sysrq_handle_crash does (a panic): the oops path and its post-mortem
 * (oops=wait, oops=core; docs/workflows.md) can then be tried and tested
 * from a guest shell: echo c > /proc/sysrq-trigger. */
#include <vmcore/kernel.h>

void handle_sysrq(char key)
{
	switch (key) {
	case 'c':
		printk(KERN_EMERG, "sysrq: Trigger a crash\n");
		panic("sysrq triggered crash");
	case '\n':
		break;
	default:
		printk(KERN_INFO, "sysrq: HELP : crash(c)\n");
		break;
	}
}
