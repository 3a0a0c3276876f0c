/* What procfs.c's parts tell each other: /proc/sys (proc_sys.c) is a
 * table of nodes, a directory being a node without contents; /proc/PID's
 * longer files (proc_status.c); the kernel config (config.gz). */
#ifndef VMCORE_PROC_INTERNAL_H
#define VMCORE_PROC_INTERNAL_H
#include <vmcore/strbuf.h>
#include <vmcore/task.h>

#define SYSCTL_ROOT (-1) /* the /proc/sys directory itself */
/* the node named name in directory dir, or -ENOENT */
int sysctl_lookup(int dir, const char *name);
/* the n-th node of directory dir (from 0), or -1 after the last */
int sysctl_child(int dir, int n);
const char *sysctl_name(int node);
u32 sysctl_mode(int node); /* S_IFDIR | 0555, S_IFREG | 0644... */
void sysctl_show(int node, struct buf *b);
/* a write of the whole text (len bytes): len, or -EINVAL as Linux */
long sysctl_store(int node, const char *s, size_t len);

void proc_gen_status(struct buf *b, struct task *t);

/* /proc/PID/mem (proc_mem.c): its file operations, and the open of
 * task t's (NULL: gone), which checks the caller's right */
extern const struct file_ops proc_mem_fops;
int proc_mem_open(struct task *t, struct file *f);

/* the gzip'ed kernel config linked into ./linux (mkconfig.py) */
extern const unsigned char kconfig_gz[], kconfig_gz_end[];
#endif
