/* gdbstub/target.c's interface for the protocol server: debugged
 * processes, stopping and resuming their tasks, registers, memory and
 * breakpoints.  Every call is made with the BKL held. */
#ifndef GDBSTUB_TARGET_H
#define GDBSTUB_TARGET_H

#include <vmcore/task.h>
#include <vmcore/gdb.h>
#include <vmcore/syscall.h>

enum kd_kind {
	KD_NONE,
	KD_SIGNAL,   /* a signal about to be delivered (sig) */
	KD_SWBREAK,  /* a software breakpoint at the pc */
	KD_HWBREAK,  /* a hardware breakpoint */
	KD_WATCH,    /* a write watchpoint (addr) */
	KD_RWATCH,
	KD_AWATCH,
	KD_STEP,     /* a single step done */
	KD_STOPPED,  /* stopped at the stub's request (interrupt, attach) */
	KD_FORK,     /* child */
	KD_VFORK,
	KD_VFORK_DONE,
	KD_EXEC,
	KD_SYSCALL_ENTRY, /* sysno */
	KD_SYSCALL_RETURN,
	KD_EXITED,   /* status: a wait status */
};

struct kd_event {
	enum kd_kind kind;
	int pid, tid;
	int sig;
	u64 addr;
	int status;
	int child;
	int sysno;
};

struct gdb_task {
	bool stop_req;     /* stop at the next chance */
	bool parked;       /* stopped for the stub, in park() */
	bool resume;       /* the stub lets it go */
	bool detach;       /* ... and forgets it: the task frees this */
	bool step;         /* resume for one instruction */
	int resume_sig;    /* a signal to deliver on resume (vCont C/S) */
	int pass_sig;      /* ... being delivered: not reported again */
	bool stepping;     /* the current run is a step */
	bool has_event;    /* ev is to be reported */
	struct kd_event ev;
	struct kd_event pending; /* to report before the task runs again */
	u64 dr_gen;        /* debug registers applied */
	u8 xs[4096];       /* its FPU state, fetched when it parked */
	int xs_len;        /* bytes, or < 0 */
	int req;           /* a request for the task's thread */
	void *req_buf;
	int req_len, req_ret;
	pthread_cond_t cond;
};

#define KD_MAX_BP 256

struct kd_bp {
	u64 addr;
	u8 orig;
};

struct kd_proc {
	int pid;
	int nbp;
	struct kd_bp bp[KD_MAX_BP];
	u64 dr[4], dr7, dr_gen;
	bool catch_syscalls, catch_any;
	u8 catch_nr[NR_SYSCALLS];
	struct kd_proc *next;
};

extern struct kd_proc *kd_procs;
/* The stub thread sleeps here: a task parked or has an event. */
extern pthread_cond_t kd_cond;
/* gdbwait: init's program is loaded and init stops for the debugger */
extern bool kd_init_loaded;
/* The stub is told (a byte on this pipe) when something happened. */
extern int kd_notify_fd[2];
/* Report fork, vfork and exec events (the client asked for them); when
 * not, a forked child is let go without the parent's breakpoints. */
extern bool kd_fork_events, kd_exec_events;

struct kd_proc *kd_proc_find(int pid);
/* vRun: a new program, debugged, stopped before its first instruction. */
int kd_spawn(char *const argv[]);
int kd_attach(int pid);              /* stops it; -ESRCH, -EPERM (already) */
void kd_detach(int pid);             /* breakpoints out, tasks resumed */
int kd_kill(int pid);
/* All-stop: ask every debugged task to stop and wait until they have (a
 * task asleep in the kernel is woken and stops on the way out; one that
 * cannot be woken in time counts as stopped: its registers are saved). */
void kd_stop_all(void);
/* A task with an event not yet reported, or NULL. */
struct task *kd_next_event(void);
/* An exit of a whole debugged process, not yet reported. */
bool kd_take_exit(struct kd_event *ev);
void kd_resume(struct task *t, bool step, int sig);
/* Tasks of debugged processes, in tid order (NULL: the first). */
struct task *kd_task_next(struct task *prev);

/* Registers: the general ones from the saved state; the FPU/SSE/AVX ones
 * (XSAVE layout) fetched by the task's thread. */
int kd_get_xstate(struct task *t, void *buf, int len);
int kd_set_xstate(struct task *t, const void *buf, int len);

int kd_read_mem(struct task *t, u64 addr, void *buf, size_t len);   /* breakpoints hidden */
int kd_write_mem(struct task *t, u64 addr, const void *buf, size_t len);
int kd_insert_bp(struct task *t, u64 addr);
int kd_remove_bp(struct task *t, u64 addr);
/* type: 1 exec, 2 write, 3 read, 4 access (Z1..Z4); len 1, 2, 4, 8 */
int kd_insert_hw(struct task *t, int type, u64 addr, int len);
int kd_remove_hw(struct task *t, int type, u64 addr, int len);

#endif
