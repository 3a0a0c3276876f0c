/* What the stub tells a debugger about the guest besides registers and
 * memory: the thread list, the auxiliary vector, the executable, the
 * dynamic linker's list of libraries, the process list (info os), and the
 * guest's files (vFile), all from the kernel's own state.  BKL held. */
#include "xfer.h"
#include <vmcore/vfs.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void xml_text(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': sb_puts(b, "&lt;"); break;
		case '>': sb_puts(b, "&gt;"); break;
		case '&': sb_puts(b, "&amp;"); break;
		case '"': sb_puts(b, "&quot;"); break;
		case '\'': sb_puts(b, "&apos;"); break;
		default:
			if ((unsigned char)*s >= 32)
				sb_printf(b, "%c", *s);
		}
	}
}

void xfer_threads(struct sbuf *b)
{
	sb_puts(b, "<?xml version=\"1.0\"?>\n<threads>\n");
	for (struct task *t = kd_task_next(NULL); t; t = kd_task_next(t)) {
		sb_printf(b, "<thread id=\"p%x.%x\" core=\"%d\" name=\"", t->tgid, t->tid, t->cpu);
		xml_text(b, t->comm);
		sb_puts(b, "\"/>\n");
	}
	sb_puts(b, "</threads>\n");
}

int xfer_auxv(struct task *t, struct sbuf *b)
{
	if (!t->mm)
		return -ESRCH;
	sb_putn(b, (const char *)t->mm->saved_auxv, t->mm->saved_auxv_len);
	return 0;
}

int xfer_exec_file(struct task *t, char *buf, size_t len)
{
	if (!t->mm || !t->mm->exe)
		return -ENOENT;
	struct dentry *root = t->fs ? t->fs->root : vfs_root();
	return dentry_path(t->mm->exe, root, buf, len) < 0 ? -ENAMETOOLONG : 0;
}

void xfer_processes(struct sbuf *b)
{
	sb_puts(b, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"osdata.dtd\">\n<osdata type=\"processes\">\n");
	for (struct task *t = all_tasks; t; t = t->next_task) {
		if (t->group_leader != t || t->state == TASK_DEAD)
			continue;
		char cmd[512] = "";
		size_t n = 0;
		if (t->mm && t->mm->arg_end > t->mm->arg_start) {
			n = MIN((size_t)(t->mm->arg_end - t->mm->arg_start), sizeof(cmd) - 1);
			if (copy_from_user(t->mm, cmd, t->mm->arg_start, n) < 0)
				n = 0;
			for (size_t i = 0; i + 1 < n; i++)
				if (!cmd[i])
					cmd[i] = ' ';
			cmd[n] = 0;
		}
		if (!n || !cmd[0])
			snprintf(cmd, sizeof(cmd), "[%s]", t->comm);
		sb_printf(b, "<item>\n<column name=\"pid\">%d</column>\n<column name=\"user\">%s</column>\n"
			     "<column name=\"command\">", t->tgid, t->uid == 0 ? "root" : "user");
		xml_text(b, cmd);
		sb_printf(b, "</column>\n<column name=\"cores\">%d</column>\n</item>\n", t->cpu);
	}
	sb_puts(b, "</osdata>\n");
}

/* The link map of a dynamic program: from AT_PHDR's PT_DYNAMIC, its
 * DT_DEBUG entry (set by the dynamic linker) and r_debug.r_map. */
static u64 auxv_get(struct mm *mm, u64 type)
{
	for (int i = 0; i + 1 < mm->saved_auxv_len / 8; i += 2)
		if (mm->saved_auxv[i] == type)
			return mm->saved_auxv[i + 1];
	return 0;
}

static u64 r_map_of(struct task *t)
{
	struct mm *mm = t->mm;
	u64 phdr = auxv_get(mm, AT_PHDR), phnum = auxv_get(mm, AT_PHNUM);
	if (!phdr || phnum > 256)
		return 0;
	u64 bias = 0, dyn = 0;
	bool have_bias = false;
	for (u64 i = 0; i < phnum; i++) {
		Elf64_Phdr ph;
		if (copy_from_user(mm, &ph, phdr + i * sizeof(ph), sizeof(ph)) < 0)
			return 0;
		if (ph.p_type == PT_PHDR) {
			bias = phdr - ph.p_vaddr;
			have_bias = true;
		} else if (ph.p_type == PT_DYNAMIC) {
			dyn = ph.p_vaddr;
		}
	}
	if (!dyn || !have_bias)
		return 0;
	for (int i = 0; i < 512; i++) {
		Elf64_Dyn d;
		if (copy_from_user(mm, &d, bias + dyn + i * sizeof(d), sizeof(d)) < 0 || d.d_tag == DT_NULL)
			return 0;
		if (d.d_tag == DT_DEBUG) {
			u64 map = 0;
			if (!d.d_un.d_ptr || copy_from_user(mm, &map, d.d_un.d_ptr + 8, 8) < 0)
				return 0;
			return map;
		}
	}
	return 0;
}

void xfer_libraries_svr4(struct task *t, struct sbuf *b)
{
	u64 map = t->mm ? r_map_of(t) : 0;
	if (!map) {
		sb_puts(b, "<library-list-svr4 version=\"1.0\"/>");
		return;
	}
	sb_printf(b, "<library-list-svr4 version=\"1.0\" main-lm=\"0x%llx\">", (unsigned long long)map);
	u64 lm;
	if (copy_from_user(t->mm, &lm, map + 24, 8) < 0)
		lm = 0;
	for (int n = 0; lm && n < 1024; n++) {
		u64 e[5]; /* l_addr, l_name, l_ld, l_next, l_prev */
		char name[512];
		if (copy_from_user(t->mm, e, lm, sizeof(e)) < 0)
			break;
		size_t k = 0;
		for (; e[1] && k < sizeof(name) - 1; k++)
			if (copy_from_user(t->mm, &name[k], e[1] + k, 1) < 0 || !name[k])
				break;
		name[k] = 0;
		sb_puts(b, "<library name=\"");
		xml_text(b, name);
		sb_printf(b, "\" lm=\"0x%llx\" l_addr=\"0x%llx\" l_ld=\"0x%llx\"/>", (unsigned long long)lm,
			  (unsigned long long)e[0], (unsigned long long)e[2]);
		lm = e[3];
	}
	sb_puts(b, "</library-list-svr4>");
}

/* ---- vFile: the guest's files, for the debugger ---- */

#define VF_MAX 64
static struct file *vfiles[VF_MAX];
static int vf_pid; /* vFile:setfs */

/* gdb's File-I/O errno values */
static int fio_errno(int e)
{
	switch (e) {
	case EPERM: case ENOENT: case EINTR: case EBADF: case EACCES: case EFAULT: case EBUSY:
	case EEXIST: case ENODEV: case ENOTDIR: case EISDIR: case EINVAL: case ENFILE: case EMFILE:
	case EFBIG: case ENOSPC: case ESPIPE: case EROFS:
		return e;
	case ENAMETOOLONG:
		return 91;
	}
	return 9999;
}

/* /proc/... for the debugger even where the guest has not mounted it: the
 * kernel's own procfs instance. */
static struct dentry *kernel_proc(void)
{
	static struct dentry *root;
	if (!root)
		root = vfs_kern_mount("proc");
	return root;
}

static void vf_err(struct sbuf *b, int e)
{
	sb_printf(b, "F-1,%x", fio_errno(e));
}

static struct fs_struct *vf_fs(void)
{
	struct task *t = vf_pid ? task_find(vf_pid) : NULL;
	if (!t)
		t = task_find(1);
	return t ? t->fs : NULL;
}

void vfile_setfs(int pid, struct sbuf *b)
{
	vf_pid = pid;
	sb_puts(b, "F0");
}

void vfile_open(const char *path, int gflags, int mode, struct sbuf *b)
{
	u32 flags = (gflags & 3) == 0 ? O_RDONLY : (gflags & 3) == 1 ? O_WRONLY : O_RDWR;
	if (gflags & 0x8)
		flags |= O_APPEND;
	if (gflags & 0x200)
		flags |= O_CREAT;
	if (gflags & 0x400)
		flags |= O_TRUNC;
	if (gflags & 0x800)
		flags |= O_EXCL;
	struct fs_struct *fs = vf_fs();
	int fd = 0;
	while (fd < VF_MAX && vfiles[fd])
		fd++;
	if (!fs || fd == VF_MAX) {
		vf_err(b, fs ? EMFILE : ENOENT);
		return;
	}
	struct file *f;
	int r = vfs_open(fs, NULL, path, flags, mode & 0777, &f);
	if (r == -ENOENT && !strncmp(path, "/proc/", 6) && kernel_proc())
		r = vfs_open(fs, kernel_proc(), path + 6, flags, mode & 0777, &f);
	if (r < 0) {
		vf_err(b, -r);
		return;
	}
	vfiles[fd] = f;
	sb_printf(b, "F%x", fd);
}

static struct file *vf_get(int fd)
{
	return fd >= 0 && fd < VF_MAX ? vfiles[fd] : NULL;
}

void vfile_close(int fd, struct sbuf *b)
{
	struct file *f = vf_get(fd);
	if (!f) {
		vf_err(b, EBADF);
		return;
	}
	vfiles[fd] = NULL;
	fput(f);
	sb_puts(b, "F0");
}

/* The answer is "F<count>;" followed by binary data (the caller escapes
 * the packet). */
void vfile_pread(int fd, u64 count, u64 off, struct sbuf *b)
{
	struct file *f = vf_get(fd);
	if (!f) {
		vf_err(b, EBADF);
		return;
	}
	count = MIN(count, (u64)8192);
	char *buf = malloc(count ? count : 1);
	if (!buf) {
		vf_err(b, ENOMEM);
		return;
	}
	u64 pos = off;
	long n = vfs_read(f, buf, count, &pos);
	if (n < 0) {
		vf_err(b, -n);
	} else {
		sb_printf(b, "F%lx;", n);
		sb_putn(b, buf, n);
	}
	free(buf);
}

void vfile_pwrite(int fd, u64 off, const void *data, size_t len, struct sbuf *b)
{
	struct file *f = vf_get(fd);
	if (!f) {
		vf_err(b, EBADF);
		return;
	}
	u64 pos = off;
	long n = vfs_write(f, data, len, &pos);
	if (n < 0)
		vf_err(b, -n);
	else
		sb_printf(b, "F%lx", n);
}

static void put_be32(struct sbuf *b, u32 v)
{
	u8 be[4] = { v >> 24, v >> 16, v >> 8, v };
	sb_putn(b, (const char *)be, 4);
}

void vfile_fstat(int fd, struct sbuf *b)
{
	struct file *f = vf_get(fd);
	struct kstat st;
	if (!f) {
		vf_err(b, EBADF);
		return;
	}
	int r = vfs_getattr(f->inode, &st);
	if (r < 0) {
		vf_err(b, -r);
		return;
	}
	sb_printf(b, "F%x;", 64);
	put_be32(b, (u32)st.dev);
	put_be32(b, (u32)st.ino);
	put_be32(b, st.mode);
	put_be32(b, (u32)st.nlink);
	put_be32(b, st.uid);
	put_be32(b, st.gid);
	put_be32(b, (u32)st.rdev);
	put_be32(b, (u32)(st.size >> 32));
	put_be32(b, (u32)st.size);
	put_be32(b, 0);
	put_be32(b, st.blksize);
	put_be32(b, (u32)(st.blocks >> 32));
	put_be32(b, (u32)st.blocks);
	put_be32(b, (u32)st.atime.tv_sec);
	put_be32(b, (u32)st.mtime.tv_sec);
	put_be32(b, (u32)st.ctime.tv_sec);
}

void vfile_readlink(const char *path, struct sbuf *b)
{
	struct fs_struct *fs = vf_fs();
	struct dentry *d;
	char buf[4096];
	int r = fs ? path_walk(fs, NULL, path, 0, &d, NULL) : -ENOENT;
	if (r == -ENOENT && fs && !strncmp(path, "/proc/", 6) && kernel_proc())
		r = path_walk(fs, kernel_proc(), path + 6, 0, &d, NULL);
	if (r < 0) {
		vf_err(b, -r);
		return;
	}
	long n = -EINVAL;
	if (S_ISLNK(d->inode->mode) && d->inode->iops && d->inode->iops->readlink)
		n = d->inode->iops->readlink(d->inode, buf, sizeof(buf));
	dput(d);
	if (n < 0) {
		vf_err(b, -n);
		return;
	}
	sb_printf(b, "F%lx;", n);
	sb_putn(b, buf, n);
}

/* Forget the open files (a client went away). */
void vfile_reset(void)
{
	for (int i = 0; i < VF_MAX; i++)
		if (vfiles[i]) {
			fput(vfiles[i]);
			vfiles[i] = NULL;
		}
	vf_pid = 0;
}
