/* A vfork parent held while its child sleeps: the parent waits in the
 * kernel, not interruptibly (Linux shows it in D state), until the child
 * exits.  For the control console's sysrq w (test_vmctl.py). */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("vfork_hold: ready\n");
	fflush(stdout);
	pid_t p = vfork();
	if (p == 0) {
		pause(); /* until a signal ends it */
		_exit(0);
	}
	return p < 0;
}
