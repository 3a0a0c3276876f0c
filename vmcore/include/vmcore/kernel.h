/* Things every part of the kernel uses: fixed-width types, the kernel log,
 * panics, and the big kernel lock.
 *
 * Locking rule (BKL): every kernel data structure is protected by one mutex,
 * held by a task thread whenever it runs kernel code.  It is dropped while the
 * task's guest code runs and while the task sleeps.  Guest code of different
 * tasks therefore runs in parallel; kernel code does not. */
#ifndef VMCORE_KERNEL_H
#define VMCORE_KERNEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <errno.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef int32_t s32;

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096UL
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define unlikely(x) __builtin_expect(!!(x), 0)
#define likely(x) __builtin_expect(!!(x), 1)
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-4095)

#define VMCORE_VERSION "6.1.0-vmcore"
#define VMCORE_RELEASE "0.1"

/* Kernel log levels, as in Linux. */
#define KERN_EMERG 0
#define KERN_ALERT 1
#define KERN_CRIT 2
#define KERN_ERR 3
#define KERN_WARNING 4
#define KERN_NOTICE 5
#define KERN_INFO 6
#define KERN_DEBUG 7

void printk(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define pr_err(...) printk(KERN_ERR, __VA_ARGS__)
#define pr_warn(...) printk(KERN_WARNING, __VA_ARGS__)
#define pr_notice(...) printk(KERN_NOTICE, __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO, __VA_ARGS__)
#define pr_debug(...) printk(KERN_DEBUG, __VA_ARGS__)
/* The console log level: messages with a level below it reach the console. */
extern int console_loglevel;
/* Read the log ring buffer (syslog(2) semantics); returns bytes copied. */
size_t log_read_all(char *buf, size_t len);
size_t log_size(void);
void log_clear(void);

/* Report a kernel bug: the task, the syscall, a symbolised backtrace. */
void oops_report(const char *why);
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define BUG_ON(c)                                                                  \
	do {                                                                       \
		if (unlikely(c))                                                   \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c);         \
	} while (0)

/* oops=: what an oops does before the halt (kernel/oops.c): "wait" for
 * a debugger, "core" or "core:FILE" to write a core file; false when val
 * is none of them */
bool oops_option(const char *val);

void bkl_lock(void);
void bkl_unlock(void);
struct __pthread_mutex_s;
#include <pthread.h>
pthread_mutex_t *bkl_mutex(void);

/* Monotonic nanoseconds since boot and the realtime clock. */
u64 ktime_ns(void);
u64 krealtime_ns(void);           /* the guest's wall clock (kernel/time.c) */
void guest_realtime(struct timespec *ts);
int guest_clock_now(clockid_t c, struct timespec *ts);

void *kzalloc(size_t n);
char *kstrdup(const char *s);

#endif
