/* malloc64: 64 MiB from malloc, every page written with a pattern, read back and checked, freed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	size_t n = 64UL << 20, words = n / sizeof(uint64_t);
	uint64_t *p = malloc(n);
	if (!p) {
		printf("malloc failed\n");
		return 1;
	}
	/* one word every 64 bytes: every page and every cache line is written */
	for (size_t i = 0; i < words; i += 8)
		p[i] = i * 0x9e3779b97f4a7c15ULL;
	uint64_t sum = 0;
	for (size_t i = 0; i < words; i += 8) {
		if (p[i] != i * 0x9e3779b97f4a7c15ULL) {
			printf("bad word at byte %zu\n", i * 8);
			return 1;
		}
		sum = sum * 31 + (p[i] >> 32);
	}
	free(p);
	printf("touched %zu pages, checksum %016llx\n", n / 4096, (unsigned long long)sum);
	return 0;
}
