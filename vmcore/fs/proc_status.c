/* /proc/PID/status: a task's state as Linux's proc_pid_status prints it,
 * key by key in Linux's order, with what vmcore knows of each.
 *
 * Capabilities: the credentials do not carry capability sets yet, so the
 * sets are derived from euid as Linux's root rule does (euid 0: the full
 * set, CAP_LAST_CAP 40; anyone else: empty), and the bounding set is full.
 * When struct task gains real sets, print them here instead. */
#include <vmcore/ptrace.h>
#include <vmcore/seccomp.h>
#include <vmcore/cred.h>
#include <vmcore/mm.h>
#include <vmcore/signal.h>
#include <vmcore/vfs.h>
#include "proc_internal.h"
#include <string.h>
#include <sys/mman.h>

extern int nr_vcpus;

#define CAP_FULL 0x000001ffffffffffULL

static int nthreads(struct task *t)
{
	int n = 0;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->tgid == t->tgid && q->state == TASK_RUNNING && !q->thread_exited)
			n++;
	return n ? n : 1;
}

static const char *state_name(struct task *t)
{
	if (t->state == TASK_ZOMBIE)
		return "Z (zombie)";
	if (t->pt && t->pt->kind != PT_RUNNING)
		return "t (tracing stop)";
	if (t->stopped)
		return "T (stopped)";
	if (!t->ht.tid || t->in_user)
		return "R (running)";
	return "S (sleeping)";
}

/* the kB of t's mappings of each kind, from its VMAs */
struct vm_kinds {
	u64 size, data, stk, exe, lib, lck;
};

static void vm_kinds(struct mm *mm, struct vm_kinds *k)
{
	memset(k, 0, sizeof(*k));
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next) {
		u64 len = (v->end - v->start) >> 10;
		k->size += len;
		if (v->flags & VM_LOCKED)
			k->lck += len;
		if (v->name && !strcmp(v->name, "[stack]"))
			k->stk += len;
		else if (v->file && (v->prot & PROT_EXEC))
			*(mm->exe && v->file->dentry && v->file->dentry->inode == mm->exe->inode ?
				  &k->exe : &k->lib) += len;
		else if ((v->prot & PROT_WRITE) && !(v->flags & VM_SHARED))
			k->data += len; /* Linux's VmData: private writable, not stack */
	}
}

void proc_gen_status(struct buf *b, struct task *t)
{
	u64 sigign = 0, sigcgt = 0;
	for (int i = 0; t->sighand && i < _NSIG_LINUX; i++) {
		if (t->sighand->action[i].handler == (u64)SIG_IGN)
			sigign |= 1UL << i;
		else if (t->sighand->action[i].handler != (u64)SIG_DFL)
			sigcgt |= 1UL << i;
	}
	int ppid = t->parent ? t->parent->tgid : 0;
	bprintf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
		   "TracerPid:\t%d\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\n"
		   "Groups:\t",
		t->comm, t->fs ? t->fs->umask : 022, state_name(t), t->tgid, t->tid, ppid,
		t->ptracer ? t->ptracer->tgid : 0, t->uid,
		t->euid, t->suid, t->fsuid, t->gid, t->egid, t->sgid, t->fsgid,
		t->files ? MAX(t->files->max, 64) : 0);
	/* supplementary groups, each followed by a space, as Linux prints them */
	for (int i = 0; t->group_info && i < t->group_info->n; i++)
		bprintf(b, "%u ", t->group_info->gid[i]);
	bprintf(b, "\n");
	/* one pid namespace: the ids in it are the ids */
	bprintf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\n", t->tgid, t->tid,
		t->pgid, t->sid);
	if (t->mm) {
		struct vm_kinds k;
		vm_kinds(t->mm, &k);
		unsigned long long rss = t->mm->rss * 4;
		bprintf(b,
			"VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t%8llu kB\nVmPin:\t%8llu kB\n"
			"VmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\nRssAnon:\t%8llu kB\nRssFile:\t%8llu kB\n"
			"RssShmem:\t%8llu kB\nVmData:\t%8llu kB\nVmStk:\t%8llu kB\nVmExe:\t%8llu kB\n"
			"VmLib:\t%8llu kB\nVmPTE:\t%8llu kB\nVmSwap:\t%8llu kB\nHugetlbPages:\t%8llu kB\n",
			(unsigned long long)k.size, (unsigned long long)k.size, (unsigned long long)k.lck, 0ULL, rss, rss, rss,
			0ULL, 0ULL, (unsigned long long)k.data, (unsigned long long)k.stk,
			(unsigned long long)k.exe, (unsigned long long)k.lib, 0ULL, 0ULL, 0ULL);
	}
	/* THP_enabled: vmcore has no huge pages (sysfs says "never") */
	bprintf(b, "CoreDumping:\t0\nTHP_enabled:\t0\nuntag_mask:\t0xffffffffffffffff\n");
	int queued = 0;
	for (int i = 0; i < 64; i++)
		queued += (t->pending >> i) & 1;
	bprintf(b, "Threads:\t%d\nSigQ:\t%d/%llu\nSigPnd:\t%016llx\nShdPnd:\t0000000000000000\n"
		   "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		nthreads(t), queued, (unsigned long long)t->rlimits[RLIMIT_SIGPENDING][0],
		(unsigned long long)t->pending, (unsigned long long)t->sigmask,
		(unsigned long long)sigign, (unsigned long long)sigcgt);
	bprintf(b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\nCapBnd:\t%016llx\n"
		   "CapAmb:\t%016llx\nNoNewPrivs:\t%d\nSeccomp:\t%d\nSeccomp_filters:\t%d\n",
		(unsigned long long)t->cap_inheritable, (unsigned long long)t->cap_permitted,
		(unsigned long long)t->cap_effective, (unsigned long long)t->cap_bset,
		(unsigned long long)t->cap_ambient, t->no_new_privs, t->seccomp_mode,
		seccomp_filter_count(t));
	bprintf(b, "Speculation_Store_Bypass:\tvulnerable\n"
		   "SpeculationIndirectBranch:\talways enabled\n");
	int n = nr_vcpus > 0 ? nr_vcpus : 1;
	unsigned long long mask = n >= 64 ? ~0ULL : (1ULL << n) - 1;
	bprintf(b, "Cpus_allowed:\t%llx\nCpus_allowed_list:\t", mask);
	if (n == 1)
		bprintf(b, "0\n");
	else
		bprintf(b, "0-%d\n", n - 1);
	bprintf(b, "Mems_allowed:\t");
	for (int i = 0; i < 31; i++)
		bprintf(b, "00000000,");
	bprintf(b, "00000001\nMems_allowed_list:\t0\n");
	bprintf(b, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}
