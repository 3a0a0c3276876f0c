/* gdb execd: the program that execer execs; target_marker() is where the
 * test stops it. */
#include <stdio.h>
#include <string.h>

int target_marker(const char *arg)
{
	return (int)strlen(arg);        /* @marker */
}

int main(int argc, char **argv)
{
	printf("execd: %s %d\n", argc > 1 ? argv[1] : "-", target_marker(argc > 1 ? argv[1] : ""));
	return 0;
}
