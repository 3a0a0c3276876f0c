/* The kernel's own host file descriptors: counted and bounded.
 *
 * Guest objects never each hold a host descriptor for their lifetime.  A
 * file system that needs one (hostfs) keeps it in a struct hostfd slot that
 * belongs to a single bounded cache: when the cache is full, the least
 * recently used descriptor is closed, and its owner opens it again on
 * demand (by path, under the mount's root).  An owner that cannot reopen
 * (a file whose last name was unlinked while it was in use) may "hold" its
 * descriptor outside the cache, within a budget of its own.  Whatever the
 * guest does, the kernel keeps HOSTFD_RESERVE descriptors below its host
 * limit for its own needs (stubs, physmem, pipes, sockets of the debugger).
 *
 * Callers run under the BKL and do not sleep while they use a descriptor;
 * a get moves the slot to the head of the LRU, so the few descriptors one
 * operation uses at once are never the ones evicted. */
#ifndef VMCORE_HOSTFD_H
#define VMCORE_HOSTFD_H

#include <vmcore/kernel.h>

#define HOSTFD_RESERVE 256

struct hostfd {
	int fd;                        /* -1: not open */
	bool held;                     /* outside the LRU, never evicted */
	struct hostfd *prev, *next;    /* the LRU, most recent first */
};

#define HOSTFD_INIT { -1, false, NULL, NULL }

/* Boot: size the cache and the hold budget from the host's RLIMIT_NOFILE. */
void hostfd_init(void);
/* The slot's descriptor, opened with open(arg) if it is not open (the
 * callback returns a new host descriptor or -errno).  Returns the
 * descriptor or -errno; it stays valid until the caller next sleeps. */
int hostfd_get(struct hostfd *h, int (*open)(void *arg), void *arg);
/* Close the slot's descriptor (it may be reopened later). */
void hostfd_close(struct hostfd *h);
/* Take an open slot out of the cache, so that it is never evicted: 0, or
 * -ENFILE when the hold budget is spent (the slot stays in the cache). */
int hostfd_hold(struct hostfd *h);
/* Give a held slot back to the cache. */
void hostfd_unhold(struct hostfd *h);

/* Counting: descriptors in the cache, held, and the limits. */
struct hostfd_stats {
	long cached, held, cache_max, hold_max, evictions, limit;
};
void hostfd_stats(struct hostfd_stats *st);

#endif
