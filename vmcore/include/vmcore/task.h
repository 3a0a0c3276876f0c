/* Tasks.  Every guest task is a host thread of its address space's stub
 * process, traced by a kernel thread of its own (the "task thread") pinned
 * to the same host CPU.  The task thread runs the task's kernel side: its
 * system calls, faults and signals, and sleeps when the task sleeps. */
#ifndef VMCORE_TASK_H
#define VMCORE_TASK_H

#include <vmcore/kernel.h>
#include <vmcore/host.h>
#include <vmcore/mm.h>
#include <vmcore/vfs.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#define NR_OPEN_DEFAULT 1024
#define TASK_COMM_LEN 16
#define _NSIG_LINUX 64

struct files_struct {
	int refs;
	int max;
	struct file **fd;
	u64 *cloexec; /* bitmap */
};

/* rt_sigaction's kernel view */
struct k_sigaction {
	u64 handler, flags, restorer, mask;
};

struct sigqueue;
#define FLIGHT_N 32
struct flight_rec {
	u64 nr, a[6];
	s64 ret;
	u64 t_ns;
};
struct flight {
	struct flight_rec rec[FLIGHT_N];
	unsigned head; /* next slot */
	unsigned n;
};
struct sighand_struct {
	int refs;
	struct k_sigaction action[_NSIG_LINUX];
};

struct task {
	int tid, tgid;
	struct task *parent;
	char comm[TASK_COMM_LEN];
	struct mm *mm;
	struct fs_struct *fs;
	struct files_struct *files;
	struct host_thread ht;
	pthread_t thread;
	int kthread_tid;        /* host tid of the task thread (gdb's LWP) */
	int cpu;
	u32 uid, gid, euid, egid, suid, sgid, fsuid, fsgid;
	struct group_info *group_info; /* supplementary groups (vmcore/cred.h) */
	u64 cap_inheritable, cap_permitted, cap_effective, cap_bset, cap_ambient;
	u32 securebits;
	bool no_new_privs;
	int seccomp_mode;        /* SECCOMP_MODE_* (kernel/seccomp.c) */
	struct seccomp_filter *seccomp; /* its filters, newest first */
	u64 sigmask;
	struct sighand_struct *sighand;
	u64 clear_child_tid;
	u64 robust_list;
	u64 rlimits[16][2];
	int pgid, sid;
	struct task *group_leader; /* the thread-group leader (itself for one) */
	int nr_threads;         /* leader: live threads in the group */
	bool group_exit;        /* exit_group or a fatal signal took the group */
	int group_exit_code;
	bool thread_exited;     /* leader: its own thread ended, the group lives */
	bool exec_kill;         /* killed by another thread's execve: exit alone */
	int pdeath_signal;      /* PR_SET_PDEATHSIG */
	u64 cutime_ns;          /* CPU time of reaped children */
	u64 exit_cpu_ns;        /* our CPU time, taken when we exited */
	int host_tid_pending;   /* a new thread's host tid, before its tracer seizes it */
	enum { TASK_RUNNING, TASK_ZOMBIE, TASK_DEAD } state;
	bool exiting;
	int exit_code;          /* wait status */
	int exit_signal;        /* sent to the parent at exit (SIGCHLD), -1 for threads */
	u64 pending;            /* signals queued, a bit per signal */
	struct sigqueue *sigq;  /* their siginfo, in order */
	u64 saved_sigmask;      /* rt_sigsuspend's mask to restore */
	u64 real_blocked;       /* rt_sigtimedwait: the mask it lifted to wait */
	bool restore_sigmask;
	u64 altstack_sp, altstack_size;
	int altstack_flags;
	int nice;               /* -20..19 (kernel/sched.c) */
	int policy, rt_priority; /* SCHED_*, and the SCHED_FIFO/RR priority */
	u64 cpus_allowed;       /* sched_setaffinity's mask of vCPUs (0: all) */
	u32 personality;        /* personality(2): ADDR_NO_RANDOMIZE is honoured at exec */
	pthread_cond_t *waiting_on; /* the condition an interruptible sleep waits on */
	pthread_cond_t sleep_cond;  /* for sleeps on nothing else (nanosleep, pause) */
	bool in_user;           /* guest code may be running (BKL released) */
	u64 fault_retry;        /* address+1 of an access fault being retried once */
	int oom_retry;          /* faults retried after waiting for reclaim (reclaim.c) */
	/* leader: /proc/PID/oom_score_adj, -1000..1000, and the least an
	 * unprivileged write may set (mm/oom_kill.c); inherited by fork */
	short oom_score_adj, oom_score_adj_min;
	bool syscall_event;     /* the last event was a system call (restart logic) */
	bool stopped;           /* job-control stop */
	bool frozen;            /* held by the freezer (kernel/freezer.c) */
	int stop_sig;
	bool stop_reported, cont_reported;
	bool *vfork_done;       /* a vfork parent waits until we exec or exit: its flag
				 * (in its own frame: this task may be freed first) */
	void *fpstate;          /* xstate handed to a new task's thread */
	int fpstate_len;
	u64 start_time_ns;
	u64 nsyscalls;
	struct flight flight;   /* the last system calls (trace/trace.c) */
	void *trace_pending;    /* a traced call in progress */
	struct file **held;     /* files fd_get looked up in this system call */
	int nheld, held_max;
	struct gdb_task *gdb;   /* a debugger is attached (gdbstub/target.c) */
	struct task *ptracer;   /* the guest task tracing this one (kernel/ptrace.c) */
	struct ptrace_state *pt; /* and the state of that tracing */
	struct kcov_task *kcov; /* KCOV collects its kernel PCs (coverage/kcov.c) */
	struct {                /* how restart_syscall(2) goes on (Linux's restart_block) */
		long (*fn)(struct task *t);
		struct timespec deadline; /* CLOCK_MONOTONIC */
		u64 urem;
	} restart;
	struct task *next_task; /* all tasks */
};

/* The task whose kernel side the calling host thread is running. */
extern __thread struct task *current;

struct task *task_find(int tid);
/* Its state letter, as /proc/PID/stat shows it (R, S, T, t, Z) (fs/procfs.c). */
char task_state_char(const struct task *t);
/* Start init: its task thread creates the address space and execs path. */
int task_start_init(const char *path, char *const argv[], char *const envp[]);
/* A new program as a child of init (the debugger's vRun); with debug, its
 * process is debugged and stopped before its first instruction.  Returns
 * its pid once the execve is done, or -errno.  BKL held. */
int task_spawn(char *const argv[], char *const envp[], bool debug);
int alloc_pid(void);
/* End the calling task with the given wait status (exit, fatal signal). */
_Noreturn void task_exit(struct task *t, int status);
/* Kill the task with a fault signal, saying so on the console. */
_Noreturn void force_sig_fault(struct task *t, int sig, int code, u64 addr);
/* Name t's task thread "task TID COMM" (the host's 15 characters), for
 * gdb's info threads and the host's ps -L; after every change of comm. */
void task_name_thread(struct task *t);
/* Initialise a task's own condition variables. */
void task_init_conds(struct task *t);

/* exec */
int kernel_execve(struct task *t, const char *path, char *const argv[], char *const envp[]);
long do_execve(struct task *t, struct dentry *start, int flags, const char *path, u64 argv, u64 envp);

/* The halt path: called when init is gone or the machine powers off. */
_Noreturn void machine_halt(int exit_code, bool restart);
/* reboot(2)'s ends (kernel/sys.c), BKL held: the guest's memory synced,
 * then restart (./linux execs itself anew, same pid and command line) or
 * halt (exit status 0). */
_Noreturn void kernel_restart(void);
_Noreturn void kernel_halt(bool power_off);
/* Ctrl-Alt-Del: restart, or SIGINT to init when reboot(2) turned the key
 * off (LINUX_REBOOT_CMD_CAD_OFF).  False if there was nobody to tell. */
bool ctrl_alt_del(void);

/* fork, vfork, clone (processes; threads come with the next step) */
long do_fork(struct task *t, u64 flags, u64 stack, u64 ptid, u64 ctid, u64 tls);
/* Wake every task sleeping for a child's change of state. */
void wake_child_waiters(void);
/* Sleep on a condition with the BKL released. */
void bkl_wait(pthread_cond_t *c);
void bkl_wait_timeout(pthread_cond_t *c, const struct timespec *abs);
void task_loop(struct task *t) __attribute__((noreturn));
extern struct task *all_tasks;
extern pthread_cond_t child_cond, vfork_cond;
void task_pin(struct task *t);

void vfork_release(struct task *t);
_Noreturn void exit_notify_and_die(struct task *t, int status);
void task_release_unstarted(struct task *t);
void mm_pass_flusher(struct task *t);
void mm_leave(struct mm *mm); /* a task's mm_put (its stub's creator may linger) */
void files_put(struct files_struct *fs);
struct files_struct *files_dup(struct files_struct *old);
int task_new_mm(struct task *t); /* a new, empty address space and its stub */
void fs_put(struct fs_struct *fs);
void sync_all_mms(void);

extern int nr_vcpus;
extern int max_tasks, nr_tasks;
extern int pid_max; /* kernel.pid_max: 301..4194304 */
/* stub_selftest=escape: make every stub but init's run a forbidden host
 * call (a host file creation) in its next batch (the test of the stubs' seccomp filter). */
extern bool stub_selftest_escape;
extern u64 boot_time_ns;
extern char *saved_command_line;

/* rlimits default */
void task_init_rlimits(struct task *t);

#endif
