/* restart: reboot(2) RESTART boots again in the same host process; the
 * count lives in a file of the hostfs root (argv[1]). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[256], c = '0';
	snprintf(path, sizeof(path), "%s/boots", argc > 1 ? argv[1] : ".");
	int fd = open(path, O_RDWR | O_CREAT, 0644);
	if (read(fd, &c, 1) < 0)
		return 2;
	c++;
	if (pwrite(fd, &c, 1, 0) != 1)
		return 2;
	close(fd);
	printf("boot %c pid %d\n", c, getpid());
	fflush(stdout);
	reboot(c < '3' ? RB_AUTOBOOT : RB_POWER_OFF);
	return 3;
}
