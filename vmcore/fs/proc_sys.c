/* /proc/sys: the kernel's tunables (Linux's sysctls), as a tree of nodes.
 *
 * One table holds every node: its name, its directory (an index into the
 * table, SYSCTL_ROOT for /proc/sys itself), its mode, and for files the
 * functions that show and store its value.  procfs.c makes the inodes and
 * asks this file for names, modes and text; the values live with the code
 * they govern (pid_max in fork.c, the pipe limits in pipe.c, the names in
 * sys.c), so a write here changes what that code does.
 *
 * Writes follow Linux's proc_dointvec_minmax: an integer, optionally with
 * blanks around it, inside the node's bounds, else EINVAL; string nodes
 * (hostname) take up to the first newline.  Who may write is procfs.c's
 * open: root, and only where the mode has a w bit.  Where vmcore cannot do
 * what a value asks (an overcommit ratio other than 100, a VMA bound
 * past the host's), the write is EINVAL rather than a value that would
 * lie. */
#include <vmcore/inotify.h>
#include <vmcore/mm.h>
#include <vmcore/ptrace.h>
#include <vmcore/uts.h>
#include <vmcore/vfs.h>
#include "proc_internal.h"
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

extern u32 pipe_max_size, pipe_user_pages_soft;

static unsigned long tainted;
static int overflowuid = 65534, overflowgid = 65534;

/* Parse one integer as proc_dointvec does; 0 or -EINVAL. */
static int parse_long(const char *s, size_t len, long long *out)
{
	char tmp[64];
	if (len >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	char *p = tmp, *end;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p)
		return -EINVAL;
	errno = 0;
	long long v = strtoll(p, &end, 10);
	if (end == p || errno)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* ---- the values ---- */
static int threads_ceiling(void)
{
	/* maxtasks= bounds the host threads a guest may make: root may lower
	 * threads-max, not raise it past what the command line allowed */
	static int ceiling;
	if (!ceiling)
		ceiling = max_tasks;
	return ceiling;
}

static void boot_id(char out[37])
{
	static char id[37];
	if (!id[0]) {
		unsigned char r[16];
		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			memset(r, 0x5a, sizeof(r));
		r[6] = (r[6] & 0x0f) | 0x40; /* version 4, RFC 4122 variant */
		r[8] = (r[8] & 0x3f) | 0x80;
		snprintf(id, sizeof(id),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0],
			 r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
			 r[14], r[15]);
	}
	memcpy(out, id, 37);
}

enum sysctl_id {
	K_PID_MAX, K_TAINTED, K_HOSTNAME, K_DOMAINNAME, K_OSTYPE, K_OSRELEASE, K_VERSION,
	K_THREADS_MAX, K_BOOT_ID, K_UUID, K_NGROUPS_MAX, K_CAP_LAST_CAP, K_OVERFLOWUID,
	K_OVERFLOWGID, F_PIPE_MAX_SIZE, F_PIPE_SOFT, F_PIPE_HARD, F_FILE_MAX, F_FILE_NR, F_NR_OPEN,
	V_OVERCOMMIT_MEMORY, V_OVERCOMMIT_RATIO, V_MAX_MAP_COUNT, F_IN_QUEUED, F_IN_INSTANCES,
	F_IN_WATCHES, K_YAMA_PTRACE_SCOPE, S_DIR,
};

static const struct node {
	const char *name;
	int dir;
	u32 mode;
	enum sysctl_id id;
} nodes[] = {
#define N_KERNEL 0
	{ "kernel", SYSCTL_ROOT, S_IFDIR | 0555, S_DIR },
#define N_FS 1
	{ "fs", SYSCTL_ROOT, S_IFDIR | 0555, S_DIR },
#define N_VM 2
	{ "vm", SYSCTL_ROOT, S_IFDIR | 0555, S_DIR },
#define N_RANDOM 3
	{ "random", N_KERNEL, S_IFDIR | 0555, S_DIR },
#define N_INOTIFY 4
	{ "inotify", N_FS, S_IFDIR | 0555, S_DIR },
#define N_YAMA 5
	{ "yama", N_KERNEL, S_IFDIR | 0555, S_DIR },
	{ "ptrace_scope", N_YAMA, S_IFREG | 0644, K_YAMA_PTRACE_SCOPE },
	{ "max_queued_events", N_INOTIFY, S_IFREG | 0644, F_IN_QUEUED },
	{ "max_user_instances", N_INOTIFY, S_IFREG | 0644, F_IN_INSTANCES },
	{ "max_user_watches", N_INOTIFY, S_IFREG | 0644, F_IN_WATCHES },
	{ "boot_id", N_RANDOM, S_IFREG | 0444, K_BOOT_ID },
	{ "uuid", N_RANDOM, S_IFREG | 0444, K_UUID },
	{ "cap_last_cap", N_KERNEL, S_IFREG | 0444, K_CAP_LAST_CAP },
	{ "domainname", N_KERNEL, S_IFREG | 0644, K_DOMAINNAME },
	{ "hostname", N_KERNEL, S_IFREG | 0644, K_HOSTNAME },
	{ "ngroups_max", N_KERNEL, S_IFREG | 0444, K_NGROUPS_MAX },
	{ "osrelease", N_KERNEL, S_IFREG | 0444, K_OSRELEASE },
	{ "ostype", N_KERNEL, S_IFREG | 0444, K_OSTYPE },
	{ "overflowgid", N_KERNEL, S_IFREG | 0644, K_OVERFLOWGID },
	{ "overflowuid", N_KERNEL, S_IFREG | 0644, K_OVERFLOWUID },
	{ "pid_max", N_KERNEL, S_IFREG | 0644, K_PID_MAX },
	{ "tainted", N_KERNEL, S_IFREG | 0644, K_TAINTED },
	{ "threads-max", N_KERNEL, S_IFREG | 0644, K_THREADS_MAX },
	{ "version", N_KERNEL, S_IFREG | 0444, K_VERSION },
	{ "file-max", N_FS, S_IFREG | 0644, F_FILE_MAX },
	{ "file-nr", N_FS, S_IFREG | 0444, F_FILE_NR },
	/* nr_open is the descriptor table's compiled-in ceiling here */
	{ "nr_open", N_FS, S_IFREG | 0444, F_NR_OPEN },
	{ "pipe-max-size", N_FS, S_IFREG | 0644, F_PIPE_MAX_SIZE },
	{ "pipe-user-pages-hard", N_FS, S_IFREG | 0644, F_PIPE_HARD },
	{ "pipe-user-pages-soft", N_FS, S_IFREG | 0644, F_PIPE_SOFT },
	{ "max_map_count", N_VM, S_IFREG | 0644, V_MAX_MAP_COUNT },
	{ "overcommit_memory", N_VM, S_IFREG | 0644, V_OVERCOMMIT_MEMORY },
	{ "overcommit_ratio", N_VM, S_IFREG | 0644, V_OVERCOMMIT_RATIO },
};

int sysctl_lookup(int dir, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
		if (nodes[i].dir == dir && !strcmp(nodes[i].name, name))
			return i;
	return -ENOENT;
}

int sysctl_child(int dir, int n)
{
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
		if (nodes[i].dir == dir && n-- == 0)
			return i;
	return -1;
}

const char *sysctl_name(int node)
{
	return nodes[node].name;
}

u32 sysctl_mode(int node)
{
	return nodes[node].mode;
}

void sysctl_show(int node, struct buf *b)
{
	char id[37];
	switch (nodes[node].id) {
	case K_PID_MAX: bprintf(b, "%d\n", pid_max); break;
	case K_TAINTED: bprintf(b, "%lu\n", tainted); break;
	case K_HOSTNAME: bprintf(b, "%s\n", hostname); break;
	case K_DOMAINNAME: bprintf(b, "%s\n", domainname); break;
	case K_OSTYPE: bprintf(b, "Linux\n"); break;
	case K_OSRELEASE: bprintf(b, "%s\n", VMCORE_VERSION); break;
	case K_VERSION: bprintf(b, "#1 SMP vmcore %s\n", VMCORE_RELEASE); break; /* uname -v */
	case K_THREADS_MAX: threads_ceiling(); bprintf(b, "%d\n", max_tasks); break;
	case K_BOOT_ID: boot_id(id); bprintf(b, "%s\n", id); break;
	case K_UUID: {
		/* a new one at every read, as Linux's */
		unsigned char r[16];
		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			memset(r, 0, sizeof(r));
		r[6] = (r[6] & 0x0f) | 0x40;
		r[8] = (r[8] & 0x3f) | 0x80;
		bprintf(b, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
			r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
			r[13], r[14], r[15]);
		break;
	}
	case K_NGROUPS_MAX: bprintf(b, "65536\n"); break;
	case K_CAP_LAST_CAP: bprintf(b, "40\n"); break; /* CAP_CHECKPOINT_RESTORE */
	case K_OVERFLOWUID: bprintf(b, "%d\n", overflowuid); break;
	case K_OVERFLOWGID: bprintf(b, "%d\n", overflowgid); break;
	case F_PIPE_MAX_SIZE: bprintf(b, "%u\n", pipe_max_size); break;
	case F_PIPE_SOFT: bprintf(b, "%u\n", pipe_user_pages_soft); break;
	case F_PIPE_HARD: bprintf(b, "0\n"); break;
	case F_FILE_MAX: bprintf(b, "%llu\n", (unsigned long long)files_max); break;
	case F_FILE_NR:
		bprintf(b, "%llu\t0\t%llu\n", (unsigned long long)nr_files,
			(unsigned long long)files_max);
		break;
	case F_NR_OPEN: bprintf(b, "%d\n", NR_OPEN_MAX); break;
	case V_OVERCOMMIT_MEMORY: bprintf(b, "%d\n", overcommit_mode); break;
	case V_OVERCOMMIT_RATIO: bprintf(b, "100\n"); break;
	case V_MAX_MAP_COUNT: bprintf(b, "%d\n", max_map_count); break;
	case F_IN_QUEUED: bprintf(b, "%d\n", inotify_max_queued_events); break;
	case F_IN_INSTANCES: bprintf(b, "%d\n", inotify_max_user_instances); break;
	case F_IN_WATCHES: inotify_limits_init(); bprintf(b, "%d\n", inotify_max_user_watches); break;
	case K_YAMA_PTRACE_SCOPE: bprintf(b, "%d\n", yama_ptrace_scope); break;
	case S_DIR: break;
	}
}

/* a string node: up to the first newline, at most UTS_LEN bytes kept */
static long store_string(char *dst, const char *s, size_t len)
{
	size_t n = 0;
	while (n < len && s[n] != '\n' && s[n])
		n++;
	n = MIN(n, (size_t)UTS_LEN);
	memset(dst, 0, UTS_LEN + 1);
	memcpy(dst, s, n);
	return len;
}

long sysctl_store(int node, const char *s, size_t len)
{
	enum sysctl_id id = nodes[node].id;
	if (id == K_HOSTNAME)
		return store_string(hostname, s, len);
	if (id == K_DOMAINNAME)
		return store_string(domainname, s, len);
	long long v;
	if (parse_long(s, len, &v) < 0)
		return -EINVAL;
	switch (id) {
	case K_YAMA_PTRACE_SCOPE: {
		int r = yama_set_scope(current, v);
		if (r < 0)
			return r;
		break;
	}
	case K_PID_MAX:
		/* Linux's bounds: above RESERVED_PIDS, at most PID_MAX_LIMIT */
		if (v < 301 || v > 4194304)
			return -EINVAL;
		pid_max = v;
		break;
	case K_TAINTED:
		if (v < 0)
			return -EINVAL;
		tainted |= v; /* taint bits only accumulate, as Linux's */
		break;
	case K_THREADS_MAX:
		if (v < 20 || v > threads_ceiling())
			return -EINVAL;
		max_tasks = v;
		break;
	case K_OVERFLOWUID:
	case K_OVERFLOWGID:
		if (v < 0 || v > 65535)
			return -EINVAL;
		*(id == K_OVERFLOWUID ? &overflowuid : &overflowgid) = v;
		break;
	case F_PIPE_MAX_SIZE: {
		/* rounded up to a power of two of pages, as Linux's round_pipe_size */
		if (v <= 0 || v > (1LL << 31))
			return -EINVAL;
		u64 sz = PAGE_SIZE;
		while (sz < (u64)v)
			sz <<= 1;
		if (sz > (1ULL << 31))
			return -EINVAL;
		pipe_max_size = sz;
		break;
	}
	case F_PIPE_SOFT:
		if (v < 0 || v > UINT_MAX)
			return -EINVAL;
		pipe_user_pages_soft = v;
		break;
	case F_PIPE_HARD:
		/* 0 is "no hard limit": the one value vmcore enforces faithfully */
		if (v != 0)
			return -EINVAL;
		break;
	case F_FILE_MAX:
		if (v < 0)
			return -EINVAL;
		files_max = v;
		break;
	case V_OVERCOMMIT_MEMORY:
		/* Linux's three: 0 heuristic (the default), 1 always, 2 strict */
		if (v < OVERCOMMIT_GUESS || v > OVERCOMMIT_NEVER)
			return -EINVAL;
		overcommit_mode = v;
		break;
	case V_OVERCOMMIT_RATIO:
		if (v != 100) /* the commit limit is all of mem= less the kernel's */
			return -EINVAL;
		break;
	case V_MAX_MAP_COUNT:
		if (v < 0 || v > MAX_MAP_COUNT_HOST)
			return -EINVAL;
		max_map_count = v;
		break;
	case F_IN_QUEUED:
	case F_IN_INSTANCES:
	case F_IN_WATCHES:
		/* Linux's bounds (what they may cost the host is inotify.c's) */
		if (v < 0 || v > INT_MAX)
			return -EINVAL;
		inotify_limits_init();
		*(id == F_IN_QUEUED ? &inotify_max_queued_events :
		  id == F_IN_INSTANCES ? &inotify_max_user_instances : &inotify_max_user_watches) = v;
		break;
	default:
		return -EINVAL;
	}
	return len;
}
