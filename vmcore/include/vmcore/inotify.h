/* inotify (fs/notify/inotify.c): the tunables /proc/sys/fs/inotify shows,
 * and what /proc/PID/fdinfo says of an instance. */
#ifndef VMCORE_INOTIFY_H
#define VMCORE_INOTIFY_H

#include <vmcore/vfs.h>

extern int inotify_max_queued_events, inotify_max_user_instances, inotify_max_user_watches;
/* max_user_watches's default, from mem= (at the first use) */
void inotify_limits_init(void);

#endif
