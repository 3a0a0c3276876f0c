/* Syscall tracing (trace/): strace-format text or JSON Lines for every
 * system call of the guest, decoded from the argument kinds of the syscall
 * table; filters; a summary table; and the flight recorder, the last
 * syscalls of every task, always kept.  Costs one predictable branch per
 * syscall when off. */
#ifndef VMCORE_TRACE_H
#define VMCORE_TRACE_H

#include <vmcore/syscall.h>

extern bool trace_on;

/* Command-line options (trace=, trace_out=, trace_fmt=, trace_tt ...);
 * returns true if the option was a tracing option. */
bool trace_option(const char *key, const char *val);
int trace_init(void);
void trace_enter(struct task *t, const struct syscall_args *a);
void trace_exit(struct task *t, const struct syscall_args *a, long ret);
void trace_noreturn(struct task *t, const struct syscall_args *a);
bool selected_signals(struct task *t);
/* Task events, as strace shows them. */
void trace_signal(struct task *t, const siginfo_t *si);
void trace_task_exit(struct task *t, int status);
void trace_task_free(struct task *t); /* its struct is about to go */
void trace_exec(struct task *t, const char *path);
/* Run-time control (tracefs) */
int trace_set_filter(const char *expr);
const char *trace_get_filter(void);
void trace_set_format(bool json);
bool trace_get_format_json(void);
void trace_set_to_guest(bool g);
bool trace_get_to_guest(void);
size_t trace_ring_take(char *dst, size_t len);
size_t trace_ring_len(void);
extern pthread_cond_t trace_ring_cond;
/* At halt: the summary table (trace_c) and a flush. */
void trace_finish(void);
/* Write out what the trace file's buffer holds (the trace goes off). */
void trace_flush(void);
void trace_flush_on_signal(void);

/* The flight recorder (struct flight lives in the task). */
void flight_record(struct task *t, const struct syscall_args *a, long ret);
/* Print a task's recent syscalls (oops, /proc/PID/syscalls). */
size_t flight_format(struct task *t, char *buf, size_t len);

/* Decoding (trace/decode.c) */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_puts(struct sbuf *b, const char *s);
void sb_putn(struct sbuf *b, const char *s, size_t n);
enum arg_phase { AT_ENTRY, AT_EXIT };
/* Decode argument i of kind k; returns false if this kind is decoded at
 * the other phase (an output argument at entry). */
bool decode_arg(struct sbuf *b, struct task *t, const char *kind, int i, const struct syscall_args *a,
		long ret, enum arg_phase ph);
bool kind_is_output(const char *kind);
/* ioctl(2) requests that take no third argument print none (FIOCLEX). */
bool ioctl_takes_arg(u64 req);
/* the arguments strace shows of futex with operation OP, in order, in IDX;
 * returns how many */
int futex_shown(u64 op, int idx[6]);
/* The traced call's scratch space (zeroed at entry): where a decoder keeps,
 * at entry, what it needs again at exit (an in/out length's value before
 * the call).  NULL when the task's call is not being traced. */
#define TRACE_SCRATCH 128
void *trace_scratch(struct task *t);
void decode_ret(struct sbuf *b, const char *name, long ret);
/* A call's description for the trace: its syscall_table entry, or for a
 * number Linux does not assign, strace's syscall_0xNNN with six
 * hexadecimal arguments.  nr < NR_SYSCALLS. */
const struct syscall_desc *trace_desc(u64 nr);
void decode_ret_fd(struct sbuf *b, struct task *t, const struct syscall_args *a, long ret);
void decode_ret_extra(struct sbuf *b, struct task *t, const struct syscall_args *a, long ret);
void decode_siginfo(struct sbuf *b, const siginfo_t *si);
const char *signal_name(int sig);
extern int trace_strsize;
extern bool trace_decode_fds; /* trace_y: fds as 3</path> */

/* trace_stack (trace/stack.c): the user stack of a call, strace -k style
 * text lines or a JSON array. */
extern bool trace_stack_on;
void trace_stack_append(struct sbuf *b, struct task *t, bool json);
void trace_stack_mm_free(struct mm *mm);

#endif
