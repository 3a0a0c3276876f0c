/* The generated-text buffer of strbuf.h: doubled on demand, always with
 * room for a terminating NUL after len (vsnprintf writes one). */
#include <vmcore/kernel.h>
#include <vmcore/strbuf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(struct buf *b, size_t need)
{
	if (b->s && b->len + need < b->cap)
		return 0;
	size_t ncap = MAX(b->cap * 2, b->len + need + 256);
	char *ns = realloc(b->s, ncap);
	if (!ns)
		return -1;
	b->s = ns;
	b->cap = ncap;
	return 0;
}

void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && b->len + n < b->cap) {
			b->len += n;
			return;
		}
		if (grow(b, n) < 0)
			return;
	}
}

void bmem(struct buf *b, const void *p, size_t n)
{
	if (grow(b, n + 1) < 0)
		return;
	memcpy(b->s + b->len, p, n);
	b->len += n;
}
