/* memhog: allocate (and touch) 1 MiB chunks until malloc fails or
 * argv[1] MiB are reached.  Under mem=32M it must hear ENOMEM first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	int limit = argc > 1 ? atoi(argv[1]) : 1024, n = 0;
	for (; n < limit; n++) {
		errno = 0;
		char *p = malloc(1 << 20);
		if (!p) {
			printf("ENOMEM after %d MiB (errno %s)\n", n, errno == ENOMEM ? "ENOMEM" : "other");
			return 0;
		}
		memset(p, 0x5a, 1 << 20);
	}
	printf("limit reached: %d MiB\n", n);
	return 0;
}
