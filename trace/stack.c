/* trace_stack: the guest user stack of each traced system call, unwound
 * with libdwfl against the guest's own ELF files and printed as strace -k
 * prints it:
 *
 *    > /bin/prog(__write+0x10) [0x308b0]
 *
 * file, function+offset, and the offset of the pc in the file.
 *
 * The modules of an address space are its file mappings, one per file,
 * named by their path in the guest.  libdwfl reads the ELF files from
 * memory (the guest's files are read through the VFS, whatever file system
 * holds them: ramfs, hostfs) and the stack from guest memory through
 * copy_from_user; registers come from the task's saved state.  Each mm
 * keeps its Dwfl while its file mappings stay the same; the file images
 * are cached by inode. */
#include <vmcore/trace.h>
#include <vmcore/vfs.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#define STACK_MAX_FRAMES 64
#define ELF_MAX_SIZE (256UL << 20)

bool trace_stack_on;

/* ---- file images, by inode ---- */

struct image {
	struct inode *ino; /* with a reference */
	u64 size;
	struct timespec mtime;
	void *data;
	size_t len;
	u64 used;           /* LRU clock */
};

#define NIMAGES 16
static struct image images[NIMAGES];
static u64 image_clock;

static void image_drop(struct image *im)
{
	if (im->ino)
		iput(im->ino);
	free(im->data);
	memset(im, 0, sizeof(*im));
}

static struct image *image_get(struct file *f)
{
	struct inode *ino = f->inode;
	struct image *victim = &images[0];
	for (int i = 0; i < NIMAGES; i++) {
		struct image *im = &images[i];
		if (im->ino == ino && im->size == ino->size && im->mtime.tv_sec == ino->mtime.tv_sec &&
		    im->mtime.tv_nsec == ino->mtime.tv_nsec) {
			im->used = ++image_clock;
			return im;
		}
		if (im->used < victim->used)
			victim = im;
	}
	void *data;
	long n = kernel_read_file(f, &data, ELF_MAX_SIZE);
	if (n < 0)
		return NULL;
	image_drop(victim);
	victim->ino = iget(ino);
	victim->size = ino->size;
	victim->mtime = ino->mtime;
	victim->data = data;
	victim->len = n;
	victim->used = ++image_clock;
	return victim;
}

/* ---- the modules of an mm ---- */

struct unwind {
	Dwfl *dwfl;
	u64 sig;       /* of the file mappings it was built from */
	bool attached; /* dwfl_attach_state done */
};

static struct task *cur;  /* the task being unwound (the BKL is held) */

struct modfile {
	struct file *file;
	char name[512];
};

static int find_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base, char **file_name,
		    Elf **elfp)
{
	struct modfile *mf = *userdata;
	*elfp = NULL;
	if (!mf)
		return -1;
	struct image *im = image_get(mf->file);
	if (im)
		*elfp = elf_memory(im->data, im->len);
	return -1;
}

static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			  const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			  char **debuginfo_file_name)
{
	return -1; /* the guest's files only: never the host's debug files */
}

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = find_elf,
	.find_debuginfo = find_debuginfo,
};

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	if (*thread_argp || !cur)
		return 0;
	*thread_argp = cur;
	return cur->tid;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	if (!cur || cur->tid != tid)
		return false;
	*thread_argp = cur;
	return true;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	return cur && copy_from_user(cur->mm, result, addr, sizeof(*result)) == 0;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	const struct user_regs_struct *r = &cur->ht.regs;
	/* DWARF numbering on x86-64 */
	Dwarf_Word regs[17] = { r->rax, r->rdx, r->rcx, r->rbx, r->rsi, r->rdi, r->rbp, r->rsp, r->r8, r->r9,
				r->r10, r->r11, r->r12, r->r13, r->r14, r->r15, r->rip };
	if (!dwfl_thread_state_registers(thread, 0, 17, regs))
		return false;
	dwfl_thread_state_register_pc(thread, r->rip);
	return true;
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

static u64 mappings_sig(struct mm *mm)
{
	u64 h = 1469598103934665603ULL;
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next) {
		if (!v->file)
			continue;
		u64 w[4] = { v->start, v->end, v->pgoff, (u64)(uintptr_t)v->file->inode };
		for (int i = 0; i < 4; i++)
			h = (h ^ w[i]) * 1099511628211ULL;
	}
	return h;
}

static void free_modfiles(Dwfl *dwfl);

void trace_stack_mm_free(struct mm *mm)
{
	struct unwind *u = mm->unwind;
	if (!u)
		return;
	if (u->dwfl) {
		free_modfiles(u->dwfl);
		dwfl_end(u->dwfl);
	}
	free(u);
	mm->unwind = NULL;
}

static int free_one(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr start, void *arg)
{
	struct modfile *mf = *userdata;
	if (mf) {
		fput(mf->file);
		free(mf);
		*userdata = NULL;
	}
	return DWARF_CB_OK;
}

static void free_modfiles(Dwfl *dwfl)
{
	dwfl_getmodules(dwfl, free_one, NULL, 0);
}

/* Report one module per mapped file: from its first mapping to the end of
 * its last (the mappings of one ELF file are contiguous). */
static Dwfl *build(struct task *t)
{
	Dwfl *dwfl = dwfl_begin(&dwfl_callbacks);
	if (!dwfl)
		return NULL;
	dwfl_report_begin(dwfl);
	struct mm *mm = t->mm;
	for (struct vma *v = mm->vmas.next; v != &mm->vmas; v = v->next) {
		if (!v->file || !v->file->dentry || v->pgoff != 0)
			continue;
		u64 end = v->end;
		for (struct vma *w = v->next; w != &mm->vmas && w->file && w->file->inode == v->file->inode;
		     w = w->next)
			end = w->end;
		struct modfile *mf = calloc(1, sizeof(*mf));
		if (!mf)
			break;
		if (file_link_name(t, v->file, mf->name, sizeof(mf->name)) < 0)
			snprintf(mf->name, sizeof(mf->name), "?");
		Dwfl_Module *m = dwfl_report_module(dwfl, mf->name, v->start, end);
		void **ud = NULL;
		if (m)
			dwfl_module_info(m, &ud, NULL, NULL, NULL, NULL, NULL, NULL);
		if (!m || !ud || *ud) {
			free(mf); /* already reported (a file mapped twice) */
			continue;
		}
		mf->file = v->file;
		fget(v->file);
		*ud = mf;
	}
	dwfl_report_end(dwfl, NULL, NULL);
	return dwfl;
}

static Dwfl *dwfl_of(struct task *t)
{
	struct mm *mm = t->mm;
	struct unwind *u = mm->unwind;
	u64 sig = mappings_sig(mm);
	if (u && u->dwfl && u->sig == sig)
		return u->dwfl;
	if (!u && !(u = mm->unwind = calloc(1, sizeof(*u))))
		return NULL;
	if (u->dwfl) {
		free_modfiles(u->dwfl);
		dwfl_end(u->dwfl);
	}
	u->dwfl = build(t);
	u->sig = sig;
	u->attached = false;
	return u->dwfl;
}

struct frames {
	int n;
	Dwarf_Addr pc[STACK_MAX_FRAMES];
	bool activation[STACK_MAX_FRAMES];
};

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct frames *fr = arg;
	Dwarf_Addr pc;
	bool act;
	if (!dwfl_frame_pc(state, &pc, &act) || !pc)
		return DWARF_CB_ABORT;
	fr->pc[fr->n] = pc;
	fr->activation[fr->n] = act;
	if (++fr->n == STACK_MAX_FRAMES)
		return DWARF_CB_ABORT;
	return DWARF_CB_OK;
}

/* The file offset of pc, as strace -k shows it. */
static u64 file_offset(struct mm *mm, u64 pc)
{
	struct vma *v = find_vma(mm, pc);
	if (v && v->start <= pc && v->file)
		return pc - v->start + (v->pgoff << PAGE_SHIFT);
	return pc;
}

static void json_esc(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 32)
			sb_printf(b, "\\u%04x", c);
		else
			sb_printf(b, "%c", c);
	}
}

/* Append the stack of t (stopped in a system call) to b: text lines, or a
 * JSON array of {file, func, off, pc} objects. */
void trace_stack_append(struct sbuf *b, struct task *t, bool json)
{
	struct frames fr = { 0 };
	Dwfl *dwfl = t->mm ? dwfl_of(t) : NULL;
	if (dwfl) {
		struct unwind *u = t->mm->unwind;
		cur = t;
		if (!u->attached)
			u->attached = dwfl_attach_state(dwfl, NULL, t->tgid, &thread_callbacks, NULL);
		if (u->attached)
			dwfl_getthread_frames(dwfl, t->tid, frame_cb, &fr);
		cur = NULL;
	}
	if (!fr.n) {
		/* at least the pc, as strace does when it cannot unwind */
		fr.pc[0] = t->ht.regs.rip;
		fr.activation[0] = true;
		fr.n = 1;
	}
	if (json)
		sb_puts(b, "[");
	for (int i = 0; i < fr.n; i++) {
		Dwarf_Addr pc = fr.pc[i];
		/* a return address points after the call: look up the call */
		Dwarf_Addr look = fr.activation[i] ? pc : pc - 1;
		Dwfl_Module *m = dwfl ? dwfl_addrmodule(dwfl, look) : NULL;
		const char *file = NULL, *fn = NULL;
		GElf_Off off = 0;
		GElf_Sym sym;
		if (m) {
			file = dwfl_module_info(m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
			fn = dwfl_module_addrinfo(m, look, &off, &sym, NULL, NULL, NULL);
			off += pc - look;
		}
		u64 foff = file_offset(t->mm, pc);
		if (json) {
			sb_printf(b, "%s{\"file\":\"", i ? "," : "");
			json_esc(b, file ? file : "?");
			sb_puts(b, "\",\"func\":");
			if (fn) {
				sb_puts(b, "\"");
				json_esc(b, fn);
				sb_printf(b, "\",\"func_off\":%llu", (unsigned long long)off);
			} else {
				sb_puts(b, "null");
			}
			sb_printf(b, ",\"off\":%llu,\"pc\":%llu}", (unsigned long long)foff, (unsigned long long)pc);
		} else if (!file) {
			sb_printf(b, " > unexpected_backtracing_error [%#llx]\n", (unsigned long long)pc);
		} else if (fn) {
			sb_printf(b, " > %s(%s+%#llx) [%#llx]\n", file, fn, (unsigned long long)off,
				  (unsigned long long)foff);
		} else {
			sb_printf(b, " > %s() [%#llx]\n", file, (unsigned long long)foff);
		}
	}
	if (json)
		sb_puts(b, "]");
}
