/* dnotify (fs/notify/dnotify.c): fcntl F_NOTIFY, and the close hook. */
#ifndef VMCORE_DNOTIFY_H
#define VMCORE_DNOTIFY_H
#include <vmcore/vfs.h>

struct task;
struct files_struct;
long fcntl_dirnotify(struct task *t, int fd, struct file *f, u64 arg);
/* a descriptor of f in owner's table closes: its entries go (owner
 * NULL: f itself goes, every table's) */
void dnotify_flush(struct file *f, struct files_struct *owner);
#endif
