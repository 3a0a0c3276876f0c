/* poweroff: reboot(2) with POWER_OFF (argv[1] "halt": HALT) ends ./linux
 * with status 0. */
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>

int main(int argc, char **argv)
{
	printf("powering off\n");
	fflush(stdout);
	reboot(argc > 1 && !strcmp(argv[1], "halt") ? RB_HALT_SYSTEM : RB_POWER_OFF);
	printf("still here\n");
	return 3;
}
