/* What the trace's decoders share (trace/decode*.c): flag tables, the
 * printers of strings, pointers, timespecs, signal sets, iovecs and socket
 * addresses, and the scratch space an argument keeps from entry to exit. */
#ifndef TRACE_DECODE_H
#define TRACE_DECODE_H

#include <vmcore/trace.h>

struct flag {
	u64 v;
	const char *n;
};
#define F(x) { x, #x }

/* The names of the table's bits joined by '|', unknown bits in hex; zero
 * prints as `zero`. */
void print_flags(struct sbuf *b, u64 v, const struct flag *f, size_t n, const char *zero);
/* strace's printflags: as print_flags; no name at all prints the hex value
 * with dflt as a comment; zero is "0" (nothing when dflt is NULL). */
void print_flags_x(struct sbuf *b, u64 v, const struct flag *f, size_t n, const char *dflt);
/* strace's printxval: the value's name, or hex and dflt as a comment. */
void print_xval(struct sbuf *b, u64 v, const struct flag *f, size_t n, const char *dflt);
const char *lookup(u64 v, const struct flag *f, size_t n);

void fd_path(struct sbuf *b, struct task *t, int fd); /* trace_y's "<path>" */
void quote_bytes(struct sbuf *b, const unsigned char *buf, size_t n);
/* len bytes (or a NUL-terminated string) of guest memory, cut at strsize */
void print_guest_str(struct sbuf *b, struct task *t, u64 addr, s64 len, bool nul_terminated);
void print_ptr(struct sbuf *b, u64 v); /* NULL or the address */
void print_int_ptr(struct sbuf *b, struct task *t, u64 addr); /* [value] */
void print_ts(struct sbuf *b, struct task *t, u64 addr);
void print_sigset(struct sbuf *b, struct task *t, u64 addr);
/* cnt iovecs; out: the buffers' contents up to total bytes in all */
void print_iov(struct sbuf *b, struct task *t, u64 addr, int cnt, long total, bool out);
void print_sockaddr(struct sbuf *b, struct task *t, u64 addr, int len);
void decode_siginfo_times(struct sbuf *b, const siginfo_t *si, bool with_times);

extern const struct flag addrfams[], msgflags[];
extern const size_t n_addrfams, n_msgflags;

/* What a decoder keeps from a call's entry for its exit, in the call's
 * scratch space (trace_scratch): the value an in/out length had before the
 * call, clone3's argument as it was passed, recvmsg's msg_namelen. */
struct clone3_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
		cgroup;
};
#define CLONE3_MIN 64 /* up to tls: the first version of the struct */
struct entry_keep {
	bool have_len;
	int len;
	bool clone_at_exit; /* clone3's argument is shown after the call */
	bool have_namelen;  /* recvmsg: the msghdr could be read at entry */
	int namelen;
	struct clone3_args ca;
};
_Static_assert(sizeof(struct entry_keep) <= TRACE_SCRATCH, "trace scratch space too small");
struct entry_keep *kept(struct task *t);

/* Socket messages and options (decode_net.c), event files, pidfds and
 * waitid (decode_event.c): true if the kind is theirs (and was printed). */
bool decode_net_arg(struct sbuf *b, struct task *t, const char *k, int i, const struct syscall_args *a, long ret);
bool net_kind_is_output(const char *k);
void net_keep_for_exit(struct task *t, const char *k, int i, const struct syscall_args *a);
bool decode_event_arg(struct sbuf *b, struct task *t, const char *k, int i, const struct syscall_args *a, long ret);
bool event_kind_is_output(const char *k);
/* futex's kinds (decode_futex.c) */
bool decode_futex_arg(struct sbuf *b, struct task *t, const char *k, const struct syscall_args *a);

#endif
