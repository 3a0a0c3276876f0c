/* gdb execer: execs the program named by argv[1] with the argument
 * "from-execer". */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 1;
	printf("execer: exec %s\n", argv[1]);
	fflush(stdout);
	execl(argv[1], argv[1], "from-execer", (char *)NULL);
	perror("execl");
	return 1;
}
