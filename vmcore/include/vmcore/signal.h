/* Signals: queues, delivery with x86-64 rt_sigframes, default actions,
 * interruptible sleeps and system call restart. */
#ifndef VMCORE_SIGNAL_H
#define VMCORE_SIGNAL_H

#include <vmcore/task.h>

/* The kernel's restart codes, never seen by the guest. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

#define sigmask_of(sig) (1UL << ((sig) - 1))
#define SIG_UNBLOCKABLE (sigmask_of(SIGKILL) | sigmask_of(SIGSTOP))

struct sigqueue {
	struct sigqueue *next;
	siginfo_t info;
	bool shared; /* sent to the process, not the thread (PTRACE_PEEKSIGINFO_SHARED) */
};

/* Queue a signal for a task (tid) or a process (tgid); info may be NULL
 * (SI_KERNEL/SI_USER filled in).  Wakes the task if it sleeps, kicks it out
 * of guest mode if it runs. */
int send_signal(struct task *t, int sig, const siginfo_t *info);
/* The same, past init's protection: the kernel's own kills (a group exit,
 * an exec taking the other threads) and the debugger's signals. */
int send_signal_force(struct task *t, int sig, const siginfo_t *info);
/* send_signal of a signal for t's process as a whole (kill(2), SIGCHLD):
 * t is the thread that takes it (process_target) */
int send_signal_process(struct task *t, int sig, const siginfo_t *info);
/* A signal caused by the task's own instruction (fault, trap). */
void force_sig_info(struct task *t, int sig, int code, u64 addr);
bool signal_pending(struct task *t);
/* Deliver what is pending before the task returns to user mode. */
void do_signal(struct task *t);
/* Sleep on c (BKL released) until woken, a signal, or abs (may be NULL).
 * Returns 0, -ETIMEDOUT or -ERESTARTSYS. */
/* SIG became pending for t: its process's signalfds have news (fs/signalfd.c) */
void signalfd_notify(struct task *t, int sig);
int wait_interruptible(struct task *t, pthread_cond_t *c, const struct timespec *abs);
/* Tell a parent about a child's exit (SIGCHLD with CLD_* info). */
void notify_parent_exit(struct task *child);
/* Tell t's real parent of its stop or continue: SIGCHLD with CLD_STOPPED
 * or CLD_CONTINUED, unless the parent's SA_NOCLDSTOP */
void report_to_parent(struct task *t, int code, int status);
struct task *process_target(struct task *p, int sig);
/* kill(2)'s delivery of SIG to process P (the checks of kill(2)
 * included; 0: a probe), with SI (NULL: kill's own, SI_USER). */
int kill_process(struct task *t, struct task *p, int sig, const siginfo_t *si);
/* the same to thread P alone (tgkill's SI_TKILL when SI is NULL) */
int kill_thread(struct task *t, struct task *p, int sig, const siginfo_t *si);
/* pidfds (kernel/pidfd.c): the file of pidfd FD (NULL, *err -EBADF or
 * -EINVAL), and the process id it names */
struct file *pidfd_get(struct task *t, int fd, long *err);
int pidfd_pid(struct file *f);
/* process tgid exited: an event for its pidfds' epoll items */
void pidfd_notify_exit(int tgid);
/* Timers: drop a process's timers at exit, its POSIX timers at exec. */
void exit_timers(struct task *t, bool exec);
u64 task_cpu_ns(struct task *t);
/* A kernel wake-up on the timer thread (kernel/timer.c, for timerfd):
 * fn(arg) runs, BKL held, once CLOCK_MONOTONIC reaches the armed time
 * (ns; 0 disarms); one-shot. */
struct ktimer;
struct ktimer *ktimer_new_fn(void (*fn)(void *arg), void *arg);
void ktimer_arm(struct ktimer *k, u64 mono_expires);
void ktimer_free(struct ktimer *k);
/* sigtimedwait's dequeue: the first pending signal of set (0: none) */
int dequeue_signal_set(struct task *t, u64 set, siginfo_t *info);
int futex_wake_addr(struct task *t, u64 uaddr, int n);
void exit_robust_list(struct task *t);
/* Job control (kernel/jobctl.c).  A group is orphaned when no member but
 * IGNORED (may be NULL) has a parent outside it in the same session. */
bool pgrp_will_be_orphaned(int pgrp, struct task *ignored);
/* A signal from the kernel (SI_KERNEL) to every process of a group. */
void kill_pgrp_kernel(int pgrp, int sig);
/* An exit orphans a group with stopped members: SIGHUP, SIGCONT to it.
 * parent NULL: tsk exits; else tsk was a child of the exiting parent. */
void kill_orphaned_pgrp(struct task *tsk, struct task *parent);
/* End the whole thread group of t with a wait status (exit_group, fatal signals). */
_Noreturn void do_group_exit(struct task *t, int status);

#endif
