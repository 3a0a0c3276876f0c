/* execve: the ELF loader (static, static-pie, and PT_INTERP programs), "#!"
 * scripts, and the initial stack as Linux lays it out.
 *
 * Everything that can fail on bad input (a malformed ELF, missing file,
 * oversized arguments) is checked before the old image is torn down, so such
 * an exec returns an error to the caller.  Past the point of no return a
 * failure kills the task with SIGSEGV, as in Linux. */
#include <vmcore/ptrace.h>
#include <sys/personality.h>
#include <vmcore/cred.h>
#include <vmcore/syscall.h>
#include <vmcore/signal.h>
#include <vmcore/gdb.h>
#include <vmcore/trace.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <elf.h>

#define MAX_ARG_STRLEN (32 * PAGE_SIZE)
#define MAX_ARG_TOTAL (2UL << 20)
#define MAX_ELF_SIZE (1UL << 30)
#define ELF_ET_DYN_BASE ((TASK_SIZE / 3 * 2) & ~0xfffffUL)
#define STACK_TOP_GAP (1UL << 20)

bool randomize_va_space = true;

/* Argument and environment strings, in kernel memory. */
struct strv {
	int n;
	char **v;
	size_t bytes;
};

static void strv_free(struct strv *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int strv_push(struct strv *s, const char *str, bool front)
{
	size_t len = strlen(str) + 1;
	if (len > MAX_ARG_STRLEN || s->bytes + len + 8 > MAX_ARG_TOTAL)
		return -E2BIG;
	char **nv = realloc(s->v, (s->n + 2) * sizeof(char *));
	if (!nv)
		return -ENOMEM;
	s->v = nv;
	char *copy = strdup(str);
	if (!copy)
		return -ENOMEM;
	if (front) {
		memmove(s->v + 1, s->v, s->n * sizeof(char *));
		s->v[0] = copy;
	} else {
		s->v[s->n] = copy;
	}
	s->n++;
	s->v[s->n] = NULL;
	s->bytes += len + 8;
	return 0;
}

static int strv_from_user(struct task *t, struct strv *s, u64 uptr)
{
	char *buf = malloc(MAX_ARG_STRLEN);
	if (!buf)
		return -ENOMEM;
	int r = 0;
	for (u64 i = 0; uptr; i++) {
		u64 p;
		if (copy_from_user(t->mm, &p, uptr + i * 8, 8) < 0) {
			r = -EFAULT;
			break;
		}
		if (!p)
			break;
		long n = strncpy_from_user(t->mm, buf, p, MAX_ARG_STRLEN);
		if (n < 0) {
			r = n == -ENAMETOOLONG ? -E2BIG : (int)n;
			break;
		}
		if ((r = strv_push(s, buf, false)) < 0)
			break;
	}
	free(buf);
	return r;
}

struct elf_image {
	void *data;
	size_t size;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	char *interp;
};

static void image_free(struct elf_image *im)
{
	free(im->data);
	free(im->ph);
	free(im->interp);
	memset(im, 0, sizeof(*im));
}

/* Parse and validate; nothing is mapped. */
static int elf_check(struct elf_image *im)
{
	if (im->size < sizeof(Elf64_Ehdr) || memcmp(im->data, ELFMAG, SELFMAG))
		return -ENOEXEC;
	Elf *e = elf_memory(im->data, im->size);
	if (!e)
		return -ENOEXEC;
	int r = -ENOEXEC;
	GElf_Ehdr eh;
	size_t phnum;
	if (elf_kind(e) != ELF_K_ELF || gelf_getclass(e) != ELFCLASS64 || !gelf_getehdr(e, &eh))
		goto out;
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) || eh.e_phentsize != sizeof(Elf64_Phdr))
		goto out;
	if (elf_getphdrnum(e, &phnum) < 0 || phnum == 0 || phnum > 65536 / sizeof(Elf64_Phdr))
		goto out;
	if (eh.e_phoff > im->size || phnum * sizeof(Elf64_Phdr) > im->size - eh.e_phoff)
		goto out;
	memcpy(&im->eh, &eh, sizeof(eh));
	im->ph = calloc(phnum, sizeof(Elf64_Phdr));
	if (!im->ph) {
		r = -ENOMEM;
		goto out;
	}
	int nload = 0;
	u64 lo = ~0UL, hi = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr p;
		if (!gelf_getphdr(e, i, &p))
			goto out;
		memcpy(&im->ph[i], &p, sizeof(p));
		if (p.p_type == PT_INTERP) {
			if (im->interp || p.p_filesz < 2 || p.p_filesz > 4096 || p.p_offset > im->size ||
			    p.p_filesz > im->size - p.p_offset)
				goto out;
			im->interp = strndup((char *)im->data + p.p_offset, p.p_filesz);
			if (!im->interp || strlen(im->interp) != p.p_filesz - 1)
				goto out;
		}
		if (p.p_type != PT_LOAD)
			continue;
		nload++;
		if (p.p_filesz > p.p_memsz || p.p_offset > im->size || p.p_filesz > im->size - p.p_offset)
			goto out;
		if ((p.p_vaddr & ~PAGE_MASK) != (p.p_offset & ~PAGE_MASK))
			goto out;
		if (p.p_vaddr + p.p_memsz < p.p_vaddr || p.p_vaddr + p.p_memsz > TASK_SIZE)
			goto out;
		lo = MIN(lo, p.p_vaddr & PAGE_MASK);
		hi = MAX(hi, p.p_vaddr + p.p_memsz);
	}
	if (!nload || (eh.e_type == ET_EXEC && lo < PAGE_SIZE))
		goto out;
	r = 0;
out:
	elf_end(e);
	return r;
}

static long read_image(struct file *f, struct elf_image *im)
{
	void *buf;
	long n = kernel_read_file(f, &buf, MAX_ELF_SIZE);
	if (n < 0)
		return n;
	im->data = buf;
	im->size = n;
	return 0;
}

/* the exec in progress on this task thread asked for no randomization
 * (personality ADDR_NO_RANDOMIZE) */
static __thread bool exec_norandom;

static u64 rnd_pages(u64 max_pages)
{
	u64 r = 0;
	if (!randomize_va_space || exec_norandom || !max_pages)
		return 0;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		return 0;
	return (r % max_pages) << PAGE_SHIFT;
}

/* Map the PT_LOAD segments of an image; returns the load bias, sets *end
 * to the end of the highest segment (the brk start). */
static long elf_map(struct task *t, struct file *f, struct elf_image *im, u64 want_base, u64 *end)
{
	struct mm *mm = t->mm;
	u64 lo = ~0UL, hi = 0, bias = 0;
	int n = im->eh.e_phnum;

	for (int i = 0; i < n; i++)
		if (im->ph[i].p_type == PT_LOAD) {
			lo = MIN(lo, im->ph[i].p_vaddr & PAGE_MASK);
			hi = MAX(hi, im->ph[i].p_vaddr + im->ph[i].p_memsz);
		}
	if (im->eh.e_type == ET_DYN) {
		/* Reserve the whole span first, so segments land together. */
		long base = do_mmap(mm, want_base, PAGE_ALIGN(hi - lo), PROT_NONE,
				    MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0);
		if (base < 0)
			return base;
		bias = base - lo;
	}
	*end = 0;
	for (int i = 0; i < n; i++) {
		Elf64_Phdr *p = &im->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		int prot = ((p->p_flags & PF_R) ? PROT_READ : 0) | ((p->p_flags & PF_W) ? PROT_WRITE : 0) |
			   ((p->p_flags & PF_X) ? PROT_EXEC : 0);
		u64 start = (p->p_vaddr & PAGE_MASK) + bias;
		u64 fend = p->p_vaddr + p->p_filesz + bias;
		u64 mend = p->p_vaddr + p->p_memsz + bias;
		u64 off = p->p_offset & PAGE_MASK;
		long r;
		if (p->p_filesz) {
			/* Zero the rest of the last file page of a writable segment, as
			 * Linux's padzero: it is the start of .bss, and ld.so's early
			 * allocator takes the tail of the page as zeroed memory.  Only
			 * a segment that needs it is mapped writable for the clearing:
			 * a private writable mapping is charged to the commit limit
			 * (and stays charged after mprotect), as on Linux, where text
			 * and read-only data are not. */
			bool pad = (mend > fend || (p->p_flags & PF_W)) && (fend & ~PAGE_MASK);
			r = do_mmap(mm, start, PAGE_ALIGN(fend) - start, pad ? prot | PROT_WRITE : prot,
				    MAP_PRIVATE | MAP_FIXED, f, off);
			if (r < 0)
				return r;
			if (pad && clear_user(mm, fend, PAGE_ALIGN(fend) - fend) < 0)
				return -EFAULT;
			if (pad && !(prot & PROT_WRITE))
				do_mprotect(mm, start, PAGE_ALIGN(fend) - start, prot);
		}
		u64 anon = PAGE_ALIGN(p->p_filesz ? fend : start);
		if (PAGE_ALIGN(mend) > anon) {
			r = do_mmap(mm, anon, PAGE_ALIGN(mend) - anon, prot,
				    MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, NULL, 0);
			if (r < 0)
				return r;
		}
		*end = MAX(*end, mend);
	}
	return bias;
}

static u64 phdr_addr(struct elf_image *im, u64 bias)
{
	for (int i = 0; i < im->eh.e_phnum; i++)
		if (im->ph[i].p_type == PT_PHDR)
			return im->ph[i].p_vaddr + bias;
	for (int i = 0; i < im->eh.e_phnum; i++) {
		Elf64_Phdr *p = &im->ph[i];
		if (p->p_type == PT_LOAD && im->eh.e_phoff >= p->p_offset &&
		    im->eh.e_phoff < p->p_offset + p->p_filesz)
			return p->p_vaddr + (im->eh.e_phoff - p->p_offset) + bias;
	}
	return 0;
}

/* The hardware capabilities the host kernel gives a program: from
 * /proc/self/auxv, because glibc's getauxval(AT_HWCAP) returns glibc's own
 * rewritten value, not the kernel's CPUID.1:EDX. */
static u64 host_hwcap(unsigned long type)
{
	static u64 vals[2];
	static bool read_once;
	if (!read_once) {
		read_once = true;
		FILE *f = fopen("/proc/self/auxv", "re");
		u64 kv[2];
		while (f && fread(kv, sizeof(kv), 1, f) == 1 && kv[0] != AT_NULL) {
			if (kv[0] == AT_HWCAP)
				vals[0] = kv[1];
			else if (kv[0] == AT_HWCAP2)
				vals[1] = kv[1];
		}
		if (f)
			fclose(f);
		if (!vals[0]) {
			unsigned a, b, c, d;
			__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
			vals[0] = d;
		}
	}
	return type == AT_HWCAP ? vals[0] : vals[1];
}

/* Build argc/argv/envp/auxv on a fresh stack; returns the initial sp. */
static long setup_stack(struct task *t, struct strv *argv, struct strv *envp, const char *execfn,
			u64 *auxv, int nauxv, u64 at_random_slot, u64 at_execfn_slot, u64 at_platform_slot)
{
	struct mm *mm = t->mm;
	u64 top = TASK_SIZE - STACK_TOP_GAP - rnd_pages(1UL << 12);
	u64 size = 128 * 1024;
	long r = do_mmap(mm, top - size, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, NULL, 0);
	if (r < 0)
		return r;
	struct vma *sv = find_vma(mm, top - 1);
	sv->name = "[stack]";
	mm->start_stack = top;
	u64 p = top - 8; /* end marker */
	if (clear_user(mm, p, 8) < 0)
		return -EFAULT;
#define PUSH_STR(s)                                                  \
	({                                                           \
		size_t l_ = strlen(s) + 1;                           \
		p -= l_;                                             \
		if (copy_to_user(mm, p, (s), l_) < 0)                \
			return -EFAULT;                              \
		p;                                                   \
	})
	u64 fn = PUSH_STR(execfn);
	u64 *envs = calloc(envp->n + 1, 8), *args = calloc(argv->n + 1, 8);
	if (!envs || !args) {
		free(envs);
		free(args);
		return -ENOMEM;
	}
	for (int i = envp->n - 1; i >= 0; i--)
		envs[i] = PUSH_STR(envp->v[i]);
	mm->env_start = p;
	mm->env_end = fn;
	for (int i = argv->n - 1; i >= 0; i--)
		args[i] = PUSH_STR(argv->v[i]);
	mm->arg_start = p;
	mm->arg_end = envp->n ? envs[0] : fn;
	p -= rnd_pages(1) ? (rnd_pages(16) >> PAGE_SHIFT) * 16 : 0; /* arch_align_stack */
	p &= ~15UL;
	u64 plat = PUSH_STR("x86_64");
	u8 rnd[16];
	if (getrandom(rnd, 16, 0) != 16)
		memset(rnd, 0x5a, 16);
	p -= 16;
	if (copy_to_user(mm, p, rnd, 16) < 0)
		return -EFAULT;
	u64 rnd_addr = p;
	p &= ~15UL;
	auxv[at_random_slot] = rnd_addr;
	auxv[at_execfn_slot] = fn;
	auxv[at_platform_slot] = plat;
	/* argc, argv[], NULL, envp[], NULL, auxv[] (pairs, ending AT_NULL) */
	u64 words = 1 + argv->n + 1 + envp->n + 1 + nauxv * 2;
	p -= words * 8;
	p &= ~15UL;
	u64 sp = p, argc = argv->n, zero = 0;
	r = copy_to_user(mm, p, &argc, 8);
	p += 8;
	for (int i = 0; i < argv->n && r == 0; i++, p += 8)
		r = copy_to_user(mm, p, &args[i], 8);
	r |= copy_to_user(mm, p, &zero, 8);
	p += 8;
	for (int i = 0; i < envp->n && r == 0; i++, p += 8)
		r = copy_to_user(mm, p, &envs[i], 8);
	r |= copy_to_user(mm, p, &zero, 8);
	p += 8;
	r |= copy_to_user(mm, p, auxv, nauxv * 16);
	mm->saved_auxv_len = MIN((size_t)nauxv * 16, sizeof(mm->saved_auxv));
	memcpy(mm->saved_auxv, auxv, mm->saved_auxv_len);
	free(envs);
	free(args);
	return r < 0 ? -EFAULT : (long)sp;
#undef PUSH_STR
}

/* Parse "#!interp [arg]" from the first line of a script. */
static int parse_shebang(const char *buf, size_t n, char **interp, char **arg)
{
	char line[256];
	size_t len = MIN(n, sizeof(line) - 1);
	memcpy(line, buf, len);
	line[len] = 0;
	char *nl = strchr(line, '\n');
	if (nl)
		*nl = 0;
	else if (n >= sizeof(line) - 1)
		return -ENOEXEC; /* interpreter line too long (Linux: ENOEXEC) */
	char *s = line + 2;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -ENOEXEC;
	char *e = s;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	char *rest = e;
	if (*rest)
		*rest++ = 0;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	size_t rl = strlen(rest);
	while (rl && (rest[rl - 1] == ' ' || rest[rl - 1] == '\t' || rest[rl - 1] == '\r'))
		rest[--rl] = 0;
	*interp = strdup(s);
	*arg = rl ? strdup(rest) : NULL;
	return *interp ? 0 : -ENOMEM;
}

static int open_exec(struct task *t, struct dentry *start, const char *path, int flags, struct file **out)
{
	struct file *f;
	int r;
	if (!*path && (flags & AT_EMPTY_PATH) && start) {
		/* execveat(fd, "", AT_EMPTY_PATH): the file itself */
		r = vfs_open_dentry(dget(start), O_RDONLY | O_FOR_EXEC, &f);
	} else {
		r = vfs_open(t->fs, start, path,
			     O_RDONLY | O_FOR_EXEC | ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0, &f);
	}
	if (r == -ELOOP && (flags & AT_SYMLINK_NOFOLLOW))
		return -ELOOP;
	if (r < 0)
		return r;
	if (!S_ISREG(f->inode->mode)) {
		fput(f);
		return S_ISDIR(f->inode->mode) ? -EACCES : -EACCES;
	}
	/* a noexec mount runs nothing, root's programs included (path_noexec) */
	if (f->inode->sb && f->inode->sb->noexec) {
		fput(f);
		return -EACCES;
	}
	/* search and execute permission, not read; root needs an x bit */
	r = inode_permission(t, f->inode, MAY_EXEC);
	if (r < 0) {
		fput(f);
		return r;
	}
	*out = f;
	return 0;
}


/* Linux's de_thread: the other threads of the group die before the new
 * image replaces the old.  They leave as single threads (their host
 * threads end cleanly), so the process goes on with the caller alone. */
static void kill_other_threads(struct task *t)
{
	struct task *leader = t->group_leader;
	if (leader->nr_threads <= 1 || leader->group_exit)
		return;
	for (struct task *q = all_tasks; q; q = q->next_task)
		if (q != t && q->tgid == t->tgid && q->state == TASK_RUNNING && !q->exiting &&
		    !q->thread_exited) {
			q->exec_kill = true;
			send_signal_force(q, SIGKILL, NULL);
		}
	while (leader->nr_threads > 1 && !(t->pending & (1UL << (SIGKILL - 1))))
		bkl_wait(&leader->sleep_cond);
}

/* What another process still shares with us after the other threads are
 * gone (clone with CLONE_VM, CLONE_FILES or CLONE_SIGHAND and no
 * CLONE_THREAD) must not be changed by our exec: as Linux, take a copy of
 * the descriptor table and the signal handlers, and a new address space.
 * The shared one is a stub process that the others live in: our host
 * thread leaves it cleanly and we trace a new stub of our own. */
static int exec_unshare(struct task *t)
{
	if (t->files && t->files->refs > 1) {
		struct files_struct *nf = files_dup(t->files);
		if (!nf)
			return -ENOMEM;
		files_put(t->files);
		t->files = nf;
	}
	if (t->sighand && t->sighand->refs > 1) {
		struct sighand_struct *sh = malloc(sizeof(*sh));
		if (!sh)
			return -ENOMEM;
		*sh = *t->sighand;
		sh->refs = 1;
		t->sighand->refs--;
		t->sighand = sh;
	}
	if (t->mm && t->mm->users > 1) {
		struct mm *old = t->mm;
		if (old->as.ops_n)
			host_flush(&t->ht);
		mm_pass_flusher(t);
		host_thread_exit(&t->ht);
		t->mm = NULL;
		mm_leave(old);
		int r = task_new_mm(t);
		if (r < 0) {
			/* no host thread left to deliver a signal to */
			pr_err("vmcore: exec of task %d: no address space of its own (error %d)\n", t->tid, r);
			t->ht.tid = 0;
			do_group_exit(t, SIGKILL);
		}
		task_pin(t);
	}
	return 0;
}

static int exec_common(struct task *t, struct dentry *start, int flags, const char *path,
		       struct strv *argv, struct strv *envp)
{
	struct file *f = NULL, *interp_f = NULL;
	struct elf_image im = { 0 }, ii = { 0 };
	char *filename = strdup(path);
	int r, depth = 0;

	if (!filename)
		return -ENOMEM;
again:
	r = open_exec(t, depth ? NULL : start, filename, depth ? 0 : flags, &f);
	if (r < 0)
		goto out;
	r = read_image(f, &im);
	if (r < 0)
		goto out;
	if (im.size >= 2 && !memcmp(im.data, "#!", 2)) {
		char *interp, *arg;
		if (++depth > 4) {
			r = -ELOOP;
			goto out;
		}
		r = parse_shebang(im.data, im.size, &interp, &arg);
		if (r < 0)
			goto out;
		/* argv[0] is replaced by: interp [arg] script */
		if (argv->n) {
			free(argv->v[0]);
			argv->bytes -= 0;
			memmove(argv->v, argv->v + 1, argv->n * sizeof(char *));
			argv->n--;
		}
		r = strv_push(argv, filename, true);
		if (!r && arg)
			r = strv_push(argv, arg, true);
		if (!r)
			r = strv_push(argv, interp, true);
		free(filename);
		filename = interp;
		free(arg);
		fput(f);
		f = NULL;
		image_free(&im);
		if (r < 0)
			goto out;
		goto again;
	}
	r = elf_check(&im);
	if (r < 0)
		goto out;
	if (im.interp) {
		r = open_exec(t, NULL, im.interp, 0, &interp_f);
		if (r == -EACCES || r == -ENOENT || r == -ENOTDIR)
			r = r == -EACCES ? -EACCES : -ENOENT;
		if (r < 0)
			goto out;
		r = read_image(interp_f, &ii);
		if (r < 0)
			goto out;
		r = elf_check(&ii);
		if (r < 0 || ii.interp) {
			r = -ELIBBAD;
			goto out;
		}
	}

	/* Point of no return: the old image goes. */
	kill_other_threads(t);
	/* the new credentials: set-id bits, root's capabilities (capability.c) */
	/* dumpability, as Linux's begin_new_exec: from the ids before the
	 * exec (euid == uid and egid == gid), an unreadable program or
	 * interpreter (would_dump), then commit_creds's rule for the new ids */
	u32 o_euid = t->euid, o_egid = t->egid, o_fsuid = t->fsuid, o_fsgid = t->fsgid;
	u64 o_perm = t->cap_permitted;
	bool nondump = o_euid != t->uid || o_egid != t->gid || inode_permission(t, f->inode, MAY_READ) < 0 ||
		       (interp_f && inode_permission(t, interp_f->inode, MAY_READ) < 0);
	bool secure = cred_exec(t, f->inode->mode, f->inode->uid, f->inode->gid, f->inode->sb && f->inode->sb->nosuid);
	/* Linux's PER_CLEAR_ON_SETID: a set-id exec drops the unsafe flags */
	if (secure)
		t->personality &= ~(READ_IMPLIES_EXEC | ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT | MMAP_PAGE_ZERO);
	exec_norandom = t->personality & ADDR_NO_RANDOMIZE;
	if (t->euid != o_euid || t->egid != o_egid || t->fsuid != o_fsuid || t->fsgid != o_fsgid ||
	    (t->cap_permitted & ~o_perm))
		nondump = true;
	r = exec_unshare(t);
	if (r < 0)
		goto fatal;
	struct mm *mm = t->mm;
	mm->nondumpable = nondump;
	mm_unmap_all(mm);
	mm->def_flags = 0; /* mlockall(MCL_FUTURE) ends with the image */
	mm_new_serial(mm); /* the old image's /proc/PID/mem files see it gone */
	mm->mmap_base = TASK_SIZE - STACK_TOP_GAP - (256UL << 20) - rnd_pages(1UL << 20);
	u64 end, iend = 0;
	long bias = elf_map(t, f, &im, ELF_ET_DYN_BASE + rnd_pages(1UL << 16), &end);
	long ibias = 0;
	if (bias >= 0 && im.interp)
		ibias = elf_map(t, interp_f, &ii, 0, &iend);
	if (bias < 0 || ibias < 0) {
		pr_err("vmcore: exec of %s failed while mapping (error %ld)\n", filename,
		       bias < 0 ? bias : ibias);
		r = -EFAULT;
		goto fatal;
	}
	mm->start_brk = mm->brk = PAGE_ALIGN(end) + rnd_pages(1UL << 13);
	mm->start_code = bias;
	u64 entry = im.eh.e_entry + bias;
	u64 auxv[64];
	int na = 0, rslot, fslot, pslot;
#define AUX(k, v) (auxv[na * 2] = (k), auxv[na * 2 + 1] = (v), na++)
	AUX(AT_MINSIGSTKSZ, getauxval(AT_MINSIGSTKSZ) ? getauxval(AT_MINSIGSTKSZ) : 2048);
	AUX(AT_HWCAP, host_hwcap(AT_HWCAP));
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, phdr_addr(&im, bias));
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, im.eh.e_phnum);
	AUX(AT_BASE, im.interp ? (u64)ibias : 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, entry);
	AUX(AT_UID, t->uid);
	AUX(AT_EUID, t->euid);
	AUX(AT_GID, t->gid);
	AUX(AT_EGID, t->egid);
	AUX(AT_SECURE, secure);
	rslot = na * 2 + 1;
	AUX(AT_RANDOM, 0);
	AUX(AT_HWCAP2, host_hwcap(AT_HWCAP2));
	fslot = na * 2 + 1;
	AUX(AT_EXECFN, 0);
	pslot = na * 2 + 1;
	AUX(AT_PLATFORM, 0);
	AUX(AT_NULL, 0);
#undef AUX
	long sp = setup_stack(t, argv, envp, path, auxv, na, rslot, fslot, pslot);
	if (sp < 0) {
		r = (int)sp;
		goto fatal;
	}
	if (mm->exe)
		dput(mm->exe);
	mm->exe = f->dentry ? dget(f->dentry) : NULL;
	if (unlikely(trace_on))
		trace_exec(t, filename);
	if (unlikely(gdb_active))
		gdb_exec(t);
	/* comm: the last component of the file name, as Linux's __set_task_comm */
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	memset(t->comm, 0, sizeof(t->comm));
	strncpy(t->comm, base, sizeof(t->comm) - 1);
	task_name_thread(t);
	/* Fresh registers: only rip, rsp and the segment registers matter. */
	struct user_regs_struct *rg = &t->ht.regs, nr = { 0 };
	nr.cs = rg->cs;
	nr.ss = rg->ss;
	nr.ds = rg->ds;
	nr.es = rg->es;
	nr.fs = 0;
	nr.gs = 0;
	nr.eflags = 0x202;
	nr.rip = im.interp ? ii.eh.e_entry + ibias : entry;
	nr.rsp = sp;
	nr.orig_rax = -1;
	*rg = nr;
	t->ht.regs_dirty = true;
	host_reset_fpu(&t->ht);
	/* close-on-exec descriptors */
	for (int fd = 0; t->files && fd < t->files->max; fd++)
		if (t->files->fd[fd] && (t->files->cloexec[fd / 64] & (1UL << (fd % 64)))) {
			filp_close(t->files->fd[fd], t->files);
			t->files->fd[fd] = NULL;
			t->files->cloexec[fd / 64] &= ~(1UL << (fd % 64));
		}
	/* handlers reset to SIG_DFL; ignored signals stay ignored */
	for (int i = 0; i < _NSIG_LINUX; i++)
		if (t->sighand->action[i].handler != (u64)SIG_IGN)
			memset(&t->sighand->action[i], 0, sizeof(t->sighand->action[i]));
	/* the alternate signal stack was memory of the old image */
	t->altstack_sp = t->altstack_size = 0;
	t->altstack_flags = 0;
	vfork_release(t);
	exit_timers(t, true);
	if (unlikely(t->pt))
		ptrace_exec(t, t->tid); /* PTRACE_EVENT_EXEC, or the SIGTRAP after execve */
	r = 0;
	goto out;
fatal:
	image_free(&im);
	image_free(&ii);
	if (f)
		fput(f);
	if (interp_f)
		fput(interp_f);
	free(filename);
	force_sig_fault(t, SIGSEGV, 0, 0);
out:
	image_free(&im);
	image_free(&ii);
	if (f)
		fput(f);
	if (interp_f)
		fput(interp_f);
	free(filename);
	return r;
}

int kernel_execve(struct task *t, const char *path, char *const argv[], char *const envp[])
{
	struct strv a = { 0 }, e = { 0 };
	int r = 0;
	for (int i = 0; argv[i] && !r; i++)
		r = strv_push(&a, argv[i], false);
	for (int i = 0; envp[i] && !r; i++)
		r = strv_push(&e, envp[i], false);
	if (!r)
		r = exec_common(t, NULL, 0, path, &a, &e);
	strv_free(&a);
	strv_free(&e);
	return r;
}

long do_execve(struct task *t, struct dentry *start, int flags, const char *path, u64 argv, u64 envp)
{
	struct strv a = { 0 }, e = { 0 };
	int r = strv_from_user(t, &a, argv);
	if (!r)
		r = strv_from_user(t, &e, envp);
	if (!r)
		r = exec_common(t, start, flags, path, &a, &e);
	strv_free(&a);
	strv_free(&e);
	return r;
}

SYSCALL_DEFINE(execve)
{
	char path[4096];
	long n = strncpy_from_user(t->mm, path, a->a[0], sizeof(path));
	if (n < 0)
		return n;
	return do_execve(t, NULL, 0, path, a->a[1], a->a[2]);
}

SYSCALL_DEFINE(execveat)
{
	char path[4096];
	int dirfd = a->a[0], flags = a->a[4];
	struct dentry *start = NULL;
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	long n = strncpy_from_user(t->mm, path, a->a[1], sizeof(path));
	if (n < 0)
		return n;
	if (path[0] != '/' && dirfd != AT_FDCWD) {
		struct file *f = fd_get(t, dirfd);
		if (!f)
			return -EBADF;
		if (!f->dentry)
			return -ENOENT;
		if (*path && !S_ISDIR(f->inode->mode))
			return -ENOTDIR;
		start = f->dentry;
	}
	if (!*path && !(flags & AT_EMPTY_PATH))
		return -ENOENT;
	return do_execve(t, start, flags, path, a->a[2], a->a[3]);
}
