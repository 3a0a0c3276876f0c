/* /proc/PID/mem and /proc/PID/task/TID/mem: the process's memory as a
 * file whose positions are its addresses, as Linux's fs/proc/base.c.
 *
 * The open checks PTRACE_MODE_ATTACH_FSCREDS (EACCES when refused) and
 * binds the file to the address space the process has then: after an
 * exec, or once the process is gone, that one is gone and reads and
 * writes move nothing (0).  The memory is accessed as a debugger's
 * (mm_peek, mm_poke: FOLL_FORCE): every mapping is readable, read-only
 * private ones (program text) are written in a private copy of the page,
 * never in the file.  A read or write stops at the first page it cannot
 * reach: EIO when that is the first byte, else the count moved.  The
 * positions are unsigned (Linux's FMODE_UNSIGNED_OFFSET): lseek takes
 * any SEEK_SET or SEEK_CUR result, even past 2^63; SEEK_END is EINVAL. */
#include <vmcore/ptrace.h>
#include <vmcore/syscall.h>
#include <string.h>
#include "proc_internal.h"

int proc_mem_open(struct task *t, struct file *f)
{
	if (!t || !t->mm)
		return -ESRCH;
	if (current && t->mm != current->mm && ptrace_may_access(current, t, PTRACE_MODE_ATTACH_FSCREDS) < 0)
		return -EACCES;
	f->priv = (void *)(uintptr_t)t->mm->serial;
	return 0;
}

static long mem_rw(struct file *f, void *buf, size_t len, u64 *pos, bool write)
{
	struct mm *mm = mm_by_serial((uintptr_t)f->priv);
	if (!mm)
		return 0;
	/* through a page of our own: buf may be a page of mm itself */
	u8 bounce[PAGE_SIZE];
	u64 addr = *pos;
	size_t done = 0;
	while (done < len) {
		size_t n = MIN(len - done, PAGE_SIZE - (addr & ~PAGE_MASK));
		if (write) {
			memcpy(bounce, (const u8 *)buf + done, n);
			if (mm_poke(mm, addr, bounce, n) < 0)
				break;
		} else {
			if (mm_peek(mm, bounce, addr, n) < 0)
				break;
			memcpy((u8 *)buf + done, bounce, n);
		}
		done += n;
		addr += n;
	}
	if (write && done && (!current || mm != current->mm))
		mm_kick_runners(mm);
	*pos = addr;
	return done ? (long)done : -EIO;
}

static long mem_read(struct file *f, void *buf, size_t len, u64 *pos)
{
	return mem_rw(f, buf, len, pos, false);
}

static long mem_write(struct file *f, const void *buf, size_t len, u64 *pos)
{
	return mem_rw(f, (void *)buf, len, pos, true);
}

static int mem_llseek(struct file *f, s64 off, int whence)
{
	switch (whence) {
	case SEEK_SET:
		f->pos = off;
		return 0;
	case SEEK_CUR:
		f->pos += off;
		return 0;
	default:
		return -EINVAL;
	}
}

const struct file_ops proc_mem_fops = {
	.read = mem_read,
	.write = mem_write,
	.llseek = mem_llseek,
	.mmap_denied = no_mmap, /* Linux's mem file has no mmap */
	.seekable = true,
};
