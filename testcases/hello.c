/* hello: the smallest program: write a line, exit 0. */
#include <stdio.h>
int main(void)
{
	printf("hello, world\n");
	return 0;
}
