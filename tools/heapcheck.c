/* heapcheck: a use-after-free and overflow detector for ./linux that sees
 * what AddressSanitizer cannot.
 *
 * ASAN checks the loads and stores of instrumented code, at ASAN's own
 * timing.  A write into freed memory by the host kernel (a system call's
 * out-buffer, a ptrace register read), by uninstrumented code, or by a
 * race that only the plain build's timing opens, goes unseen; glibc then
 * aborts much later ("malloc_consolidate(): unaligned fastbin chunk
 * detected") far from the culprit.  This library, preloaded into the
 * plain build (LD_PRELOAD=build/heapcheck.so ./linux ...), keeps every
 * freed block out of circulation for a while, filled with a pattern, and
 * checks the pattern when the block leaves quarantine; every block also
 * carries a red zone after its end, checked at free.  A changed byte is
 * reported with the block's size, the offset and bytes that changed, and
 * the call stacks of its allocation and free, then the process aborts.
 *
 * Environment: HEAPCHECK_MB (quarantine size, default 256), HEAPCHECK_BT=0
 * (no stacks: faster).  The report goes to stderr with the load base of
 * ./linux, so that eu-addr2line can place the addresses. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <execinfo.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAGIC_LIVE 0x4c495645u /* "LIVE" */
#define MAGIC_FREE 0x46524545u /* "FREE" */
#define FREE_BYTE 0xfd
#define RED_BYTE 0xab
#define RED 16
#define FRAMES 8
#define RING_CAP (1u << 21)

struct hdr {
	uint32_t magic;
	uint32_t tid;        /* the thread that freed it */
	size_t size;         /* user size */
	size_t offset;       /* from the real block to the user block */
	void *alloc_bt[FRAMES];
	void *free_bt[FRAMES];
	uint64_t pad;        /* 16-byte alignment of the user block */
};

_Static_assert(sizeof(struct hdr) % 16 == 0, "the header keeps 16-byte alignment");

static void *(*real_malloc)(size_t);
static void (*real_free)(void *);
static void *(*real_memalign)(size_t, size_t);

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static struct hdr **ring;
static size_t ring_head, ring_n, ring_bytes, ring_max_bytes;
static int want_bt = 1;
static __thread int in_hook; /* backtrace() may allocate on first use */

/* for calls before dlsym is done (dlsym itself may call calloc) */
static char boot_arena[1 << 16] __attribute__((aligned(16)));
static size_t boot_used;

static int from_boot(void *p)
{
	return (char *)p >= boot_arena && (char *)p < boot_arena + sizeof(boot_arena);
}

static void init(void)
{
	static int busy;
	if (real_malloc || busy)
		return;
	busy = 1;
	real_malloc = dlsym(RTLD_NEXT, "malloc");
	real_free = dlsym(RTLD_NEXT, "free");
	real_memalign = dlsym(RTLD_NEXT, "memalign");
	const char *mb = getenv("HEAPCHECK_MB");
	ring_max_bytes = (size_t)(mb ? atol(mb) : 256) << 20;
	const char *bt = getenv("HEAPCHECK_BT");
	if (bt && *bt == '0')
		want_bt = 0;
	ring = mmap(NULL, RING_CAP * sizeof(*ring), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (ring == MAP_FAILED)
		abort();
	busy = 0;
}

static void take_bt(void **bt)
{
	memset(bt, 0, FRAMES * sizeof(void *));
	if (!want_bt || in_hook)
		return;
	in_hook = 1;
	void *tmp[FRAMES + 2];
	int n = backtrace(tmp, FRAMES + 2);
	for (int i = 2; i < n; i++)
		bt[i - 2] = tmp[i];
	in_hook = 0;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	ssize_t w = write(2, buf, n);
	(void)w;
}

static int base_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	if (!info->dlpi_name || !info->dlpi_name[0]) { /* the main program */
		*(uintptr_t *)data = info->dlpi_addr;
		return 1;
	}
	return 0;
}

static void print_bt(const char *what, void **bt)
{
	say("heapcheck:   %s:", what);
	for (int i = 0; i < FRAMES && bt[i]; i++)
		say(" %p", bt[i]);
	say("\n");
}

static void report(struct hdr *h, const char *why, size_t off, const unsigned char *p, size_t n)
{
	uintptr_t base = 0;
	dl_iterate_phdr(base_cb, &base);
	say("heapcheck: %s: block %p of %zu bytes, byte %zu on (freed by thread %u):", why,
	    (void *)(h + 1), h->size, off, h->tid);
	for (size_t i = 0; i < n; i++)
		say(" %02x", p[i]);
	say("\nheapcheck:   the program is loaded at %#lx\n", (unsigned long)base);
	print_bt("allocated at", h->alloc_bt);
	if (h->magic == MAGIC_FREE)
		print_bt("freed at", h->free_bt);
	void *now[FRAMES + 1];
	int k = backtrace(now, FRAMES + 1);
	say("heapcheck:   found at:");
	for (int i = 1; i < k; i++)
		say(" %p", now[i]);
	say("\n");
	abort();
}

static void check_freed(struct hdr *h)
{
	const unsigned char *u = (const unsigned char *)(h + 1);
	for (size_t i = 0; i < h->size + RED; i++)
		if (u[i] != FREE_BYTE && (i < h->size || u[i] != RED_BYTE)) {
			size_t n = h->size + RED - i < 16 ? h->size + RED - i : 16;
			report(h, "written after free", i, u + i, n);
		}
}

static void *hc_alloc(size_t size, size_t align)
{
	init();
	if (!real_malloc) { /* dlsym's own calls */
		size_t need = (sizeof(struct hdr) + size + RED + 15) & ~15UL;
		if (boot_used + need > sizeof(boot_arena))
			return NULL;
		struct hdr *h = (struct hdr *)(boot_arena + boot_used);
		boot_used += need;
		memset(h, 0, sizeof(*h));
		h->magic = MAGIC_LIVE;
		h->size = size;
		return h + 1;
	}
	if (size > (SIZE_MAX >> 2)) {
		errno = ENOMEM;
		return NULL;
	}
	if (align < 16)
		align = 16;
	size_t total = sizeof(struct hdr) + size + RED + align;
	char *real = real_malloc(total);
	if (!real)
		return NULL;
	uintptr_t user = ((uintptr_t)real + sizeof(struct hdr) + align - 1) & ~(uintptr_t)(align - 1);
	struct hdr *h = (struct hdr *)user - 1;
	h->magic = MAGIC_LIVE;
	h->tid = 0;
	h->size = size;
	h->offset = (char *)h - real;
	take_bt(h->alloc_bt);
	memset((char *)user + size, RED_BYTE, RED);
	return (void *)user;
}

static struct hdr *hdr_of(void *p)
{
	struct hdr *h = (struct hdr *)p - 1;
	if (h->magic != MAGIC_LIVE) {
		say("heapcheck: free of %p: not a live block (magic %#x%s)\n", p, h->magic,
		    h->magic == MAGIC_FREE ? ": a double free" : "");
		if (h->magic == MAGIC_FREE) {
			print_bt("allocated at", h->alloc_bt);
			print_bt("first freed at", h->free_bt);
		}
		abort();
	}
	return h;
}

void *malloc(size_t size)
{
	return hc_alloc(size, 16);
}

void *calloc(size_t n, size_t m)
{
	size_t size;
	if (__builtin_mul_overflow(n, m, &size)) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = hc_alloc(size, 16);
	if (p)
		memset(p, 0, size);
	return p;
}

void free(void *p)
{
	if (!p || from_boot(p))
		return;
	struct hdr *h = hdr_of(p);
	const unsigned char *u = p;
	for (size_t i = 0; i < RED; i++)
		if (u[h->size + i] != RED_BYTE)
			report(h, "written past its end", h->size + i, u + h->size + i, RED - i);
	h->magic = MAGIC_FREE;
	h->tid = gettid();
	take_bt(h->free_bt);
	memset(p, FREE_BYTE, h->size + RED);
	struct hdr *old = NULL;
	pthread_mutex_lock(&qlock);
	ring[(ring_head + ring_n) % RING_CAP] = h;
	ring_n++;
	ring_bytes += h->size;
	if (ring_n == RING_CAP || ring_bytes > ring_max_bytes) {
		old = ring[ring_head];
		ring_head = (ring_head + 1) % RING_CAP;
		ring_n--;
		ring_bytes -= old->size;
	}
	pthread_mutex_unlock(&qlock);
	if (old) {
		check_freed(old);
		real_free((char *)old - old->offset);
	}
}

void *realloc(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	if (!size) {
		free(p);
		return NULL;
	}
	size_t old = from_boot(p) ? ((struct hdr *)p - 1)->size : hdr_of(p)->size;
	void *n = malloc(size);
	if (!n)
		return NULL;
	memcpy(n, p, old < size ? old : size);
	free(p);
	return n;
}

void *reallocarray(void *p, size_t n, size_t m)
{
	size_t size;
	if (__builtin_mul_overflow(n, m, &size)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, size);
}

void *memalign(size_t align, size_t size)
{
	if (align & (align - 1)) {
		errno = EINVAL;
		return NULL;
	}
	return hc_alloc(size, align);
}

void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = hc_alloc(size, align);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t size)
{
	return hc_alloc(size, 4096);
}

void *pvalloc(size_t size)
{
	return hc_alloc((size + 4095) & ~4095UL, 4096);
}

size_t malloc_usable_size(void *p)
{
	return p ? ((struct hdr *)p - 1)->size : 0;
}
