/* A growing text buffer for files whose contents the kernel generates
 * (procfs, sysfs): printf into it, append bytes; the text is s[0..len).
 * Allocation failures truncate the text rather than fail the caller. */
#ifndef VMCORE_STRBUF_H
#define VMCORE_STRBUF_H
#include <stddef.h>

struct buf {
	char *s;
	size_t len, cap;
};

void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bmem(struct buf *b, const void *p, size_t n);

#endif
