/* The kernel's own host descriptors (see hostfd.h): one LRU cache of
 * descriptors that file systems reopen on demand, and a small budget of
 * descriptors held outside it.  The sizes come from the host's
 * RLIMIT_NOFILE at boot, less a fixed reserve for the kernel's
 * infrastructure, so no guest activity can take the kernel to EMFILE on
 * the host. */
#include <vmcore/hostfd.h>
#include <sys/resource.h>
#include <unistd.h>

static struct hostfd *lru_head, *lru_tail;
static long n_cached, n_held, n_evicted;
static long cache_max = 64, hold_max = 64, host_limit = 1024;

void hostfd_init(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		host_limit = rl.rlim_cur;
	else
		host_limit = 1024;
	long room = host_limit - HOSTFD_RESERVE;
	if (room < 32)
		room = 32; /* a tiny host limit: still work, slowly */
	cache_max = MIN(1024, room / 2);
	hold_max = room - cache_max; /* only files unlinked while in use */
	pr_info("hostfd: host limit %ld descriptors: file cache %ld, held %ld, reserve %d\n",
		host_limit, cache_max, hold_max, HOSTFD_RESERVE);
}

static void lru_unlink(struct hostfd *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		lru_head = h->next;
	if (h->next)
		h->next->prev = h->prev;
	else
		lru_tail = h->prev;
	h->prev = h->next = NULL;
}

static void lru_push(struct hostfd *h)
{
	h->prev = NULL;
	h->next = lru_head;
	if (lru_head)
		lru_head->prev = h;
	lru_head = h;
	if (!lru_tail)
		lru_tail = h;
}

int hostfd_get(struct hostfd *h, int (*open)(void *arg), void *arg)
{
	if (h->fd >= 0) {
		if (!h->held && h != lru_head) {
			lru_unlink(h);
			lru_push(h);
		}
		return h->fd;
	}
	while (n_cached >= cache_max && lru_tail) {
		struct hostfd *old = lru_tail;
		lru_unlink(old);
		close(old->fd);
		old->fd = -1;
		n_cached--;
		n_evicted++;
	}
	int fd = open(arg);
	if (fd < 0)
		return fd;
	h->fd = fd;
	h->held = false;
	lru_push(h);
	n_cached++;
	return fd;
}

void hostfd_close(struct hostfd *h)
{
	if (h->fd < 0)
		return;
	if (h->held)
		n_held--;
	else {
		lru_unlink(h);
		n_cached--;
	}
	close(h->fd);
	h->fd = -1;
	h->held = false;
}

int hostfd_hold(struct hostfd *h)
{
	if (h->fd < 0)
		return -EBADF;
	if (h->held)
		return 0;
	if (n_held >= hold_max)
		return -ENFILE;
	lru_unlink(h);
	n_cached--;
	h->held = true;
	n_held++;
	return 0;
}

void hostfd_unhold(struct hostfd *h)
{
	if (h->fd < 0 || !h->held)
		return;
	h->held = false;
	n_held--;
	/* back in the cache: may push the cache over its size until the next
	 * get evicts, which is at most one descriptor */
	lru_push(h);
	n_cached++;
}

void hostfd_stats(struct hostfd_stats *st)
{
	st->cached = n_cached;
	st->held = n_held;
	st->cache_max = cache_max;
	st->hold_max = hold_max;
	st->evictions = n_evicted;
	st->limit = host_limit;
}
