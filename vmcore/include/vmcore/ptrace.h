/* ptrace(2) for guest tracers (kernel/ptrace.c) and its access checks
 * (kernel/ptrace_access.c).
 *
 * Every guest task is already traced on the host, by its own task thread;
 * a guest debugger's ptrace calls are carried out by the kernel on the
 * task it controls.  A tracee stops in its task thread (its registers are
 * then in t->ht.regs), the tracer's requests read and change that state,
 * and what only the tracee's host thread can do (FPU state, debug
 * registers) the tracee's task thread does for the tracer while it is
 * stopped.  docs/ptrace.md. */
#ifndef VMCORE_PTRACE_H
#define VMCORE_PTRACE_H

#include <vmcore/task.h>

/* ---- access checks (kernel/ptrace_access.c) ---- */

/* ptrace_may_access modes (linux/ptrace.h) */
#define PTRACE_MODE_READ 0x01
#define PTRACE_MODE_ATTACH 0x02
#define PTRACE_MODE_NOAUDIT 0x04
#define PTRACE_MODE_FSCREDS 0x08
#define PTRACE_MODE_REALCREDS 0x10
#define PTRACE_MODE_READ_FSCREDS (PTRACE_MODE_READ | PTRACE_MODE_FSCREDS)
#define PTRACE_MODE_READ_REALCREDS (PTRACE_MODE_READ | PTRACE_MODE_REALCREDS)
#define PTRACE_MODE_ATTACH_FSCREDS (PTRACE_MODE_ATTACH | PTRACE_MODE_FSCREDS)
#define PTRACE_MODE_ATTACH_REALCREDS (PTRACE_MODE_ATTACH | PTRACE_MODE_REALCREDS)

/* Linux's __ptrace_may_access with commoncap's and Yama's checks: may
 * caller inspect (READ) or attach to (ATTACH) target?  0 or -EPERM (the
 * callers turn it into EACCES where Linux does: /proc/PID/mem, environ,
 * the fd links). */
int ptrace_may_access(struct task *caller, struct task *target, unsigned mode);
/* Is child caller's process or a descendant of it (Yama's task_is_descendant)? */
bool ptrace_is_descendant(struct task *ancestor, struct task *child);
/* PTRACE_TRACEME's check of the parent (commoncap's and Yama's
 * ptrace_traceme): 0 or -EPERM. */
int ptrace_traceme_check(struct task *child, struct task *parent);
/* The tracer of t, for Yama's "already tracing" exception. */
struct task *ptrace_parent(struct task *t);

/* kernel.yama.ptrace_scope: 0 classic, 1 relational, 2 admin-only, 3 none */
extern int yama_ptrace_scope;
/* a write to the sysctl by t (CAP_SYS_PTRACE; 3 is sticky): 0 or -errno */
int yama_set_scope(struct task *t, long long v);
/* prctl(PR_SET_PTRACER, arg) */
long yama_set_ptracer(struct task *t, u64 arg);

/* mm->nondumpable's source on credential changes: fs.suid_dumpable (0) */
#define SUID_DUMP_DISABLE 0
#define SUID_DUMP_USER 1

/* ---- end of access checks ---- */

/* ---- the tracee's side ---- */
enum pt_stop { PT_RUNNING, PT_SIGNAL, PT_GROUP, PT_SYSCALL_ENTRY, PT_SYSCALL_EXIT, PT_EVENT };

struct ptrace_state {
	bool seized;          /* PTRACE_SEIZE (or a seized tracer's auto-attach) */
	bool detached;        /* the tracer let go while the tracee was stopped */
	unsigned opts;        /* PTRACE_O_* */
	int resume;           /* the request that last resumed it (0: PTRACE_CONT's) */
	int resume_sig;       /* the signal given with it */
	enum pt_stop kind;    /* the stop it is in */
	int code;             /* that stop's wait status >> 8 */
	bool reported;        /* a wait took that status */
	bool interrupt;       /* PTRACE_INTERRUPT: stop at the next chance */
	bool exec_event;      /* execve succeeded: PTRACE_EVENT_EXEC at its exit */
	u64 message;          /* PTRACE_GETEVENTMSG */
	siginfo_t si;         /* GETSIGINFO/SETSIGINFO of this stop */
	bool no_si;           /* a group-stop not seized has none (EINVAL) */
	bool group_stopped;   /* its group-stop holds (Linux's SIGNAL_STOP_STOPPED): no
			       * SIGCONT since; the real parent's wait sees it */
	bool listening;       /* PTRACE_LISTEN: stopped, not for requests, until an
			       * event (SIGCONT, PTRACE_INTERRUPT) stops it anew */
	bool notify;          /* SIGCONT came (seized): PTRACE_EVENT_STOP at the next chance */
	bool cont_notify;     /* SIGCONT ended its group-stop: CLD_CONTINUED for the
			       * parents when it next runs (Linux's SIGNAL_CLD_CONTINUED) */
	u64 dr6;              /* the debug status at this stop */
	/* a request for the tracee's own thread (fpregs, debug registers) */
	int req;
	void *req_buf;
	size_t req_len;
	long req_ret;
	bool req_done;
	pthread_cond_t req_cond;
};

/* Hooks, each behind a cheap test of t->pt. */
/* syscall entry: true if the call is not to run (SYSEMU, or the tracer
 * set orig_rax to -1); the tracer may have changed the registers */
bool ptrace_syscall_entry(struct task *t);
/* syscall exit, rax set: PTRACE_EVENT_EXEC, the exit stop, a single
 * step's trap over the syscall instruction */
void ptrace_syscall_exit(struct task *t);
/* seccomp's RET_TRACE: a PTRACE_EVENT_SECCOMP stop with message data if
 * the tracer asked for them (PTRACE_O_TRACESECCOMP; false if not) */
bool ptrace_seccomp_event(struct task *t, u64 data);
/* a signal about to be delivered: what the tracer wants delivered instead
 * (0: nothing), info possibly changed */
int ptrace_signal(struct task *t, int sig, siginfo_t *info);
/* job control would stop t (traced): a ptrace group-stop; t->stopped on
 * return if the tracer let go of it there (a job-control stop now) */
void ptrace_group_stop(struct task *t, int sig);
/* SIGCONT for a tracee: true if it ended a group-stop (CLD_CONTINUED) */
bool ptrace_sigcont(struct task *t);
/* stops asked for outside signals (PTRACE_INTERRUPT, a seized child's
 * first stop): taken from do_signal */
void ptrace_pending_stops(struct task *t);
bool ptrace_interrupt_pending(struct task *t);
/* fork: before the child runs (auto-attach), and after (the event) */
void ptrace_fork_child(struct task *p, struct task *child, u64 flags);
void ptrace_fork_event(struct task *p, struct task *child, u64 flags);
void ptrace_vfork_done(struct task *p, int child_tid);
void ptrace_exec(struct task *t, int old_tid);
/* the tracee is about to exit (PTRACE_EVENT_EXIT) */
void ptrace_exit_event(struct task *t, int status);
/* tell the tracer of a change (SIGCHLD with code, status), wake its wait */
void ptrace_notify_tracer(struct task *t, int code, int status);
/* end the tracing of t (its tracer detaches, exits or reaps it) */
void ptrace_unlink(struct task *t);

#endif
