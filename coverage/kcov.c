/* KCOV: the kernel PCs that a guest task's system calls run through, in a
 * buffer the task maps, with Linux's ABI:
 *
 *	fd = open("/sys/kernel/debug/kcov", O_RDWR);
 *	ioctl(fd, KCOV_INIT_TRACE, n);          n entries of unsigned long
 *	cover = mmap(NULL, n * 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
 *	ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC);  for the calling task
 *	cover[0] = 0; ...system calls...; pcs in cover[1 .. cover[0]]
 *	ioctl(fd, KCOV_DISABLE, 0);
 *
 * The buffer is a run of physmem frames, put into the page cache of an
 * inode of the open file's own, so that the guest's shared mapping of the
 * file is those frames and the kernel writes them directly.  The PCs are
 * addresses in the ./linux file (the load address taken off), so that
 * addr2line or libdw map them to the kernel's source with ./linux alone.
 * Compiled without -fsanitize-coverage: this is the collector. */
#include "kcov.h"
#include <vmcore/task.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KCOV_INIT_TRACE 0x80086301UL /* _IOR('c', 1, unsigned long) */
#define KCOV_ENABLE 0x6364UL         /* _IO('c', 100) */
#define KCOV_DISABLE 0x6365UL        /* _IO('c', 101) */
#define KCOV_TRACE_PC 0
#define KCOV_MAX_ENTRIES (64UL << 20) /* 512 MiB of PCs at most */

struct kcov {
	int refs;         /* the open file, and the task collecting */
	u64 entries;      /* buffer size, in unsigned longs */
	u64 frame;        /* first of its run of frames */
	u64 npages;
	u64 *area;        /* the kernel's view of it */
	struct task *task;
};

struct kcov_task {        /* t->kcov: where t's PCs go */
	struct kcov *k;
};

#ifdef CONFIG_KCOV
extern char __executable_start[];

bool kcov_available(void)
{
	return true;
}

/* Called at every basic block of the kernel: keep it short. */
void __sanitizer_cov_trace_pc(void);
void __sanitizer_cov_trace_pc(void)
{
	struct task *t = current;
	struct kcov *k;
	if (!t || !t->kcov || !(k = t->kcov->k) || !k->area)
		return;
	u64 *area = k->area;
	u64 n = __atomic_load_n(&area[0], __ATOMIC_RELAXED) + 1;
	if (n < k->entries) {
		area[n] = (u64)__builtin_return_address(0) - (u64)__executable_start;
		__atomic_store_n(&area[0], n, __ATOMIC_RELAXED);
	}
}
#else
bool kcov_available(void)
{
	return false;
}
#endif

static void kcov_put(struct kcov *k)
{
	if (--k->refs)
		return;
	for (u64 i = 0; i < k->npages; i++)
		frame_put(k->frame + i);
	free(k);
}

static long kcov_init(struct file *f, struct kcov *k, u64 entries)
{
	if (k->area)
		return -EBUSY;
	if (entries < 2 || entries > KCOV_MAX_ENTRIES)
		return -EINVAL;
	u64 bytes = entries * sizeof(u64);
	u64 npages = PAGE_ALIGN(bytes) >> PAGE_SHIFT, got;
	u64 frame = frame_alloc_run(npages, &got);
	if (frame == NO_FRAME)
		return -ENOMEM;
	if (got < npages) {
		for (u64 i = 0; i < got; i++)
			frame_put(frame + i);
		return -ENOMEM;
	}
	/* an inode of its own: its page cache is the buffer */
	struct inode *ino = inode_new(f->inode->sb, S_IFREG | 0600);
	if (!ino) {
		for (u64 i = 0; i < npages; i++)
			frame_put(frame + i);
		return -ENOMEM;
	}
	ino->ino = f->inode->ino;
	ino->fops = f->inode->fops;
	ino->size = bytes;
	for (u64 i = 0; i < npages; i++) {
		memset(frame_ptr(frame + i), 0, PAGE_SIZE);
		if (pagecache_set(ino, i, frame + i) < 0) {
			iput(ino);
			for (u64 j = 0; j < npages; j++)
				frame_put(frame + j);
			return -ENOMEM;
		}
	}
	iput(f->inode);
	f->inode = ino;
	k->frame = frame;
	k->npages = npages;
	k->entries = entries;
	k->area = frame_ptr(frame); /* a run: contiguous in the kernel's view */
	return 0;
}

static long kcov_ioctl(struct file *f, struct task *t, unsigned cmd, u64 arg)
{
	struct kcov *k = f->priv;
	if (!k) {
		if (!(k = f->priv = calloc(1, sizeof(*k))))
			return -ENOMEM;
		k->refs = 1;
	}
	switch ((unsigned long)cmd) {
	case KCOV_INIT_TRACE:
		return kcov_init(f, k, arg);
	case KCOV_ENABLE:
		if (arg != KCOV_TRACE_PC)
			return -EINVAL; /* KCOV_TRACE_CMP is not collected */
		if (!k->area)
			return -EINVAL;
		if (k->task || t->kcov)
			return -EBUSY;
		if (!(t->kcov = calloc(1, sizeof(*t->kcov))))
			return -ENOMEM;
		t->kcov->k = k;
		k->task = t;
		k->refs++;
		return 0;
	case KCOV_DISABLE:
		if (arg || k->task != t || !t->kcov)
			return -EINVAL;
		kcov_task_exit(t);
		return 0;
	}
	return -ENOTTY;
}

void kcov_task_exit(struct task *t)
{
	struct kcov_task *kt = t->kcov;
	if (!kt)
		return;
	t->kcov = NULL;
	if (kt->k) {
		kt->k->task = NULL;
		kcov_put(kt->k);
	}
	free(kt);
}

static void kcov_release(struct file *f)
{
	struct kcov *k = f->priv;
	f->priv = NULL;
	if (k)
		kcov_put(k);
}

static long kcov_read(struct file *f, void *dst, size_t len, u64 *pos)
{
	return -EINVAL; /* the buffer is read through the mapping */
}

const struct file_ops kcov_fops = {
	.read = kcov_read,
	.ioctl = kcov_ioctl,
	.release = kcov_release,
};
