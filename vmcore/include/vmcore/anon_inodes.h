/* Anonymous-inode files (fs/anon_inodes.c) and the event files built on
 * them: eventfd, timerfd, signalfd (fs/eventfd.c, fs/timerfd.c,
 * fs/signalfd.c). */
#ifndef VMCORE_ANON_INODES_H
#define VMCORE_ANON_INODES_H

#include <vmcore/vfs.h>

/* A new open file on the one shared anonymous inode, with ops and priv,
 * named NAME ("[eventfd]": /proc/PID/fd shows "anon_inode:[eventfd]").
 * flags: O_* (access mode, O_NONBLOCK).  NULL with *err -ENFILE/-ENOMEM;
 * then priv is the caller's to free, else the file's release frees it. */
struct file *anon_inode_getfile(const char *name, const struct file_ops *fops, void *priv, u32 flags,
				long *err);
/* The same, installed as a descriptor of t: the descriptor or -errno.
 * On failure *released says whether fops->release has freed priv (the
 * file was made, the descriptor not) or priv is still the caller's. */
int anon_inode_getfd(struct task *t, const char *name, const struct file_ops *fops, void *priv, u32 flags,
		     bool cloexec, bool *released);
/* Is f's inode the anonymous inode?  Its name is then f->dentry->name. */
bool file_is_anon(struct file *f);

/* The realtime clock was set (clock_settime, settimeofday): timerfds
 * armed with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET on a realtime
 * clock are cancelled (their read gives ECANCELED), and the realtime ones
 * re-arm their wake-ups (fs/timerfd.c). */
void timerfd_clock_was_set(void);

#endif
