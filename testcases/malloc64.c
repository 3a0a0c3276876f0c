/* malloc64: 64 MiB from malloc, every page touched and checked. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	size_t n = 64UL << 20;
	unsigned char *p = malloc(n);
	if (!p) {
		printf("malloc failed\n");
		return 1;
	}
	for (size_t i = 0; i < n; i += 4096)
		p[i] = (unsigned char)(i >> 12);
	unsigned long sum = 0;
	for (size_t i = 0; i < n; i += 4096) {
		if (p[i] != (unsigned char)(i >> 12)) {
			printf("bad byte at %zu\n", i);
			return 1;
		}
		sum += p[i];
	}
	free(p);
	printf("touched %zu pages, checksum %lu\n", n / 4096, sum);
	return 0;
}
