/* A file's SIGIO owner (fs/fown.c): fcntl's F_SETOWN family, and the
 * signal that dnotify sends. */
#ifndef VMCORE_FOWN_H
#define VMCORE_FOWN_H
#include <vmcore/vfs.h>

struct task;
void f_setown(struct file *f, struct task *setter, int type, int pid);
/* SIGIO (or F_SETSIG's signal with si_code CODE, si_fd FD) to f's owner */
void send_sigio(struct file *f, int fd, int code);
/* F_GETOWN, F_SETOWN, F_GETOWN_EX, F_SETOWN_EX, F_GETSIG, F_SETSIG */
long do_fcntl_owner(struct task *t, struct file *f, int cmd, u64 arg);
#endif
