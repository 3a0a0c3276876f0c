/* Shared helpers of the cred_* test programs: results printed as errno
 * names, capability sets read with capget, so that a guest run and a
 * native run print the same text. */
#ifndef CRED_COMMON_H
#define CRED_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

static const char *ename(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

/* "OK" or the errno name of a call's result r (-1 with errno set) */
#define RES(r) ((r) < 0 ? ename(errno) : "OK")
#define SHOW(what, call) do { errno = 0; long r_ = (long)(call); printf("%s: %s\n", (what), RES(r_)); } while (0)
#define SHOWV(what, call) do { errno = 0; long r_ = (long)(call); if (r_ < 0) printf("%s: %s\n", (what), ename(errno)); else printf("%s: %ld\n", (what), r_); } while (0)

struct caps { uint64_t eff, perm, inh; };

static int get_caps(int pid, struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, pid };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	c->eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	c->perm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	c->inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

static __attribute__((unused)) int set_caps(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};
	return syscall(SYS_capset, &h, d);
}

/* Capability masks are printed relative to the bounding set the program
 * started with ("all", "none", "all-X" for all but X; a small set as
 * itself), since the host's
 * root may lack some capabilities the guest's root has. */
#include <sys/prctl.h>
static uint64_t cap_base(void)
{
	static uint64_t base;
	static int got;
	if (!got) {
		for (int i = 0; i < 64; i++)
			if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) == 1)
				base |= 1ULL << i;
		got = 1;
	}
	return base;
}

static const char *capfmt(uint64_t c, char *buf)
{
	uint64_t b = cap_base();
	if (c == b)
		return "all";
	if (!c)
		return "none";
	if (!(c & ~b) && __builtin_popcountll(c) > __builtin_popcountll(b) / 2)
		sprintf(buf, "all-%llx", (unsigned long long)(b & ~c));
	else
		sprintf(buf, "%llx", (unsigned long long)c);
	return buf;
}

static __attribute__((unused)) void show_caps(const char *what)
{
	struct caps c;
	char b1[32], b2[32], b3[32];
	if (get_caps(0, &c) < 0) {
		printf("%s: capget %s\n", what, ename(errno));
		return;
	}
	printf("%s: eff=%s perm=%s inh=%s\n", what, capfmt(c.eff, b1), capfmt(c.perm, b2), capfmt(c.inh, b3));
}

static __attribute__((unused)) void show_ids(const char *what)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("%s: uid=%u,%u,%u gid=%u,%u,%u fsuid=%d fsgid=%d\n", what, r, e, s, gr, ge, gs,
	       (int)syscall(SYS_setfsuid, -1), (int)syscall(SYS_setfsgid, -1));
}

/* Run fn in a child and wait for it, so that credential changes stay there. */
static __attribute__((unused)) void in_child(void (*fn)(void))
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(p, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf("child status %#x\n", st);
}

/* The unprivileged identity of the tests (asuser's, conftest.NOBODY). */
static __attribute__((unused)) int drop_to_nobody(void)
{
	gid_t none[1];
	return syscall(SYS_setgroups, 0, none) < 0 || setgid(65534) < 0 || setuid(65534) < 0 ? -1 : 0;
}
#endif
