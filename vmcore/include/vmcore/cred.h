/* Credentials and privilege: the one interface every privilege test in the
 * kernel goes through.
 *
 * A task's identity is in struct task (real/effective/saved/fs uid and gid,
 * supplementary groups, the five capability sets, securebits and
 * no_new_privs).  Privilege is never "euid == 0": it is a capability in the
 * effective set (capable()), which the setuid family and exec keep in step
 * with the ids by capabilities(7)'s rules (kernel/cred.c,
 * kernel/capability.c).  Guest credentials never change what the kernel
 * itself may do on the host. */
#ifndef VMCORE_CRED_H
#define VMCORE_CRED_H

#include <vmcore/kernel.h>

struct task;
struct inode;

/* capability numbers (linux/capability.h) */
#define CAP_CHOWN 0
#define CAP_DAC_OVERRIDE 1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER 3
#define CAP_FSETID 4
#define CAP_KILL 5
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_LINUX_IMMUTABLE 9
#define CAP_NET_BIND_SERVICE 10
#define CAP_IPC_LOCK 14
#define CAP_SYS_CHROOT 18
#define CAP_SYS_PTRACE 19
#define CAP_SYS_ADMIN 21
#define CAP_SYS_BOOT 22
#define CAP_SYS_NICE 23
#define CAP_SYS_RESOURCE 24
#define CAP_SYS_TIME 25
#define CAP_MKNOD 27
#define CAP_MAC_OVERRIDE 32
/* the last capability of the host's kernel (Linux 5.9+: CAP_CHECKPOINT_RESTORE) */
#define CAP_LAST_CAP 40
#define CAP_FULL_SET ((1ULL << (CAP_LAST_CAP + 1)) - 1)
#define CAP_BIT(c) (1ULL << (c))

/* securebits (linux/securebits.h) */
#define SECBIT_NOROOT (1u << 0)
#define SECBIT_NOROOT_LOCKED (1u << 1)
#define SECBIT_NO_SETUID_FIXUP (1u << 2)
#define SECBIT_NO_SETUID_FIXUP_LOCKED (1u << 3)
#define SECBIT_KEEP_CAPS (1u << 4)
#define SECBIT_KEEP_CAPS_LOCKED (1u << 5)
#define SECBIT_NO_CAP_AMBIENT_RAISE (1u << 6)
#define SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED (1u << 7)
#define SECURE_ALL_BITS 0x55u
#define SECURE_ALL_LOCKS 0xaau

#define NGROUPS_MAX 65536

/* Supplementary groups: sorted, shared (copy on change) between tasks. */
struct group_info {
	int refs;
	int n;
	u32 gid[];
};

/* Does t hold capability cap in its effective set? */
bool capable(struct task *t, int cap);
/* Is gid t's file-system gid or one of its supplementary groups? */
bool in_group_p(struct task *t, u32 gid);

/* The credentials of the first task: root with every capability. */
void cred_init_root(struct task *t);
/* A new task's credentials are its parent's (fork, clone). */
void cred_copy(struct task *child, struct task *parent);
void cred_release(struct task *t);

/* capabilities(7)'s fixups after the uids changed (setuid family) from
 * the old real/effective/saved ids; setfsuid's from the old fs uid. */
void cap_fix_setuid(struct task *t, u32 old_r, u32 old_e, u32 old_s);
void cap_fix_setfsuid(struct task *t, u32 old_fs);

/* execve: the new ids and capabilities for a program file of that mode
 * and owner (set-id bits honoured unless nosuid); returns whether the
 * exec is "secure" (AT_SECURE). */
bool cred_exec(struct task *t, u32 mode, u32 uid, u32 gid, bool nosuid);

/* prctl's capability and securebits options: the result, or -ENOSYS when
 * option is not one of them. */
long cap_prctl(struct task *t, int option, u64 a2, u64 a3, u64 a4, u64 a5);

/* kill(2)'s permission: may t send sig to p? */
bool kill_permitted(struct task *t, struct task *p, int sig);

/* ---- file permissions (fs/permission.c) ---- */
#include <sys/stat.h>
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

/* generic_permission with t's fs ids, groups and capabilities, plus
 * EROFS for a write to a read-only mount; t NULL (the kernel): allowed */
int inode_permission(struct task *t, struct inode *ino, int mask);
/* Is t the owner of ino, or holding CAP_FOWNER? */
bool owner_or_capable(struct task *t, struct inode *ino);
/* May t remove the entry for victim from dir (write+search, sticky)? */
int may_delete(struct task *t, struct inode *dir, struct inode *victim);
/* unlink/rmdir and rename: the checks of the entries involved */
int may_unlink_name(struct task *t, struct inode *dir, const char *name);
int may_rename(struct task *t, struct inode *odir, const char *oname, struct inode *ndir, const char *nname);
/* May t make a hard link to ino (fs.protected_hardlinks)? */
int may_linkat(struct task *t, struct inode *ino);
/* May t create in dir (write+search)? */
int may_create(struct task *t, struct inode *dir);
/* The owner and mode of a new inode in dir (inode_init_owner): the fs
 * ids, or the directory's group and set-gid bit under a set-gid directory */
void new_inode_owner(struct task *t, struct inode *dir, u32 *mode, u32 *uid, u32 *gid);
/* A write or truncate by t: S_ISUID, and S_ISGID of a group-executable
 * file, go unless t holds CAP_FSETID (Linux's file_remove_privs). */
void file_remove_privs(struct task *t, struct inode *ino);

#endif
