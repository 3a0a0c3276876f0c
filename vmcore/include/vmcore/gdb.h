/* The kernel's side of the gdbstub (gdbstub/target.c): what a task thread
 * does for a debugger attached to its process.  Every hook costs one
 * predictable branch on gdb_active when no debugger is attached.
 *
 * A debugged task stops ("parks") in its own task thread, with the BKL
 * released: before it would run guest code, when it has an event for the
 * debugger (a breakpoint, a step, a signal about to be delivered, fork,
 * exec, a caught system call), and when the stub asks every task to stop
 * (all-stop).  While parked its registers are in t->ht.regs, and its
 * thread serves the stub's requests that need the tracer (FPU state). */
#ifndef VMCORE_GDB_H
#define VMCORE_GDB_H

#include <vmcore/kernel.h>
#include <signal.h>

struct task;
struct host_event;

extern bool gdb_active;
/* gdbwait: init stops before its first instruction until a debugger
 * resumes it. */
extern bool gdb_wait_at_start;

/* Before the guest runs (task_loop): parks if asked, applies the debug
 * registers and the single-step flag. */
void gdb_before_run(struct task *t);
/* A SIGTRAP from the host thread: true if it was the debugger's (a
 * breakpoint, a step, a watchpoint) and has been reported. */
bool gdb_trap(struct task *t, const struct host_event *ev);
/* A signal about to be delivered: the debugger sees it first.  Returns the
 * signal to deliver (0: none). */
int gdb_signal(struct task *t, int sig, siginfo_t *info);
/* A system call enters (entry) or has returned. */
void gdb_syscall(struct task *t, bool entry);
/* A new task: threads join the debugged process, a forked child is a new
 * debugged process, stopped (fork events). */
void gdb_fork(struct task *parent, struct task *child, bool thread, bool vfork);
/* A vfork parent's child has execed or exited. */
void gdb_vfork_done(struct task *t);
/* Park while the stub wants this task stopped (a job-control stop too). */
void gdb_park_if_wanted(struct task *t);
/* A successful execve. */
void gdb_exec(struct task *t);
/* The task is going (status: its wait status, for the last thread). */
void gdb_exit(struct task *t, int status);
/* Whether a sleeping task should come out of its sleep for the debugger. */
bool gdb_stop_wanted(struct task *t);
/* Attach init before it runs (gdbwait). */
void gdb_attach_init(struct task *t);
/* Start the stub on the transport SPEC (gdb=...); error text on failure. */
int gdbstub_start(const char *spec);
/* At halt: tell the client, then close. */
void gdbstub_halt(int exit_code);

#endif
