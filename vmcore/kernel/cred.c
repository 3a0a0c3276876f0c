/* Changing credentials: setuid, setgid, setreuid, setregid, setresuid,
 * setresgid, with Linux's rules (credentials(7)).  A task whose effective
 * id is 0 (the guest's root, holding CAP_SETUID/CAP_SETGID) may set any
 * id; any other task may only move among its real, effective and saved
 * ids.  The file-system id follows the effective one.  These are guest
 * identities only: they never change what the kernel may do on the host. */
#include <vmcore/syscall.h>

#define KEEP ((u32)-1)

static bool one_of(u32 v, u32 r, u32 e, u32 s)
{
	return v == r || v == e || v == s;
}

static long set_res(u32 *r, u32 *e, u32 *s, u32 *fs, u32 nr, u32 ne, u32 ns, bool priv)
{
	if (!priv && ((nr != KEEP && !one_of(nr, *r, *e, *s)) ||
		      (ne != KEEP && !one_of(ne, *r, *e, *s)) ||
		      (ns != KEEP && !one_of(ns, *r, *e, *s))))
		return -EPERM;
	if (nr != KEEP)
		*r = nr;
	if (ne != KEEP)
		*e = ne;
	if (ns != KEEP)
		*s = ns;
	*fs = *e;
	return 0;
}

SYSCALL_DEFINE(setresuid)
{
	return set_res(&t->uid, &t->euid, &t->suid, &t->fsuid, a->a[0], a->a[1], a->a[2], t->euid == 0);
}

SYSCALL_DEFINE(setresgid)
{
	return set_res(&t->gid, &t->egid, &t->sgid, &t->fsgid, a->a[0], a->a[1], a->a[2], t->euid == 0);
}

/* setreuid: the saved id becomes the new effective one when the real id is
 * set or the effective one changes to something other than the real id. */
static long set_re(u32 *r, u32 *e, u32 *s, u32 *fs, u32 nr, u32 ne, bool priv)
{
	if (!priv && ((nr != KEEP && nr != *r && nr != *e) ||
		      (ne != KEEP && !one_of(ne, *r, *e, *s))))
		return -EPERM;
	u32 old_r = *r;
	if (nr != KEEP)
		*r = nr;
	if (ne != KEEP)
		*e = ne;
	if (nr != KEEP || (ne != KEEP && ne != old_r))
		*s = *e;
	*fs = *e;
	return 0;
}

SYSCALL_DEFINE(setreuid)
{
	return set_re(&t->uid, &t->euid, &t->suid, &t->fsuid, a->a[0], a->a[1], t->euid == 0);
}

SYSCALL_DEFINE(setregid)
{
	return set_re(&t->gid, &t->egid, &t->sgid, &t->fsgid, a->a[0], a->a[1], t->euid == 0);
}

/* setuid: privileged, all three ids; otherwise only the effective one, to
 * the real or saved id. */
static long set_one(u32 *r, u32 *e, u32 *s, u32 *fs, u32 id, bool priv)
{
	if (id == KEEP)
		return -EINVAL;
	if (priv)
		*r = *s = id;
	else if (id != *r && id != *s)
		return -EPERM;
	*e = *fs = id;
	return 0;
}

SYSCALL_DEFINE(setuid)
{
	return set_one(&t->uid, &t->euid, &t->suid, &t->fsuid, a->a[0], t->euid == 0);
}

SYSCALL_DEFINE(setgid)
{
	return set_one(&t->gid, &t->egid, &t->sgid, &t->fsgid, a->a[0], t->euid == 0);
}
