/* procfs: the kernel's view of its tasks and memory, as text files.
 *
 * Inodes are made on demand by lookups and carry (kind, pid, fd); while
 * one is in use, a lookup of the same gives it again (a watch on a procfs
 * file or directory sees the opens of that name, as on Linux); a
 * file's text is generated when it is opened, into a buffer its reads then
 * page through, so a reader sees one consistent snapshot.  fd/N, exe, cwd
 * and root are "magic" links: following them gives the object itself. */
#include <vmcore/ptrace.h>
#include <vmcore/anon_inodes.h>
#include <vmcore/signal.h>
#include <vmcore/syscall.h>
#include <vmcore/trace.h>
#include <vmcore/strbuf.h>
#include "proc_internal.h"
#include <vmcore/host.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <vmcore/inet.h>
#include <vmcore/sysrq.h>

enum pkind {
	P_ROOT, P_SELF, P_THREAD_SELF, P_MEMINFO, P_UPTIME, P_LOADAVG, P_STAT, P_CPUINFO, P_VERSION,
	P_CMDLINE, P_MOUNTS, P_FILESYSTEMS,
	P_PID, P_PID_STAT, P_PID_STATUS, P_PID_CMDLINE, P_PID_COMM, P_PID_EXE, P_PID_CWD, P_PID_ROOT,
	P_PID_MAPS, P_PID_FD, P_PID_FD_N, P_PID_ENVIRON, P_PID_STATM, P_PID_TASK, P_PID_MOUNTS,
	P_PID_SYSCALLS, P_SYS, P_CONFIG_GZ, P_PID_MOUNTINFO, P_PID_NS, P_PID_NS_N, P_NSFILE,
	P_PID_FDINFO, P_PID_FDINFO_N,
	P_NET, P_NET_FILE, P_PID_MEM, P_PID_AUXV, P_PID_OOM_SCORE, P_PID_OOM_SCORE_ADJ, P_PID_OOM_ADJ,
	P_TID, /* /proc/PID/task/TID: a thread's own directory, without "task" */
	P_SYSRQ, /* /proc/sysrq-trigger: 'c' crashes the kernel */
};

struct pinfo {
	enum pkind kind;
	int pid, fd; /* fd: P_PID_FD_N's descriptor, P_SYS's node, a namespace's index */
};

static const struct inode_ops proc_iops;
static const struct file_ops proc_file_fops, proc_dir_fops;
static struct super_block *proc_sb;

static const struct {
	const char *name;
	enum pkind kind;
	u32 mode;
} root_files[] = {
	{ "self", P_SELF, S_IFLNK | 0777 },     { "thread-self", P_THREAD_SELF, S_IFLNK | 0777 },
	{ "meminfo", P_MEMINFO, S_IFREG | 0444 }, { "uptime", P_UPTIME, S_IFREG | 0444 },
	{ "loadavg", P_LOADAVG, S_IFREG | 0444 }, { "stat", P_STAT, S_IFREG | 0444 },
	{ "cpuinfo", P_CPUINFO, S_IFREG | 0444 }, { "version", P_VERSION, S_IFREG | 0444 },
	{ "cmdline", P_CMDLINE, S_IFREG | 0444 }, { "mounts", P_MOUNTS, S_IFREG | 0444 },
	{ "filesystems", P_FILESYSTEMS, S_IFREG | 0444 }, { "sys", P_SYS, S_IFDIR | 0555 },
	{ "config.gz", P_CONFIG_GZ, S_IFREG | 0444 }, { "net", P_NET, S_IFDIR | 0555 },
	{ "sysrq-trigger", P_SYSRQ, S_IFREG | 0200 },
}, pid_files[] = {
	{ "stat", P_PID_STAT, S_IFREG | 0444 },     { "status", P_PID_STATUS, S_IFREG | 0444 },
	{ "cmdline", P_PID_CMDLINE, S_IFREG | 0444 }, { "comm", P_PID_COMM, S_IFREG | 0644 },
	{ "exe", P_PID_EXE, S_IFLNK | 0777 },       { "cwd", P_PID_CWD, S_IFLNK | 0777 },
	{ "root", P_PID_ROOT, S_IFLNK | 0777 },     { "maps", P_PID_MAPS, S_IFREG | 0444 },
	{ "fd", P_PID_FD, S_IFDIR | 0500 },         { "environ", P_PID_ENVIRON, S_IFREG | 0400 },
	{ "fdinfo", P_PID_FDINFO, S_IFDIR | 0555 },
	{ "statm", P_PID_STATM, S_IFREG | 0444 },   { "task", P_PID_TASK, S_IFDIR | 0555 },
	{ "mounts", P_PID_MOUNTS, S_IFREG | 0444 }, { "mountinfo", P_PID_MOUNTINFO, S_IFREG | 0444 },
	{ "ns", P_PID_NS, S_IFDIR | 0511 },
	{ "syscalls", P_PID_SYSCALLS, S_IFREG | 0444 }, /* vmcore's flight recorder */
	{ "auxv", P_PID_AUXV, S_IFREG | 0400 },     { "mem", P_PID_MEM, S_IFREG | 0600 }, /* proc_mem.c */
	{ "oom_score", P_PID_OOM_SCORE, S_IFREG | 0444 }, /* mm/oom_kill.c */
	{ "oom_score_adj", P_PID_OOM_SCORE_ADJ, S_IFREG | 0644 }, { "oom_adj", P_PID_OOM_ADJ, S_IFREG | 0644 },
};

/* /proc/net: the sockets of net/inet.c and net/af_unix.c (fd: the index
 * here); proto NULL: AF_UNIX's */
static const struct {
	const char *name;
	struct inet_proto *proto;
	bool v6;
} net_files[] = {
	{ "tcp", &tcp_proto, false },         { "tcp6", &tcp_proto, true },
	{ "udp", &udp_proto, false },         { "udp6", &udp_proto, true },
	{ "udplite", &udplite_proto, false }, { "udplite6", &udplite_proto, true },
	{ "unix", NULL, false },
};

/* The guest has one namespace of each kind; their ids are those Linux
 * gives its initial namespaces (stable: tools compare them) */
static const struct {
	const char *name, *kind;
	u64 id;
} namespaces[] = {
	{ "cgroup", "cgroup", 4026531835ULL }, { "ipc", "ipc", 4026531839ULL },
	{ "mnt", "mnt", 4026531841ULL },       { "net", "net", 4026531840ULL },
	{ "pid", "pid", 4026531836ULL },       { "pid_for_children", "pid", 4026531836ULL },
	{ "time", "time", 4026531834ULL },     { "time_for_children", "time", 4026531834ULL },
	{ "user", "user", 4026531837ULL },     { "uts", "uts", 4026531838ULL },
};

static struct inode *live_inodes; /* in use, through hash_next */

static struct inode *proc_inode(enum pkind kind, int pid, int fd, u32 mode)
{
	for (struct inode *i = live_inodes; i; i = i->hash_next) {
		struct pinfo *p = i->priv;
		if (p->kind == kind && p->pid == pid && p->fd == fd && i->mode == mode)
			return iget(i);
	}
	struct inode *ino = inode_new(proc_sb, mode);
	struct pinfo *pi = kzalloc(sizeof(*pi));
	if (!ino || !pi) {
		free(ino);
		free(pi);
		return NULL;
	}
	pi->kind = kind;
	pi->pid = pid;
	pi->fd = fd;
	ino->priv = pi;
	ino->iops = &proc_iops;
	ino->fops = S_ISDIR(mode) ? &proc_dir_fops : kind == P_PID_MEM ? &proc_mem_fops : &proc_file_fops;
	ino->ino = ((u64)pid << 16) | ((u64)kind << 10) | (fd & 0x3ff);
	if (kind == P_ROOT)
		ino->ino = 1;
	if (kind == P_NSFILE)
		ino->ino = namespaces[fd].id; /* what stat(2) of /proc/PID/ns/X shows */
	if (S_ISDIR(mode))
		ino->nlink = 2;
	if (kind != P_ROOT) {
		ino->hash_next = live_inodes;
		live_inodes = ino;
	}
	return ino;
}

static struct task *live(int pid)
{
	struct task *t = task_find(pid);
	return t && t->state == TASK_RUNNING ? t : NULL;
}

/* Linux's proc_fd_access_allowed and mm_access: may the caller look
 * into t (the links, environ, auxv, maps) or take its memory (mem)?
 * Refused is EACCES.  The kernel itself (no current) may. */
static int proc_may_access(struct task *t, unsigned mode)
{
	if (!current || (t->mm && t->mm == current->mm))
		return 0;
	return ptrace_may_access(current, t, mode) < 0 ? -EACCES : 0;
}

static int proc_lookup(struct inode *dir, const char *name, struct inode **out)
{
	struct pinfo *pi = dir->priv;
	struct inode *ino = NULL;
	if (pi->kind == P_ROOT) {
		for (size_t i = 0; i < ARRAY_SIZE(root_files); i++)
			if (!strcmp(name, root_files[i].name))
				ino = proc_inode(root_files[i].kind, 0,
						 root_files[i].kind == P_SYS ? SYSCTL_ROOT : 0,
						 root_files[i].mode);
		if (!ino) {
			char *end;
			long pid = strtol(name, &end, 10);
			if (*end || pid <= 0 || !live(pid))
				return -ENOENT;
			ino = proc_inode(P_PID, pid, 0, S_IFDIR | 0555);
		}
	} else if (pi->kind == P_PID || pi->kind == P_TID) {
		for (size_t i = 0; i < ARRAY_SIZE(pid_files); i++)
			if (!strcmp(name, pid_files[i].name) && !(pi->kind == P_TID && pid_files[i].kind == P_PID_TASK))
				ino = proc_inode(pid_files[i].kind, pi->pid, 0, pid_files[i].mode);
	} else if (pi->kind == P_SYS && S_ISDIR(dir->mode)) {
		int n = sysctl_lookup(pi->fd, name);
		if (n < 0)
			return n;
		ino = proc_inode(P_SYS, 0, n, sysctl_mode(n));
	} else if (pi->kind == P_PID_NS) {
		for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++)
			if (!strcmp(name, namespaces[i].name))
				ino = proc_inode(P_PID_NS_N, pi->pid, i, S_IFLNK | 0777);
	} else if (pi->kind == P_NET) {
		for (size_t i = 0; i < ARRAY_SIZE(net_files); i++)
			if (!strcmp(name, net_files[i].name))
				ino = proc_inode(P_NET_FILE, 0, i, S_IFREG | 0444);
	} else if (pi->kind == P_PID_FD || pi->kind == P_PID_FDINFO) {
		struct task *t = live(pi->pid);
		char *end;
		long fd = strtol(name, &end, 10);
		if (!t || *end || fd < 0 || !t->files || !fd_get(t, fd))
			return -ENOENT;
		/* Linux's proc_fdinfo_permission: fdinfo is searched by
		 * those who may read the process */
		if (pi->kind == P_PID_FDINFO && proc_may_access(t, PTRACE_MODE_READ_FSCREDS) < 0)
			return -EACCES;
		ino = pi->kind == P_PID_FD ? proc_inode(P_PID_FD_N, pi->pid, fd, S_IFLNK | 0700)
					   : proc_inode(P_PID_FDINFO_N, pi->pid, fd, S_IFREG | 0444);
	} else if (pi->kind == P_PID_TASK) {
		char *end;
		long tid = strtol(name, &end, 10);
		struct task *t = live(tid);
		if (*end || !t || t->tgid != pi->pid)
			return -ENOENT;
		ino = proc_inode(P_TID, tid, 0, S_IFDIR | 0555);
	} else {
		return -ENOTDIR;
	}
	if (!ino)
		return -ENOENT;
	struct pinfo *ni = ino->priv;
	struct task *t = ni->pid ? task_find(ni->pid) : NULL;
	if (t) {
		/* as Linux's task_dump_owner: the effective ids, but root's for
		 * the files of a non-dumpable process or of one whose memory is
		 * gone (a zombie); the 0555 directories keep the process's */
		ino->uid = t->euid, ino->gid = t->egid;
		if (ino->mode != (S_IFDIR | 0555) && (!t->mm || t->mm->nondumpable))
			ino->uid = ino->gid = 0;
	}
	*out = ino;
	return 0;
}

static long dentry_name(struct task *t, struct dentry *d, char *buf, size_t len)
{
	struct dentry *root = t && t->fs ? t->fs->root : vfs_root();
	return dentry_path(d, root, buf, len);
}

/* What /proc/PID/fd/N says of an open file (and strace -y shows): its path
 * seen from t's root, or pipe:[ino] and the like for files without one.
 * NUL-terminated; the length, or -ENAMETOOLONG. */
long file_link_name(struct task *t, struct file *f, char *buf, size_t len)
{
	int n;
	if (f->dentry && f->dentry->parent != f->dentry)
		return dentry_name(t, f->dentry, buf, len);
	if (file_is_anon(f)) /* fs/anon_inodes.c: the kind is the dentry's name */
		n = snprintf(buf, len, "anon_inode:%s", f->dentry ? f->dentry->name : "[?]");
	else if (f->inode->seals & MEMFD_SEALABLE) /* fs/memfd.c */
		n = snprintf(buf, len, "/%s (deleted)", f->dentry ? f->dentry->name : "memfd:");
	else if (S_ISFIFO(f->inode->mode))
		n = snprintf(buf, len, "pipe:[%llu]", (unsigned long long)f->inode->ino);
	else if (S_ISSOCK(f->inode->mode))
		n = snprintf(buf, len, "socket:[%llu]", (unsigned long long)f->inode->ino);
	else if (S_ISCHR(f->inode->mode) && major(f->inode->rdev) == 136)
		n = snprintf(buf, len, "/dev/pts/%u", minor(f->inode->rdev)); /* TIOCGPTPEER's */
	else if (S_ISCHR(f->inode->mode) && chrdev_find(f->inode->rdev) &&
		 !chrdev_find(f->inode->rdev)->any_minor)
		n = snprintf(buf, len, "/dev/%s", chrdev_find(f->inode->rdev)->name);
	else if (S_ISCHR(f->inode->mode))
		n = snprintf(buf, len, "/dev/console");
	else
		n = snprintf(buf, len, "anon_inode:[%llu]", (unsigned long long)f->inode->ino);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : n;
}

static long proc_readlink(struct inode *ino, char *buf, size_t len)
{
	struct pinfo *pi = ino->priv;
	char tmp[4096];
	long n = -ENOENT;
	struct task *t = pi->pid ? live(pi->pid) : current;
	if (pi->pid && t && proc_may_access(t, PTRACE_MODE_READ_FSCREDS) < 0)
		return -EACCES; /* the links of /proc/PID: exe, cwd, root, fd/N, ns/X */
	switch (pi->kind) {
	case P_SELF:
		if (!current)
			return -ENOENT; /* the kernel itself (the gdbstub's vFile) */
		n = snprintf(tmp, sizeof(tmp), "%d", current->tgid);
		break;
	case P_THREAD_SELF:
		if (!current)
			return -ENOENT;
		n = snprintf(tmp, sizeof(tmp), "%d/task/%d", current->tgid, current->tid);
		break;
	case P_PID_EXE:
		if (t && t->mm && t->mm->exe)
			n = dentry_name(t, t->mm->exe, tmp, sizeof(tmp));
		break;
	case P_PID_CWD:
		if (t && t->fs)
			n = dentry_name(t, t->fs->cwd, tmp, sizeof(tmp));
		break;
	case P_PID_ROOT:
		n = snprintf(tmp, sizeof(tmp), "/");
		break;
	case P_PID_NS_N:
		n = snprintf(tmp, sizeof(tmp), "%s:[%llu]", namespaces[pi->fd].kind,
			     (unsigned long long)namespaces[pi->fd].id);
		break;
	case P_PID_FD_N: {
		struct file *f = t && t->files ? fd_get(t, pi->fd) : NULL;
		if (f)
			n = file_link_name(t, f, tmp, sizeof(tmp));
		break;
	}
	default:
		return -EINVAL;
	}
	if (n < 0)
		return n;
	n = MIN((size_t)n, len);
	memcpy(buf, tmp, n);
	return n;
}

static int proc_get_link(struct inode *ino, struct dentry **out)
{
	struct pinfo *pi = ino->priv;
	struct task *t = pi->pid ? live(pi->pid) : NULL;
	bool link = pi->kind == P_PID_EXE || pi->kind == P_PID_CWD || pi->kind == P_PID_FD_N ||
		    pi->kind == P_PID_NS_N || pi->kind == P_PID_ROOT;
	if (link && t && proc_may_access(t, PTRACE_MODE_READ_FSCREDS) < 0)
		return -EACCES;
	switch (pi->kind) {
	case P_PID_EXE:
		if (!t || !t->mm || !t->mm->exe)
			return -ENOENT;
		*out = dget(t->mm->exe);
		return 0;
	case P_PID_CWD:
		if (!t || !t->fs)
			return -ENOENT;
		*out = dget(t->fs->cwd);
		return 0;
	case P_PID_FD_N: {
		struct file *f = t && t->files ? fd_get(t, pi->fd) : NULL;
		if (!f)
			return -ENOENT;
		*out = f->dentry ? dget(f->dentry) : dentry_new(NULL, "", iget(f->inode));
		return *out ? 0 : -ENOMEM;
	}
	case P_PID_NS_N: {
		/* the namespace itself: an inode whose number is its id (nsfs) */
		if (!t)
			return -ENOENT;
		struct inode *ns = proc_inode(P_NSFILE, 0, pi->fd, S_IFREG | 0444);
		*out = ns ? dentry_new(NULL, "", ns) : NULL;
		return *out ? 0 : -ENOMEM;
	}
	default:
		return -ENOENT; /* an ordinary link: read and walk it */
	}
}

static u64 vm_size(struct mm *mm)
{
	u64 n = 0;
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next)
		n += v->end - v->start;
	return n;
}

char task_state_char(const struct task *t)
{
	if (t->state == TASK_ZOMBIE)
		return 'Z';
	if (t->pt && t->pt->kind != PT_RUNNING)
		return 't'; /* tracing stop */
	if (t->stopped)
		return 'T';
	if (!t->ht.tid)
		return 'R'; /* born, its task thread not yet running: runnable */
	return t->in_user ? 'R' : 'S';
}

static int nthreads(struct task *t)
{
	int n = 0;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q->tgid == t->tgid && q->state == TASK_RUNNING && !q->thread_exited)
			n++;
	return n ? n : 1;
}

static void gen_pid_stat(struct buf *b, struct task *t)
{
	u64 cpu = task_cpu_ns(t) / 10000000ULL;
	u64 vsz = t->mm ? vm_size(t->mm) : 0, rss = t->mm ? t->mm->rss : 0;
	u64 sigign = 0, sigcgt = 0;
	for (int i = 0; t->sighand && i < _NSIG_LINUX; i++) {
		if (t->sighand->action[i].handler == (u64)SIG_IGN)
			sigign |= 1UL << i;
		else if (t->sighand->action[i].handler != (u64)SIG_DFL)
			sigcgt |= 1UL << i;
	}
	struct mm *mm = t->mm;
	bprintf(b,
		"%d (%s) %c %d %d %d %d %d %u %lu %lu %lu %lu %llu %llu %llu %llu %d %d %d %d %llu %llu %llu "
		"%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %lu %lu %lu %d %d %u %u %llu %llu %llu "
		"%llu %llu %llu %llu %llu %llu %llu %d\n",
		t->tid, t->comm, task_state_char(t), t->parent ? t->parent->tgid : 0, t->pgid, t->sid,
		0x0401 /* tty: the console */, t->pgid, 0x400000u, 0UL, 0UL, 0UL, 0UL,
		(unsigned long long)cpu, 0ULL, 0ULL, 0ULL, 20, 0, nthreads(t), 0,
		(unsigned long long)(t->start_time_ns / 10000000ULL), (unsigned long long)vsz,
		(unsigned long long)rss, (unsigned long long)t->rlimits[RLIMIT_RSS][0],
		(unsigned long long)(mm ? mm->start_code : 0), (unsigned long long)(mm ? mm->end_code : 0),
		(unsigned long long)(mm ? mm->start_stack : 0), 0ULL, 0ULL, (unsigned long long)t->pending,
		(unsigned long long)t->sigmask, (unsigned long long)sigign, (unsigned long long)sigcgt, 0UL, 0UL,
		0UL, t->exit_signal > 0 ? t->exit_signal : 0, t->cpu, 0u, 0u, 0ULL, 0ULL, 0ULL,
		(unsigned long long)(mm ? mm->start_data : 0), (unsigned long long)(mm ? mm->end_data : 0),
		(unsigned long long)(mm ? mm->start_brk : 0), (unsigned long long)(mm ? mm->arg_start : 0),
		(unsigned long long)(mm ? mm->arg_end : 0), (unsigned long long)(mm ? mm->env_start : 0),
		(unsigned long long)(mm ? mm->env_end : 0), t->state == TASK_ZOMBIE ? t->exit_code : 0);
}

static void gen_user_range(struct buf *b, struct task *t, u64 start, u64 end)
{
	if (!t->mm || end <= start || end - start > (1 << 20))
		return;
	char *tmp = malloc(end - start);
	if (tmp && copy_from_user(t->mm, tmp, start, end - start) == 0)
		bmem(b, tmp, end - start);
	free(tmp);
}

static void gen_maps(struct buf *b, struct task *t)
{
	if (!t->mm)
		return;
	for (struct vma *v = t->mm->vmas.next; v != &t->mm->vmas; v = v->next) {
		char path[4096] = "";
		if (v->file && v->file->dentry && v->file->dentry->parent != v->file->dentry)
			dentry_name(t, v->file->dentry, path, sizeof(path));
		else if (v->file)
			snprintf(path, sizeof(path), "/dev/zero (deleted)");
		else if (v->name)
			snprintf(path, sizeof(path), "%s", v->name);
		struct kstat st = { 0 };
		if (v->file)
			vfs_getattr(v->file->inode, &st);
		int n = b->len;
		bprintf(b, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ", (unsigned long long)v->start,
			(unsigned long long)v->end, (v->prot & PROT_READ) ? 'r' : '-',
			(v->prot & PROT_WRITE) ? 'w' : '-', (v->prot & PROT_EXEC) ? 'x' : '-',
			(v->flags & VM_SHARED) ? 's' : 'p', (unsigned long long)(v->pgoff << PAGE_SHIFT),
			(unsigned)major(st.dev), (unsigned)minor(st.dev), (unsigned long long)st.ino);
		if (path[0]) {
			int w = b->len - n;
			bprintf(b, "%*s%s", w < 73 ? 73 - w : 1, "", path);
		}
		bprintf(b, "\n");
	}
}

/* Guest CPU i: the host's first CPU entry (host_cpuinfo), renumbered:
 * the guest's CPUs are one package of nr_vcpus cores */
static void gen_cpuinfo(struct buf *b, int i)
{
	const char *e = host_cpuinfo();
	if (!e) {
		bprintf(b, "processor\t: %d\nvendor_id\t: unknown\n\n", i);
		return;
	}
	static const struct {
		const char *key;
		int which; /* 0: the CPU's number, 1: the CPU count, 2: zero */
	} renumber[] = { { "processor", 0 }, { "core id", 0 }, { "apicid", 0 },
			 { "initial apicid", 0 }, { "siblings", 1 }, { "cpu cores", 1 },
			 { "physical id", 2 } };
	while (*e) {
		const char *nl = strchr(e, '\n');
		size_t n = nl ? (size_t)(nl - e) : strlen(e);
		const char *colon = memchr(e, ':', n);
		bool done = false;
		for (size_t k = 0; colon && k < ARRAY_SIZE(renumber); k++) {
			size_t kl = strlen(renumber[k].key);
			if (!strncmp(e, renumber[k].key, kl) && (e[kl] == '\t' || e[kl] == ' ')) {
				int v = renumber[k].which == 0 ? i : renumber[k].which == 1 ? nr_vcpus : 0;
				bmem(b, e, colon - e);
				bprintf(b, ": %d\n", v);
				done = true;
			}
		}
		if (!done) {
			bmem(b, e, n);
			bmem(b, "\n", 1);
		}
		e += n + (nl ? 1 : 0);
	}
	bmem(b, "\n", 1);
}

/* The id /proc/PID/mountinfo gives the mount of sb (the anonymous
 * inodes' own, Linux's anon_inodefs, is mounted nowhere: its own id). */
static int mnt_id_of(struct super_block *sb)
{
	for (int i = 0; sb && mount_get(i); i++)
		if (mount_get(i)->sb == sb)
			return mount_get(i)->id;
	return 15;
}

/* /proc/PID/fdinfo/N, as Linux's: position, flags in octal (O_LARGEFILE,
 * which Linux's open forces on 64-bit, but for the anonymous inode's, and
 * O_CLOEXEC from the descriptor table), mount id, inode number, then what
 * the kind of file adds (file_ops.show_fdinfo: epoll's items, eventfd's
 * count, inotify's watches). */
static void gen_fdinfo(struct buf *b, struct task *t, int fd)
{
	struct file *f = fd_get(t, fd);
	u32 flags = f->flags;
	if (!file_is_anon(f))
		flags |= 0100000; /* O_LARGEFILE, as F_GETFL says */
	if (fd_get_cloexec(t->files, fd))
		flags |= O_CLOEXEC;
	struct kstat st;
	u64 ino = vfs_getattr(f->inode, &st) == 0 ? st.ino : f->inode->ino;
	bprintf(b, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n", (unsigned long long)f->pos, flags,
		mnt_id_of(f->inode->sb), (unsigned long long)ino);
	if (f->ops && f->ops->show_fdinfo)
		f->ops->show_fdinfo(f, b);
}

static void gen(struct pinfo *pi, struct buf *b)
{
	struct task *t = pi->pid ? live(pi->pid) : NULL;
	switch (pi->kind) {
	case P_MEMINFO: {
		/* Cached: clean page cache the reclaimer can take back */
		u64 total = physmem_frames * 4, freek = frames_free() * 4, cached = reclaim_tracked() * 4;
		bprintf(b, "MemTotal:       %8llu kB\nMemFree:        %8llu kB\nMemAvailable:   %8llu kB\n"
			   "Buffers:               0 kB\nCached:         %8llu kB\nSwapCached:            0 kB\n"
			   "SwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:                 0 kB\n"
			   "PageTables:     %8llu kB\n"
			   "CommitLimit:    %8llu kB\nCommitted_AS:   %8llu kB\n",
			(unsigned long long)total, (unsigned long long)freek,
			(unsigned long long)(freek + cached), (unsigned long long)cached,
			(unsigned long long)(pgtable_pages() * 4),
			(unsigned long long)(vm_commit_limit() * 4), (unsigned long long)(vm_committed() * 4));
		break;
	}
	case P_UPTIME: {
		u64 ns = ktime_ns();
		bprintf(b, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(ns / 1000000000ULL),
			(unsigned long long)(ns / 10000000ULL % 100), (unsigned long long)(ns / 1000000000ULL),
			(unsigned long long)(ns / 10000000ULL % 100));
		break;
	}
	case P_LOADAVG: {
		int n = 0, last = 0;
		for (struct task *q = all_tasks; q; q = q->next_task)
			if (q->state == TASK_RUNNING) {
				n++;
				last = MAX(last, q->tid);
			}
		bprintf(b, "0.00 0.00 0.00 1/%d %d\n", n, last);
		break;
	}
	case P_STAT: {
		u64 ticks = ktime_ns() / 10000000ULL;
		bprintf(b, "cpu  0 0 0 %llu 0 0 0 0 0 0\n", (unsigned long long)ticks);
		for (int i = 0; i < nr_vcpus; i++)
			bprintf(b, "cpu%d 0 0 0 %llu 0 0 0 0 0 0\n", i, (unsigned long long)ticks);
		int n = 0;
		for (struct task *q = all_tasks; q; q = q->next_task)
			n += q->state == TASK_RUNNING;
		bprintf(b, "intr 0\nctxt 0\nbtime %llu\nprocesses %d\nprocs_running 1\nprocs_blocked 0\n",
			(unsigned long long)((krealtime_ns() - ktime_ns()) / 1000000000ULL), n);
		break;
	}
	case P_CPUINFO:
		for (int i = 0; i < nr_vcpus; i++)
			gen_cpuinfo(b, i);
		break;
	case P_VERSION:
		bprintf(b, "Linux version %s (vmcore %s) #1 SMP\n", VMCORE_VERSION, VMCORE_RELEASE);
		break;
	case P_CMDLINE:
		bprintf(b, "%s\n", saved_command_line);
		break;
	case P_MOUNTS:
	case P_PID_MOUNTS:
		mount_show(b, t ? t : current, false);
		break;
	case P_PID_MOUNTINFO:
		if (t)
			mount_show(b, t, true);
		break;
	case P_SYS:
		sysctl_show(pi->fd, b);
		break;
	case P_CONFIG_GZ:
		bmem(b, kconfig_gz, kconfig_gz_end - kconfig_gz);
		break;
	case P_NET_FILE:
		if (!net_files[pi->fd].proto)
			unix_proc_net(b);
		else
			inet_proc_net(b, net_files[pi->fd].proto, net_files[pi->fd].v6);
		break;
	case P_FILESYSTEMS:
		bprintf(b, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n"
			   "nodev\tdebugfs\nnodev\ttracefs\nnodev\tramfs\nnodev\thostfs\n");
		break;
	case P_PID_STAT:
		if (t)
			gen_pid_stat(b, t);
		break;
	case P_PID_STATUS:
		if (t)
			proc_gen_status(b, t);
		break;
	case P_PID_CMDLINE:
		if (t && t->mm)
			gen_user_range(b, t, t->mm->arg_start, t->mm->arg_end);
		break;
	case P_PID_ENVIRON:
		if (t && t->mm)
			gen_user_range(b, t, t->mm->env_start, t->mm->env_end);
		break;
	case P_PID_AUXV: /* the vector exec gave, to its AT_NULL */
		if (t && t->mm)
			bmem(b, t->mm->saved_auxv, t->mm->saved_auxv_len);
		break;
	case P_PID_COMM:
		if (t)
			bprintf(b, "%s\n", t->comm);
		break;
	case P_PID_OOM_SCORE:
		if (t)
			bprintf(b, "%ld\n", oom_score(t));
		break;
	case P_PID_OOM_SCORE_ADJ:
	case P_PID_OOM_ADJ:
		if (t)
			bprintf(b, "%ld\n", oom_adj_read(t, pi->kind == P_PID_OOM_ADJ));
		break;
	case P_PID_STATM:
		if (t && t->mm)
			bprintf(b, "%llu %llu 0 0 0 0 0\n", (unsigned long long)(vm_size(t->mm) >> PAGE_SHIFT),
				(unsigned long long)t->mm->rss);
		break;
	case P_PID_MAPS:
		if (t)
			gen_maps(b, t);
		break;
	case P_PID_FDINFO_N:
		if (t && t->files && fd_get(t, pi->fd))
			gen_fdinfo(b, t, pi->fd);
		break;
	case P_PID_SYSCALLS:
		if (t) {
			char tmp[8192];
			size_t n = flight_format(t, tmp, sizeof(tmp));
			bmem(b, tmp, n);
		}
		break;
	default:
		break;
	}
}

static int proc_open(struct inode *ino, struct file *f)
{
	struct pinfo *pi = ino->priv;
	if (pi->pid && !live(pi->pid))
		return -ESRCH;
	struct task *t = pi->pid ? live(pi->pid) : NULL;
	if (pi->kind == P_PID_FDINFO && S_ISDIR(ino->mode))
		return proc_may_access(t, PTRACE_MODE_READ_FSCREDS); /* and listed by them */
	if (S_ISDIR(ino->mode))
		return 0;
	if (pi->kind == P_PID_MEM)
		return proc_mem_open(t, f);
	/* Linux's mm_access at the open of these: the memory's reader */
	if (t && (pi->kind == P_PID_ENVIRON || pi->kind == P_PID_AUXV || pi->kind == P_PID_MAPS)) {
		if (!t->mm)
			return -ESRCH;
		int r = proc_may_access(t, PTRACE_MODE_READ_FSCREDS);
		if (r < 0)
			return r;
	}
	/* sysctls: written by root where the mode allows (Linux's
	 * sysctl_perm: an effective uid of 0, not a capability, has the
	 * owner's rights).  Other files: the mode decided; one without a
	 * writer opens (for root) and its writes are EINVAL, as Linux's
	 * files without a write method. */
	if ((f->flags & O_ACCMODE) != O_RDONLY && !pi->pid &&
	    !((pi->kind == P_SYS || pi->kind == P_SYSRQ) && (ino->mode & 0200) && current &&
	      current->euid == 0))
		return -EACCES;
	struct buf *b = kzalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	gen(pi, b);
	f->priv = b;
	return 0;
}

static void proc_release(struct file *f)
{
	struct buf *b = f->priv;
	if (b && !S_ISDIR(f->inode->mode)) {
		free(b->s);
		free(b);
	}
}

static long proc_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	struct buf *b = f->priv;
	if (!b || *pos >= b->len)
		return 0;
	size_t n = MIN(len, b->len - *pos);
	memcpy(dst, b->s + *pos, n);
	*pos += n;
	return n;
}

static long proc_write(struct file *f, const void *src, size_t len, u64 *pos)
{
	struct pinfo *pi = f->inode->priv;
	if (pi->kind == P_SYS) {
		/* as Linux's strict sysctl writes: a value is one write from
		 * its start; a later piece of it is ignored */
		if (*pos)
			return len;
		long r = sysctl_store(pi->fd, src, len);
		if (r > 0)
			*pos += r;
		return r;
	}
	if (pi->kind == P_SYSRQ) {
		/* as Linux's write_sysrq_trigger: each byte is a key
		 * (kernel/sysrq.c; 'c' crashes the kernel on purpose, for the
		 * oops path and its post-mortem), an unknown one prints the
		 * help; the report goes to the kernel log */
		for (size_t i = 0; i < len; i++) {
			char key = ((const char *)src)[i];
			if (key == '\n')
				continue;
			struct buf out = { 0 };
			if (handle_sysrq(key, &out, true) < 0)
				printk(KERN_INFO, "%s", sysrq_help());
			free(out.s);
		}
		return len;
	}
	struct task *t = live(pi->pid);
	if (t && (pi->kind == P_PID_OOM_SCORE_ADJ || pi->kind == P_PID_OOM_ADJ))
		return oom_adj_write(current, t, src, len, pi->kind == P_PID_OOM_ADJ);
	if (pi->kind != P_PID_COMM || !t)
		return -EINVAL;
	size_t n = MIN(len, (size_t)TASK_COMM_LEN - 1);
	memset(t->comm, 0, sizeof(t->comm));
	memcpy(t->comm, src, n);
	char *nl = strchr(t->comm, '\n');
	if (nl)
		*nl = 0;
	task_name_thread(t);
	return len;
}

static long proc_iterate(struct file *f, struct dirent_sink *sink, filldir_t fill)
{
	struct pinfo *pi = f->inode->priv;
	s64 i = 0;
	/* entries: ".", "..", then the static names, then per-task ones */
#define EMIT(name, ino, type)                                                       \
	do {                                                                        \
		if (i >= (s64)f->pos) {                                            \
			if (fill(sink, name, strlen(name), ino, type, i + 1))      \
				return 0;                                          \
			f->pos = i + 1;                                            \
		}                                                                   \
		i++;                                                                \
	} while (0)
	EMIT(".", f->inode->ino, DT_DIR);
	EMIT("..", 1, DT_DIR);
	char name[32];
	if (pi->kind == P_ROOT) {
		for (size_t k = 0; k < ARRAY_SIZE(root_files); k++)
			EMIT(root_files[k].name, 100 + k, IFTODT(root_files[k].mode));
		/* tasks in pid order */
		int last = 0;
		for (;;) {
			int best = 0;
			for (struct task *q = all_tasks; q; q = q->next_task)
				if (q->state == TASK_RUNNING && q->tid == q->tgid && q->tid > last &&
				    (!best || q->tid < best))
					best = q->tid;
			if (!best)
				break;
			snprintf(name, sizeof(name), "%d", best);
			EMIT(name, (u64)best << 16, DT_DIR);
			last = best;
		}
	} else if (pi->kind == P_PID || pi->kind == P_TID) {
		for (size_t k = 0; k < ARRAY_SIZE(pid_files); k++)
			if (!(pi->kind == P_TID && pid_files[k].kind == P_PID_TASK))
				EMIT(pid_files[k].name, ((u64)pi->pid << 16) | k, IFTODT(pid_files[k].mode));
	} else if (pi->kind == P_SYS) {
		for (int k = 0, n; (n = sysctl_child(pi->fd, k)) >= 0; k++)
			EMIT(sysctl_name(n), 200 + n, IFTODT(sysctl_mode(n)));
	} else if (pi->kind == P_PID_NS) {
		for (size_t k = 0; k < ARRAY_SIZE(namespaces); k++)
			EMIT(namespaces[k].name, 300 + k, DT_LNK);
	} else if (pi->kind == P_NET) {
		for (size_t k = 0; k < ARRAY_SIZE(net_files); k++)
			EMIT(net_files[k].name, 400 + k, DT_REG);
	} else if (pi->kind == P_PID_FD || pi->kind == P_PID_FDINFO) {
		/* a descriptor's position is its number (after "." and ".."):
		 * closing descriptors between two getdents calls cannot make
		 * the next call skip one still open */
		struct task *t = live(pi->pid);
		int from = f->pos > 2 ? (int)(f->pos - 2) : 0;
		for (int fd = from; t && t->files && fd < t->files->max; fd++)
			if (t->files->fd[fd]) {
				snprintf(name, sizeof(name), "%d", fd);
				if (fill(sink, name, strlen(name), 1000 + fd, pi->kind == P_PID_FD ? DT_LNK : DT_REG,
					 fd + 3))
					return 0;
				f->pos = fd + 3;
			}
	} else if (pi->kind == P_PID_TASK) {
		for (struct task *q = all_tasks; q; q = q->next_task)
			if (q->tgid == pi->pid && q->state == TASK_RUNNING) {
				snprintf(name, sizeof(name), "%d", q->tid);
				EMIT(name, (u64)q->tid << 16, DT_DIR);
			}
	}
#undef EMIT
	return 0;
}

/* Linux's proc_fd_permission: a process may always look into its own
 * fd directories, even when being non-dumpable made them root's */
static bool proc_permit(struct inode *ino, struct task *t, int mask)
{
	struct pinfo *pi = ino->priv;
	struct task *p = pi->pid ? task_find(pi->pid) : NULL;
	return pi->kind == P_PID_FD && p && p->tgid == t->tgid;
}

static void proc_evict(struct inode *ino)
{
	for (struct inode **pp = &live_inodes; *pp; pp = &(*pp)->hash_next)
		if (*pp == ino) {
			*pp = ino->hash_next;
			break;
		}
	free(ino->priv);
}

static const struct inode_ops proc_iops = {
	.lookup = proc_lookup,
	.readlink = proc_readlink,
	.get_link = proc_get_link,
	.open = proc_open,
	.permit = proc_permit,
	.evict = proc_evict,
};

/* as Linux: /proc's own entries (proc_create's, and /proc/net's) fail
 * with EIO, the per-process files and sysctls with ENODEV */
static long proc_mmap_denied(struct file *f)
{
	struct pinfo *pi = f->inode->priv;
	return pi->pid || pi->kind == P_SYS ? -ENODEV : -EIO;
}

static const struct file_ops proc_file_fops = {
	.mmap_denied = proc_mmap_denied,
	.read = proc_read,
	.write = proc_write,
	.release = proc_release,
	.seekable = true,
};

static const struct file_ops proc_dir_fops = {
	.iterate = proc_iterate,
	.seekable = true,
};

static int proc_mount(struct super_block *sb, const char *source, const char *opts)
{
	proc_sb = sb;
	sb->root = proc_inode(P_ROOT, 0, 0, S_IFDIR | 0555);
	return sb->root ? 0 : -ENOMEM;
}

const struct fs_type proc_type = { "proc", proc_mount };

/* The process a /proc/PID directory file names (pidfd_send_signal takes
 * those as pidfds, as Linux does), or 0. */
int proc_pid_of_dir(struct file *f)
{
	if (f->ops != &proc_dir_fops || !f->inode->priv)
		return 0;
	struct pinfo *pi = f->inode->priv;
	return pi->kind == P_PID ? pi->pid : 0;
}
