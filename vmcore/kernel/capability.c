/* Capabilities, as capabilities(7) describes them: five sets per task
 * (permitted, effective, inheritable, the bounding set and the ambient
 * set), securebits and no_new_privs.
 *
 * capable() is the only privilege test: the capability in the effective
 * set.  The sets follow the uids as Linux's "root is special" rules say:
 * when all of the real, effective and saved uids leave 0 the permitted and
 * effective sets are cleared (unless SECBIT_KEEP_CAPS), when the effective
 * uid leaves 0 the effective set is, when it comes back to 0 it is the
 * permitted set again, and the fs uid leaving or regaining 0 drops or
 * restores the file-system capabilities.  At execve (there are no file
 * capabilities in vmcore) a program run by root gets the bounding set
 * unless SECBIT_NOROOT; set-user-ID and set-group-ID files change the
 * effective ids unless no_new_privs forbids new privilege.
 *
 * capget/capset speak the three header versions (v1: 32 bits, v2/v3: 64
 * bits in two words); an unknown version is answered with EINVAL and the
 * kernel's preferred version written back, as Linux does. */
#include <vmcore/syscall.h>
#include <vmcore/cred.h>
#include <sys/prctl.h>

#define LINUX_CAPABILITY_VERSION_1 0x19980330
#define LINUX_CAPABILITY_VERSION_2 0x20071026
#define LINUX_CAPABILITY_VERSION_3 0x20080522

/* the capabilities an fs uid of 0 carries (CAP_FS_MASK) */
#define CAP_FS_MASK (CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_DAC_OVERRIDE) | CAP_BIT(CAP_DAC_READ_SEARCH) | \
		     CAP_BIT(CAP_FOWNER) | CAP_BIT(CAP_FSETID) | CAP_BIT(CAP_LINUX_IMMUTABLE) |      \
		     CAP_BIT(CAP_MKNOD) | CAP_BIT(CAP_MAC_OVERRIDE))

bool capable(struct task *t, int cap)
{
	if (!t)
		return true; /* the kernel itself */
	return cap >= 0 && cap <= CAP_LAST_CAP && (t->cap_effective & CAP_BIT(cap));
}

static bool cap_valid(u64 cap)
{
	return cap <= CAP_LAST_CAP;
}

void cap_fix_setuid(struct task *t, u32 old_r, u32 old_e, u32 old_s)
{
	if (t->securebits & SECBIT_NO_SETUID_FIXUP)
		return;
	if ((old_r == 0 || old_e == 0 || old_s == 0) && t->uid != 0 && t->euid != 0 && t->suid != 0) {
		if (!(t->securebits & SECBIT_KEEP_CAPS))
			t->cap_permitted = t->cap_effective = 0;
		t->cap_ambient = 0;
	}
	if (old_e == 0 && t->euid != 0)
		t->cap_effective = 0;
	if (old_e != 0 && t->euid == 0)
		t->cap_effective = t->cap_permitted;
}

void cap_fix_setfsuid(struct task *t, u32 old_fs)
{
	if (t->securebits & SECBIT_NO_SETUID_FIXUP)
		return;
	if (old_fs == 0 && t->fsuid != 0)
		t->cap_effective &= ~CAP_FS_MASK;
	if (old_fs != 0 && t->fsuid == 0)
		t->cap_effective |= t->cap_permitted & CAP_FS_MASK;
}

bool cred_exec(struct task *t, u32 mode, u32 fuid, u32 fgid, bool nosuid)
{
	u64 old_perm = t->cap_permitted;
	u32 neuid = t->euid, negid = t->egid;
	if (!nosuid && !t->no_new_privs) {
		if (mode & S_ISUID)
			neuid = fuid;
		if ((mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			negid = fgid;
	}
	/* a set-id exec: the file changed an effective id */
	bool is_setid = neuid != t->euid || negid != t->egid;
	/* no file capabilities: the permitted set is rebuilt from nothing */
	u64 perm = 0;
	bool effective = false;
	if (!(t->securebits & SECBIT_NOROOT)) {
		if (neuid == 0 || t->uid == 0)
			perm = t->cap_bset | t->cap_inheritable;
		if (neuid == 0)
			effective = true;
	}
	if ((is_setid || (perm & ~old_perm)) && t->no_new_privs) {
		/* no_new_privs: nothing more than before, and the effective
		 * ids fall back to the real ones */
		neuid = t->uid;
		negid = t->gid;
		perm &= old_perm;
	}
	t->euid = t->suid = t->fsuid = neuid;
	t->egid = t->sgid = t->fsgid = negid;
	if (is_setid)
		t->cap_ambient = 0;
	perm |= t->cap_ambient;
	t->cap_permitted = perm;
	t->cap_effective = effective ? perm : t->cap_ambient;
	t->securebits &= ~SECBIT_KEEP_CAPS;
	/* AT_SECURE: set-id, effective ids not the real ones, or a non-root
	 * caller that gained capabilities beyond its ambient set */
	bool secure = is_setid || t->euid != t->uid || t->egid != t->gid ||
		      (t->uid != 0 && (effective || (perm & ~t->cap_ambient)));
	/* a new identity is not told of its parent's death (as Linux) */
	if (secure || (perm & ~old_perm))
		t->pdeath_signal = 0;
	return secure;
}

/* ---- capget, capset ---- */

struct cap_header {
	u32 version;
	int pid;
};
struct cap_data {
	u32 effective, permitted, inheritable;
};

/* How many data words the header's version takes, or -EINVAL (the
 * preferred version written back) */
static long cap_words(struct task *t, u64 uhdr, struct cap_header *h)
{
	if (copy_from_user(t->mm, h, uhdr, sizeof(*h)) < 0)
		return -EFAULT;
	switch (h->version) {
	case LINUX_CAPABILITY_VERSION_1:
		return 1;
	case LINUX_CAPABILITY_VERSION_2:
	case LINUX_CAPABILITY_VERSION_3:
		return 2;
	default: {
		u32 v = LINUX_CAPABILITY_VERSION_3;
		if (copy_to_user(t->mm, uhdr, &v, sizeof(v)) < 0)
			return -EFAULT;
		return -EINVAL;
	}
	}
}

SYSCALL_DEFINE(capget)
{
	struct cap_header h;
	long n = cap_words(t, a->a[0], &h);
	if (n < 0)
		return n == -EINVAL && !a->a[1] ? 0 : n; /* a probe: the version is written back */
	if (h.pid < 0)
		return -EINVAL;
	if (!a->a[1])
		return 0; /* a probe of the version */
	struct task *p = t;
	if (h.pid && h.pid != t->tid) {
		p = task_find(h.pid);
		if (!p || p->state != TASK_RUNNING)
			return -ESRCH;
	}
	struct cap_data d[2];
	for (int i = 0; i < 2; i++) {
		d[i].effective = p->cap_effective >> (32 * i);
		d[i].permitted = p->cap_permitted >> (32 * i);
		d[i].inheritable = p->cap_inheritable >> (32 * i);
	}
	return copy_to_user(t->mm, a->a[1], d, n * sizeof(d[0])) < 0 ? -EFAULT : 0;
}

static bool subset(u64 a, u64 b)
{
	return !(a & ~b);
}

SYSCALL_DEFINE(capset)
{
	struct cap_header h;
	long n = cap_words(t, a->a[0], &h);
	if (n < 0)
		return n;
	/* only one's own sets may be changed */
	if (h.pid && h.pid != t->tid)
		return -EPERM;
	struct cap_data d[2] = { 0 };
	if (copy_from_user(t->mm, d, a->a[1], n * sizeof(d[0])) < 0)
		return -EFAULT;
	u64 eff = ((u64)d[1].effective << 32 | d[0].effective) & CAP_FULL_SET;
	u64 perm = ((u64)d[1].permitted << 32 | d[0].permitted) & CAP_FULL_SET;
	u64 inh = ((u64)d[1].inheritable << 32 | d[0].inheritable) & CAP_FULL_SET;
	if (!capable(t, CAP_SETPCAP) && !subset(inh, t->cap_inheritable | t->cap_permitted))
		return -EPERM;
	if (!subset(inh, t->cap_inheritable | t->cap_bset))
		return -EPERM;
	if (!subset(perm, t->cap_permitted))
		return -EPERM;
	if (!subset(eff, perm))
		return -EPERM;
	t->cap_effective = eff;
	t->cap_permitted = perm;
	t->cap_inheritable = inh;
	t->cap_ambient &= perm & inh;
	return 0;
}

/* ---- prctl ---- */

long cap_prctl(struct task *t, int option, u64 a2, u64 a3, u64 a4, u64 a5)
{
	switch (option) {
	case PR_CAPBSET_READ:
		if (!cap_valid(a2))
			return -EINVAL;
		return !!(t->cap_bset & CAP_BIT(a2));
	case PR_CAPBSET_DROP:
		if (!capable(t, CAP_SETPCAP))
			return -EPERM;
		if (!cap_valid(a2))
			return -EINVAL;
		t->cap_bset &= ~CAP_BIT(a2);
		return 0;
	case PR_GET_KEEPCAPS:
		return !!(t->securebits & SECBIT_KEEP_CAPS);
	case PR_SET_KEEPCAPS:
		if (a2 > 1)
			return -EINVAL;
		if (t->securebits & SECBIT_KEEP_CAPS_LOCKED)
			return -EPERM;
		if (a2)
			t->securebits |= SECBIT_KEEP_CAPS;
		else
			t->securebits &= ~SECBIT_KEEP_CAPS;
		return 0;
	case PR_GET_SECUREBITS:
		return t->securebits;
	case PR_SET_SECUREBITS: {
		u64 old = t->securebits;
		/* a locked bit may not change, a lock may not be released,
		 * no unknown bits, and CAP_SETPCAP is needed */
		if ((((old & SECURE_ALL_LOCKS) >> 1) & (old ^ a2)) || (old & SECURE_ALL_LOCKS & ~a2) ||
		    (a2 & ~(u64)(SECURE_ALL_LOCKS | SECURE_ALL_BITS)) || !capable(t, CAP_SETPCAP))
			return -EPERM;
		t->securebits = a2;
		return 0;
	}
	case PR_SET_NO_NEW_PRIVS:
		if (a2 != 1 || a3 || a4 || a5)
			return -EINVAL;
		t->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a2 || a3 || a4 || a5)
			return -EINVAL;
		return t->no_new_privs;
	case PR_CAP_AMBIENT:
		if (a2 == PR_CAP_AMBIENT_CLEAR_ALL) {
			if (a3 | a4 | a5)
				return -EINVAL;
			t->cap_ambient = 0;
			return 0;
		}
		if (!cap_valid(a3) || a4 || a5)
			return -EINVAL;
		if (a2 == PR_CAP_AMBIENT_IS_SET)
			return !!(t->cap_ambient & CAP_BIT(a3));
		if (a2 == PR_CAP_AMBIENT_RAISE) {
			if (!(t->cap_permitted & CAP_BIT(a3)) || !(t->cap_inheritable & CAP_BIT(a3)) ||
			    (t->securebits & SECBIT_NO_CAP_AMBIENT_RAISE))
				return -EPERM;
			t->cap_ambient |= CAP_BIT(a3);
			return 0;
		}
		if (a2 == PR_CAP_AMBIENT_LOWER) {
			t->cap_ambient &= ~CAP_BIT(a3);
			return 0;
		}
		return -EINVAL;
	default:
		return -ENOSYS;
	}
}

/* kill(2): the sender's real or effective uid is the target's real or
 * saved uid, or the sender holds CAP_KILL; SIGCONT may go to any process
 * of the sender's session. */
bool kill_permitted(struct task *t, struct task *p, int sig)
{
	if (!t || t->tgid == p->tgid)
		return true;
	if (t->euid == p->suid || t->euid == p->uid || t->uid == p->suid || t->uid == p->uid)
		return true;
	if (capable(t, CAP_KILL))
		return true;
	return sig == SIGCONT && p->sid == t->sid;
}
