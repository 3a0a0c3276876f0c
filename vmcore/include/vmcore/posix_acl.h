/* POSIX ACLs as mode bits (fs/posix_acl.c). */
#ifndef VMCORE_POSIX_ACL_H
#define VMCORE_POSIX_ACL_H

#include <vmcore/task.h>
#include <vmcore/vfs.h>

enum { ACL_NOT_SYSTEM, ACL_ACCESS, ACL_DEFAULT, ACL_OTHER_SYSTEM };
/* Which of system.*'s names NAME is (ACL_NOT_SYSTEM: another namespace). */
int posix_acl_kind(const char *name);
/* setxattr of an ACL (KIND ACL_ACCESS or ACL_DEFAULT): 0 or -errno */
long posix_acl_set(struct task *t, struct inode *ino, int kind, const void *val, size_t size);

#endif
