/* exitwith STATUS [TEXT]: print TEXT (if given), then exit with STATUS:
 * the outcomes a test runner maps (scripts/vmtest: 0 pass, 77 skip, other
 * statuses fail). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: exitwith STATUS [TEXT]\n");
		return 2;
	}
	if (argc > 2)
		printf("%s\n", argv[2]);
	return atoi(argv[1]);
}
