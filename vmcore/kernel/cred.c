/* Changing credentials: the setuid and setgid families, setfsuid,
 * setfsgid and the supplementary groups, with Linux's rules
 * (credentials(7)).  A task holding CAP_SETUID (CAP_SETGID for group ids)
 * may set any id; any other task may only move among its real, effective
 * and saved ids.  The file-system id follows the effective one.  After a
 * uid change, capabilities(7)'s fixups (kernel/capability.c) clear or
 * restore capabilities as the ids leave or regain 0.  These are guest
 * identities only: they never change what the kernel may do on the host.
 *
 * Supplementary groups are a sorted array shared by reference between
 * tasks (fork copies the pointer); setgroups makes a new one, so a group
 * list is never changed in place. */
#include <vmcore/syscall.h>
#include <vmcore/cred.h>
#include <stdlib.h>

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

/* What Linux's commit_creds looks at: a change of the effective or fs
 * ids, or new permitted capabilities, clears the parent-death signal (a
 * process that changed identity is not signalled by its parent's death,
 * prctl(2)) and makes the process not dumpable (fs.suid_dumpable, 0). */
struct cred_snap {
	u32 euid, egid, fsuid, fsgid;
	u64 perm;
};

static struct cred_snap snap(struct task *t)
{
	return (struct cred_snap){ t->euid, t->egid, t->fsuid, t->fsgid, t->cap_permitted };
}

static long committed(struct task *t, struct cred_snap o, long r)
{
	if (r == 0 && (o.euid != t->euid || o.egid != t->egid || o.fsuid != t->fsuid || o.fsgid != t->fsgid ||
		       (t->cap_permitted & ~o.perm))) {
		t->pdeath_signal = 0;
		/* and the process becomes fs.suid_dumpable (0): not dumpable */
		if (t->mm)
			t->mm->nondumpable = true;
	}
	return r;
}

/* Run a uid change and then the capability fixups against the old ids
 * (those of the real/effective/saved ids only: the fs uid following the
 * effective one restores nothing, as on Linux). */
#define UID_CHANGE(t, call)                                                   \
	({                                                                    \
		u32 or_ = (t)->uid, oe_ = (t)->euid, os_ = (t)->suid;         \
		struct cred_snap o_ = snap(t);                                \
		long r_ = (call);                                             \
		if (r_ == 0)                                                  \
			cap_fix_setuid((t), or_, oe_, os_);                   \
		committed((t), o_, r_);                                       \
	})
#define GID_CHANGE(t, call)                                                   \
	({                                                                    \
		struct cred_snap o_ = snap(t);                                \
		committed((t), o_, (call));                                   \
	})

SYSCALL_DEFINE(setresuid)
{
	return UID_CHANGE(t, set_res(&t->uid, &t->euid, &t->suid, &t->fsuid, a->a[0], a->a[1], a->a[2],
				     capable(t, CAP_SETUID)));
}

SYSCALL_DEFINE(setresgid)
{
	return GID_CHANGE(t, set_res(&t->gid, &t->egid, &t->sgid, &t->fsgid, a->a[0], a->a[1], a->a[2],
				     capable(t, CAP_SETGID)));
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
	return UID_CHANGE(t, set_re(&t->uid, &t->euid, &t->suid, &t->fsuid, a->a[0], a->a[1],
				    capable(t, CAP_SETUID)));
}

SYSCALL_DEFINE(setregid)
{
	return GID_CHANGE(t, set_re(&t->gid, &t->egid, &t->sgid, &t->fsgid, a->a[0], a->a[1], capable(t, CAP_SETGID)));
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
	return UID_CHANGE(t, set_one(&t->uid, &t->euid, &t->suid, &t->fsuid, a->a[0], capable(t, CAP_SETUID)));
}

SYSCALL_DEFINE(setgid)
{
	return GID_CHANGE(t, set_one(&t->gid, &t->egid, &t->sgid, &t->fsgid, a->a[0], capable(t, CAP_SETGID)));
}

/* setfsuid/setfsgid always return the old id; the change happens only to
 * one of the real, effective, saved or current fs ids, or with the
 * capability.  -1 (an invalid id) is how the current one is read. */
SYSCALL_DEFINE(setfsuid)
{
	u32 old = t->fsuid, id = a->a[0];
	if (id == KEEP)
		return old;
	if (one_of(id, t->uid, t->euid, t->suid) || id == t->fsuid || capable(t, CAP_SETUID)) {
		if (id != old) {
			struct cred_snap o = snap(t);
			t->fsuid = id;
			cap_fix_setfsuid(t, old);
			committed(t, o, 0);
		}
	}
	return old;
}

SYSCALL_DEFINE(setfsgid)
{
	u32 old = t->fsgid, id = a->a[0];
	if (id == KEEP)
		return old;
	if (one_of(id, t->gid, t->egid, t->sgid) || id == t->fsgid || capable(t, CAP_SETGID)) {
		struct cred_snap o = snap(t);
		t->fsgid = id;
		committed(t, o, 0);
	}
	return old;
}

/* ---- supplementary groups ---- */

static void groups_put(struct group_info *g)
{
	if (g && --g->refs == 0)
		free(g);
}

static int cmp_gid(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;
	return x < y ? -1 : x > y;
}

bool in_group_p(struct task *t, u32 gid)
{
	if (gid == t->fsgid)
		return true;
	struct group_info *g = t->group_info;
	if (!g)
		return false;
	int lo = 0, hi = g->n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (g->gid[mid] == gid)
			return true;
		if (g->gid[mid] < gid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

SYSCALL_DEFINE(setgroups)
{
	s64 n = (int)a->a[0];
	if (!capable(t, CAP_SETGID))
		return -EPERM;
	if ((u64)n > NGROUPS_MAX)
		return -EINVAL;
	struct group_info *g = malloc(sizeof(*g) + n * sizeof(u32));
	if (!g)
		return -ENOMEM;
	g->refs = 1;
	g->n = n;
	if (n && copy_from_user(t->mm, g->gid, a->a[1], n * sizeof(u32)) < 0) {
		free(g);
		return -EFAULT;
	}
	qsort(g->gid, n, sizeof(u32), cmp_gid);
	/* credentials are per thread, as on Linux (the C library makes
	 * every thread of a process call setgroups) */
	groups_put(t->group_info);
	t->group_info = g;
	return 0;
}

SYSCALL_DEFINE(getgroups)
{
	int size = a->a[0];
	struct group_info *g = t->group_info;
	int n = g ? g->n : 0;
	if (size < 0)
		return -EINVAL;
	if (size) {
		if (n > size)
			return -EINVAL;
		if (n && copy_to_user(t->mm, a->a[1], g->gid, n * sizeof(u32)) < 0)
			return -EFAULT;
	}
	return n;
}

void cred_init_root(struct task *t)
{
	t->uid = t->euid = t->suid = t->fsuid = 0;
	t->gid = t->egid = t->sgid = t->fsgid = 0;
	t->group_info = NULL;
	t->cap_permitted = t->cap_effective = t->cap_bset = CAP_FULL_SET;
	t->cap_inheritable = t->cap_ambient = 0;
	t->securebits = 0;
	t->no_new_privs = false;
}

void cred_copy(struct task *c, struct task *p)
{
	c->uid = p->uid; c->gid = p->gid; c->euid = p->euid; c->egid = p->egid;
	c->suid = p->suid; c->sgid = p->sgid; c->fsuid = p->fsuid; c->fsgid = p->fsgid;
	c->group_info = p->group_info;
	if (c->group_info)
		c->group_info->refs++;
	c->cap_inheritable = p->cap_inheritable;
	c->cap_permitted = p->cap_permitted;
	c->cap_effective = p->cap_effective;
	c->cap_bset = p->cap_bset;
	c->cap_ambient = p->cap_ambient;
	c->securebits = p->securebits;
	c->no_new_privs = p->no_new_privs;
}

void cred_release(struct task *t)
{
	groups_put(t->group_info);
	t->group_info = NULL;
}
