/* gdb basic: functions with arguments and locals, a global that is written
 * (for watchpoints), a loop, an AVX register with a known value, write(2).
 * The test finds lines by their "@name" markers; -O0 keeps every line. */
#include <string.h>
#include <unistd.h>

int counter;                            /* written in the loop: watched */
const char *greeting = "hello from basic";
int ymm_in[8] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444,
		  0x55555555, 0x66666666, 0x77777777, 0x7eadbeef };
int ymm_out[8];

static int square(int x)
{
	int sq = x * x;                 /* @square */
	return sq;
}

int add(int a, int b)
{
	int sum = a + b;                /* @add */
	return sum;
}

long accumulate(int n, const char *tag)
{
	long total = 0;
	for (int i = 1; i <= n; i++) {
		total += square(i);
		counter = counter + i;  /* @bump */
	}
	return total + (long)strlen(tag); /* @accumulated */
}

/* ymm0 holds ymm_in at @ymm_loaded; what ymm0 holds at @ymm_store is
 * stored in ymm_out.  Without AVX, nothing is done. */
void avx_probe(void)
{
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx"))
		return;
	__asm__ volatile("vmovdqu %0, %%ymm0" : : "m"(ymm_in) : "xmm0");
	__asm__ volatile("nop");        /* @ymm_loaded */
	__asm__ volatile("vmovdqu %%ymm0, %0" : "=m"(ymm_out) : : "xmm0"); /* @ymm_store */
}

int main(void)
{
	int x = 6, y = 7;               /* @main_first */
	int s = add(x, y);              /* @call_add */
	avx_probe();
	long t = accumulate(4, "tag");  /* @call_accumulate */
	static const char done[] = "basic done\n";
	if (write(1, done, sizeof(done) - 1) != (ssize_t)(sizeof(done) - 1))
		return 2;
	return s == 13 && t == 33 && counter == 10 ? 0 : 1;
}
